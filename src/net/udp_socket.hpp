// SPDX-License-Identifier: MIT
// net: udp_socket, a move-only handle to a UDP socket on any stack, and the interface a stack
// implements behind it.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <system_error>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "net/endpoint.hpp"
#include "runtime/task.hpp"

namespace netrig::net {

/// One received datagram's size and source.
struct datagram_info {
    std::size_t size = 0;  ///< Bytes stored in the buffer.
    endpoint source;       ///< Who sent it.
    bool truncated = false;  ///< The datagram was larger than the buffer; the rest is lost.
};

/// One slot of a batched receive: the caller's buffer, and what arrived in it.
struct datagram_slot {
    mut_bytes buffer;    ///< Where the datagram goes (set by the caller).
    datagram_info info;  ///< Size, source and truncation (set by the receive).
};

/// What a stack implements for one UDP socket. Users hold a udp_socket instead.
class udp_socket_impl {
public:
    virtual ~udp_socket_impl() = default;
    udp_socket_impl() = default;
    udp_socket_impl(const udp_socket_impl&) = delete;
    udp_socket_impl& operator=(const udp_socket_impl&) = delete;
    udp_socket_impl(udp_socket_impl&&) = delete;
    udp_socket_impl& operator=(udp_socket_impl&&) = delete;

    /// See udp_socket::send_to.
    [[nodiscard]] virtual runtime::task<result<std::size_t, std::error_code>> send_to(
        bytes data, endpoint target) = 0;
    /// See udp_socket::recv_from.
    [[nodiscard]] virtual runtime::task<result<datagram_info, std::error_code>> recv_from(
        mut_bytes buffer) = 0;
    /// See udp_socket::try_send_to.
    [[nodiscard]] virtual result<std::size_t, std::error_code> try_send_to(bytes data,
                                                                          endpoint target) = 0;
    /// See udp_socket::try_recv_from.
    [[nodiscard]] virtual result<datagram_info, std::error_code> try_recv_from(
        mut_bytes buffer) = 0;
    /// See udp_socket::connect.
    [[nodiscard]] virtual result<void, std::error_code> connect(endpoint peer) = 0;
    /// See udp_socket::send.
    [[nodiscard]] virtual runtime::task<result<std::size_t, std::error_code>> send(
        bytes data) = 0;
    /// See udp_socket::recv.
    [[nodiscard]] virtual runtime::task<result<std::size_t, std::error_code>> recv(
        mut_bytes buffer) = 0;
    /// See udp_socket::local.
    [[nodiscard]] virtual result<endpoint, std::error_code> local() const = 0;
    /// See udp_socket::remote.
    [[nodiscard]] virtual result<endpoint, std::error_code> remote() const = 0;
    /// See udp_socket::set_send_buffer.
    [[nodiscard]] virtual result<void, std::error_code> set_send_buffer(std::size_t bytes) = 0;
    /// See udp_socket::send_buffer.
    [[nodiscard]] virtual result<std::size_t, std::error_code> send_buffer() const = 0;
    /// See udp_socket::set_recv_buffer.
    [[nodiscard]] virtual result<void, std::error_code> set_recv_buffer(std::size_t bytes) = 0;
    /// See udp_socket::recv_buffer.
    [[nodiscard]] virtual result<std::size_t, std::error_code> recv_buffer() const = 0;
    /// See udp_socket::try_send_batch. The default sends one datagram per try_send_to-like call
    /// (a stack without a batched path); the kernel stack overrides it with sendmmsg.
    [[nodiscard]] virtual result<std::size_t, std::error_code> try_send_batch(
        std::span<const bytes> datagrams);
    /// See udp_socket::try_recv_batch. The default loops over try_recv_from; the kernel stack
    /// overrides it with recvmmsg.
    [[nodiscard]] virtual result<std::size_t, std::error_code> try_recv_batch(
        std::span<datagram_slot> slots);
    /// See udp_socket::send_batch. The default awaits send() for the first datagram and tries
    /// the rest without waiting.
    [[nodiscard]] virtual runtime::task<result<std::size_t, std::error_code>> send_batch(
        std::span<const bytes> datagrams);
    /// See udp_socket::recv_batch. The default awaits recv_from() for the first slot and tries
    /// the rest without waiting.
    [[nodiscard]] virtual runtime::task<result<std::size_t, std::error_code>> recv_batch(
        std::span<datagram_slot> slots);
    /// See udp_socket::close. Must be idempotent.
    virtual void close() = 0;
    /// True until close().
    [[nodiscard]] virtual bool is_open() const = 0;
};

/// A UDP socket. Move-only; destroying or closing it releases the port. A default-constructed
/// or moved-from socket is closed: every operation fails with errc::closed. Coroutine members
/// are lazy: the socket and buffers must outlive the awaited task.
class udp_socket {
public:
    /// A closed socket.
    udp_socket() = default;
    /// Wraps a stack's socket. Preconditions: impl != nullptr.
    explicit udp_socket(std::unique_ptr<udp_socket_impl> impl);
    udp_socket(udp_socket&&) noexcept = default;
    udp_socket& operator=(udp_socket&&) noexcept = default;
    udp_socket(const udp_socket&) = delete;
    udp_socket& operator=(const udp_socket&) = delete;
    /// Closes the socket.
    ~udp_socket();

    /// True until close(), false for a default-constructed or moved-from socket.
    [[nodiscard]] bool is_open() const { return impl_ != nullptr && impl_->is_open(); }

    /// Sends one datagram to target, waiting for buffer space. Returns the bytes sent
    /// (all of data). Errors: errc::message_too_long, errc::unreachable, errc::closed,
    /// errc::refused (an earlier datagram drew an ICMP port unreachable), cancellation.
    [[nodiscard]] runtime::task<result<std::size_t, std::error_code>> send_to(bytes data,
                                                                            endpoint target);

    /// Waits for one datagram, stores it in buffer and returns its size and source. A datagram
    /// larger than buffer is truncated (datagram_info::truncated). Errors: errc::closed,
    /// errc::refused (connected socket, ICMP port unreachable), cancellation.
    [[nodiscard]] runtime::task<result<datagram_info, std::error_code>> recv_from(
        mut_bytes buffer);

    /// send_to without waiting. Errors: errc::would_block when the buffer is full.
    [[nodiscard]] result<std::size_t, std::error_code> try_send_to(bytes data, endpoint target);

    /// recv_from without waiting. Errors: errc::would_block when no datagram is queued.
    [[nodiscard]] result<datagram_info, std::error_code> try_recv_from(mut_bytes buffer);

    /// Sets the default peer: send() goes there and only its datagrams are received.
    /// Errors: errc::unreachable, errc::invalid_argument, errc::closed.
    [[nodiscard]] result<void, std::error_code> connect(endpoint peer);

    /// Sends one datagram to the connected peer. Errors: errc::not_connected, as send_to.
    [[nodiscard]] runtime::task<result<std::size_t, std::error_code>> send(bytes data);

    /// Receives one datagram from the connected peer; returns its size (truncated to the
    /// buffer). Errors: as recv_from.
    [[nodiscard]] runtime::task<result<std::size_t, std::error_code>> recv(mut_bytes buffer);

    /// Sends up to datagrams.size() datagrams to the connected peer in as few system calls as
    /// the stack allows (sendmmsg on the kernel stack); returns how many were sent, at least
    /// one, waiting for buffer space for the first. Errors: as send() (only when none was sent).
    [[nodiscard]] runtime::task<result<std::size_t, std::error_code>> send_batch(
        std::span<const bytes> datagrams);

    /// Receives up to slots.size() datagrams (recvmmsg on the kernel stack), waiting for the
    /// first; fills each used slot's info and returns how many were filled (at least one).
    /// Errors: as recv_from() (only when none was received).
    [[nodiscard]] runtime::task<result<std::size_t, std::error_code>> recv_batch(
        std::span<datagram_slot> slots);

    /// send_batch without waiting: errc::would_block when none could be sent.
    [[nodiscard]] result<std::size_t, std::error_code> try_send_batch(
        std::span<const bytes> datagrams);

    /// recv_batch without waiting: errc::would_block when none is queued.
    [[nodiscard]] result<std::size_t, std::error_code> try_recv_batch(
        std::span<datagram_slot> slots);

    /// The bound local endpoint.
    [[nodiscard]] result<endpoint, std::error_code> local() const;
    /// The connected peer. Errors: errc::not_connected.
    [[nodiscard]] result<endpoint, std::error_code> remote() const;

    /// Requests a send buffer of bytes (SO_SNDBUF; the kernel doubles and caps it).
    [[nodiscard]] result<void, std::error_code> set_send_buffer(std::size_t bytes);
    /// The send buffer size as the stack reports it.
    [[nodiscard]] result<std::size_t, std::error_code> send_buffer() const;
    /// Requests a receive buffer of bytes (SO_RCVBUF; the kernel doubles and caps it).
    [[nodiscard]] result<void, std::error_code> set_recv_buffer(std::size_t bytes);
    /// The receive buffer size as the stack reports it.
    [[nodiscard]] result<std::size_t, std::error_code> recv_buffer() const;

    /// Releases the socket. Idempotent. A pending receive ends with an error.
    void close();

private:
    std::unique_ptr<udp_socket_impl> impl_;
};

}  // namespace netrig::net
