// SPDX-License-Identifier: MIT
// wire: the pretty printer against tcpdump's own lines for the captured fixtures
// (`tcpdump -nn -S -r <file>`, timestamps cut), and on synthetic and malformed frames.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <string>
#include <vector>

#include "base/rng.hpp"
#include "wire/ethernet.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"
#include "wire/pretty_print.hpp"
#include "wire/tcp.hpp"

namespace netrig::wire {
namespace {

std::vector<std::vector<std::uint8_t>> frames_of(const std::string& name) {
    const std::string path = std::string{NETRIG_SOURCE_DIR} + "/tests/fixtures/pcap/" + name;
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline(path.c_str(), err);
    EXPECT_NE(p, nullptr) << err;
    std::vector<std::vector<std::uint8_t>> frames;
    if (p == nullptr) {
        return frames;
    }
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(p, &hdr, &data) == 1) {
        frames.emplace_back(data, data + hdr->caplen);
    }
    pcap_close(p);
    return frames;
}

// What tcpdump 4.99 prints for the committed captures.
const char* const arp_icmp_lines[] = {
        "ARP, Request who-has 10.77.0.2 tell 10.77.0.1, length 28",
        "ARP, Reply 10.77.0.2 is-at 02:00:00:00:00:02, length 28",
        "IP 10.77.0.1 > 10.77.0.2: ICMP echo request, id 12747, seq 1, length 64",
        "IP 10.77.0.2 > 10.77.0.1: ICMP echo reply, id 12747, seq 1, length 64",
        "IP 10.77.0.1 > 10.77.0.2: ICMP echo request, id 12747, seq 2, length 64",
        "IP 10.77.0.2 > 10.77.0.1: ICMP echo reply, id 12747, seq 2, length 64",
        "IP 10.77.0.1 > 10.77.0.2: ICMP echo request, id 12755, seq 1, length 1480",
        "IP 10.77.0.1 > 10.77.0.2: ip-proto-1",
        "IP 10.77.0.1 > 10.77.0.2: ip-proto-1",
        "IP 10.77.0.2 > 10.77.0.1: ICMP echo reply, id 12755, seq 1, length 1480",
        "IP 10.77.0.2 > 10.77.0.1: ip-proto-1",
        "IP 10.77.0.2 > 10.77.0.1: ip-proto-1",
};
const char* const tcp_lines[] = {
        ("IP 10.77.0.1.40000 > 10.77.0.2.5201: Flags [S], seq 3840343931, win 64240, "
         "options [mss 1460,sackOK,TS val 594115804 ecr 0,nop,wscale 10], length 0"),
        ("IP 10.77.0.2.5201 > 10.77.0.1.40000: Flags [S.], seq 705575347, ack 3840343932, "
         "win 65160, options [mss 1460,sackOK,TS val 2765191439 ecr 594115804,nop,wscale "
         "10], length 0"),
        ("IP 10.77.0.1.40000 > 10.77.0.2.5201: Flags [.], ack 705575348, win 63, options "
         "[nop,nop,TS val 594115804 ecr 2765191439], length 0"),
        ("IP 10.77.0.1.40000 > 10.77.0.2.5201: Flags [P.], seq 3840343932:3840343945, ack "
         "705575348, win 63, options [nop,nop,TS val 594115805 ecr 2765191439], length 13"),
        ("IP 10.77.0.2.5201 > 10.77.0.1.40000: Flags [.], ack 3840343945, win 64, options "
         "[nop,nop,TS val 2765191440 ecr 594115805], length 0"),
        ("IP 10.77.0.1.40000 > 10.77.0.2.5201: Flags [F.], seq 3840343945, ack 705575348, "
         "win 63, options [nop,nop,TS val 594115805 ecr 2765191440], length 0"),
        ("IP 10.77.0.2.5201 > 10.77.0.1.40000: Flags [P.], seq 705575348:705575361, ack "
         "3840343946, win 64, options [nop,nop,TS val 2765191446 ecr 594115805], length 13"),
        ("IP 10.77.0.1.40000 > 10.77.0.2.5201: Flags [.], ack 705575361, win 63, options "
         "[nop,nop,TS val 594115811 ecr 2765191446], length 0"),
        ("IP 10.77.0.2.5201 > 10.77.0.1.40000: Flags [F.], seq 705575361, ack 3840343946, "
         "win 64, options [nop,nop,TS val 2765191446 ecr 594115811], length 0"),
        ("IP 10.77.0.1.40000 > 10.77.0.2.5201: Flags [.], ack 705575362, win 63, options "
         "[nop,nop,TS val 594115811 ecr 2765191446], length 0"),
};
const char* const udp_lines[] = {
        "IP 10.77.0.1.40001 > 10.77.0.2.9000: UDP, length 11",
        "IP 10.77.0.1.40002 > 10.77.0.2.9001: UDP, length 6",
        "IP 10.77.0.2 > 10.77.0.1: ICMP 10.77.0.2 udp port 9001 unreachable, length 42",
};

const char* const icmp_errors_lines[] = {
        "IP 10.77.0.1 > 10.79.0.1: ICMP echo request, id 25974, seq 1, length 1458",
        ("IP 10.77.0.2 > 10.77.0.1: ICMP 10.79.0.1 unreachable - need to frag (mtu 1400), "
        "length 556"),
        "IP 10.77.0.1 > 10.79.0.1: ICMP echo request, id 25976, seq 1, length 64",
        "IP 10.77.0.2 > 10.77.0.1: ICMP time exceeded in-transit, length 92",
};

template <std::size_t N>
void expect_lines(const char* file, const char* const (&lines)[N]) {
    const auto frames = frames_of(file);
    ASSERT_EQ(frames.size(), N);
    for (std::size_t i = 0; i < N; ++i) {
        EXPECT_EQ(pretty_print(frames[i]), lines[i]) << file << " frame " << i + 1;
    }
}

TEST(pretty_print, matches_tcpdump_on_arp_and_icmp) { expect_lines("arp_icmp.pcap", arp_icmp_lines); }
TEST(pretty_print, matches_tcpdump_on_tcp) { expect_lines("tcp.pcap", tcp_lines); }
TEST(pretty_print, matches_tcpdump_on_udp) { expect_lines("udp.pcap", udp_lines); }

TEST(pretty_print, matches_tcpdump_on_icmp_errors) {
    expect_lines("icmp_errors.pcap", icmp_errors_lines);
}

TEST(pretty_print, caller_buffer_is_cut_to_size) {
    const auto frames = frames_of("udp.pcap");
    ASSERT_FALSE(frames.empty());
    char buf[10];
    EXPECT_EQ(pretty_print(frames[0], buf), 10U);
    EXPECT_EQ(std::string(buf, 10), std::string(udp_lines[0]).substr(0, 10));
}

std::vector<std::uint8_t> ip_frame(const ipv4::repr& ip, bytes l4) {
    const ethernet::repr eth{mac_address::broadcast(), mac_address{{2, 0, 0, 0, 0, 1}},
                             ethernet::ethertype::ipv4, std::nullopt};
    std::vector<std::uint8_t> f(eth.buffer_len() + ip.buffer_len());
    eth.emit(f);
    std::copy(l4.begin(), l4.end(), f.begin() + 14 + 20);
    ip.emit(mut_bytes{f}.subspan(14));
    return f;
}

ipv4::repr ip_hdr(std::uint8_t proto, std::size_t len) {
    ipv4::repr ip;
    ip.source = ipv4_address(10, 0, 0, 1);
    ip.destination = ipv4_address(10, 0, 0, 2);
    ip.protocol = proto;
    ip.payload_len = static_cast<std::uint16_t>(len);
    return ip;
}

TEST(pretty_print, syn_ack_with_sack_and_flags) {
    tcp::repr t;
    t.source_port = 5201;
    t.destination_port = 40000;
    t.seq = seq32{1};
    t.ack = seq32{2};
    t.flags = tcp::flag::syn | tcp::flag::ack;
    t.window = 64240;
    t.options.mss = 1460;
    t.options.sack_permitted = true;
    t.options.ts = tcp::timestamps{1, 0};
    t.options.window_scale = 7;
    auto ip = ip_hdr(ipv4::protocol::tcp, t.buffer_len());
    std::vector<std::uint8_t> seg(t.buffer_len());
    t.emit(seg, ip.source, ip.destination);
    EXPECT_EQ(pretty_print(ip_frame(ip, seg)),
              "IP 10.0.0.1.5201 > 10.0.0.2.40000: Flags [S.], seq 1, ack 2, win 64240, options "
              "[mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");
    tcp::repr a;
    a.source_port = 1;
    a.destination_port = 2;
    a.ack = seq32{100};
    a.flags = tcp::flag::ack | tcp::flag::rst | tcp::flag::urg;
    a.urgent_ptr = 9;
    a.options.sack_count = 1;
    a.options.sack_blocks[0] = {seq32{200}, seq32{300}};
    ip = ip_hdr(ipv4::protocol::tcp, a.buffer_len());
    seg.assign(a.buffer_len(), 0);
    a.emit(seg, ip.source, ip.destination);
    EXPECT_EQ(pretty_print(ip_frame(ip, seg)),
              "IP 10.0.0.1.1 > 10.0.0.2.2: Flags [R.U], seq 0, ack 100, win 0, urg 9, options "
              "[nop,nop,sack 1 {200:300}], length 0");
}

TEST(pretty_print, icmp_errors) {
    auto inner = ip_hdr(ipv4::protocol::udp, 8);
    std::vector<std::uint8_t> dgram(inner.buffer_len());
    inner.emit(dgram);
    store_be16(dgram, 22, 53);
    const auto fn = icmpv4::make_dest_unreachable(icmpv4::unreachable::frag_needed, dgram, 1400);
    std::vector<std::uint8_t> msg(fn.buffer_len());
    fn.emit(msg);
    auto ip = ip_hdr(ipv4::protocol::icmp, msg.size());
    EXPECT_EQ(pretty_print(ip_frame(ip, msg)),
              "IP 10.0.0.1 > 10.0.0.2: ICMP 10.0.0.2 unreachable - need to frag (mtu 1400), "
              "length 36");
    const auto te = icmpv4::make_time_exceeded(icmpv4::time_exceeded::ttl, dgram);
    te.emit(msg);
    EXPECT_EQ(pretty_print(ip_frame(ip, msg)),
              "IP 10.0.0.1 > 10.0.0.2: ICMP time exceeded in-transit, length 36");
}

TEST(pretty_print, vlan_and_unknown_ethertype) {
    const ethernet::repr eth{mac_address::broadcast(), mac_address{{2, 0, 0, 0, 0, 1}}, 0x88cc,
                             ethernet::vlan_tag{3, false, 10}};
    std::vector<std::uint8_t> f(eth.buffer_len() + 10);
    eth.emit(f);
    EXPECT_EQ(pretty_print(f), "vlan 10, p 3, ethertype 0x88cc, length 28");
}

TEST(pretty_print, malformed_frames_are_marked) {
    EXPECT_EQ(pretty_print(bytes{}), "[|ether]");
    auto ip = ip_hdr(ipv4::protocol::tcp, 20);
    std::vector<std::uint8_t> seg(20, 0);
    seg[12] = 0x50;
    auto f = ip_frame(ip, seg);
    // Cut inside the TCP header: the IP total length no longer fits.
    EXPECT_EQ(pretty_print(bytes{f}.first(14 + 30)), "IP [|ip]");
    auto bad = f;
    bad[14] = 0x65;
    EXPECT_EQ(pretty_print(bad), "IP [bad ip: bad_version]");
    bad = f;
    bad[14 + 20 + 12] = 0x30;
    EXPECT_EQ(pretty_print(bad), "IP 10.0.0.1 > 10.0.0.2: [bad tcp: bad_header_len]");
    bad = f;
    bad[14 + 20 + 14] = 1;  // window changes, checksum (zero) stays wrong
    if (!checksums_always_verify) {
        EXPECT_NE(pretty_print(bad).find("[bad tcp cksum 0x0000]"), std::string::npos);
    }
}

TEST(pretty_print, never_crashes_on_garbage) {
    rng r{42};
    for (const char* file : {"arp_icmp.pcap", "tcp.pcap", "udp.pcap", "icmp_errors.pcap"}) {
        for (auto f : frames_of(file)) {
            for (std::size_t n = 0; n <= f.size(); ++n) {
                (void)pretty_print(bytes{f}.first(n));
            }
            for (int i = 0; i < 200; ++i) {
                auto g = f;
                g[r.below(g.size())] = static_cast<std::uint8_t>(r());
                EXPECT_FALSE(pretty_print(g).empty());
            }
        }
    }
}

}  // namespace
}  // namespace netrig::wire
