// SPDX-License-Identifier: MIT
// core/tcp: which options a SYN carries and what the two SYNs agree on: MSS (RFC 9293 §3.7.1),
// window scale and timestamps (RFC 7323 §2, §3), SACK-permitted (RFC 2018 §2).
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/tcp/conn_config.hpp"
#include "wire/tcp_options.hpp"

namespace netrig::core::tcp {

/// RFC 9293 §3.7.1: "If an MSS Option is not received at connection setup, TCP implementations
/// MUST assume a default send MSS of 536 (576 - 40) for IPv4".
inline constexpr std::uint16_t default_mss_ipv4 = 536;
/// Smallest peer MSS we accept (Linux's tcp_min_snd_mss): a tiny MSS would turn every send
/// into many tiny segments (CVE-2019-11479).
inline constexpr std::uint16_t min_peer_mss = 48;
/// RFC 7323 §2.3: "the shift.cnt value ... MUST be limited to 14".
inline constexpr std::uint8_t max_window_shift = 14;
/// Bytes the timestamps option occupies on every segment once negotiated (NOP NOP TS).
inline constexpr std::uint16_t timestamps_option_len = 12;

/// What both SYNs agreed on.
struct negotiated_options {
    std::uint16_t send_mss = default_mss_ipv4;  ///< largest payload we send (options excluded)
    std::uint8_t send_shift = 0;  ///< peer's window-scale shift (applied to windows we receive)
    std::uint8_t recv_shift = 0;  ///< our shift (applied to windows we advertise)
    bool timestamps = false;      ///< RFC 7323 timestamps on every segment
    bool sack = false;            ///< SACK permitted both ways
};

/// The smallest shift with 65535 << shift >= recv_buffer_max, at most 14.
[[nodiscard]] std::uint8_t window_shift_for(std::size_t recv_buffer_max);

/// Options of our SYN (active open): MSS, and per config SACK-permitted, timestamps (value
/// `ts_val`), window scale `shift`.
[[nodiscard]] wire::tcp::options syn_options(const conn_config& cfg, std::uint8_t shift,
                                             std::uint32_t ts_val);

/// Options of our SYN-ACK: MSS, and only those the peer's SYN offered that config allows
/// (RFC 7323 §1.3/§2.2, RFC 2018 §2: never send WS, TS or SACK-permitted unsolicited).
[[nodiscard]] wire::tcp::options syn_ack_options(const conn_config& cfg,
                                                 const wire::tcp::options& peer_syn,
                                                 std::uint8_t shift, std::uint32_t ts_val);

/// What `ours` (the options of the SYN we sent) and `peer` (the options of the SYN we received)
/// agree on, given our config.
[[nodiscard]] negotiated_options negotiate(const conn_config& cfg, const wire::tcp::options& ours,
                                           const wire::tcp::options& peer);

}  // namespace netrig::core::tcp
