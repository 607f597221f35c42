// SPDX-License-Identifier: MIT
// core: which drop_reason counts a frame that one of wire's parsers rejected. wire names what
// is wrong (parse_error, shared by every protocol); core counts by protocol and, where its
// counters are finer than wire's categories, by the field at fault. Internal to core.
#pragma once

#include "base/bytes.hpp"
#include "core/counters.hpp"
#include "wire/checksum.hpp"
#include "wire/parse_error.hpp"

namespace netrig::core {

/// The policy for verifying received checksums: skip when the device verified them (rx
/// offload, CHECKSUM_UNNECESSARY), else compute.
[[nodiscard]] constexpr wire::checksum_policy rx_checksum_policy(bool device_verified) {
    return device_verified ? wire::checksum_policy::skip : wire::checksum_policy::compute;
}

/// The reason for an Ethernet frame wire::ethernet::view::parse rejected (always truncated:
/// shorter than 14 bytes, or than 18 with an 802.1Q TPID).
[[nodiscard]] drop_reason eth_drop(wire::parse_error e);

/// The reason for an ARP packet wire::arp::view::parse rejected (a repr::parse error is always
/// the operation: arp_bad_operation). `packet` is what was parsed: it tells a foreign hardware
/// type from a foreign protocol type, which wire both calls unsupported, and names what is
/// foreign about a packet shorter than 28 bytes (wire: truncated) whose fixed part is there.
[[nodiscard]] drop_reason arp_view_drop(wire::parse_error e, bytes packet);

/// The reason for an IPv4 packet wire::ipv4::view::parse or repr::parse rejected. `packet` is
/// what was parsed: wire calls a total length beyond the received bytes truncated, core counts
/// it as ipv4_bad_total_len once the header itself is all there; malformed options in a header
/// whose checksum fails (policy compute) count as ipv4_bad_checksum.
[[nodiscard]] drop_reason ipv4_drop(wire::parse_error e, bytes packet,
                                    wire::checksum_policy policy);

/// The reason for an ICMP message wire::icmpv4::view::parse or repr::parse rejected.
[[nodiscard]] drop_reason icmp_drop(wire::parse_error e);

/// The reason for a UDP datagram wire::udp::view::parse or repr::parse rejected. `datagram`
/// is what was parsed (the IPv4 payload): a length field beyond it is udp_bad_length, as
/// below 8 is; only a buffer shorter than the header is udp_truncated. Destination port 0
/// (reserved; wire's bad_value) is udp_no_socket: no socket can be bound to it.
[[nodiscard]] drop_reason udp_drop(wire::parse_error e, bytes datagram);

}  // namespace netrig::core
