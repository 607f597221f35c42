// SPDX-License-Identifier: MIT
// net: the abstract socket stack. Tools run on `net::stack&` and do not know whether the Linux
// kernel or netrig's own TCP/IP stack is underneath.
#pragma once

#include <memory>
#include <string_view>
#include <system_error>

#include "base/result.hpp"
#include "net/endpoint.hpp"
#include "net/options.hpp"
#include "net/ping_socket.hpp"
#include "net/tcp_listener.hpp"
#include "net/tcp_stream.hpp"
#include "net/udp_socket.hpp"
#include "runtime/task.hpp"

namespace netrig::net {

/// A TCP/IP stack: a factory of sockets. Sockets are driven by the executor of the thread that
/// awaits them; a stack object may be shared by threads if its implementation says so
/// (the kernel stack is stateless and may).
class stack {
public:
    virtual ~stack() = default;
    stack() = default;
    stack(const stack&) = delete;
    stack& operator=(const stack&) = delete;
    stack(stack&&) = delete;
    stack& operator=(stack&&) = delete;

    /// Opens a TCP connection to remote. options is copied before the first suspension, so a
    /// temporary is fine. Errors: errc::refused, errc::timed_out (options.timeout or the SYN
    /// retry limit), errc::unreachable, errc::address_in_use / errc::address_not_available
    /// (options.local), errc::not_supported (options.congestion), cancellation.
    [[nodiscard]] virtual runtime::task<result<tcp_stream, std::error_code>> connect(
        endpoint remote, const connect_options& options) = 0;

    /// Connects with default options.
    [[nodiscard]] runtime::task<result<tcp_stream, std::error_code>> connect(endpoint remote) {
        return connect(remote, connect_options{});
    }

    /// Starts listening on local (port 0: the stack picks one; see tcp_listener::local).
    /// Errors: errc::address_in_use, errc::address_not_available, errc::permission_denied,
    /// errc::not_supported (options.congestion).
    [[nodiscard]] virtual result<tcp_listener, std::error_code> listen(
        endpoint local, const listen_options& options) = 0;

    /// Listens with default options.
    [[nodiscard]] result<tcp_listener, std::error_code> listen(endpoint local) {
        return listen(local, listen_options{});
    }

    /// Opens a UDP socket bound to local (port 0: the stack picks one).
    /// Errors: errc::address_in_use, errc::address_not_available, errc::permission_denied.
    [[nodiscard]] virtual result<udp_socket, std::error_code> bind_udp(endpoint local) = 0;

    /// Opens an ICMP echo socket (see ping_socket). The kernel stack uses an unprivileged
    /// SOCK_DGRAM ping socket, falling back to a raw socket as root.
    /// Errors: errc::permission_denied (neither net.ipv4.ping_group_range allows this process's
    /// group nor is the process root/CAP_NET_RAW; print ping_permission_hint with it, since the
    /// code's own message is only "permission denied"), errc::no_buffer_space.
    [[nodiscard]] virtual result<ping_socket, std::error_code> open_ping() = 0;

    /// A short name for reports: "kernel" or "user".
    [[nodiscard]] virtual std::string_view name() const = 0;
};

}  // namespace netrig::net
