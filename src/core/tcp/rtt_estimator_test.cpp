// SPDX-License-Identifier: MIT
// Tests of the RFC 6298 RTT estimator, one clause per test, with explicit durations.
#include "core/tcp/rtt_estimator.hpp"

#include <gtest/gtest.h>

namespace netrig::core::tcp {
namespace {

using namespace std::chrono_literals;

TEST(tcp_rfc6298, s2_1_initial_rto_is_one_second) {
    rtt_estimator est;
    EXPECT_EQ(est.rto(), 1s);
    EXPECT_FALSE(est.srtt().has_value());
    EXPECT_FALSE(est.min_rtt().has_value());
    EXPECT_EQ(est.rttvar(), 0ns);
}

TEST(tcp_rfc6298, s2_2_first_sample_sets_srtt_r_and_rttvar_half_r) {
    rtt_estimator est;
    est.on_sample(500ms);
    ASSERT_TRUE(est.srtt().has_value());
    EXPECT_EQ(*est.srtt(), 500ms);
    EXPECT_EQ(est.rttvar(), 250ms);
    // RTO = SRTT + max(G, 4 * RTTVAR) = 500 ms + 1000 ms.
    EXPECT_EQ(est.rto(), 1500ms);
}

TEST(tcp_rfc6298, s2_3_later_samples_use_alpha_eighth_beta_quarter) {
    rtt_estimator est;
    est.on_sample(500ms);
    est.on_sample(300ms);
    // RTTVAR = 3/4 * 250 + 1/4 * |500 - 300| = 237.5 ms (with the OLD srtt);
    // SRTT = 7/8 * 500 + 1/8 * 300 = 475 ms; RTO = 475 + 4 * 237.5 = 1425 ms.
    EXPECT_EQ(est.rttvar(), 237500us);
    EXPECT_EQ(*est.srtt(), 475ms);
    EXPECT_EQ(est.rto(), 1425ms);
    est.on_sample(700ms);
    // RTTVAR = 3/4 * 237.5 + 1/4 * |475 - 700| = 178.125 + 56.25 = 234.375 ms;
    // SRTT = 7/8 * 475 + 1/8 * 700 = 503.125 ms.
    EXPECT_EQ(est.rttvar(), 234375us);
    EXPECT_EQ(*est.srtt(), 503125us);
    EXPECT_EQ(est.rto(), 503125us + 4 * 234375us);
}

TEST(tcp_rfc6298, s2_2_clock_granularity_g_bounds_the_variance_term) {
    rtt_estimator est(rto_limits{.min = 1us, .granularity = 10ms});
    est.on_sample(2ms);
    // 4 * RTTVAR = 4 ms < G = 10 ms, so RTO = SRTT + G.
    EXPECT_EQ(est.rto(), 12ms);
    for (int i = 0; i < 50; ++i) {
        est.on_sample(2ms);
    }
    EXPECT_LT(est.rttvar(), 1ms);
    EXPECT_EQ(est.rto(), 12ms);
}

TEST(tcp_rfc6298, s2_4_rto_is_clamped_to_the_minimum) {
    rtt_estimator est;  // min 200 ms (documented deviation from the RFC's 1 s)
    est.on_sample(10ms);
    EXPECT_EQ(est.rto(), 200ms);
    rtt_estimator strict(rto_limits{.min = 1s});
    strict.on_sample(10ms);
    EXPECT_EQ(strict.rto(), 1s);
}

TEST(tcp_rfc6298, s2_5_rto_is_capped_at_the_maximum) {
    rtt_estimator est;
    est.on_sample(100s);
    EXPECT_EQ(est.rto(), 120s);
}

TEST(tcp_rfc6298, s5_5_timeout_doubles_rto_up_to_the_cap) {
    rtt_estimator est;
    est.on_sample(500ms);
    ASSERT_EQ(est.rto(), 1500ms);
    est.on_timeout();
    EXPECT_EQ(est.rto(), 3s);
    est.on_timeout();
    EXPECT_EQ(est.rto(), 6s);
    EXPECT_EQ(est.backoff_count(), 2U);
    for (int i = 0; i < 10; ++i) {
        est.on_timeout();
    }
    EXPECT_EQ(est.rto(), 120s);
    // The estimate itself is untouched by back-off.
    EXPECT_EQ(*est.srtt(), 500ms);
}

TEST(tcp_rfc6298, s5_5_backoff_before_any_sample_doubles_the_initial_rto) {
    rtt_estimator est;
    est.on_timeout();
    EXPECT_EQ(est.rto(), 2s);
    est.reset_backoff();
    EXPECT_EQ(est.rto(), 1s);
}

TEST(tcp_rfc6298, s5_7_new_sample_or_reset_ends_the_backoff) {
    rtt_estimator est;
    est.on_sample(500ms);
    est.on_timeout();
    est.on_timeout();
    est.reset_backoff();
    EXPECT_EQ(est.rto(), 1500ms);
    EXPECT_EQ(est.backoff_count(), 0U);
    est.on_timeout();
    est.on_sample(500ms);
    // RTTVAR = 3/4 * 250 + 0 = 187.5 ms; RTO = 500 + 750 ms, not doubled.
    EXPECT_EQ(est.rto(), 1250ms);
}

TEST(tcp_rfc6298, s5_7_rto_is_three_seconds_after_a_syn_timeout) {
    rtt_estimator est;
    est.on_timeout();  // the SYN timed out: RTO 2 s
    est.on_handshake_after_syn_timeout();
    EXPECT_EQ(est.rto(), 3s);
    est.on_timeout();
    EXPECT_EQ(est.rto(), 6s);
    est.reset_backoff();
    EXPECT_EQ(est.rto(), 3s);  // stays the base until a sample arrives
    est.on_sample(100ms);
    EXPECT_EQ(est.rto(), 300ms);
    // With a sample already taken (e.g. from a timestamp echo) the measured RTO is kept.
    rtt_estimator measured;
    measured.on_sample(100ms);
    measured.on_handshake_after_syn_timeout();
    EXPECT_EQ(measured.rto(), 300ms);
}

TEST(tcp_rtt_estimator, min_rtt_is_the_smallest_sample) {
    rtt_estimator est;
    est.on_sample(30ms);
    est.on_sample(10ms);
    est.on_sample(20ms);
    ASSERT_TRUE(est.min_rtt().has_value());
    EXPECT_EQ(*est.min_rtt(), 10ms);
}

}  // namespace
}  // namespace netrig::core::tcp
