// SPDX-License-Identifier: MIT
// tools/iperf3: UDP handshake bytes and datagram header tests.
#include "tools/iperf3/udp_wire.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace netrig::tools::iperf3 {
namespace {

TEST(udp_wire, handshake_bytes_match_iperf3_312_on_little_endian_hosts) {
    // UDP_CONNECT_MSG 0x36373839 and UDP_CONNECT_REPLY 0x39383736 written in host (LE) order.
    EXPECT_EQ(udp_connect_msg, (std::array<std::uint8_t, 4>{'9', '8', '7', '6'}));
    EXPECT_EQ(udp_connect_reply, (std::array<std::uint8_t, 4>{'6', '7', '8', '9'}));
    EXPECT_TRUE(is_udp_connect_reply(udp_connect_reply));
    EXPECT_TRUE(is_udp_connect_reply(udp_legacy_connect_reply));
    EXPECT_FALSE(is_udp_connect_reply(udp_connect_msg));
    const std::vector<std::uint8_t> five{'6', '7', '8', '9', 0};
    EXPECT_FALSE(is_udp_connect_reply(five));
}

TEST(udp_wire, header_32bit_round_trip_and_layout) {
    std::vector<std::uint8_t> d(64, 0xAA);
    const udp_header h{.sec = 0x01020304, .usec = 999999, .seq = 0x1'0000'0007ULL};
    h.emit(d, false);
    EXPECT_EQ(d[0], 0x01);
    EXPECT_EQ(d[3], 0x04);
    // 32-bit counters keep the low 32 bits.
    EXPECT_EQ(load_be32(d, 8), 7U);
    EXPECT_EQ(d[12], 0xAA);  // payload untouched
    auto p = udp_header::parse(d, false);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->sec, h.sec);
    EXPECT_EQ(p->usec, h.usec);
    EXPECT_EQ(p->seq, 7U);
}

TEST(udp_wire, header_64bit_round_trip) {
    std::vector<std::uint8_t> d(16);
    const udp_header h{.sec = 5, .usec = 6, .seq = 0x0102030405060708ULL};
    h.emit(d, true);
    EXPECT_EQ(load_be32(d, 8), 0x01020304U);
    EXPECT_EQ(load_be32(d, 12), 0x05060708U);
    auto p = udp_header::parse(d, true);
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, h);
}

TEST(udp_wire, short_datagrams_are_rejected_by_name) {
    for (std::size_t n = 0; n < 16; ++n) {
        std::vector<std::uint8_t> d(n);
        const auto r = udp_header::parse(d, true);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), codec_error::datagram_too_short);
        EXPECT_EQ(static_cast<bool>(udp_header::parse(d, false)), n >= 12);
    }
}

}  // namespace
}  // namespace netrig::tools::iperf3
