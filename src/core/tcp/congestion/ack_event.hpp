// SPDX-License-Identifier: MIT
// core/tcp/congestion: the ACK summary every algorithm consumes, and constants they share.
#pragma once

#include <cstdint>
#include <optional>

#include "base/time.hpp"

namespace netrig::core::tcp {

/// What one cumulative ACK that advanced SND.UNA tells the controller.
struct ack_event {
    /// When the ACK arrived.
    instant now;
    /// Bytes newly acknowledged by this ACK (SND.UNA advance).
    std::uint32_t bytes_acked = 0;
    /// Bytes in flight (FlightSize) before this ACK was processed.
    std::uint32_t bytes_in_flight = 0;
    /// A Karn-safe RTT sample taken from this ACK, if any (or the current SRTT). CUBIC smooths
    /// these for its one-RTT lookahead, target = W_cubic(t + RTT) (RFC 9438 §4.2); with none
    /// ever given it aims at W_cubic(t) and grows a little later than the RFC intends.
    std::optional<duration> rtt;
    /// True when the sender had nothing more to send (or was rwnd-limited), so cwnd was not
    /// the limit: the window is not grown (RFC 9438 §5.8; RFC 7661's reasoning).
    bool app_limited = false;
};

/// The largest cwnd/ssthresh any algorithm reports: 2^30 bytes, the largest window RFC 7323
/// window scaling can advertise; keeps byte arithmetic far from uint32 overflow.
inline constexpr std::uint32_t cwnd_bytes_max = 1U << 30;

/// RFC 5681 §3.1 initial window (IW) for a sender MSS of `mss` bytes:
/// 2*SMSS if SMSS > 2190, 3*SMSS if SMSS > 1095, else 4*SMSS. Preconditions: mss > 0.
[[nodiscard]] std::uint32_t initial_window(std::uint32_t mss);

}  // namespace netrig::core::tcp
