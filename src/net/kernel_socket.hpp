// SPDX-License-Identifier: MIT
// net: internals of the kernel stack: an owning socket descriptor that unregisters itself from
// the reactor before close, sockaddr conversion, and socket option wrappers. Not part of the
// public API; only kernel_*.cpp include it.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <system_error>

#include "base/result.hpp"
#include "net/endpoint.hpp"

namespace netrig::net::kernel {

/// Owns one non-blocking socket descriptor. Closing tells the reactor first (forget_fd), so a
/// recycled descriptor number never receives a stale registration.
class socket_fd {
public:
    /// No descriptor.
    socket_fd() = default;
    /// Takes ownership of fd (>= 0).
    explicit socket_fd(int fd) : fd_(fd) {}
    socket_fd(socket_fd&& other) noexcept : fd_(other.release()) {}
    socket_fd& operator=(socket_fd&& other) noexcept;
    socket_fd(const socket_fd&) = delete;
    socket_fd& operator=(const socket_fd&) = delete;
    /// Closes the descriptor if one is held.
    ~socket_fd() { reset(); }

    /// The descriptor, or -1.
    [[nodiscard]] int get() const { return fd_; }
    /// True if a descriptor is held.
    [[nodiscard]] bool valid() const { return fd_ >= 0; }
    /// Gives up ownership without closing.
    [[nodiscard]] int release();
    /// Unregisters from the reactor and closes the descriptor, if any.
    void reset();

private:
    int fd_ = -1;
};

/// Opens a non-blocking, close-on-exec IPv4 socket of the given type (SOCK_STREAM/SOCK_DGRAM).
[[nodiscard]] result<socket_fd, std::error_code> open_socket(int type);

/// The sockaddr_in for e.
[[nodiscard]] sockaddr_in to_sockaddr(endpoint e);
/// The endpoint of an AF_INET sockaddr_in.
[[nodiscard]] endpoint from_sockaddr(const sockaddr_in& sa);

/// getsockname as an endpoint.
[[nodiscard]] result<endpoint, std::error_code> local_endpoint(int fd);
/// getpeername as an endpoint.
[[nodiscard]] result<endpoint, std::error_code> remote_endpoint(int fd);

/// setsockopt of an int option.
[[nodiscard]] result<void, std::error_code> set_int_option(int fd, int level, int name, int value);
/// getsockopt of an int option.
[[nodiscard]] result<int, std::error_code> get_int_option(int fd, int level, int name);
/// Sets SO_SNDBUF or SO_RCVBUF from a byte count. Errors: errc::invalid_argument if it does not
/// fit an int.
[[nodiscard]] result<void, std::error_code> set_buffer_option(int fd, int name, std::size_t bytes);
/// Sets TCP_CONGESTION. Errors: errc::not_supported if the kernel lacks the algorithm,
/// errc::permission_denied if it is not in net.ipv4.tcp_allowed_congestion_control and the
/// process lacks CAP_NET_ADMIN.
[[nodiscard]] result<void, std::error_code> set_congestion_option(int fd, std::string_view name);

/// The net error for the current errno.
[[nodiscard]] std::error_code last_error();

/// errc::closed, the error of any operation on a socket closed by its owner.
[[nodiscard]] std::error_code closed_error();

/// Maps the error of a runtime fd wait: a wait that ends because the socket was closed
/// meanwhile (forget_fd reports bad_file_descriptor) becomes errc::closed; cancellation and
/// other errors pass through unchanged.
[[nodiscard]] std::error_code wait_error(std::error_code ec);

}  // namespace netrig::net::kernel
