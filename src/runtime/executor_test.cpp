// SPDX-License-Identifier: MIT
#include "runtime/executor.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "runtime/io.hpp"
#include "runtime/poll.hpp"
#include "runtime/sleep.hpp"
#include "runtime/task_group.hpp"

namespace netrig::runtime {
namespace {

using namespace std::chrono_literals;

task<void> sleep_then_record(duration d, int id, std::vector<int>* out) {
    auto r = co_await sleep_for(d);
    EXPECT_TRUE(r.has_value());
    out->push_back(id);
}

task<void> sleepers(std::vector<int>* out) {
    task_group g;
    g.spawn(sleep_then_record(30ms, 3, out));
    g.spawn(sleep_then_record(10ms, 1, out));
    g.spawn(sleep_then_record(20ms, 2, out));
    co_await g.join();
}

TEST(executor, sleeps_wake_in_deadline_order) {
    executor ex;
    std::vector<int> order;
    const instant start = ex.now();
    ex.run(sleepers(&order));
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
    EXPECT_GE(ex.now() - start, duration{30ms});
}

task<int> sleep_and_count(int n, int* fired) {
    task_group g;
    for (int i = 0; i < n; ++i) {
        g.spawn([](int i_, int* f) -> task<void> {
            // Capture-less lambda coroutine: all state is in parameters (STYLE §7.6).
            auto r = co_await sleep_for(std::chrono::microseconds(i_ % 997));
            if (r) {
                ++*f;
            }
        }(i, fired));
    }
    co_await g.join();
    co_return *fired;
}

TEST(executor, many_timers) {
    executor ex;
    int fired = 0;
    EXPECT_EQ(ex.run(sleep_and_count(20'000, &fired)), 20'000);
}

task<int> read_after_ready(int fd) {
    auto r = co_await wait_readable(fd);
    EXPECT_TRUE(r.has_value());
    std::array<char, 16> buf{};
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    co_return static_cast<int>(n);
}

task<void> write_later(int fd, duration d) {
    (void)co_await sleep_for(d);
    EXPECT_EQ(::write(fd, "abc", 3), 3);
}

task<int> pipe_round(int rfd, int wfd) {
    task_group g;
    g.spawn(write_later(wfd, 5ms));
    const int n = co_await read_after_ready(rfd);
    co_await g.join();
    co_return n;
}

TEST(executor, wait_readable_on_pipe) {
    executor ex;
    std::array<int, 2> p{};
    ASSERT_EQ(::pipe2(p.data(), O_NONBLOCK | O_CLOEXEC), 0);
    EXPECT_EQ(ex.run(pipe_round(p[0], p[1])), 3);
    // Level-triggered: an fd that is already readable completes the wait.
    ASSERT_EQ(::write(p[1], "xy", 2), 2);
    EXPECT_EQ(ex.run(read_after_ready(p[0])), 2);
    forget_fd(p[0]);
    forget_fd(p[1]);
    EXPECT_EQ(ex.watched_fd_count(), 0U);
    ::close(p[0]);
    ::close(p[1]);
}

task<std::uint64_t> eventfd_wait(int efd) {
    auto r = co_await wait_readable(efd);
    EXPECT_TRUE(r.has_value());
    std::uint64_t v = 0;
    EXPECT_EQ(::read(efd, &v, sizeof v), static_cast<ssize_t>(sizeof v));
    co_return v;
}

task<void> eventfd_signal(int efd) {
    (void)co_await yield();
    const std::uint64_t one = 7;
    EXPECT_EQ(::write(efd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
}

TEST(executor, wait_readable_on_eventfd_with_spawn) {
    executor ex;
    const int efd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ASSERT_GE(efd, 0);
    ex.spawn(eventfd_signal(efd));
    EXPECT_EQ(ex.run(eventfd_wait(efd)), 7U);
    EXPECT_EQ(ex.spawned_count(), 0U);
    forget_fd(efd);
    ::close(efd);
}

task<std::size_t> fill_until_blocked_then_wait(int a, int b) {
    // Fill a's send buffer until EAGAIN, then wait_writable; drain from b concurrently.
    std::vector<char> chunk(4096, 'x');
    std::size_t sent = 0;
    for (;;) {
        const ssize_t n = ::send(a, chunk.data(), chunk.size(), MSG_DONTWAIT);
        if (n < 0) {
            EXPECT_EQ(errno, EAGAIN);
            break;
        }
        sent += static_cast<std::size_t>(n);
    }
    task_group g;
    g.spawn([](int fd) -> task<void> {
        std::vector<char> buf(1 << 16);
        (void)co_await sleep_for(2ms);
        // AF_UNIX streams turn writable only once most of the queue is gone: drain it all.
        ssize_t total = 0;
        for (ssize_t n = 0; (n = ::recv(fd, buf.data(), buf.size(), MSG_DONTWAIT)) > 0;) {
            total += n;
        }
        EXPECT_GT(total, 0);
    }(b));
    auto w = co_await wait_writable(a);
    EXPECT_TRUE(w.has_value());
    co_await g.join();
    co_return sent;
}

TEST(executor, wait_writable_on_socketpair) {
    executor ex;
    std::array<int, 2> sp{};
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sp.data()), 0);
    EXPECT_GT(ex.run(fill_until_blocked_then_wait(sp[0], sp[1])), 0U);
    forget_fd(sp[0]);
    forget_fd(sp[1]);
    ::close(sp[0]);
    ::close(sp[1]);
}

task<void> forever() {
    for (;;) {
        auto r = co_await sleep_for(1h);
        if (!r) {
            co_return;
        }
    }
}

task<bool> sleeps_until_stopped() {
    auto r = co_await sleep_for(1h);
    co_return !r && r.error() == std::errc::operation_canceled;
}

task<void> stop_soon(executor* ex) {
    (void)co_await sleep_for(1ms);
    ex->stop();
}

TEST(executor, stop_cancels_the_root) {
    executor ex;
    ex.spawn(stop_soon(&ex));
    EXPECT_TRUE(ex.run(sleeps_until_stopped()));
}

task<int> answer_after_yield() {
    (void)co_await yield();
    co_return 1;
}

TEST(executor, destruction_cancels_spawned_tasks) {
    executor ex;
    ex.spawn(forever());
    ex.spawn(forever());
    EXPECT_EQ(ex.spawned_count(), 2U);
    EXPECT_EQ(ex.run(answer_after_yield()), 1);
    // ~executor cancels both sleepers and runs them to completion (ASan checks the frames).
}

// --- a real TCP echo over loopback, raw non-blocking sockets driven by the reactor ---

int make_socket() {
    return ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

task<void> close_fd(int fd) {
    forget_fd(fd);
    ::close(fd);
    co_return;
}

task<void> echo_server(int listener) {
    int conn = -1;
    for (;;) {
        conn = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (conn >= 0) {
            break;
        }
        EXPECT_EQ(errno, EAGAIN);
        auto r = co_await wait_readable(listener);
        EXPECT_TRUE(r.has_value());
    }
    std::vector<char> buf(8192);
    for (;;) {
        const ssize_t n = ::recv(conn, buf.data(), buf.size(), 0);
        if (n == 0) {
            break;
        }
        if (n < 0) {
            EXPECT_EQ(errno, EAGAIN);
            (void)co_await wait_readable(conn);
            continue;
        }
        std::size_t off = 0;
        while (off < static_cast<std::size_t>(n)) {
            const ssize_t w = ::send(conn, buf.data() + off, static_cast<std::size_t>(n) - off,
                                     MSG_NOSIGNAL);
            if (w < 0) {
                EXPECT_EQ(errno, EAGAIN);
                (void)co_await wait_writable(conn);
                continue;
            }
            off += static_cast<std::size_t>(w);
        }
    }
    co_await close_fd(conn);
}

task<std::string> echo_client(std::uint16_t port, std::size_t total) {
    const int fd = make_socket();
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API.
    const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    if (rc != 0) {
        EXPECT_EQ(errno, EINPROGRESS);
        auto w = co_await wait_writable(fd);
        EXPECT_TRUE(w.has_value());
        int err = -1;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        EXPECT_EQ(err, 0);
    }
    std::string out(total, '\0');
    for (std::size_t i = 0; i < total; ++i) {
        out[i] = static_cast<char>('a' + i % 26);
    }
    std::string back;
    std::size_t sent = 0;
    std::vector<char> buf(8192);
    // Interleave sending and receiving so neither side's buffers deadlock.
    while (back.size() < total) {
        if (sent < total) {
            const ssize_t w = ::send(fd, out.data() + sent, total - sent, MSG_NOSIGNAL);
            if (w > 0) {
                sent += static_cast<std::size_t>(w);
            }
        }
        const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n > 0) {
            back.append(buf.data(), static_cast<std::size_t>(n));
            continue;
        }
        EXPECT_NE(n, 0);
        if (sent < total) {
            (void)co_await yield();
        } else {
            (void)co_await wait_readable(fd);
        }
    }
    EXPECT_EQ(back, out);
    ::shutdown(fd, SHUT_WR);
    co_await close_fd(fd);
    co_return back;
}

task<std::size_t> echo_session(int listener, std::uint16_t port) {
    task_group g;
    g.spawn(echo_server(listener));
    const std::string got = co_await echo_client(port, 1 << 20);
    co_await g.join();
    co_return got.size();
}

TEST(executor, tcp_echo_over_loopback) {
    executor ex;
    const int listener = make_socket();
    ASSERT_GE(listener, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API.
    ASSERT_EQ(::bind(listener, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener, 4), 0);
    socklen_t len = sizeof addr;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API.
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    EXPECT_EQ(ex.run(echo_session(listener, ntohs(addr.sin_port))), 1U << 20);
    forget_fd(listener);
    ::close(listener);
    EXPECT_EQ(ex.watched_fd_count(), 0U);
}

// --- poll_registration: the non-coroutine hook ---

struct counting_handler final : poll_handler {
    void on_poll(poll_events ev) override {
        if (ev.readable) {
            std::uint64_t v = 0;
            EXPECT_EQ(::read(fd, &v, sizeof v), static_cast<ssize_t>(sizeof v));
            reads += static_cast<int>(v);
        }
        if (ev.deadline) {
            ++deadlines;
        }
    }
    int fd = -1;
    int reads = 0;
    int deadlines = 0;
};

task<void> poke_eventfd(int efd, int times) {
    for (int i = 0; i < times; ++i) {
        const std::uint64_t one = 1;
        EXPECT_EQ(::write(efd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
        (void)co_await sleep_for(1ms);
    }
}

TEST(executor, poll_registration_reports_fd_and_deadline) {
    executor ex;
    const int efd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ASSERT_GE(efd, 0);
    counting_handler h;
    h.fd = efd;
    {
        poll_registration reg(efd, poll_interest{.readable = true, .writable = false}, h);
        EXPECT_FALSE(reg.error());
        reg.set_deadline(ex.now() + 2ms);
        ex.run(poke_eventfd(efd, 5));
        EXPECT_EQ(h.reads, 5);
        EXPECT_EQ(h.deadlines, 1);
    }
    forget_fd(efd);
    ::close(efd);
}

// --- probing: input in shared memory, seen without a syscall ---

// A source like an AF_XDP rx ring: another thread produces into memory (pending), and the fd
// (an eventfd nobody writes) never says so. on_poll consumes and, if it found input, tells the
// test through done_fd.
struct ring_source final : poll_handler {
    std::atomic<int> pending{0};
    std::atomic<bool> endless{false};  // probe() says "input" forever (a flood)
    int consumed = 0;
    int polls = 0;
    int done_fd = -1;
    bool probe() override { return endless.load() || pending.load() > 0; }
    void on_poll(poll_events /*ev*/) override {
        ++polls;
        const int n = pending.exchange(0);
        consumed += n;
        if (n > 0 && done_fd >= 0) {
            const std::uint64_t one = 1;
            EXPECT_EQ(::write(done_fd, &one, sizeof one), static_cast<ssize_t>(sizeof one));
        }
    }
};

struct eventfd_pair {
    int silent = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);  // the source's own fd
    int done = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    ~eventfd_pair() {
        for (int fd : {silent, done}) {
            forget_fd(fd);
            ::close(fd);
        }
    }
};

TEST(executor, probing_registration_runs_input_its_fd_does_not_report) {
    executor ex;
    eventfd_pair fds;
    ring_source src;
    src.pending = 3;
    std::vector<int> slept;
    poll_registration reg(fds.silent, poll_interest{.readable = true, .writable = false}, src);
    reg.set_probing(true);
    EXPECT_TRUE(reg.probing());
    ex.run(sleep_then_record(5ms, 0, &slept));
    EXPECT_EQ(src.consumed, 3);
    // Without probing the same input is never seen: only the fd would wake the loop.
    reg.set_probing(false);
    src.pending = 2;
    const int polls = src.polls;
    ex.run(sleep_then_record(5ms, 0, &slept));
    EXPECT_EQ(src.polls, polls);
    EXPECT_EQ(src.pending.load(), 2);
}

TEST(executor, spin_picks_up_input_and_still_serves_other_fds) {
    executor ex;
    eventfd_pair fds;
    ring_source src;
    src.done_fd = fds.done;
    poll_registration reg(fds.silent, poll_interest{.readable = true, .writable = false}, src);
    reg.set_probing(true, std::chrono::hours{1});
    EXPECT_EQ(ex.spin(), std::chrono::hours{1});
    // The input arrives while the loop has nothing else to do, so it spins: the probe must
    // see the input, and the loop must then see done_fd (written by on_poll) although the spin
    // has an hour left. If either failed the loop would spin or sleep for good, so after 5 s
    // the thread ends the spin through the probe and the test fails instead of hanging.
    std::atomic<bool> finished{false};
    std::atomic<bool> rescued{false};
    std::thread producer([&] {
        std::this_thread::sleep_for(20ms);
        src.pending = 1;
        for (int i = 0; i < 500 && !finished.load(); ++i) {
            std::this_thread::sleep_for(10ms);
        }
        if (!finished.load()) {
            rescued = true;
            src.endless = true;
            const std::uint64_t one = 1;
            (void)::write(fds.done, &one, sizeof one);
        }
    });
    auto r = ex.run([](int fd) -> task<result<void, std::error_code>> {
        co_return co_await wait_readable(fd);
    }(fds.done));
    finished = true;
    producer.join();
    EXPECT_TRUE(r.has_value());
    EXPECT_FALSE(rescued.load());
    EXPECT_EQ(src.consumed, 1);
    reg.set_probing(false);
    EXPECT_EQ(ex.spin(), duration::zero());
}

TEST(executor, endless_probed_input_does_not_starve_other_fds) {
    executor ex;
    eventfd_pair fds;
    ring_source src;
    src.endless = true;
    poll_registration reg(fds.silent, poll_interest{.readable = true, .writable = false}, src);
    reg.set_probing(true);
    // Another fd becomes readable while the probe says "input" at every turn; the loop must
    // still ask epoll. The thread ends the flood after 5 s so that a failure cannot hang.
    std::atomic<bool> done{false};
    std::thread other([&] {
        std::this_thread::sleep_for(10ms);
        const std::uint64_t one = 1;
        EXPECT_EQ(::write(fds.done, &one, sizeof one), static_cast<ssize_t>(sizeof one));
        for (int i = 0; i < 500 && !done.load(); ++i) {
            std::this_thread::sleep_for(10ms);
        }
        src.endless = false;
    });
    auto r = ex.run([](int fd, ring_source* s) -> task<bool> {
        (void)co_await wait_readable(fd);
        co_return s->endless.load();
    }(fds.done, &src));
    done = true;
    other.join();
    EXPECT_TRUE(r) << "the other fd was served only after the flood ended";
    EXPECT_GT(src.polls, 1);
}

TEST(executor, regular_file_cannot_be_waited) {
    executor ex;
    const int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto r = ex.run([](int f) -> task<result<void, std::error_code>> {
        co_return co_await wait_readable(f);
    }(fd));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), std::errc::operation_not_permitted);
    forget_fd(fd);
    ::close(fd);
}

}  // namespace
}  // namespace netrig::runtime

namespace netrig::runtime {
namespace {

task<std::error_code> wait_and_report(int fd) {
    auto r = co_await wait_readable(fd);
    co_return r ? std::error_code{} : r.error();
}

task<void> forget_later(int fd) {
    (void)co_await yield();
    forget_fd(fd);
}

task<std::error_code> forget_while_waiting(int fd) {
    task_group g;
    g.spawn(forget_later(fd));
    const std::error_code ec = co_await wait_and_report(fd);
    co_await g.join();
    co_return ec;
}

TEST(executor, forget_fd_completes_waiters_with_bad_file_descriptor) {
    executor ex;
    std::array<int, 2> p{};
    ASSERT_EQ(::pipe2(p.data(), O_NONBLOCK | O_CLOEXEC), 0);
    EXPECT_EQ(ex.run(forget_while_waiting(p[0])), std::errc::bad_file_descriptor);
    EXPECT_EQ(ex.watched_fd_count(), 0U);
    ::close(p[0]);
    ::close(p[1]);
}

}  // namespace
}  // namespace netrig::runtime
