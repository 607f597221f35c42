// SPDX-License-Identifier: MIT
// fuzz: writes the seed corpus of core_iface (valid ARP, ICMP echo, UDP, fragment and ICMP
// error frames, clock advances and polls) into the directory given as argv[1].
#include <cstdio>
#include <string>

#include "core_iface_input.hpp"
#include "wire/tcp.hpp"

namespace {

using namespace netrig;
using namespace netrig::core;
namespace in = netrig::fuzz::core_iface;

void write(const std::string& dir, const std::string& name, const std::vector<std::uint8_t>& d) {
    const std::string path = dir + "/" + name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) {
        std::perror(path.c_str());
        std::exit(1);
    }
    std::fwrite(d.data(), 1, d.size(), f);
    std::fclose(f);
}

/// A TCP segment (header + payload) from the peer to us, checksum computed.
std::vector<std::uint8_t> tcp_segment(std::uint16_t source_port, std::uint16_t destination_port,
                                      std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
                                      const std::vector<std::uint8_t>& payload = {}) {
    wire::tcp::repr r;
    r.source_port = source_port;
    r.destination_port = destination_port;
    r.seq = wire::seq32{seq};
    r.ack = wire::seq32{ack};
    r.flags = flags;
    r.window = 65535;
    if ((flags & wire::tcp::flag::syn) != 0) {
        r.options.mss = 1460;
    }
    r.payload = payload;
    std::vector<std::uint8_t> out(r.buffer_len());
    r.emit(out, in::peer_ip, in::our_ip);
    return out;
}

std::vector<std::uint8_t> tick(std::uint16_t units) {
    return {static_cast<std::uint8_t>(units >> 8U), static_cast<std::uint8_t>(units)};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    const std::vector<std::uint8_t> small{1, 2, 3, 4, 5, 6, 7, 8};
    const auto arp_request =
        testing::arp_frame(wire::mac_address::broadcast(), {.op = wire::arp::operation::request,
                                                            .sender_hw = in::peer_mac,
                                                            .sender_ip = in::peer_ip,
                                                            .target_hw = {},
                                                            .target_ip = in::our_ip});
    const auto arp_reply = testing::arp_frame(in::our_mac, {.op = wire::arp::operation::reply,
                                                            .sender_hw = in::peer_mac,
                                                            .sender_ip = in::peer_ip,
                                                            .target_hw = in::our_mac,
                                                            .target_ip = in::our_ip});
    const auto echo = in::from_peer(in::peer_header(wire::ipv4::protocol::icmp),
                                    testing::icmp_message(8, 0, 0x00010001, small));
    const auto udp = in::from_peer(in::peer_header(wire::ipv4::protocol::udp),
                                   testing::udp_datagram(in::peer_ip, in::our_ip, 4000, 7, small));
    const auto closed =
        in::from_peer(in::peer_header(wire::ipv4::protocol::udp),
                      testing::udp_datagram(in::peer_ip, in::our_ip, 4000, 99, small));
    // The second fragment completing the pending reassembly.
    const std::vector<std::uint8_t> data(2000, 0x5a);
    const auto dgram = testing::udp_datagram(in::peer_ip, in::our_ip, 4000, 7, data);
    auto h = in::peer_header(wire::ipv4::protocol::udp);
    h.frag_offset = 1480;
    const auto second = in::from_peer(h, bytes{dgram}.subspan(1480));
    // A port unreachable and a frag-needed about the client's datagram to 10.0.0.2:9.
    auto quoted_h = in::peer_header(wire::ipv4::protocol::udp);
    quoted_h.source = in::our_ip;
    quoted_h.destination = in::peer_ip;
    const auto quoted = testing::ipv4_packet(
        quoted_h, testing::udp_datagram(in::our_ip, in::peer_ip, 50000, 9, small));
    const auto unreachable = in::from_peer(in::peer_header(wire::ipv4::protocol::icmp),
                                           testing::icmp_message(3, 3, 0, bytes{quoted}.first(28)));
    const auto frag_needed =
        in::from_peer(in::peer_header(wire::ipv4::protocol::icmp),
                      testing::icmp_message(3, 4, 576, bytes{quoted}.first(28)));

    std::vector<std::uint8_t> input;
    in::append(input, in::op_frame, arp_request);
    in::append(input, in::op_poll, {});
    write(dir, "arp_request", input);
    input.clear();
    in::append(input, in::op_send, small);
    in::append(input, in::op_frame, arp_reply);
    in::append(input, in::op_poll, {});
    write(dir, "send_then_arp_reply", input);
    input.clear();
    in::append(input, in::op_frame, echo);
    in::append(input, in::op_frame, udp);
    in::append(input, in::op_frame, closed);
    in::append(input, in::op_poll, {});
    write(dir, "echo_udp_closed", input);
    input.clear();
    in::append(input, in::op_frame, second);
    in::append(input, in::op_advance, tick(3100));
    in::append(input, in::op_poll, {});
    write(dir, "reassembly_then_timeout", input);
    input.clear();
    in::append(input, in::op_frame, arp_reply);
    in::append(input, in::op_frame, unreachable);
    in::append(input, in::op_frame, frag_needed);
    in::append(input, in::op_send, std::vector<std::uint8_t>(1200, 0));
    in::append(input, in::op_advance, tick(100));
    in::append(input, in::op_poll, {});
    write(dir, "icmp_errors_pmtu", input);
    namespace flag = wire::tcp::flag;
    input.clear();
    in::append(input, in::op_tcp_segment, tcp_segment(5555, in::tcp_listen_port, 1000, 0, flag::syn));
    in::append(input, in::op_frame, arp_reply);
    in::append(input, in::op_poll, {});
    in::append(input, in::op_advance, tick(150));
    in::append(input, in::op_poll, {});
    write(dir, "tcp_syn_to_listener", input);
    input.clear();
    for (std::uint16_t port = 6000; port < 6006; ++port) {
        in::append(input, in::op_tcp_segment, tcp_segment(port, in::tcp_listen_port, port, 0, flag::syn));
    }
    in::append(input, in::op_frame, arp_reply);
    in::append(input, in::op_poll, {});
    in::append(input, in::op_tcp_segment,
               tcp_segment(6000, in::tcp_listen_port, 6001, 12345, flag::ack, small));
    in::append(input, in::op_poll, {});
    write(dir, "tcp_syn_flood_cookies", input);
    input.clear();
    in::append(input, in::op_frame, arp_reply);
    in::append(input, in::op_poll, {});
    in::append(input, in::op_tcp_segment,
               tcp_segment(in::tcp_peer_port, in::tcp_client_port, 7000, 1, flag::syn | flag::ack));
    in::append(input, in::op_tcp_send, small);
    in::append(input, in::op_poll, {});
    in::append(input, in::op_advance_ms, tick(1500));
    in::append(input, in::op_poll, {});
    in::append(input, in::op_tcp_call, {0, 1});
    in::append(input, in::op_poll, {});
    write(dir, "tcp_client_synack_send_close", input);
    input.clear();
    in::append(input, in::op_frame, arp_reply);
    in::append(input, in::op_tcp_segment, tcp_segment(7777, 4444, 1, 0, flag::syn));
    in::append(input, in::op_tcp_segment, tcp_segment(7777, 4444, 1, 5, flag::ack, small));
    in::append(input, in::op_tcp_call, {0, 3});
    in::append(input, in::op_poll, {});
    write(dir, "tcp_closed_port_rst", input);
    return 0;
}
