// SPDX-License-Identifier: MIT
// core: operational errors of the socket API (bind, connect, send, receive) with their
// std::error_category, so that net and the tools can print them.
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace netrig::core {

/// Why a socket operation of the core failed. Values are stable.
enum class errc : std::uint8_t {
    invalid_handle = 1,    ///< the handle is closed, stale (generation mismatch) or out of range
    table_full,            ///< every socket slot is in use
    address_in_use,        ///< another socket is bound to that local port
    no_ephemeral_port,     ///< every port of the ephemeral range is in use
    not_connected,         ///< send without a destination on an unconnected socket
    would_block,           ///< nothing to receive, or no room to queue the packet now
    message_too_long,      ///< the payload does not fit in one IPv4 datagram (65515 bytes)
    no_route,              ///< destination is off-link and there is no gateway
    invalid_argument,      ///< port 0 as destination, unspecified address, ...
};

/// Short stable name of an error ("would_block", ...).
[[nodiscard]] std::string_view to_string(errc e);

/// The std::error_category of errc ("netrig.core").
[[nodiscard]] const std::error_category& core_category();

/// Makes an std::error_code from an errc (found by ADL).
[[nodiscard]] std::error_code make_error_code(errc e);

}  // namespace netrig::core

/// Lets std::error_code be constructed from a core::errc.
template <>
struct std::is_error_code_enum<netrig::core::errc> : std::true_type {};
