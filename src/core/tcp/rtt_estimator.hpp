// SPDX-License-Identifier: MIT
// core/tcp: the retransmission timer's estimator (RFC 6298): SRTT, RTTVAR, RTO with back-off.
// Sans-IO: samples come in as durations measured by the caller; nothing here reads a clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "base/time.hpp"

namespace netrig::core::tcp {

/// Bounds of the retransmission timeout.
struct rto_limits {
    /// RFC 6298 §2.1: RTO before the first sample ("SHOULD set RTO <- 1 second").
    duration initial = std::chrono::seconds{1};
    /// RFC 6298 §2.4: lower clamp ("SHOULD be rounded up to 1 second"; like Linux we use 200 ms,
    /// a documented deviation that the RFC allows for).
    duration min = std::chrono::milliseconds{200};
    /// RFC 6298 §2.5: "A maximum value MAY be placed on RTO provided it is at least 60 seconds."
    duration max = std::chrono::seconds{120};
    /// RFC 6298 §2.2/§2.3: G, the clock granularity; RTO = SRTT + max(G, K*RTTVAR).
    duration granularity = std::chrono::milliseconds{1};
};

/// RFC 6298 RTT estimator. One per connection. The caller feeds only Karn-safe samples (RFC 6298
/// §3: from a timestamp echo, or from a segment that was never retransmitted).
class rtt_estimator {
public:
    /// An estimator with no samples: rto() == limits.initial.
    /// Preconditions: 0 < limits.min <= limits.initial <= limits.max.
    explicit rtt_estimator(rto_limits limits = {});

    /// Folds in one measured round-trip time (RFC 6298 §2.2 first sample, §2.3 later ones) and
    /// recomputes RTO, which also ends any back-off.
    /// Preconditions: rtt >= 0.
    void on_sample(duration rtt);
    /// The retransmission timer expired: RFC 6298 §5.5 doubles RTO, capped at limits.max.
    void on_timeout();
    /// Forgets the back-off (call when new data is acknowledged); rto() returns to the value
    /// computed from SRTT/RTTVAR (or limits.initial before any sample).
    void reset_backoff();
    /// The handshake completed after the SYN (or SYN-ACK) timed out at least once: RFC 6298
    /// §5.7 re-initialises RTO to 3 s (when it was lower) for the start of data transfer. Has
    /// no effect once a sample exists (a measured RTO is better than the fallback).
    void on_handshake_after_syn_timeout();

    /// The current retransmission timeout, back-off included, within [limits.min, limits.max].
    [[nodiscard]] duration rto() const;
    /// The smoothed RTT, or nullopt before the first sample.
    [[nodiscard]] std::optional<duration> srtt() const;
    /// The RTT variation (zero before the first sample).
    [[nodiscard]] duration rttvar() const;
    /// The smallest sample seen over the connection's life, or nullopt before the first.
    [[nodiscard]] std::optional<duration> min_rtt() const;
    /// How many times on_timeout() has doubled RTO since the last reset (for give-up policies).
    [[nodiscard]] std::uint32_t backoff_count() const { return backoff_count_; }

private:
    void update_base_rto();

    rto_limits limits_;
    std::optional<duration> srtt_;
    duration rttvar_{0};
    std::optional<duration> min_rtt_;
    duration base_rto_;  // RTO from the estimator, clamped, without back-off
    duration rto_;       // base_rto_ after back-off, capped at limits_.max
    std::uint32_t backoff_count_ = 0;
};

}  // namespace netrig::core::tcp
