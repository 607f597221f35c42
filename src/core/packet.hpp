// SPDX-License-Identifier: MIT
// core: minimal Ethernet, ARP, IPv4, ICMP and UDP header codecs used by the interface.
//
// WHY this exists: when core was written, src/wire had only addresses and checksums committed;
// wire/{ethernet,arp,ipv4,icmpv4,udp}.hpp were still being written. These codecs check exactly
// what the interface needs and report a core::drop_reason directly. They are meant to be
// replaced by wire's view/repr once those land; the field offsets follow the same RFC diagrams.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "core/counters.hpp"
#include "wire/address.hpp"

namespace netrig::core::pkt {

/// Ethernet II header length (no 802.1Q tag).
inline constexpr std::size_t eth_header_len = 14;
inline constexpr std::uint16_t ethertype_ipv4 = 0x0800;
inline constexpr std::uint16_t ethertype_arp = 0x0806;

/// An Ethernet II header.
struct eth_header {
    wire::mac_address destination;  ///< destination MAC
    wire::mac_address source;       ///< source MAC
    std::uint16_t ethertype = 0;    ///< EtherType of the payload
};

/// Reads an Ethernet header. Errors: eth_truncated.
[[nodiscard]] result<eth_header, drop_reason> parse_eth(bytes frame);
/// Writes a 14-byte header. Preconditions: out.size() >= 14.
void emit_eth(mut_bytes out, const eth_header& h);

/// Length of an Ethernet/IPv4 ARP packet (RFC 826 with hlen 6, plen 4).
inline constexpr std::size_t arp_len = 28;
inline constexpr std::uint16_t arp_request = 1;
inline constexpr std::uint16_t arp_reply = 2;

/// An Ethernet/IPv4 ARP packet.
struct arp_packet {
    std::uint16_t operation = arp_request;  ///< 1 request, 2 reply
    wire::mac_address sender_hw;            ///< SHA
    wire::ipv4_address sender_ip;           ///< SPA
    wire::mac_address target_hw;            ///< THA
    wire::ipv4_address target_ip;           ///< TPA
};

/// Reads an ARP packet. Errors: arp_truncated, arp_bad_hw_type, arp_bad_proto_type,
/// arp_bad_length (hlen != 6 or plen != 4), arp_bad_operation.
[[nodiscard]] result<arp_packet, drop_reason> parse_arp(bytes packet);
/// Writes 28 bytes. Preconditions: out.size() >= 28.
void emit_arp(mut_bytes out, const arp_packet& p);

/// IPv4 header length without options.
inline constexpr std::size_t ipv4_header_len = 20;
inline constexpr std::uint8_t proto_icmp = 1;
inline constexpr std::uint8_t proto_udp = 17;

/// An IPv4 header (options are validated for framing by IHL only and not kept).
struct ipv4_header {
    std::uint8_t header_len = ipv4_header_len;  ///< IHL * 4
    std::uint8_t tos = 0;                       ///< DSCP and ECN
    std::uint16_t total_len = 0;                ///< header plus payload
    std::uint16_t ident = 0;                    ///< identification
    bool dont_frag = false;                     ///< DF
    bool more_frags = false;                    ///< MF
    std::uint16_t frag_offset = 0;              ///< offset in bytes (multiple of 8)
    std::uint8_t ttl = 64;                      ///< time to live
    std::uint8_t protocol = 0;                  ///< payload protocol
    wire::ipv4_address source;                  ///< source address
    wire::ipv4_address destination;             ///< destination address

    /// True for a fragment (MF set or a non-zero offset).
    [[nodiscard]] bool is_fragment() const { return more_frags || frag_offset != 0; }
};

/// Reads and validates an IPv4 header: version 4, IHL >= 5 and inside the buffer, total length
/// >= IHL and inside the buffer (trailing link padding is allowed), header checksum unless
/// verify_checksum is false. Errors: ipv4_truncated, ipv4_bad_version, ipv4_bad_header_len,
/// ipv4_bad_total_len, ipv4_bad_checksum.
[[nodiscard]] result<ipv4_header, drop_reason> parse_ipv4(bytes packet, bool verify_checksum);
/// Writes a 20-byte header (no options) with its checksum. Preconditions: out.size() >= 20;
/// h.frag_offset % 8 == 0.
void emit_ipv4(mut_bytes out, const ipv4_header& h);

/// ICMP header length (type, code, checksum, 4 bytes of rest-of-header).
inline constexpr std::size_t icmp_header_len = 8;
namespace icmp_type {
inline constexpr std::uint8_t echo_reply = 0;
inline constexpr std::uint8_t dest_unreachable = 3;
inline constexpr std::uint8_t echo_request = 8;
inline constexpr std::uint8_t time_exceeded = 11;
}  // namespace icmp_type
namespace icmp_code {
inline constexpr std::uint8_t port_unreachable = 3;
inline constexpr std::uint8_t frag_needed = 4;
}  // namespace icmp_code

/// UDP header length.
inline constexpr std::size_t udp_header_len = 8;

/// A UDP header with the payload it frames.
struct udp_datagram {
    std::uint16_t source_port = 0;       ///< source port
    std::uint16_t destination_port = 0;  ///< destination port
    bytes payload;                       ///< the data (trimmed to the UDP length)
};

/// Reads a UDP datagram carried in an IPv4 payload. Checksum 0 means none (RFC 768).
/// Errors: udp_truncated, udp_bad_length (length < 8 or beyond the IP payload),
/// udp_bad_checksum.
[[nodiscard]] result<udp_datagram, drop_reason> parse_udp(bytes segment, wire::ipv4_address source,
                                                          wire::ipv4_address destination,
                                                          bool verify_checksum);

/// Writes a UDP header before `payload_len` bytes already at out[8...] and fills the checksum:
/// full (0 sent as 0xffff, RFC 768) or, with pseudo_only, the pseudo-header sum for a device
/// to complete. Preconditions: out.size() == 8 + payload_len.
void emit_udp(mut_bytes out, wire::ipv4_address source, wire::ipv4_address destination,
              std::uint16_t source_port, std::uint16_t destination_port, bool pseudo_only);

}  // namespace netrig::core::pkt
