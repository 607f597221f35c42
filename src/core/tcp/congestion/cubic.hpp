// SPDX-License-Identifier: MIT
// core/tcp/congestion: CUBIC (RFC 9438): W_cubic(t) = C*(t-K)^3 + W_max in congestion avoidance,
// the Reno-friendly estimate W_est, fast convergence, beta_cubic = 0.7 reductions; slow start is
// RFC 5681's (no HyStart++).
#pragma once

#include <cstdint>
#include <optional>

#include "base/time.hpp"
#include "core/tcp/congestion/ack_event.hpp"

namespace netrig::core::tcp {

/// RFC 9438 §5.1 constant C (segments / s^3).
inline constexpr double cubic_c = 0.4;
/// RFC 9438 §5.1 multiplicative decrease factor beta_cubic.
inline constexpr double cubic_beta = 0.7;

/// CUBIC congestion window (bytes outside, segments inside the formulas). Used through
/// congestion_control; see congestion.hpp for the contract of each event.
class cubic {
public:
    /// Slow start with cwnd = IW (RFC 5681 §3.1) and ssthresh "arbitrarily high".
    /// Preconditions: mss > 0.
    cubic(std::uint32_t mss, instant now);

    /// Congestion window in bytes.
    [[nodiscard]] std::uint32_t cwnd() const { return cwnd_; }
    /// Slow-start threshold in bytes.
    [[nodiscard]] std::uint32_t ssthresh() const { return ssthresh_; }
    /// Sender MSS in bytes.
    [[nodiscard]] std::uint32_t mss() const { return mss_; }
    /// W_max in segments (window before the last reduction, after fast convergence); 0 before
    /// the first congestion event.
    [[nodiscard]] double w_max_segments() const { return w_max_; }
    /// K in seconds for the current epoch (RFC 9438 §4.2), nullopt outside an epoch.
    [[nodiscard]] std::optional<double> k_seconds() const;
    /// W_est in segments (RFC 9438 §4.3) for the current epoch.
    [[nodiscard]] double w_est_segments() const { return w_est_; }

    /// Grows cwnd for an ACK outside recovery: slow start, else RFC 9438 §4.2-§4.5.
    void on_ack(const ack_event& ev);
    /// RFC 9438 §4.6/§4.7: W_max (with fast convergence), ssthresh = cwnd*beta_cubic, cwnd =
    /// ssthresh.
    void on_enter_recovery(instant now, std::uint32_t bytes_in_flight);
    /// Recovery done: cwnd = ssthresh; the next ACK starts a new congestion-avoidance epoch.
    void on_exit_recovery(instant now);
    /// RFC 9438 §4.8: congestion event bookkeeping as for loss, then cwnd = 1 SMSS.
    void on_rto(instant now, std::uint32_t bytes_in_flight);
    /// RFC 5681 §4.1 restart window after idle > rto; the epoch restarts (RFC 9438 §5.8).
    void on_idle(instant now, duration idle, duration rto);
    /// New MSS; cwnd stays >= 1 MSS. Preconditions: mss > 0.
    void set_mss(std::uint32_t mss);

private:
    void on_congestion_event(std::uint32_t bytes_in_flight);
    void congestion_avoidance(const ack_event& ev);

    std::uint32_t mss_;
    std::uint32_t cwnd_;
    std::uint32_t ssthresh_;
    double cwnd_frac_ = 0;                // sub-byte growth carried between ACKs, in [0, 1)
    double w_max_ = 0;                    // segments
    double cwnd_prior_ = 0;               // segments: cwnd when ssthresh was last set
    double w_est_ = 0;                    // segments
    double k_ = 0;                        // seconds
    double srtt_s_ = 0;                   // smoothed RTT in seconds from ack_event::rtt samples
    std::optional<instant> epoch_start_;  // t_epoch: start of the congestion-avoidance stage
    instant last_ack_;                    // last ACK seen in congestion avoidance
    bool after_rto_ = false;              // RFC 9438 §4.8: first avoidance stage after a timeout
    bool rto_pending_ = false;            // an RTO with no new ACK since: hold ssthresh on the next
};

}  // namespace netrig::core::tcp
