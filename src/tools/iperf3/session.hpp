// SPDX-License-Identifier: MIT
// tools/iperf3: the client and server runs on any net::stack (kernel today, netrig's own stack
// later). Output goes through a line sink so the CLI decides where text lands (stdout,
// --logfile). See /work/shared/specs/iperf3-protocol.md for the protocol.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "base/result.hpp"
#include "base/time.hpp"
#include "net/endpoint.hpp"
#include "net/stack.hpp"
#include "runtime/task.hpp"
#include "tools/iperf3/params.hpp"

namespace netrig::tools::iperf3 {

/// Receives output text: whole lines with their newline, or a whole JSON document.
using output_sink = std::function<void(std::string_view)>;

/// How output looks.
struct output_options {
    bool json = false;          ///< -J: one JSON document at the end
    bool json_stream = false;   ///< --json-stream: one JSON event per line as it happens
    char format = 'a';          ///< -f
    duration interval = std::chrono::seconds{1};  ///< -i (0 disables interval reports)
};

/// Everything `netrig iperf3 -c HOST` needs.
struct client_options {
    net::endpoint server;                 ///< resolved HOST and -p
    std::string host_text;                ///< HOST as the user typed it, for messages
    test_params params;                   ///< what goes into the params JSON
    std::optional<net::endpoint> bind;    ///< -B (port from --cport)
    std::optional<std::uint16_t> cport;   ///< --cport: data streams from cport+i
    output_options output;
    duration connect_timeout = std::chrono::seconds{10};
    /// Announce netrig extensions to the server (extra JSON keys iperf3 ignores).
    bool extensions = true;
};

/// Everything `netrig iperf3 -s` needs.
struct server_options {
    net::endpoint listen;                 ///< -B and -p
    bool one_off = false;                 ///< -1: serve one test and exit
    output_options output;
    /// Tests that may run at once. A second test runs only if its client is a netrig client
    /// (negotiated through the params JSON); real iperf3 clients get "server busy" as from
    /// iperf3. 1 = iperf3 behaviour for everyone.
    int max_concurrent_tests = 4;
    /// How long a peer may take for each protocol step before it is dropped.
    duration step_timeout = std::chrono::seconds{10};
};

/// Why a client run failed, in a form the CLI prints in plain words.
struct run_failure {
    std::error_code code;                 ///< errc::server_busy, net::errc::refused, ...
    std::optional<std::int32_t> server_i_errno;  ///< with errc::server_error
    std::optional<std::int32_t> server_errno;    ///< with errc::server_error
    std::string detail;                   ///< what the run was doing when it failed
};

/// Plain words for a failure: "the server is busy running a test", "connection refused", ...
[[nodiscard]] std::string describe(const run_failure& f);

/// Runs one client test. Stops gracefully on SIGINT/SIGTERM (sends CLIENT_TERMINATE).
/// Errors: see run_failure.
[[nodiscard]] runtime::task<result<void, run_failure>> run_client(net::stack& stack,
                                                                  client_options options,
                                                                  output_sink out);

/// Serves tests until SIGINT/SIGTERM (SERVER_TERMINATE to running clients), or after one test
/// with one_off. Hostile peers are answered per protocol and dropped; serving continues.
/// Errors: listen failures (address in use), or with one_off the test's failure.
[[nodiscard]] runtime::task<result<void, run_failure>> run_server(net::stack& stack,
                                                                  server_options options,
                                                                  output_sink out);

/// Resolves HOST (dotted quad or a name) to an IPv4 address. Errors: errc::invalid_argument
/// words in the string.
[[nodiscard]] result<wire::ipv4_address, std::string> resolve_host(const std::string& host);

}  // namespace netrig::tools::iperf3
