// SPDX-License-Identifier: MIT
// runtime: the cancellation model.
//
// Every netrig coroutine carries a std::stop_token in its promise. A task co_awaited by another
// inherits the awaiter's token, so cancelling a task cancels the whole chain it is awaiting.
// Roots get their own std::stop_source: run()'s task (executor::stop() requests it), each
// spawned task (requested when the executor is destroyed), each task_group (cancel(), or the
// joining parent's cancellation), each with_timeout (the deadline, or the parent's cancellation).
//
// Cancellation is cooperative and happens at suspension points: every runtime awaitable
// (sleep_for/sleep_until, yield, wait_readable/wait_writable, wait_for_signal) checks the token
// when it is awaited and registers a std::stop_callback while suspended; when stop is requested
// it disarms its timer or fd registration and posts the coroutine, which then sees
// std::errc::operation_canceled. If the event and the cancellation race, the one the loop saw
// first wins (an fd that became ready reports success). Code that loops without awaiting can
// poll the token: `if ((co_await current_stop_token()).stop_requested()) ...`.
// A cancelled task is never destroyed under its own feet: it finishes normally (returning the
// error up its chain), so destructors and cleanup code run as usual.
#pragma once

#include <coroutine>
#include <stop_token>
#include <system_error>
#include <utility>

#include "runtime/task.hpp"

namespace netrig::runtime {

/// The error every awaitable returns when its task is cancelled.
[[nodiscard]] inline std::error_code canceled_error() noexcept {
    return std::make_error_code(std::errc::operation_canceled);
}

/// Awaitable that yields the awaiting coroutine's stop token without suspending.
class current_stop_token_awaitable {
public:
    [[nodiscard]] bool await_ready() const noexcept { return false; }
    template <detail::netrig_promise Promise>
    bool await_suspend(std::coroutine_handle<Promise> h) noexcept {
        token_ = h.promise().stop_token();
        return false;
    }
    [[nodiscard]] std::stop_token await_resume() noexcept { return std::move(token_); }

private:
    std::stop_token token_;
};

/// `co_await current_stop_token()` gives the running task's stop token, for loops that do not
/// otherwise suspend, or to link your own std::stop_callback.
[[nodiscard]] inline current_stop_token_awaitable current_stop_token() noexcept { return {}; }

namespace detail {

/// Awaits a task under a different stop token (used by with_timeout and similar combinators).
template <class T>
class with_token_awaiter {
public:
    with_token_awaiter(task<T>& t, std::stop_token token) noexcept
        : t_(t), token_(std::move(token)) {}
    [[nodiscard]] bool await_ready() const noexcept {
        NETRIG_ASSERT(t_.valid());
        return false;
    }
    template <netrig_promise Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> caller) noexcept {
        auto h = t_.handle();
        h.promise().set_continuation(caller);
        h.promise().set_stop_token(std::move(token_));
        return h;
    }
    decltype(auto) await_resume() { return t_.handle().promise().take(); }

private:
    task<T>& t_;
    std::stop_token token_;
};

/// Stop-callback functor that forwards a stop request to another stop source.
struct forward_stop {
    std::stop_source* target;
    void operator()() const noexcept { target->request_stop(); }
};

}  // namespace detail
}  // namespace netrig::runtime
