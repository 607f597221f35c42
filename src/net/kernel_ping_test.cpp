// SPDX-License-Identifier: MIT
// net: the kernel stack's ping socket on 127.0.0.1, in each kernel socket mode this process may
// use (unprivileged datagram socket if net.ipv4.ping_group_range allows it, raw if root).
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <numeric>
#include <vector>

#include "net/errc.hpp"
#include "net/kernel_ping.hpp"
#include "net/kernel_stack.hpp"
#include "net/test_support.hpp"
#include "runtime/executor.hpp"
#include "runtime/timeout.hpp"

namespace netrig::net {
namespace {

using namespace std::chrono_literals;
using runtime::task;

const wire::ipv4_address localhost{127, 0, 0, 1};

// Opens a ping socket in mode, or says why the test must be skipped.
result<ping_socket, std::error_code> open_or_reason(kernel::ping_mode mode, std::string& why) {
    auto s = kernel::open_ping_socket(mode);
    if (!s && s.error() == errc::permission_denied) {
        why = std::string("ping socket not permitted here: ") + std::string(ping_permission_hint);
    }
    return s;
}

task<void> echo_round_trips(ping_socket& s) {
    auto ident = s.ident();
    CO_ASSERT_TRUE(ident);
    for (std::uint16_t seq = 1; seq <= 3; ++seq) {
        std::vector<std::uint8_t> payload(56U * seq);
        std::iota(payload.begin(), payload.end(), static_cast<std::uint8_t>(seq));
        CO_ASSERT_TRUE(co_await s.send(localhost, seq, payload));
        std::vector<std::uint8_t> buf(2000);
        auto r = co_await runtime::with_timeout(2s, s.recv(buf));
        CO_ASSERT_TRUE(r);
        EXPECT_EQ(r->from, localhost);
        EXPECT_EQ(r->seq, seq);
        EXPECT_EQ(r->size, payload.size());
        EXPECT_FALSE(r->truncated);
        EXPECT_GT(r->ttl, 0);  // Linux replies with TTL 64 on loopback.
        EXPECT_EQ(std::vector<std::uint8_t>(buf.begin(), buf.begin() + r->size), payload);
    }
    // A reply larger than the buffer is truncated and says so.
    std::vector<std::uint8_t> big(3000, 0xab);
    CO_ASSERT_TRUE(co_await s.send(localhost, 9, big));
    std::array<std::uint8_t, 100> small{};
    auto r = co_await runtime::with_timeout(2s, s.recv(small));
    CO_ASSERT_TRUE(r);
    EXPECT_EQ(r->seq, 9);
    EXPECT_EQ(r->size, small.size());
    EXPECT_TRUE(r->truncated);
    EXPECT_EQ(small[99], 0xab);
    // Oversized and unspecified destinations are refused without sending.
    std::vector<std::uint8_t> huge(65508);
    auto too_long = co_await s.send(localhost, 10, huge);
    CO_ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error(), errc::message_too_long);
    auto unspecified = co_await s.send(wire::ipv4_address{}, 11, big);
    CO_ASSERT_FALSE(unspecified);
    EXPECT_EQ(unspecified.error(), errc::invalid_argument);
}

void run_mode(kernel::ping_mode mode) {
    runtime::executor ex;
    std::string why;
    auto s = open_or_reason(mode, why);
    if (!why.empty()) {
        GTEST_SKIP() << why;
    }
    ASSERT_TRUE(s) << s.error().message();
    ex.run(echo_round_trips(*s));
}

TEST(kernel_ping, datagram_socket_round_trips_on_loopback) { run_mode(kernel::ping_mode::datagram); }

TEST(kernel_ping, raw_socket_round_trips_on_loopback) { run_mode(kernel::ping_mode::raw); }

TEST(kernel_ping, stack_open_ping_round_trips_on_loopback) {
    runtime::executor ex;
    auto st = make_kernel_stack();
    auto s = st->open_ping();
    if (!s && s.error() == errc::permission_denied) {
        GTEST_SKIP() << ping_permission_hint;
    }
    ASSERT_TRUE(s) << s.error().message();
    ex.run(echo_round_trips(*s));
}

task<void> two_sockets_see_only_their_replies(ping_socket& a, ping_socket& b) {
    EXPECT_NE(a.ident().value(), b.ident().value());
    const std::array<std::uint8_t, 8> payload{1, 2, 3, 4, 5, 6, 7, 8};
    CO_ASSERT_TRUE(co_await a.send(localhost, 100, payload));
    CO_ASSERT_TRUE(co_await b.send(localhost, 200, payload));
    std::array<std::uint8_t, 64> buf{};
    auto rb = co_await runtime::with_timeout(2s, b.recv(buf));
    CO_ASSERT_TRUE(rb);
    EXPECT_EQ(rb->seq, 200);
    auto ra = co_await runtime::with_timeout(2s, a.recv(buf));
    CO_ASSERT_TRUE(ra);
    EXPECT_EQ(ra->seq, 100);
    // Nothing else is queued for a: its one reply was taken.
    auto none = co_await runtime::with_timeout(100ms, a.recv(buf));
    CO_ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), std::errc::timed_out);
}

TEST(kernel_ping, sockets_receive_only_replies_to_their_identifier) {
    runtime::executor ex;
    auto st = make_kernel_stack();
    auto a = st->open_ping();
    if (!a && a.error() == errc::permission_denied) {
        GTEST_SKIP() << ping_permission_hint;
    }
    ASSERT_TRUE(a);
    auto b = st->open_ping();
    ASSERT_TRUE(b);
    ex.run(two_sockets_see_only_their_replies(*a, *b));
}

task<void> recv_after_close(ping_socket& s) {
    std::array<std::uint8_t, 8> buf{};
    s.close();
    auto r = co_await s.recv(buf);
    CO_ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::closed);
    EXPECT_EQ(s.ident().error(), errc::closed);
}

TEST(kernel_ping, closed_socket_reports_closed) {
    runtime::executor ex;
    auto st = make_kernel_stack();
    auto s = st->open_ping();
    if (!s && s.error() == errc::permission_denied) {
        GTEST_SKIP() << ping_permission_hint;
    }
    ASSERT_TRUE(s);
    ex.run(recv_after_close(*s));
    ping_socket empty;
    EXPECT_FALSE(empty.is_open());
}

}  // namespace
}  // namespace netrig::net
