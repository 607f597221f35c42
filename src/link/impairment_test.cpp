// SPDX-License-Identifier: MIT
// Tests of the impairment engine: every impairment, seeded and deterministic.
#include "link/impairment.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

using namespace std::chrono_literals;
using netrig::duration;
using netrig::instant;
using netrig::link::drop_reason;
using netrig::link::impairment_config;
using netrig::link::impairment_engine;
using netrig::link::parse_impairments;

namespace {

constexpr int frames = 100000;

TEST(impairment, none_passes_everything_at_once) {
    impairment_engine e({}, 1);
    for (int i = 0; i < 1000; ++i) {
        const instant now{duration{i}};
        const auto v = e.decide(now, 100);
        ASSERT_FALSE(v.dropped);
        ASSERT_EQ(v.count, 1);
        EXPECT_EQ(v.copies[0].arrival, now);
        EXPECT_FALSE(v.copies[0].flip_bit);
    }
}

TEST(impairment, loss_rate_within_tolerance) {
    impairment_engine e({.loss = 0.1}, 7);
    int lost = 0;
    for (int i = 0; i < frames; ++i) {
        const auto v = e.decide(instant{}, 100);
        if (v.dropped) {
            EXPECT_EQ(*v.dropped, drop_reason::loss);
            ++lost;
        }
    }
    // Binomial(1e5, 0.1): sd ~ 95 frames; 1% tolerance is > 10 sd.
    EXPECT_NEAR(lost / double(frames), 0.1, 0.01);
}

// Mean length of runs of consecutive losses.
double mean_loss_run(impairment_engine& e, double* rate) {
    int lost = 0;
    int runs = 0;
    bool previous = false;
    for (int i = 0; i < frames; ++i) {
        const bool now_lost = e.decide(instant{}, 100).dropped.has_value();
        lost += now_lost;
        runs += (now_lost && !previous);
        previous = now_lost;
    }
    *rate = lost / double(frames);
    return runs == 0 ? 0.0 : lost / double(runs);
}

TEST(impairment, gilbert_elliott_losses_come_in_bursts) {
    // p = 1%, r = 25%, loss only in the bad state: mean burst 1/r = 4 frames, stationary loss
    // p / (p + r) ~ 3.85%.
    impairment_engine ge({.burst = {.p_good_to_bad = 0.01,
                                    .p_bad_to_good = 0.25,
                                    .loss_good = 0.0,
                                    .loss_bad = 1.0}},
                         3);
    double ge_rate = 0;
    const double ge_run = mean_loss_run(ge, &ge_rate);
    EXPECT_NEAR(ge_rate, 0.01 / 0.26, 0.008);
    EXPECT_NEAR(ge_run, 4.0, 0.6);

    // Bernoulli loss at the same rate has runs of ~1 / (1 - rate) ~ 1.04.
    impairment_engine bern({.loss = ge_rate}, 3);
    double bern_rate = 0;
    const double bern_run = mean_loss_run(bern, &bern_rate);
    EXPECT_LT(bern_run, 1.2);
    EXPECT_GT(ge_run, 3 * bern_run);
}

TEST(impairment, gilbert_elliott_drop_reason_is_burst_loss) {
    impairment_engine e({.burst = {.p_good_to_bad = 1.0, .p_bad_to_good = 0.0}}, 1);
    const auto v = e.decide(instant{}, 64);
    ASSERT_TRUE(v.dropped);
    EXPECT_EQ(*v.dropped, drop_reason::burst_loss);
    EXPECT_TRUE(e.in_bad_state());
}

TEST(impairment, duplication_rate_and_copies_identical_in_time) {
    impairment_engine e({.duplicate = 0.2, .delay = 5ms}, 11);
    int dups = 0;
    for (int i = 0; i < frames; ++i) {
        const auto v = e.decide(instant{}, 100);
        ASSERT_FALSE(v.dropped);
        if (v.count == 2) {
            ++dups;
            EXPECT_EQ(v.copies[0].arrival, v.copies[1].arrival);
        }
    }
    EXPECT_NEAR(dups / double(frames), 0.2, 0.01);
}

TEST(impairment, reorder_holds_back_some_frames_so_later_ones_pass) {
    impairment_engine e({.reorder = 0.1, .reorder_delay = 5ms, .delay = 1ms}, 5);
    int held = 0;
    int overtaken = 0;
    instant latest{};
    for (int i = 0; i < 10000; ++i) {
        const instant now{std::chrono::milliseconds(i)};
        const auto v = e.decide(now, 100);
        ASSERT_EQ(v.count, 1);
        const duration d = v.copies[0].arrival - now;
        ASSERT_TRUE(d == 1ms || d == 6ms) << d.count();
        held += (d == 6ms);
        // A frame sent every 1 ms but held 5 ms arrives after the next 4 frames.
        overtaken += (v.copies[0].arrival < latest);
        latest = std::max(latest, v.copies[0].arrival);
    }
    EXPECT_NEAR(held / 10000.0, 0.1, 0.015);
    EXPECT_GT(overtaken, 500);  // non-held frames sent after a held one overtake it
}

TEST(impairment, jitter_stays_within_bounds_and_spans_them) {
    impairment_engine e({.delay = 10ms, .jitter = 2ms}, 9);
    duration lo = duration::max();
    duration hi = duration::min();
    for (int i = 0; i < frames; ++i) {
        const instant now{std::chrono::microseconds(i)};
        const auto v = e.decide(now, 100);
        const duration d = v.copies[0].arrival - now;
        ASSERT_GE(d, 10ms);
        ASSERT_LE(d, 12ms);
        lo = std::min(lo, d);
        hi = std::max(hi, d);
    }
    EXPECT_LT(lo, 10ms + 20us);
    EXPECT_GT(hi, 12ms - 20us);
}

TEST(impairment, corruption_picks_a_bit_inside_the_frame) {
    impairment_engine e({.corrupt = 0.5}, 13);
    int corrupted = 0;
    for (int i = 0; i < 10000; ++i) {
        const auto v = e.decide(instant{}, 60);
        if (v.copies[0].flip_bit) {
            ++corrupted;
            EXPECT_LT(*v.copies[0].flip_bit, 60U * 8U);
        }
    }
    EXPECT_NEAR(corrupted / 10000.0, 0.5, 0.03);
}

TEST(impairment, bandwidth_limit_spaces_frames_in_virtual_time) {
    // 8 Mbit/s = 1 byte per microsecond: a 1000-byte frame takes exactly 1 ms to serialise.
    impairment_engine e({.delay = 2ms, .rate_bits_per_second = 8'000'000}, 1);
    for (int i = 0; i < 5; ++i) {
        const auto v = e.decide(instant{}, 1000);
        ASSERT_EQ(v.count, 1);
        EXPECT_EQ(v.copies[0].arrival, instant{2ms + std::chrono::milliseconds(i + 1)});
    }
    // An idle link: a frame offered after the backlog drained leaves 1 ms after it is offered.
    const auto late = e.decide(instant{100ms}, 1000);
    EXPECT_EQ(late.copies[0].arrival, instant{103ms});
}

TEST(impairment, drop_tail_queue_drops_when_backlog_full) {
    impairment_engine e({.rate_bits_per_second = 8'000'000, .queue_bytes = 3000}, 1);
    int accepted = 0;
    int dropped = 0;
    for (int i = 0; i < 10; ++i) {
        const auto v = e.decide(instant{}, 1000);
        if (v.dropped) {
            EXPECT_EQ(*v.dropped, drop_reason::queue_full);
            ++dropped;
        } else {
            ++accepted;
        }
    }
    EXPECT_EQ(accepted, 3);
    EXPECT_EQ(dropped, 7);
    // After 1 ms one frame has drained, so exactly one more fits.
    EXPECT_FALSE(e.decide(instant{1ms}, 1000).dropped);
    EXPECT_TRUE(e.decide(instant{1ms}, 1000).dropped);
}

TEST(impairment, mtu_drops_oversize_frames) {
    impairment_engine e({.max_frame_bytes = 1514}, 1);
    EXPECT_FALSE(e.decide(instant{}, 1514).dropped);
    const auto v = e.decide(instant{}, 1515);
    ASSERT_TRUE(v.dropped);
    EXPECT_EQ(*v.dropped, drop_reason::oversize);
}

std::vector<std::int64_t> trace(std::uint64_t seed) {
    impairment_engine e({.loss = 0.05,
                         .burst = {.p_good_to_bad = 0.01, .p_bad_to_good = 0.3},
                         .duplicate = 0.05,
                         .reorder = 0.05,
                         .reorder_delay = 3ms,
                         .delay = 1ms,
                         .jitter = 500us,
                         .corrupt = 0.05,
                         .rate_bits_per_second = 100'000'000,
                         .queue_bytes = 30000},
                        seed);
    std::vector<std::int64_t> out;
    for (int i = 0; i < 5000; ++i) {
        const auto v = e.decide(instant{std::chrono::microseconds(i * 50)}, 64 + i % 1400);
        out.push_back(v.dropped ? -1 - static_cast<int>(*v.dropped) : v.count);
        for (int c = 0; c < v.count; ++c) {
            out.push_back(v.copies[c].arrival.since_zero().count());
            out.push_back(v.copies[c].flip_bit ? *v.copies[c].flip_bit : -1);
        }
    }
    return out;
}

TEST(impairment, same_seed_same_trace_other_seed_other_trace) {
    EXPECT_EQ(trace(42), trace(42));
    EXPECT_NE(trace(42), trace(43));
}

TEST(impairment_parse, full_list) {
    const auto c = parse_impairments(
        "loss=1%,delay=10ms,jitter=2ms,rate=10mbit,queue=64k,dup=0.5%,reorder=1%,"
        "reorder_delay=5ms,corrupt=0.001,burst=1%:30%,mtu=1514");
    ASSERT_TRUE(c) << c.error();
    EXPECT_DOUBLE_EQ(c->loss, 0.01);
    EXPECT_EQ(c->delay, 10ms);
    EXPECT_EQ(c->jitter, 2ms);
    EXPECT_EQ(c->rate_bits_per_second, 10'000'000U);
    EXPECT_EQ(c->queue_bytes, 64'000U);
    EXPECT_DOUBLE_EQ(c->duplicate, 0.005);
    EXPECT_DOUBLE_EQ(c->reorder, 0.01);
    EXPECT_EQ(c->reorder_delay, 5ms);
    EXPECT_DOUBLE_EQ(c->corrupt, 0.001);
    EXPECT_DOUBLE_EQ(c->burst.p_good_to_bad, 0.01);
    EXPECT_DOUBLE_EQ(c->burst.p_bad_to_good, 0.3);
    EXPECT_EQ(c->max_frame_bytes, 1514U);
    EXPECT_TRUE(parse_impairments("")->is_none());
}

TEST(impairment_parse, errors_in_plain_words) {
    EXPECT_NE(parse_impairments("loss=2").error().find("above 100%"), std::string::npos);
    EXPECT_NE(parse_impairments("delay=10").error().find("unit"), std::string::npos);
    EXPECT_NE(parse_impairments("foo=1").error().find("unknown impairment"), std::string::npos);
    EXPECT_NE(parse_impairments("loss").error().find("key=value"), std::string::npos);
    EXPECT_NE(parse_impairments("reorder=1%").error().find("reorder_delay"), std::string::npos);
    EXPECT_FALSE(parse_impairments("loss=-1%"));
}

}  // namespace

namespace {

// The no-impairment fast path consumes no randomness and leaves the rate-limit state alone:
// an engine that passes through a phase with only an MTU limit continues with exactly the
// verdicts of one that never had that phase (as the full per-frame steps would give).
TEST(impairment, passthrough_phase_leaves_rng_and_queue_state_untouched) {
    const impairment_config impaired{.loss = 0.05,
                                     .duplicate = 0.05,
                                     .reorder = 0.1,
                                     .reorder_delay = 2ms,
                                     .delay = 1ms,
                                     .jitter = 300us,
                                     .corrupt = 0.05,
                                     .rate_bits_per_second = 50'000'000,
                                     .queue_bytes = 20000};
    impairment_engine with_pause(impaired, 77);
    impairment_engine without(impaired, 77);
    const auto same = [](const netrig::link::verdict& a, const netrig::link::verdict& b) {
        if (a.dropped != b.dropped || a.count != b.count) {
            return false;
        }
        for (int c = 0; c < a.count; ++c) {
            if (a.copies[c].arrival != b.copies[c].arrival ||
                a.copies[c].flip_bit != b.copies[c].flip_bit) {
                return false;
            }
        }
        return true;
    };
    for (int i = 0; i < 2000; ++i) {
        const instant now{std::chrono::microseconds(i * 40)};
        ASSERT_TRUE(same(with_pause.decide(now, 600), without.decide(now, 600))) << i;
    }
    with_pause.reconfigure({.max_frame_bytes = 1514});
    for (int i = 0; i < 2000; ++i) {
        const instant now{std::chrono::milliseconds(100) + std::chrono::microseconds(i)};
        const auto v = with_pause.decide(now, 1514 + static_cast<std::size_t>(i % 2));
        if (i % 2 == 0) {
            ASSERT_FALSE(v.dropped);
            ASSERT_EQ(v.count, 1);
            EXPECT_EQ(v.copies[0].arrival, now);
            EXPECT_FALSE(v.copies[0].flip_bit);
        } else {
            ASSERT_EQ(v.dropped, drop_reason::oversize);
            ASSERT_EQ(v.count, 0);
        }
    }
    with_pause.reconfigure(impaired);
    for (int i = 0; i < 2000; ++i) {
        const instant now{std::chrono::milliseconds(200) + std::chrono::microseconds(i * 40)};
        ASSERT_TRUE(same(with_pause.decide(now, 600), without.decide(now, 600))) << i;
    }
}

}  // namespace
