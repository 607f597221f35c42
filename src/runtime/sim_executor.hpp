// SPDX-License-Identifier: MIT
// runtime: the simulated executor — virtual time, deterministic, as fast as the CPU allows.
#pragma once

#include <coroutine>

#include "base/time.hpp"
#include "runtime/scheduler.hpp"

namespace netrig::runtime {

/// An executor on virtual time for deterministic runs. The loop resumes ready coroutines in
/// FIFO order; when none is ready it jumps now() to the earliest timer and fires the timers due
/// then (equal deadlines in registration order). With the same program and inputs, every run
/// produces the same interleaving. Virtual time passes only when nothing is ready, so a task
/// that loops on yield() alone keeps the clock (and every timer) still. It has no fds: wait_readable/wait_writable and fd
/// poll_registrations are programmer errors (assert); deadline-only poll_registrations work.
class sim_executor final : public scheduler {
public:
    /// Virtual time starts at instant{}. Installs this executor as current().
    sim_executor() = default;
    sim_executor(const sim_executor&) = delete;
    sim_executor& operator=(const sim_executor&) = delete;
    ~sim_executor() override;

    /// Virtual now.
    [[nodiscard]] instant now() const override { return now_; }

private:
    void drive(std::coroutine_handle<> target) override;

    instant now_{};
};

}  // namespace netrig::runtime
