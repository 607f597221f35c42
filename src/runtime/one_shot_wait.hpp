// SPDX-License-Identifier: MIT
// runtime (internal): what every one-shot awaitable of the runtime shares (fd readiness,
// timers): a cancellation already requested completes at once; otherwise the wait is armed and
// a stop callback installed, and whichever comes first, the event or the cancellation, resumes
// the coroutine through the scheduler's ready queue with its error code.
#pragma once

#include <coroutine>
#include <optional>
#include <stop_token>
#include <system_error>

#include "base/result.hpp"
#include "runtime/cancel.hpp"
#include "runtime/scheduler.hpp"

namespace netrig::runtime::detail {

/// CRTP base. Derived provides (and befriends this class):
///   std::error_code arm();   // start waiting on sched(); a non-zero code completes at once
///   bool disarm() noexcept;  // stop waiting if still pending; true if it was pending
/// and calls complete(ec) when its event happens. Derived's destructor must call
/// drop_stop_callback() and then disarm if armed (the frame may die while suspended).
template <class Derived>
class one_shot_wait {
public:
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    template <netrig_promise Promise>
    bool await_suspend(std::coroutine_handle<Promise> h) {
        return suspend(h, h.promise().stop_token());
    }
    /// Empty on the event; operation_canceled or the source's error otherwise.
    [[nodiscard]] result<void, std::error_code> await_resume() noexcept {
        stop_cb_.reset();
        if (ec_) {
            return unexpected<std::error_code>(ec_);
        }
        return {};
    }

protected:
    one_shot_wait() = default;
    ~one_shot_wait() = default;
    one_shot_wait(const one_shot_wait&) = delete;
    one_shot_wait& operator=(const one_shot_wait&) = delete;

    /// The event happened: resume the waiter (later, from the ready queue) with ec.
    void complete(std::error_code ec = {}) {
        ec_ = ec;
        sched_->post(h_);
    }
    /// The scheduler the wait is armed on; nullptr until awaited.
    [[nodiscard]] scheduler* sched() const noexcept { return sched_; }
    /// Removes the stop callback (first step of Derived's destructor).
    void drop_stop_callback() noexcept { stop_cb_.reset(); }

private:
    struct cancel_fn {
        one_shot_wait* self;
        void operator()() const noexcept { self->on_cancel(); }
    };

    bool suspend(std::coroutine_handle<> h, const std::stop_token& token) {
        if (token.stop_requested()) {
            ec_ = canceled_error();
            return false;
        }
        sched_ = &current();
        h_ = h;
        if (const std::error_code ec = static_cast<Derived*>(this)->arm()) {
            ec_ = ec;
            return false;
        }
        stop_cb_.emplace(token, cancel_fn{this});
        return true;
    }

    void on_cancel() noexcept {
        // If the event already completed the wait, it wins and this is a no-op.
        if (static_cast<Derived*>(this)->disarm()) {
            complete(canceled_error());
        }
    }

    scheduler* sched_ = nullptr;
    std::coroutine_handle<> h_;
    std::error_code ec_;
    std::optional<std::stop_callback<cancel_fn>> stop_cb_;
};

}  // namespace netrig::runtime::detail
