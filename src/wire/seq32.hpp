// SPDX-License-Identifier: MIT
// wire: seq32, the wrap-aware TCP sequence number (RFC 9293 §3.4, RFC 1982 serial arithmetic).
#pragma once

#include <cstdint>

#include "base/assert.hpp"

namespace netrig::wire {

/// A 32-bit TCP sequence number. RFC 9293 §3.4: "all arithmetic dealing with sequence numbers
/// must be performed modulo 2**32". The space wraps, so the type deliberately has no operator<
/// (it is not totally ordered: a before b and b before c does not imply a before c); use the
/// named comparisons, which are correct while the numbers are less than 2^31 apart.
class seq32 {
public:
    /// Sequence number 0.
    constexpr seq32() = default;
    /// The sequence number with raw value v.
    constexpr explicit seq32(std::uint32_t v) : value_(v) {}

    /// The raw 32-bit value (for the wire and for printing).
    [[nodiscard]] constexpr std::uint32_t raw() const { return value_; }

    /// Signed distance from b to a (a - b), in (-2^31, 2^31].
    [[nodiscard]] friend constexpr std::int32_t operator-(seq32 a, seq32 b) {
        // Two's-complement reinterpretation is the RFC 1982 comparison: well defined since C++20.
        return static_cast<std::int32_t>(a.value_ - b.value_);
    }
    /// The number n bytes after s, wrapping. Preconditions: n < 2^31 (a window, not a position).
    [[nodiscard]] friend constexpr seq32 operator+(seq32 s, std::uint32_t n) {
        NETRIG_ASSERT(n <= 0x7fffffffU);
        return seq32{s.value_ + n};
    }
    /// The number n bytes before s, wrapping. Preconditions: n < 2^31.
    [[nodiscard]] friend constexpr seq32 operator-(seq32 s, std::uint32_t n) {
        NETRIG_ASSERT(n <= 0x7fffffffU);
        return seq32{s.value_ - n};
    }
    /// Advances by n bytes. Preconditions: n < 2^31.
    constexpr seq32& operator+=(std::uint32_t n) { return *this = *this + n; }

    /// True if this comes strictly before other (RFC 9293 "<" on sequence numbers).
    [[nodiscard]] constexpr bool before(seq32 other) const { return (*this - other) < 0; }
    /// True if this is before or equal to other ("=<").
    [[nodiscard]] constexpr bool before_eq(seq32 other) const { return (*this - other) <= 0; }
    /// True if this comes strictly after other.
    [[nodiscard]] constexpr bool after(seq32 other) const { return (*this - other) > 0; }
    /// True if this is after or equal to other.
    [[nodiscard]] constexpr bool after_eq(seq32 other) const { return (*this - other) >= 0; }
    /// True if first =< this < last (half-open), measured from first so it works across the wrap.
    [[nodiscard]] constexpr bool in_range(seq32 first, seq32 last) const {
        return (*this - first) >= 0 && (*this - last) < 0;
    }
    /// True if first =< this < first + size, the RFC 9293 §3.10.7.4 receive-window test
    /// ("RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND"); an empty window contains nothing.
    [[nodiscard]] constexpr bool in_window(seq32 first, std::uint32_t size) const {
        return static_cast<std::uint32_t>(value_ - first.value_) < size;
    }

    friend constexpr bool operator==(seq32, seq32) = default;

private:
    std::uint32_t value_ = 0;
};

/// The later of two sequence numbers (by wrap-aware comparison).
[[nodiscard]] constexpr seq32 seq_max(seq32 a, seq32 b) { return a.after(b) ? a : b; }
/// The earlier of two sequence numbers (by wrap-aware comparison).
[[nodiscard]] constexpr seq32 seq_min(seq32 a, seq32 b) { return a.before(b) ? a : b; }

}  // namespace netrig::wire
