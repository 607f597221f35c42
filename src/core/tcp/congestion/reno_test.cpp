// SPDX-License-Identifier: MIT
// Tests of NewReno window arithmetic (RFC 5681, RFC 3465, RFC 6582) with explicit time.
#include "core/tcp/congestion/reno.hpp"

#include <gtest/gtest.h>

#include "core/tcp/congestion/congestion.hpp"

namespace netrig::core::tcp {
namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t mss = 1000;
constexpr duration rtt = 100ms;

ack_event ack(instant now, std::uint32_t bytes, std::uint32_t in_flight) {
    return ack_event{.now = now, .bytes_acked = bytes, .bytes_in_flight = in_flight, .rtt = rtt};
}

// Delivers one round trip: every byte of the current window acknowledged in `per_ack` pieces.
instant one_rtt(reno& cc, instant now, std::uint32_t per_ack) {
    const std::uint32_t window = cc.cwnd();
    for (std::uint32_t acked = 0; acked < window; acked += per_ack) {
        cc.on_ack(ack(now, per_ack, window - acked));
    }
    return now + rtt;
}

TEST(tcp_rfc5681, s3_1_initial_window_depends_on_smss) {
    EXPECT_EQ(initial_window(536), 4U * 536);
    EXPECT_EQ(initial_window(1095), 4U * 1095);
    EXPECT_EQ(initial_window(1096), 3U * 1096);
    EXPECT_EQ(initial_window(1460), 3U * 1460);
    EXPECT_EQ(initial_window(2190), 3U * 2190);
    EXPECT_EQ(initial_window(2191), 2U * 2191);
    EXPECT_EQ(initial_window(8960), 2U * 8960);
    reno cc(1460, instant{});
    EXPECT_EQ(cc.cwnd(), 4380U);
    // "The initial value of ssthresh SHOULD be set arbitrarily high".
    EXPECT_EQ(cc.ssthresh(), cwnd_bytes_max);
}

TEST(tcp_rfc5681, s3_1_slow_start_doubles_cwnd_per_rtt) {
    reno cc(mss, instant{});
    ASSERT_EQ(cc.cwnd(), 4 * mss);
    instant now{};
    for (std::uint32_t round = 1; round <= 5; ++round) {
        now = one_rtt(cc, now, mss);
        EXPECT_EQ(cc.cwnd(), (4 * mss) << round) << "round " << round;
    }
}

TEST(tcp_rfc3465, s2_2_slow_start_with_delayed_acks_still_doubles_with_l_2_smss) {
    reno cc(mss, instant{});
    instant now{};
    for (std::uint32_t round = 1; round <= 4; ++round) {
        now = one_rtt(cc, now, 2 * mss);  // one ACK per two segments
        EXPECT_EQ(cc.cwnd(), (4 * mss) << round) << "round " << round;
    }
}

TEST(tcp_rfc3465, s2_3_stretch_ack_grows_at_most_l_2_smss) {
    reno cc(mss, instant{});
    cc.on_ack(ack(instant{}, 4 * mss, 4 * mss));
    EXPECT_EQ(cc.cwnd(), 6 * mss);
}

TEST(tcp_rfc5681, s3_1_congestion_avoidance_adds_one_smss_per_rtt) {
    reno cc(mss, instant{});
    cc.on_enter_recovery(instant{}, 40 * mss);
    cc.on_exit_recovery(instant{});
    ASSERT_EQ(cc.cwnd(), 20 * mss);
    ASSERT_EQ(cc.ssthresh(), 20 * mss);
    instant now{};
    for (std::uint32_t round = 1; round <= 10; ++round) {
        now = one_rtt(cc, now, mss);
        EXPECT_EQ(cc.cwnd(), (20 + round) * mss) << "round " << round;
    }
    // Delayed ACKs (RFC 3465 §2.1 byte counting) give the same growth.
    now = one_rtt(cc, now, 2 * mss);
    EXPECT_EQ(cc.cwnd(), 31 * mss);
}

TEST(tcp_rfc6582, s3_2_entering_recovery_halves_flight_size) {
    reno cc(mss, instant{});
    cc.on_enter_recovery(instant{}, 37 * mss);
    EXPECT_EQ(cc.ssthresh(), 37 * mss / 2);
    EXPECT_EQ(cc.cwnd(), cc.ssthresh());
}

TEST(tcp_rfc6582, s3_2_ssthresh_is_at_least_two_smss) {
    reno cc(mss, instant{});
    cc.on_enter_recovery(instant{}, 3 * mss);
    EXPECT_EQ(cc.ssthresh(), 2 * mss);
    EXPECT_EQ(cc.cwnd(), 2 * mss);
}

TEST(tcp_rfc6582, s3_2_full_ack_deflates_to_ssthresh) {
    reno cc(mss, instant{});
    cc.on_enter_recovery(instant{}, 40 * mss);
    cc.on_exit_recovery(instant{100ms});
    EXPECT_EQ(cc.cwnd(), 20 * mss);
    EXPECT_FALSE(cc.cwnd() < cc.ssthresh());  // congestion avoidance next
}

TEST(tcp_rfc5681, s3_1_rto_sets_ssthresh_eq4_and_cwnd_one_smss) {
    reno cc(mss, instant{});
    cc.on_rto(instant{1s}, 30 * mss);
    EXPECT_EQ(cc.ssthresh(), 15 * mss);
    EXPECT_EQ(cc.cwnd(), mss);
    cc.on_ack(ack(instant{2s}, mss, mss));  // new data acked: the next RTO is a new episode
    cc.on_rto(instant{3s}, 1 * mss);
    EXPECT_EQ(cc.ssthresh(), 2 * mss);
}

TEST(tcp_rfc5681, s3_1_repeated_rto_of_the_same_segment_holds_ssthresh) {
    reno cc(mss, instant{});
    cc.on_rto(instant{1s}, 30 * mss);
    cc.on_rto(instant{3s}, 30 * mss);  // backed-off timer fired again, nothing acked between
    EXPECT_EQ(cc.ssthresh(), 15 * mss);
    EXPECT_EQ(cc.cwnd(), mss);
}

TEST(tcp_rfc3465, s2_3_slow_start_after_rto_uses_l_one_smss) {
    reno cc(mss, instant{});
    cc.on_rto(instant{1s}, 30 * mss);
    cc.on_ack(ack(instant{2s}, 3 * mss, mss));
    EXPECT_EQ(cc.cwnd(), 2 * mss);
    // Slow start still doubles per RTT with one ACK per segment.
    instant now{2s};
    now = one_rtt(cc, now, mss);
    EXPECT_EQ(cc.cwnd(), 4 * mss);
}

TEST(tcp_rfc5681, s3_1_slow_start_stops_at_ssthresh) {
    reno cc(mss, instant{});
    cc.on_rto(instant{1s}, 8 * mss);  // ssthresh 4 MSS
    instant now{1s};
    for (int i = 0; i < 4; ++i) {
        now = one_rtt(cc, now, mss);
    }
    // 1 -> 2 -> 4 (slow start, capped at ssthresh) -> 5 -> 6 (avoidance).
    EXPECT_EQ(cc.cwnd(), 6 * mss);
}

TEST(tcp_rfc5681, s4_1_restart_after_idle_longer_than_rto) {
    reno cc(mss, instant{});
    instant now{};
    for (int i = 0; i < 3; ++i) {
        now = one_rtt(cc, now, mss);
    }
    ASSERT_EQ(cc.cwnd(), 32 * mss);
    cc.on_idle(now, 500ms, 1s);  // shorter than RTO: untouched
    EXPECT_EQ(cc.cwnd(), 32 * mss);
    cc.on_idle(now, 2s, 1s);
    EXPECT_EQ(cc.cwnd(), initial_window(mss));
    // RW = min(IW, cwnd): a window already below IW stays.
    cc.on_rto(now, 10 * mss);
    cc.on_idle(now, 2s, 1s);
    EXPECT_EQ(cc.cwnd(), mss);
}

TEST(tcp_reno, app_limited_acks_do_not_grow_cwnd) {
    reno cc(mss, instant{});
    ack_event ev = ack(instant{}, mss, mss);
    ev.app_limited = true;
    cc.on_ack(ev);
    EXPECT_EQ(cc.cwnd(), 4 * mss);
}

TEST(tcp_reno, set_mss_keeps_cwnd_at_least_one_mss) {
    reno cc(mss, instant{});
    cc.on_rto(instant{}, 10 * mss);
    cc.set_mss(1400);
    EXPECT_EQ(cc.mss(), 1400U);
    EXPECT_EQ(cc.cwnd(), 1400U);
}

}  // namespace
}  // namespace netrig::core::tcp
