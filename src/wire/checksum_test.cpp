// SPDX-License-Identifier: MIT
// wire: tests of the RFC 1071 sum, the pseudo-header sum and RFC 1624 incremental updates.
#include "wire/checksum.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "base/rng.hpp"

namespace netrig::wire {
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

TEST(checksum, rfc1071_section3_example) {
    // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (with end-around carries).
    const std::uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(ones_sum(data), 0xddf2);
    EXPECT_EQ(internet_checksum(data), 0x220d);
}

TEST(checksum, ipv4_header_known_value) {
    // A classic worked example: header with checksum 0xb861.
    std::uint8_t hdr[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                          0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(internet_checksum(hdr), 0xb861);
    hdr[10] = 0xb8;
    hdr[11] = 0x61;
    EXPECT_TRUE(verify_checksum(hdr));
    hdr[19] ^= 1U;
    EXPECT_EQ(verify_checksum(hdr), checksums_always_verify);
}

TEST(checksum, odd_length_pads_with_zero) {
    const std::uint8_t data[] = {0x12, 0x34, 0x56};
    EXPECT_EQ(ones_sum(data), 0x1234 + 0x5600);
    EXPECT_EQ(ones_sum(bytes{}), 0);
}

TEST(checksum, fast_kernel_matches_reference_on_random_data) {
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

// Every length a frame can have on a 9000-byte MTU, at even and odd start addresses (the
// kernel loads unaligned 8-byte words), on random data and on all-0xff data, where every
// 64-bit add carries and the end-around folding is exercised at its limit.
TEST(checksum, every_length_to_9000_at_odd_offsets_matches_reference) {
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

TEST(checksum, combine_at_any_split_equals_whole) {
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

TEST(checksum, pseudo_header_matches_bytes) {
    const auto src = ipv4_address(10, 0, 0, 1);
    const auto dst = ipv4_address(192, 168, 200, 254);
    const std::uint8_t ph[] = {10, 0, 0, 1, 192, 168, 200, 254, 0, 6, 0x05, 0xdc};
    EXPECT_EQ(ipv4_pseudo_header_sum(src, dst, 6, 1500), ones_sum(ph));
}

TEST(checksum, incremental_update_equals_full_recompute) {
    rng r{1624};
    for (int iter = 0; iter < 5000; ++iter) {
        std::vector<std::uint8_t> buf(2 * (2 + r.below(40)));
        for (auto& b : buf) {
            b = static_cast<std::uint8_t>(r());
        }
        // The checksum lives in the first word, as in real headers.
        store_be16(buf, 0, 0);
        store_be16(buf, 0, internet_checksum(buf));
        ASSERT_TRUE(verify_checksum(buf));
        const std::size_t word = 1 + r.below(buf.size() / 2 - 1);
        const std::uint16_t old_csum = load_be16(buf, 0);
        if (r.chance(0.5) && word * 2 + 4 <= buf.size()) {
            const std::uint32_t old_v = load_be32(buf, word * 2);
            const auto new_v = static_cast<std::uint32_t>(r());
            store_be32(buf, word * 2, new_v);
            const std::uint16_t upd = checksum_update32(old_csum, old_v, new_v);
            store_be16(buf, 0, 0);
            ASSERT_EQ(upd, internet_checksum(buf)) << iter;
        } else {
            const std::uint16_t old_v = load_be16(buf, word * 2);
            const auto new_v = static_cast<std::uint16_t>(r());
            store_be16(buf, word * 2, new_v);
            const std::uint16_t upd = checksum_update16(old_csum, old_v, new_v);
            store_be16(buf, 0, 0);
            ASSERT_EQ(upd, internet_checksum(buf)) << iter;
        }
    }
}

TEST(checksum, rfc1624_section4_example) {
    // RFC 1624 §4: HC = 0xdd2f, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000 by eqn. 3
    // (eqn. 2 would wrongly give 0xffff).
    EXPECT_EQ(checksum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
}

TEST(checksum, udp_zero_is_sent_as_all_ones) {
    EXPECT_EQ(udp_checksum_on_wire(0), 0xffff);
    EXPECT_EQ(udp_checksum_on_wire(0x1234), 0x1234);
}

}  // namespace
}  // namespace netrig::wire
