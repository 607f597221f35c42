// SPDX-License-Identifier: MIT
// fuzz: the record format of the core_iface fuzz target, shared with its corpus generator.
// An input is a sequence of records: [op:1][len:2 big-endian][data:len]. Ops (op % 8):
//   0 deliver data as a received frame      1 advance the clock by data[0..1] * 10 ms
//   2 poll (emit and discard frames)       3 send a UDP datagram of `len` bytes from a socket
//   4 tcp_send `len` bytes on connection data[0] (0 = the client, else an accepted one)
//   5 on connection data[0]: data[1] % 4 = shutdown, close, abort, or connect a new client
//   6 deliver data as a TCP segment (header + payload) from the peer in an IPv4 packet
//   7 advance the clock by data[0..1] ms
#pragma once

#include <cstdint>
#include <vector>

#include "core/test_support.hpp"

namespace netrig::fuzz::core_iface {

inline constexpr std::uint8_t op_frame = 0;
inline constexpr std::uint8_t op_advance = 1;
inline constexpr std::uint8_t op_poll = 2;
inline constexpr std::uint8_t op_send = 3;
inline constexpr std::uint8_t op_tcp_send = 4;
inline constexpr std::uint8_t op_tcp_call = 5;
inline constexpr std::uint8_t op_tcp_segment = 6;
inline constexpr std::uint8_t op_advance_ms = 7;

/// The port the fuzzed interface listens on, and the client connection's ports.
inline constexpr std::uint16_t tcp_listen_port = 80;
inline constexpr std::uint16_t tcp_client_port = 40000;
inline constexpr std::uint16_t tcp_peer_port = 9;

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
    c.limits.tcp_connections_max = 8;
    c.limits.tcp_listeners_max = 2;
    c.limits.tcp_time_wait_max = 4;
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

/// Listener options of the fuzzed interface: tiny queues so SYN cookies and overflow happen.
inline core::tcp_listen_config listen_config() {
    core::tcp_listen_config c;
    c.listener.backlog = 2;
    c.listener.syn_queue_max = 2;
    c.conn.send_buffer_initial = 4096;
    c.conn.send_buffer_max = 32 * 1024;
    c.conn.recv_buffer_initial = 4096;
    c.conn.recv_buffer_max = 32 * 1024;
    return c;
}

/// Connection options of the fuzzed client (small buffers).
inline core::tcp::conn_config conn_config() { return listen_config().conn; }

}  // namespace netrig::fuzz::core_iface
