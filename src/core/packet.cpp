// SPDX-License-Identifier: MIT
// core: the minimal header codecs (see packet.hpp for why they live here for now).
#include "core/packet.hpp"

#include "wire/checksum.hpp"

namespace netrig::core::pkt {

result<eth_header, drop_reason> parse_eth(bytes frame) {
    if (frame.size() < eth_header_len) {
        return unexpected(drop_reason::eth_truncated);
    }
    return eth_header{.destination = wire::mac_address::from_bytes(frame.subspan(0)),
                      .source = wire::mac_address::from_bytes(frame.subspan(6)),
                      .ethertype = load_be16(frame, 12)};
}

void emit_eth(mut_bytes out, const eth_header& h) {
    NETRIG_ASSERT(out.size() >= eth_header_len);
    h.destination.write_to(out.subspan(0));
    h.source.write_to(out.subspan(6));
    store_be16(out, 12, h.ethertype);
}

result<arp_packet, drop_reason> parse_arp(bytes packet) {
    // RFC 826: the fixed part is 8 bytes; the addresses follow with hlen/plen sizes.
    if (packet.size() < 8) {
        return unexpected(drop_reason::arp_truncated);
    }
    if (load_be16(packet, 0) != 1) {  // ar$hrd: Ethernet is the only hardware we speak.
        return unexpected(drop_reason::arp_bad_hw_type);
    }
    if (load_be16(packet, 2) != ethertype_ipv4) {  // ar$pro
        return unexpected(drop_reason::arp_bad_proto_type);
    }
    if (load_u8(packet, 4) != 6 || load_u8(packet, 5) != 4) {  // ar$hln, ar$pln
        return unexpected(drop_reason::arp_bad_length);
    }
    if (packet.size() < arp_len) {
        return unexpected(drop_reason::arp_truncated);
    }
    const std::uint16_t op = load_be16(packet, 6);
    if (op != arp_request && op != arp_reply) {
        return unexpected(drop_reason::arp_bad_operation);
    }
    return arp_packet{.operation = op,
                      .sender_hw = wire::mac_address::from_bytes(packet.subspan(8)),
                      .sender_ip = wire::ipv4_address::from_bytes(packet.subspan(14)),
                      .target_hw = wire::mac_address::from_bytes(packet.subspan(18)),
                      .target_ip = wire::ipv4_address::from_bytes(packet.subspan(24))};
}

void emit_arp(mut_bytes out, const arp_packet& p) {
    NETRIG_ASSERT(out.size() >= arp_len);
    store_be16(out, 0, 1);
    store_be16(out, 2, ethertype_ipv4);
    store_u8(out, 4, 6);
    store_u8(out, 5, 4);
    store_be16(out, 6, p.operation);
    p.sender_hw.write_to(out.subspan(8));
    p.sender_ip.write_to(out.subspan(14));
    p.target_hw.write_to(out.subspan(18));
    p.target_ip.write_to(out.subspan(24));
}

result<ipv4_header, drop_reason> parse_ipv4(bytes packet, bool verify_checksum) {
    if (packet.size() < ipv4_header_len) {
        return unexpected(drop_reason::ipv4_truncated);
    }
    const std::uint8_t vihl = load_u8(packet, 0);
    // RFC 1122 §3.2.1.1: "A datagram whose version number is not 4 MUST be silently discarded."
    if ((vihl >> 4U) != 4) {
        return unexpected(drop_reason::ipv4_bad_version);
    }
    const std::size_t ihl_bytes = std::size_t{vihl & 0x0fU} * 4;
    if (ihl_bytes < ipv4_header_len) {
        return unexpected(drop_reason::ipv4_bad_header_len);
    }
    if (ihl_bytes > packet.size()) {
        return unexpected(drop_reason::ipv4_truncated);
    }
    const std::uint16_t total = load_be16(packet, 2);
    if (total < ihl_bytes || total > packet.size()) {
        return unexpected(drop_reason::ipv4_bad_total_len);
    }
    // RFC 1122 §3.2.1.2: "A host MUST verify the IP header checksum on every received datagram
    // and silently discard every datagram that has a bad checksum."
    if (verify_checksum && !wire::verify_checksum(packet.first(ihl_bytes))) {
        return unexpected(drop_reason::ipv4_bad_checksum);
    }
    const std::uint16_t ff = load_be16(packet, 6);
    return ipv4_header{.header_len = static_cast<std::uint8_t>(ihl_bytes),
                       .tos = load_u8(packet, 1),
                       .total_len = total,
                       .ident = load_be16(packet, 4),
                       .dont_frag = (ff & 0x4000U) != 0,
                       .more_frags = (ff & 0x2000U) != 0,
                       .frag_offset = static_cast<std::uint16_t>((ff & 0x1fffU) * 8U),
                       .ttl = load_u8(packet, 8),
                       .protocol = load_u8(packet, 9),
                       .source = wire::ipv4_address::from_bytes(packet.subspan(12)),
                       .destination = wire::ipv4_address::from_bytes(packet.subspan(16))};
}

void emit_ipv4(mut_bytes out, const ipv4_header& h) {
    NETRIG_ASSERT(out.size() >= ipv4_header_len);
    NETRIG_ASSERT(h.frag_offset % 8 == 0);
    store_u8(out, 0, 0x45);
    store_u8(out, 1, h.tos);
    store_be16(out, 2, h.total_len);
    store_be16(out, 4, h.ident);
    const auto ff = static_cast<std::uint16_t>((h.dont_frag ? 0x4000U : 0U) |
                                               (h.more_frags ? 0x2000U : 0U) |
                                               (h.frag_offset / 8U));
    store_be16(out, 6, ff);
    store_u8(out, 8, h.ttl);
    store_u8(out, 9, h.protocol);
    store_be16(out, 10, 0);
    h.source.write_to(out.subspan(12));
    h.destination.write_to(out.subspan(16));
    store_be16(out, 10, wire::internet_checksum(out.first(ipv4_header_len)));
}

result<udp_datagram, drop_reason> parse_udp(bytes segment, wire::ipv4_address source,
                                            wire::ipv4_address destination, bool verify_checksum) {
    if (segment.size() < udp_header_len) {
        return unexpected(drop_reason::udp_truncated);
    }
    const std::uint16_t len = load_be16(segment, 4);
    if (len < udp_header_len || len > segment.size()) {
        return unexpected(drop_reason::udp_bad_length);
    }
    const bytes dgram = segment.first(len);
    // RFC 768: "An all zero transmitted checksum value means that the transmitter generated no
    // checksum", so only a non-zero field is verified.
    if (verify_checksum && load_be16(dgram, 6) != 0) {
        const std::uint16_t sum = wire::combine(
            wire::ipv4_pseudo_header_sum(source, destination, proto_udp, len), wire::ones_sum(dgram));
        if (sum != 0xffffU && !wire::checksums_always_verify) {
            return unexpected(drop_reason::udp_bad_checksum);
        }
    }
    return udp_datagram{.source_port = load_be16(dgram, 0),
                        .destination_port = load_be16(dgram, 2),
                        .payload = dgram.subspan(udp_header_len)};
}

void emit_udp(mut_bytes out, wire::ipv4_address source, wire::ipv4_address destination,
              std::uint16_t source_port, std::uint16_t destination_port, bool pseudo_only) {
    NETRIG_ASSERT(out.size() >= udp_header_len);
    NETRIG_ASSERT(out.size() <= 0xffffU);
    const auto len = static_cast<std::uint16_t>(out.size());
    store_be16(out, 0, source_port);
    store_be16(out, 2, destination_port);
    store_be16(out, 4, len);
    store_be16(out, 6, 0);
    const std::uint16_t pseudo = wire::ipv4_pseudo_header_sum(source, destination, proto_udp, len);
    if (pseudo_only) {
        store_be16(out, 6, pseudo);
        return;
    }
    const std::uint16_t sum = wire::combine(pseudo, wire::ones_sum(out));
    // RFC 768: "If the computed checksum is zero, it is transmitted as all ones."
    store_be16(out, 6, wire::udp_checksum_on_wire(wire::finish(sum)));
}

}  // namespace netrig::core::pkt
