// SPDX-License-Identifier: MIT
// core: the UDP (RFC 768) and ping socket tables of an interface, and UDP demultiplexing.
#include <algorithm>

#include "core/interface.hpp"
#include "core/parse_drops.hpp"
#include "wire/icmpv4.hpp"
#include "wire/udp.hpp"

namespace netrig::core {

namespace {
namespace icmpv4 = wire::icmpv4;
namespace ipv4 = wire::ipv4;
namespace udp = wire::udp;

// RFC 6335 §6: the dynamic (ephemeral) port range.
constexpr std::uint32_t ephemeral_first = 49152;
constexpr std::uint32_t ephemeral_count = 65536 - ephemeral_first;
// RFC 768 + RFC 791: 65535 - 20 (IPv4 header) - 8 (UDP header).
constexpr std::size_t udp_payload_max = 65535 - ipv4::min_header_len - udp::header_len;
// RFC 792 + RFC 791: 65535 - 20 (IPv4 header) - 8 (ICMP header).
constexpr std::size_t echo_payload_max = 65535 - ipv4::min_header_len - icmpv4::header_len;

std::error_code err(errc e) { return make_error_code(e); }
}  // namespace

void interface::mark_udp(std::size_t index) {
    auto& s = udp_[index];
    if (!s.event_pending) {
        s.event_pending = true;
        events_.push_back({.kind = socket_kind::udp,
                           .index = static_cast<std::uint16_t>(index),
                           .generation = s.generation,
                           .ready = {}});
    }
}

void interface::mark_ping(std::size_t index) {
    auto& s = ping_[index];
    if (!s.event_pending) {
        s.event_pending = true;
        events_.push_back({.kind = socket_kind::ping,
                           .index = static_cast<std::uint16_t>(index),
                           .generation = s.generation,
                           .ready = {}});
    }
}

interface::udp_socket* interface::udp_get(udp_handle h) {
    if (h.index >= udp_.size() || !udp_[h.index].open || udp_[h.index].generation != h.generation) {
        return nullptr;
    }
    return &udp_[h.index];
}

const interface::udp_socket* interface::udp_get(udp_handle h) const {
    return const_cast<interface*>(this)->udp_get(h);
}

interface::ping_socket* interface::ping_get(ping_handle h) {
    if (h.index >= ping_.size() || !ping_[h.index].open ||
        ping_[h.index].generation != h.generation) {
        return nullptr;
    }
    return &ping_[h.index];
}

const interface::ping_socket* interface::ping_get(ping_handle h) const {
    return const_cast<interface*>(this)->ping_get(h);
}

bool interface::port_in_use(std::uint16_t port) const {
    return std::any_of(udp_.begin(), udp_.end(),
                       [port](const udp_socket& s) { return s.open && s.local.port == port; });
}

result<std::uint16_t, errc> interface::ephemeral_port() {
    // A random start then a linear probe (RFC 6056 §3.3.1 "Algorithm 1"-like): unpredictable
    // to off-path attackers, deterministic by the seed.
    const auto start = static_cast<std::uint32_t>(rng_.below(ephemeral_count));
    for (std::uint32_t i = 0; i < ephemeral_count; ++i) {
        const auto port =
            static_cast<std::uint16_t>(ephemeral_first + (start + i) % ephemeral_count);
        if (!port_in_use(port)) {
            return port;
        }
    }
    return unexpected(errc::no_ephemeral_port);
}

// --------------------------------------------------------------------------------- UDP

result<udp_handle, std::error_code> interface::udp_open() {
    for (std::size_t i = 0; i < udp_.size(); ++i) {
        auto& s = udp_[i];
        if (!s.open) {
            s.open = true;
            ++s.generation;
            s.local = {};
            s.remote.reset();
            s.error.reset();
            s.event_pending = false;
            s.rx.reset(config_.limits.udp_rx_datagrams_max, config_.limits.udp_rx_bytes_max);
            return udp_handle{static_cast<std::uint16_t>(i), s.generation};
        }
    }
    return unexpected(err(errc::table_full));
}

result<void, std::error_code> interface::udp_bind(udp_handle h, udp_endpoint local) {
    udp_socket* s = udp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (s->local.port != 0 ||
        (!local.address.is_unspecified() && local.address != config_.address.address)) {
        return unexpected(err(errc::invalid_argument));
    }
    if (local.port == 0) {
        auto port = ephemeral_port();
        if (!port) {
            return unexpected(err(port.error()));
        }
        local.port = *port;
    } else if (port_in_use(local.port)) {
        return unexpected(err(errc::address_in_use));
    }
    s->local = local;
    return {};
}

result<void, std::error_code> interface::udp_connect(udp_handle h, udp_endpoint remote) {
    udp_socket* s = udp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (remote.port == 0 || remote.address.is_unspecified()) {
        return unexpected(err(errc::invalid_argument));
    }
    if (s->local.port == 0) {
        NETRIG_TRY(udp_bind(h, {}));
    }
    s->remote = remote;
    return {};
}

result<void, std::error_code> interface::udp_send_to(instant now, udp_handle h, udp_endpoint to,
                                                     bytes payload) {
    udp_socket* s = udp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (to.port == 0 || to.address.is_unspecified()) {
        return unexpected(err(errc::invalid_argument));
    }
    if (payload.size() > udp_payload_max) {
        return unexpected(err(errc::message_too_long));
    }
    if (s->local.port == 0) {
        NETRIG_TRY(udp_bind(h, {}));
    }
    const udp::repr d{
        .source_port = s->local.port, .destination_port = to.port, .payload = payload};
    const mut_bytes dgram{scratch_.data(), d.buffer_len()};
    // With tx_fill the device completes the checksum from the pseudo-header sum we leave in
    // the field (Linux CHECKSUM_PARTIAL); otherwise it is computed here (0 sent as 0xffff).
    d.emit(dgram, config_.address.address, to.address,
           config_.checksum.tx_fill ? wire::checksum_policy::pseudo_header_only
                                    : wire::checksum_policy::compute);
    auto sent = send_ipv4(now, to.address, ipv4::protocol::udp, dgram);
    if (!sent) {
        return unexpected(err(sent.error()));
    }
    counters_.count(stat::udp_sent);
    return {};
}

result<void, std::error_code> interface::udp_send(instant now, udp_handle h, bytes payload) {
    const udp_socket* s = udp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (!s->remote) {
        return unexpected(err(errc::not_connected));
    }
    return udp_send_to(now, h, *s->remote, payload);
}

result<udp_recv_info, std::error_code> interface::udp_recv_from(udp_handle h, mut_bytes out) {
    udp_socket* s = udp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (s->rx.empty()) {
        return unexpected(err(errc::would_block));
    }
    const udp_meta meta = s->rx.front_meta();
    const std::size_t full = s->rx.front_len();
    const std::size_t n = s->rx.pop_into(out);
    return udp_recv_info{.from = meta.from, .to = meta.to, .len = n, .datagram_len = full};
}

std::optional<icmp_error_report> interface::udp_take_error(udp_handle h) {
    udp_socket* s = udp_get(h);
    if (s == nullptr) {
        return std::nullopt;
    }
    return std::exchange(s->error, std::nullopt);
}

result<udp_endpoint, std::error_code> interface::udp_local_endpoint(udp_handle h) const {
    const udp_socket* s = udp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    return s->local;
}

readiness interface::udp_readiness(udp_handle h) const {
    const udp_socket* s = udp_get(h);
    if (s == nullptr) {
        return {};
    }
    return {.readable = !s->rx.empty(), .writable = tx_.free() > 0, .error = s->error.has_value()};
}

void interface::udp_close(udp_handle h) {
    udp_socket* s = udp_get(h);
    if (s == nullptr) {
        return;
    }
    s->open = false;
    s->local = {};
    s->rx.reset(0, 0);
    // A queued event for the closed socket is now stale; its generation no longer matches.
    std::erase_if(events_, [&](const socket_event& ev) {
        return ev.kind == socket_kind::udp && ev.index == h.index;
    });
    s->event_pending = false;
}

void interface::handle_udp(instant now, const ipv4::repr& h, bytes payload) {
    auto v = udp::view::parse(payload);
    if (!v) {
        counters_.drop(udp_drop(v.error(), payload));
        return;
    }
    // RFC 768: a zero checksum means none was sent; repr::parse verifies any other unless the
    // device did.
    auto d = udp::repr::parse(*v, h.source, h.destination,
                              rx_checksum_policy(rx_l4_checksum_trusted()));
    if (!d) {
        counters_.drop(udp_drop(d.error(), payload));
        return;
    }
    const udp_endpoint from{h.source, d->source_port};
    for (std::size_t i = 0; i < udp_.size(); ++i) {
        auto& s = udp_[i];
        if (!s.open || s.local.port != d->destination_port || s.local.port == 0) {
            continue;
        }
        if (!s.local.address.is_unspecified() && s.local.address != h.destination) {
            continue;
        }
        // A connected socket takes datagrams only from its peer (as connect(2) does).
        if (s.remote && *s.remote != from) {
            continue;
        }
        switch (s.rx.push(udp_meta{from, h.destination}, d->payload)) {
            case push_result::ok:
                counters_.count(stat::udp_received);
                mark_udp(i);
                return;
            case push_result::full_count:
                counters_.drop(drop_reason::udp_queue_full_count);
                return;
            case push_result::full_bytes:
                counters_.drop(drop_reason::udp_queue_full_bytes);
                return;
        }
        return;
    }
    counters_.drop(drop_reason::udp_no_socket);
    // RFC 1122 §4.1.3.1: "If a datagram arrives addressed to a UDP port for which there is no
    // pending LISTEN call, UDP SHOULD send an ICMP Port Unreachable message."
    send_dest_unreachable(now, h, payload, icmpv4::unreachable::port);
}

// --------------------------------------------------------------------------------- ping

result<ping_handle, std::error_code> interface::ping_open(std::uint16_t ident) {
    const auto ident_used = [&](std::uint16_t id) {
        return std::any_of(ping_.begin(), ping_.end(),
                           [id](const ping_socket& s) { return s.open && s.ident == id; });
    };
    if (ident != 0 && ident_used(ident)) {
        return unexpected(err(errc::address_in_use));
    }
    for (std::size_t i = 0; i < ping_.size(); ++i) {
        auto& s = ping_[i];
        if (s.open) {
            continue;
        }
        if (ident == 0) {
            do {
                ident = static_cast<std::uint16_t>(1 + rng_.below(0xffff));
            } while (ident_used(ident));
        }
        s.open = true;
        ++s.generation;
        s.ident = ident;
        s.event_pending = false;
        s.rx.reset(config_.limits.ping_rx_datagrams_max, config_.limits.ping_rx_bytes_max);
        return ping_handle{static_cast<std::uint16_t>(i), s.generation};
    }
    return unexpected(err(errc::table_full));
}

result<std::uint16_t, std::error_code> interface::ping_ident(ping_handle h) const {
    const ping_socket* s = ping_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    return s->ident;
}

result<void, std::error_code> interface::ping_send(instant now, ping_handle h,
                                                   wire::ipv4_address to, std::uint16_t seq,
                                                   bytes payload) {
    const ping_socket* s = ping_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (payload.size() > echo_payload_max) {
        return unexpected(err(errc::message_too_long));
    }
    const icmpv4::repr request = icmpv4::make_echo_request(s->ident, seq, payload);
    const mut_bytes msg{scratch_.data(), request.buffer_len()};
    request.emit(msg);
    auto sent = send_ipv4(now, to, ipv4::protocol::icmp, msg);
    if (!sent) {
        return unexpected(err(sent.error()));
    }
    counters_.count(stat::ping_requests_sent);
    return {};
}

result<ping_reply, std::error_code> interface::ping_recv(ping_handle h, mut_bytes out) {
    ping_socket* s = ping_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (s->rx.empty()) {
        return unexpected(err(errc::would_block));
    }
    const ping_meta meta = s->rx.front_meta();
    const std::size_t full = s->rx.front_len();
    const std::size_t n = s->rx.pop_into(out);
    return ping_reply{.from = meta.from,
                      .ident = s->ident,
                      .seq = meta.seq,
                      .ttl = meta.ttl,
                      .arrival = meta.arrival,
                      .len = n,
                      .payload_len = full};
}

readiness interface::ping_readiness(ping_handle h) const {
    const ping_socket* s = ping_get(h);
    if (s == nullptr) {
        return {};
    }
    return {.readable = !s->rx.empty(), .writable = tx_.free() > 0, .error = false};
}

void interface::ping_close(ping_handle h) {
    ping_socket* s = ping_get(h);
    if (s == nullptr) {
        return;
    }
    s->open = false;
    s->rx.reset(0, 0);
    std::erase_if(events_, [&](const socket_event& ev) {
        return ev.kind == socket_kind::ping && ev.index == h.index;
    });
    s->event_pending = false;
}

}  // namespace netrig::core
