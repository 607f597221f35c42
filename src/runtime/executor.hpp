// SPDX-License-Identifier: MIT
// runtime: the real executor — one per thread: a FIFO ready queue, a timer heap and an epoll
// reactor (level-triggered, see io.hpp), with an optional busy-poll mode.
#pragma once

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <optional>
#include <system_error>
#include <vector>

#include "base/time.hpp"
#include "runtime/scheduler.hpp"

namespace netrig::runtime {

/// The executor of real runs. Create one per thread, then run(task) on it:
///
///     runtime::executor ex;
///     int rc = ex.run(main_task(args));
///
/// now() is CLOCK_MONOTONIC relative to the executor's creation (instant{} = creation time).
/// Timers use epoll_pwait2, so they have nanosecond resolution (subject to the kernel's slack).
/// Destroying the executor cancels the spawned tasks still pending and runs them to completion.
class executor final : public scheduler {
public:
    /// Creates the epoll instance and installs this executor as current().
    /// Preconditions: no other scheduler exists on this thread.
    executor();
    executor(const executor&) = delete;
    executor& operator=(const executor&) = delete;
    ~executor() override;

    [[nodiscard]] instant now() const override;

    /// Busy-poll: never block in epoll_wait (lowest wake-up latency, one full CPU; for AF_XDP
    /// rings). The loop spins on the probing registrations' probe() (poll_handler::probe) and
    /// asks epoll with a zero timeout every probe_poll_interval, or at every turn if none
    /// probes.
    void set_busy_poll(bool on) noexcept { busy_poll_ = on; }
    /// True in busy-poll mode.
    [[nodiscard]] bool busy_poll() const noexcept { return busy_poll_; }
    /// How long the loop keeps asking probes before it blocks in epoll_wait: the longest spin
    /// a probing registration asked for (poll_registration::set_probing), 0 without one.
    [[nodiscard]] duration spin() const noexcept;
    /// While probes keep finding input the loop runs it without epoll, but asks epoll (zero
    /// timeout) at least this often, so that other fds are not starved.
    static constexpr duration probe_poll_interval = std::chrono::microseconds{50};

    [[nodiscard]] std::error_code add_io_waiter(detail::io_waiter& waiter) override;
    void remove_io_waiter(detail::io_waiter& waiter) noexcept override;
    void forget_fd(int fd) noexcept override;
    [[nodiscard]] std::error_code add_poll(poll_registration& reg) override;
    void update_poll(poll_registration& reg) override;
    void remove_poll(poll_registration& reg) noexcept override;
    void set_probing(poll_registration& reg, bool on) noexcept override;

    /// Number of fds currently in the epoll set (for tests and diagnostics).
    [[nodiscard]] std::size_t watched_fd_count() const noexcept;

private:
    struct waiter_list {
        detail::io_waiter* head = nullptr;
        detail::io_waiter* tail = nullptr;
        [[nodiscard]] bool empty() const noexcept { return head == nullptr; }
        void push_back(detail::io_waiter& w) noexcept;
        void remove(detail::io_waiter& w) noexcept;
    };
    struct fd_state {
        waiter_list readers;
        waiter_list writers;
        poll_registration* hook = nullptr;
        std::uint32_t events = 0;  // interest currently registered with epoll
        bool added = false;        // fd is in the epoll set
    };

    void drive(std::coroutine_handle<> target) override;
    /// epoll_pwait2 and dispatch; returns the number of events dispatched.
    int poll_io(duration timeout, bool block_forever);
    /// Calls on_poll({.readable = true}) on each probing registration whose probe() is true;
    /// returns true if one was.
    bool run_probes();
    /// run_probes() until one finds input, a timer is due or epoll (asked with a zero timeout
    /// every probe_poll_interval) reports an event: true; false once `until` passed.
    bool spin_on_probes(instant until, std::optional<instant> timer);
    void dispatch(int fd, std::uint32_t revents);
    fd_state& state_of(int fd);
    [[nodiscard]] std::uint32_t wanted_events(const fd_state& st) const noexcept;
    [[nodiscard]] std::error_code sync_interest(int fd, bool allow_shrink);
    void wake_all(waiter_list& list, std::error_code ec) noexcept;

    int epoll_fd_ = -1;
    std::int64_t origin_ns_ = 0;
    bool busy_poll_ = false;
    std::vector<poll_registration*> probes_;
    instant last_poll_{};  // when the loop last asked epoll
    std::size_t io_registrations_ = 0;  // linked waiters + hooks with an fd
    std::vector<fd_state> fds_;
};

}  // namespace netrig::runtime
