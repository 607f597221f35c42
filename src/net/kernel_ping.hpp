// SPDX-License-Identifier: MIT
// net: the kernel stack's ping socket. Internal: users see it through ping_socket.
#pragma once

#include <cstdint>
#include <system_error>

#include "base/result.hpp"
#include "net/ping_socket.hpp"

namespace netrig::net::kernel {

/// Which kernel socket a ping socket uses.
enum class ping_mode : std::uint8_t {
    automatic,  ///< SOCK_DGRAM/IPPROTO_ICMP, falling back to SOCK_RAW on EACCES/EPERM.
    datagram,   ///< Only the unprivileged ping socket (net.ipv4.ping_group_range).
    raw,        ///< Only a raw ICMP socket (root / CAP_NET_RAW); we filter by identifier.
};

/// Opens a ping socket. The datagram socket is bound at once, so the kernel picks the
/// identifier then (ident() is valid before the first send); the raw socket uses a per-process
/// counter mixed with the pid. Errors: errc::permission_denied when no allowed mode works
/// (see ping_permission_hint), errno-mapped errors otherwise.
[[nodiscard]] result<ping_socket, std::error_code> open_ping_socket(ping_mode mode);

}  // namespace netrig::net::kernel
