// SPDX-License-Identifier: MIT
// core: wire's parse errors mapped onto core's drop reasons.
#include "core/parse_drops.hpp"

#include "wire/arp.hpp"
#include "wire/checksum.hpp"
#include "wire/ethernet.hpp"
#include "wire/ipv4.hpp"
#include "wire/udp.hpp"

namespace netrig::core {

using wire::parse_error;

namespace {
// RFC 826: hardware type, protocol type, both address lengths and the operation.
constexpr std::size_t arp_fixed_len = 8;
}  // namespace

drop_reason eth_drop(parse_error e) {
    NETRIG_ASSERT(e == parse_error::truncated);
    return drop_reason::eth_truncated;
}

drop_reason arp_view_drop(parse_error e, bytes packet) {
    switch (e) {
        case parse_error::truncated:
            // RFC 826: the 8-byte fixed part gives the hardware and protocol types and address
            // sizes. A packet for other hardware or protocols (ARCNET's 1-byte addresses make
            // 18-byte packets) is not truncated, it is not ours: name that, as core always did.
            if (packet.size() >= arp_fixed_len) {
                if (load_be16(packet, wire::arp::field::htype) != wire::arp::htype_ethernet) {
                    return drop_reason::arp_bad_hw_type;
                }
                if (load_be16(packet, wire::arp::field::ptype) != wire::ethernet::ethertype::ipv4) {
                    return drop_reason::arp_bad_proto_type;
                }
                if (load_u8(packet, wire::arp::field::hlen) != wire::mac_address::size_bytes ||
                    load_u8(packet, wire::arp::field::plen) != wire::ipv4_address::size_bytes) {
                    return drop_reason::arp_bad_length;
                }
            }
            return drop_reason::arp_truncated;
        case parse_error::bad_length:
            return drop_reason::arp_bad_length;
        case parse_error::unsupported:
            // view::parse checked the length first, so the type fields are there to look at.
            if (packet.size() >= wire::arp::packet_len &&
                load_be16(packet, wire::arp::field::htype) != wire::arp::htype_ethernet) {
                return drop_reason::arp_bad_hw_type;
            }
            return drop_reason::arp_bad_proto_type;
        default:
            NETRIG_ASSERT(false);  // wire documents no other error here.
            return drop_reason::arp_truncated;
    }
}

drop_reason ipv4_drop(parse_error e, bytes packet, wire::checksum_policy policy) {
    switch (e) {
        case parse_error::truncated: {
            // Three cases share wire's truncated: fewer than 20 bytes, fewer than IHL, fewer
            // than the total length. Only the last has a header to read, and core has always
            // counted it as a bad total length.
            if (packet.size() < wire::ipv4::min_header_len) {
                return drop_reason::ipv4_truncated;
            }
            const std::size_t hlen =
                std::size_t{load_u8(packet, wire::ipv4::field::version_ihl) & 0x0fU} * 4;
            return hlen > packet.size() ? drop_reason::ipv4_truncated
                                        : drop_reason::ipv4_bad_total_len;
        }
        case parse_error::bad_version:
            return drop_reason::ipv4_bad_version;
        case parse_error::bad_header_len:
            return drop_reason::ipv4_bad_header_len;
        case parse_error::bad_total_len:
            return drop_reason::ipv4_bad_total_len;
        case parse_error::bad_checksum:
            return drop_reason::ipv4_bad_checksum;
        case parse_error::bad_option: {
            // view::parse checks option framing before repr::parse verifies the checksum, but
            // a header that fails its checksum is corrupt and its "options" are noise: count it
            // as the checksum failure it is, as core always did.
            const std::size_t hlen =
                std::size_t{load_u8(packet, wire::ipv4::field::version_ihl) & 0x0fU} * 4;
            NETRIG_ASSERT(hlen <= packet.size());  // view::parse checks options after IHL.
            if (policy == wire::checksum_policy::compute &&
                !wire::verify_checksum(packet.first(hlen))) {
                return drop_reason::ipv4_bad_checksum;
            }
            return drop_reason::ipv4_bad_option;
        }
        case parse_error::bad_value:
            return drop_reason::ipv4_reserved_flag;
        default:
            NETRIG_ASSERT(false);  // wire documents no other error here.
            return drop_reason::ipv4_truncated;
    }
}

drop_reason icmp_drop(parse_error e) {
    switch (e) {
        case parse_error::truncated:
            return drop_reason::icmp_truncated;
        case parse_error::bad_checksum:
            return drop_reason::icmp_bad_checksum;
        case parse_error::unsupported:
            return drop_reason::icmp_unknown_type;
        case parse_error::bad_value:
            return drop_reason::icmp_bad_code;
        default:
            NETRIG_ASSERT(false);  // wire documents no other error here.
            return drop_reason::icmp_truncated;
    }
}

drop_reason udp_drop(parse_error e, bytes datagram) {
    switch (e) {
        case parse_error::truncated:
            return datagram.size() < wire::udp::header_len ? drop_reason::udp_truncated
                                                           : drop_reason::udp_bad_length;
        case parse_error::bad_total_len:
            return drop_reason::udp_bad_length;
        case parse_error::bad_checksum:
            return drop_reason::udp_bad_checksum;
        case parse_error::bad_value:
            return drop_reason::udp_no_socket;
        default:
            NETRIG_ASSERT(false);  // wire documents no other error here.
            return drop_reason::udp_truncated;
    }
}

}  // namespace netrig::core
