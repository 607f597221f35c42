// SPDX-License-Identifier: MIT
// sim: the user stack's UDP receive path under a flood. One stack sends bursts of up to 512
// datagrams (one driver turn's worth of frames, rx_batch * rx_batches_per_turn) at the other,
// whose reader co_awaits recv_from per datagram. The driver hands the reader one batch at a
// time, so nothing is dropped as udp_queue_full with the default 64-datagram socket queue,
// every datagram arrives once and in order, and the virtual rate is millions per second.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "net/test_support.hpp"
#include "net/user_stack.hpp"
#include "sim_stack_config.hpp"
#include "runtime/sim_executor.hpp"
#include "runtime/sleep.hpp"
#include "runtime/timeout.hpp"

namespace netrig::net {
namespace {

using namespace std::chrono_literals;
using runtime::task;

using sim_test::cidr;
using sim_test::sim_config;

struct flood_params {
    std::size_t payload;  // bytes per datagram (>= 4: a sequence number leads)
    std::size_t burst;    // datagrams sent back to back, without the receiver running
    std::size_t bursts;
    duration gap;         // virtual pause between bursts
};

// Sends 1 + p.burst * p.bursts datagrams numbered from 0; `sent` counts those accepted.
task<void> flood(udp_socket& s, endpoint to, flood_params p, std::size_t& sent) {
    std::vector<std::uint8_t> buf(p.payload);
    std::uint32_t seq = 0;
    // A first datagram alone resolves the receiver's MAC, so that the bursts do not overflow
    // the (8-frame) queue of packets waiting for ARP.
    store_be32(mut_bytes{buf}, 0, seq);
    buf.back() = 0;
    CO_ASSERT_TRUE(co_await s.send_to(buf, to));
    ++seq;
    (void)co_await runtime::sleep_for(10ms);
    for (std::size_t b = 0; b < p.bursts; ++b) {
        for (std::size_t i = 0; i < p.burst; ++i) {
            store_be32(mut_bytes{buf}, 0, seq);
            buf.back() = static_cast<std::uint8_t>(seq * 13U);
            auto r = co_await s.send_to(buf, to);
            CO_ASSERT_TRUE(r);
            ++seq;
            sent = seq;
        }
        (void)co_await runtime::sleep_for(p.gap);
    }
}

struct reader_result {
    std::size_t received = 0;
    std::size_t out_of_order = 0;
    std::size_t bad = 0;
    instant first{};
    instant last{};
};

task<void> reader(udp_socket& s, std::size_t expect, std::size_t payload, reader_result& out) {
    std::vector<std::uint8_t> buf(2048);
    std::uint32_t next = 0;
    while (out.received < expect) {
        auto r = co_await runtime::with_timeout(1s, s.recv_from(buf));
        if (!r) {
            ADD_FAILURE() << "recv_from: " << r.error().message() << " after " << out.received;
            co_return;
        }
        if (out.received == 1) {
            out.first = runtime::now();  // the first datagram of the flood (after the ARP one)
        }
        out.last = runtime::now();
        ++out.received;
        const std::uint32_t seq = load_be32(bytes{buf}, 0);
        if (r->size != payload || buf[payload - 1] != static_cast<std::uint8_t>(seq * 13U)) {
            ++out.bad;
        }
        if (seq != next) {
            ++out.out_of_order;
        }
        next = seq + 1;
    }
}

struct udp_rx_flood : ::testing::TestWithParam<flood_params> {};

TEST_P(udp_rx_flood, reader_that_keeps_up_loses_nothing_to_the_queue_bound) {
    const flood_params p = GetParam();
    runtime::sim_executor ex;
    auto pair = make_user_stack_pair(sim_config("10.0.0.1/24", 1), sim_config("10.0.0.2/24", 2));
    ASSERT_TRUE(pair) << pair.error().message();
    user_stack& tx = *pair->first;
    user_stack& rx = *pair->second;
    auto sink = rx.bind_udp(endpoint{{}, 9000});
    ASSERT_TRUE(sink);
    auto src = tx.bind_udp(endpoint{});
    ASSERT_TRUE(src);

    const std::size_t total = 1 + p.burst * p.bursts;
    std::size_t sent = 0;
    reader_result got;
    ex.spawn(flood(*src, endpoint{cidr("10.0.0.2/24").address, 9000}, p, sent));
    ex.run(reader(*sink, total, p.payload, got));

    EXPECT_EQ(sent, total);
    EXPECT_EQ(got.received, total);
    EXPECT_EQ(got.out_of_order, 0U);
    EXPECT_EQ(got.bad, 0U);
    const core::counters& c = rx.core_stats();
    EXPECT_EQ(c[core::drop_reason::udp_queue_full_count], 0U) << rx.stats_report();
    EXPECT_EQ(c[core::drop_reason::udp_queue_full_bytes], 0U) << rx.stats_report();
    EXPECT_EQ(c.total_drops(), 0U) << rx.stats_report();
    EXPECT_EQ(tx.core_stats().total_drops(), 0U) << tx.stats_report();
    // The flood's virtual rate: every burst lands at once, so the reader took the whole burst
    // without the sender's pause in between (a rate above 1M datagrams/s of virtual time).
    const duration span = got.last - got.first;
    const double rate = static_cast<double>(total - 2) * 1e9 /
                        static_cast<double>(std::max<std::int64_t>(span.count(), 1));
    EXPECT_GT(rate, 1e6) << "virtual datagrams/s";
}

INSTANTIATE_TEST_SUITE_P(
    bursts, udp_rx_flood,
    ::testing::Values(
        // One driver turn's worth (8 x 64) at a time, small and full-MTU datagrams.
        flood_params{.payload = 64, .burst = 512, .bursts = 40, .gap = 100us},
        flood_params{.payload = 1472, .burst = 512, .bursts = 20, .gap = 200us},
        // A burst that is not a multiple of the batch, and more than a turn at once.
        flood_params{.payload = 64, .burst = 1000, .bursts = 10, .gap = 200us}),
    [](const ::testing::TestParamInfo<flood_params>& p) {
        return "payload" + std::to_string(p.param.payload) + "_burst" +
               std::to_string(p.param.burst);
    });

}  // namespace
}  // namespace netrig::net
