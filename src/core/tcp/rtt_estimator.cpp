// SPDX-License-Identifier: MIT
// core/tcp: RFC 6298 RTO computation.
#include "core/tcp/rtt_estimator.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace netrig::core::tcp {

namespace {

// RFC 6298 §2: "The above SHOULD be computed using alpha=1/8 and beta=1/4", and K = 4.
constexpr std::int64_t alpha_inverse = 8;
constexpr std::int64_t beta_inverse = 4;
constexpr std::int64_t k = 4;

}  // namespace

rtt_estimator::rtt_estimator(rto_limits limits)
    : limits_(limits), base_rto_(limits.initial), rto_(limits.initial) {
    NETRIG_ASSERT(limits.min > duration::zero());
    NETRIG_ASSERT(limits.min <= limits.initial);
    NETRIG_ASSERT(limits.initial <= limits.max);
}

void rtt_estimator::on_sample(duration rtt) {
    NETRIG_ASSERT(rtt >= duration::zero());
    min_rtt_ = min_rtt_ ? std::min(*min_rtt_, rtt) : rtt;
    if (!srtt_) {
        // RFC 6298 §2.2: "When the first RTT measurement R is made, the host MUST set
        // SRTT <- R, RTTVAR <- R/2".
        srtt_ = rtt;
        rttvar_ = rtt / 2;
    } else {
        // RFC 6298 §2.3: "RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|" then
        // "SRTT <- (1 - alpha) * SRTT + alpha * R'" — RTTVAR first, with the old SRTT.
        const duration err = *srtt_ > rtt ? *srtt_ - rtt : rtt - *srtt_;
        rttvar_ += (err - rttvar_) / beta_inverse;
        *srtt_ += (rtt - *srtt_) / alpha_inverse;
    }
    // A fresh estimate replaces any backed-off value (RFC 6298 §5.7 note: the backed-off RTO
    // is kept only "until a new RTT measurement" arrives).
    backoff_count_ = 0;
    update_base_rto();
}

void rtt_estimator::update_base_rto() {
    NETRIG_ASSERT(srtt_.has_value());
    // RFC 6298 §2.2/§2.3: "RTO <- SRTT + max (G, K*RTTVAR)".
    duration rto = *srtt_ + std::max(limits_.granularity, k * rttvar_);
    // RFC 6298 §2.4: RTO is rounded up to the minimum (limits_.min; see rto_limits).
    // RFC 6298 §2.5: "A maximum value MAY be placed on RTO".
    rto = std::clamp(rto, limits_.min, limits_.max);
    base_rto_ = rto;
    rto_ = rto;
}

void rtt_estimator::on_timeout() {
    // RFC 6298 §5.5: "The host MUST set RTO <- RTO * 2 ("back off the timer"). The maximum
    // value discussed in (2.5) above may be used to provide an upper bound".
    rto_ = rto_ >= limits_.max / 2 ? limits_.max : rto_ * 2;
    ++backoff_count_;
}

void rtt_estimator::reset_backoff() {
    rto_ = base_rto_;
    backoff_count_ = 0;
}

void rtt_estimator::on_handshake_after_syn_timeout() {
    if (srtt_) {
        return;
    }
    // RFC 6298 §5.7: "If the timer expires awaiting the ACK of a SYN segment and the TCP
    // implementation is using an RTO less than 3 seconds, the RTO MUST be re-initialized to
    // 3 seconds when data transmission begins (i.e., after the three-way handshake completes)."
    constexpr duration syn_fallback = std::chrono::seconds{3};
    base_rto_ = std::clamp(std::max(base_rto_, syn_fallback), limits_.min, limits_.max);
    rto_ = base_rto_;
    backoff_count_ = 0;
}

duration rtt_estimator::rto() const {
    return rto_;
}

std::optional<duration> rtt_estimator::srtt() const {
    return srtt_;
}

duration rtt_estimator::rttvar() const {
    return rttvar_;
}

std::optional<duration> rtt_estimator::min_rtt() const {
    return min_rtt_;
}

}  // namespace netrig::core::tcp
