// SPDX-License-Identifier: MIT
// runtime: the callback interface for non-coroutine event sources (a device driver, the user
// stack's interface loop): "call me when fd F is readable/writable, and/or at deadline D".
#pragma once

#include <cstdint>
#include <system_error>

#include "base/time.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/timer_queue.hpp"

namespace netrig::runtime {

/// What a poll_registration watches on its fd.
struct poll_interest {
    bool readable = false;
    bool writable = false;
};

/// What happened; several flags may be set in one call.
struct poll_events {
    bool readable = false;  ///< fd readable (also set on hang-up or error).
    bool writable = false;  ///< fd writable (also set on hang-up or error).
    bool deadline = false;  ///< the deadline set with set_deadline() has passed.
};

/// Receives a registration's events. Called from the loop, never re-entrantly. The handler may
/// call set_deadline/set_interest on its registration, post coroutines, arm timers; it may also
/// destroy its registration.
class poll_handler {
public:
    poll_handler() = default;
    poll_handler(const poll_handler&) = delete;
    poll_handler& operator=(const poll_handler&) = delete;
    virtual ~poll_handler() = default;
    /// Something the handler registered for happened.
    virtual void on_poll(poll_events events) = 0;
    /// Asked by the real executor, instead of epoll, on registrations with probing on
    /// (poll_registration::set_probing): true if on_poll would find input now. It must not make
    /// a syscall (an AF_XDP rx ring is memory shared with the kernel: one load). While it says
    /// true the loop calls on_poll({.readable = true}) without asking epoll, and asks epoll
    /// only every executor::probe_poll_interval for the other fds.
    [[nodiscard]] virtual bool probe() { return false; }
};

/// Registers a poll_handler with the current scheduler for the registration's lifetime.
/// fd events are LEVEL-triggered: on_poll is called at every loop turn while the fd is ready
/// in a watched direction, so the handler must consume (read until EAGAIN or drop interest).
/// The deadline is one-shot: it is disarmed before on_poll({.deadline = true}) runs.
/// With fd < 0 only the deadline is used (this is what the sim executor supports).
/// The registration must be destroyed before its fd is closed. At most one per fd.
class poll_registration final : private timer_node {
public:
    /// Watches fd (or nothing if fd < 0) with interest, calling handler. An epoll_ctl failure
    /// is reported by error() (and nothing is watched).
    poll_registration(int fd, poll_interest interest, poll_handler& handler);
    poll_registration(const poll_registration&) = delete;
    poll_registration& operator=(const poll_registration&) = delete;
    ~poll_registration() override;

    /// Calls on_poll({.deadline = true}) once at `at`; instant::max() disarms.
    void set_deadline(instant at);
    /// Changes which fd directions are watched. Preconditions: fd() >= 0.
    void set_interest(poll_interest interest);
    /// Lets the executor ask the handler's probe() before it waits (see poll_handler::probe).
    /// With `spin` > 0 the loop, when it runs out of work, keeps asking for up to that long
    /// before it blocks in epoll_wait: input that arrives meanwhile runs without a wake-up,
    /// which its producer (the kernel, on another CPU) would otherwise pay, at the cost of up
    /// to `spin` of CPU each time the loop runs dry. The sim executor ignores it (its sources
    /// have no fds).
    void set_probing(bool on, duration spin = duration::zero());
    /// See set_probing.
    [[nodiscard]] duration probe_spin() const noexcept { return spin_; }
    /// True once set_probing(true).
    [[nodiscard]] bool probing() const noexcept { return probing_; }
    /// The watched fd (negative if none).
    [[nodiscard]] int fd() const noexcept { return fd_; }
    /// Current interest.
    [[nodiscard]] poll_interest interest() const noexcept { return interest_; }
    /// The handler.
    [[nodiscard]] poll_handler& handler() const noexcept { return handler_; }
    /// The registration error, if the fd could not be watched.
    [[nodiscard]] std::error_code error() const noexcept { return error_; }

private:
    void on_timer() override;

    scheduler& sched_;
    int fd_;
    poll_interest interest_;
    poll_handler& handler_;
    std::error_code error_;
    bool probing_ = false;
    duration spin_{};
};

}  // namespace netrig::runtime
