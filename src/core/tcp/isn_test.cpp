// SPDX-License-Identifier: MIT
// core/tcp: RFC 6528 ISN generation.
#include "core/tcp/isn.hpp"

#include <gtest/gtest.h>

#include <set>

namespace netrig::core::tcp {
namespace {

using namespace std::chrono_literals;

const four_tuple tuple_a{wire::ipv4_address{10, 0, 0, 1}, wire::ipv4_address{10, 0, 0, 2}, 80,
                         40000};

TEST(tcp_rfc6528, s3_m_is_a_4us_timer) {
    EXPECT_EQ(isn_generator::timer(instant{}), 0U);
    EXPECT_EQ(isn_generator::timer(instant{3us}), 0U);
    EXPECT_EQ(isn_generator::timer(instant{4us}), 1U);
    EXPECT_EQ(isn_generator::timer(instant{1s}), 250'000U);
}

TEST(tcp_rfc6528, s3_isn_grows_with_time_for_one_tuple) {
    const isn_generator gen{siphash_key{0x1234, 0x5678}};
    const auto t0 = gen.generate(instant{10s}, tuple_a);
    // Same tuple, same time: same ISN (F is a function of the tuple only).
    EXPECT_EQ(gen.generate(instant{10s}, tuple_a), t0);
    // M advances by one per 4 µs, so the ISN does exactly that for a fixed tuple.
    EXPECT_EQ(gen.generate(instant{10s + 4us}, tuple_a) - t0, 1);
    EXPECT_EQ(gen.generate(instant{11s}, tuple_a) - t0, 250'000);
    // Monotonic (in sequence space) across many steps.
    auto prev = t0;
    for (int i = 1; i <= 1000; ++i) {
        const auto cur = gen.generate(instant{10s + i * 1ms}, tuple_a);
        EXPECT_TRUE(cur.after(prev));
        prev = cur;
    }
}

TEST(tcp_rfc6528, s3_different_tuples_get_unrelated_isns) {
    const isn_generator gen{siphash_key{0x1234, 0x5678}};
    std::set<std::uint32_t> seen;
    for (std::uint16_t port = 40000; port < 40100; ++port) {
        four_tuple t = tuple_a;
        t.remote_port = port;
        seen.insert(gen.generate(instant{1s}, t).raw());
    }
    // 100 tuples at the same instant: all different (a 32-bit PRF collides with p ~ 1e-6).
    EXPECT_EQ(seen.size(), 100U);
    // Swapping local and remote is another connection, so another ISN.
    const four_tuple swapped{tuple_a.remote_address, tuple_a.local_address, tuple_a.remote_port,
                             tuple_a.local_port};
    EXPECT_NE(gen.generate(instant{1s}, swapped), gen.generate(instant{1s}, tuple_a));
}

TEST(tcp_rfc6528, s3_secret_key_changes_f) {
    const isn_generator a{siphash_key{1, 2}};
    const isn_generator b{siphash_key{1, 3}};
    EXPECT_NE(a.generate(instant{1s}, tuple_a), b.generate(instant{1s}, tuple_a));
}

}  // namespace
}  // namespace netrig::core::tcp
