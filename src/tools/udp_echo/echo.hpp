// SPDX-License-Identifier: MIT
// tools/udp_echo: an RFC 862 UDP echo server on net::stack& (kernel or netrig's own stack):
// every datagram goes back to its source unchanged. `netrig udp-echo` runs it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <system_error>

#include "base/result.hpp"
#include "base/time.hpp"
#include "net/endpoint.hpp"
#include "net/stack.hpp"
#include "runtime/task.hpp"

namespace netrig::tools::udp_echo {

/// RFC 862: "A server listens for UDP datagrams on UDP port 7."
inline constexpr std::uint16_t default_port = 7;

/// Largest UDP payload over IPv4 (65535 - 20 IPv4 - 8 UDP): the receive buffer size, so no
/// datagram is ever truncated.
inline constexpr std::size_t max_datagram_bytes = 65507;

/// How to serve.
struct echo_options {
    net::endpoint local{wire::ipv4_address::any(), default_port};  ///< Where to bind.
    std::optional<duration> time_limit;  ///< Stop after this long; nullopt = until cancelled.
    /// Called once the socket is bound, with its local endpoint (to print "ready" lines).
    std::function<void(const net::endpoint&)> on_ready;
};

/// What the server did. Updated as it runs, so a signal handler may print it meanwhile.
struct echo_counters {
    std::uint64_t datagrams = 0;    ///< Datagrams echoed.
    std::uint64_t bytes = 0;        ///< Payload bytes echoed (each counted once).
    std::uint64_t send_errors = 0;  ///< Datagrams received whose echo could not be sent.
    std::uint64_t truncated = 0;    ///< Datagrams larger than max_datagram_bytes (impossible on
                                    ///< IPv4; counted rather than assumed).
};

/// Binds options.local and echoes until options.time_limit passes or the awaiting task is
/// cancelled; both end with success. Send errors (e.g. ICMP-reported unreachable peers) are
/// counted and serving goes on. Errors: the bind error (errc::address_in_use,
/// errc::permission_denied, ...) or a receive error other than cancellation.
/// Preconditions: stack and counters outlive the task.
[[nodiscard]] runtime::task<result<void, std::error_code>> run_udp_echo(net::stack& stack,
                                                                        echo_options options,
                                                                        echo_counters& counters);

/// "udp-echo: 12 datagrams, 34567 bytes echoed" (plus send errors when there were any).
[[nodiscard]] std::string summary_line(const echo_counters& counters);

}  // namespace netrig::tools::udp_echo
