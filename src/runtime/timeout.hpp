// SPDX-License-Identifier: MIT
// runtime: running a task under a deadline.
#pragma once

#include <stop_token>
#include <system_error>
#include <utility>

#include "base/result.hpp"
#include "base/time.hpp"
#include "runtime/cancel.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/task.hpp"
#include "runtime/timer_queue.hpp"

namespace netrig::runtime {
namespace detail {

/// The deadline of one with_timeout: cancels the inner task's stop source when it fires.
class timeout_timer final : public timer_node {
public:
    explicit timeout_timer(std::stop_source& inner) noexcept : inner_(inner) {}
    timeout_timer(const timeout_timer&) = delete;
    timeout_timer& operator=(const timeout_timer&) = delete;
    ~timeout_timer() override = default;
    void on_timer() override {
        fired_ = true;
        inner_.request_stop();
    }
    /// True if the deadline passed.
    [[nodiscard]] bool fired() const noexcept { return fired_; }

private:
    std::stop_source& inner_;
    bool fired_ = false;
};

}  // namespace detail

/// Runs t; if d elapses first, cancels t, waits for it to finish and returns
/// std::errc::timed_out. Rules:
/// - If t returns a value, that value is returned even if the deadline passed meanwhile (a
///   result that exists is never thrown away). If t returns an error after the deadline fired,
///   the error becomes timed_out.
/// - The deadline is a `late` timer: work finishing exactly at now() + d (a sleep of d inside t)
///   fires first and wins, deterministically.
/// - Cancelling the caller cancels t; then the result is t's (normally operation_canceled).
/// Works for T = void (result<void, std::error_code>).
template <class T>
task<result<T, std::error_code>> with_timeout(duration d, task<result<T, std::error_code>> t) {
    const std::stop_token parent = co_await current_stop_token();
    std::stop_source inner;
    const std::stop_callback<detail::forward_stop> link(parent, detail::forward_stop{&inner});
    detail::timeout_timer timer(inner);
    scheduler& sched = current();
    sched.schedule_timer(timer, sched.now() + d, timer_order::late);
    result<T, std::error_code> r =
        co_await detail::with_token_awaiter<result<T, std::error_code>>(t, inner.get_token());
    sched.cancel_timer(timer);
    if (!r.has_value() && timer.fired()) {
        co_return unexpected<std::error_code>(std::make_error_code(std::errc::timed_out));
    }
    co_return std::move(r);
}

}  // namespace netrig::runtime
