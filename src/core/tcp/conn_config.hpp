// SPDX-License-Identifier: MIT
// core/tcp: per-connection configuration (buffers, options, timers, congestion control).
// The interface fills it from socket options and the link MTU; every bound lives here.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/time.hpp"
#include "core/tcp/congestion/congestion.hpp"
#include "core/tcp/rtt_estimator.hpp"

namespace netrig::core::tcp {

/// Keepalive parameters (RFC 1122 §4.2.3.6). Off unless set in conn_config.
struct keepalive_config {
    /// Idle time before the first probe. RFC 1122 §4.2.3.6: "MUST default to no less than two
    /// hours".
    duration idle = std::chrono::hours{2};
    /// Time between unanswered probes.
    duration interval = std::chrono::seconds{75};
    /// Unanswered probes before the connection is dropped with timed_out.
    std::uint32_t probes = 9;
};

/// Everything a connection needs to know that is not negotiated with the peer.
struct conn_config {
    /// Our MSS: the link MTU minus 40 (IPv4 + TCP headers), advertised in our SYN and an upper
    /// bound on what we send (RFC 9293 §3.7.1).
    std::uint16_t mss = 1460;
    /// Send buffer: allocated at the first send, doubled on demand up to the max.
    std::size_t send_buffer_initial = 16 * 1024;
    /// Upper bound of the send buffer (per-connection memory budget).
    std::size_t send_buffer_max = 4 * 1024 * 1024;
    /// Receive buffer (and so the window): initial size, grown by auto-tuning.
    std::size_t recv_buffer_initial = 64 * 1024;
    /// Upper bound of the receive buffer; also fixes our window-scale shift.
    std::size_t recv_buffer_max = 6 * 1024 * 1024;
    /// Empty send and receive buffers of a connection that moved no data for this long are
    /// freed (reallocated at the next use), so idle connections cost no buffer memory.
    duration idle_release_after = std::chrono::seconds{1};
    /// Bound on disjoint out-of-order ranges held for reassembly.
    std::size_t ooo_ranges_max = 32;
    /// Offer RFC 7323 window scaling.
    bool window_scaling = true;
    /// Offer RFC 7323 timestamps.
    bool timestamps = true;
    /// Offer RFC 2018 SACK.
    bool sack = true;
    /// Disable Nagle (TCP_NODELAY).
    bool nodelay = false;
    /// Maximum segment lifetime; TIME-WAIT lasts 2*MSL (RFC 9293 §3.4.1; Linux uses 60 s for
    /// the whole TIME-WAIT, i.e. MSL 30 s).
    duration msl = std::chrono::seconds{30};
    /// Delayed ACK timer. RFC 9293 §3.8.6.3: "the delay MUST be less than 0.5 seconds".
    duration delayed_ack = std::chrono::milliseconds{40};
    /// Segments acknowledged immediately at the start (and after a window update) before
    /// delayed ACKs begin ("quick-ack").
    std::uint32_t quickack_segments = 16;
    /// Keepalive, off by default (RFC 1122 §4.2.3.6 "MUST default to off").
    std::optional<keepalive_config> keepalive;
    /// RFC 5482 user timeout: data unacknowledged this long ends the connection (timed_out).
    duration user_timeout = std::chrono::minutes{5};
    /// SYN (or SYN-ACK) retransmissions before connect fails with timed_out (Linux: 6).
    std::uint32_t syn_retries = 6;
    /// Data retransmission timeouts in a row before the connection fails (Linux tcp_retries2).
    std::uint32_t data_retries = 15;
    /// RFC 5961 §7 throttling: challenge ACKs per second, per connection.
    std::uint32_t challenge_acks_per_second = 10;
    /// RTO bounds (RFC 6298).
    rto_limits rto;
    /// Congestion control algorithm (CUBIC by default).
    cc_algorithm cc = cc_algorithm::cubic;
};

}  // namespace netrig::core::tcp
