// SPDX-License-Identifier: MIT
// runtime: what the real executor and the simulated executor share — a FIFO ready queue of
// coroutines, timers, detached roots, block_on (run) and stop — so code runs on either.
#pragma once

#include <coroutine>
#include <cstddef>
#include <deque>
#include <optional>
#include <stop_token>
#include <system_error>

#include "base/time.hpp"
#include "runtime/detached.hpp"
#include "runtime/task.hpp"
#include "runtime/timer_queue.hpp"

namespace netrig::runtime {

class poll_registration;

/// Which readiness an fd wait is for.
enum class io_direction : std::uint8_t { read, write };

namespace detail {

/// An intrusive fd-readiness registration (the state of an io_awaitable). The reactor calls
/// on_io once, with an empty error_code when the fd is ready (or hung up / in error: the next
/// syscall reports it) or bad_file_descriptor when forget_fd() is called meanwhile.
class io_waiter {
public:
    io_waiter(int fd, io_direction dir) noexcept : fd_(fd), dir_(dir) {}
    io_waiter(const io_waiter&) = delete;
    io_waiter& operator=(const io_waiter&) = delete;
    virtual ~io_waiter() = default;

    /// The fd waited on.
    [[nodiscard]] int fd() const noexcept { return fd_; }
    /// The readiness waited for.
    [[nodiscard]] io_direction direction() const noexcept { return dir_; }
    /// True while registered with the reactor.
    [[nodiscard]] bool linked() const noexcept { return linked_; }
    /// Called by the reactor after unlinking the waiter.
    virtual void on_io(std::error_code ec) = 0;

    // Intrusive list state, owned by the reactor.
    io_waiter* prev_ = nullptr;  // NOLINT(misc-non-private-member-variables-in-classes)
    io_waiter* next_ = nullptr;  // NOLINT(misc-non-private-member-variables-in-classes)
    bool linked_ = false;        // NOLINT(misc-non-private-member-variables-in-classes)

private:
    int fd_;
    io_direction dir_;
};

}  // namespace detail

/// The scheduler interface both executors implement. One scheduler exists per thread at a time
/// (its constructor installs it as current(), its destructor removes it). Everything here is
/// single-threaded: call it only from the thread that owns the scheduler.
///
/// Wake-ups never resume a coroutine inline: timers, fd events and cancellations post the
/// coroutine to the FIFO ready queue, and the loop resumes it. So callbacks never re-enter a
/// coroutine, and the order of events is the order of the queue (deterministic under sim).
class scheduler {
public:
    scheduler(const scheduler&) = delete;
    scheduler& operator=(const scheduler&) = delete;
    virtual ~scheduler();

    /// The current time: monotonic since the executor was created (real), or virtual (sim).
    [[nodiscard]] virtual instant now() const = 0;

    /// Runs t to completion on this thread (block_on) and returns its result. The loop also runs
    /// spawned tasks meanwhile, but returns as soon as t finishes (spawned tasks that are still
    /// pending stay pending until the next run() or the executor's destruction).
    /// Preconditions: not called from inside run() (no nesting); t.valid().
    template <class T>
    T run(task<T> t);

    /// Starts t as a detached root task (it runs at the next scheduling point). Roots still
    /// pending when the executor is destroyed are cancelled and driven to completion then.
    void spawn(task<void> t);

    /// Cancels the task passed to the active run(): its pending awaitables complete with
    /// operation_canceled, and run() returns once it has finished (so it returns early only if
    /// the task honours cancellation). No effect outside run().
    void stop() noexcept;

    /// Queues h to be resumed by the loop (FIFO).
    void post(std::coroutine_handle<> h);

    /// Arms node to fire at deadline (a deadline in the past fires at the next loop turn).
    /// Preconditions: !node.armed().
    void schedule_timer(timer_node& node, instant deadline,
                        timer_order order = timer_order::normal);
    /// Disarms node; returns false if it was not armed (already fired or never armed).
    bool cancel_timer(timer_node& node) noexcept;

    /// Number of spawned roots that have not finished.
    [[nodiscard]] std::size_t spawned_count() const noexcept { return spawned_count_; }

    /// Registers an fd waiter (reactor only). Returns an error if the fd cannot be watched
    /// (e.g. EPERM for a regular file). The sim executor asserts: it has no fds.
    [[nodiscard]] virtual std::error_code add_io_waiter(detail::io_waiter& waiter);
    /// Unregisters an fd waiter if it is still linked (cancellation, destruction).
    virtual void remove_io_waiter(detail::io_waiter& waiter) noexcept;
    /// Drops everything known about fd and removes it from epoll. MUST be called before
    /// close(fd): epoll tracks open file descriptions, not fd numbers. Pending waiters on fd
    /// complete with std::errc::bad_file_descriptor. No-op on the sim executor.
    virtual void forget_fd(int fd) noexcept;
    /// Attaches / re-evaluates / detaches a poll_registration's fd interest (see poll.hpp).
    [[nodiscard]] virtual std::error_code add_poll(poll_registration& reg);
    /// See add_poll.
    virtual void update_poll(poll_registration& reg);
    /// See add_poll.
    virtual void remove_poll(poll_registration& reg) noexcept;
    /// Adds or removes reg from the registrations whose probe() the loop asks (see
    /// poll_handler::probe); the loop reads their probe_spin() when it runs dry. The default
    /// (sim executor) ignores it.
    virtual void set_probing(poll_registration& reg, bool on) noexcept;

protected:
    /// Installs this scheduler as current() for the calling thread.
    /// Preconditions: no other scheduler exists on this thread.
    scheduler();

    /// Runs the loop until target is done (or, if target is null, until no spawned root is
    /// left). Asserts on a deadlock (nothing ready, no timer, nothing to wait for).
    virtual void drive(std::coroutine_handle<> target) = 0;

    /// Resumes the coroutines that were ready on entry (later posts wait for the next batch).
    void run_ready_batch();
    /// True if a coroutine is ready.
    [[nodiscard]] bool has_ready() const noexcept { return !ready_.empty(); }
    /// Fires timers due at `at` (at most as many as were armed on entry, so a callback that
    /// re-arms itself for `at` cannot spin the loop). Returns how many fired.
    std::size_t fire_due_timers(instant at);
    /// The earliest armed deadline, if any.
    [[nodiscard]] std::optional<instant> next_deadline() const noexcept;
    /// True if the loop should stop: target done, or no spawned roots left for a null target.
    [[nodiscard]] bool finished(std::coroutine_handle<> target) const noexcept;
    /// Cancels every spawned root and drives them to completion. Derived destructors call it
    /// while the derived part (epoll fd, clock) still exists.
    void shutdown();

private:
    static void on_root_done(void* ctx, detail::detached_handle h) noexcept;

    std::deque<std::coroutine_handle<>> ready_;
    timer_queue timers_;
    detail::detached_promise* spawned_head_ = nullptr;
    std::size_t spawned_count_ = 0;
    std::stop_source root_stop_{std::nostopstate};
    bool running_ = false;
};

/// The scheduler of this thread. Preconditions: one exists (asserts otherwise).
[[nodiscard]] scheduler& current() noexcept;
/// True if this thread has a scheduler.
[[nodiscard]] bool has_current() noexcept;
/// current().now().
[[nodiscard]] instant now() noexcept;

template <class T>
T scheduler::run(task<T> t) {
    NETRIG_ASSERT(t.valid());
    NETRIG_ASSERT(!running_);
    running_ = true;
    root_stop_ = std::stop_source{};
    auto h = t.handle();
    h.promise().set_stop_token(root_stop_.get_token());
    post(h);
    drive(h);
    running_ = false;
    root_stop_ = std::stop_source{std::nostopstate};
    return h.promise().take();
}

}  // namespace netrig::runtime
