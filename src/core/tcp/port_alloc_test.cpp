// SPDX-License-Identifier: MIT
// core/tcp: RFC 6056 Algorithm 4 ephemeral ports.
#include "core/tcp/port_alloc.hpp"

#include <gtest/gtest.h>

#include <set>

namespace netrig::core::tcp {
namespace {

const wire::ipv4_address local{10, 0, 0, 1};
const wire::ipv4_address server{10, 0, 0, 2};

TEST(tcp_rfc6056, s3_3_4_ports_within_range_and_sequential_per_destination) {
    rng r{1};
    port_allocator pa{port_range{.first = 50000, .last = 50099}, r};
    const auto any = [](std::uint16_t) { return true; };
    const auto p1 = pa.allocate(local, server, 80, any);
    const auto p2 = pa.allocate(local, server, 80, any);
    ASSERT_TRUE(p1 && p2);
    EXPECT_GE(*p1, 50000);
    EXPECT_LE(*p1, 50099);
    // table[index]++ per attempt: the next port for the same destination is the next one.
    EXPECT_EQ(*p2, *p1 == 50099 ? 50000 : *p1 + 1);
}

TEST(tcp_rfc6056, s3_3_4_every_port_tried_once_then_error) {
    rng r{2};
    port_allocator pa{port_range{.first = 60000, .last = 60009}, r};
    std::set<std::uint16_t> tried;
    const auto none = pa.allocate(local, server, 443, [&](std::uint16_t p) {
        tried.insert(p);
        return false;
    });
    EXPECT_FALSE(none);
    EXPECT_EQ(tried.size(), 10U);
    EXPECT_EQ(*tried.begin(), 60000);
    EXPECT_EQ(*tried.rbegin(), 60009);
    // Skips unsuitable ports (in use by the caller's tables).
    std::set<std::uint16_t> used;
    for (int i = 0; i < 10; ++i) {
        const auto p =
            pa.allocate(local, server, 443, [&](std::uint16_t q) { return !used.contains(q); });
        ASSERT_TRUE(p);
        used.insert(*p);
    }
    EXPECT_EQ(used.size(), 10U);
    EXPECT_FALSE(
        pa.allocate(local, server, 443, [&](std::uint16_t q) { return !used.contains(q); }));
}

TEST(tcp_rfc6056, s3_3_4_destinations_get_unrelated_offsets) {
    rng r{3};
    port_allocator pa{port_range{}, r};
    const auto any = [](std::uint16_t) { return true; };
    std::set<std::uint16_t> firsts;
    for (std::uint16_t rp = 1; rp <= 50; ++rp) {
        firsts.insert(*pa.allocate(local, server, rp, any));
    }
    // 50 destinations over 16384 ports: sequential allocation would give 50 neighbours; random
    // offsets spread them (collisions are possible but rare).
    EXPECT_GE(firsts.size(), 45U);
    EXPECT_GT(*firsts.rbegin() - *firsts.begin(), 1000);
}

TEST(tcp_rfc6056, s3_3_4_seeded_so_runs_replay) {
    rng r1{9};
    rng r2{9};
    port_allocator a{port_range{}, r1};
    port_allocator b{port_range{}, r2};
    const auto any = [](std::uint16_t) { return true; };
    EXPECT_EQ(a.allocate(local, server, 80, any), b.allocate(local, server, 80, any));
}

}  // namespace
}  // namespace netrig::core::tcp
