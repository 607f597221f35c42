// SPDX-License-Identifier: MIT
// tools/udp_echo: the echo server on the kernel stack over loopback, against a client socket of
// the same API: sizes from 0 to a fragmenting 9000 bytes come back unchanged and are counted;
// the time limit and cancellation both end the server cleanly.
#include <gtest/gtest.h>

#include <chrono>
#include <numeric>
#include <vector>

#include "net/errc.hpp"
#include "net/kernel_stack.hpp"
#include "net/test_support.hpp"
#include "runtime/executor.hpp"
#include "runtime/sleep.hpp"
#include "runtime/task_group.hpp"
#include "runtime/timeout.hpp"
#include "tools/udp_echo/echo.hpp"

namespace netrig::tools::udp_echo {
namespace {

using namespace std::chrono_literals;

runtime::task<void> serve(net::stack& stack, echo_options options, echo_counters& counters,
                          result<void, std::error_code>& outcome) {
    outcome = co_await run_udp_echo(stack, options, counters);
}

runtime::task<void> client(net::stack& stack, std::uint16_t port, std::size_t& echoed_bytes,
                           runtime::task_group& group) {
    auto sock = stack.bind_udp(net::loopback(0));
    CO_ASSERT_TRUE(sock);
    // Let the server bind first (a cancelled sleep only shortens the wait).
    static_cast<void>(co_await runtime::sleep_for(20ms));
    std::vector<std::uint8_t> out(9000);
    std::iota(out.begin(), out.end(), std::uint8_t{0});
    std::vector<std::uint8_t> in(65536);
    for (const std::size_t size : {0UL, 1UL, 64UL, 1472UL, 1473UL, 9000UL}) {
        auto sent = co_await sock->send_to(bytes{out.data(), size}, net::loopback(port));
        CO_ASSERT_TRUE(sent);
        auto got = co_await runtime::with_timeout(2s, sock->recv_from(in));
        CO_ASSERT_TRUE(got);
        EXPECT_EQ(got->size, size);
        EXPECT_EQ(got->source, net::loopback(port));
        EXPECT_TRUE(std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size),
                               in.begin()));
        echoed_bytes += got->size;
    }
    group.cancel();  // stops the server: cancellation is a clean end
}

runtime::task<void> serve_and_check(net::stack& stack, std::uint16_t port, echo_counters& counters,
                                    result<void, std::error_code>& outcome, std::size_t& echoed) {
    runtime::task_group g;
    g.spawn(serve(stack, {.local = net::loopback(port)}, counters, outcome));
    g.spawn(client(stack, port, echoed, g));
    co_await g.join();
}

TEST(udp_echo, echoes_every_size_and_counts_it_on_the_kernel_stack) {
    auto stack = net::make_kernel_stack();
    runtime::executor ex;
    constexpr std::uint16_t port = 47007;
    echo_counters counters;
    result<void, std::error_code> outcome = unexpected(std::make_error_code(std::errc::io_error));
    std::size_t echoed = 0;
    ex.run(serve_and_check(*stack, port, counters, outcome, echoed));
    EXPECT_TRUE(outcome) << outcome.error().message();
    EXPECT_EQ(counters.datagrams, 6U);
    EXPECT_EQ(counters.bytes, 0U + 1 + 64 + 1472 + 1473 + 9000);
    EXPECT_EQ(echoed, counters.bytes);
    EXPECT_EQ(counters.send_errors, 0U);
    EXPECT_EQ(summary_line(counters), "udp-echo: 6 datagrams, 12010 bytes echoed\n");
}

TEST(udp_echo, time_limit_ends_the_run_successfully) {
    auto stack = net::make_kernel_stack();
    runtime::executor ex;
    echo_counters counters;
    const instant start = ex.now();
    net::endpoint ready{};
    auto r = ex.run(run_udp_echo(*stack,
                                 {.local = net::loopback(0),
                                  .time_limit = 100ms,
                                  .on_ready = [&ready](const net::endpoint& e) { ready = e; }},
                                 counters));
    EXPECT_TRUE(r) << r.error().message();
    EXPECT_TRUE(ready.address.is_loopback());
    EXPECT_NE(ready.port, 0);
    EXPECT_GE(ex.now() - start, 100ms);
    EXPECT_EQ(counters.datagrams, 0U);
}

TEST(udp_echo, bind_error_is_returned) {
    auto stack = net::make_kernel_stack();
    runtime::executor ex;
    auto holder = stack->bind_udp(net::loopback(0));
    ASSERT_TRUE(holder);
    echo_counters counters;
    auto r = ex.run(run_udp_echo(*stack, {.local = *holder->local()}, counters));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), net::errc::address_in_use);
}

}  // namespace
}  // namespace netrig::tools::udp_echo
