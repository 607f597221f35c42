// SPDX-License-Identifier: MIT
// tools/ping: one ping run on net::stack& (kernel or netrig's own stack) with iputils ping's
// behaviour: sequence numbers from 1, one request per interval, -c/-w/-W end conditions, a
// timestamp in the first 16 payload bytes so round-trip times come from the echoed data.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "base/result.hpp"
#include "base/time.hpp"
#include "net/stack.hpp"
#include "runtime/task.hpp"
#include "tools/ping/statistics.hpp"
#include "wire/address.hpp"

namespace netrig::tools::ping {

/// Largest payload: 65535 - 20 (IPv4 header) - 8 (ICMP header), as iputils' -s limit.
inline constexpr std::size_t max_payload_bytes = 65507;
/// iputils times a run only when the payload holds a struct timeval (16 bytes on x86-64).
inline constexpr std::size_t timestamp_bytes = 16;
/// iputils' MAXWAIT: how long to wait for replies after the last request when none came.
inline constexpr std::chrono::seconds default_linger{10};
/// Default number of requests when neither -c nor -w is given (bounded, unlike iputils).
inline constexpr std::uint32_t default_count = 4;

/// What to ping and how (the flags of `netrig ping`).
struct ping_options {
    std::string host;                     ///< As the user typed it (printed).
    wire::ipv4_address target;            ///< Where the requests go.
    std::uint32_t count = default_count;  ///< -c: stop after this many replies (0: no limit).
    duration interval = std::chrono::seconds{1};  ///< -i: time between requests.
    std::size_t size = 56;                ///< -s: payload bytes.
    std::optional<duration> linger;       ///< -W: wait for replies after the last request.
    std::optional<duration> deadline;     ///< -w: stop after this long, whatever happened.
    bool quiet = false;                   ///< -q: only the header and the summary.
};

/// The state of a run, filled while it goes (a signal handler may print it meanwhile).
struct ping_run {
    statistics stats;          ///< Counts and round-trip times.
    instant start{};           ///< When the first request was sent.
    instant last_event{};      ///< Time of the last send or receive (iputils' cur_time).
    bool interrupted = false;  ///< The run was cancelled (SIGINT) rather than ending by itself.
};

/// Where output lines go (stdout in the CLI; a string in tests).
using output_sink = std::function<void(std::string_view)>;

/// Opens a ping socket on stack and runs: prints the header, one line per reply (unless
/// quiet), sends until an end condition (iputils' rules: count replies received; after the last
/// of count requests, max(2 * max RTT, interval) if anything answered else the linger time;
/// the deadline), or until the awaiting task is cancelled (run.interrupted, still success).
/// Send errors are printed and counted ("+N errors") and the run goes on. Does not print the
/// summary: call summary_text after. Errors: the open_ping error (errc::permission_denied, see
/// net::ping_permission_hint), receive errors other than cancellation.
/// Preconditions: stack, options, run and out outlive the task; options.size <=
/// max_payload_bytes; options.interval >= 0.
[[nodiscard]] runtime::task<result<void, std::error_code>> run_ping(net::stack& stack,
                                                                    const ping_options& options,
                                                                    ping_run& run,
                                                                    output_sink out);

/// The statistics block iputils prints at the end of a run (see summary_block).
[[nodiscard]] std::string summary_text(const ping_options& options, const ping_run& run);

/// iputils' exit status: 0 if a reply came (and, with a deadline, count replies came), else 1.
[[nodiscard]] int exit_status(const ping_options& options, const ping_run& run);

/// Writes iputils' payload: a timestamp (sent, as nanoseconds since the runtime's origin) in
/// the first 8 of 16 bytes when the payload is long enough, then bytes whose value is their
/// index modulo 256. Preconditions: payload.size() is the run's size.
void fill_payload(mut_bytes payload, instant sent);

/// The send time stored by fill_payload, or nullopt when the payload is too short to carry one.
[[nodiscard]] std::optional<instant> payload_timestamp(bytes payload);

}  // namespace netrig::tools::ping
