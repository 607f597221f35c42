// SPDX-License-Identifier: MIT
// core/tcp: demux tables.
#include "core/tcp/tcp_table.hpp"

#include "core/error.hpp"

namespace netrig::core::tcp {

namespace {

siphash_key draw_key(rng& r) {
    return siphash_key{r(), r()};
}

}  // namespace

tcp_table::tcp_table(const tcp_table_config& config, rng& r)
    : connections_(config.connections_max, draw_key(r)),
      listeners_(config.listeners_max, draw_key(r)),
      time_wait_(config.time_wait, draw_key(r)),
      ports_(config.ephemeral, r) {}

result<void, std::error_code> tcp_table::add_connection(const four_tuple& tuple, std::uint32_t id) {
    if (connections_.find(tuple) || time_wait_.find(tuple) != nullptr) {
        return unexpected(make_error_code(errc::address_in_use));
    }
    if (!connections_.insert(tuple, id)) {
        return unexpected(make_error_code(errc::table_full));
    }
    return {};
}

std::optional<std::uint32_t> tcp_table::find_connection(const four_tuple& tuple) const {
    return connections_.find(tuple);
}

bool tcp_table::remove_connection(const four_tuple& tuple) {
    return connections_.erase(tuple).has_value();
}

result<void, std::error_code> tcp_table::add_listener(wire::ipv4_address address,
                                                      std::uint16_t port, std::uint32_t id) {
    const listen_key key{.address = address, .port = port};
    if (listeners_.find(key)) {
        return unexpected(make_error_code(errc::address_in_use));
    }
    if (!listeners_.insert(key, id)) {
        return unexpected(make_error_code(errc::table_full));
    }
    return {};
}

std::optional<std::uint32_t> tcp_table::find_listener(wire::ipv4_address address,
                                                      std::uint16_t port) const {
    if (auto exact = listeners_.find(listen_key{.address = address, .port = port})) {
        return exact;
    }
    return listeners_.find(listen_key{.address = wire::ipv4_address::any(), .port = port});
}

bool tcp_table::remove_listener(wire::ipv4_address address, std::uint16_t port) {
    return listeners_.erase(listen_key{.address = address, .port = port}).has_value();
}

demux_result tcp_table::demux(const four_tuple& tuple) const {
    if (const auto id = connections_.find(tuple)) {
        return {demux_kind::connection, *id};
    }
    if (time_wait_.find(tuple) != nullptr) {
        return {demux_kind::time_wait, 0};
    }
    if (const auto id = find_listener(tuple.local_address, tuple.local_port)) {
        return {demux_kind::listener, *id};
    }
    return {};
}

result<std::uint16_t, std::error_code> tcp_table::allocate_port(wire::ipv4_address local,
                                                                wire::ipv4_address remote,
                                                                std::uint16_t remote_port) {
    const auto port = ports_.allocate(local, remote, remote_port, [&](std::uint16_t p) {
        // RFC 6056 §3.3.4 check_suitable_port(): the resulting 4-tuple must be free (TIME-WAIT
        // included, RFC 9293 §3.4.1 / RFC 1122 §4.2.2.13) and the port must not be a
        // listening port (its SYN-ACKs and our SYNs would collide in demux).
        const four_tuple t{local, remote, p, remote_port};
        return !connections_.find(t) && time_wait_.find(t) == nullptr && !find_listener(local, p);
    });
    if (!port) {
        return unexpected(make_error_code(errc::no_ephemeral_port));
    }
    return *port;
}

std::size_t tcp_table::memory_bytes() const {
    return connections_.memory_bytes() + listeners_.memory_bytes() + time_wait_.memory_bytes();
}

}  // namespace netrig::core::tcp
