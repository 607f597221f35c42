// SPDX-License-Identifier: MIT
// base: time as a value. The core never reads a clock; `instant` values come in from the runtime
// (a real monotonic clock, or the simulated executor's virtual clock).
#pragma once

#include <chrono>
#include <cstdint>

namespace netrig {

/// Durations are nanoseconds; use std::chrono literals to build them (10ms, 200us).
using duration = std::chrono::nanoseconds;

/// A point on a monotonic timeline that starts at zero. Real runs map it to CLOCK_MONOTONIC,
/// simulated runs to virtual time starting at instant{}.
class instant {
public:
    constexpr instant() = default;
    /// The instant `since_zero` after the origin.
    constexpr explicit instant(duration since_zero) : since_zero_(since_zero) {}

    /// Time since the origin.
    [[nodiscard]] constexpr duration since_zero() const { return since_zero_; }
    /// The largest representable instant, for "never".
    [[nodiscard]] static constexpr instant max() { return instant{duration::max()}; }

    constexpr instant& operator+=(duration d) {
        since_zero_ += d;
        return *this;
    }
    constexpr instant& operator-=(duration d) {
        since_zero_ -= d;
        return *this;
    }
    friend constexpr instant operator+(instant a, duration d) { return instant{a.since_zero_ + d}; }
    friend constexpr instant operator-(instant a, duration d) { return instant{a.since_zero_ - d}; }
    friend constexpr duration operator-(instant a, instant b) { return a.since_zero_ - b.since_zero_; }
    friend constexpr auto operator<=>(instant, instant) = default;

private:
    duration since_zero_{0};
};

/// Converts a duration to fractional seconds, for printing rates.
[[nodiscard]] constexpr double to_seconds(duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace netrig
