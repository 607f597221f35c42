// SPDX-License-Identifier: MIT
// core/tcp: the demux tables of one stack: established/synchronizing connections by 4-tuple,
// listeners by local address and port, TIME-WAIT records, and ephemeral ports for connect().
//
// Driving it (per received TCP segment, tuple seen from our side):
//   switch (auto d = table.demux(tuple); d.kind) {
//   case demux_kind::connection: conns[d.id].on_segment(now, seg); break;
//   case demux_kind::time_wait:
//       switch (table.time_wait().on_segment(now, tuple, seg.tcp)) {
//       case time_wait_action::send_ack: send(table.time_wait().ack_for(*rec, ts_clock)); break;
//       case time_wait_action::reuse: {            // a SYN: RFC 6191 decides
//           auto* l = listener_for(tuple);          // table.find_listener(...)
//           if (!l) break;
//           auto iss = table.time_wait().on_syn(tuple, seg.tcp, l->would_use_timestamps(seg.tcp),
//                                               l->isn(now, tuple));
//           if (iss) handle(l->on_segment(now, src, dst, seg.tcp, iss));
//           break; }
//       default: break;                             // drop, closed
//       } break;
//   case demux_kind::listener: handle(listeners[d.id].on_segment(now, src, dst, seg.tcp)); break;
//   case demux_kind::none: /* RFC 9293 §3.10.7.1: RST unless RST */ break;
//   }
// handle(): send result.reply; for result.established create the connection, add_connection()
// it, queue it for accept() and hand it the same segment. Timers: table.time_wait().expire(now)
// and listener.poll(now, out) at their next_deadline().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <system_error>

#include "base/result.hpp"
#include "base/rng.hpp"
#include "core/tcp/four_tuple.hpp"
#include "core/tcp/hash_index.hpp"
#include "core/tcp/port_alloc.hpp"
#include "core/tcp/time_wait.hpp"
#include "wire/address.hpp"

namespace netrig::core::tcp {

/// Bounds of a tcp_table. Memory is allocated once, at construction.
struct tcp_table_config {
    /// Connections (any state but LISTEN, TIME-WAIT and SYN-RECEIVED requests held by a
    /// listener). 16 bytes of index per slot, at most 4/3 slots per connection rounded up to a
    /// power of two.
    std::size_t connections_max = 16384;
    /// Listening sockets.
    std::size_t listeners_max = 64;
    /// TIME-WAIT records and their lifetime.
    time_wait_config time_wait;
    /// Ephemeral ports for connect().
    port_range ephemeral;
};

/// Key of a listener: the local address (0.0.0.0 = any) and port.
struct listen_key {
    wire::ipv4_address address;  ///< local address, or any
    std::uint16_t port = 0;      ///< local port
    std::uint16_t reserved = 0;  ///< zero; keeps the key free of padding

    /// Bytes hashed by hash_index.
    [[nodiscard]] constexpr std::array<std::uint8_t, 6> to_bytes() const {
        std::array<std::uint8_t, 6> out{};
        store_be32(out, 0, address.to_u32());
        store_be16(out, 4, port);
        return out;
    }
    friend constexpr bool operator==(const listen_key&, const listen_key&) = default;
};

/// Where an incoming segment goes.
enum class demux_kind : std::uint8_t {
    none,        ///< nobody: RFC 9293 §3.10.7.1 CLOSED rules (reply RST unless RST)
    connection,  ///< the connection with `id`
    time_wait,   ///< a TIME-WAIT record (time_wait_table::on_segment)
    listener,    ///< the listener with `id` (no connection for the tuple)
};

/// Result of tcp_table::demux().
struct demux_result {
    demux_kind kind = demux_kind::none;  ///< where the segment goes
    std::uint32_t id = 0;                ///< connection or listener id (kind connection/listener)
};

/// The demux tables. Ids are the caller's (slot numbers of its connection and listener pools).
class tcp_table {
public:
    /// Tables with the given bounds; hash secrets and the port allocator's state are drawn
    /// from `r` (no global RNG).
    tcp_table(const tcp_table_config& config, rng& r);

    /// Registers a connection. Errors: core::errc::address_in_use (the tuple has a connection
    /// or a TIME-WAIT record), core::errc::table_full.
    [[nodiscard]] result<void, std::error_code> add_connection(const four_tuple& tuple,
                                                               std::uint32_t id);
    /// The connection with that tuple.
    [[nodiscard]] std::optional<std::uint32_t> find_connection(const four_tuple& tuple) const;
    /// Forgets a connection; false if it was not registered.
    bool remove_connection(const four_tuple& tuple);

    /// Registers a listener on address:port (address any = every local address). Errors:
    /// core::errc::address_in_use (same address and port), core::errc::table_full.
    [[nodiscard]] result<void, std::error_code> add_listener(wire::ipv4_address address,
                                                             std::uint16_t port, std::uint32_t id);
    /// The listener for a segment to address:port: an exact match first, then the wildcard.
    [[nodiscard]] std::optional<std::uint32_t> find_listener(wire::ipv4_address address,
                                                             std::uint16_t port) const;
    /// Forgets a listener; false if none was registered on exactly address:port.
    bool remove_listener(wire::ipv4_address address, std::uint16_t port);

    /// RFC 9293 §3.10.7: a segment belongs to the connection of its 4-tuple if one exists
    /// (any synchronized or SYN-SENT state), else to a TIME-WAIT record, else to a listener of
    /// the local port (LISTEN), else to nobody (CLOSED). `tuple` is from our side.
    [[nodiscard]] demux_result demux(const four_tuple& tuple) const;

    /// A local port for connect() from `local` to remote:remote_port (RFC 6056 Algorithm 4),
    /// suitable if no connection or TIME-WAIT record has the resulting tuple and no listener
    /// holds the port. Errors: core::errc::no_ephemeral_port.
    [[nodiscard]] result<std::uint16_t, std::error_code> allocate_port(wire::ipv4_address local,
                                                                       wire::ipv4_address remote,
                                                                       std::uint16_t remote_port);

    /// The TIME-WAIT records (insert when a connection enters TIME-WAIT, expire on timers).
    [[nodiscard]] time_wait_table& time_wait() { return time_wait_; }
    /// The TIME-WAIT records, read-only.
    [[nodiscard]] const time_wait_table& time_wait() const { return time_wait_; }

    /// Connections registered.
    [[nodiscard]] std::size_t connection_count() const { return connections_.size(); }
    /// Listeners registered.
    [[nodiscard]] std::size_t listener_count() const { return listeners_.size(); }
    /// Heap bytes held by all tables.
    [[nodiscard]] std::size_t memory_bytes() const;

private:
    hash_index<four_tuple> connections_;
    hash_index<listen_key> listeners_;
    time_wait_table time_wait_;
    port_allocator ports_;
};

}  // namespace netrig::core::tcp
