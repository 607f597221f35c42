// SPDX-License-Identifier: MIT
// base: the RFC 1071 sum kernel against a textbook 16-bit loop, and the fused copy-and-sum.
#include "base/ones_sum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace netrig::rfc1071 {
namespace {

// RFC 1071 §4.1's loop: 16-bit big-endian words, an odd last byte padded with a zero low byte,
// carries folded at the end.
std::uint16_t reference_sum(bytes data) {
    std::uint32_t sum = 0;
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2) {
        sum += (std::uint32_t{data[i]} << 8U) | data[i + 1];
    }
    if (i < data.size()) {
        sum += std::uint32_t{data[i]} << 8U;
    }
    while ((sum >> 16U) != 0) {
        sum = (sum & 0xffffU) + (sum >> 16U);
    }
    return static_cast<std::uint16_t>(sum);
}

TEST(ones_sum, equals_the_rfc1071_loop_for_every_length_and_alignment) {
    std::mt19937 rng{3};
    std::vector<std::uint8_t> data(2100);
    for (auto& b : data) {
        b = static_cast<std::uint8_t>(rng());
    }
    for (std::size_t len = 0; len <= 2000; len += (len < 100 ? 1 : 13)) {
        for (std::size_t from = 0; from < 8; ++from) {
            const bytes chunk{data.data() + from, len};
            ASSERT_EQ(ones_sum(chunk), reference_sum(chunk)) << len << " from " << from;
        }
    }
}

TEST(combine_at, a_block_at_an_odd_offset_adds_swapped) {
    // RFC 1071 §2(B): splitting the data anywhere and combining at the offset gives the sum of
    // the whole.
    const std::vector<std::uint8_t> data{0x45, 0x00, 0x00, 0x73, 0x12, 0x34, 0xab, 0xcd, 0x01};
    for (std::size_t cut = 0; cut <= data.size(); ++cut) {
        const bytes all{data};
        EXPECT_EQ(combine_at(ones_sum(all.first(cut)), ones_sum(all.subspan(cut)), cut),
                  reference_sum(all))
            << cut;
    }
}

TEST(copy_and_sum, equals_memcpy_and_ones_sum_for_every_length_and_alignment) {
    std::mt19937 rng{7};
    std::vector<std::uint8_t> source(9100);
    for (auto& b : source) {
        b = static_cast<std::uint8_t>(rng());
    }
    std::vector<std::uint8_t> out(9100 + 16);
    for (std::size_t len = 0; len <= 9000; len += (len < 300 ? 1 : 37)) {
        for (std::size_t from = 0; from < 4; ++from) {
            for (std::size_t to = 0; to < 3; ++to) {
                const bytes src{source.data() + from, len};
                std::fill(out.begin(), out.end(), std::uint8_t{0xa5});
                const std::uint16_t sum = copy_and_sum(out.data() + to, src);
                ASSERT_EQ(sum, ones_sum(src)) << len << " " << from << " " << to;
                ASSERT_TRUE(std::equal(src.begin(), src.end(), out.begin() + to)) << len;
                // Nothing written outside the destination.
                ASSERT_TRUE(std::all_of(out.begin(), out.begin() + to,
                                        [](std::uint8_t b) { return b == 0xa5; }));
                ASSERT_TRUE(std::all_of(out.begin() + to + len, out.end(),
                                        [](std::uint8_t b) { return b == 0xa5; }));
            }
        }
    }
}

TEST(copy_and_sum, all_ones_data_keeps_the_carries) {
    // 0xffff words drive every accumulator to its end-around carries.
    for (const std::size_t len :
         {std::size_t{1}, std::size_t{2}, std::size_t{31}, std::size_t{1448}, std::size_t{65535}}) {
        const std::vector<std::uint8_t> source(len, 0xff);
        std::vector<std::uint8_t> out(len);
        EXPECT_EQ(copy_and_sum(out.data(), source), ones_sum(source)) << len;
        EXPECT_EQ(out, source);
    }
}

}  // namespace
}  // namespace netrig::rfc1071
