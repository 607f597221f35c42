// SPDX-License-Identifier: MIT
// net: tcp_listener, a move-only handle to a listening TCP socket on any stack, and the
// interface a stack implements behind it.
#pragma once

#include <memory>
#include <system_error>

#include "base/result.hpp"
#include "net/endpoint.hpp"
#include "net/tcp_stream.hpp"
#include "runtime/task.hpp"

namespace netrig::net {

/// What a stack implements for one listening socket. Users hold a tcp_listener instead.
class tcp_listener_impl {
public:
    virtual ~tcp_listener_impl() = default;
    tcp_listener_impl() = default;
    tcp_listener_impl(const tcp_listener_impl&) = delete;
    tcp_listener_impl& operator=(const tcp_listener_impl&) = delete;
    tcp_listener_impl(tcp_listener_impl&&) = delete;
    tcp_listener_impl& operator=(tcp_listener_impl&&) = delete;

    /// See tcp_listener::accept.
    [[nodiscard]] virtual runtime::task<result<tcp_stream, std::error_code>> accept() = 0;
    /// See tcp_listener::try_accept.
    [[nodiscard]] virtual result<tcp_stream, std::error_code> try_accept() = 0;
    /// See tcp_listener::local.
    [[nodiscard]] virtual result<endpoint, std::error_code> local() const = 0;
    /// See tcp_listener::close. Must be idempotent.
    virtual void close() = 0;
    /// True until close().
    [[nodiscard]] virtual bool is_open() const = 0;
};

/// A listening TCP socket. Move-only; destroying or closing it stops listening (connections
/// not yet accepted are reset by the stack). A default-constructed or moved-from listener is
/// closed: every operation fails with errc::closed.
class tcp_listener {
public:
    /// A closed listener.
    tcp_listener() = default;
    /// Wraps a stack's listener. Preconditions: impl != nullptr.
    explicit tcp_listener(std::unique_ptr<tcp_listener_impl> impl);
    tcp_listener(tcp_listener&&) noexcept = default;
    tcp_listener& operator=(tcp_listener&&) noexcept = default;
    tcp_listener(const tcp_listener&) = delete;
    tcp_listener& operator=(const tcp_listener&) = delete;
    /// Closes the listener.
    ~tcp_listener();

    /// True until close(), false for a default-constructed or moved-from listener.
    [[nodiscard]] bool is_open() const { return impl_ != nullptr && impl_->is_open(); }

    /// Waits for the next established connection and returns it. The listener must outlive
    /// the task. Errors: errc::closed, errc::no_buffer_space (out of descriptors),
    /// cancellation.
    [[nodiscard]] runtime::task<result<tcp_stream, std::error_code>> accept();

    /// Returns an established connection if one is queued. Errors: errc::would_block if none
    /// is, otherwise as accept().
    [[nodiscard]] result<tcp_stream, std::error_code> try_accept();

    /// The bound local endpoint (with the port the stack chose if 0 was asked for).
    [[nodiscard]] result<endpoint, std::error_code> local() const;

    /// Stops listening. Idempotent. A pending accept() ends with an error.
    void close();

private:
    std::unique_ptr<tcp_listener_impl> impl_;
};

}  // namespace netrig::net
