// SPDX-License-Identifier: MIT
// core/tcp/congestion: NewReno window arithmetic — RFC 5681 slow start and congestion avoidance
// with appropriate byte counting (RFC 3465, L = 2*SMSS), RFC 6582 reduction, RFC 5681 §4.1 restart.
#pragma once

#include <cstdint>

#include "base/time.hpp"
#include "core/tcp/congestion/ack_event.hpp"

namespace netrig::core::tcp {

/// NewReno congestion window (bytes). Used through congestion_control; see congestion.hpp for
/// the contract of each event.
class reno {
public:
    /// Slow start with cwnd = IW (RFC 5681 §3.1) and ssthresh "arbitrarily high".
    /// Preconditions: mss > 0.
    reno(std::uint32_t mss, instant now);

    /// Congestion window in bytes.
    [[nodiscard]] std::uint32_t cwnd() const { return cwnd_; }
    /// Slow-start threshold in bytes.
    [[nodiscard]] std::uint32_t ssthresh() const { return ssthresh_; }
    /// Sender MSS in bytes.
    [[nodiscard]] std::uint32_t mss() const { return mss_; }

    /// Grows cwnd for an ACK outside recovery.
    void on_ack(const ack_event& ev);
    /// Fast retransmit: RFC 6582 §3.2 step 2 ssthresh = max(FlightSize/2, 2*SMSS), cwnd = ssthresh.
    void on_enter_recovery(instant now, std::uint32_t bytes_in_flight);
    /// Full ACK of the recovery point: cwnd = ssthresh (RFC 6582 §3.2 step 3, option 2).
    void on_exit_recovery(instant now);
    /// RFC 5681 §3.1 eq. 4 and loss window: ssthresh = max(FlightSize/2, 2*SMSS), cwnd = 1 SMSS.
    void on_rto(instant now, std::uint32_t bytes_in_flight);
    /// RFC 5681 §4.1: after idle > rto, cwnd = min(RW, cwnd) with RW = min(IW, cwnd).
    void on_idle(instant now, duration idle, duration rto);
    /// New MSS; cwnd stays >= 1 MSS. Preconditions: mss > 0.
    void set_mss(std::uint32_t mss);

private:
    std::uint32_t mss_;
    std::uint32_t cwnd_;
    std::uint32_t ssthresh_;
    std::uint32_t bytes_acked_ = 0;  // RFC 3465 §2.1 byte counter for congestion avoidance
    bool after_rto_ = false;         // slow start after a timeout: ABC limit L = 1*SMSS
    bool rto_pending_ = false;       // an RTO with no new ACK since: hold ssthresh on the next
};

/// RFC 5681 §3.1 slow start with RFC 3465 appropriate byte counting, shared by reno and cubic:
/// cwnd += min(bytes_acked, L) with L = 2*SMSS, or 1*SMSS right after a timeout, and not past
/// ssthresh. Returns the new cwnd (at most cwnd_bytes_max).
[[nodiscard]] std::uint32_t slow_start_cwnd(std::uint32_t cwnd, std::uint32_t ssthresh,
                                            std::uint32_t bytes_acked, std::uint32_t mss,
                                            bool after_rto);
/// RFC 5681 eq. 4 / RFC 6582 §3.2 step 2: max(FlightSize / 2, 2*SMSS).
[[nodiscard]] std::uint32_t halved_ssthresh(std::uint32_t bytes_in_flight, std::uint32_t mss);

}  // namespace netrig::core::tcp
