// SPDX-License-Identifier: MIT
// net: kernel stack internals: descriptor ownership, sockaddr conversion, socket options.
#include "net/kernel_socket.hpp"

#include <arpa/inet.h>
#include <linux/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>

#include "net/errc.hpp"
#include "runtime/io.hpp"

namespace netrig::net::kernel {

socket_fd& socket_fd::operator=(socket_fd&& other) noexcept {
    if (this != &other) {
        reset();
        fd_ = other.release();
    }
    return *this;
}

int socket_fd::release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

void socket_fd::reset() {
    if (fd_ >= 0) {
        // The reactor must drop its registration before the number can be reused by open().
        // A socket destroyed on a thread without an executor was never waited on there.
        if (runtime::has_current()) {
            runtime::forget_fd(fd_);
        }
        ::close(fd_);
        fd_ = -1;
    }
}

std::error_code last_error() { return error_from_errno(errno); }

result<socket_fd, std::error_code> open_socket(int type) {
    const int fd = ::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return unexpected(last_error());
    }
    return socket_fd{fd};
}

sockaddr_in to_sockaddr(endpoint e) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(e.port);
    sa.sin_addr.s_addr = htonl(e.address.to_u32());
    return sa;
}

endpoint from_sockaddr(const sockaddr_in& sa) {
    return endpoint{wire::ipv4_address::from_u32(ntohl(sa.sin_addr.s_addr)), ntohs(sa.sin_port)};
}

namespace {

using name_fn = int (*)(int, sockaddr*, socklen_t*);

result<endpoint, std::error_code> query_endpoint(int fd, name_fn fn) {
    sockaddr_in sa{};
    socklen_t len = sizeof(sa);
    // The sockets API takes the generic sockaddr; sockaddr_in is its AF_INET layout.
    if (fn(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {  // NOLINT(*-reinterpret-cast)
        return unexpected(last_error());
    }
    if (sa.sin_family != AF_INET) {
        return unexpected(make_error_code(errc::not_supported));
    }
    return from_sockaddr(sa);
}

}  // namespace

result<endpoint, std::error_code> local_endpoint(int fd) {
    return query_endpoint(fd, &::getsockname);
}

result<endpoint, std::error_code> remote_endpoint(int fd) {
    return query_endpoint(fd, &::getpeername);
}

result<void, std::error_code> set_int_option(int fd, int level, int name, int value) {
    if (::setsockopt(fd, level, name, &value, sizeof(value)) != 0) {
        return unexpected(last_error());
    }
    return {};
}

result<int, std::error_code> get_int_option(int fd, int level, int name) {
    int value = 0;
    socklen_t len = sizeof(value);
    if (::getsockopt(fd, level, name, &value, &len) != 0) {
        return unexpected(last_error());
    }
    return value;
}

result<void, std::error_code> set_buffer_option(int fd, int name, std::size_t bytes) {
    if (bytes > static_cast<std::size_t>(INT_MAX)) {
        return unexpected(make_error_code(errc::invalid_argument));
    }
    const int value = static_cast<int>(bytes);
    // As root, the FORCE variants lift the net.core.{w,r}mem_max cap, so the size asked for is
    // the size used; without the privilege, fall back to the capped plain option.
    const int force = name == SO_SNDBUF ? SO_SNDBUFFORCE : SO_RCVBUFFORCE;
    if (::setsockopt(fd, SOL_SOCKET, force, &value, sizeof(value)) == 0) {
        return {};
    }
    return set_int_option(fd, SOL_SOCKET, name, value);
}

result<void, std::error_code> set_congestion_option(int fd, std::string_view name) {
    const std::string copy(name);  // setsockopt wants a length, but not a view into the caller
    if (::setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, copy.data(),
                     static_cast<socklen_t>(copy.size())) != 0) {
        // ENOENT: no such algorithm built in or loadable; not an errno the generic map knows.
        if (errno == ENOENT) {
            return unexpected(make_error_code(errc::not_supported));
        }
        return unexpected(last_error());
    }
    return {};
}

std::error_code closed_error() { return make_error_code(errc::closed); }

std::error_code wait_error(std::error_code ec) {
    if (ec == std::errc::bad_file_descriptor) {
        return closed_error();
    }
    return ec;
}

}  // namespace netrig::net::kernel
