// SPDX-License-Identifier: MIT
// core: the value types of the socket API (handles, endpoints, readiness, events, received
// datagram information, ICMP error reports, TCP listen options).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/time.hpp"
#include "core/tcp/conn_config.hpp"
#include "core/tcp/listener.hpp"
#include "wire/address.hpp"

namespace netrig::core {

/// A socket handle: a slot index plus the slot's generation, so a handle kept after close()
/// is detected as stale (errc::invalid_handle) even when the slot is reused.
template <class Tag>
struct basic_handle {
    std::uint16_t index = 0;       ///< slot in the socket table
    std::uint16_t generation = 0;  ///< slot generation when the handle was made

    friend bool operator==(const basic_handle&, const basic_handle&) = default;
};

/// Handle of a UDP socket.
using udp_handle = basic_handle<struct udp_tag>;
/// Handle of an ICMP echo ("ping") socket.
using ping_handle = basic_handle<struct ping_tag>;
/// Handle of a TCP connection (active or accepted).
using tcp_handle = basic_handle<struct tcp_tag>;
/// Handle of a listening TCP socket.
using tcp_listen_handle = basic_handle<struct tcp_listen_tag>;

/// An IPv4 address and port.
struct udp_endpoint {
    wire::ipv4_address address;  ///< address (any = unspecified)
    std::uint16_t port = 0;      ///< port (0 = unspecified)

    friend bool operator==(const udp_endpoint&, const udp_endpoint&) = default;
};

/// What a socket can do now without failing with would_block.
/// TCP connections: readable = tcp_recv returns data, end of stream (0) or an error;
/// writable = tcp_send accepts a byte or returns an error; error = tcp_error() is set;
/// connected = the handshake completed (it stays set after the connection ends).
/// TCP listeners: readable = tcp_accept has a connection.
struct readiness {
    bool readable = false;   ///< a datagram is queued (TCP: data, EOF or error)
    bool writable = false;   ///< the transmit queue has room for at least one frame
    bool error = false;      ///< an ICMP error is pending (udp_take_error; TCP: tcp_error)
    bool connected = false;  ///< TCP only: the handshake completed

    friend bool operator==(const readiness&, const readiness&) = default;
};

/// Which table a socket_event refers to.
enum class socket_kind : std::uint8_t {
    udp,           ///< udp_handle
    ping,          ///< ping_handle
    tcp,           ///< tcp_handle
    tcp_listener,  ///< tcp_listen_handle
};

/// "This socket's readiness may have changed": the runtime turns these into coroutine wake-ups.
/// Rebuild the typed handle from index and generation according to kind.
struct socket_event {
    socket_kind kind = socket_kind::udp;  ///< which handle type
    std::uint16_t index = 0;              ///< slot
    std::uint16_t generation = 0;         ///< slot generation
    readiness ready;                      ///< readiness at the time take_events() ran
};

/// What udp_recv_from returns besides the bytes.
struct udp_recv_info {
    udp_endpoint from;             ///< sender
    wire::ipv4_address to;         ///< destination address of the datagram (ours or broadcast)
    std::size_t len = 0;           ///< bytes copied into the caller's buffer
    std::size_t datagram_len = 0;  ///< the datagram's length; > len means it was truncated
};

/// An ICMP error (RFC 792) received about a datagram this socket sent.
struct icmp_error_report {
    std::uint8_t type = 0;                 ///< 3 destination unreachable, 11 time exceeded
    std::uint8_t code = 0;                 ///< e.g. 3 port unreachable, 4 fragmentation needed
    wire::ipv4_address reporter;           ///< who sent the ICMP message
    udp_endpoint original_destination;     ///< destination of the datagram it concerns
};

/// One received ICMP echo reply.
struct ping_reply {
    wire::ipv4_address from;     ///< the replying host
    std::uint16_t ident = 0;     ///< identifier (the socket's)
    std::uint16_t seq = 0;       ///< sequence number
    std::uint8_t ttl = 0;        ///< TTL of the reply's IPv4 header
    instant arrival{};           ///< the `now` given to the receive() that delivered it
    std::size_t len = 0;         ///< payload bytes copied into the caller's buffer
    std::size_t payload_len = 0; ///< payload length; > len means it was truncated
};

/// Options of a listening TCP socket (tcp_listen).
struct tcp_listen_config {
    /// Backlog, SYN queue, SYN cookies, SYN-ACK retries, offered options. Its mss, window and
    /// window_scale are overwritten by the interface (path MTU and conn.recv_buffer_*).
    tcp::listener_config listener;
    /// Configuration of every accepted connection (mss clamped to the link MTU - 40).
    tcp::conn_config conn;
};

/// What tcp_endpoints returns.
struct tcp_endpoint_pair {
    udp_endpoint local;   ///< our address and port
    udp_endpoint remote;  ///< the peer's
};

}  // namespace netrig::core
