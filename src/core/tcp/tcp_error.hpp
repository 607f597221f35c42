// SPDX-License-Identifier: MIT
// core/tcp: operational errors of a TCP connection (reset, refused, timed out, closing) with
// their std::error_category. Errors that UDP shares (would_block, not_connected) stay in
// core::errc; connection calls return std::error_code so both categories fit.
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace netrig::core::tcp {

/// Why a TCP connection operation failed or why the connection ended. Values are stable.
enum class tcp_errc : std::uint8_t {
    connection_reset = 1,  ///< the peer sent an acceptable RST (RFC 9293 §3.10.7.4 "reset")
    connection_refused,    ///< RST in SYN-SENT: nobody listens (RFC 9293 §3.10.7.3)
    timed_out,             ///< retransmissions, keepalives or the user timeout gave up
    connection_aborted,    ///< the local user called abort()
    closing,               ///< send after shutdown_write()/close() (RFC 9293 §3.10.2 "closing")
    not_established,       ///< receive before the connection is synchronized
};

/// Short stable name of an error ("connection_reset", ...).
[[nodiscard]] std::string_view to_string(tcp_errc e);

/// The std::error_category of tcp_errc ("netrig.tcp").
[[nodiscard]] const std::error_category& tcp_category();

/// Makes an std::error_code from a tcp_errc (found by ADL).
[[nodiscard]] std::error_code make_error_code(tcp_errc e);

}  // namespace netrig::core::tcp

/// Lets std::error_code be constructed from a tcp_errc.
template <>
struct std::is_error_code_enum<netrig::core::tcp::tcp_errc> : std::true_type {};
