// SPDX-License-Identifier: MIT
// wire: tests of the Internet checksum of headers, the pseudo-header sum and RFC 1624
// incremental updates (the RFC 1071 sum kernel itself is tested in base/ones_sum_test.cpp).
#include "wire/checksum.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "base/rng.hpp"

namespace netrig::wire {
namespace {

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

// Every length a frame can have on a 9000-byte MTU, at even and odd start addresses (the
// kernel loads unaligned 8-byte words), on random data and on all-0xff data, where every
// 64-bit add carries and the end-around folding is exercised at its limit.

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
