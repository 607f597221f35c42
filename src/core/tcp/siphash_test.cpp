// SPDX-License-Identifier: MIT
// core/tcp: SipHash-2-4 against the reference vectors of the paper and its reference code.
#include "core/tcp/siphash.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace netrig::core::tcp {
namespace {

std::array<std::uint8_t, 16> paper_key_bytes() {
    std::array<std::uint8_t, 16> k{};
    for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = static_cast<std::uint8_t>(i);
    }
    return k;
}

std::array<std::uint8_t, 64> counting_message() {
    std::array<std::uint8_t, 64> m{};
    for (std::size_t i = 0; i < m.size(); ++i) {
        m[i] = static_cast<std::uint8_t>(i);
    }
    return m;
}

TEST(siphash24, paper_appendix_a_vector) {
    // Appendix A: key 00..0f, message 00..0e (15 bytes).
    const auto key = siphash_key::from_bytes(paper_key_bytes());
    EXPECT_EQ(key.k0, 0x0706050403020100ULL);
    EXPECT_EQ(key.k1, 0x0f0e0d0c0b0a0908ULL);
    const auto msg = counting_message();
    EXPECT_EQ(siphash24(key, bytes{msg}.first(15)), 0xa129ca6149be45e5ULL);
}

TEST(siphash24, reference_vectors_every_tail_length) {
    // vectors.h of the reference implementation (lengths 0..4, one full word, and 63 bytes:
    // every tail length and the multi-word path).
    const auto key = siphash_key::from_bytes(paper_key_bytes());
    const auto msg = counting_message();
    const bytes m{msg};
    EXPECT_EQ(siphash24(key, m.first(0)), 0x726fdb47dd0e0e31ULL);
    EXPECT_EQ(siphash24(key, m.first(1)), 0x74f839c593dc67fdULL);
    EXPECT_EQ(siphash24(key, m.first(2)), 0x0d6c8009d9a94f5aULL);
    EXPECT_EQ(siphash24(key, m.first(3)), 0x85676696d7fb7e2dULL);
    EXPECT_EQ(siphash24(key, m.first(4)), 0xcf2794e0277187b7ULL);
    EXPECT_EQ(siphash24(key, m.first(8)), 0x93f5f5799a932462ULL);
    EXPECT_EQ(siphash24(key, m.first(63)), 0x958a324ceb064572ULL);
}

TEST(siphash24, key_changes_output) {
    const auto msg = counting_message();
    const siphash_key a{1, 2};
    const siphash_key b{1, 3};
    EXPECT_NE(siphash24(a, bytes{msg}.first(12)), siphash24(b, bytes{msg}.first(12)));
}

}  // namespace
}  // namespace netrig::core::tcp
