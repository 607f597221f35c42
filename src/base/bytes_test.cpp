// SPDX-License-Identifier: MIT
#include "base/bytes.hpp"

#include <gtest/gtest.h>

#include <array>

namespace netrig {
namespace {

TEST(bytes, big_endian_round_trip) {
    std::array<std::uint8_t, 8> buf{};
    store_be16(buf, 0, 0xabcd);
    store_be32(buf, 2, 0x01020304);
    store_u8(buf, 6, 0xee);
    EXPECT_EQ(buf[0], 0xab);
    EXPECT_EQ(buf[1], 0xcd);
    EXPECT_EQ(buf[2], 0x01);
    EXPECT_EQ(buf[5], 0x04);
    EXPECT_EQ(load_be16(buf, 0), 0xabcd);
    EXPECT_EQ(load_be32(buf, 2), 0x01020304U);
    EXPECT_EQ(load_u8(buf, 6), 0xee);
}

TEST(bytes, sub_rejects_out_of_range_without_overflow) {
    std::array<std::uint8_t, 10> buf{};
    const bytes b{buf};
    EXPECT_EQ(sub(b, 2, 8)->size(), 8U);
    EXPECT_EQ(sub(b, 10, 0)->size(), 0U);
    EXPECT_FALSE(sub(b, 2, 9).has_value());
    EXPECT_FALSE(sub(b, 11, 0).has_value());
    // off + len would wrap around size_t: must still be rejected.
    EXPECT_FALSE(sub(b, 5, SIZE_MAX).has_value());
    EXPECT_FALSE(sub(b, 11).has_value());
    EXPECT_EQ(sub(b, 4)->size(), 6U);
}

TEST(bytes, constexpr_usable) {
    constexpr auto v = [] {
        std::array<std::uint8_t, 4> buf{};
        store_be32(buf, 0, 0xdeadbeef);
        return load_be32(buf, 0);
    }();
    static_assert(v == 0xdeadbeef);
    EXPECT_EQ(v, 0xdeadbeefU);
}

}  // namespace
}  // namespace netrig
