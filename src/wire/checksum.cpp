// SPDX-License-Identifier: MIT
// wire: the RFC 1071 sum kernel.
#include "wire/checksum.hpp"

#include <cstring>

namespace netrig::wire {

namespace {

using detail::add_carry;

std::uint64_t load_native64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, sizeof v);
    return v;
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
        a0 = add_carry(a0, load_native64(p));
        a1 = add_carry(a1, load_native64(p + 8));
        a2 = add_carry(a2, load_native64(p + 16));
        a3 = add_carry(a3, load_native64(p + 24));
        p += 32;
        n -= 32;
    }
    while (n >= 8) {
        a0 = add_carry(a0, load_native64(p));
        p += 8;
        n -= 8;
    }
    // The last 0..7 bytes, then one fold and swap.
    a1 = add_carry(a1, detail::tail_sum(p, n));
    return detail::fold_to_network(add_carry(add_carry(a0, a1), add_carry(a2, a3)));
}

}  // namespace netrig::wire
