// SPDX-License-Identifier: MIT
#include "runtime/task_group.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "runtime/executor.hpp"
#include "runtime/sim_executor.hpp"
#include "runtime/sleep.hpp"

namespace netrig::runtime {
namespace {

using namespace std::chrono_literals;

task<void> sleeper(duration d, int* done, int* canceled) {
    auto r = co_await sleep_for(d);
    if (r) {
        ++*done;
    } else {
        EXPECT_EQ(r.error(), std::errc::operation_canceled);
        ++*canceled;
    }
}

task<void> three_concurrent(int* done, int* canceled) {
    task_group g;
    g.spawn(sleeper(10ms, done, canceled));
    g.spawn(sleeper(10ms, done, canceled));
    g.spawn(sleeper(10ms, done, canceled));
    EXPECT_EQ(g.size(), 3U);
    co_await g.join();
    EXPECT_EQ(g.size(), 0U);
}

TEST(task_group, children_run_concurrently_and_join_waits) {
    sim_executor ex;
    int done = 0;
    int canceled = 0;
    ex.run(three_concurrent(&done, &canceled));
    EXPECT_EQ(done, 3);
    EXPECT_EQ(canceled, 0);
    // Concurrent: three 10 ms sleeps take 10 ms, not 30.
    EXPECT_EQ(ex.now(), instant{10ms});
}

task<void> cancel_mid_flight(int* done, int* canceled) {
    task_group g;
    g.spawn(sleeper(1ms, done, canceled));
    g.spawn(sleeper(1h, done, canceled));
    g.spawn(sleeper(2h, done, canceled));
    (void)co_await sleep_for(5ms);
    g.cancel();
    co_await g.join();
}

TEST(task_group, cancel_mid_flight) {
    sim_executor ex;
    int done = 0;
    int canceled = 0;
    ex.run(cancel_mid_flight(&done, &canceled));
    EXPECT_EQ(done, 1);
    EXPECT_EQ(canceled, 2);
    EXPECT_EQ(ex.now(), instant{5ms});
}

task<void> joiner(int* done, int* canceled, bool* join_returned) {
    task_group g;
    g.spawn(sleeper(1h, done, canceled));
    g.spawn(sleeper(2ms, done, canceled));
    co_await g.join();
    *join_returned = true;
}

task<void> cancel_parent_while_joining(int* done, int* canceled, bool* join_returned) {
    task_group outer;
    outer.spawn(joiner(done, canceled, join_returned));
    (void)co_await sleep_for(5ms);
    outer.cancel();  // the joiner is inside join(): its children get cancelled, and awaited
    co_await outer.join();
}

TEST(task_group, parent_cancelled_while_joining) {
    sim_executor ex;
    int done = 0;
    int canceled = 0;
    bool join_returned = false;
    ex.run(cancel_parent_while_joining(&done, &canceled, &join_returned));
    EXPECT_EQ(done, 1);
    EXPECT_EQ(canceled, 1);
    EXPECT_TRUE(join_returned);
    EXPECT_EQ(ex.now(), instant{5ms});
}

task<void> reuse_after_join(int* done, int* canceled) {
    task_group g;
    g.spawn(sleeper(1h, done, canceled));
    g.cancel();
    co_await g.join();
    // join() resets the stop state: new children run normally.
    g.spawn(sleeper(1ms, done, canceled));
    co_await g.join();
}

TEST(task_group, reusable_after_join) {
    sim_executor ex;
    int done = 0;
    int canceled = 0;
    ex.run(reuse_after_join(&done, &canceled));
    EXPECT_EQ(done, 1);
    EXPECT_EQ(canceled, 1);
}

task<void> empty_join() {
    task_group g;
    co_await g.join();
}

TEST(task_group, join_of_empty_group_returns_at_once) {
    sim_executor ex;
    ex.run(empty_join());
    EXPECT_EQ(ex.now(), instant{});
}

task<void> many(int n, int* done, int* canceled) {
    task_group g;
    for (int i = 0; i < n; ++i) {
        g.spawn(sleeper(std::chrono::microseconds(1 + (i * 7919) % 5000), done, canceled));
    }
    co_await g.join();
}

TEST(task_group, ten_thousand_tasks_with_timers_on_executor) {
    executor ex;
    int done = 0;
    int canceled = 0;
    ex.run(many(20'000, &done, &canceled));
    EXPECT_EQ(done, 20'000);
    EXPECT_EQ(canceled, 0);
}

TEST(task_group, ten_thousand_tasks_with_timers_on_sim) {
    sim_executor ex;
    int done = 0;
    int canceled = 0;
    ex.run(many(20'000, &done, &canceled));
    EXPECT_EQ(done, 20'000);
    EXPECT_EQ(ex.now(), instant{5000us});  // the longest sleep is 5000 us
}

}  // namespace
}  // namespace netrig::runtime
