// SPDX-License-Identifier: MIT
// runtime: sleeping and yielding, on either executor (real or virtual time).
#pragma once

#include <coroutine>
#include <optional>
#include <stop_token>
#include <system_error>

#include "base/result.hpp"
#include "base/time.hpp"
#include "runtime/cancel.hpp"
#include "runtime/one_shot_wait.hpp"
#include "runtime/scheduler.hpp"

namespace netrig::runtime {

/// Awaitable that completes at a deadline. co_await yields an empty result at (or after) the
/// deadline, or operation_canceled as soon as the awaiting task is cancelled. A deadline that
/// has passed still suspends until the next loop turn (so sleeps are fair points to yield).
class [[nodiscard]] sleep_awaitable final : private timer_node,
                                            public detail::one_shot_wait<sleep_awaitable> {
public:
    /// Prepares a sleep until deadline; the timer is armed when awaited.
    explicit sleep_awaitable(instant deadline) noexcept : until_(deadline) {}
    sleep_awaitable(const sleep_awaitable&) = delete;
    sleep_awaitable& operator=(const sleep_awaitable&) = delete;
    ~sleep_awaitable() override;

private:
    friend class detail::one_shot_wait<sleep_awaitable>;
    std::error_code arm();
    bool disarm() noexcept;
    void on_timer() override;

    instant until_;
};

/// Awaitable that reschedules the awaiting task behind everything already ready. co_await
/// yields an empty result, or operation_canceled if the task is (or becomes) cancelled.
class [[nodiscard]] yield_awaitable {
public:
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    template <detail::netrig_promise Promise>
    bool await_suspend(std::coroutine_handle<Promise> h) {
        token_ = h.promise().stop_token();
        if (token_.stop_requested()) {
            return false;
        }
        current().post(h);
        return true;
    }
    [[nodiscard]] result<void, std::error_code> await_resume() const noexcept {
        if (token_.stop_requested()) {
            return unexpected<std::error_code>(canceled_error());
        }
        return {};
    }

private:
    std::stop_token token_;
};

/// Sleeps until now() + d (see sleep_awaitable).
[[nodiscard]] inline sleep_awaitable sleep_for(duration d) noexcept {
    return sleep_awaitable{now() + d};
}
/// Sleeps until t (see sleep_awaitable).
[[nodiscard]] inline sleep_awaitable sleep_until(instant t) noexcept { return sleep_awaitable{t}; }
/// Lets other ready tasks run; put one in long loops that do not otherwise suspend.
[[nodiscard]] inline yield_awaitable yield() noexcept { return {}; }

}  // namespace netrig::runtime
