// SPDX-License-Identifier: MIT
// core/tcp/congestion: the congestion controller a connection holds, a closed std::variant over
// the algorithms beside this file (reno.hpp, cubic.hpp), chosen by name at socket setup.
//
// Division of labour with the connection (tcb): the tcb detects loss (3 duplicate ACKs or the
// RFC 6675 SACK rules) and timeouts, keeps the recovery point, and calls on_ack() only outside
// recovery. During recovery cwnd() is ssthresh; with SACK the tcb sends while pipe < cwnd
// (RFC 6675 §5), without SACK it adds its own dupack inflation (RFC 6582 §3.2 step 4).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "base/time.hpp"
#include "core/tcp/congestion/ack_event.hpp"
#include "core/tcp/congestion/cubic.hpp"
#include "core/tcp/congestion/reno.hpp"

namespace netrig::core::tcp {

/// The available algorithms (a closed set, DESIGN.md).
enum class cc_algorithm : std::uint8_t { reno, cubic };

/// "reno" or "cubic" (exact, lower case) to the algorithm; nullopt otherwise.
[[nodiscard]] std::optional<cc_algorithm> parse_cc(std::string_view name);
/// The name parse_cc() accepts.
[[nodiscard]] std::string_view to_string(cc_algorithm algo);

/// Per-connection congestion control: one of reno or cubic, dispatched with std::visit.
/// All windows are in bytes. No allocation, no clock.
class congestion_control {
public:
    /// A controller in slow start with the RFC 5681 §3.1 initial window for `mss` and ssthresh
    /// "arbitrarily high". Preconditions: mss > 0.
    congestion_control(cc_algorithm algo, std::uint32_t mss, instant now);

    /// The congestion window in bytes (>= 1 MSS).
    [[nodiscard]] std::uint32_t cwnd() const;
    /// The slow-start threshold in bytes.
    [[nodiscard]] std::uint32_t ssthresh() const;
    /// Which algorithm this is.
    [[nodiscard]] cc_algorithm algorithm() const;
    /// True while cwnd < ssthresh (RFC 5681 §3.1).
    [[nodiscard]] bool in_slow_start() const { return cwnd() < ssthresh(); }

    /// A new cumulative ACK outside loss recovery: grows cwnd (slow start or congestion
    /// avoidance).
    void on_ack(const ack_event& ev);
    /// Loss detected by fast retransmit (3 dupacks, or SACK loss per RFC 6675): ssthresh and
    /// cwnd are reduced once for this recovery episode. `bytes_in_flight` is FlightSize.
    void on_enter_recovery(instant now, std::uint32_t bytes_in_flight);
    /// The recovery point was acknowledged: cwnd is deflated to ssthresh (RFC 6582 §3.2 step 3,
    /// option 2; RFC 6675 §5) and congestion avoidance starts.
    void on_exit_recovery(instant now);
    /// Retransmission timeout: RFC 5681 §3.1 eq. 4 (ssthresh from FlightSize), cwnd = 1 MSS.
    void on_rto(instant now, std::uint32_t bytes_in_flight);
    /// Sending restarts after `idle` without transmissions: if idle > rto, RFC 5681 §4.1
    /// restart window cwnd = min(IW, cwnd).
    void on_idle(instant now, duration idle, duration rto);
    /// The effective MSS changed (PMTU, options): windows keep their byte size, but cwnd stays
    /// at least 1 MSS. Preconditions: mss > 0.
    void set_mss(std::uint32_t mss);

private:
    std::variant<reno, cubic> impl_;
};

}  // namespace netrig::core::tcp
