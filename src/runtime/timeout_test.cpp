// SPDX-License-Identifier: MIT
#include "runtime/timeout.hpp"

#include <gtest/gtest.h>

#include "runtime/executor.hpp"
#include "runtime/sim_executor.hpp"
#include "runtime/sleep.hpp"

namespace netrig::runtime {
namespace {

using namespace std::chrono_literals;

task<result<int, std::error_code>> value_after(duration d, int v) {
    auto r = co_await sleep_for(d);
    if (!r) {
        co_return unexpected<std::error_code>(r.error());
    }
    co_return v;
}

task<result<void, std::error_code>> void_after(duration d) { co_return co_await sleep_for(d); }

task<result<int, std::error_code>> ignores_cancel(duration d) {
    // Finishes with a value although cancelled: the value must not be replaced by timed_out.
    (void)co_await sleep_for(d);
    co_return 7;
}

TEST(with_timeout, fires) {
    sim_executor ex;
    auto r = ex.run(with_timeout(10ms, value_after(1h, 1)));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), std::errc::timed_out);
    EXPECT_EQ(ex.now(), instant{10ms});  // cancelled at the deadline, not after the hour
}

TEST(with_timeout, does_not_fire) {
    sim_executor ex;
    auto r = ex.run(with_timeout(10ms, value_after(3ms, 5)));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, 5);
    EXPECT_EQ(ex.now(), instant{3ms});
    // The disarmed deadline does not keep the loop busy later.
    auto v = ex.run(void_after(1ms));
    EXPECT_TRUE(v.has_value());
    EXPECT_EQ(ex.now(), instant{4ms});
}

TEST(with_timeout, inner_finishing_at_the_deadline_wins) {
    // The deadline is a `late` timer, so a sleep of exactly d completes first.
    sim_executor ex;
    auto r = ex.run(with_timeout(10ms, value_after(10ms, 9)));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, 9);
    auto v = ex.run(with_timeout(10ms, void_after(10ms)));
    EXPECT_TRUE(v.has_value());
}

TEST(with_timeout, void_result_times_out) {
    sim_executor ex;
    auto v = ex.run(with_timeout(1ms, void_after(2ms)));
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error(), std::errc::timed_out);
}

TEST(with_timeout, value_returned_after_cancel_is_kept) {
    sim_executor ex;
    auto r = ex.run(with_timeout(1ms, ignores_cancel(1h)));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, 7);
}

task<result<int, std::error_code>> nested_timeouts() {
    // The inner, shorter timeout fires first; the outer one does not.
    co_return co_await with_timeout(1s, with_timeout(5ms, value_after(1h, 1)));
}

TEST(with_timeout, nested) {
    sim_executor ex;
    auto r = ex.run(nested_timeouts());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), std::errc::timed_out);
    EXPECT_EQ(ex.now(), instant{5ms});
}

TEST(with_timeout, real_executor) {
    executor ex;
    const instant start = ex.now();
    auto r = ex.run(with_timeout(5ms, value_after(1h, 1)));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), std::errc::timed_out);
    EXPECT_GE(ex.now() - start, duration{5ms});
    auto ok = ex.run(with_timeout(1s, value_after(1ms, 3)));
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(*ok, 3);
}

}  // namespace
}  // namespace netrig::runtime
