// SPDX-License-Identifier: MIT
// net: the type-erased handles (tcp_stream, tcp_listener, udp_socket) forward to their impl,
// and turn use of a closed or moved-from handle into errc::closed.
#include <utility>

#include "net/errc.hpp"
#include "net/ping_socket.hpp"
#include "net/ready_task.hpp"
#include "net/tcp_listener.hpp"
#include "net/tcp_stream.hpp"
#include "net/udp_socket.hpp"

namespace netrig::net {
namespace {

std::error_code closed_error() { return make_error_code(errc::closed); }

template <class T>
runtime::task<result<T, std::error_code>> closed_task() {
    return detail::ready_task(result<T, std::error_code>(unexpected(closed_error())));
}

}  // namespace

// ---- tcp_stream ---------------------------------------------------------------------------

tcp_stream::tcp_stream(std::unique_ptr<tcp_stream_impl> impl) : impl_(std::move(impl)) {
    NETRIG_ASSERT(impl_ != nullptr);
}

tcp_stream::~tcp_stream() { close(); }

runtime::task<result<std::size_t, std::error_code>> tcp_stream::read_some(mut_bytes buffer) {
    if (!is_open()) {
        return closed_task<std::size_t>();
    }
    return impl_->read_some(buffer);
}

runtime::task<result<std::size_t, std::error_code>> tcp_stream::write_some(bytes data) {
    if (!is_open()) {
        return closed_task<std::size_t>();
    }
    return impl_->write_some(data);
}

runtime::task<result<void, std::error_code>> tcp_stream::write_all(bytes data) {
    if (!is_open()) {
        return closed_task<void>();
    }
    return impl_->write_all(data);
}

result<std::size_t, std::error_code> tcp_stream::try_read(mut_bytes buffer) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->try_read(buffer);
}

result<std::size_t, std::error_code> tcp_stream::try_write(bytes data) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->try_write(data);
}

result<void, std::error_code> tcp_stream::shutdown_write() {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->shutdown_write();
}

void tcp_stream::close() {
    // The impl stays allocated: a task of another coroutine may still be suspended inside one of
    // its member coroutines, and it must find a closed socket, not freed memory.
    if (impl_) {
        impl_->close();
    }
}

void tcp_stream::abort() {
    if (impl_) {
        impl_->abort();
    }
}

result<endpoint, std::error_code> tcp_stream::local() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->local();
}

result<endpoint, std::error_code> tcp_stream::remote() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->remote();
}

result<void, std::error_code> tcp_stream::set_nodelay(bool on) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->set_nodelay(on);
}

result<bool, std::error_code> tcp_stream::nodelay() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->nodelay();
}

result<void, std::error_code> tcp_stream::set_send_buffer(std::size_t bytes) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->set_send_buffer(bytes);
}

result<std::size_t, std::error_code> tcp_stream::send_buffer() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->send_buffer();
}

result<void, std::error_code> tcp_stream::set_recv_buffer(std::size_t bytes) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->set_recv_buffer(bytes);
}

result<std::size_t, std::error_code> tcp_stream::recv_buffer() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->recv_buffer();
}

result<void, std::error_code> tcp_stream::set_mss(std::uint32_t bytes) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->set_mss(bytes);
}

result<std::uint32_t, std::error_code> tcp_stream::mss() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->mss();
}

result<void, std::error_code> tcp_stream::set_congestion(std::string_view name) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->set_congestion(name);
}

result<std::string, std::error_code> tcp_stream::congestion() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->congestion();
}

result<tcp_info, std::error_code> tcp_stream::info() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->info();
}

// ---- tcp_listener -------------------------------------------------------------------------

tcp_listener::tcp_listener(std::unique_ptr<tcp_listener_impl> impl) : impl_(std::move(impl)) {
    NETRIG_ASSERT(impl_ != nullptr);
}

tcp_listener::~tcp_listener() { close(); }

runtime::task<result<tcp_stream, std::error_code>> tcp_listener::accept() {
    if (!is_open()) {
        return closed_task<tcp_stream>();
    }
    return impl_->accept();
}

result<tcp_stream, std::error_code> tcp_listener::try_accept() {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->try_accept();
}

result<endpoint, std::error_code> tcp_listener::local() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->local();
}

void tcp_listener::close() {
    if (impl_) {
        impl_->close();
    }
}

// ---- udp_socket ---------------------------------------------------------------------------

udp_socket::udp_socket(std::unique_ptr<udp_socket_impl> impl) : impl_(std::move(impl)) {
    NETRIG_ASSERT(impl_ != nullptr);
}

udp_socket::~udp_socket() { close(); }

runtime::task<result<std::size_t, std::error_code>> udp_socket::send_to(bytes data,
                                                                       endpoint target) {
    if (!is_open()) {
        return closed_task<std::size_t>();
    }
    return impl_->send_to(data, target);
}

runtime::task<result<datagram_info, std::error_code>> udp_socket::recv_from(mut_bytes buffer) {
    if (!is_open()) {
        return closed_task<datagram_info>();
    }
    return impl_->recv_from(buffer);
}

result<std::size_t, std::error_code> udp_socket::try_send_to(bytes data, endpoint target) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->try_send_to(data, target);
}

result<datagram_info, std::error_code> udp_socket::try_recv_from(mut_bytes buffer) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->try_recv_from(buffer);
}

result<void, std::error_code> udp_socket::connect(endpoint peer) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->connect(peer);
}

runtime::task<result<std::size_t, std::error_code>> udp_socket::send(bytes data) {
    if (!is_open()) {
        return closed_task<std::size_t>();
    }
    return impl_->send(data);
}

runtime::task<result<std::size_t, std::error_code>> udp_socket::recv(mut_bytes buffer) {
    if (!is_open()) {
        return closed_task<std::size_t>();
    }
    return impl_->recv(buffer);
}

result<endpoint, std::error_code> udp_socket::local() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->local();
}

result<endpoint, std::error_code> udp_socket::remote() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->remote();
}

result<void, std::error_code> udp_socket::set_send_buffer(std::size_t bytes) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->set_send_buffer(bytes);
}

result<std::size_t, std::error_code> udp_socket::send_buffer() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->send_buffer();
}

result<void, std::error_code> udp_socket::set_recv_buffer(std::size_t bytes) {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->set_recv_buffer(bytes);
}

result<std::size_t, std::error_code> udp_socket::recv_buffer() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->recv_buffer();
}

void udp_socket::close() {
    if (impl_) {
        impl_->close();
    }
}

// ---- ping_socket --------------------------------------------------------------------------

ping_socket::ping_socket(std::unique_ptr<ping_socket_impl> impl) : impl_(std::move(impl)) {
    NETRIG_ASSERT(impl_ != nullptr);
}

ping_socket::~ping_socket() { close(); }

runtime::task<result<void, std::error_code>> ping_socket::send(wire::ipv4_address to,
                                                              std::uint16_t seq, bytes payload) {
    if (!is_open()) {
        return closed_task<void>();
    }
    return impl_->send(to, seq, payload);
}

runtime::task<result<echo_reply, std::error_code>> ping_socket::recv(mut_bytes payload_buffer) {
    if (!is_open()) {
        return closed_task<echo_reply>();
    }
    return impl_->recv(payload_buffer);
}

result<std::uint16_t, std::error_code> ping_socket::ident() const {
    if (!is_open()) {
        return unexpected(closed_error());
    }
    return impl_->ident();
}

void ping_socket::close() {
    if (impl_) {
        impl_->close();
    }
}

}  // namespace netrig::net
