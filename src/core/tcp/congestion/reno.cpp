// SPDX-License-Identifier: MIT
// core/tcp/congestion: NewReno (RFC 5681, RFC 3465, RFC 6582).
#include "core/tcp/congestion/reno.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace netrig::core::tcp {

std::uint32_t slow_start_cwnd(std::uint32_t cwnd, std::uint32_t ssthresh, std::uint32_t bytes_acked,
                              std::uint32_t mss, bool after_rto) {
    // RFC 3465 §2.2: slow start grows cwnd by min(N, L) per ACK, L = 2*SMSS; RFC 3465 limits L
    // to 1*SMSS in the slow start that follows a retransmission timeout, when one ACK can cover
    // a whole window of data that left the network long ago.
    const std::uint32_t limit = after_rto ? mss : 2 * mss;
    const std::uint64_t grown = std::uint64_t{cwnd} + std::min<std::uint64_t>(bytes_acked, limit);
    // Slow start ends at ssthresh (RFC 5681 §3.1: "The slow start algorithm is used when
    // cwnd < ssthresh"); the rest of this ACK's credit is not carried into avoidance.
    const std::uint64_t cap = std::max(cwnd, std::min(ssthresh, cwnd_bytes_max));
    return static_cast<std::uint32_t>(std::min(grown, cap));
}

std::uint32_t halved_ssthresh(std::uint32_t bytes_in_flight, std::uint32_t mss) {
    // RFC 5681 §3.1 eq. 4 and RFC 6582 §3.2 step 2: "ssthresh = max (FlightSize / 2, 2*SMSS)".
    return std::min(std::max(bytes_in_flight / 2, 2 * mss), cwnd_bytes_max);
}

reno::reno(std::uint32_t mss, instant /*now*/)
    : mss_(mss),
      // RFC 5681 §3.1: IW by SMSS; "The initial value of ssthresh SHOULD be set arbitrarily
      // high (e.g., to the size of the largest possible advertised window)".
      cwnd_(initial_window(mss)),
      ssthresh_(cwnd_bytes_max) {
    NETRIG_ASSERT(mss > 0);
}

void reno::on_ack(const ack_event& ev) {
    rto_pending_ = false;
    if (ev.app_limited || ev.bytes_acked == 0) {
        // Growth is earned only when cwnd was the limit (RFC 7661 §4.3's reasoning); an ACK
        // while application-limited says nothing about whether a larger window is safe.
        return;
    }
    if (cwnd_ < ssthresh_) {
        cwnd_ = slow_start_cwnd(cwnd_, ssthresh_, ev.bytes_acked, mss_, after_rto_);
        return;
    }
    after_rto_ = false;
    // RFC 3465 §2.1 (and RFC 5681 §3.1's byte-counting variant): "When bytes_acked becomes
    // greater than or equal to the value of the congestion window, bytes_acked is reduced by
    // the value of cwnd. Next, cwnd is incremented by a full-sized segment (SMSS)."
    bytes_acked_ = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(std::uint64_t{bytes_acked_} + ev.bytes_acked, cwnd_bytes_max));
    if (bytes_acked_ >= cwnd_) {
        bytes_acked_ -= cwnd_;
        cwnd_ = std::min(cwnd_ + mss_, cwnd_bytes_max);
    }
}

void reno::on_enter_recovery(instant /*now*/, std::uint32_t bytes_in_flight) {
    // RFC 6582 §3.2 step 2 / RFC 5681 §3.2 step 2: ssthresh = max(FlightSize / 2, 2*SMSS).
    ssthresh_ = halved_ssthresh(bytes_in_flight, mss_);
    // RFC 6675 §5 step 4.2: "cwnd = ssthresh"; the NewReno "+3*SMSS" inflation (RFC 6582 §3.2
    // step 2) is the tcb's, which knows the duplicate ACK count.
    cwnd_ = ssthresh_;
    bytes_acked_ = 0;
    after_rto_ = false;
    rto_pending_ = false;
}

void reno::on_exit_recovery(instant /*now*/) {
    // RFC 6582 §3.2 step 3 (full acknowledgment), option (2): "Set cwnd to ... ssthresh".
    cwnd_ = ssthresh_;
    bytes_acked_ = 0;
}

void reno::on_rto(instant /*now*/, std::uint32_t bytes_in_flight) {
    // RFC 5681 §3.1: "if the same segment is retransmitted multiple times via the
    // retransmission timer, the value of ssthresh is held constant" — a second RTO with no new
    // ACK in between is that case.
    if (!rto_pending_) {
        // RFC 5681 §3.1 eq. 4.
        ssthresh_ = halved_ssthresh(bytes_in_flight, mss_);
    }
    // RFC 5681 §3.1: "cwnd MUST be set to no more than the loss window, LW, which equals
    // 1 full-sized segment".
    cwnd_ = mss_;
    bytes_acked_ = 0;
    after_rto_ = true;
    rto_pending_ = true;
}

void reno::on_idle(instant /*now*/, duration idle, duration rto) {
    // RFC 5681 §4.1: "a TCP SHOULD set cwnd to no more than RW before beginning transmission
    // if the TCP has not sent data in an interval exceeding the retransmission timeout",
    // RW = min(IW, cwnd).
    if (idle > rto) {
        cwnd_ = std::min(initial_window(mss_), cwnd_);
        bytes_acked_ = 0;
    }
}

void reno::set_mss(std::uint32_t mss) {
    NETRIG_ASSERT(mss > 0);
    mss_ = mss;
    cwnd_ = std::max(cwnd_, mss_);
    ssthresh_ = std::max(ssthresh_, 2 * mss_);
}

}  // namespace netrig::core::tcp
