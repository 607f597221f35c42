// SPDX-License-Identifier: MIT
// net: the error category of net::errc and the errno mapping.
#include "net/errc.hpp"

#include <cerrno>
#include <string>

namespace netrig::net {
namespace {

class net_category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "netrig.net"; }

    [[nodiscard]] std::string message(int value) const override {
        return std::string(describe(static_cast<errc>(value)));
    }

    // Lets a code of this category compare equal to the portable std::errc conditions, so
    // generic code can test `ec == std::errc::connection_refused` too.
    [[nodiscard]] std::error_condition default_error_condition(int value) const noexcept override {
        switch (static_cast<errc>(value)) {
            case errc::refused: return std::errc::connection_refused;
            case errc::reset: return std::errc::connection_reset;
            case errc::timed_out: return std::errc::timed_out;
            case errc::unreachable: return std::errc::network_unreachable;
            case errc::address_in_use: return std::errc::address_in_use;
            case errc::address_not_available: return std::errc::address_not_available;
            case errc::closed: return std::errc::bad_file_descriptor;
            case errc::not_connected: return std::errc::not_connected;
            case errc::permission_denied: return std::errc::permission_denied;
            case errc::no_buffer_space: return std::errc::no_buffer_space;
            case errc::invalid_argument: return std::errc::invalid_argument;
            case errc::not_supported: return std::errc::not_supported;
            case errc::message_too_long: return std::errc::message_size;
            case errc::would_block: return std::errc::operation_would_block;
            case errc::aborted: return std::errc::connection_aborted;
            case errc::canceled: return std::errc::operation_canceled;
            case errc::io_error: return std::errc::io_error;
        }
        return {value, *this};
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const net_category category;
    return category;
}

std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), error_category()};
}

std::string_view describe(errc e) noexcept {
    switch (e) {
        case errc::refused: return "connection refused by the peer";
        case errc::reset: return "connection reset by the peer";
        case errc::timed_out: return "timed out";
        case errc::unreachable: return "network or host unreachable";
        case errc::address_in_use: return "local address already in use";
        case errc::address_not_available: return "local address not available on this host";
        case errc::closed: return "socket is closed or shut down";
        case errc::not_connected: return "socket is not connected";
        case errc::permission_denied: return "permission denied";
        case errc::no_buffer_space: return "out of buffer space or descriptors";
        case errc::invalid_argument: return "invalid argument";
        case errc::not_supported: return "operation or option not supported";
        case errc::message_too_long: return "message too long";
        case errc::would_block: return "operation would block";
        case errc::aborted: return "connection aborted";
        case errc::canceled: return "operation cancelled";
        case errc::io_error: return "input/output error";
    }
    return "unknown net error";
}

std::error_code error_from_errno(int errno_value) noexcept {
    switch (errno_value) {
        case ECONNREFUSED: return errc::refused;
        case ECONNRESET:
        case EPIPE: return errc::reset;  // EPIPE on a TCP socket means the peer reset us.
        case ETIMEDOUT: return errc::timed_out;
        case ENETUNREACH:
        case EHOSTUNREACH:
        case ENETDOWN:
        case EHOSTDOWN: return errc::unreachable;
        case EADDRINUSE: return errc::address_in_use;
        case EADDRNOTAVAIL: return errc::address_not_available;
        case EBADF: return errc::closed;
        case ENOTCONN:
        case EDESTADDRREQ: return errc::not_connected;
        case EACCES:
        case EPERM: return errc::permission_denied;
        case ENOBUFS:
        case ENOMEM:
        case EMFILE:
        case ENFILE: return errc::no_buffer_space;
        case EINVAL: return errc::invalid_argument;
        case EOPNOTSUPP:
        case ENOPROTOOPT:
        case EAFNOSUPPORT:
        case EPROTONOSUPPORT: return errc::not_supported;
        case EMSGSIZE: return errc::message_too_long;
        case EAGAIN: return errc::would_block;
        case ECONNABORTED: return errc::aborted;
        case ECANCELED: return errc::canceled;
        case EIO: return errc::io_error;
        default: return {errno_value, std::system_category()};
    }
}

}  // namespace netrig::net
