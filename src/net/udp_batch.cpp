// SPDX-License-Identifier: MIT
// net: batched UDP send/receive on udp_socket. The defaults here serve any stack one datagram
// at a time (netrig's user stack uses them as they are); the kernel stack overrides the try_*
// forms with sendmmsg/recvmmsg (kernel_udp.cpp), so a batch costs one system call.
#include <utility>

#include "net/errc.hpp"
#include "net/ready_task.hpp"
#include "net/udp_socket.hpp"

namespace netrig::net {
namespace {

runtime::task<result<std::size_t, std::error_code>> closed_batch() {
    return detail::ready_task(
        result<std::size_t, std::error_code>(unexpected(make_error_code(errc::closed))));
}

}  // namespace

result<std::size_t, std::error_code> udp_socket_impl::try_send_batch(
    std::span<const bytes> datagrams) {
    if (datagrams.empty()) {
        return std::size_t{0};
    }
    auto peer = remote();
    if (!peer) {
        return unexpected(peer.error());
    }
    std::size_t sent = 0;
    for (const bytes d : datagrams) {
        auto s = try_send_to(d, *peer);
        if (!s) {
            return sent > 0 ? result<std::size_t, std::error_code>{sent} : unexpected(s.error());
        }
        ++sent;
    }
    return sent;
}

result<std::size_t, std::error_code> udp_socket_impl::try_recv_batch(
    std::span<datagram_slot> slots) {
    std::size_t got = 0;
    for (datagram_slot& slot : slots) {
        auto r = try_recv_from(slot.buffer);
        if (!r) {
            return got > 0 ? result<std::size_t, std::error_code>{got} : unexpected(r.error());
        }
        slot.info = *r;
        ++got;
    }
    return got;
}

runtime::task<result<std::size_t, std::error_code>> udp_socket_impl::send_batch(
    std::span<const bytes> datagrams) {
    if (datagrams.empty()) {
        co_return std::size_t{0};
    }
    // Try the whole batch first (one system call where the stack batches); wait only when
    // nothing could be sent.
    auto first = try_send_batch(datagrams);
    if (first || first.error() != errc::would_block) {
        co_return first;
    }
    auto r = co_await send(datagrams.front());
    if (!r) {
        co_return unexpected(r.error());
    }
    co_return std::size_t{1};
}

runtime::task<result<std::size_t, std::error_code>> udp_socket_impl::recv_batch(
    std::span<datagram_slot> slots) {
    if (slots.empty()) {
        co_return std::size_t{0};
    }
    auto first = try_recv_batch(slots);
    if (first || first.error() != errc::would_block) {
        co_return first;
    }
    auto r = co_await recv_from(slots.front().buffer);
    if (!r) {
        co_return unexpected(r.error());
    }
    slots.front().info = *r;
    // Whatever queued up while we waited comes along without a second wait.
    std::size_t got = 1;
    if (slots.size() > 1) {
        auto more = try_recv_batch(slots.subspan(1));
        if (more) {
            got += *more;
        }
    }
    co_return got;
}

runtime::task<result<std::size_t, std::error_code>> udp_socket::send_batch(
    std::span<const bytes> datagrams) {
    if (!is_open()) {
        return closed_batch();
    }
    return impl_->send_batch(datagrams);
}

runtime::task<result<std::size_t, std::error_code>> udp_socket::recv_batch(
    std::span<datagram_slot> slots) {
    if (!is_open()) {
        return closed_batch();
    }
    return impl_->recv_batch(slots);
}

result<std::size_t, std::error_code> udp_socket::try_send_batch(std::span<const bytes> datagrams) {
    if (!is_open()) {
        return unexpected(make_error_code(errc::closed));
    }
    return impl_->try_send_batch(datagrams);
}

result<std::size_t, std::error_code> udp_socket::try_recv_batch(std::span<datagram_slot> slots) {
    if (!is_open()) {
        return unexpected(make_error_code(errc::closed));
    }
    return impl_->try_recv_batch(slots);
}

}  // namespace netrig::net
