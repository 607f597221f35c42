// SPDX-License-Identifier: MIT
// base: byte views, big-endian load/store at named offsets, and checked sub-spans.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/assert.hpp"
#include "base/result.hpp"

namespace netrig {

/// Read-only view of bytes (a frame, a header, a payload).
using bytes = std::span<const std::uint8_t>;
/// Writable view of bytes (a tx buffer being filled).
using mut_bytes = std::span<std::uint8_t>;

/// The only error a bounds check can report.
struct out_of_bounds {
    friend bool operator==(out_of_bounds, out_of_bounds) = default;
};

/// Returns b[off, off+len), or out_of_bounds. Use instead of span::subspan, whose out-of-range
/// behaviour is undefined.
[[nodiscard]] constexpr result<bytes, out_of_bounds> sub(bytes b, std::size_t off,
                                                         std::size_t len) {
    if (off > b.size() || len > b.size() - off) {
        return unexpected(out_of_bounds{});
    }
    return b.subspan(off, len);
}

/// Returns b[off, end), or out_of_bounds.
[[nodiscard]] constexpr result<bytes, out_of_bounds> sub(bytes b, std::size_t off) {
    if (off > b.size()) {
        return unexpected(out_of_bounds{});
    }
    return b.subspan(off);
}

/// Loads one byte. Preconditions: off < b.size().
[[nodiscard]] constexpr std::uint8_t load_u8(bytes b, std::size_t off) {
    NETRIG_ASSERT(off < b.size());
    return b[off];
}

/// Loads a big-endian 16-bit field. Preconditions: off + 2 <= b.size().
[[nodiscard]] constexpr std::uint16_t load_be16(bytes b, std::size_t off) {
    NETRIG_ASSERT(off + 2 <= b.size());
    return static_cast<std::uint16_t>((b[off] << 8U) | b[off + 1]);
}

/// Loads a big-endian 32-bit field. Preconditions: off + 4 <= b.size().
[[nodiscard]] constexpr std::uint32_t load_be32(bytes b, std::size_t off) {
    NETRIG_ASSERT(off + 4 <= b.size());
    return (std::uint32_t{b[off]} << 24U) | (std::uint32_t{b[off + 1]} << 16U) |
           (std::uint32_t{b[off + 2]} << 8U) | std::uint32_t{b[off + 3]};
}

/// Stores one byte. Preconditions: off < b.size().
constexpr void store_u8(mut_bytes b, std::size_t off, std::uint8_t v) {
    NETRIG_ASSERT(off < b.size());
    b[off] = v;
}

/// Stores a big-endian 16-bit field. Preconditions: off + 2 <= b.size().
constexpr void store_be16(mut_bytes b, std::size_t off, std::uint16_t v) {
    NETRIG_ASSERT(off + 2 <= b.size());
    b[off] = static_cast<std::uint8_t>(v >> 8U);
    b[off + 1] = static_cast<std::uint8_t>(v);
}

/// Stores a big-endian 32-bit field. Preconditions: off + 4 <= b.size().
constexpr void store_be32(mut_bytes b, std::size_t off, std::uint32_t v) {
    NETRIG_ASSERT(off + 4 <= b.size());
    b[off] = static_cast<std::uint8_t>(v >> 24U);
    b[off + 1] = static_cast<std::uint8_t>(v >> 16U);
    b[off + 2] = static_cast<std::uint8_t>(v >> 8U);
    b[off + 3] = static_cast<std::uint8_t>(v);
}

}  // namespace netrig
