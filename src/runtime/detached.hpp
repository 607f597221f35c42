// SPDX-License-Identifier: MIT
// runtime (internal): the coroutine that owns a task nobody awaits (an executor's spawned roots,
// a task_group's children) and reports its completion to its owner.
#pragma once

#include <coroutine>
#include <stop_token>

#include "runtime/task.hpp"

namespace netrig::runtime::detail {

class detached_promise;
/// Handle to a detached coroutine; the owner named in its promise destroys it on completion.
using detached_handle = std::coroutine_handle<detached_promise>;

/// Return object of make_detached.
struct detached_task {
    using promise_type = detached_promise;
    detached_handle handle;
};

/// Promise of a detached coroutine: on completion it calls on_done(ctx, handle), which must
/// destroy the handle (it may do so at once: the coroutine is suspended at its final point).
class detached_promise final : public promise_base {
public:
    detached_task get_return_object() noexcept {
        return detached_task{detached_handle::from_promise(*this)};
    }
    void return_void() const noexcept {}

    /// Hands the finished coroutine to its owner.
    struct final_awaiter {
        [[nodiscard]] bool await_ready() const noexcept { return false; }
        void await_suspend(detached_handle h) const noexcept {
            detached_promise& p = h.promise();
            NETRIG_ASSERT(p.on_done != nullptr);
            p.on_done(p.ctx, h);
        }
        void await_resume() const noexcept {}
    };
    [[nodiscard]] final_awaiter final_suspend() const noexcept { return {}; }

    /// Completion callback and its context, set by the owner before the first resume.
    void (*on_done)(void* ctx, detached_handle h) noexcept = nullptr;
    /// Context passed to on_done.
    void* ctx = nullptr;
    /// The stop source of a spawned root (empty for group children, which share the group's).
    std::stop_source stop{std::nostopstate};
    /// Intrusive links for the owner's list of live roots.
    detached_promise* prev = nullptr;
    /// Intrusive links for the owner's list of live roots.
    detached_promise* next = nullptr;
};

/// Wraps t in a detached coroutine (not started). The caller sets on_done/ctx and the stop
/// token, then posts the handle.
detached_task make_detached(task<void> t);

}  // namespace netrig::runtime::detail
