// SPDX-License-Identifier: MIT
// runtime: awaiting fd readiness on the current executor's epoll reactor.
//
// The reactor is LEVEL-triggered and registers interest lazily: the first wait on an fd adds it
// to epoll, interest in a direction stays registered while someone waits for it, and is dropped
// when an event arrives that nobody wants. So wait_readable(fd) on an fd that is already
// readable completes at the next loop turn (no lost wake-ups, no need to drain to EAGAIN
// first). Usage: try the non-blocking syscall; on EAGAIN, co_await wait_readable(fd); retry.
// forget_fd(fd) MUST be called before close(fd).
#pragma once

#include <coroutine>
#include <optional>
#include <stop_token>
#include <system_error>

#include "base/result.hpp"
#include "runtime/cancel.hpp"
#include "runtime/one_shot_wait.hpp"
#include "runtime/scheduler.hpp"

namespace netrig::runtime {

/// Awaitable for one readiness event on one fd. co_await yields an empty result when the fd is
/// ready (also on hang-up or error: the next syscall reports it), or an error:
/// operation_canceled if the awaiting task is cancelled, bad_file_descriptor if forget_fd() is
/// called while waiting, or the epoll_ctl error if the fd cannot be watched (EPERM for regular
/// files). Several tasks may wait on the same fd; all are woken.
/// Preconditions: awaited from a netrig task on an executor (not on sim_executor).
class [[nodiscard]] io_awaitable final : private detail::io_waiter,
                                         public detail::one_shot_wait<io_awaitable> {
public:
    /// Prepares a wait; nothing is registered until it is awaited.
    io_awaitable(int fd, io_direction dir) noexcept : io_waiter(fd, dir) {}
    io_awaitable(const io_awaitable&) = delete;
    io_awaitable& operator=(const io_awaitable&) = delete;
    ~io_awaitable() override;

private:
    friend class detail::one_shot_wait<io_awaitable>;
    std::error_code arm();
    bool disarm() noexcept;
    void on_io(std::error_code ec) override;
};

/// Waits until fd is readable. See io_awaitable.
[[nodiscard]] inline io_awaitable wait_readable(int fd) noexcept {
    return io_awaitable{fd, io_direction::read};
}
/// Waits until fd is writable. See io_awaitable.
[[nodiscard]] inline io_awaitable wait_writable(int fd) noexcept {
    return io_awaitable{fd, io_direction::write};
}
/// Drops fd from the current executor's reactor. MUST be called before close(fd) for every fd
/// that was waited on (epoll watches file descriptions, so a dup'ed or reused fd would otherwise
/// deliver stale events). Pending waiters complete with bad_file_descriptor.
inline void forget_fd(int fd) noexcept { current().forget_fd(fd); }

}  // namespace netrig::runtime
