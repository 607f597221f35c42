// SPDX-License-Identifier: MIT
// tools/iperf3: UDP loss, reordering and jitter accounting tests (iperf_udp_recv semantics).
#include "tools/iperf3/udp_stats.hpp"

#include <gtest/gtest.h>

namespace netrig::tools::iperf3 {
namespace {

TEST(udp_stats, in_order_stream_has_no_loss) {
    udp_receive_stats s;
    for (std::uint64_t i = 1; i <= 10; ++i) {
        s.on_datagram(i, 0.001 * static_cast<double>(i), 0.001 * static_cast<double>(i) + 0.5);
    }
    EXPECT_EQ(s.highest_seq(), 10U);
    EXPECT_EQ(s.lost(), 0);
    EXPECT_EQ(s.out_of_order(), 0U);
    EXPECT_EQ(s.received(), 10U);
    EXPECT_DOUBLE_EQ(s.jitter_s(), 0.0);  // constant transit: no jitter, whatever the offset
}

TEST(udp_stats, gap_counts_loss_and_late_arrival_takes_it_back) {
    udp_receive_stats s;
    s.on_datagram(1, 0, 0);
    s.on_datagram(4, 0, 0);  // 2 and 3 missing
    EXPECT_EQ(s.lost(), 2);
    s.on_datagram(2, 0, 0);  // late
    EXPECT_EQ(s.lost(), 1);
    EXPECT_EQ(s.out_of_order(), 1U);
    EXPECT_EQ(s.highest_seq(), 4U);
}

TEST(udp_stats, tail_loss_is_invisible_to_gap_counting) {
    udp_receive_stats s;
    for (std::uint64_t i = 1; i <= 5; ++i) {
        s.on_datagram(i, 0, 0);
    }
    // The sender sent 8; 6..8 vanished. iperf3's receiver cannot tell.
    EXPECT_EQ(s.lost(), 0);
    EXPECT_EQ(s.received(), 5U);
}

TEST(udp_stats, duplicate_counts_as_out_of_order) {
    udp_receive_stats s;
    s.on_datagram(1, 0, 0);
    s.on_datagram(1, 0, 0);
    EXPECT_EQ(s.out_of_order(), 1U);
    EXPECT_EQ(s.lost(), 0);
}

TEST(udp_stats, jitter_follows_rfc1889_smoothing) {
    udp_receive_stats s;
    s.on_datagram(1, 0.0, 1.000);
    s.on_datagram(2, 0.0, 1.016);  // transit differs by 16 ms
    EXPECT_NEAR(s.jitter_s(), 0.016 / 16.0, 1e-12);
    s.on_datagram(3, 0.0, 1.016);  // same transit as before: d = 0
    EXPECT_NEAR(s.jitter_s(), 0.001 - 0.001 / 16.0, 1e-12);
}

}  // namespace
}  // namespace netrig::tools::iperf3
