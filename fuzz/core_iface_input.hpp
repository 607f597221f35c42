// SPDX-License-Identifier: MIT
// fuzz: the record format of the core_iface fuzz target, shared with its corpus generator.
// An input is a sequence of records: [op:1][len:2 big-endian][data:len]. Ops (op % 4):
//   0 deliver data as a received frame      1 advance the clock by data[0..1] * 10 ms
//   2 poll (emit and discard frames)       3 send a UDP datagram of `len` bytes from a socket
#pragma once

#include <cstdint>
#include <vector>

#include "core/test_support.hpp"

namespace netrig::fuzz::core_iface {

inline constexpr std::uint8_t op_frame = 0;
inline constexpr std::uint8_t op_advance = 1;
inline constexpr std::uint8_t op_poll = 2;
inline constexpr std::uint8_t op_send = 3;

/// Appends one record to an input.
inline void append(std::vector<std::uint8_t>& input, std::uint8_t op,
                   const std::vector<std::uint8_t>& data) {
    input.push_back(op);
    input.push_back(static_cast<std::uint8_t>(data.size() >> 8U));
    input.push_back(static_cast<std::uint8_t>(data.size()));
    input.insert(input.end(), data.begin(), data.end());
}

inline const wire::mac_address our_mac{{0x02, 0, 0, 0, 0, 0x01}};
inline const wire::mac_address peer_mac{{0x02, 0, 0, 0, 0, 0x02}};
inline constexpr wire::ipv4_address our_ip{10, 0, 0, 1};
inline constexpr wire::ipv4_address peer_ip{10, 0, 0, 2};

/// The fuzzed interface: 10.0.0.1/24, small pools so bounds are reached quickly.
inline core::interface_config config() {
    core::interface_config c;
    c.mac = our_mac;
    c.address = wire::ipv4_cidr{our_ip, 24};
    c.gateway = wire::ipv4_address{10, 0, 0, 254};
    c.limits.tx_frames_max = 64;
    c.limits.arp_entries_max = 8;
    c.limits.arp_pending_max = 16;
    c.limits.reasm_datagrams_max = 4;
    c.limits.reasm_bytes_max = 16 * 1024;
    c.limits.pmtu_entries_max = 4;
    c.limits.udp_rx_datagrams_max = 8;
    c.limits.udp_rx_bytes_max = 16 * 1024;
    return c;
}

/// A frame from the peer to us carrying an IPv4 packet with header h and payload.
inline std::vector<std::uint8_t> from_peer(wire::ipv4::repr h, bytes payload) {
    return core::testing::eth_frame(our_mac, peer_mac, wire::ethernet::ethertype::ipv4,
                                    core::testing::ipv4_packet(h, payload));
}

/// A default IPv4 header peer -> us.
inline wire::ipv4::repr peer_header(std::uint8_t protocol) {
    wire::ipv4::repr h;
    h.ident = 99;
    h.protocol = protocol;
    h.source = peer_ip;
    h.destination = our_ip;
    return h;
}

/// The first of two fragments of a UDP datagram to port 7 (leaves a reassembly pending).
inline std::vector<std::uint8_t> first_fragment() {
    const std::vector<std::uint8_t> data(2000, 0x5a);
    const auto dgram = core::testing::udp_datagram(peer_ip, our_ip, 4000, 7, data);
    auto h = peer_header(wire::ipv4::protocol::udp);
    h.more_frags = true;
    return from_peer(h, bytes{dgram}.first(1480));
}

}  // namespace netrig::fuzz::core_iface
