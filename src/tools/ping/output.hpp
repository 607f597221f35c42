// SPDX-License-Identifier: MIT
// tools/ping: the text `netrig ping` prints, in iputils ping 20221126's formats (header line,
// one line per reply, the statistics block). Pure functions of their arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tools/ping/statistics.hpp"

namespace netrig::tools::ping {

/// "PING host (address) 56(84) bytes of data.\n": payload bytes and the IPv4 datagram size
/// (payload + 8 ICMP + 20 IPv4 header bytes).
[[nodiscard]] std::string header_line(std::string_view host, std::string_view address,
                                      std::size_t payload_bytes);

/// iputils' " time=..." value for a round trip of us microseconds, without "time=": 3
/// decimals below 1 ms, 2 below ~10 ms, 1 below ~100 ms, none above (rounded like iputils).
[[nodiscard]] std::string time_text(std::int64_t us);

/// What one reply line says.
struct reply_line_info {
    std::size_t icmp_bytes = 0;           ///< ICMP message size (header + payload) received.
    std::string_view from;                ///< Source address text.
    std::uint16_t seq = 0;                ///< icmp_seq.
    std::optional<int> ttl;               ///< IPv4 TTL of the reply, when known.
    std::optional<std::int64_t> rtt_us;   ///< Round-trip time; nullopt when not timed.
    bool duplicate = false;               ///< Adds " (DUP!)".
    bool truncated = false;               ///< Shorter than sent: " (truncated)" and no time.
};

/// "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.123 ms\n".
[[nodiscard]] std::string reply_line(const reply_line_info& info);

/// What the statistics block needs besides the counters.
struct summary_info {
    std::string_view host;           ///< As the user typed it.
    std::int64_t elapsed_ms = 0;     ///< From the first send to the last event, rounded.
    std::int64_t elapsed_us = 0;     ///< Same, in microseconds (for ipg).
    bool show_ipg = false;           ///< iputils prints ipg/ewma for -i 0 (flood-like) runs.
};

/// The block iputils prints at the end, from its leading empty line to its final newline:
/// "\n--- host ping statistics ---\n4 packets transmitted, 4 received, 0% packet loss, time
/// 3004ms\nrtt min/avg/max/mdev = 0.031/0.040/0.052/0.008 ms\n".
[[nodiscard]] std::string summary_block(const statistics& stats, const summary_info& info);

}  // namespace netrig::tools::ping
