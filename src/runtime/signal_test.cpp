// SPDX-License-Identifier: MIT
#include "runtime/signal.hpp"

#include <pthread.h>
#include <signal.h>

#include <gtest/gtest.h>

#include "runtime/executor.hpp"
#include "runtime/sleep.hpp"
#include "runtime/task_group.hpp"

namespace netrig::runtime {
namespace {

using namespace std::chrono_literals;

task<void> raise_later(int sig) {
    (void)co_await sleep_for(2ms);
    ::raise(sig);
}

task<result<int, std::error_code>> raise_and_wait(int sig) {
    task_group g;
    g.spawn(raise_later(sig));
    // GCC 12 rejects a braced list inside a co_await expression ("array used as
    // initializer"): build the task in its own statement.
    task<result<int, std::error_code>> waiting = wait_for_signal({SIGINT, SIGTERM});
    auto r = co_await std::move(waiting);
    co_await g.join();
    co_return r;
}

void block(int sig) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &set, nullptr), 0);
}

TEST(signal, sigterm_to_self_is_received) {
    block(SIGTERM);
    executor ex;
    auto r = ex.run(raise_and_wait(SIGTERM));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, SIGTERM);
    EXPECT_EQ(ex.watched_fd_count(), 0U);  // the signalfd was forgotten and closed
}

TEST(signal, pending_signal_is_received_at_once) {
    block(SIGINT);
    ::raise(SIGINT);  // pending while blocked
    executor ex;
    auto r = ex.run(wait_for_signal({SIGINT}));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, SIGINT);
}

task<result<int, std::error_code>> cancelled_wait() {
    task_group g;
    result<int, std::error_code> out = 0;
    g.spawn([](result<int, std::error_code>* o) -> task<void> {
        task<result<int, std::error_code>> waiting = wait_for_signal({SIGUSR1});
        *o = co_await std::move(waiting);
    }(&out));
    (void)co_await sleep_for(1ms);
    g.cancel();
    co_await g.join();
    co_return out;
}

TEST(signal, wait_is_cancellable) {
    executor ex;
    auto r = ex.run(cancelled_wait());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), std::errc::operation_canceled);
    EXPECT_EQ(ex.watched_fd_count(), 0U);
}

}  // namespace
}  // namespace netrig::runtime
