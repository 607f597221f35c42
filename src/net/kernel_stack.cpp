// SPDX-License-Identifier: MIT
// net: the kernel stack: opens Linux sockets, applies options, connects without blocking.
#include "net/kernel_stack.hpp"

#include <linux/tcp.h>
#include <sys/socket.h>

#include <cerrno>

#include "net/errc.hpp"
#include "net/kernel_ping.hpp"
#include "net/kernel_socket.hpp"
#include "net/kernel_tcp.hpp"
#include "net/kernel_udp.hpp"
#include "runtime/io.hpp"
#include "runtime/timeout.hpp"

namespace netrig::net {
namespace {

using kernel::socket_fd;

result<void, std::error_code> bind_to(int fd, endpoint local) {
    const sockaddr_in sa = kernel::to_sockaddr(local);
    // The sockets API takes the generic sockaddr; sockaddr_in is its AF_INET layout.
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) != 0) {  // NOLINT
        return unexpected(kernel::last_error());
    }
    return {};
}

// Options that must be set before the handshake: buffers fix the window scale, MSS is announced
// in the SYN, and the congestion control is chosen when the connection starts.
result<void, std::error_code> apply_connect_options(int fd, const connect_options& options) {
    if (options.send_buffer_bytes) {
        NETRIG_TRY(kernel::set_buffer_option(fd, SO_SNDBUF, *options.send_buffer_bytes));
    }
    if (options.recv_buffer_bytes) {
        NETRIG_TRY(kernel::set_buffer_option(fd, SO_RCVBUF, *options.recv_buffer_bytes));
    }
    if (options.congestion) {
        NETRIG_TRY(kernel::set_congestion_option(fd, *options.congestion));
    }
    if (options.mss_bytes) {
        if (*options.mss_bytes > 65535U) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        NETRIG_TRY(kernel::set_int_option(fd, IPPROTO_TCP, TCP_MAXSEG,
                                          static_cast<int>(*options.mss_bytes)));
    }
    if (options.nodelay) {
        NETRIG_TRY(kernel::set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, 1));
    }
    if (options.local) {
        NETRIG_TRY(bind_to(fd, *options.local));
    }
    return {};
}

// The connection attempt proper. Parameters are values: the task is lazy and may start after
// the caller's arguments are gone (STYLE.md 7.6).
runtime::task<result<tcp_stream, std::error_code>> connect_now(endpoint remote,
                                                               connect_options options) {
    auto opened = kernel::open_socket(SOCK_STREAM);
    if (!opened) {
        co_return unexpected(opened.error());
    }
    socket_fd fd = std::move(*opened);
    if (auto applied = apply_connect_options(fd.get(), options); !applied) {
        co_return unexpected(applied.error());
    }
    const sockaddr_in sa = kernel::to_sockaddr(remote);
    // NOLINTNEXTLINE(*-reinterpret-cast): the sockets API takes the generic sockaddr.
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof(sa)) != 0) {
        if (errno != EINPROGRESS) {
            co_return unexpected(kernel::last_error());
        }
        // A non-blocking connect reports completion as writability; SO_ERROR holds the outcome.
        auto ready = co_await runtime::wait_writable(fd.get());
        if (!ready) {
            co_return unexpected(ready.error());
        }
        auto so_error = kernel::get_int_option(fd.get(), SOL_SOCKET, SO_ERROR);
        if (!so_error) {
            co_return unexpected(so_error.error());
        }
        if (*so_error != 0) {
            co_return unexpected(error_from_errno(*so_error));
        }
    }
    co_return kernel::make_tcp_stream(std::move(fd));
}

runtime::task<result<tcp_stream, std::error_code>> connect_with_timeout(endpoint remote,
                                                                        connect_options options) {
    const duration limit = *options.timeout;
    auto r = co_await runtime::with_timeout(limit, connect_now(remote, std::move(options)));
    if (!r && r.error() == std::errc::timed_out) {
        // Whatever category the runtime uses for its timeout, report ours.
        co_return unexpected(make_error_code(errc::timed_out));
    }
    co_return r;
}

class kernel_stack final : public stack {
public:
    runtime::task<result<tcp_stream, std::error_code>> connect(
        endpoint remote, const connect_options& options) override {
        if (options.timeout) {
            return connect_with_timeout(remote, options);
        }
        return connect_now(remote, options);
    }

    result<tcp_listener, std::error_code> listen(endpoint local,
                                                 const listen_options& options) override {
        NETRIG_TRY_ASSIGN(socket_fd fd, kernel::open_socket(SOCK_STREAM));
        if (options.reuse_address) {
            NETRIG_TRY(kernel::set_int_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1));
        }
        // Accepted sockets inherit buffers and congestion control from the listener, and the
        // receive buffer must be set before the handshake for the window scale to fit it.
        if (options.recv_buffer_bytes) {
            NETRIG_TRY(kernel::set_buffer_option(fd.get(), SO_RCVBUF, *options.recv_buffer_bytes));
        }
        if (options.send_buffer_bytes) {
            NETRIG_TRY(kernel::set_buffer_option(fd.get(), SO_SNDBUF, *options.send_buffer_bytes));
        }
        if (options.congestion) {
            NETRIG_TRY(kernel::set_congestion_option(fd.get(), *options.congestion));
        }
        NETRIG_TRY(bind_to(fd.get(), local));
        if (options.backlog < 0) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        if (::listen(fd.get(), options.backlog) != 0) {
            return unexpected(kernel::last_error());
        }
        return kernel::make_tcp_listener(std::move(fd));
    }

    result<udp_socket, std::error_code> bind_udp(endpoint local) override {
        NETRIG_TRY_ASSIGN(socket_fd fd, kernel::open_socket(SOCK_DGRAM));
        NETRIG_TRY(bind_to(fd.get(), local));
        return kernel::make_udp_socket(std::move(fd));
    }

    result<ping_socket, std::error_code> open_ping() override {
        return kernel::open_ping_socket(kernel::ping_mode::automatic);
    }

    [[nodiscard]] std::string_view name() const override { return "kernel"; }
};

}  // namespace

std::unique_ptr<stack> make_kernel_stack() { return std::make_unique<kernel_stack>(); }

}  // namespace netrig::net
