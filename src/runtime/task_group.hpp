// SPDX-License-Identifier: MIT
// runtime: structured concurrency — a scope that owns concurrently running child tasks.
#pragma once

#include <coroutine>
#include <cstddef>
#include <stop_token>

#include "runtime/detached.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/task.hpp"

namespace netrig::runtime {

/// A group of concurrently running child tasks, joined by the parent:
///
///     task_group g;
///     g.spawn(serve(a));
///     g.spawn(serve(b));
///     co_await g.join();
///
/// Children share the group's stop source: cancel() cancels them all. If the task awaiting
/// join() is cancelled, the children are cancelled and join() still waits for them to finish,
/// so no child outlives the scope. Destroying a group whose children are still running is a
/// programmer error (asserts): always co_await join() before the group goes out of scope.
/// A group may be reused after join() returns (its stop state is reset then).
/// Preconditions: created on a thread with a scheduler; used only from that thread.
class task_group {
public:
    /// An empty group bound to current().
    task_group();
    task_group(const task_group&) = delete;
    task_group& operator=(const task_group&) = delete;
    ~task_group();

    /// Starts t as a child. It begins at the next scheduling point (FIFO behind what is ready),
    /// and runs concurrently with the parent. A child spawned after cancel() starts cancelled.
    void spawn(task<void> t);
    /// Cancels all running children (their awaitables return operation_canceled).
    void cancel() noexcept;
    /// Waits until every child has finished; see the class comment for cancellation.
    [[nodiscard]] task<void> join();
    /// Number of children still running.
    [[nodiscard]] std::size_t size() const noexcept { return running_; }

private:
    struct cancel_fn {
        task_group* self;
        void operator()() const noexcept { self->cancel(); }
    };
    class join_awaiter;
    static void on_child_done(void* ctx, detail::detached_handle h) noexcept;

    scheduler& sched_;
    std::stop_source stop_;
    std::size_t running_ = 0;
    std::coroutine_handle<> joiner_;
};

}  // namespace netrig::runtime
