// SPDX-License-Identifier: MIT
#include "base/rng.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>

namespace netrig {
namespace {

TEST(rng, same_seed_same_stream_different_seed_different_stream) {
    rng a{42};
    rng b{42};
    rng c{43};
    int differ = 0;
    for (int i = 0; i < 1000; ++i) {
        const auto x = a();
        EXPECT_EQ(x, b());
        differ += x != c() ? 1 : 0;
    }
    EXPECT_GT(differ, 990);
}

TEST(rng, below_is_in_range_and_roughly_uniform) {
    rng r{7};
    std::array<int, 10> buckets{};
    for (int i = 0; i < 100000; ++i) {
        const auto v = r.below(10);
        ASSERT_LT(v, 10U);
        ++buckets[v];
    }
    for (const int n : buckets) {
        EXPECT_NEAR(n, 10000, 600);
    }
}

TEST(rng, chance_matches_probability) {
    rng r{1};
    int hits = 0;
    for (int i = 0; i < 100000; ++i) {
        hits += r.chance(0.05) ? 1 : 0;
    }
    EXPECT_NEAR(hits, 5000, 400);
    EXPECT_FALSE(rng{3}.chance(0.0));
}

TEST(rng, models_uniform_random_bit_generator) {
    static_assert(std::uniform_random_bit_generator<rng>);
    rng r{9};
    std::uniform_int_distribution<int> d(1, 6);
    const int v = d(r);
    EXPECT_GE(v, 1);
    EXPECT_LE(v, 6);
}

}  // namespace
}  // namespace netrig
