// SPDX-License-Identifier: MIT
// tools/iperf3: the named reasons the codec rejects input, and the operational errors a client
// or server run reports, each with its std::error_category.
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace netrig::tools::iperf3 {

/// Why the sans-IO codec rejected bytes from a peer. Every rejection has its own name so tests
/// can pin it and the server can count it.
enum class codec_error : std::uint8_t {
    cookie_bad_char = 1,  ///< a cookie byte outside iperf3's alphabet [a-z2-7]
    cookie_no_nul,        ///< byte 37 of the cookie is not NUL
    unknown_state,        ///< a control byte that is not a state iperf3 sends
    unexpected_state,     ///< a valid state byte at a point where the protocol forbids it
    json_empty,           ///< length prefix 0 (iperf3 3.18 rejects it too)
    json_too_large,       ///< length prefix above the limit for this message
    json_malformed,       ///< the JSON text does not parse
    json_not_object,      ///< valid JSON, but not an object
    bad_param,            ///< a params key has the wrong JSON type or is out of range
    bad_results,          ///< a results message lacks a mandatory key or has a wrong type
    datagram_too_short,   ///< a UDP datagram shorter than the iperf3 header
};

/// Short stable name ("json_too_large").
[[nodiscard]] std::string_view to_string(codec_error e);
/// Category "netrig.iperf3.codec".
[[nodiscard]] const std::error_category& codec_error_category();
/// Makes an std::error_code (found by ADL).
[[nodiscard]] std::error_code make_error_code(codec_error e);

/// Operational outcomes of a test run that the CLI reports in plain words.
enum class errc : std::uint8_t {
    server_busy = 1,       ///< ACCESS_DENIED before the cookie was read: a test is running
    access_denied,         ///< ACCESS_DENIED later (bad cookie on a data connection)
    server_error,          ///< SERVER_ERROR; the i_errno/errno pair is reported separately
    server_terminated,     ///< SERVER_TERMINATE: the server was interrupted
    client_terminated,     ///< CLIENT_TERMINATE: the client was interrupted
    control_closed,        ///< the peer closed the control connection mid-test
    protocol_violation,    ///< the peer sent something the protocol does not allow here
    interrupted,           ///< this side got SIGINT/SIGTERM
    timed_out,             ///< a protocol step did not finish within its time limit
};

/// Category "netrig.iperf3".
[[nodiscard]] const std::error_category& error_category();
/// Makes an std::error_code (found by ADL).
[[nodiscard]] std::error_code make_error_code(errc e);

}  // namespace netrig::tools::iperf3

/// Lets std::error_code be built from codec_error.
template <>
struct std::is_error_code_enum<netrig::tools::iperf3::codec_error> : std::true_type {};
/// Lets std::error_code be built from errc.
template <>
struct std::is_error_code_enum<netrig::tools::iperf3::errc> : std::true_type {};
