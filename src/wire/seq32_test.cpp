// SPDX-License-Identifier: MIT
// wire: tests of the wrap-aware seq32.
#include "wire/seq32.hpp"

#include <gtest/gtest.h>

#include <concepts>

namespace netrig::wire {
namespace {

// No operator<, <=, >, >= or <=>: sequence numbers are not totally ordered.
template <class T>
concept has_less = requires(T a, T b) { a < b; };
template <class T>
concept has_greater = requires(T a, T b) { a > b; };
template <class T>
concept has_spaceship = requires(T a, T b) { a <=> b; };
static_assert(!has_less<seq32>);
static_assert(!has_greater<seq32>);
static_assert(!has_spaceship<seq32>);
static_assert(!std::totally_ordered<seq32>);
static_assert(std::equality_comparable<seq32>);

TEST(seq32, comparisons_across_the_wrap) {
    const seq32 a{0xfffffff0U};
    const seq32 b = a + 0x20;
    EXPECT_EQ(b.raw(), 0x10U);
    EXPECT_TRUE(a.before(b));
    EXPECT_TRUE(b.after(a));
    EXPECT_FALSE(b.before(a));
    EXPECT_TRUE(a.before_eq(a));
    EXPECT_TRUE(a.after_eq(a));
    EXPECT_FALSE(a.before(a));
    EXPECT_EQ(b - a, 0x20);
    EXPECT_EQ(a - b, -0x20);
    EXPECT_EQ((b - 0x20U), a);
}

TEST(seq32, not_transitive_over_half_the_space) {
    // a < b < c < a around the circle: the reason there is no operator<.
    const seq32 a{0};
    const seq32 b{0x60000000U};
    const seq32 c{0xc0000000U};
    EXPECT_TRUE(a.before(b));
    EXPECT_TRUE(b.before(c));
    EXPECT_TRUE(c.before(a));
}

TEST(seq32, in_range_and_in_window) {
    const seq32 first{0xfffffffeU};
    EXPECT_TRUE(first.in_window(first, 4));
    EXPECT_TRUE((first + 3).in_window(first, 4));
    EXPECT_FALSE((first + 4).in_window(first, 4));
    EXPECT_FALSE((first - 1).in_window(first, 4));
    EXPECT_FALSE(first.in_window(first, 0));
    EXPECT_TRUE((first + 2).in_range(first, first + 4));
    EXPECT_FALSE((first + 4).in_range(first, first + 4));
    EXPECT_FALSE(first.in_range(first, first));
}

TEST(seq32, min_max_and_increment) {
    seq32 s{0xffffffffU};
    s += 1;
    EXPECT_EQ(s, seq32{0});
    EXPECT_EQ(seq_max(seq32{0xffffffffU}, seq32{1}), seq32{1});
    EXPECT_EQ(seq_min(seq32{0xffffffffU}, seq32{1}), seq32{0xffffffffU});
}

}  // namespace
}  // namespace netrig::wire
