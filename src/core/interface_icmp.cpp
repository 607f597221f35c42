// SPDX-License-Identifier: MIT
// core: ICMP (RFC 792, RFC 1122 §3.2.2): echo replies, errors we send (port unreachable,
// rate-limited), errors we receive (to UDP sockets, and fragmentation-needed to the PMTU cache),
// and echo replies for ping sockets.
#include <algorithm>

#include "core/interface.hpp"
#include "wire/checksum.hpp"

namespace netrig::core {

namespace {
// RFC 792: an error quotes "the internet header plus the first 64 bits of the original data".
constexpr std::size_t quoted_data_len = 8;
// RFC 1191 §5: when a router reports no next-hop MTU, guess from a plateau below the datagram.
constexpr std::uint16_t pmtu_min = 68;
constexpr std::uint16_t pmtu_plateau = 576;
}  // namespace

void interface::handle_icmp(instant now, const pkt::ipv4_header& h, bytes payload) {
    if (payload.size() < pkt::icmp_header_len) {
        counters_.drop(drop_reason::icmp_truncated);
        return;
    }
    if (!config_.checksum.rx_verify && !wire::verify_checksum(payload)) {
        counters_.drop(drop_reason::icmp_bad_checksum);
        return;
    }
    const std::uint8_t type = load_u8(payload, 0);
    switch (type) {
        case pkt::icmp_type::echo_request: {
            // RFC 1122 §3.2.2.6: an echo request to a broadcast address MAY be silently
            // discarded; we do, as Linux does by default (icmp_echo_ignore_broadcasts).
            if (h.destination != config_.address.address) {
                counters_.drop(drop_reason::icmp_echo_to_broadcast);
                return;
            }
            // RFC 792: the reply carries the same identifier, sequence number and data, with
            // type 0 and a recomputed checksum. Built in scratch_, since payload may live in
            // the reassembly buffer and a large reply is fragmented on send.
            std::copy(payload.begin(), payload.end(), scratch_.begin());
            const mut_bytes reply{scratch_.data(), payload.size()};
            store_u8(reply, 0, pkt::icmp_type::echo_reply);
            store_u8(reply, 1, 0);
            store_be16(reply, 2, 0);
            store_be16(reply, 2, wire::internet_checksum(reply));
            if (send_ipv4(now, h.source, pkt::proto_icmp, reply)) {
                counters_.count(stat::icmp_echo_replies_sent);
            }
            return;
        }
        case pkt::icmp_type::echo_reply: {
            const std::uint16_t ident = load_be16(payload, 4);
            const auto it = std::find_if(ping_.begin(), ping_.end(), [&](const ping_socket& s) {
                return s.open && s.ident == ident;
            });
            if (it == ping_.end()) {
                counters_.drop(drop_reason::ping_no_socket);
                return;
            }
            const ping_meta meta{.from = h.source,
                                 .seq = load_be16(payload, 6),
                                 .ttl = h.ttl,
                                 .arrival = now};
            if (it->rx.push(meta, payload.subspan(pkt::icmp_header_len)) != push_result::ok) {
                counters_.drop(drop_reason::ping_queue_full);
                return;
            }
            counters_.count(stat::ping_replies_received);
            mark_ping(static_cast<std::size_t>(it - ping_.begin()));
            return;
        }
        case pkt::icmp_type::dest_unreachable:
        case pkt::icmp_type::time_exceeded:
            handle_icmp_error(now, h, payload);
            return;
        default:
            counters_.drop(drop_reason::icmp_unknown_type);
            return;
    }
}

void interface::handle_icmp_error(instant now, const pkt::ipv4_header& h, bytes payload) {
    counters_.count(stat::icmp_errors_received);
    const std::uint8_t type = load_u8(payload, 0);
    const std::uint8_t code = load_u8(payload, 1);
    const bytes quote = payload.subspan(pkt::icmp_header_len);
    // The quoted header is truncated by design, so it is checked by hand: version 4, a sane
    // IHL, 8 bytes of transport header, and our address as its source.
    if (quote.size() < pkt::ipv4_header_len || (load_u8(quote, 0) >> 4U) != 4) {
        counters_.drop(drop_reason::icmp_bad_quote);
        return;
    }
    const std::size_t ihl = std::size_t{load_u8(quote, 0) & 0x0fU} * 4;
    if (ihl < pkt::ipv4_header_len || quote.size() < ihl + quoted_data_len ||
        wire::ipv4_address::from_bytes(quote.subspan(12)) != config_.address.address) {
        counters_.drop(drop_reason::icmp_bad_quote);
        return;
    }
    const auto original_destination = wire::ipv4_address::from_bytes(quote.subspan(16));
    const std::uint8_t protocol = load_u8(quote, 9);
    bool consumed = false;
    if (type == pkt::icmp_type::dest_unreachable && code == pkt::icmp_code::frag_needed) {
        // RFC 1191 §4: the next-hop MTU is in the low 16 bits of the unused field.
        std::uint16_t mtu = load_be16(payload, 6);
        if (mtu < pmtu_min) {
            const std::uint16_t original_len = load_be16(quote, 2);
            mtu = original_len > pmtu_plateau ? pmtu_plateau : pmtu_min;
        }
        pmtu_.update(now, original_destination, mtu);
        counters_.count(stat::pmtu_updates);
        consumed = true;
    }
    if (protocol == pkt::proto_udp) {
        const std::uint16_t local_port = load_be16(quote, ihl);
        const std::uint16_t remote_port = load_be16(quote, ihl + 2);
        for (std::size_t i = 0; i < udp_.size(); ++i) {
            auto& s = udp_[i];
            if (s.open && s.local.port == local_port) {
                // RFC 1122 §4.1.3.3: "UDP MUST pass to the application layer all ICMP error
                // messages that it receives from the IP layer."
                s.error = icmp_error_report{.type = type,
                                            .code = code,
                                            .reporter = h.source,
                                            .original_destination = {original_destination,
                                                                     remote_port}};
                mark_udp(i);
                return;
            }
        }
    }
    if (!consumed) {
        counters_.drop(drop_reason::icmp_error_no_socket);
    }
}

void interface::send_icmp_error(instant now, const pkt::ipv4_header& h, bytes payload,
                                std::uint8_t type, std::uint8_t code) {
    // RFC 1122 §3.2.2: never about a datagram to a broadcast/multicast address, from a
    // non-unicast source, or a non-initial fragment (ICMP errors about ICMP errors are not
    // possible here: only UDP calls this).
    if (h.destination != config_.address.address || h.source.is_unspecified() ||
        h.source.is_broadcast() || h.source.is_multicast() || h.source.is_loopback() ||
        h.frag_offset != 0) {
        return;
    }
    // RFC 1122 §3.2.2: "SHOULD ... limit the rate at which it originates ICMP error messages".
    if (!icmp_errors_.try_take(now)) {
        counters_.drop(drop_reason::icmp_rate_limited);
        return;
    }
    const std::size_t quoted = std::min(payload.size(), quoted_data_len);
    const std::size_t len = pkt::icmp_header_len + pkt::ipv4_header_len + quoted;
    const mut_bytes msg{scratch_.data(), len};
    std::fill(msg.begin(), msg.end(), std::uint8_t{0});
    store_u8(msg, 0, type);
    store_u8(msg, 1, code);
    pkt::ipv4_header original = h;
    original.header_len = pkt::ipv4_header_len;
    pkt::emit_ipv4(msg.subspan(pkt::icmp_header_len), original);
    std::copy_n(payload.begin(), quoted,
                msg.begin() + static_cast<std::ptrdiff_t>(pkt::icmp_header_len +
                                                          pkt::ipv4_header_len));
    store_be16(msg, 2, wire::internet_checksum(msg));
    if (send_ipv4(now, h.source, pkt::proto_icmp, msg)) {
        counters_.count(stat::icmp_errors_sent);
    }
}

}  // namespace netrig::core
