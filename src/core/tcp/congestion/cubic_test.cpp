// SPDX-License-Identifier: MIT
// Tests of CUBIC (RFC 9438) with explicit time. Expected windows are computed here from the
// RFC's formulas (Figure 1, Figure 2, §4.3), not taken from the implementation.
#include "core/tcp/congestion/cubic.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace netrig::core::tcp {
namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t mss = 1000;

double segments(const cubic& cc) {
    return static_cast<double>(cc.cwnd()) / mss;
}

// RFC 9438 Figure 1 and Figure 2, written out independently.
double rfc_w_cubic(double t, double w_max, double cwnd_epoch) {
    const double k = std::cbrt((w_max - cwnd_epoch) / 0.4);
    return 0.4 * std::pow(t - k, 3.0) + w_max;
}

// A sender that always has data: each round trip it sends cwnd and gets one ACK per MSS, spread
// evenly over the RTT, each carrying an RTT sample.
struct flow {
    cubic cc;
    instant now{};
    duration rtt;

    void run_rtt() {
        const std::uint32_t acks = cc.cwnd() / mss;
        const duration gap = rtt / std::max<std::uint32_t>(acks, 1);
        std::uint32_t in_flight = cc.cwnd();
        for (std::uint32_t i = 0; i < acks; ++i) {
            now += gap;
            cc.on_ack(ack_event{
                .now = now, .bytes_acked = mss, .bytes_in_flight = in_flight, .rtt = rtt});
            in_flight -= mss;
        }
    }
    void run_until(instant end) {
        while (now < end) {
            run_rtt();
        }
    }
    // Slow start up to about `target_segments`, then a fast-retransmit loss episode.
    void grow_then_lose(std::uint32_t target_segments) {
        while (cc.cwnd() < target_segments * mss) {
            cc.on_ack(ack_event{
                .now = now, .bytes_acked = mss, .bytes_in_flight = cc.cwnd(), .rtt = rtt});
        }
        cc.on_enter_recovery(now, cc.cwnd());
        now += rtt;
        cc.on_exit_recovery(now);
    }
};

TEST(tcp_rfc9438, s4_6_loss_reduces_by_beta_cubic_0_7) {
    flow f{cubic(mss, instant{}), instant{}, 100ms};
    f.grow_then_lose(100);
    EXPECT_EQ(f.cc.ssthresh(), 70 * mss);
    EXPECT_EQ(f.cc.cwnd(), 70 * mss);
    // First congestion event: W_max is cwnd before the reduction.
    EXPECT_DOUBLE_EQ(f.cc.w_max_segments(), 100.0);
}

TEST(tcp_rfc9438, s4_6_ssthresh_uses_flight_size_and_is_at_least_2_mss) {
    cubic cc(mss, instant{});
    cc.on_enter_recovery(instant{}, 50 * mss);
    EXPECT_EQ(cc.ssthresh(), 35 * mss);
    cubic small(mss, instant{});
    small.on_enter_recovery(instant{}, 2 * mss);
    EXPECT_EQ(small.ssthresh(), 2 * mss);
    EXPECT_EQ(small.cwnd(), 2 * mss);
}

TEST(tcp_rfc9438, s4_2_window_follows_w_cubic_of_t) {
    flow f{cubic(mss, instant{}), instant{}, 100ms};
    f.grow_then_lose(1000);
    ASSERT_EQ(f.cc.cwnd(), 700 * mss);
    const instant epoch = f.now;  // first ACK after recovery starts the avoidance stage
    const double w_max = 1000;
    const double cwnd_epoch = 700;
    // K = cbrt(300 / 0.4) ~ 9.09 s: concave below K, W_max at K, convex after.
    f.run_rtt();
    ASSERT_TRUE(f.cc.k_seconds().has_value());
    EXPECT_NEAR(*f.cc.k_seconds(), std::cbrt(300.0 / 0.4), 1e-9);
    for (const double at : {1.0, 3.0, 6.0, 9.0, 10.0, 12.0}) {
        f.run_until(epoch +
                    std::chrono::duration_cast<duration>(std::chrono::duration<double>(at)));
        const double t = to_seconds(f.now - epoch);
        const double expected = rfc_w_cubic(t, w_max, cwnd_epoch);
        // cwnd aims one RTT ahead (target = W_cubic(t + RTT)) and gets there over that RTT, so
        // at the end of each round trip it sits on W_cubic(t); measured error is < 0.2 segment.
        EXPECT_NEAR(segments(f.cc), expected, 1.0) << "t = " << t;
    }
    // Past K the window probes above W_max (convex region).
    EXPECT_GT(segments(f.cc), w_max);
}

TEST(tcp_rfc9438, s4_3_reno_friendly_region_takes_over_at_small_rtt_and_window) {
    // Small window and 1 ms RTT: W_cubic(t) barely moves within 100 ms (K ~ 2.47 s) while the
    // Reno estimate gains about alpha_cubic segments per RTT.
    flow f{cubic(mss, instant{}), instant{}, 1ms};
    f.grow_then_lose(20);
    ASSERT_EQ(f.cc.cwnd(), 14 * mss);
    const instant epoch = f.now;
    const double alpha_cubic = 3.0 * (1.0 - 0.7) / (1.0 + 0.7);
    // Phase 1: W_est below cwnd_prior (20): growth ~ alpha_cubic per RTT.
    f.run_rtt();
    const double start = segments(f.cc);
    for (int i = 0; i < 5; ++i) {
        f.run_rtt();
    }
    EXPECT_NEAR((segments(f.cc) - start) / 5, alpha_cubic, 0.15);
    // Phase 2: once W_est >= cwnd_prior the sender "SHOULD set alpha_cubic to 1": Reno's
    // one segment per RTT.
    f.run_until(epoch + 50ms);
    const double mid = segments(f.cc);
    for (int i = 0; i < 20; ++i) {
        f.run_rtt();
    }
    EXPECT_NEAR((segments(f.cc) - mid) / 20, 1.0, 0.15);
    // And the window is far above what the cubic function alone would give.
    const double t = to_seconds(f.now - epoch);
    EXPECT_GT(segments(f.cc), rfc_w_cubic(t, 20, 14) + 20);
    EXPECT_NEAR(f.cc.w_est_segments(), segments(f.cc), 1.0);
}

TEST(tcp_rfc9438, s4_7_fast_convergence_lowers_w_max) {
    flow f{cubic(mss, instant{}), instant{}, 100ms};
    f.grow_then_lose(100);
    ASSERT_DOUBLE_EQ(f.cc.w_max_segments(), 100.0);
    // Lose again before regaining W_max: W_max = cwnd * (1 + beta) / 2.
    f.run_rtt();
    const double cwnd = static_cast<double>(f.cc.cwnd()) / mss;
    ASSERT_LT(cwnd, 100.0);
    f.cc.on_enter_recovery(f.now, f.cc.cwnd());
    EXPECT_NEAR(f.cc.w_max_segments(), cwnd * 1.7 / 2, 1.7 / 2 / mss);  // cwnd() drops < 1 byte
    EXPECT_LT(f.cc.w_max_segments(), cwnd);
}

TEST(tcp_rfc9438, s4_7_no_fast_convergence_when_above_w_max) {
    flow f{cubic(mss, instant{}), instant{}, 100ms};
    f.grow_then_lose(10);
    f.run_until(f.now + 5s);  // well past K: cwnd > W_max
    const double cwnd = static_cast<double>(f.cc.cwnd()) / mss;
    ASSERT_GT(cwnd, 10.0);
    f.cc.on_enter_recovery(f.now, f.cc.cwnd());
    EXPECT_NEAR(f.cc.w_max_segments(), cwnd, 1.0 / mss);
}

TEST(tcp_rfc9438, s4_8_timeout_sets_cwnd_one_mss_and_restarts_with_k_zero) {
    flow f{cubic(mss, instant{}), instant{}, 100ms};
    f.grow_then_lose(100);
    f.run_rtt();
    f.cc.on_rto(f.now, 60 * mss);
    EXPECT_EQ(f.cc.cwnd(), mss);
    EXPECT_EQ(f.cc.ssthresh(), 42 * mss);  // flight_size * beta_cubic
    // Slow start (RFC 3465 L = 1 MSS after RTO) up to ssthresh, then avoidance with K = 0 and
    // W_max = cwnd at the start of the stage.
    while (f.cc.cwnd() < f.cc.ssthresh()) {
        f.run_rtt();
    }
    f.run_rtt();
    ASSERT_TRUE(f.cc.k_seconds().has_value());
    EXPECT_EQ(*f.cc.k_seconds(), 0.0);
    EXPECT_DOUBLE_EQ(f.cc.w_max_segments(), 42.0);
}

TEST(tcp_rfc9438, s5_8_app_limited_acks_neither_grow_cwnd_nor_advance_t) {
    flow f{cubic(mss, instant{}), instant{}, 100ms};
    f.grow_then_lose(100);
    f.run_rtt();
    const std::uint32_t before = f.cc.cwnd();
    for (int i = 0; i < 50; ++i) {
        f.now += 100ms;
        f.cc.on_ack(ack_event{.now = f.now,
                              .bytes_acked = mss,
                              .bytes_in_flight = mss,
                              .rtt = 100ms,
                              .app_limited = true});
    }
    EXPECT_EQ(f.cc.cwnd(), before);
    // 5 s passed app-limited; the next RTT grows as if they had not (t still ~0.2 s): at most
    // the early concave slope of ~10 segments per RTT, not the convex jump at t ~ 5 s.
    f.run_rtt();
    EXPECT_LT(f.cc.cwnd(), before + 15 * mss);
}

TEST(tcp_rfc9438, s4_10_slow_start_doubles_per_rtt) {
    flow f{cubic(mss, instant{}), instant{}, 100ms};
    for (std::uint32_t round = 1; round <= 4; ++round) {
        f.run_rtt();
        EXPECT_EQ(f.cc.cwnd(), (4 * mss) << round);
    }
}

TEST(tcp_rfc9438, s5_8_idle_shorter_than_rto_is_excluded_from_t) {
    // Two identical flows; one pauses 800 ms (below its 1 s RTO) mid-epoch. Afterwards it must
    // be where the other was 800 ms earlier, not 800 ms further up the cubic curve.
    flow busy{cubic(mss, instant{}), instant{}, 100ms};
    flow idle{cubic(mss, instant{}), instant{}, 100ms};
    busy.grow_then_lose(1000);
    idle.grow_then_lose(1000);
    const instant epoch = busy.now;
    busy.run_until(epoch + 2s);
    idle.run_until(epoch + 2s);
    ASSERT_EQ(busy.cc.cwnd(), idle.cc.cwnd());
    idle.cc.on_idle(idle.now, 800ms, 1s);
    idle.now += 800ms;
    busy.run_until(epoch + 3s);
    idle.run_until(epoch + 3800ms);
    const double expected = rfc_w_cubic(to_seconds(busy.now - epoch), 1000, 700);
    EXPECT_NEAR(segments(busy.cc), expected, 1.0);
    EXPECT_NEAR(segments(idle.cc), segments(busy.cc), 1.0);
}

TEST(tcp_cubic, idle_longer_than_rto_restarts_from_initial_window) {
    flow f{cubic(mss, instant{}), instant{}, 100ms};
    f.grow_then_lose(100);
    f.cc.on_idle(f.now, 3s, 1s);
    EXPECT_EQ(f.cc.cwnd(), initial_window(mss));
}

}  // namespace
}  // namespace netrig::core::tcp
