// SPDX-License-Identifier: MIT
// net: option structs for opening sockets (connect, listen). Every field has a default, so a
// caller sets only what it needs (`connect_options o; o.timeout = 2s;`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/time.hpp"
#include "net/endpoint.hpp"

namespace netrig::net {

/// How to open an outgoing TCP connection.
struct connect_options {
    /// Bind to this local endpoint before connecting (address and/or port; 0 = any).
    std::optional<endpoint> local;
    /// Give up with errc::timed_out after this long; none = the stack's own SYN retry limit.
    std::optional<duration> timeout;
    /// Disable Nagle's algorithm (TCP_NODELAY) from the start.
    bool nodelay = false;
    /// Socket send buffer in bytes, set before the handshake.
    std::optional<std::size_t> send_buffer_bytes;
    /// Socket receive buffer in bytes, set before the handshake so the window scale fits it.
    std::optional<std::size_t> recv_buffer_bytes;
    /// Congestion control algorithm name ("cubic", "reno", ...), set before the handshake.
    std::optional<std::string> congestion;
    /// Maximum segment size to announce and use (TCP_MAXSEG), set before the handshake.
    std::optional<std::uint32_t> mss_bytes;
};

/// How to open a TCP listener.
struct listen_options {
    /// Length of the queue of completed connections waiting for accept().
    int backlog = 128;
    /// Allow binding while old connections on the port linger in TIME-WAIT (SO_REUSEADDR).
    bool reuse_address = true;
    /// Receive buffer in bytes for accepted connections (inherited from the listener), so the
    /// window scale negotiated in the handshake fits it.
    std::optional<std::size_t> recv_buffer_bytes;
    /// Send buffer in bytes for accepted connections.
    std::optional<std::size_t> send_buffer_bytes;
    /// Congestion control for accepted connections (inherited from the listener).
    std::optional<std::string> congestion;
};

}  // namespace netrig::net
