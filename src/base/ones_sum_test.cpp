// SPDX-License-Identifier: MIT
// base: the RFC 1071 sum kernel against a textbook 16-bit loop, and the fused copy-and-sum.
#include "base/ones_sum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "base/rng.hpp"

namespace netrig::rfc1071 {
namespace {

// The textbook 16-bit loop of RFC 1071 §4.1, the reference the fast kernel must match.
std::uint16_t reference_sum(bytes data) {
    std::uint32_t sum = 0;
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2) {
        sum += static_cast<std::uint32_t>(data[i] << 8U | data[i + 1]);
    }
    if (i < data.size()) {
        sum += static_cast<std::uint32_t>(data[i] << 8U);
    }
    while (sum >> 16U) {
        sum = (sum & 0xffffU) + (sum >> 16U);
    }
    return static_cast<std::uint16_t>(sum);
}

TEST(ones_sum, rfc1071_section3_example) {
    // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (with end-around carries).
    const std::uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(ones_sum(data), 0xddf2);
}

TEST(ones_sum, odd_length_pads_with_zero) {
    const std::uint8_t data[] = {0x12, 0x34, 0x56};
    EXPECT_EQ(ones_sum(data), 0x1234 + 0x5600);
    EXPECT_EQ(ones_sum(bytes{}), 0);
}

TEST(ones_sum, fast_kernel_matches_reference_on_random_data) {
    rng r{1071};
    std::vector<std::uint8_t> buf(70000);
    for (auto& b : buf) {
        b = static_cast<std::uint8_t>(r());
    }
    for (int i = 0; i < 2000; ++i) {
        const std::size_t off = r.below(64);
        const std::size_t len = r.below(i < 1000 ? 128 : buf.size() - off);
        const bytes chunk{buf.data() + off, len};
        ASSERT_EQ(ones_sum(chunk), reference_sum(chunk)) << "off " << off << " len " << len;
    }
    // All ones words stress the carries.
    std::vector<std::uint8_t> ones(65536, 0xff);
    EXPECT_EQ(ones_sum(ones), reference_sum(ones));
}

TEST(ones_sum, every_length_to_9000_at_odd_offsets_matches_reference) {
    rng r{9000};
    std::vector<std::uint8_t> random_buf(9000 + 8);
    for (auto& b : random_buf) {
        b = static_cast<std::uint8_t>(r());
    }
    const std::vector<std::uint8_t> ones(9000 + 8, 0xff);
    for (std::size_t len = 0; len <= 9000; ++len) {
        const std::size_t off = len % 8;  // all eight alignments, spread over the lengths
        const bytes chunk{random_buf.data() + off, len};
        ASSERT_EQ(ones_sum(chunk), reference_sum(chunk)) << "off " << off << " len " << len;
        const bytes ff{ones.data() + 1 + (len % 3), len};
        ASSERT_EQ(ones_sum(ff), reference_sum(ff)) << "all-0xff len " << len;
    }
    // All-0xff sums to 0xffff (even length) or 0xff00 plus carries (odd length): the
    // one's-complement "negative zero" must come out as such, not as 0.
    EXPECT_EQ(ones_sum(bytes{ones.data(), 1500}), 0xffff);
    EXPECT_EQ(ones_sum(bytes{ones.data() + 1, 1501}), reference_sum(bytes{ones.data(), 1501}));
}

TEST(combine_at, any_split_equals_whole) {
    rng r{7};
    std::vector<std::uint8_t> buf(301);
    for (auto& b : buf) {
        b = static_cast<std::uint8_t>(r());
    }
    const std::uint16_t whole = ones_sum(buf);
    for (std::size_t split = 0; split <= buf.size(); ++split) {
        const bytes a{buf.data(), split};
        const bytes b{buf.data() + split, buf.size() - split};
        ASSERT_EQ(combine_at(ones_sum(a), ones_sum(b), split), whole) << split;
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
