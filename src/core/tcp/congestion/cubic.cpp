// SPDX-License-Identifier: MIT
// core/tcp/congestion: CUBIC (RFC 9438). Windows are bytes at the interface and (fractional)
// segments inside the formulas, as in the RFC.
#include "core/tcp/congestion/cubic.hpp"

#include <algorithm>
#include <cmath>

#include "base/assert.hpp"
#include "core/tcp/congestion/reno.hpp"

namespace netrig::core::tcp {

namespace {

// RFC 9438 §4.3: "alpha_cubic = 3 * (1 - beta_cubic) / (1 + beta_cubic)".
constexpr double alpha_cubic = 3.0 * (1.0 - cubic_beta) / (1.0 + cubic_beta);

double seconds(duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace

cubic::cubic(std::uint32_t mss, instant now)
    : mss_(mss), cwnd_(initial_window(mss)), ssthresh_(cwnd_bytes_max), last_ack_(now) {
    NETRIG_ASSERT(mss > 0);
}

std::optional<double> cubic::k_seconds() const {
    if (!epoch_start_) {
        return std::nullopt;
    }
    return k_;
}

void cubic::on_ack(const ack_event& ev) {
    rto_pending_ = false;
    if (ev.rtt) {
        // RFC 9438 §4.2 uses "the smoothed round-trip time"; the tcb hands raw samples, so
        // smooth them here with RFC 6298's alpha = 1/8.
        const double sample = seconds(*ev.rtt);
        srtt_s_ = srtt_s_ == 0 ? sample : srtt_s_ + (sample - srtt_s_) / 8;
    }
    if (ev.app_limited || ev.bytes_acked == 0) {
        // RFC 9438 §5.8: "CUBIC does not increase its congestion window if a flow is
        // application-limited", and §4.2: t "MUST NOT include periods during which cwnd has
        // not been updated due to application-limited behavior" — slide the epoch forward.
        if (epoch_start_ && ev.now > last_ack_) {
            *epoch_start_ += ev.now - last_ack_;
        }
        last_ack_ = ev.now;
        return;
    }
    if (cwnd_ < ssthresh_) {
        // RFC 9438 §4.10: CUBIC "MAY use the Reno TCP slow start algorithm [RFC5681]".
        cwnd_ = slow_start_cwnd(cwnd_, ssthresh_, ev.bytes_acked, mss_, after_rto_);
        cwnd_frac_ = 0;
        last_ack_ = ev.now;
        return;
    }
    congestion_avoidance(ev);
    last_ack_ = ev.now;
}

void cubic::congestion_avoidance(const ack_event& ev) {
    const double mss = mss_;
    double cwnd = (cwnd_ + cwnd_frac_) / mss;
    if (!epoch_start_) {
        // A new congestion-avoidance stage: t_epoch = now, cwnd_epoch = cwnd.
        epoch_start_ = ev.now;
        if (after_rto_ || w_max_ <= cwnd) {
            // RFC 9438 §4.8: in the first avoidance stage after a timeout "K is set to 0, and
            // W_max is set to the congestion window size at the beginning of the current
            // congestion avoidance stage" (and likewise when cwnd already is at or above W_max).
            w_max_ = cwnd;
            k_ = 0;
        } else {
            // RFC 9438 §4.2 Figure 2: K = cubic_root((W_max - cwnd_epoch) / C).
            k_ = std::cbrt((w_max_ - cwnd) / cubic_c);
        }
        // RFC 9438 §4.3: "W_est is set equal to cwnd_epoch at the start of the congestion
        // avoidance stage" (§4.8: also after a timeout).
        w_est_ = cwnd;
        after_rto_ = false;
    }
    const double t = seconds(ev.now - *epoch_start_);
    const double segments_acked = ev.bytes_acked / mss;

    // RFC 9438 §4.3 Figure 4: W_est += alpha * segments_acked / cwnd, and "Once W_est has grown
    // to reach the cwnd at the time of most recently setting ssthresh ... the sender SHOULD set
    // alpha_cubic to 1".
    const double alpha = w_est_ >= cwnd_prior_ ? 1.0 : alpha_cubic;
    w_est_ += alpha * segments_acked / cwnd;

    // RFC 9438 §4.2 Figure 1: W_cubic(t) = C * (t - K)^3 + W_max.
    const auto w_cubic = [&](double at) { return cubic_c * std::pow(at - k_, 3.0) + w_max_; };
    double next = cwnd;
    if (w_cubic(t) < w_est_) {
        // RFC 9438 §4.3: "If so, CUBIC is in the Reno-friendly region and cwnd SHOULD be set to
        // W_est at each reception of a new ACK." (Never below the current cwnd.)
        next = std::max(cwnd, w_est_);
    } else {
        // RFC 9438 §4.2: target = W_cubic(t + RTT) bounded to [cwnd, 1.5 * cwnd]; §4.4/§4.5:
        // "cwnd MUST be incremented by (target - cwnd) / cwnd for each received new ACK" —
        // per MSS-sized segment acknowledged, since this counts bytes.
        const double target = std::clamp(w_cubic(t + srtt_s_), cwnd, 1.5 * cwnd);
        next = cwnd + (target - cwnd) / cwnd * segments_acked;
    }
    const double bytes = std::min(next * mss, static_cast<double>(cwnd_bytes_max));
    cwnd_ = static_cast<std::uint32_t>(bytes);
    cwnd_frac_ = bytes - cwnd_;
}

void cubic::on_congestion_event(std::uint32_t bytes_in_flight) {
    const double cwnd = (cwnd_ + cwnd_frac_) / mss_;
    // RFC 9438 §4.7 fast convergence, applied "before the window reduction": W_max =
    // cwnd * (1 + beta_cubic) / 2 if cwnd < W_max, else cwnd.
    w_max_ = cwnd < w_max_ ? cwnd * (1.0 + cubic_beta) / 2.0 : cwnd;
    // RFC 9438 §4.6 Figure 5: ssthresh = flight_size * beta_cubic, at least 2 MSS;
    // cwnd_prior = cwnd.
    cwnd_prior_ = cwnd;
    const double ssthresh = std::max(bytes_in_flight * cubic_beta, 2.0 * mss_);
    ssthresh_ = static_cast<std::uint32_t>(std::min(ssthresh, static_cast<double>(cwnd_bytes_max)));
    epoch_start_.reset();
    cwnd_frac_ = 0;
}

void cubic::on_enter_recovery(instant /*now*/, std::uint32_t bytes_in_flight) {
    on_congestion_event(bytes_in_flight);
    // RFC 9438 §4.6: "reduction on loss, cwnd is at least 2 MSS": cwnd = max(ssthresh, 2).
    cwnd_ = std::max(ssthresh_, 2 * mss_);
    after_rto_ = false;
    rto_pending_ = false;
}

void cubic::on_exit_recovery(instant now) {
    // The recovery point is acknowledged: congestion avoidance resumes from ssthresh and a new
    // epoch starts with the next ACK (RFC 9438 §4.2, t_epoch).
    cwnd_ = ssthresh_;
    cwnd_frac_ = 0;
    epoch_start_.reset();
    last_ack_ = now;
}

void cubic::on_rto(instant now, std::uint32_t bytes_in_flight) {
    // RFC 9438 §4.8: "CUBIC follows Reno to reduce cwnd [RFC5681], but sets ssthresh using
    // beta_cubic (same as in Section 4.6)". Repeated timeouts of the same segment hold
    // ssthresh (RFC 5681 §3.1).
    if (!rto_pending_) {
        on_congestion_event(bytes_in_flight);
    }
    // RFC 5681 §3.1: loss window LW = 1 full-sized segment.
    cwnd_ = mss_;
    cwnd_frac_ = 0;
    epoch_start_.reset();
    after_rto_ = true;
    rto_pending_ = true;
    last_ack_ = now;
}

void cubic::on_idle(instant now, duration idle, duration rto) {
    if (idle > rto) {
        // RFC 5681 §4.1 restart window RW = min(IW, cwnd); the epoch restarts from it.
        cwnd_ = std::min(initial_window(mss_), cwnd_);
        cwnd_frac_ = 0;
        epoch_start_.reset();
    } else if (epoch_start_) {
        // RFC 9438 §5.8: t must not include idle periods, "otherwise W_cubic(t) might be very
        // high after restarting from these periods".
        *epoch_start_ += idle;
    }
    last_ack_ = now;
}

void cubic::set_mss(std::uint32_t mss) {
    NETRIG_ASSERT(mss > 0);
    // W_max, W_est and cwnd_prior are in segments of the old size: rescale to keep their bytes.
    const double scale = static_cast<double>(mss_) / mss;
    w_max_ *= scale;
    w_est_ *= scale;
    cwnd_prior_ *= scale;
    mss_ = mss;
    cwnd_ = std::max(cwnd_, mss_);
    ssthresh_ = std::max(ssthresh_, 2 * mss_);
}

}  // namespace netrig::core::tcp
