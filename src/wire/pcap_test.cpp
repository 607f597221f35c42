// SPDX-License-Identifier: MIT
// wire: parses frames captured from the real Linux stack (tests/fixtures/pcap, made by
// tests/fixtures/make_pcaps.sh) and checks fields and checksums against what tshark 4.0 reports
// for the committed files.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <string>
#include <vector>

#include "wire/arp.hpp"
#include "wire/ethernet.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"
#include "wire/udp.hpp"

namespace netrig::wire {
namespace {

using frame = std::vector<std::uint8_t>;

std::vector<frame> load_pcap(const std::string& name) {
    const std::string path = std::string{NETRIG_SOURCE_DIR} + "/tests/fixtures/pcap/" + name;
    char err[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline(path.c_str(), err);
    EXPECT_NE(p, nullptr) << err;
    std::vector<frame> frames;
    if (p == nullptr) {
        return frames;
    }
    EXPECT_EQ(pcap_datalink(p), DLT_EN10MB);
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(p, &hdr, &data) == 1) {
        EXPECT_EQ(hdr->caplen, hdr->len) << "capture truncated by snaplen";
        frames.emplace_back(data, data + hdr->caplen);
    }
    pcap_close(p);
    return frames;
}

ethernet::repr eth_of(const frame& f) {
    auto v = ethernet::view::parse(f);
    EXPECT_TRUE(v);
    auto r = ethernet::repr::parse(*v);
    EXPECT_TRUE(r);
    return *r;
}

ipv4::view ip_of(const frame& f) {
    auto v = ipv4::view::parse(ethernet::view::parse(f).value().payload());
    EXPECT_TRUE(v) << to_string(v.error());
    return *v;
}

const mac_address mac_1{{0x02, 0, 0, 0, 0, 0x01}};
const mac_address mac_2{{0x02, 0, 0, 0, 0, 0x02}};
const ipv4_address ip_1(10, 77, 0, 1);
const ipv4_address ip_2(10, 77, 0, 2);

// Every frame of every capture parses at every layer, and every checksum verifies (fragments
// after the first carry no L4 header; the first fragment's L4 checksum covers data elsewhere).
TEST(pcap_fixtures, every_frame_parses_and_checksums_verify) {
    std::size_t count = 0;
    for (const char* name : {"arp_icmp.pcap", "tcp.pcap", "udp.pcap", "icmp_errors.pcap"}) {
        for (const auto& f : load_pcap(name)) {
            ++count;
            const auto eth = eth_of(f);
            const auto ev = ethernet::view::parse(f).value();
            if (eth.ethertype == ethernet::ethertype::arp) {
                auto a = arp::view::parse(ev.payload());
                ASSERT_TRUE(a) << name;
                ASSERT_TRUE(arp::repr::parse(*a)) << name;
                continue;
            }
            ASSERT_EQ(eth.ethertype, ethernet::ethertype::ipv4) << name;
            const auto iv = ip_of(f);
            auto ip = ipv4::repr::parse(iv);
            ASSERT_TRUE(ip) << name << ": " << to_string(ip.error());
            std::vector<std::uint8_t> reemit(ip->buffer_len());
            std::copy(iv.payload().begin(), iv.payload().end(), reemit.begin() + 20);
            ip->emit(reemit);
            EXPECT_TRUE(std::equal(reemit.begin(), reemit.end(), iv.packet().begin()))
                << name << " frame " << count << ": IPv4 re-emit differs";
            if (ip->frag_offset != 0 || ip->more_frags) {
                continue;
            }
            const auto pl = iv.payload();
            if (ip->protocol == ipv4::protocol::tcp) {
                auto t = tcp::repr::parse(tcp::view::parse(pl).value(), ip->source,
                                          ip->destination);
                ASSERT_TRUE(t) << name;
                std::vector<std::uint8_t> seg(t->buffer_len());
                t->emit(seg, ip->source, ip->destination);
                // Linux lays out options like our emitter, so even the bytes match.
                EXPECT_TRUE(std::equal(seg.begin(), seg.end(), pl.begin(), pl.end()))
                    << name << " frame " << count << ": TCP re-emit differs";
            } else if (ip->protocol == ipv4::protocol::udp) {
                ASSERT_TRUE(udp::repr::parse(udp::view::parse(pl).value(), ip->source,
                                             ip->destination))
                    << name;
            } else {
                ASSERT_EQ(ip->protocol, ipv4::protocol::icmp);
                ASSERT_TRUE(icmpv4::repr::parse(icmpv4::view::parse(pl).value())) << name;
            }
        }
    }
    EXPECT_EQ(count, 12U + 10U + 3U + 4U);
}

TEST(pcap_fixtures, arp_request_and_reply) {
    const auto frames = load_pcap("arp_icmp.pcap");
    ASSERT_EQ(frames.size(), 12U);
    const auto e0 = eth_of(frames[0]);
    EXPECT_EQ(e0.destination, mac_address::broadcast());
    EXPECT_EQ(e0.source, mac_1);
    const auto req = arp::repr::parse(
        arp::view::parse(ethernet::view::parse(frames[0]).value().payload()).value());
    ASSERT_TRUE(req);
    EXPECT_EQ(*req, arp::make_request(mac_1, ip_1, ip_2));
    const auto rep = arp::repr::parse(
        arp::view::parse(ethernet::view::parse(frames[1]).value().payload()).value());
    ASSERT_TRUE(rep);
    EXPECT_EQ(*rep, arp::make_reply(*req, mac_2));
}

TEST(pcap_fixtures, icmp_echo_and_fragments) {
    const auto frames = load_pcap("arp_icmp.pcap");
    ASSERT_EQ(frames.size(), 12U);
    // tshark: frame, ip.id, ip.checksum, MF, offset (8-byte units), ip.len
    struct expect_ip {
        std::size_t frame;
        std::uint16_t id, checksum;
        bool mf;
        std::uint16_t offset_units, total_len;
    };
    const expect_ip ips[] = {
        {3, 0xef40, 0x36cc, false, 0, 84},   {4, 0x7cb4, 0xe958, false, 0, 84},
        {5, 0xef67, 0x36a5, false, 0, 84},   {6, 0x7cdc, 0xe930, false, 0, 84},
        {7, 0xef68, 0x511c, true, 0, 1500},  {8, 0xef68, 0x5063, true, 185, 1500},
        {9, 0xef68, 0x7542, false, 370, 68}, {10, 0x7cdf, 0xc3a5, true, 0, 1500},
        {11, 0x7cdf, 0xc2ec, true, 185, 1500}, {12, 0x7cdf, 0xe7cb, false, 370, 68},
    };
    for (const auto& e : ips) {
        const auto v = ip_of(frames[e.frame - 1]);
        EXPECT_EQ(v.ident(), e.id) << e.frame;
        EXPECT_EQ(v.checksum(), e.checksum) << e.frame;
        EXPECT_EQ(v.more_frags(), e.mf) << e.frame;
        EXPECT_EQ(v.frag_offset(), e.offset_units * 8) << e.frame;
        EXPECT_EQ(v.total_len(), e.total_len) << e.frame;
        EXPECT_EQ(v.protocol(), ipv4::protocol::icmp);
    }
    // tshark: icmp.type, ident, seq, checksum of frames 3..6.
    struct expect_icmp {
        std::size_t frame;
        icmpv4::message_type type;
        std::uint16_t seq, checksum;
    };
    const expect_icmp echos[] = {
        {3, icmpv4::message_type::echo_request, 1, 0xce79},
        {4, icmpv4::message_type::echo_reply, 1, 0xd679},
        {5, icmpv4::message_type::echo_request, 2, 0x4765},
        {6, icmpv4::message_type::echo_reply, 2, 0x4f65},
    };
    for (const auto& e : echos) {
        const auto iv = icmpv4::view::parse(ip_of(frames[e.frame - 1]).payload()).value();
        const auto r = icmpv4::repr::parse(iv).value();
        EXPECT_EQ(r.type, e.type);
        EXPECT_EQ(r.ident, 12747);
        EXPECT_EQ(r.seq_no, e.seq);
        EXPECT_EQ(iv.checksum(), e.checksum);
        EXPECT_EQ(r.data.size(), 56U);
    }
    // The first fragment of the 3000-byte ping starts with the ICMP header (id 12755, seq 1);
    // its checksum covers all fragments, so it is checked only for structure here.
    const auto first = icmpv4::view::parse(ip_of(frames[6]).payload()).value();
    EXPECT_EQ(first.type(), 8);
    EXPECT_EQ(first.ident(), 12755);
    EXPECT_EQ(first.seq_no(), 1);
}

TEST(pcap_fixtures, tcp_connection_fields_match_tshark) {
    const auto frames = load_pcap("tcp.pcap");
    ASSERT_EQ(frames.size(), 10U);
    struct expect_tcp {
        std::uint16_t ip_id, ip_checksum, sport;
        std::uint32_t seq, ack;
        std::uint8_t flags;
        std::uint16_t window, checksum;
        std::uint32_t tsval, tsecr;
        std::size_t len;
    };
    // tshark -T fields -e ip.id -e ip.checksum -e tcp.srcport -e tcp.seq_raw -e tcp.ack_raw
    // -e tcp.flags -e tcp.window_size_value -e tcp.checksum -e tcp.options.timestamp.tsval
    // -e tcp.options.timestamp.tsecr -e tcp.len
    const expect_tcp rows[] = {
        {0x70e7, 0xb538, 40000, 3840343931, 0, 0x02, 64240, 0x0336, 594115804, 0, 0},
        {0x0000, 0x2620, 5201, 705575347, 3840343932, 0x12, 65160, 0x7dea, 2765191439,
         594115804, 0},
        {0x70e8, 0xb53f, 40000, 3840343932, 705575348, 0x10, 63, 0xab03, 594115804, 2765191439,
         0},
        {0x70e9, 0xb531, 40000, 3840343932, 705575348, 0x18, 63, 0x10bc, 594115805, 2765191439,
         13},
        {0xc348, 0x62df, 5201, 705575348, 3840343945, 0x10, 64, 0xaaf3, 2765191440, 594115805,
         0},
        {0x70ea, 0xb53d, 40000, 3840343945, 705575348, 0x11, 63, 0xaaf3, 594115805, 2765191440,
         0},
        {0xc349, 0x62d1, 5201, 705575348, 3840343946, 0x18, 64, 0x10a6, 2765191446, 594115805,
         13},
        {0x70eb, 0xb53c, 40000, 3840343946, 705575361, 0x10, 63, 0xaada, 594115811, 2765191446,
         0},
        {0xc34a, 0x62dd, 5201, 705575361, 3840343946, 0x11, 64, 0xaad8, 2765191446, 594115811,
         0},
        {0x70ec, 0xb53b, 40000, 3840343946, 705575362, 0x10, 63, 0xaad9, 594115811, 2765191446,
         0},
    };
    for (std::size_t i = 0; i < std::size(rows); ++i) {
        const auto& e = rows[i];
        const auto iv = ip_of(frames[i]);
        EXPECT_EQ(iv.ident(), e.ip_id) << i;
        EXPECT_EQ(iv.checksum(), e.ip_checksum) << i;
        EXPECT_TRUE(iv.dont_frag());
        const auto tv = tcp::view::parse(iv.payload()).value();
        EXPECT_EQ(tv.checksum(), e.checksum) << i;
        const auto t = tcp::repr::parse(tv, iv.source(), iv.destination()).value();
        EXPECT_EQ(t.source_port, e.sport) << i;
        EXPECT_EQ(t.seq, seq32{e.seq}) << i;
        EXPECT_EQ(t.ack, seq32{e.ack}) << i;
        EXPECT_EQ(t.flags, e.flags) << i;
        EXPECT_EQ(t.window, e.window) << i;
        ASSERT_TRUE(t.options.ts) << i;
        EXPECT_EQ(t.options.ts->value, e.tsval) << i;
        EXPECT_EQ(t.options.ts->echo, e.tsecr) << i;
        EXPECT_EQ(t.payload.size(), e.len) << i;
        const bool syn = (e.flags & tcp::flag::syn) != 0;
        EXPECT_EQ(t.options.mss.has_value(), syn) << i;
        EXPECT_EQ(t.options.sack_permitted, syn) << i;
        if (syn) {
            EXPECT_EQ(*t.options.mss, 1460);
            EXPECT_EQ(t.options.window_scale, 10);
        }
    }
    const auto data = tcp::view::parse(ip_of(frames[3]).payload()).value().payload();
    EXPECT_EQ(std::string(data.begin(), data.end()), "hello netrig\n");
}

TEST(pcap_fixtures, udp_and_port_unreachable) {
    const auto frames = load_pcap("udp.pcap");
    ASSERT_EQ(frames.size(), 3U);
    const auto iv0 = ip_of(frames[0]);
    EXPECT_EQ(iv0.checksum(), 0xacad);
    const auto uv0 = udp::view::parse(iv0.payload()).value();
    EXPECT_EQ(uv0.checksum(), 0x890d);
    const auto u0 = udp::repr::parse(uv0, ip_1, ip_2).value();
    EXPECT_EQ(u0.source_port, 40001);
    EXPECT_EQ(u0.destination_port, 9000);
    EXPECT_EQ(uv0.length(), 19);
    EXPECT_EQ(std::string(u0.payload.begin(), u0.payload.end()), "udp payload");
    const auto uv1 = udp::view::parse(ip_of(frames[1]).payload()).value();
    EXPECT_EQ(uv1.checksum(), 0xf385);
    EXPECT_EQ(uv1.destination_port(), 9001);
    // Frame 3: ICMP type 3 code 3 (checksum 0x11b9) quoting the IP header (checksum 0x7caa)
    // and the UDP header of frame 2.
    const auto iv2 = ip_of(frames[2]);
    EXPECT_EQ(iv2.checksum(), 0xe31f);
    EXPECT_EQ(iv2.dscp(), 0x30);  // tos 0xc0: network control
    const auto icv = icmpv4::view::parse(iv2.payload()).value();
    EXPECT_EQ(icv.checksum(), 0x11b9);
    const auto ic = icmpv4::repr::parse(icv).value();
    EXPECT_EQ(ic.type, icmpv4::message_type::dest_unreachable);
    EXPECT_EQ(ic.code, icmpv4::unreachable::port);
    const auto inner = ipv4::view::parse(ic.data);
    // The quote holds the whole 34-byte datagram here (Linux quotes up to 576 bytes).
    ASSERT_TRUE(inner);
    EXPECT_EQ(inner->checksum(), 0x7caa);
    EXPECT_EQ(inner->destination(), ip_2);
    EXPECT_EQ(udp::view::parse(inner->payload()).value().destination_port(), 9001);
}

// A router (Linux forwarding into an MTU 1400 link) answering a DF ping that does not fit and a
// ping with TTL 1. tshark: frame 2 ip.checksum 0x2301, icmp type 3 code 4 checksum 0xf98e,
// mtu 1400; frame 4 ip.checksum 0x24cc, icmp type 11 code 0 checksum 0xf4ff.
TEST(pcap_fixtures, icmp_frag_needed_and_time_exceeded_from_a_router) {
    const auto frames = load_pcap("icmp_errors.pcap");
    ASSERT_EQ(frames.size(), 4U);
    const ipv4_address router(10, 77, 0, 2);
    const ipv4_address far(10, 79, 0, 1);
    const auto ip2 = ip_of(frames[1]);
    EXPECT_EQ(ip2.source(), router);
    EXPECT_EQ(ip2.checksum(), 0x2301);
    const auto v2 = icmpv4::view::parse(ip2.payload()).value();
    EXPECT_EQ(v2.checksum(), 0xf98e);
    const auto fn = icmpv4::repr::parse(v2).value();
    EXPECT_EQ(fn.type, icmpv4::message_type::dest_unreachable);
    EXPECT_EQ(fn.code, icmpv4::unreachable::frag_needed);
    EXPECT_EQ(fn.next_hop_mtu, 1400);
    // Linux quotes up to 576 bytes in all: 548 of the 1478-byte datagram. Its header says 1478,
    // so a strict parse of the quote reports truncation; the header fields are still there.
    EXPECT_EQ(fn.data.size(), 548U);
    EXPECT_EQ(ipv4::view::parse(fn.data).error(), parse_error::truncated);
    EXPECT_EQ(ipv4_address::from_bytes(fn.data.subspan(ipv4::field::destination)), far);
    EXPECT_EQ(load_be16(fn.data, ipv4::field::checksum), 0x209a);
    // Re-emitting the parsed message reproduces the captured bytes exactly.
    std::vector<std::uint8_t> out(fn.buffer_len());
    fn.emit(out);
    EXPECT_TRUE(std::equal(out.begin(), out.end(), v2.message().begin(), v2.message().end()));

    const auto ip4 = ip_of(frames[3]);
    EXPECT_EQ(ip4.checksum(), 0x24cc);
    const auto v4 = icmpv4::view::parse(ip4.payload()).value();
    EXPECT_EQ(v4.checksum(), 0xf4ff);
    const auto te = icmpv4::repr::parse(v4).value();
    EXPECT_EQ(te.type, icmpv4::message_type::time_exceeded);
    EXPECT_EQ(te.code, icmpv4::time_exceeded::ttl);
    const auto inner = ipv4::view::parse(te.data).value();  // 84-byte datagram quoted whole
    EXPECT_EQ(inner.ttl(), 1);
    EXPECT_EQ(inner.checksum(), 0x34e7);
    EXPECT_EQ(icmpv4::view::parse(inner.payload()).value().ident(), 25976);
}

}  // namespace
}  // namespace netrig::wire
