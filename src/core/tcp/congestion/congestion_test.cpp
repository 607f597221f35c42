// SPDX-License-Identifier: MIT
// Tests of congestion_control: names and dispatch to the selected algorithm.
#include "core/tcp/congestion/congestion.hpp"

#include <gtest/gtest.h>

namespace netrig::core::tcp {
namespace {

using namespace std::chrono_literals;

TEST(tcp_congestion, parse_and_print_names) {
    EXPECT_EQ(parse_cc("reno"), cc_algorithm::reno);
    EXPECT_EQ(parse_cc("cubic"), cc_algorithm::cubic);
    EXPECT_FALSE(parse_cc("Cubic").has_value());
    EXPECT_FALSE(parse_cc("").has_value());
    EXPECT_FALSE(parse_cc("bbr").has_value());
    EXPECT_EQ(to_string(cc_algorithm::reno), "reno");
    EXPECT_EQ(to_string(cc_algorithm::cubic), "cubic");
}

TEST(tcp_congestion, dispatches_to_reno) {
    congestion_control cc(cc_algorithm::reno, 1000, instant{});
    EXPECT_EQ(cc.algorithm(), cc_algorithm::reno);
    EXPECT_EQ(cc.cwnd(), 4000U);
    EXPECT_TRUE(cc.in_slow_start());
    cc.on_ack(ack_event{.now = instant{10ms}, .bytes_acked = 1000, .bytes_in_flight = 4000});
    EXPECT_EQ(cc.cwnd(), 5000U);
    cc.on_enter_recovery(instant{20ms}, 10000);
    EXPECT_EQ(cc.ssthresh(), 5000U);  // halved
    cc.on_exit_recovery(instant{30ms});
    EXPECT_EQ(cc.cwnd(), 5000U);
    cc.on_rto(instant{1s}, 5000);
    EXPECT_EQ(cc.cwnd(), 1000U);
    cc.set_mss(1200);
    EXPECT_EQ(cc.cwnd(), 1200U);
    cc.on_idle(instant{5s}, 3s, 1s);
    EXPECT_EQ(cc.cwnd(), 1200U);
}

TEST(tcp_congestion, dispatches_to_cubic) {
    congestion_control cc(cc_algorithm::cubic, 1000, instant{});
    EXPECT_EQ(cc.algorithm(), cc_algorithm::cubic);
    EXPECT_EQ(cc.cwnd(), 4000U);
    cc.on_enter_recovery(instant{20ms}, 10000);
    EXPECT_EQ(cc.ssthresh(), 7000U);  // x0.7, not halved
    EXPECT_EQ(cc.cwnd(), 7000U);
}

}  // namespace
}  // namespace netrig::core::tcp
