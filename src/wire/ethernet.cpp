// SPDX-License-Identifier: MIT
// wire: Ethernet II parsing and emission.
#include "wire/ethernet.hpp"

namespace netrig::wire::ethernet {

result<view, parse_error> view::parse(bytes frame) {
    if (frame.size() < min_header_len) {
        return unexpected(parse_error::truncated);
    }
    if (load_be16(frame, field::ethertype) == ethertype::vlan) {
        if (frame.size() < vlan_header_len) {
            return unexpected(parse_error::truncated);
        }
        return view{frame, vlan_header_len};
    }
    return view{frame, min_header_len};
}

vlan_tag view::vlan() const {
    NETRIG_ASSERT(has_vlan());
    const std::uint16_t tci = load_be16(frame_, field::vlan_tci);
    // IEEE 802.1Q §9.6: PCP is the top 3 bits, then DEI, then the 12-bit VID.
    return vlan_tag{static_cast<std::uint8_t>(tci >> 13U), ((tci >> 12U) & 1U) != 0,
                    static_cast<std::uint16_t>(tci & 0x0fffU)};
}

result<repr, parse_error> repr::parse(const view& v) {
    const std::uint16_t type = v.ethertype();
    // IEEE 802.3 §3.2.6: values below 0x0600 are a length (802.3/LLC framing), not a type.
    if (type < 0x0600 || type == ethertype::vlan || type == 0x88a8) {
        return unexpected(parse_error::unsupported);
    }
    repr r;
    r.destination = v.destination();
    r.source = v.source();
    r.ethertype = type;
    if (v.has_vlan()) {
        r.vlan = v.vlan();
    }
    return r;
}

void repr::emit(mut_bytes buffer) const {
    NETRIG_ASSERT(buffer.size() >= buffer_len());
    NETRIG_ASSERT(ethertype != ethertype::vlan);
    destination.write_to(buffer.subspan(field::destination));
    source.write_to(buffer.subspan(field::source));
    if (vlan) {
        NETRIG_ASSERT(vlan->vid <= 0x0fff);
        NETRIG_ASSERT(vlan->pcp <= 7);
        store_be16(buffer, field::ethertype, ethertype::vlan);
        store_be16(buffer, field::vlan_tci,
                   static_cast<std::uint16_t>((unsigned{vlan->pcp} << 13U) | (vlan->dei ? 1U << 12U : 0U) |
                                              vlan->vid));
        store_be16(buffer, field::vlan_ethertype, ethertype);
    } else {
        store_be16(buffer, field::ethertype, ethertype);
    }
}

}  // namespace netrig::wire::ethernet
