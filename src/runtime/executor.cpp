// SPDX-License-Identifier: MIT
// runtime: the real executor — loop, epoll reactor, clock.
#include "runtime/executor.hpp"

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>

#include "base/assert.hpp"
#include "runtime/poll.hpp"

namespace netrig::runtime {
namespace {

std::int64_t monotonic_ns() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

constexpr std::uint32_t read_events = EPOLLIN | EPOLLRDHUP | EPOLLPRI;
constexpr std::uint32_t write_events = EPOLLOUT;
constexpr std::uint32_t error_events = EPOLLERR | EPOLLHUP;
constexpr std::size_t event_batch = 128;

}  // namespace

executor::executor() : origin_ns_(monotonic_ns()) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    // Without epoll (fd exhaustion) nothing can run; this is an environment failure at startup.
    NETRIG_ASSERT(epoll_fd_ >= 0);
}

executor::~executor() {
    shutdown();
    ::close(epoll_fd_);
}

instant executor::now() const { return instant{duration{monotonic_ns() - origin_ns_}}; }

void executor::waiter_list::push_back(detail::io_waiter& w) noexcept {
    w.prev_ = tail;
    w.next_ = nullptr;
    if (tail != nullptr) {
        tail->next_ = &w;
    } else {
        head = &w;
    }
    tail = &w;
    w.linked_ = true;
}

void executor::waiter_list::remove(detail::io_waiter& w) noexcept {
    NETRIG_ASSERT(w.linked_);
    if (w.prev_ != nullptr) {
        w.prev_->next_ = w.next_;
    } else {
        head = w.next_;
    }
    if (w.next_ != nullptr) {
        w.next_->prev_ = w.prev_;
    } else {
        tail = w.prev_;
    }
    w.prev_ = nullptr;
    w.next_ = nullptr;
    w.linked_ = false;
}

executor::fd_state& executor::state_of(int fd) {
    NETRIG_ASSERT(fd >= 0);
    const auto i = static_cast<std::size_t>(fd);
    if (i >= fds_.size()) {
        fds_.resize(i + 1);
    }
    return fds_[i];
}

std::uint32_t executor::wanted_events(const fd_state& st) const noexcept {
    std::uint32_t want = 0;
    const bool hook_reads = st.hook != nullptr && st.hook->interest().readable;
    const bool hook_writes = st.hook != nullptr && st.hook->interest().writable;
    if (!st.readers.empty() || hook_reads) {
        want |= read_events;
    }
    if (!st.writers.empty() || hook_writes) {
        want |= write_events;
    }
    return want;
}

// Brings the epoll registration of fd in line with what is wanted. Growing interest is done at
// once; shrinking only when allow_shrink (after an unwanted event), to save epoll_ctl calls in
// the common wait/read/wait cycle.
std::error_code executor::sync_interest(int fd, bool allow_shrink) {
    fd_state& st = state_of(fd);
    const std::uint32_t want = wanted_events(st);
    if (want == 0) {
        // EPOLLHUP/EPOLLERR are reported even with no interest, so an unwatched fd leaves the
        // set entirely rather than spinning the loop.
        if (allow_shrink && st.added) {
            ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
            st.added = false;
            st.events = 0;
        }
        return {};
    }
    if (st.added && (want & ~st.events) == 0 && (!allow_shrink || want == st.events)) {
        return {};
    }
    epoll_event ev{};
    ev.events = want;
    ev.data.fd = fd;
    if (st.added) {
        if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0) {
            st.events = want;
            return {};
        }
        // The fd was closed without forget_fd() and its number reused: re-add below.
        if (errno != ENOENT) {
            return {errno, std::system_category()};
        }
        st.added = false;
    }
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        return {errno, std::system_category()};
    }
    st.added = true;
    st.events = want;
    return {};
}

std::error_code executor::add_io_waiter(detail::io_waiter& waiter) {
    NETRIG_ASSERT(!waiter.linked());
    const int fd = waiter.fd();
    if (fd < 0) {
        return std::make_error_code(std::errc::bad_file_descriptor);
    }
    fd_state& st = state_of(fd);
    waiter_list& list = waiter.direction() == io_direction::read ? st.readers : st.writers;
    list.push_back(waiter);
    if (const std::error_code ec = sync_interest(fd, false)) {
        waiter_list& again =
            waiter.direction() == io_direction::read ? state_of(fd).readers : state_of(fd).writers;
        again.remove(waiter);
        return ec;
    }
    ++io_registrations_;
    return {};
}

void executor::remove_io_waiter(detail::io_waiter& waiter) noexcept {
    if (!waiter.linked()) {
        return;
    }
    fd_state& st = fds_[static_cast<std::size_t>(waiter.fd())];
    (waiter.direction() == io_direction::read ? st.readers : st.writers).remove(waiter);
    NETRIG_ASSERT(io_registrations_ > 0);
    --io_registrations_;
}

void executor::wake_all(waiter_list& list, std::error_code ec) noexcept {
    while (!list.empty()) {
        detail::io_waiter& w = *list.head;
        list.remove(w);
        NETRIG_ASSERT(io_registrations_ > 0);
        --io_registrations_;
        w.on_io(ec);
    }
}

void executor::forget_fd(int fd) noexcept {
    if (fd < 0 || static_cast<std::size_t>(fd) >= fds_.size()) {
        return;
    }
    fd_state& st = fds_[static_cast<std::size_t>(fd)];
    // A poll_registration must be destroyed before its fd is forgotten.
    NETRIG_ASSERT(st.hook == nullptr);
    const std::error_code ec = std::make_error_code(std::errc::bad_file_descriptor);
    wake_all(st.readers, ec);
    wake_all(st.writers, ec);
    if (st.added) {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    }
    st = fd_state{};
}

std::error_code executor::add_poll(poll_registration& reg) {
    const int fd = reg.fd();
    NETRIG_ASSERT(fd >= 0);
    fd_state& st = state_of(fd);
    NETRIG_ASSERT(st.hook == nullptr);  // one poll_registration per fd
    st.hook = &reg;
    if (const std::error_code ec = sync_interest(fd, false)) {
        state_of(fd).hook = nullptr;
        return ec;
    }
    ++io_registrations_;
    return {};
}

void executor::update_poll(poll_registration& reg) {
    NETRIG_ASSERT(state_of(reg.fd()).hook == &reg);
    // An error here means the fd was closed under the registration: a programmer error.
    const std::error_code ec = sync_interest(reg.fd(), true);
    NETRIG_ASSERT(!ec);
}

void executor::remove_poll(poll_registration& reg) noexcept {
    const int fd = reg.fd();
    if (fd < 0 || static_cast<std::size_t>(fd) >= fds_.size()) {
        return;
    }
    fd_state& st = fds_[static_cast<std::size_t>(fd)];
    if (st.hook != &reg) {
        return;
    }
    st.hook = nullptr;
    NETRIG_ASSERT(io_registrations_ > 0);
    --io_registrations_;
    (void)sync_interest(fd, true);
}

void executor::set_probing(poll_registration& reg, bool on) noexcept {
    const auto at = std::find(probes_.begin(), probes_.end(), &reg);
    if (on && at == probes_.end()) {
        probes_.push_back(&reg);
    } else if (!on && at != probes_.end()) {
        probes_.erase(at);
    }
}

duration executor::spin() const noexcept {
    duration longest = duration::zero();
    for (const poll_registration* p : probes_) {
        longest = std::max(longest, p->probe_spin());
    }
    return longest;
}

std::size_t executor::watched_fd_count() const noexcept {
    std::size_t n = 0;
    for (const fd_state& st : fds_) {
        n += st.added ? 1U : 0U;
    }
    return n;
}

void executor::dispatch(int fd, std::uint32_t revents) {
    if (fd < 0 || static_cast<std::size_t>(fd) >= fds_.size()) {
        return;
    }
    const bool failed = (revents & error_events) != 0;
    const bool readable = failed || (revents & read_events) != 0;
    const bool writable = failed || (revents & write_events) != 0;
    {
        fd_state& st = fds_[static_cast<std::size_t>(fd)];
        if (readable) {
            wake_all(st.readers, {});
        }
        if (writable) {
            wake_all(st.writers, {});
        }
    }
    poll_registration* hook = fds_[static_cast<std::size_t>(fd)].hook;
    if (hook != nullptr) {
        poll_events ev;
        ev.readable = readable && hook->interest().readable;
        ev.writable = writable && hook->interest().writable;
        if (ev.readable || ev.writable) {
            // The handler may destroy the registration or register other fds (fds_ may grow).
            hook->handler().on_poll(ev);
        }
    }
    // Drop interest nobody holds any more (level-triggered: it would fire again at once).
    (void)sync_interest(fd, true);
}

int executor::poll_io(duration timeout, bool block_forever) {
    std::array<epoll_event, event_batch> events{};
    timespec ts{};
    const timespec* tsp = nullptr;
    if (!block_forever) {
        const auto ns = std::max<std::int64_t>(0, timeout.count());
        ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
        ts.tv_nsec = static_cast<long>(ns % 1'000'000'000);
        tsp = &ts;
    }
    const int n = ::epoll_pwait2(epoll_fd_, events.data(), static_cast<int>(events.size()), tsp,
                                 nullptr);
    if (n < 0) {
        // EINTR: a signal handler ran; the loop re-evaluates timers and retries.
        NETRIG_ASSERT(errno == EINTR);
        return 0;
    }
    for (int i = 0; i < n; ++i) {
        const epoll_event& ev = events[static_cast<std::size_t>(i)];
        dispatch(ev.data.fd, ev.events);
    }
    return n;
}

bool executor::run_probes() {
    bool found = false;
    // By index: on_poll may add or remove registrations (one skipped is asked next turn).
    for (std::size_t i = 0; i < probes_.size(); ++i) {
        poll_registration* reg = probes_[i];
        if (reg->handler().probe()) {
            found = true;
            poll_events ev;
            ev.readable = true;
            reg->handler().on_poll(ev);
        }
    }
    return found;
}

bool executor::spin_on_probes(instant until, std::optional<instant> timer) {
    for (;;) {
        // Probes only, for one slice; then epoll once (zero timeout) for the other fds.
        const instant slice_end = std::min(until, now() + probe_poll_interval);
        for (;;) {
            if (run_probes()) {
                return true;
            }
            const instant t = now();
            if (timer && t >= *timer) {
                return true;  // the loop fires it
            }
            if (t >= slice_end) {
                break;
            }
#if defined(__x86_64__) || defined(__i386__)
            __builtin_ia32_pause();  // let a sibling hyper-thread run while we wait
#endif
        }
        const instant t = now();
        if (t >= until) {
            return false;
        }
        last_poll_ = t;
        if (poll_io(duration::zero(), false) > 0 || has_ready()) {
            return true;
        }
    }
}

void executor::drive(std::coroutine_handle<> target) {
    for (;;) {
        run_ready_batch();
        if (finished(target)) {
            return;
        }
        const instant t = now();
        fire_due_timers(t);
        // Input waiting in shared memory (an AF_XDP ring) runs without a syscall: on this
        // kind of guest an epoll_wait costs about a microsecond, as much as a small datagram's
        // whole path. epoll is still asked every probe_poll_interval for the other fds.
        const bool probed = !probes_.empty() && run_probes();
        if (probed || has_ready()) {
            // Keep fds from starving behind a stream of ready coroutines or probed input.
            if (io_registrations_ > 0 && (!probed || t - last_poll_ >= probe_poll_interval)) {
                last_poll_ = t;
                poll_io(duration::zero(), false);
            }
            continue;
        }
        const std::optional<instant> next = next_deadline();
        NETRIG_ASSERT((next.has_value() || io_registrations_ > 0) &&
                      "deadlock: nothing ready, no timer and no fd to wait for");
        if (!probes_.empty()) {
            // Busy-poll spins until something happens; otherwise for spin(), then sleeps.
            const duration spin_for = spin();
            if ((busy_poll_ || spin_for > duration::zero()) &&
                spin_on_probes(busy_poll_ ? instant::max() : t + spin_for, next)) {
                continue;
            }
        }
        last_poll_ = now();
        if (busy_poll_) {
            poll_io(duration::zero(), false);
        } else if (next.has_value()) {
            poll_io(*next - last_poll_, false);
        } else {
            poll_io(duration::zero(), true);
        }
        fire_due_timers(now());
    }
}

}  // namespace netrig::runtime
