// SPDX-License-Identifier: MIT
// net: tcp_stream, a move-only handle to one TCP connection on any stack, and the interface a
// stack implements behind it (tcp_stream_impl). Type erasure lives here (DESIGN.md "net").
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "net/endpoint.hpp"
#include "net/tcp_info.hpp"
#include "runtime/task.hpp"

namespace netrig::net {

/// What a stack implements for one TCP connection. Users hold a tcp_stream instead.
/// The coroutine members must only be resumed on the executor that owns the socket.
class tcp_stream_impl {
public:
    virtual ~tcp_stream_impl() = default;
    tcp_stream_impl() = default;
    tcp_stream_impl(const tcp_stream_impl&) = delete;
    tcp_stream_impl& operator=(const tcp_stream_impl&) = delete;
    tcp_stream_impl(tcp_stream_impl&&) = delete;
    tcp_stream_impl& operator=(tcp_stream_impl&&) = delete;

    /// See tcp_stream::read_some.
    [[nodiscard]] virtual runtime::task<result<std::size_t, std::error_code>> read_some(
        mut_bytes buffer) = 0;
    /// See tcp_stream::write_some.
    [[nodiscard]] virtual runtime::task<result<std::size_t, std::error_code>> write_some(
        bytes data) = 0;
    /// See tcp_stream::write_all.
    [[nodiscard]] virtual runtime::task<result<void, std::error_code>> write_all(bytes data) = 0;
    /// See tcp_stream::try_read.
    [[nodiscard]] virtual result<std::size_t, std::error_code> try_read(mut_bytes buffer) = 0;
    /// See tcp_stream::try_write.
    [[nodiscard]] virtual result<std::size_t, std::error_code> try_write(bytes data) = 0;
    /// See tcp_stream::shutdown_write.
    [[nodiscard]] virtual result<void, std::error_code> shutdown_write() = 0;
    /// See tcp_stream::close. Must be idempotent.
    virtual void close() = 0;
    /// True until close() or abort().
    [[nodiscard]] virtual bool is_open() const = 0;
    /// See tcp_stream::abort.
    virtual void abort() = 0;
    /// See tcp_stream::local.
    [[nodiscard]] virtual result<endpoint, std::error_code> local() const = 0;
    /// See tcp_stream::remote.
    [[nodiscard]] virtual result<endpoint, std::error_code> remote() const = 0;
    /// See tcp_stream::set_nodelay.
    [[nodiscard]] virtual result<void, std::error_code> set_nodelay(bool on) = 0;
    /// See tcp_stream::nodelay.
    [[nodiscard]] virtual result<bool, std::error_code> nodelay() const = 0;
    /// See tcp_stream::set_send_buffer.
    [[nodiscard]] virtual result<void, std::error_code> set_send_buffer(std::size_t bytes) = 0;
    /// See tcp_stream::send_buffer.
    [[nodiscard]] virtual result<std::size_t, std::error_code> send_buffer() const = 0;
    /// See tcp_stream::set_recv_buffer.
    [[nodiscard]] virtual result<void, std::error_code> set_recv_buffer(std::size_t bytes) = 0;
    /// See tcp_stream::recv_buffer.
    [[nodiscard]] virtual result<std::size_t, std::error_code> recv_buffer() const = 0;
    /// See tcp_stream::set_mss.
    [[nodiscard]] virtual result<void, std::error_code> set_mss(std::uint32_t bytes) = 0;
    /// See tcp_stream::mss.
    [[nodiscard]] virtual result<std::uint32_t, std::error_code> mss() const = 0;
    /// See tcp_stream::set_congestion.
    [[nodiscard]] virtual result<void, std::error_code> set_congestion(std::string_view name) = 0;
    /// See tcp_stream::congestion.
    [[nodiscard]] virtual result<std::string, std::error_code> congestion() const = 0;
    /// See tcp_stream::info.
    [[nodiscard]] virtual result<tcp_info, std::error_code> info() const = 0;
};

/// One TCP connection. Move-only; destroying or closing it releases the socket. A
/// default-constructed or moved-from stream is closed: every operation fails with errc::closed.
///
/// Coroutine members are lazy: the stream and any buffer passed in must outlive the awaited
/// task. At most one read and one write may be pending at a time. Cancelling the awaiting task
/// (through the runtime) ends a pending operation with the runtime's cancellation error.
class tcp_stream {
public:
    /// A closed stream.
    tcp_stream() = default;
    /// Wraps a stack's connection. Preconditions: impl != nullptr.
    explicit tcp_stream(std::unique_ptr<tcp_stream_impl> impl);
    tcp_stream(tcp_stream&&) noexcept = default;
    tcp_stream& operator=(tcp_stream&&) noexcept = default;
    tcp_stream(const tcp_stream&) = delete;
    tcp_stream& operator=(const tcp_stream&) = delete;
    /// Closes the connection (orderly close, as close()).
    ~tcp_stream();

    /// True until close() or abort(), and false for a default-constructed or moved-from stream.
    [[nodiscard]] bool is_open() const { return impl_ != nullptr && impl_->is_open(); }

    /// Reads at least one byte into buffer, waiting until some arrive. Returns the count;
    /// 0 means the peer closed its sending side (orderly EOF) or buffer is empty.
    /// Errors: errc::reset, errc::timed_out (keep-alive/user timeout), errc::closed, cancellation.
    [[nodiscard]] runtime::task<result<std::size_t, std::error_code>> read_some(mut_bytes buffer);

    /// Writes at least one byte of data, waiting for send buffer space. Returns the count.
    /// Errors: errc::reset, errc::closed (after shutdown_write or close), cancellation.
    [[nodiscard]] runtime::task<result<std::size_t, std::error_code>> write_some(bytes data);

    /// Writes all of data, trying the send first and waiting only when the buffer is full.
    /// Errors: as write_some; on error an unknown prefix of data was sent.
    [[nodiscard]] runtime::task<result<void, std::error_code>> write_all(bytes data);

    /// Reads what is available now without waiting. Errors: errc::would_block if nothing is,
    /// otherwise as read_some. 0 means EOF.
    [[nodiscard]] result<std::size_t, std::error_code> try_read(mut_bytes buffer);

    /// Writes what fits now without waiting. Errors: errc::would_block if nothing fits,
    /// otherwise as write_some.
    [[nodiscard]] result<std::size_t, std::error_code> try_write(bytes data);

    /// Sends FIN after the data already written (half-close). The stream can still read.
    /// Errors: errc::closed, errc::not_connected.
    [[nodiscard]] result<void, std::error_code> shutdown_write();

    /// Orderly close: queued data is still delivered, then FIN. Idempotent. A read or write
    /// pending in another task ends with an error (errc::closed or cancellation).
    void close();

    /// Abortive close: discards queued data and sends RST (SO_LINGER 0). Idempotent.
    void abort();

    /// The local endpoint. Errors: errc::closed.
    [[nodiscard]] result<endpoint, std::error_code> local() const;
    /// The peer's endpoint. Errors: errc::closed, errc::not_connected.
    [[nodiscard]] result<endpoint, std::error_code> remote() const;

    /// Turns Nagle's algorithm off (true) or on (false): TCP_NODELAY.
    [[nodiscard]] result<void, std::error_code> set_nodelay(bool on);
    /// Whether Nagle's algorithm is off.
    [[nodiscard]] result<bool, std::error_code> nodelay() const;
    /// Requests a send buffer of bytes (SO_SNDBUF). The kernel doubles the value for its own
    /// bookkeeping and caps it at net.core.wmem_max unless the process may override it.
    [[nodiscard]] result<void, std::error_code> set_send_buffer(std::size_t bytes);
    /// The send buffer size as the stack reports it (kernel: the doubled value).
    [[nodiscard]] result<std::size_t, std::error_code> send_buffer() const;
    /// Requests a receive buffer of bytes (SO_RCVBUF); doubled and capped like set_send_buffer.
    [[nodiscard]] result<void, std::error_code> set_recv_buffer(std::size_t bytes);
    /// The receive buffer size as the stack reports it (kernel: the doubled value).
    [[nodiscard]] result<std::size_t, std::error_code> recv_buffer() const;
    /// Caps the segment size (TCP_MAXSEG). Takes full effect only before the handshake; use
    /// connect_options::mss_bytes for that.
    [[nodiscard]] result<void, std::error_code> set_mss(std::uint32_t bytes);
    /// The current sender MSS.
    [[nodiscard]] result<std::uint32_t, std::error_code> mss() const;
    /// Chooses the congestion control algorithm by name (TCP_CONGESTION), e.g. "cubic".
    /// Errors: errc::not_supported if the stack does not have it.
    [[nodiscard]] result<void, std::error_code> set_congestion(std::string_view name);
    /// The congestion control algorithm in use.
    [[nodiscard]] result<std::string, std::error_code> congestion() const;
    /// A snapshot of the connection's statistics (TCP_INFO).
    [[nodiscard]] result<tcp_info, std::error_code> info() const;

private:
    std::unique_ptr<tcp_stream_impl> impl_;
};

}  // namespace netrig::net
