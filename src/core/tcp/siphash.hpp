// SPDX-License-Identifier: MIT
// core/tcp: SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012), the
// keyed hash behind ISNs (RFC 6528 F()), SYN cookies, ephemeral port offsets (RFC 6056 F()) and
// the demux tables (hash-flooding resistance). Hand-written (about 40 lines) because Debian's
// only packaged implementation, libsodium, would pull a crypto library with OS-backed
// randomness into the sans-IO core.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.hpp"

namespace netrig::core::tcp {

/// A 128-bit SipHash key as two 64-bit words (k0 = the first 8 key bytes, little-endian).
struct siphash_key {
    std::uint64_t k0 = 0;  ///< key bytes 0..7, little-endian
    std::uint64_t k1 = 0;  ///< key bytes 8..15, little-endian

    /// The key whose bytes, in order, are `key` (the paper's byte order).
    [[nodiscard]] static constexpr siphash_key from_bytes(const std::array<std::uint8_t, 16>& key) {
        siphash_key k;
        for (std::size_t i = 0; i < 8; ++i) {
            k.k0 |= std::uint64_t{key[i]} << (8U * i);
            k.k1 |= std::uint64_t{key[i + 8]} << (8U * i);
        }
        return k;
    }
    friend constexpr bool operator==(const siphash_key&, const siphash_key&) = default;
};

/// SipHash-2-4 of `message` under `key`: 2 compression rounds per 8-byte word, 4 finalization
/// rounds. Pure function; no allocation.
[[nodiscard]] std::uint64_t siphash24(const siphash_key& key, bytes message);

}  // namespace netrig::core::tcp
