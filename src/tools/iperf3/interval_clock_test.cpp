// SPDX-License-Identifier: MIT
// interval_clock: iperf3's interval lines, omit period and final partial interval.
#include "tools/iperf3/interval_clock.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace netrig::tools::iperf3::detail {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

struct recorder {
    std::vector<std::pair<instant, instant>> lines;
    auto fn() {
        return [this](instant from, instant to) { lines.emplace_back(from, to); };
    }
};

instant at(milliseconds ms) { return instant{ms}; }

TEST(interval_clock, reports_once_per_period) {
    test_state t;
    t.start = at(milliseconds{0});
    interval_clock clock(seconds{1});
    clock.restart(t.start);
    recorder r;
    clock.advance(t, at(milliseconds{999}), r.fn());
    EXPECT_TRUE(r.lines.empty());
    EXPECT_EQ(clock.until_next(at(milliseconds{999})), milliseconds{1});
    clock.advance(t, at(milliseconds{1003}), r.fn());
    ASSERT_EQ(r.lines.size(), 1U);
    EXPECT_EQ(r.lines[0].first, at(milliseconds{0}));
    EXPECT_EQ(r.lines[0].second, at(milliseconds{1003}));
    // The schedule does not drift with late wake-ups: the next line is due at 2 s.
    EXPECT_EQ(clock.until_next(at(milliseconds{1003})), milliseconds{997});
    EXPECT_EQ(clock.last_tick(), at(milliseconds{1003}));
}

TEST(interval_clock, zero_period_prints_nothing) {
    test_state t;
    interval_clock clock(duration{0});
    clock.restart(t.start);
    recorder r;
    clock.advance(t, at(milliseconds{5000}), r.fn());
    clock.finish(t, at(milliseconds{6000}), r.fn());
    EXPECT_TRUE(r.lines.empty());
    EXPECT_GT(clock.until_next(at(milliseconds{6000})), seconds{3600});
}

TEST(interval_clock, omit_end_reports_last_omitted_interval_and_restarts) {
    test_state t;
    t.start = at(milliseconds{0});
    t.omitting = true;
    t.omit_end = at(milliseconds{1500});
    interval_clock clock(seconds{1});
    clock.restart(t.start);
    recorder r;
    clock.advance(t, at(milliseconds{1000}), r.fn());  // an omitted interval line
    clock.advance(t, at(milliseconds{1500}), r.fn());  // the omit period ends
    ASSERT_EQ(r.lines.size(), 2U);
    EXPECT_EQ(r.lines[1].first, at(milliseconds{1000}));
    EXPECT_EQ(r.lines[1].second, at(milliseconds{1500}));
    EXPECT_FALSE(t.omitting);
    EXPECT_EQ(t.start, at(milliseconds{1500}));
    EXPECT_EQ(clock.until_next(at(milliseconds{1500})), seconds{1});
}

TEST(interval_clock, final_partial_interval_only_when_over_a_tenth) {
    test_state t;
    t.start = at(milliseconds{0});
    interval_clock clock(seconds{1});
    clock.restart(t.start);
    recorder r;
    clock.advance(t, at(milliseconds{1000}), r.fn());
    clock.finish(t, at(milliseconds{1050}), r.fn());  // 50 ms: not printed
    EXPECT_EQ(r.lines.size(), 1U);
    clock.finish(t, at(milliseconds{1200}), r.fn());  // 200 ms: printed
    EXPECT_EQ(r.lines.size(), 2U);
}

TEST(interval_clock, final_interval_printed_when_none_yet) {
    test_state t;
    t.start = at(milliseconds{0});
    interval_clock clock(seconds{1});
    clock.restart(t.start);
    recorder r;
    clock.finish(t, at(milliseconds{50}), r.fn());
    ASSERT_EQ(r.lines.size(), 1U);
}

}  // namespace
}  // namespace netrig::tools::iperf3::detail
