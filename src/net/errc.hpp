// SPDX-License-Identifier: MIT
// net: the operational errors of the socket API (refused, reset, timed out, ...), their
// std::error_category, and the mapping from errno. Both stacks report through these codes so a
// tool prints the same words whichever stack it runs on.
#pragma once

#include <string_view>
#include <system_error>

namespace netrig::net {

/// Operational errors of sockets. Values start at 1 because 0 means "no error" in
/// std::error_code.
enum class errc {
    refused = 1,            ///< The peer answered the connection attempt with a reset.
    reset,                  ///< The peer reset an established connection.
    timed_out,              ///< The operation did not finish within its time limit.
    unreachable,            ///< No route to the network or host.
    address_in_use,         ///< The local address and port are already bound.
    address_not_available,  ///< The local address is not one of this host's addresses.
    closed,                 ///< The socket was closed or shut down for this direction.
    not_connected,          ///< The socket has no peer (send/recv on an unconnected socket).
    permission_denied,      ///< The operation needs a privilege the process does not have.
    no_buffer_space,        ///< The stack ran out of buffers or descriptors.
    invalid_argument,       ///< An argument was out of range or malformed.
    not_supported,          ///< The stack does not implement this option or operation.
    message_too_long,       ///< A datagram does not fit in one packet or in the buffer given.
    would_block,            ///< A non-blocking try_* call found nothing to do; wait and retry.
    aborted,                ///< The connection was aborted locally (for example by a timeout).
    canceled,               ///< The operation was cancelled before it finished.
    io_error,               ///< Any other failure of the underlying system call or device.
};

/// The category of net::errc; its name is "netrig.net".
[[nodiscard]] const std::error_category& error_category() noexcept;

/// Makes an std::error_code in net::error_category() (found by ADL for `ec == errc::reset`).
[[nodiscard]] std::error_code make_error_code(errc e) noexcept;

/// Maps an errno value from a socket system call to a net error code. Known values become
/// net::errc codes; anything else stays in std::system_category() so no information is lost.
[[nodiscard]] std::error_code error_from_errno(int errno_value) noexcept;

/// A short plain-words description of e (the same text as make_error_code(e).message()).
[[nodiscard]] std::string_view describe(errc e) noexcept;

}  // namespace netrig::net

/// Lets `std::error_code ec = net::errc::reset;` and `ec == net::errc::reset` compile.
template <>
struct std::is_error_code_enum<netrig::net::errc> : std::true_type {};
