// SPDX-License-Identifier: MIT
// net: a stack-neutral snapshot of one TCP connection's sender and receiver state, filled from
// Linux TCP_INFO by the kernel stack and from the TCB by the user stack.
#pragma once

#include <cstdint>
#include <optional>

#include "base/time.hpp"

namespace netrig::net {

/// Connection statistics. Units are in the names; windows and counts are as the stack reports
/// them at the moment of the call.
struct tcp_info {
    /// Congestion window in segments (Linux keeps cwnd in segments of mss_bytes).
    std::uint32_t cwnd_segments = 0;
    /// Congestion window in bytes: cwnd_segments * mss_bytes.
    std::uint64_t cwnd_bytes = 0;
    /// Slow-start threshold in segments (a huge value means "still in initial slow start").
    std::uint32_t ssthresh_segments = 0;
    /// Smoothed round-trip time (RFC 6298 SRTT).
    duration srtt{0};
    /// Round-trip time variation (RFC 6298 RTTVAR).
    duration rttvar{0};
    /// Current retransmission timeout (RFC 6298 RTO).
    duration rto{0};
    /// Smallest RTT seen on the connection.
    duration min_rtt{0};
    /// Consecutive retransmission timeouts of the current unacknowledged segment.
    std::uint32_t retransmits = 0;
    /// Segments retransmitted over the life of the connection.
    std::uint32_t total_retrans = 0;
    /// Segments sent and not yet acknowledged.
    std::uint32_t unacked_segments = 0;
    /// Bytes sent and not yet acknowledged, estimated as unacked_segments * mss_bytes.
    std::uint64_t bytes_in_flight = 0;
    /// Bytes written by the application that the stack has not sent yet.
    std::uint32_t notsent_bytes = 0;
    /// Sender maximum segment size (payload bytes per segment).
    std::uint32_t mss_bytes = 0;
    /// Receiver-side segment size estimate.
    std::uint32_t rcv_mss_bytes = 0;
    /// Peer's advertised receive window (bytes), if the stack reports it.
    std::optional<std::uint32_t> snd_wnd_bytes;
    /// Our advertised receive window (bytes), if the stack reports it.
    std::optional<std::uint32_t> rcv_wnd_bytes;
    /// Payload bytes the peer has acknowledged.
    std::uint64_t bytes_acked = 0;
    /// Payload bytes received in order from the peer.
    std::uint64_t bytes_received = 0;
    /// Payload bytes sent, retransmissions included.
    std::uint64_t bytes_sent = 0;
    /// Payload bytes retransmitted.
    std::uint64_t bytes_retrans = 0;
    /// Most recent delivery rate estimate in bytes per second, if the stack measures it.
    std::optional<std::uint64_t> delivery_rate_bytes_per_s;
    /// Path MTU in bytes.
    std::uint32_t pmtu_bytes = 0;
};

}  // namespace netrig::net
