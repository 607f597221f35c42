// SPDX-License-Identifier: MIT
// net: the user stack's TCP stream and listener over core::interface's TCP sockets. Every
// operation tries the core call first and parks on the socket's wait list only on would_block;
// the driver wakes the list when take_events reports the connection (data, room, FIN, error).
// Errors are mapped to the net::errc values the kernel stack reports (user::from_core).
#include <algorithm>
#include <chrono>
#include <string>

#include "core/tcp/congestion/congestion.hpp"
#include "core/tcp/tcp_error.hpp"
#include "net/errc.hpp"
#include "net/user_stack_impl.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/timeout.hpp"

namespace netrig::net::user {
namespace {

core::udp_endpoint to_core(endpoint e) { return core::udp_endpoint{e.address, e.port}; }
endpoint from_core_endpoint(core::udp_endpoint e) { return endpoint{e.address, e.port}; }

std::error_code closed_error() { return make_error_code(errc::closed); }

// Receive buffer bounds: a request below this is raised to it so the window still holds a few
// full segments (Linux enforces a minimum too, SOCK_MIN_RCVBUF).
constexpr std::size_t min_buffer = 4 * 1024;

// Socket options -> the core's per-connection configuration. Buffers bound the core's buffers
// (they grow on demand up to the max); the MSS is clamped to the path MTU by the core.
result<core::tcp::conn_config, std::error_code> make_conn_config(
    core::tcp::conn_config cfg, std::optional<std::size_t> send_buffer,
    std::optional<std::size_t> recv_buffer, const std::optional<std::string>& congestion,
    std::optional<std::uint32_t> mss, bool nodelay) {
    if (send_buffer) {
        cfg.send_buffer_max = std::max(*send_buffer, min_buffer);
        cfg.send_buffer_initial = std::min(cfg.send_buffer_initial, cfg.send_buffer_max);
    }
    if (recv_buffer) {
        cfg.recv_buffer_max = std::max(*recv_buffer, min_buffer);
        cfg.recv_buffer_initial = std::min(cfg.recv_buffer_initial, cfg.recv_buffer_max);
    }
    if (congestion) {
        const std::optional<core::tcp::cc_algorithm> algo = core::tcp::parse_cc(*congestion);
        if (!algo) {
            return unexpected(make_error_code(errc::not_supported));
        }
        cfg.cc = *algo;
    }
    if (mss) {
        // Linux rejects TCP_MAXSEG outside [88, 65535] with EINVAL.
        if (*mss > 65535U || *mss < 88U) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        cfg.mss = std::min<std::uint16_t>(cfg.mss, static_cast<std::uint16_t>(*mss));
    }
    cfg.nodelay = nodelay;
    return cfg;
}

class user_tcp_stream final : public tcp_stream_impl, public socket_base {
public:
    user_tcp_stream(stack_impl& stack, core::tcp_handle h, const core::tcp::conn_config& cfg)
        : stack_(&stack),
          h_(h),
          nodelay_(cfg.nodelay),
          send_buffer_(cfg.send_buffer_max),
          recv_buffer_(cfg.recv_buffer_max),
          cc_(core::tcp::to_string(cfg.cc)) {
        stack_->set_tcp_owner(h_.index, this);
    }
    user_tcp_stream(const user_tcp_stream&) = delete;
    user_tcp_stream& operator=(const user_tcp_stream&) = delete;
    user_tcp_stream(user_tcp_stream&&) = delete;
    user_tcp_stream& operator=(user_tcp_stream&&) = delete;
    ~user_tcp_stream() override { close(); }

    /// The core handle (the connect task waits on it).
    [[nodiscard]] core::tcp_handle handle() const { return h_; }
    /// The stack, or nullptr once detached.
    [[nodiscard]] stack_impl* stack() const { return stack_; }
    /// The wait list the connect task parks on (nullptr once detached).
    [[nodiscard]] wait_list* connect_waiters() { return stack_ != nullptr ? &writers_ : nullptr; }

    runtime::task<result<std::size_t, std::error_code>> read_some(mut_bytes buffer) override {
        for (;;) {
            auto r = try_read(buffer);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto w = co_await socket_wait(stack_ != nullptr ? &readers_ : nullptr);
            if (!w) {
                co_return unexpected(w.error());
            }
        }
    }

    runtime::task<result<std::size_t, std::error_code>> write_some(bytes data) override {
        for (;;) {
            auto r = try_write(data);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto w = co_await socket_wait(stack_ != nullptr ? &writers_ : nullptr);
            if (!w) {
                co_return unexpected(w.error());
            }
        }
    }

    runtime::task<result<void, std::error_code>> write_all(bytes data) override {
        while (!data.empty()) {
            auto r = try_write(data);
            if (r) {
                data = data.subspan(*r);
                continue;
            }
            if (r.error() != errc::would_block) {
                co_return unexpected(r.error());
            }
            auto w = co_await socket_wait(stack_ != nullptr ? &writers_ : nullptr);
            if (!w) {
                co_return unexpected(w.error());
            }
        }
        co_return result<void, std::error_code>{};
    }

    result<std::size_t, std::error_code> try_read(mut_bytes buffer) override {
        if (stack_ == nullptr) {
            return unexpected(closed_error());
        }
        if (buffer.empty()) {
            return 0;
        }
        auto r = stack_->iface().tcp_recv(runtime::now(), h_, buffer);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        // Reading may open the window: let a window update leave now (RFC 9293 §3.8.6.2.2).
        stack_->kick();
        return *r;
    }

    result<std::size_t, std::error_code> try_write(bytes data) override {
        if (stack_ == nullptr || write_shut_) {
            return unexpected(closed_error());
        }
        if (data.empty()) {
            return 0;
        }
        auto r = stack_->iface().tcp_send(runtime::now(), h_, data);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        stack_->kick();
        return *r;
    }

    result<void, std::error_code> shutdown_write() override {
        if (stack_ == nullptr) {
            return unexpected(closed_error());
        }
        // RFC 9293 §3.10.4: CLOSE of our sending side; FIN after the queued data.
        stack_->iface().tcp_shutdown(runtime::now(), h_);
        write_shut_ = true;
        stack_->kick();
        return {};
    }

    void close() override { release(false); }

    [[nodiscard]] bool is_open() const override { return stack_ != nullptr; }

    void abort() override { release(true); }

    void detach() override { release(true); }

    [[nodiscard]] result<endpoint, std::error_code> local() const override {
        NETRIG_TRY_ASSIGN(const core::tcp_endpoint_pair p, endpoints());
        return from_core_endpoint(p.local);
    }

    [[nodiscard]] result<endpoint, std::error_code> remote() const override {
        NETRIG_TRY_ASSIGN(const core::tcp_endpoint_pair p, endpoints());
        return from_core_endpoint(p.remote);
    }

    result<void, std::error_code> set_nodelay(bool on) override {
        NETRIG_TRY(open_check());
        if (auto r = stack_->iface().tcp_set_nodelay(h_, on); !r) {
            return unexpected(from_core(r.error()));
        }
        nodelay_ = on;
        return {};
    }

    [[nodiscard]] result<bool, std::error_code> nodelay() const override {
        NETRIG_TRY(open_check());
        return nodelay_;
    }

    // The core fixes a connection's buffer bounds when it opens (they also fix the window
    // scale): later requests are accepted, so tools written for the kernel stack run unchanged,
    // and the bounds in use are reported.
    result<void, std::error_code> set_send_buffer(std::size_t /*bytes*/) override {
        return open_check();
    }

    [[nodiscard]] result<std::size_t, std::error_code> send_buffer() const override {
        NETRIG_TRY(open_check());
        return send_buffer_;
    }

    result<void, std::error_code> set_recv_buffer(std::size_t /*bytes*/) override {
        return open_check();
    }

    [[nodiscard]] result<std::size_t, std::error_code> recv_buffer() const override {
        NETRIG_TRY(open_check());
        return recv_buffer_;
    }

    // The MSS is negotiated in the handshake (connect_options::mss_bytes sets ours); later
    // values are range-checked like Linux and otherwise have no effect.
    result<void, std::error_code> set_mss(std::uint32_t bytes) override {
        NETRIG_TRY(open_check());
        if (bytes > 65535U) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        return {};
    }

    [[nodiscard]] result<std::uint32_t, std::error_code> mss() const override {
        NETRIG_TRY_ASSIGN(const core::tcp::tcp_stats s, stats());
        return s.send_mss;
    }

    result<void, std::error_code> set_congestion(std::string_view name) override {
        NETRIG_TRY(open_check());
        const std::optional<core::tcp::cc_algorithm> algo = core::tcp::parse_cc(name);
        if (!algo) {
            return unexpected(make_error_code(errc::not_supported));
        }
        // The core switches algorithms only before data was sent (invalid_argument after).
        if (auto r = stack_->iface().tcp_set_congestion(h_, *algo); !r) {
            return unexpected(from_core(r.error()));
        }
        cc_ = std::string{name};
        return {};
    }

    [[nodiscard]] result<std::string, std::error_code> congestion() const override {
        NETRIG_TRY(open_check());
        return cc_;
    }

    [[nodiscard]] result<tcp_info, std::error_code> info() const override {
        NETRIG_TRY_ASSIGN(const core::tcp::tcp_stats s, stats());
        const std::uint32_t mss = std::max<std::uint32_t>(s.send_mss, 1);
        tcp_info out;
        // core keeps cwnd and ssthresh in bytes; Linux reports segments of the send MSS.
        out.cwnd_bytes = s.cwnd;
        out.cwnd_segments = s.cwnd / mss;
        out.ssthresh_segments = s.ssthresh / mss;
        out.srtt = s.srtt.value_or(duration{0});
        out.rttvar = s.rttvar;
        out.rto = s.rto;
        out.min_rtt = s.min_rtt.value_or(duration{0});
        // tcpi_retransmits (consecutive RTOs of the current segment) has no core counterpart:
        // reported as 0. total_retrans = segments retransmitted by any cause.
        out.total_retrans = s.retransmits;
        // bytes_in_flight is SND.MAX - SND.UNA (exact); segments are an estimate from it.
        out.bytes_in_flight = s.bytes_in_flight;
        out.unacked_segments = (s.bytes_in_flight + mss - 1) / mss;
        // notsent_bytes: not tracked by the core (0).
        out.mss_bytes = s.send_mss;
        out.rcv_mss_bytes = s.send_mss;  // estimate: the core does not track the peer's segments
        out.snd_wnd_bytes = s.send_window;
        out.rcv_wnd_bytes = s.recv_window;
        out.bytes_acked = s.bytes_acked;
        out.bytes_received = s.bytes_received;
        out.bytes_sent = s.bytes_sent;
        out.bytes_retrans = s.bytes_retransmitted;
        // delivery_rate_bytes_per_s: not measured by the core (nullopt).
        out.pmtu_bytes = stack_->mtu();
        return out;
    }

private:
    [[nodiscard]] result<void, std::error_code> open_check() const {
        if (stack_ == nullptr) {
            return unexpected(closed_error());
        }
        return {};
    }

    [[nodiscard]] result<core::tcp_endpoint_pair, std::error_code> endpoints() const {
        NETRIG_TRY(open_check());
        auto r = stack_->iface().tcp_endpoints(h_);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        return *r;
    }

    [[nodiscard]] result<core::tcp::tcp_stats, std::error_code> stats() const {
        NETRIG_TRY(open_check());
        auto r = stack_->iface().tcp_info(h_);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        return *r;
    }

    // Gives the core handle back: RFC 9293 §3.10.4 CLOSE (graceful, the connection finishes in
    // the core) or §3.10.5 ABORT (RST), then ends pending operations with errc::closed.
    void release(bool abortive) {
        if (stack_ != nullptr) {
            stack_impl* s = stack_;
            stack_ = nullptr;
            s->set_tcp_owner(h_.index, nullptr);
            if (abortive) {
                s->iface().tcp_abort(runtime::now(), h_);
            } else {
                s->iface().tcp_close(runtime::now(), h_);
            }
            s->kick();
        }
        readers_.wake_all(closed_error());
        writers_.wake_all(closed_error());
    }

    stack_impl* stack_;
    core::tcp_handle h_;
    bool nodelay_ = false;
    bool write_shut_ = false;
    std::size_t send_buffer_ = 0;
    std::size_t recv_buffer_ = 0;
    std::string cc_;
};

class user_tcp_listener final : public tcp_listener_impl, public socket_base {
public:
    user_tcp_listener(stack_impl& stack, core::tcp_listen_handle h,
                      const core::tcp::conn_config& conn)
        : stack_(&stack), h_(h), conn_(conn) {
        stack_->set_tcp_listen_owner(h_.index, this);
    }
    user_tcp_listener(const user_tcp_listener&) = delete;
    user_tcp_listener& operator=(const user_tcp_listener&) = delete;
    user_tcp_listener(user_tcp_listener&&) = delete;
    user_tcp_listener& operator=(user_tcp_listener&&) = delete;
    ~user_tcp_listener() override { detach(); }

    runtime::task<result<tcp_stream, std::error_code>> accept() override {
        for (;;) {
            auto r = try_accept();
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto w = co_await socket_wait(stack_ != nullptr ? &readers_ : nullptr);
            if (!w) {
                co_return unexpected(w.error());
            }
        }
    }

    result<tcp_stream, std::error_code> try_accept() override {
        if (stack_ == nullptr) {
            return unexpected(closed_error());
        }
        auto h = stack_->iface().tcp_accept(h_);
        if (!h) {
            return unexpected(from_core(h.error()));
        }
        return tcp_stream{std::make_unique<user_tcp_stream>(*stack_, *h, conn_)};
    }

    [[nodiscard]] result<endpoint, std::error_code> local() const override {
        if (stack_ == nullptr) {
            return unexpected(closed_error());
        }
        auto r = stack_->iface().tcp_listen_local(h_);
        if (!r) {
            return unexpected(from_core(r.error()));
        }
        return from_core_endpoint(*r);
    }

    void close() override { detach(); }

    [[nodiscard]] bool is_open() const override { return stack_ != nullptr; }

    void detach() override {
        if (stack_ != nullptr) {
            stack_impl* s = stack_;
            stack_ = nullptr;
            s->set_tcp_listen_owner(h_.index, nullptr);
            // RFC 9293 §3.10.4 CLOSE in LISTEN: queued, unaccepted connections are reset.
            s->iface().tcp_listen_close(h_);
            s->kick();
        }
        readers_.wake_all(closed_error());
        writers_.wake_all(closed_error());
    }

private:
    stack_impl* stack_;
    core::tcp_listen_handle h_;
    core::tcp::conn_config conn_;
};

// Same answer as the kernel for a local address that is not ours.
result<void, std::error_code> check_local(const stack_impl& stack, endpoint local) {
    if (!local.address.is_unspecified() && local.address != stack.address().address) {
        return unexpected(make_error_code(errc::address_not_available));
    }
    return {};
}

// Waits until the handshake completes or fails. On any failure (refused, timeout, the task's
// cancellation) the connection is aborted, so nothing lingers in the core.
runtime::task<result<tcp_stream, std::error_code>> connect_now(stack_impl& stack, endpoint remote,
                                                               connect_options options) {
    auto made = make_conn_config(core::tcp::conn_config{}, options.send_buffer_bytes,
                                 options.recv_buffer_bytes, options.congestion, options.mss_bytes,
                                 options.nodelay);
    if (!made) {
        co_return unexpected(made.error());
    }
    const core::tcp::conn_config cfg = *made;
    std::optional<core::udp_endpoint> local;
    if (options.local) {
        if (auto ok = check_local(stack, *options.local); !ok) {
            co_return unexpected(ok.error());
        }
        local = to_core(*options.local);
    }
    // Like Linux, connect() fails at once when there is no route (no gateway, off-link).
    const core::interface_config& ic = stack.iface().config();
    const bool on_link = (remote.address.to_u32() & ic.address.netmask().to_u32()) ==
                         ic.address.network().to_u32();
    if (!on_link && !ic.gateway) {
        co_return unexpected(make_error_code(errc::unreachable));
    }
    auto h = stack.iface().tcp_connect(runtime::now(), to_core(remote), local, cfg);
    if (!h) {
        co_return unexpected(from_core(h.error()));
    }
    auto conn = std::make_unique<user_tcp_stream>(stack, *h, cfg);
    stack.kick();  // the SYN leaves now
    for (;;) {
        if (conn->stack() == nullptr) {
            co_return unexpected(closed_error());  // the stack went away
        }
        const core::readiness ready = stack.iface().tcp_readiness(*h);
        if (const std::optional<std::error_code> e = stack.iface().tcp_error(*h)) {
            conn->abort();
            co_return unexpected(from_core(*e));
        }
        if (ready.connected) {
            co_return tcp_stream{std::move(conn)};
        }
        auto w = co_await socket_wait(conn->connect_waiters());
        if (!w) {
            conn->abort();  // cancelled (or timed out through with_timeout): RST, slot freed
            co_return unexpected(w.error());
        }
    }
}

runtime::task<result<tcp_stream, std::error_code>> connect_with_timeout(stack_impl& stack,
                                                                        endpoint remote,
                                                                        connect_options options) {
    const duration limit = *options.timeout;
    auto r = co_await runtime::with_timeout(limit, connect_now(stack, remote, std::move(options)));
    if (!r && r.error() == std::errc::timed_out) {
        co_return unexpected(make_error_code(errc::timed_out));
    }
    co_return r;
}

}  // namespace

runtime::task<result<tcp_stream, std::error_code>> tcp_connect(stack_impl& stack,
                                                               endpoint remote,
                                                               connect_options options) {
    if (options.timeout) {
        return connect_with_timeout(stack, remote, std::move(options));
    }
    return connect_now(stack, remote, std::move(options));
}

result<tcp_listener, std::error_code> tcp_listen(stack_impl& stack, endpoint local,
                                                 const listen_options& options) {
    NETRIG_TRY(check_local(stack, local));
    if (options.backlog < 0) {
        return unexpected(make_error_code(errc::invalid_argument));
    }
    core::tcp_listen_config cfg;
    // Linux caps the backlog at somaxconn and treats 0 as 1 in practice; at least one slot.
    cfg.listener.backlog = static_cast<std::uint32_t>(std::max(options.backlog, 1));
    NETRIG_TRY_ASSIGN(cfg.conn,
                      make_conn_config(core::tcp::conn_config{}, options.send_buffer_bytes,
                                       options.recv_buffer_bytes, options.congestion,
                                       std::nullopt, false));
    // SO_REUSEADDR: the core lets a listener bind while TIME-WAIT records hold the port.
    auto h = stack.iface().tcp_listen(runtime::now(), to_core(local), cfg);
    if (!h) {
        return unexpected(from_core(h.error()));
    }
    return tcp_listener{std::make_unique<user_tcp_listener>(stack, *h, cfg.conn)};
}

}  // namespace netrig::net::user
