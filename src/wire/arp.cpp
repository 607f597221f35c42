// SPDX-License-Identifier: MIT
// wire: ARP parsing and emission.
#include "wire/arp.hpp"

#include "wire/ethernet.hpp"

namespace netrig::wire::arp {

result<view, parse_error> view::parse(bytes packet) {
    if (packet.size() < packet_len) {
        return unexpected(parse_error::truncated);
    }
    if (load_be16(packet, field::htype) != htype_ethernet ||
        load_be16(packet, field::ptype) != ethernet::ethertype::ipv4) {
        return unexpected(parse_error::unsupported);
    }
    if (load_u8(packet, field::hlen) != mac_address::size_bytes ||
        load_u8(packet, field::plen) != ipv4_address::size_bytes) {
        return unexpected(parse_error::bad_length);
    }
    // Trailing bytes are Ethernet padding (a 28-byte ARP is below the 46-byte minimum payload).
    return view{packet.first(packet_len)};
}

result<repr, parse_error> repr::parse(const view& v) {
    const std::uint16_t op = v.oper();
    if (op != static_cast<std::uint16_t>(operation::request) &&
        op != static_cast<std::uint16_t>(operation::reply)) {
        return unexpected(parse_error::unsupported);
    }
    return repr{static_cast<operation>(op), v.sender_hw(), v.sender_ip(), v.target_hw(),
                v.target_ip()};
}

void repr::emit(mut_bytes buffer) const {
    NETRIG_ASSERT(buffer.size() == packet_len);
    store_be16(buffer, field::htype, htype_ethernet);
    store_be16(buffer, field::ptype, ethernet::ethertype::ipv4);
    store_u8(buffer, field::hlen, mac_address::size_bytes);
    store_u8(buffer, field::plen, ipv4_address::size_bytes);
    store_be16(buffer, field::oper, static_cast<std::uint16_t>(op));
    sender_hw.write_to(buffer.subspan(field::sha));
    sender_ip.write_to(buffer.subspan(field::spa));
    target_hw.write_to(buffer.subspan(field::tha));
    target_ip.write_to(buffer.subspan(field::tpa));
}

repr make_request(mac_address sender_hw, ipv4_address sender_ip, ipv4_address target_ip) {
    return repr{operation::request, sender_hw, sender_ip, mac_address{}, target_ip};
}

repr make_reply(const repr& req, mac_address hw) {
    NETRIG_ASSERT(req.op == operation::request);
    return repr{operation::reply, hw, req.target_ip, req.sender_hw, req.sender_ip};
}

}  // namespace netrig::wire::arp
