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
};

}  // namespace netrig::runtime
