// SPDX-License-Identifier: MIT
#include "runtime/sim_executor.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/rng.hpp"
#include "runtime/poll.hpp"
#include "runtime/sleep.hpp"
#include "runtime/task_group.hpp"
#include "runtime/timeout.hpp"

namespace netrig::runtime {
namespace {

using namespace std::chrono_literals;

struct trace {
    std::vector<std::string> lines;
    void add(int id, int step) {
        lines.push_back(std::to_string(now().since_zero().count()) + " " + std::to_string(id) +
                        " " + std::to_string(step));
    }
};

task<result<void, std::error_code>> jittery(std::uint64_t seed, duration d) {
    rng r(seed);
    co_return co_await sleep_for(d + duration{r.below(3)});
}

task<void> worker(int id, std::uint64_t seed, trace* t) {
    rng r(seed);
    for (int step = 0; step < 20; ++step) {
        switch (r.below(4)) {
            case 0:
                (void)co_await sleep_for(std::chrono::microseconds(r.below(100)));
                break;
            case 1:
                (void)co_await yield();
                break;
            case 2:
                // Equal deadlines on purpose: ties must resolve in registration order.
                (void)co_await sleep_until(instant{std::chrono::microseconds(
                    (now().since_zero().count() / 1000 / 50 + 1) * 50)});
                break;
            default:
                (void)co_await with_timeout(std::chrono::microseconds(r.below(50)),
                                            jittery(r(), std::chrono::microseconds(r.below(50))));
                break;
        }
        t->add(id, step);
    }
}

task<void> program(std::uint64_t seed, int workers, trace* t) {
    rng r(seed);
    task_group g;
    for (int i = 0; i < workers; ++i) {
        g.spawn(worker(i, r(), t));
    }
    co_await g.join();
}

TEST(sim_executor, same_program_same_trace) {
    trace a;
    trace b;
    instant end_a{};
    {
        sim_executor ex;
        ex.run(program(42, 2000, &a));
        end_a = ex.now();
    }
    {
        sim_executor ex;
        ex.run(program(42, 2000, &b));
        EXPECT_EQ(ex.now(), end_a);
    }
    ASSERT_EQ(a.lines.size(), 2000U * 20U);
    EXPECT_EQ(a.lines, b.lines);
    // A different seed gives a different interleaving (the trace is not trivially constant).
    trace c;
    {
        sim_executor ex;
        ex.run(program(43, 2000, &c));
    }
    EXPECT_NE(a.lines, c.lines);
}

task<void> hour_of_sleeps(int* wakeups) {
    for (int i = 0; i < 3600; ++i) {
        auto r = co_await sleep_for(1s);
        EXPECT_TRUE(r.has_value());
        ++*wakeups;
    }
}

TEST(sim_executor, virtual_time_jumps) {
    sim_executor ex;
    int wakeups = 0;
    ex.run(hour_of_sleeps(&wakeups));
    EXPECT_EQ(wakeups, 3600);
    EXPECT_EQ(ex.now(), instant{1h});  // exactly: virtual time only jumps to deadlines
}

task<std::vector<int>> ordered_ties() {
    std::vector<int> order;
    task_group g;
    for (int i = 0; i < 5; ++i) {
        g.spawn([](int id, std::vector<int>* out) -> task<void> {
            (void)co_await sleep_until(instant{10ms});
            out->push_back(id);
        }(i, &order));
    }
    co_await g.join();
    co_return order;
}

TEST(sim_executor, equal_deadlines_fire_in_registration_order) {
    sim_executor ex;
    EXPECT_EQ(ex.run(ordered_ties()), (std::vector<int>{0, 1, 2, 3, 4}));
}

task<void> sleep_past(instant* woke) {
    (void)co_await sleep_for(5ms);
    (void)co_await sleep_until(instant{1ms});  // already past: next turn, time stays
    *woke = now();
}

TEST(sim_executor, past_deadline_does_not_move_time_back) {
    sim_executor ex;
    instant woke{};
    ex.run(sleep_past(&woke));
    EXPECT_EQ(woke, instant{5ms});
}

struct tick_handler final : poll_handler {
    void on_poll(poll_events ev) override {
        ASSERT_TRUE(ev.deadline);
        ticks.push_back(now());
        if (ticks.size() < 3) {
            reg->set_deadline(now() + 10ms);
        }
    }
    poll_registration* reg = nullptr;
    std::vector<instant> ticks;
};

task<void> wait_for(duration d) { (void)co_await sleep_for(d); }

TEST(sim_executor, deadline_only_poll_registration) {
    sim_executor ex;
    tick_handler h;
    poll_registration reg(-1, poll_interest{}, h);
    h.reg = &reg;
    reg.set_deadline(instant{10ms});
    ex.run(wait_for(100ms));
    EXPECT_EQ(h.ticks, (std::vector<instant>{instant{10ms}, instant{20ms}, instant{30ms}}));
}

TEST(sim_executor, spawned_tasks_run_and_are_cancelled_on_destruction) {
    int done = 0;
    {
        sim_executor ex;
        ex.spawn([](int* d) -> task<void> {
            (void)co_await sleep_for(1ms);
            ++*d;
        }(&done));
        ex.spawn([](int* d) -> task<void> {
            auto r = co_await sleep_for(1h);
            EXPECT_FALSE(r.has_value());
            *d += 10;
        }(&done));
        ex.run(wait_for(2ms));
        EXPECT_EQ(done, 1);
        EXPECT_EQ(ex.spawned_count(), 1U);
    }
    EXPECT_EQ(done, 11);  // the hour sleeper was cancelled and finished
}

}  // namespace
}  // namespace netrig::runtime
