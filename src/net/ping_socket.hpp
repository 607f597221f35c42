// SPDX-License-Identifier: MIT
// net: ping_socket, a move-only handle to an ICMP echo socket (RFC 792 echo request / reply) on
// any stack, and the interface a stack implements behind it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/time.hpp"
#include "runtime/task.hpp"
#include "wire/address.hpp"

namespace netrig::net {

/// What to tell a user when stack::open_ping fails with errc::permission_denied (the error
/// code's message is the generic "permission denied").
inline constexpr std::string_view ping_permission_hint =
    "ICMP echo sockets need net.ipv4.ping_group_range to include the process's group "
    "(e.g. sysctl -w net.ipv4.ping_group_range=\"0 2147483647\") or root/CAP_NET_RAW";

/// One received echo reply.
struct echo_reply {
    wire::ipv4_address from;  ///< The replying host.
    std::uint16_t seq = 0;    ///< Sequence number of the reply (echoes the request's).
    std::uint8_t ttl = 0;     ///< TTL of the reply's IPv4 header (0 if the stack cannot tell).
    std::size_t size = 0;     ///< Payload bytes stored in the caller's buffer.
    bool truncated = false;   ///< The payload was larger than the buffer; the rest is lost.
    /// When the stack received the reply, on the runtime clock (runtime::now(); virtual time on
    /// the sim executor). The user stack stamps it when the frame arrives; the kernel stack when
    /// the reply is read from the socket. Subtract the send time for a round-trip time.
    instant arrival{};
};

/// What a stack implements for one ping socket. Users hold a ping_socket instead.
class ping_socket_impl {
public:
    virtual ~ping_socket_impl() = default;
    ping_socket_impl() = default;
    ping_socket_impl(const ping_socket_impl&) = delete;
    ping_socket_impl& operator=(const ping_socket_impl&) = delete;
    ping_socket_impl(ping_socket_impl&&) = delete;
    ping_socket_impl& operator=(ping_socket_impl&&) = delete;

    /// See ping_socket::send.
    [[nodiscard]] virtual runtime::task<result<void, std::error_code>> send(
        wire::ipv4_address to, std::uint16_t seq, bytes payload) = 0;
    /// See ping_socket::recv.
    [[nodiscard]] virtual runtime::task<result<echo_reply, std::error_code>> recv(
        mut_bytes payload_buffer) = 0;
    /// See ping_socket::ident.
    [[nodiscard]] virtual result<std::uint16_t, std::error_code> ident() const = 0;
    /// See ping_socket::close. Must be idempotent.
    virtual void close() = 0;
    /// True until close().
    [[nodiscard]] virtual bool is_open() const = 0;
};

/// An ICMP echo ("ping") socket: sends echo requests carrying the socket's identifier and
/// receives only the echo replies that carry it. Move-only; destroying or closing it releases
/// the identifier. A default-constructed or moved-from socket is closed: every operation fails
/// with errc::closed. Coroutine members are lazy: the socket and buffers must outlive the
/// awaited task.
class ping_socket {
public:
    /// A closed socket.
    ping_socket() = default;
    /// Wraps a stack's socket. Preconditions: impl != nullptr.
    explicit ping_socket(std::unique_ptr<ping_socket_impl> impl);
    ping_socket(ping_socket&&) noexcept = default;
    ping_socket& operator=(ping_socket&&) noexcept = default;
    ping_socket(const ping_socket&) = delete;
    ping_socket& operator=(const ping_socket&) = delete;
    /// Closes the socket.
    ~ping_socket();

    /// True until close(), false for a default-constructed or moved-from socket.
    [[nodiscard]] bool is_open() const { return impl_ != nullptr && impl_->is_open(); }

    /// Sends one echo request (RFC 792 type 8) to `to` with our identifier, seq and payload
    /// (at most 65507 bytes; fragmented when larger than the path MTU), waiting for buffer
    /// space. Errors: errc::message_too_long, errc::unreachable, errc::invalid_argument
    /// (unspecified address), errc::closed, cancellation.
    [[nodiscard]] runtime::task<result<void, std::error_code>> send(wire::ipv4_address to,
                                                                    std::uint16_t seq,
                                                                    bytes payload);

    /// Waits for one echo reply (type 0) carrying our identifier from any host, stores its
    /// payload in payload_buffer (truncating, see echo_reply::truncated). Replies to other
    /// identifiers and other ICMP messages are never returned. Errors: errc::closed,
    /// cancellation. Bound it with runtime::with_timeout: a lost reply never arrives.
    [[nodiscard]] runtime::task<result<echo_reply, std::error_code>> recv(
        mut_bytes payload_buffer);

    /// The ICMP identifier of our requests (chosen by the stack; the kernel picks it for
    /// unprivileged ping sockets). Errors: errc::closed.
    [[nodiscard]] result<std::uint16_t, std::error_code> ident() const;

    /// Releases the socket. Idempotent. A pending recv ends with errc::closed.
    void close();

private:
    std::unique_ptr<ping_socket_impl> impl_;
};

}  // namespace netrig::net
