// SPDX-License-Identifier: MIT
// net: the user stack's UDP socket: core UDP handle operations, would_block turned into a wait
// on the socket's wait lists, ICMP errors reported on connected sockets as Linux does.
#include <algorithm>

#include "net/errc.hpp"
#include "net/user_stack_impl.hpp"
#include "runtime/scheduler.hpp"

namespace netrig::net::user {
namespace {

core::udp_endpoint to_core(endpoint e) { return core::udp_endpoint{e.address, e.port}; }
endpoint from_core_endpoint(core::udp_endpoint e) { return endpoint{e.address, e.port}; }

// RFC 792 destination unreachable codes Linux treats as hard errors for a connected UDP socket
// (icmp_err_convert's "fatal" entries); the others (net/host unreachable 0/1, fragmentation
// needed 4, ...) are not reported without IP_RECVERR, and neither is time exceeded.
std::optional<errc> connected_error(const core::icmp_error_report& e) {
    constexpr std::uint8_t dest_unreachable = 3;
    if (e.type != dest_unreachable) {
        return std::nullopt;
    }
    switch (e.code) {
        case 3: return errc::refused;  // port unreachable -> ECONNREFUSED
        case 2:                        // protocol unreachable
        case 5:                        // source route failed
        case 6:                        // destination network unknown
        case 7:                        // destination host unknown
        case 9:                        // network administratively prohibited
        case 10:                       // host administratively prohibited
        case 13: return errc::unreachable;  // communication administratively prohibited
        default: return std::nullopt;
    }
}

class user_udp_socket final : public udp_socket_impl, public socket_base {
public:
    user_udp_socket(stack_impl& stack, core::udp_handle h) : stack_(&stack), h_(h) {
        stack_->set_udp_owner(h_.index, this);
        // The core's queue holds 64 datagrams: the driver hands us one batch at a time.
        readers_.set_paces_receive(true);
    }
    user_udp_socket(const user_udp_socket&) = delete;
    user_udp_socket& operator=(const user_udp_socket&) = delete;
    user_udp_socket(user_udp_socket&&) = delete;
    user_udp_socket& operator=(user_udp_socket&&) = delete;
    ~user_udp_socket() override { detach(); }

    runtime::task<result<std::size_t, std::error_code>> send_to(bytes data,
                                                                endpoint target) override {
        for (;;) {
            auto r = try_send_to(data, target);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto w = co_await socket_wait(stack_ != nullptr ? &writers_ : nullptr);
            if (!w) {
                co_return unexpected(w.error());
            }
        }
    }

    runtime::task<result<datagram_info, std::error_code>> recv_from(mut_bytes buffer) override {
        for (;;) {
            auto r = try_recv_from(buffer);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto w = co_await socket_wait(stack_ != nullptr ? &readers_ : nullptr);
            if (!w) {
                co_return unexpected(w.error());
            }
        }
    }

    result<std::size_t, std::error_code> try_send_to(bytes data, endpoint target) override {
        if (stack_ == nullptr) {
            return unexpected(make_error_code(errc::closed));
        }
        NETRIG_TRY(take_connected_error());
        auto r = stack_->iface().udp_send_to(runtime::now(), h_, to_core(target), data);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        stack_->kick();
        return data.size();
    }

    result<datagram_info, std::error_code> try_recv_from(mut_bytes buffer) override {
        if (stack_ == nullptr) {
            return unexpected(make_error_code(errc::closed));
        }
        NETRIG_TRY(take_connected_error());
        auto r = stack_->iface().udp_recv_from(h_, buffer);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        return datagram_info{.size = r->len,
                             .source = from_core_endpoint(r->from),
                             .truncated = r->datagram_len > r->len};
    }

    result<void, std::error_code> connect(endpoint peer) override {
        if (stack_ == nullptr) {
            return unexpected(make_error_code(errc::closed));
        }
        if (peer.address.is_unspecified() || peer.port == 0) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        // Like Linux, connect() fails at once when there is no route.
        const core::interface_config& cfg = stack_->iface().config();
        const bool on_link = (peer.address.to_u32() & cfg.address.netmask().to_u32()) ==
                             cfg.address.network().to_u32();
        if (!on_link && !cfg.gateway && !peer.address.is_broadcast()) {
            return unexpected(make_error_code(errc::unreachable));
        }
        auto r = stack_->iface().udp_connect(h_, to_core(peer));
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        // Errors about earlier traffic do not concern the new association.
        (void)stack_->iface().udp_take_error(h_);
        remote_ = peer;
        return {};
    }

    runtime::task<result<std::size_t, std::error_code>> send(bytes data) override {
        if (!remote_) {
            co_return unexpected(make_error_code(stack_ != nullptr ? errc::not_connected
                                                                   : errc::closed));
        }
        co_return co_await send_to(data, *remote_);
    }

    runtime::task<result<std::size_t, std::error_code>> recv(mut_bytes buffer) override {
        auto r = co_await recv_from(buffer);
        if (!r) {
            co_return unexpected(r.error());
        }
        co_return r->size;
    }

    [[nodiscard]] result<endpoint, std::error_code> local() const override {
        if (stack_ == nullptr) {
            return unexpected(make_error_code(errc::closed));
        }
        auto r = stack_->iface().udp_local_endpoint(h_);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        return from_core_endpoint(*r);
    }

    [[nodiscard]] result<endpoint, std::error_code> remote() const override {
        if (stack_ == nullptr) {
            return unexpected(make_error_code(errc::closed));
        }
        if (!remote_) {
            return unexpected(make_error_code(errc::not_connected));
        }
        return *remote_;
    }

    // The core's queues have fixed bounds (interface_limits): requests are accepted so tools
    // written for the kernel stack run unchanged, and the real bounds are reported.
    result<void, std::error_code> set_send_buffer(std::size_t /*bytes*/) override {
        return open_check();
    }
    [[nodiscard]] result<std::size_t, std::error_code> send_buffer() const override {
        NETRIG_TRY(open_check());
        const core::interface_config& cfg = stack_->iface().config();
        return cfg.limits.tx_frames_max * cfg.mtu;
    }
    result<void, std::error_code> set_recv_buffer(std::size_t /*bytes*/) override {
        return open_check();
    }
    [[nodiscard]] result<std::size_t, std::error_code> recv_buffer() const override {
        NETRIG_TRY(open_check());
        return stack_->iface().config().limits.udp_rx_bytes_max;
    }

    void close() override { detach(); }

    [[nodiscard]] bool is_open() const override { return stack_ != nullptr; }

    void detach() override {
        if (stack_ != nullptr) {
            stack_->iface().udp_close(h_);
            stack_->set_udp_owner(h_.index, nullptr);
            stack_ = nullptr;
        }
        readers_.wake_all(make_error_code(errc::closed));
        writers_.wake_all(make_error_code(errc::closed));
    }

private:
    [[nodiscard]] result<void, std::error_code> open_check() const {
        if (stack_ == nullptr) {
            return unexpected(make_error_code(errc::closed));
        }
        return {};
    }

    // A connected socket reports a hard ICMP error once, on its next send or receive; an
    // unconnected one drops them (Linux without IP_RECVERR).
    result<void, std::error_code> take_connected_error() {
        std::optional<core::icmp_error_report> e = stack_->iface().udp_take_error(h_);
        if (!e || !remote_) {
            return {};
        }
        if (const std::optional<errc> code = connected_error(*e)) {
            return unexpected(make_error_code(*code));
        }
        return {};
    }

    stack_impl* stack_;
    core::udp_handle h_;
    std::optional<endpoint> remote_;
};

}  // namespace

udp_socket make_udp_socket(stack_impl& stack, core::udp_handle h) {
    return udp_socket{std::make_unique<user_udp_socket>(stack, h)};
}

}  // namespace netrig::net::user
