// SPDX-License-Identifier: MIT
// core: ICMP (RFC 792, RFC 1122 §3.2.2): echo replies, errors we send (port unreachable,
// rate-limited), errors we receive (to UDP sockets, and fragmentation-needed to the PMTU cache),
// and echo replies for ping sockets.
#include <algorithm>

#include "core/interface.hpp"
#include "core/parse_drops.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4_quote.hpp"
#include "wire/udp.hpp"

namespace netrig::core {

namespace {
namespace icmpv4 = wire::icmpv4;
namespace ipv4 = wire::ipv4;

// RFC 1191 §5: when a router reports no next-hop MTU, guess from a plateau below the datagram.
constexpr std::uint16_t pmtu_min = 68;
constexpr std::uint16_t pmtu_plateau = 576;
}  // namespace

void interface::handle_icmp(instant now, const ipv4::repr& h, bytes payload) {
    auto v = icmpv4::view::parse(payload);
    if (!v) {
        counters_.drop(icmp_drop(v.error()));
        return;
    }
    // RFC 1122 §3.2.2: "If an ICMP message of unknown type is received, it MUST be silently
    // discarded." repr::parse does that (unsupported), checks the code of the types we know
    // and verifies the checksum unless the device did.
    auto m = icmpv4::repr::parse(*v, rx_checksum_policy(config_.checksum.rx_verify));
    if (!m) {
        counters_.drop(icmp_drop(m.error()));
        return;
    }
    switch (m->type) {
        case icmpv4::message_type::echo_request: {
            // RFC 1122 §3.2.2.6: an echo request to a broadcast address MAY be silently
            // discarded; we do, as Linux does by default (icmp_echo_ignore_broadcasts).
            if (h.destination != config_.address.address) {
                counters_.drop(drop_reason::icmp_echo_to_broadcast);
                return;
            }
            // RFC 792: the reply carries the same identifier, sequence number and data, with
            // type 0 and a recomputed checksum. Built in scratch_, since payload may live in
            // the reassembly buffer and a large reply is fragmented on send.
            const icmpv4::repr reply = icmpv4::make_echo_reply(*m);
            const mut_bytes out{scratch_.data(), reply.buffer_len()};
            reply.emit(out);
            if (send_ipv4(now, h.source, ipv4::protocol::icmp, out)) {
                counters_.count(stat::icmp_echo_replies_sent);
            }
            return;
        }
        case icmpv4::message_type::echo_reply: {
            const auto it = std::find_if(ping_.begin(), ping_.end(), [&](const ping_socket& s) {
                return s.open && s.ident == m->ident;
            });
            if (it == ping_.end()) {
                counters_.drop(drop_reason::ping_no_socket);
                return;
            }
            const ping_meta meta{.from = h.source, .seq = m->seq_no, .ttl = h.ttl, .arrival = now};
            if (it->rx.push(meta, m->data) != push_result::ok) {
                counters_.drop(drop_reason::ping_queue_full);
                return;
            }
            counters_.count(stat::ping_replies_received);
            mark_ping(static_cast<std::size_t>(it - ping_.begin()));
            return;
        }
        case icmpv4::message_type::dest_unreachable:
        case icmpv4::message_type::time_exceeded:
            handle_icmp_error(now, h, static_cast<std::uint8_t>(m->type), m->code, m->next_hop_mtu,
                              m->data);
            return;
    }
    NETRIG_ASSERT(false);  // repr::parse yields only the four types above.
}

void interface::handle_icmp_error(instant now, const ipv4::repr& h, std::uint8_t type,
                                  std::uint8_t code, std::uint16_t next_hop_mtu, bytes quote) {
    counters_.count(stat::icmp_errors_received);
    // The quoted header is truncated by design (RFC 792: header + 64 bits of data): a whole
    // header, 8 bytes of transport header, and our address as its source.
    auto q = ipv4::quote_view::parse(quote);
    if (!q || q->source() != config_.address.address) {
        counters_.drop(drop_reason::icmp_bad_quote);
        return;
    }
    const wire::ipv4_address original_destination = q->destination();
    // The first 8 quoted bytes: TCP's ports and sequence number, UDP's whole header.
    const bytes transport = q->transport_head();
    std::optional<std::uint16_t> tcp_conn;
    if (q->protocol() == ipv4::protocol::tcp) {
        // RFC 5927 §4.1: the quote must name one of our connections and a sequence number in
        // its flight, else the message is stale or forged and changes nothing: not the
        // connection, and (§7.2, against blind PMTU reduction; Linux likewise takes a TCP
        // PMTU only through a matching socket) not the path-MTU cache either.
        const auto slot = tcp_icmp_connection(q->source(), load_be16(transport, 0),
                                              original_destination, load_be16(transport, 2),
                                              wire::seq32{load_be32(transport, 4)});
        if (!slot) {
            counters_.drop(slot.error());
            return;
        }
        tcp_conn = *slot;
    }
    bool consumed = false;
    if (type == static_cast<std::uint8_t>(icmpv4::message_type::dest_unreachable) &&
        code == icmpv4::unreachable::frag_needed) {
        // RFC 1191 §4: the next-hop MTU is in the low 16 bits of the unused field.
        std::uint16_t mtu = next_hop_mtu;
        if (mtu < pmtu_min) {
            mtu = q->total_len() > pmtu_plateau ? pmtu_plateau : pmtu_min;
        }
        pmtu_.update(now, original_destination, mtu);
        counters_.count(stat::pmtu_updates);
        consumed = true;
    }
    if (tcp_conn) {
        // RFC 5927 / RFC 1122 §4.2.3.9: ICMP errors about TCP go to the connection.
        tcp_icmp_error(now,
                       icmp_error_report{.type = type,
                                         .code = code,
                                         .reporter = h.source,
                                         .original_destination = {original_destination,
                                                                  load_be16(transport, 2)}},
                       *tcp_conn, consumed);
        return;
    }
    if (q->protocol() == ipv4::protocol::udp) {
        const std::uint16_t local_port = load_be16(transport, wire::udp::field::source_port);
        const std::uint16_t remote_port = load_be16(transport, wire::udp::field::destination_port);
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

void interface::send_dest_unreachable(instant now, const ipv4::repr& h, bytes payload,
                                      std::uint8_t code) {
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
    // RFC 792: quote "the internet header plus the first 64 bits of the original data", built
    // in place after the ICMP header in scratch_ so that emit copies nothing.
    const std::size_t quoted = std::min(payload.size(), ipv4::quoted_data_len);
    const std::size_t quote_len = h.header_len() + quoted;
    const mut_bytes quote{scratch_.data() + icmpv4::header_len, quote_len};
    ipv4::emit_header(h, quote);
    std::copy_n(payload.begin(), quoted,
                quote.begin() + static_cast<std::ptrdiff_t>(h.header_len()));
    const icmpv4::repr msg = icmpv4::make_dest_unreachable(code, quote);
    NETRIG_ASSERT(msg.data.size() == quote_len);
    const mut_bytes out{scratch_.data(), msg.buffer_len()};
    msg.emit(out);
    if (send_ipv4(now, h.source, ipv4::protocol::icmp, out)) {
        counters_.count(stat::icmp_errors_sent);
    }
}

}  // namespace netrig::core
