// SPDX-License-Identifier: MIT
// net: the kernel stack's TCP stream and listener (non-blocking Linux sockets on the reactor).
// Internal: users see them through tcp_stream and tcp_listener.
#pragma once

#include <memory>

#include "net/kernel_socket.hpp"
#include "net/tcp_listener.hpp"
#include "net/tcp_stream.hpp"

namespace netrig::net::kernel {

/// Wraps a connected TCP socket as a tcp_stream.
[[nodiscard]] tcp_stream make_tcp_stream(socket_fd fd);

/// Wraps a listening TCP socket as a tcp_listener.
[[nodiscard]] tcp_listener make_tcp_listener(socket_fd fd);

/// Converts Linux TCP_INFO bytes (of length len, as getsockopt returned them) into tcp_info.
/// Fields newer than the kernel that filled them are left at their defaults. Exposed for tests.
[[nodiscard]] tcp_info tcp_info_from_linux(const void* data, std::size_t len);

}  // namespace netrig::net::kernel
