// SPDX-License-Identifier: MIT
// net: the kernel stack's UDP socket. Internal: users see it through udp_socket.
#pragma once

#include "net/kernel_socket.hpp"
#include "net/udp_socket.hpp"

namespace netrig::net::kernel {

/// Wraps a bound UDP socket as a udp_socket.
[[nodiscard]] udp_socket make_udp_socket(socket_fd fd);

}  // namespace netrig::net::kernel
