// SPDX-License-Identifier: MIT
// runtime: task<T>, the lazy coroutine type every asynchronous netrig function returns, and the
// promise base that carries a task's continuation and its cancellation token.
#pragma once

#include <concepts>
#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <utility>

#include "base/assert.hpp"

namespace netrig::runtime {

template <class T = void>
class task;

namespace detail {

/// State shared by every netrig coroutine promise: who to resume when the coroutine finishes
/// (symmetric transfer, so chains of co_await never grow the stack) and the stop token that
/// cancels it. Awaitables read the token through the awaiting coroutine's promise.
class promise_base {
public:
    promise_base() = default;
    promise_base(const promise_base&) = delete;
    promise_base& operator=(const promise_base&) = delete;

    /// Lazy: nothing runs until the task is awaited or handed to an executor.
    [[nodiscard]] std::suspend_always initial_suspend() const noexcept { return {}; }

    /// Resumes the continuation by symmetric transfer when the coroutine finishes.
    struct final_awaiter {
        [[nodiscard]] bool await_ready() const noexcept { return false; }
        template <class Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) const noexcept {
            return h.promise().continuation();
        }
        void await_resume() const noexcept {}
    };
    /// Suspends at the end so the awaiter can read the result before the frame is freed.
    [[nodiscard]] final_awaiter final_suspend() const noexcept { return {}; }

    /// No exceptions travel through co_await in netrig: failures are result values.
    [[noreturn]] void unhandled_exception() const noexcept { std::terminate(); }

    /// The token that cancels this coroutine (inherited from the awaiting coroutine).
    [[nodiscard]] const std::stop_token& stop_token() const noexcept { return token_; }
    /// Sets the cancellation token. Preconditions: the coroutine is suspended.
    void set_stop_token(std::stop_token token) noexcept { token_ = std::move(token); }
    /// The coroutine resumed when this one finishes (noop for roots).
    [[nodiscard]] std::coroutine_handle<> continuation() const noexcept { return continuation_; }
    /// Sets the coroutine resumed when this one finishes.
    void set_continuation(std::coroutine_handle<> c) noexcept { continuation_ = c; }

protected:
    ~promise_base() = default;

private:
    std::coroutine_handle<> continuation_ = std::noop_coroutine();
    std::stop_token token_;
};

/// Promise types whose coroutines may await netrig awaitables (they carry a stop token).
template <class Promise>
concept netrig_promise = std::derived_from<Promise, promise_base>;

/// The promise of task<T> for a value type T: stores the co_returned value.
template <class T>
class task_promise final : public promise_base {
public:
    task<T> get_return_object() noexcept;
    /// Stores the result. Taking T by value accepts braced lists and implicit conversions
    /// (co_return unexpected(e) into a result<T, E>).
    void return_value(T value) noexcept(std::is_nothrow_move_constructible_v<T>) {
        value_.emplace(std::move(value));
    }
    /// Moves the result out. Preconditions: the coroutine finished with co_return.
    T take() {
        NETRIG_ASSERT(value_.has_value());
        return std::move(*value_);
    }

private:
    std::optional<T> value_;
};

/// The promise of task<T&>: stores a pointer to the referred object.
template <class T>
class task_promise<T&> final : public promise_base {
public:
    task<T&> get_return_object() noexcept;
    /// Stores the reference. The referred object must outlive the awaiter's use of it.
    void return_value(T& value) noexcept { value_ = std::addressof(value); }
    /// The reference. Preconditions: the coroutine finished with co_return.
    T& take() const {
        NETRIG_ASSERT(value_ != nullptr);
        return *value_;
    }

private:
    T* value_ = nullptr;
};

/// The promise of task<void>.
template <>
class task_promise<void> final : public promise_base {
public:
    task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
    /// Nothing to take; present so generic code can call it.
    void take() const noexcept {}
};

}  // namespace detail

/// A lazy, move-only coroutine producing a T. Nothing runs until the task is co_awaited (which
/// starts it and yields its T) or handed to an executor (run, spawn, task_group::spawn).
/// When awaited, it inherits the awaiting coroutine's stop token: cancelling a task cancels
/// every task it is awaiting. Destroying a task destroys its coroutine frame (and, recursively,
/// the tasks that frame holds); a never-started task leaks nothing.
template <class T>
class [[nodiscard]] task {
public:
    using promise_type = detail::task_promise<T>;
    using handle_type = std::coroutine_handle<promise_type>;

    /// An empty task (valid() is false). It must not be awaited.
    task() noexcept = default;
    /// Takes ownership of a coroutine frame.
    explicit task(handle_type h) noexcept : h_(h) {}
    task(task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
    task& operator=(task&& other) noexcept {
        if (this != &other) {
            reset();
            h_ = std::exchange(other.h_, {});
        }
        return *this;
    }
    task(const task&) = delete;
    task& operator=(const task&) = delete;
    ~task() { reset(); }

    /// True if the task holds a coroutine.
    [[nodiscard]] bool valid() const noexcept { return static_cast<bool>(h_); }
    /// True if the coroutine ran to completion. Preconditions: valid().
    [[nodiscard]] bool done() const noexcept { return h_.done(); }
    /// The coroutine handle, still owned by this task (for executors).
    [[nodiscard]] handle_type handle() const noexcept { return h_; }

    /// Awaits the task: starts it by symmetric transfer, passes it the awaiter's stop token,
    /// and yields its result when it finishes. A task is awaited at most once.
    class awaiter {
    public:
        explicit awaiter(handle_type h) noexcept : h_(h) {}
        [[nodiscard]] bool await_ready() const noexcept {
            NETRIG_ASSERT(h_);
            NETRIG_ASSERT(!h_.done());
            return false;
        }
        template <detail::netrig_promise Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> caller) noexcept {
            h_.promise().set_continuation(caller);
            h_.promise().set_stop_token(caller.promise().stop_token());
            return h_;
        }
        decltype(auto) await_resume() { return h_.promise().take(); }

    private:
        handle_type h_;
    };
    awaiter operator co_await() && noexcept { return awaiter{h_}; }
    awaiter operator co_await() & noexcept { return awaiter{h_}; }

private:
    void reset() noexcept {
        if (h_) {
            h_.destroy();
            h_ = {};
        }
    }
    handle_type h_;
};

namespace detail {

template <class T>
task<T> task_promise<T>::get_return_object() noexcept {
    return task<T>{std::coroutine_handle<task_promise>::from_promise(*this)};
}
template <class T>
task<T&> task_promise<T&>::get_return_object() noexcept {
    return task<T&>{std::coroutine_handle<task_promise>::from_promise(*this)};
}
inline task<void> task_promise<void>::get_return_object() noexcept {
    return task<void>{std::coroutine_handle<task_promise>::from_promise(*this)};
}

}  // namespace detail
}  // namespace netrig::runtime
