// SPDX-License-Identifier: MIT
// core/tcp: hash_index: bounds, backward-shift deletion under churn against a reference map.
#include "core/tcp/hash_index.hpp"

#include <gtest/gtest.h>

#include <map>

#include "base/rng.hpp"
#include "core/tcp/four_tuple.hpp"

namespace netrig::core::tcp {
namespace {

four_tuple tuple_for(std::uint32_t n) {
    return four_tuple{wire::ipv4_address{10, 0, 0, 1},
                      wire::ipv4_address::from_u32(0x0a010000U + (n >> 8U)), 80,
                      static_cast<std::uint16_t>(1024 + (n & 0xffU))};
}

TEST(hash_index, insert_find_erase_and_bound) {
    hash_index<four_tuple> idx{4, siphash_key{1, 2}};
    EXPECT_TRUE(idx.insert(tuple_for(1), 10));
    EXPECT_FALSE(idx.insert(tuple_for(1), 11));  // duplicate key
    EXPECT_TRUE(idx.insert(tuple_for(2), 20));
    EXPECT_TRUE(idx.insert(tuple_for(3), 30));
    EXPECT_TRUE(idx.insert(tuple_for(4), 40));
    EXPECT_FALSE(idx.insert(tuple_for(5), 50));  // bound reached
    EXPECT_EQ(idx.size(), 4U);
    EXPECT_EQ(idx.find(tuple_for(3)), 30U);
    EXPECT_EQ(idx.erase(tuple_for(3)), 30U);
    EXPECT_FALSE(idx.find(tuple_for(3)));
    EXPECT_FALSE(idx.erase(tuple_for(3)));
    EXPECT_TRUE(idx.insert(tuple_for(5), 50));
    EXPECT_EQ(idx.find(tuple_for(5)), 50U);
}

TEST(hash_index, random_churn_matches_reference_map) {
    constexpr std::size_t max = 1000;
    hash_index<four_tuple> idx{max, siphash_key{3, 4}};
    std::map<std::uint32_t, std::uint32_t> ref;
    rng r{42};
    for (int step = 0; step < 200'000; ++step) {
        const auto n = static_cast<std::uint32_t>(r.below(3000));
        if (r.chance(0.5)) {
            const bool ok = idx.insert(tuple_for(n), n);
            const bool ref_ok = !ref.contains(n) && ref.size() < max;
            ASSERT_EQ(ok, ref_ok) << "step " << step;
            if (ok) {
                ref[n] = n;
            }
        } else {
            const auto got = idx.erase(tuple_for(n));
            ASSERT_EQ(got.has_value(), ref.erase(n) == 1) << "step " << step;
        }
        if (step % 1000 == 0) {
            for (std::uint32_t k = 0; k < 3000; ++k) {
                ASSERT_EQ(idx.find(tuple_for(k)).has_value(), ref.contains(k)) << k;
            }
        }
    }
    EXPECT_EQ(idx.size(), ref.size());
}

// The last-hit hint must never answer for a key whose slot was emptied or refilled by erase's
// backward shift or a later insert: a small table with long probe chains, finds interleaved
// with churn, every answer checked against the reference.
TEST(hash_index, last_hit_hint_survives_churn_and_shifts) {
    constexpr std::size_t max = 12;  // 16 slots: chains and shifts are frequent
    hash_index<four_tuple> idx{max, siphash_key{5, 6}};
    std::map<std::uint32_t, std::uint32_t> ref;
    rng r{9};
    for (int step = 0; step < 100'000; ++step) {
        const auto n = static_cast<std::uint32_t>(r.below(24));
        const auto op = r.below(4);
        if (op == 0) {
            const auto id = static_cast<std::uint32_t>(step);
            if (idx.insert(tuple_for(n), id)) {
                ref[n] = id;
            }
        } else if (op == 1) {
            const auto got = idx.erase(tuple_for(n));
            ASSERT_EQ(got.has_value(), ref.erase(n) == 1) << "step " << step;
        }
        // Repeat finds of one key (the hint path) and of another (the probe path).
        for (const std::uint32_t k : {n, n, static_cast<std::uint32_t>(r.below(24)), n}) {
            const auto it = ref.find(k);
            const auto got = idx.find(tuple_for(k));
            ASSERT_EQ(got.has_value(), it != ref.end()) << "step " << step << " key " << k;
            if (got) {
                ASSERT_EQ(*got, it->second) << "step " << step << " key " << k;
            }
        }
    }
}

TEST(hash_index, compact_for_ten_thousand_connections) {
    hash_index<four_tuple> idx{10'000, siphash_key{}};
    // 16-byte slots, 16384 of them: 256 KiB for 10k connections.
    EXPECT_LE(idx.memory_bytes(), 256U * 1024U);
}

}  // namespace
}  // namespace netrig::core::tcp
