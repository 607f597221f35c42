// SPDX-License-Identifier: MIT
// wire: a tcpdump-like one-line description of a frame, for logs, pcap-less debugging and the
// CLI. A diagnostic, not a hot path: it builds a std::string (the only allocation in wire).
#pragma once

#include <span>
#include <string>

#include "base/bytes.hpp"

namespace netrig::wire {

/// Describes an Ethernet II frame the way `tcpdump -nn -S` (no timestamp, no -e) does, e.g.
/// "IP 10.0.0.1.5201 > 10.0.0.2.40000: Flags [S.], seq 1, ack 2, win 64240, options [mss 1460,
/// sackOK,TS val 1 ecr 0,nop,wscale 7], length 0", "ARP, Request who-has 10.0.0.2 tell
/// 10.0.0.1, length 28", "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 2, length 64".
/// Sequence numbers are absolute (the printer is stateless). Never fails: a malformed frame
/// prints what parsed, then "[|proto]" where it was cut short or "[bad proto: reason]" where a
/// field was invalid; a failing checksum is flagged with "[bad <proto> cksum 0x....]".
[[nodiscard]] std::string pretty_print(bytes frame);

/// Like pretty_print(frame), but writes at most out.size() characters into out (no NUL) and
/// returns the number written; a longer description is cut.
std::size_t pretty_print(bytes frame, std::span<char> out);

}  // namespace netrig::wire
