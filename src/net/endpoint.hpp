// SPDX-License-Identifier: MIT
// net: an IPv4 transport endpoint (address and port), the unit every socket call names.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "base/result.hpp"
#include "wire/address.hpp"

namespace netrig::net {

/// An IPv4 address and a TCP or UDP port. Port 0 means "any" when binding.
struct endpoint {
    wire::ipv4_address address{};  ///< Host address; 0.0.0.0 means "any" when binding.
    std::uint16_t port = 0;        ///< Host-order port number.

    /// Parses "a.b.c.d:port" (port 0..65535, decimal, no sign, no spaces).
    /// Errors: errc::invalid_argument for anything else.
    [[nodiscard]] static result<endpoint, std::error_code> parse(std::string_view text);

    /// Formats as "a.b.c.d:port".
    [[nodiscard]] std::string to_string() const;

    /// Endpoints are equal when address and port are.
    friend bool operator==(const endpoint&, const endpoint&) = default;
};

/// The loopback endpoint 127.0.0.1:port.
[[nodiscard]] endpoint loopback(std::uint16_t port);

/// The wildcard endpoint 0.0.0.0:port.
[[nodiscard]] endpoint any_address(std::uint16_t port);

}  // namespace netrig::net
