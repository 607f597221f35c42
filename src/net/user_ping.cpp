// SPDX-License-Identifier: MIT
// net: the user stack's ping socket over a core ping handle (the core picks the identifier and
// queues only replies carrying it; replies carry their arrival time).
#include "net/errc.hpp"
#include "net/user_stack_impl.hpp"
#include "runtime/scheduler.hpp"

namespace netrig::net::user {
namespace {

class user_ping_socket final : public ping_socket_impl, public socket_base {
public:
    user_ping_socket(stack_impl& stack, core::ping_handle h) : stack_(&stack), h_(h) {
        stack_->set_ping_owner(h_.index, this);
    }
    user_ping_socket(const user_ping_socket&) = delete;
    user_ping_socket& operator=(const user_ping_socket&) = delete;
    user_ping_socket(user_ping_socket&&) = delete;
    user_ping_socket& operator=(user_ping_socket&&) = delete;
    ~user_ping_socket() override { detach(); }

    runtime::task<result<void, std::error_code>> send(wire::ipv4_address to, std::uint16_t seq,
                                                      bytes payload) override {
        for (;;) {
            auto r = try_send(to, seq, payload);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto w = co_await socket_wait(stack_ != nullptr ? &writers_ : nullptr);
            if (!w) {
                co_return unexpected(w.error());
            }
        }
    }

    runtime::task<result<echo_reply, std::error_code>> recv(mut_bytes buffer) override {
        for (;;) {
            auto r = try_recv(buffer);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto w = co_await socket_wait(stack_ != nullptr ? &readers_ : nullptr);
            if (!w) {
                co_return unexpected(w.error());
            }
        }
    }

    [[nodiscard]] result<std::uint16_t, std::error_code> ident() const override {
        if (stack_ == nullptr) {
            return unexpected(make_error_code(errc::closed));
        }
        auto r = stack_->iface().ping_ident(h_);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        return *r;
    }

    void close() override { detach(); }

    [[nodiscard]] bool is_open() const override { return stack_ != nullptr; }

    void detach() override {
        if (stack_ != nullptr) {
            stack_->iface().ping_close(h_);
            stack_->set_ping_owner(h_.index, nullptr);
            stack_ = nullptr;
        }
        readers_.wake_all(make_error_code(errc::closed));
        writers_.wake_all(make_error_code(errc::closed));
    }

private:
    result<void, std::error_code> try_send(wire::ipv4_address to, std::uint16_t seq,
                                           bytes payload) {
        if (stack_ == nullptr) {
            return unexpected(make_error_code(errc::closed));
        }
        if (to.is_unspecified()) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        auto r = stack_->iface().ping_send(runtime::now(), h_, to, seq, payload);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        stack_->kick();
        return {};
    }

    result<echo_reply, std::error_code> try_recv(mut_bytes buffer) {
        if (stack_ == nullptr) {
            return unexpected(make_error_code(errc::closed));
        }
        auto r = stack_->iface().ping_recv(h_, buffer);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        return echo_reply{.from = r->from,
                          .seq = r->seq,
                          .ttl = r->ttl,
                          .size = r->len,
                          .truncated = r->payload_len > r->len,
                          .arrival = r->arrival};
    }

    stack_impl* stack_;
    core::ping_handle h_;
};

}  // namespace

ping_socket make_ping_socket(stack_impl& stack, core::ping_handle h) {
    return ping_socket{std::make_unique<user_ping_socket>(stack, h)};
}

}  // namespace netrig::net::user
