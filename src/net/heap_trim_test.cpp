// SPDX-License-Identifier: MIT
#include "net/heap_trim.hpp"

#include <gtest/gtest.h>

#include <cstddef>

namespace netrig::net::user {
namespace {

constexpr std::size_t mib = std::size_t{1} << 20U;

TEST(heap_trim_policy, growth_and_small_releases_never_trim) {
    heap_trim_policy p;
    for (std::size_t a = 0; a <= 512 * mib; a += 16 * mib) {
        EXPECT_FALSE(p.should_trim(a));
    }
    // A bulk transfer's buffers do not shrink; 7 MiB released of 10 is below the floor.
    heap_trim_policy q;
    EXPECT_FALSE(q.should_trim(10 * mib));
    EXPECT_FALSE(q.should_trim(3 * mib));
}

TEST(heap_trim_policy, a_release_of_eight_mib_or_a_quarter_trims_once) {
    heap_trim_policy p;
    EXPECT_FALSE(p.should_trim(20 * mib));
    EXPECT_TRUE(p.should_trim(12 * mib));   // 8 MiB gone, more than 12/4
    EXPECT_FALSE(p.should_trim(12 * mib));  // the mark restarted at 12 MiB
    EXPECT_FALSE(p.should_trim(5 * mib));   // 7 MiB gone: below the floor
    EXPECT_TRUE(p.should_trim(4 * mib));    // 8 MiB gone since the mark
}

TEST(heap_trim_policy, a_mass_release_costs_a_logarithmic_number_of_trims) {
    // 20,000 endpoints of 80 KiB going idle in steps of 100 connections.
    heap_trim_policy p;
    std::size_t held = 20000 * 80 * 1024;
    EXPECT_FALSE(p.should_trim(held));
    int trims = 0;
    while (held > 0) {
        held -= std::min<std::size_t>(held, 100 * 80 * 1024);
        trims += p.should_trim(held) ? 1 : 0;
    }
    EXPECT_GE(trims, 1);
    EXPECT_LE(trims, 40);
    // What stays untrimmed at the end is below the floor.
    EXPECT_FALSE(p.should_trim(0));
}

TEST(heap_trim, trimming_the_heap_is_safe_at_any_time) {
    (void)trim_heap();
    EXPECT_EQ(tcp_buffer_bytes(), 0U);  // no connection in this test process
}

}  // namespace
}  // namespace netrig::net::user
