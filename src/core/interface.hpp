// SPDX-License-Identifier: MIT
// core: one network interface of the sans-IO stack: Ethernet dispatch, ARP, IPv4 (routing,
// fragmentation, reassembly), ICMP, the UDP and ping socket tables, and TCP (connections,
// listeners and TIME-WAIT records of core/tcp, demultiplexed with tcp::tcp_table).
//
// Contract (DESIGN.md "Contracts"): the caller feeds received frames with receive(now, frame),
// drains frames to send with poll(now, emit), and sleeps until next_deadline(). The interface
// never reads a clock, never blocks and allocates only at construction and when a socket opens.
//
// Socket readiness: every operation or received packet that may change a socket's readiness
// records a socket_event (at most one per socket until taken). The runtime calls
// take_events(f) after receive()/poll() and wakes the coroutines waiting on those sockets.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <system_error>
#include <type_traits>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/rng.hpp"
#include "base/time.hpp"
#include "core/arp_cache.hpp"
#include "core/config.hpp"
#include "core/counters.hpp"
#include "core/datagram_queue.hpp"
#include "core/error.hpp"
#include "core/frame_ring.hpp"
#include "core/pmtu_cache.hpp"
#include "core/reassembly.hpp"
#include "core/sockets.hpp"
#include "core/token_bucket.hpp"
#include "core/tcp/connection.hpp"
#include "core/tcp/listener.hpp"
#include "core/tcp/tcp_table.hpp"
#include "wire/arp.hpp"
#include "wire/ipv4.hpp"

namespace netrig::core {

/// What the device says about a received frame (link::rx_offload, virtio_net_hdr semantics;
/// core does not see link). All zero: a complete frame of at most the MTU, checksums unverified.
struct rx_frame_info {
    /// VIRTIO_NET_HDR_F_NEEDS_CSUM: the L4 checksum is partial (the sender's kernel left the
    /// pseudo-header sum for the device to complete): verifying it would fail, so it is not.
    bool checksum_partial = false;
    /// VIRTIO_NET_HDR_F_DATA_VALID: the L4 checksum was verified below us.
    bool checksum_valid = false;
    /// Payload bytes per original segment of a coalesced (GRO/TSO) TCP frame; 0 if none.
    std::uint16_t gso_size = 0;
};

/// The sans-IO interface. Not thread-safe: one executor owns it.
class interface {
public:
    /// Builds an interface and allocates every pool its limits call for.
    /// `random` (ephemeral ports, IPv4 identification, ping identifiers) must outlive it.
    /// Preconditions: config.mtu >= 68; config.address.prefix_len <= 32.
    interface(const interface_config& config, rng& random);

    interface(const interface&) = delete;
    interface& operator=(const interface&) = delete;

    /// The configuration.
    [[nodiscard]] const interface_config& config() const { return config_; }
    /// Drop and event counters.
    [[nodiscard]] const counters& stats() const { return counters_; }

    /// Processes one received Ethernet frame (without FCS). Malformed or foreign frames are
    /// dropped and counted; replies are queued for poll().
    void receive(instant now, bytes frame);
    /// As receive(now, frame), with the device's per-frame offload information: L4 checksums
    /// of frames marked partial or valid are not verified, and with segmentation.gro a TCP
    /// frame larger than the MTU is accepted and handed to its connection as the MSS-sized
    /// segments it stands for (info.gso_size each), so ACK clocking and SACK see real segments.
    void receive(instant now, bytes frame, const rx_frame_info& info);

    /// Runs due timers (ARP retries and ageing, reassembly timeouts, PMTU ageing), then hands
    /// at most limits.poll_frames_max queued frames to `emit`, oldest first.
    /// `emit(std::size_t len, Fill&& fill)` must call `fill(mut_bytes)` with a buffer of
    /// exactly len bytes (e.g. a device tx token), which fill writes the frame into. If emit
    /// also takes a third argument `const tx_frame_info&`, it is given the frame's offload
    /// request (partial checksum, TSO), which it must pass to the device with the frame; that
    /// is required when config().checksum.tx_fill or config().segmentation.tso is set. If emit
    /// returns bool, false means "no tx buffer now": the frame stays queued and poll stops.
    /// Returns the number of frames emitted.
    template <class Emit>
    std::size_t poll(instant now, Emit&& emit) {
        on_poll_start(now);
        std::size_t sent = 0;
        while (sent < config_.limits.poll_frames_max) {
            // TCP segments are built into the transmit queue only when it drains, so a busy
            // connection never crowds ARP, ICMP or UDP out of it.
            if (tx_.empty() && !tcp_refill(now)) {
                break;
            }
            const bytes frame = tx_.front();
            auto fill = [frame](mut_bytes out) {
                NETRIG_ASSERT(out.size() == frame.size());
                std::copy(frame.begin(), frame.end(), out.begin());
            };
            if (!emit_one(emit, frame.size(), fill, tx_.front_info())) {
                break;
            }
            counters_.count(stat::tx_frames);
            counters_.count(stat::tx_bytes, frame.size());
            tx_.pop();
            ++sent;
        }
        on_poll_end();
        return sent;
    }

    /// When poll() next has work: now-ish (the last `now` seen) if frames are queued or a TCP
    /// connection has segments due, else the earliest ARP retry, reassembly timeout, TCP timer
    /// (connections, listeners' SYN-ACK retransmissions, TIME-WAIT expiry); nullopt if nothing
    /// is scheduled. TCP timers may be reported early (a lower bound); poll() is then a no-op.
    [[nodiscard]] std::optional<instant> next_deadline() const;

    // ---------------------------------------------------------------- UDP sockets (RFC 768)

    /// Opens an unbound UDP socket. Errors: table_full.
    [[nodiscard]] result<udp_handle, std::error_code> udp_open();
    /// Binds to local.port, or to a random free port of 49152..65535 (RFC 6335 §6) when 0.
    /// local.address must be unspecified or ours. Errors: invalid_handle, address_in_use,
    /// no_ephemeral_port, invalid_argument.
    [[nodiscard]] result<void, std::error_code> udp_bind(udp_handle h, udp_endpoint local);
    /// Sets the default destination and accepts datagrams only from it; binds an ephemeral
    /// port first if unbound. Errors: invalid_handle, invalid_argument, no_ephemeral_port.
    [[nodiscard]] result<void, std::error_code> udp_connect(udp_handle h, udp_endpoint remote);
    /// Sends one datagram (fragmented if it exceeds the path MTU); binds an ephemeral port
    /// first if unbound. Errors: invalid_handle, invalid_argument, message_too_long (> 65507
    /// bytes), no_route, would_block (transmit or ARP queue full; retry when writable).
    [[nodiscard]] result<void, std::error_code> udp_send_to(instant now, udp_handle h,
                                                            udp_endpoint to, bytes payload);
    /// Sends to the connected peer. Errors: as udp_send_to, plus not_connected.
    [[nodiscard]] result<void, std::error_code> udp_send(instant now, udp_handle h, bytes payload);
    /// Takes the oldest datagram, copying at most out.size() bytes (the rest is discarded, as
    /// recvfrom does). Errors: invalid_handle, would_block (queue empty).
    [[nodiscard]] result<udp_recv_info, std::error_code> udp_recv_from(udp_handle h, mut_bytes out);
    /// Takes the pending ICMP error, if any (clearing readiness.error).
    [[nodiscard]] std::optional<icmp_error_report> udp_take_error(udp_handle h);
    /// The bound local endpoint (port 0 if unbound). Errors: invalid_handle.
    [[nodiscard]] result<udp_endpoint, std::error_code> udp_local_endpoint(udp_handle h) const;
    /// Current readiness (all false for an invalid handle).
    [[nodiscard]] readiness udp_readiness(udp_handle h) const;
    /// Closes the socket and drops its queue. Invalid handles are ignored.
    void udp_close(udp_handle h);

    // ---------------------------------------------------- ICMP echo ("ping") sockets (RFC 792)

    /// Opens a ping socket with identifier ident (0 = a random free one). Echo replies carrying
    /// that identifier are queued to it. Errors: table_full, address_in_use.
    [[nodiscard]] result<ping_handle, std::error_code> ping_open(std::uint16_t ident = 0);
    /// The socket's identifier. Errors: invalid_handle.
    [[nodiscard]] result<std::uint16_t, std::error_code> ping_ident(ping_handle h) const;
    /// Sends an echo request with the socket's identifier, seq and payload (fragmented if
    /// needed). Errors: invalid_handle, message_too_long, no_route, would_block.
    [[nodiscard]] result<void, std::error_code> ping_send(instant now, ping_handle h,
                                                          wire::ipv4_address to, std::uint16_t seq,
                                                          bytes payload);
    /// Takes the oldest reply, copying at most out.size() payload bytes. The reply carries the
    /// arrival `now`. Errors: invalid_handle, would_block.
    [[nodiscard]] result<ping_reply, std::error_code> ping_recv(ping_handle h, mut_bytes out);
    /// Current readiness.
    [[nodiscard]] readiness ping_readiness(ping_handle h) const;
    /// Closes the socket. Invalid handles are ignored.
    void ping_close(ping_handle h);

    // ---------------------------------------------------------------- TCP (RFC 9293)
    //
    // Errors are std::error_code of core::errc (invalid_handle, would_block, table_full,
    // address_in_use, no_ephemeral_port, invalid_argument, no_route, not_connected) or of
    // tcp::tcp_errc (connection_refused, connection_reset, timed_out, connection_aborted,
    // closing). Segments are built and queued by poll(); the calls below only change state.

    /// Opens a listening socket on local (address unspecified or ours; port != 0).
    /// Errors: table_full, address_in_use, invalid_argument.
    [[nodiscard]] result<tcp_listen_handle, std::error_code> tcp_listen(
        instant now, udp_endpoint local, const tcp_listen_config& config);
    /// Takes the oldest completed handshake of the listener as a connection (ESTABLISHED or
    /// later: data may already be readable). Errors: invalid_handle, would_block (none).
    [[nodiscard]] result<tcp_handle, std::error_code> tcp_accept(tcp_listen_handle h);
    /// readable = tcp_accept has a connection. All false for an invalid handle.
    [[nodiscard]] readiness tcp_listen_readiness(tcp_listen_handle h) const;
    /// The endpoint the listener is bound to. Errors: invalid_handle.
    [[nodiscard]] result<udp_endpoint, std::error_code> tcp_listen_local(
        tcp_listen_handle h) const;
    /// The listener's counters (SYN queue, cookies, drops). Errors: invalid_handle.
    [[nodiscard]] result<tcp::listener_counters, std::error_code> tcp_listen_stats(
        tcp_listen_handle h) const;
    /// The counters of every listener this interface has had, summed: the open ones' and what
    /// closed ones had counted (so a tool's final report still shows a closed listener's SYN
    /// cookies and drops).
    [[nodiscard]] tcp::listener_counters tcp_listeners_total() const;
    /// Closes the listener: pending SYN-RECEIVED records are forgotten and connections not
    /// yet accepted are reset (RFC 9293 §3.10.4: CLOSE in LISTEN). Invalid handles are ignored.
    void tcp_listen_close(tcp_listen_handle h);

    /// Active open (RFC 9293 §3.10.1): the SYN goes out at the next poll(); the handle becomes
    /// readiness.connected on success, or readiness.error (tcp_error: connection_refused,
    /// timed_out) on failure. local: nullopt or port 0 = an ephemeral port (RFC 6056 Alg. 4);
    /// its address must be unspecified or ours. config.mss is clamped to the path MTU - 40.
    /// Errors: table_full, address_in_use, no_ephemeral_port, invalid_argument (remote port 0,
    /// remote address unspecified/broadcast/multicast/ours), no_route.
    [[nodiscard]] result<tcp_handle, std::error_code> tcp_connect(
        instant now, udp_endpoint remote, std::optional<udp_endpoint> local,
        const tcp::conn_config& config);
    /// RFC 9293 §3.10.2 SEND: queues up to data.size() bytes; returns the count queued.
    /// Errors: invalid_handle, would_block (send buffer full), closing (after shutdown/close),
    /// not_connected, or the connection's error.
    [[nodiscard]] result<std::size_t, std::error_code> tcp_send(instant now, tcp_handle h,
                                                                bytes data);
    /// RFC 9293 §3.10.3 RECEIVE: copies in-order data; 0 = end of stream (FIN received and all
    /// data read). Errors: invalid_handle, would_block, or the connection's error.
    [[nodiscard]] result<std::size_t, std::error_code> tcp_recv(instant now, tcp_handle h,
                                                                mut_bytes out);
    /// Half close (shutdown(SHUT_WR)): a FIN follows the queued data. Invalid handles ignored.
    void tcp_shutdown(instant now, tcp_handle h);
    /// RFC 9293 §3.10.4 CLOSE: the handle dies now; the connection finishes on its own
    /// (FIN after queued data, FIN-WAIT, TIME-WAIT record). If unread data is pending (or
    /// arrives later) a RST is sent instead (RFC 1122 §4.2.2.13). Invalid handles ignored.
    void tcp_close(instant now, tcp_handle h);
    /// RFC 9293 §3.10.5 ABORT: RST to the peer (if synchronized); the handle dies now.
    void tcp_abort(instant now, tcp_handle h);
    /// Current readiness (all false for an invalid handle).
    [[nodiscard]] readiness tcp_readiness(tcp_handle h) const;
    /// Why the connection failed (tcp_errc::connection_refused, connection_reset, timed_out,
    /// connection_aborted), or nothing.
    [[nodiscard]] std::optional<std::error_code> tcp_error(tcp_handle h) const;
    /// Takes the last ICMP soft error about this connection (RFC 1122 §4.2.3.9: destination
    /// unreachable codes 0, 1, 5, time exceeded, ... do not abort the connection).
    [[nodiscard]] std::optional<icmp_error_report> tcp_take_soft_error(tcp_handle h);
    /// TCP_INFO-like state, windows and counters. Errors: invalid_handle.
    [[nodiscard]] result<tcp::tcp_stats, std::error_code> tcp_info(tcp_handle h) const;
    /// Local and remote endpoints. Errors: invalid_handle.
    [[nodiscard]] result<tcp_endpoint_pair, std::error_code> tcp_endpoints(tcp_handle h) const;
    /// TCP_NODELAY (disables Nagle, RFC 896). Errors: invalid_handle.
    [[nodiscard]] result<void, std::error_code> tcp_set_nodelay(tcp_handle h, bool on);
    /// Congestion control algorithm. Allowed only before any data was sent (later it fails
    /// with invalid_argument and the connection keeps its algorithm); prefer conn_config.cc.
    /// Errors: invalid_handle, invalid_argument.
    [[nodiscard]] result<void, std::error_code> tcp_set_congestion(tcp_handle h,
                                                                   tcp::cc_algorithm algo);
    /// Connections held (any state but LISTEN and TIME-WAIT, including closed-by-user ones
    /// still finishing).
    [[nodiscard]] std::size_t tcp_connection_count() const;
    /// TIME-WAIT records held.
    [[nodiscard]] std::size_t tcp_time_wait_count() const;

    // ------------------------------------------------------------------------- readiness

    /// Calls f(const socket_event&) once for each socket whose readiness may have changed since
    /// the last call, then forgets them.
    template <class F>
    void take_events(F&& f) {
        for (const auto& ev : events_) {
            socket_event out = ev;
            switch (ev.kind) {
                case socket_kind::udp:
                    udp_[ev.index].event_pending = false;
                    out.ready = udp_readiness(udp_handle{ev.index, ev.generation});
                    break;
                case socket_kind::ping:
                    ping_[ev.index].event_pending = false;
                    out.ready = ping_readiness(ping_handle{ev.index, ev.generation});
                    break;
                case socket_kind::tcp:
                    tcp_[ev.index].event_pending = false;
                    out.ready = tcp_readiness(tcp_handle{ev.index, ev.generation});
                    break;
                case socket_kind::tcp_listener:
                    tcp_listeners_[ev.index].event_pending = false;
                    out.ready = tcp_listen_readiness(tcp_listen_handle{ev.index, ev.generation});
                    break;
            }
            f(out);
        }
        events_.clear();
    }

    // ------------------------------------------------------------------ introspection

    /// The ARP cache (tests, tools).
    [[nodiscard]] const arp_cache& arp() const { return arp_; }
    /// The reassembly pool (tests, tools).
    [[nodiscard]] const reassembler& reassembly() const { return reasm_; }
    /// The path-MTU cache (tests, tools).
    [[nodiscard]] const pmtu_cache& pmtu() const { return pmtu_; }
    /// The effective MTU towards destination at now (link MTU or a smaller learnt PMTU).
    [[nodiscard]] std::uint16_t path_mtu(instant now, wire::ipv4_address destination) const;
    /// Frames queued for transmission.
    [[nodiscard]] std::size_t tx_queued() const { return tx_.size(); }
    /// Frames waiting for ARP resolution.
    [[nodiscard]] std::size_t arp_pending() const { return pending_.size(); }

private:
    // Calls emit with or without the offload request (see poll()); false = "no room now".
    template <class Emit, class Fill>
    static bool emit_one(Emit& emit, std::size_t len, Fill& fill, const tx_frame_info& info) {
        if constexpr (std::is_invocable_v<Emit&, std::size_t, Fill&, const tx_frame_info&>) {
            using ret = decltype(emit(len, fill, info));
            if constexpr (std::is_same_v<ret, bool>) {
                return emit(len, fill, info);
            } else {
                emit(len, fill, info);
                return true;
            }
        } else {
            using ret = decltype(emit(len, fill));
            if constexpr (std::is_same_v<ret, bool>) {
                return emit(len, fill);
            } else {
                emit(len, fill);
                return true;
            }
        }
    }

    struct udp_meta {
        udp_endpoint from;
        wire::ipv4_address to;
    };
    struct udp_socket {
        bool open = false;
        std::uint16_t generation = 0;
        udp_endpoint local;
        std::optional<udp_endpoint> remote;
        std::optional<icmp_error_report> error;
        datagram_queue<udp_meta> rx;
        bool event_pending = false;
    };
    struct ping_meta {
        wire::ipv4_address from;
        std::uint16_t seq = 0;
        std::uint8_t ttl = 0;
        instant arrival{};
    };
    struct ping_socket {
        bool open = false;
        std::uint16_t generation = 0;
        std::uint16_t ident = 0;
        datagram_queue<ping_meta> rx;
        bool event_pending = false;
    };

    // A TCP connection slot. The connection outlives its handle (user_open false) until it
    // is finished or enters TIME-WAIT (then a compact record replaces it).
    struct tcp_slot {
        std::optional<tcp::connection> conn;
        std::uint16_t generation = 0;
        bool user_open = false;      // a tcp_handle refers to it
        bool in_table = false;       // registered in tcp_table_
        bool queued = false;         // in tcp_run_ (may have output now)
        bool event_pending = false;  // a socket_event is recorded
        bool accept_pending = false;  // waiting in a listener's accept queue
        std::uint16_t listener = 0;   // that listener's slot (accept_pending)
        std::optional<instant> scheduled;  // earliest entry of this slot in tcp_timers_
        std::optional<icmp_error_report> soft_error;
        std::optional<std::error_code> hard_error;  // ICMP hard error in SYN-SENT (refused)
        readiness last_ready;                       // readiness last reported by an event
    };
    // A listening socket slot with its accept queue (a ring of connection slots).
    struct tcp_listen_slot {
        std::optional<tcp::listener> listener;
        std::uint16_t generation = 0;
        udp_endpoint local;
        tcp::conn_config conn;
        std::vector<std::uint16_t> accept_ring;
        std::size_t accept_head = 0;
        std::size_t accept_count = 0;
        bool event_pending = false;
    };
    // A timer heap entry (min-heap on `at`). Entries are not removed when a connection's
    // deadline moves: a stale entry only causes an early, harmless look at the connection.
    struct tcp_timer {
        instant at;
        std::uint16_t slot = 0;
    };

    // Receive path.
    void handle_arp(instant now, bytes payload);
    void handle_ipv4(instant now, bytes packet);
    void deliver_ipv4(instant now, const wire::ipv4::repr& h, bytes payload);
    void handle_icmp(instant now, const wire::ipv4::repr& h, bytes payload);
    void handle_icmp_error(instant now, const wire::ipv4::repr& h, std::uint8_t type,
                           std::uint8_t code, std::uint16_t next_hop_mtu, bytes quote);
    void handle_udp(instant now, const wire::ipv4::repr& h, bytes payload);
    void handle_tcp(instant now, const wire::ipv4::repr& h, bytes payload);
    [[nodiscard]] bool is_our_destination(wire::ipv4_address a) const;

    // Transmit path.
    // gso_size > 0: l4 is a TCP segment of several gso_size pieces that the device cuts (TSO);
    // it is never fragmented. Preconditions for it: segmentation.tso, next hop resolved.
    result<void, errc> send_ipv4(instant now, wire::ipv4_address destination,
                                 std::uint8_t protocol, bytes l4, bool dont_frag = false,
                                 std::uint16_t gso_size = 0);
    // Writes an L4 datagram of `len` bytes into a buffer of exactly that size.
    struct l4_writer {
        std::size_t len = 0;
        void (*write)(const void* context, mut_bytes out) = nullptr;
        const void* context = nullptr;
    };
    // send_ipv4 for a datagram not yet built: `l4` writes it straight into the frame when it
    // goes out whole to a resolved next hop (no copy through scratch_), else into scratch_,
    // from where it is fragmented or parked for ARP as above.
    result<void, errc> send_ipv4(instant now, wire::ipv4_address destination,
                                 std::uint8_t protocol, const l4_writer& l4, bool dont_frag,
                                 std::uint16_t gso_size);
    // Both send_ipv4: exactly one of `writer` (with l4 empty) and l4 gives the datagram.
    result<void, errc> send_ipv4_impl(instant now, wire::ipv4_address destination,
                                      std::uint8_t protocol, std::size_t l4_len,
                                      const l4_writer* writer, bytes l4, bool dont_frag,
                                      std::uint16_t gso_size);
    // The offload request of a frame carrying l4 (partial checksum with tx_fill, TSO).
    [[nodiscard]] tx_frame_info tx_info_for(std::uint8_t protocol, bytes l4,
                                            std::uint16_t gso_size) const;
    // Rx: the L4 checksum of the frame being processed need not be verified (the device did,
    // or it is a partial checksum of a frame that never left the sender's host).
    [[nodiscard]] bool rx_l4_checksum_trusted() const {
        return config_.checksum.rx_verify || rx_info_.checksum_partial ||
               rx_info_.checksum_valid;
    }
    void send_arp(wire::arp::operation op, wire::mac_address eth_destination,
                  wire::mac_address target_hw, wire::ipv4_address target_ip);
    void send_dest_unreachable(instant now, const wire::ipv4::repr& h, bytes payload,
                               std::uint8_t code);
    void release_pending(wire::ipv4_address next_hop, wire::mac_address mac);
    void on_poll_start(instant now);
    void on_poll_end();

    // Sockets.
    udp_socket* udp_get(udp_handle h);
    const udp_socket* udp_get(udp_handle h) const;
    ping_socket* ping_get(ping_handle h);
    const ping_socket* ping_get(ping_handle h) const;
    result<std::uint16_t, errc> ephemeral_port();
    [[nodiscard]] bool port_in_use(std::uint16_t port) const;
    void mark_udp(std::size_t index);
    // TCP (interface_tcp*.cpp).
    void tcp_init();
    tcp_slot* tcp_get(tcp_handle h);
    const tcp_slot* tcp_get(tcp_handle h) const;
    tcp_listen_slot* tcp_listen_get(tcp_listen_handle h);
    const tcp_listen_slot* tcp_listen_get(tcp_listen_handle h) const;
    std::optional<std::uint16_t> tcp_alloc();
    void tcp_release(std::uint16_t i);
    void tcp_enqueue(std::uint16_t i);
    void tcp_settle(instant now, std::uint16_t i);
    void tcp_schedule(std::uint16_t i, instant at);
    void mark_tcp(std::size_t index);
    void mark_tcp_listener(std::size_t index);
    [[nodiscard]] tcp::conn_config tcp_clamp(instant now, wire::ipv4_address remote,
                                             tcp::conn_config cfg) const;
    void tcp_on_listener_result(instant now, std::uint16_t li, const tcp::segment_in& seg,
                                const tcp::listener_result& r);
    void tcp_send_rst_for(instant now, const tcp::segment_in& seg);
    bool tcp_transmit(instant now, wire::ipv4_address source, wire::ipv4_address destination,
                      const wire::tcp::repr& t);
    bool tcp_transmit(instant now, const tcp::segment_out& seg);
    void tcp_on_poll(instant now);
    bool tcp_refill(instant now);
    // The slot of the connection an ICMP error quoting this TCP segment is about, or why it
    // must be ignored: no connection has the tuple, or (RFC 5927 §4.1) `seq` is not in the
    // connection's flight.
    [[nodiscard]] result<std::uint16_t, drop_reason> tcp_icmp_connection(
        wire::ipv4_address local, std::uint16_t local_port, wire::ipv4_address remote,
        std::uint16_t remote_port, wire::seq32 seq) const;
    // Delivers an ICMP error to the connection in slot i (from tcp_icmp_connection).
    void tcp_icmp_error(instant now, const icmp_error_report& report, std::uint16_t i,
                        bool frag_needed);
    [[nodiscard]] std::optional<instant> tcp_next_deadline() const;
    // TSO: the largest payload one segment to `remote` may carry now (0: MSS-sized only).
    [[nodiscard]] std::uint32_t tcp_tso_payload_max(instant now, wire::ipv4_address remote);
    void tcp_deliver(instant now, std::uint16_t i, const tcp::segment_in& seg);
    void mark_ping(std::size_t index);

    interface_config config_;
    rng& rng_;
    counters counters_;
    frame_ring tx_;
    arp_cache arp_;
    arp_pending_queue pending_;
    reassembler reasm_;
    pmtu_cache pmtu_;
    token_bucket icmp_errors_;
    std::vector<udp_socket> udp_;
    std::vector<ping_socket> ping_;
    std::vector<socket_event> events_;
    // TCP (interface_tcp*.cpp).
    tcp::tcp_table tcp_table_;
    tcp::listener_secrets tcp_secrets_;
    std::vector<tcp_slot> tcp_;
    std::vector<std::uint16_t> tcp_free_;
    std::vector<tcp_listen_slot> tcp_listeners_;
    tcp::listener_counters tcp_closed_listeners_;  // summed at tcp_listen_close
    std::vector<std::uint16_t> tcp_run_;  // ring of slots that may have output now
    std::size_t tcp_run_head_ = 0;
    std::size_t tcp_run_count_ = 0;
    std::vector<tcp_timer> tcp_timers_;  // min-heap
    std::size_t tcp_count_ = 0;
    std::vector<std::uint8_t> scratch_;  // one IPv4 payload being built (65535 bytes)
    std::uint16_t next_ident_ = 0;
    instant last_now_{};
    bool announce_pending_ = false;
    bool tx_blocked_ = false;
    rx_frame_info rx_info_{};  // the frame receive() is processing
};

}  // namespace netrig::core
