// SPDX-License-Identifier: MIT
// runtime: signals through signalfd.
#include "runtime/signal.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/io.hpp"

namespace netrig::runtime {
namespace {

/// Owns the signalfd: forgets and closes it however the waiting coroutine ends.
class signal_fd {
public:
    explicit signal_fd(int fd) noexcept : fd_(fd) {}
    signal_fd(const signal_fd&) = delete;
    signal_fd& operator=(const signal_fd&) = delete;
    ~signal_fd() {
        if (fd_ >= 0) {
            forget_fd(fd_);
            ::close(fd_);
        }
    }
    [[nodiscard]] int get() const noexcept { return fd_; }

private:
    int fd_;
};

std::error_code last_error() noexcept { return {errno, std::system_category()}; }

task<result<int, std::error_code>> wait_for_signal_set(sigset_t set) {
    // Blocked signals stay pending for the signalfd instead of running their default action.
    if (const int rc = ::pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0) {
        co_return unexpected<std::error_code>(std::error_code(rc, std::system_category()));
    }
    const signal_fd sfd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    if (sfd.get() < 0) {
        co_return unexpected<std::error_code>(last_error());
    }
    for (;;) {
        signalfd_siginfo info{};
        const ssize_t n = ::read(sfd.get(), &info, sizeof info);
        if (n == static_cast<ssize_t>(sizeof info)) {
            co_return static_cast<int>(info.ssi_signo);
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            co_return unexpected<std::error_code>(last_error());
        }
        auto ready = co_await wait_readable(sfd.get());
        if (!ready) {
            co_return unexpected<std::error_code>(ready.error());
        }
    }
}

}  // namespace

task<result<int, std::error_code>> wait_for_signal(std::initializer_list<int> signals) {
    // Not a coroutine: the initializer_list's array dies with the caller's full-expression, so
    // the set is copied into the coroutine frame as a value.
    sigset_t set;
    ::sigemptyset(&set);
    for (const int s : signals) {
        ::sigaddset(&set, s);
    }
    return wait_for_signal_set(set);
}

}  // namespace netrig::runtime
