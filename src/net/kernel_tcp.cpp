// SPDX-License-Identifier: MIT
// net: kernel TCP stream and listener. The I/O loops try the system call first and await
// readiness only on EAGAIN: with a busy peer most calls complete without touching epoll, which
// is what makes bulk transfer fast (one syscall per 128 KiB write in steady state).
#include "net/kernel_tcp.hpp"

#include <linux/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "net/errc.hpp"
#include "runtime/io.hpp"

namespace netrig::net::kernel {
namespace {

class kernel_tcp_stream final : public tcp_stream_impl {
public:
    explicit kernel_tcp_stream(socket_fd fd) : fd_(std::move(fd)) {}

    runtime::task<result<std::size_t, std::error_code>> read_some(mut_bytes buffer) override {
        for (;;) {
            auto r = try_read(buffer);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto ready = co_await runtime::wait_readable(fd_.get());
            if (!ready) {
                co_return unexpected(wait_error(ready.error()));
            }
        }
    }

    runtime::task<result<std::size_t, std::error_code>> write_some(bytes data) override {
        for (;;) {
            auto r = try_write(data);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto ready = co_await runtime::wait_writable(fd_.get());
            if (!ready) {
                co_return unexpected(wait_error(ready.error()));
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
            auto ready = co_await runtime::wait_writable(fd_.get());
            if (!ready) {
                co_return unexpected(wait_error(ready.error()));
            }
        }
        co_return result<void, std::error_code>{};
    }

    result<std::size_t, std::error_code> try_read(mut_bytes buffer) override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        if (buffer.empty()) {
            return 0;
        }
        for (;;) {
            const ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
            if (n >= 0) {
                return static_cast<std::size_t>(n);
            }
            if (errno != EINTR) {
                return unexpected(last_error());
            }
        }
    }

    result<std::size_t, std::error_code> try_write(bytes data) override {
        if (!fd_.valid() || write_shut_) {
            return unexpected(closed_error());
        }
        if (data.empty()) {
            return 0;
        }
        for (;;) {
            // MSG_NOSIGNAL: a write to a reset connection must be an error value, not SIGPIPE.
            const ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
            if (n >= 0) {
                return static_cast<std::size_t>(n);
            }
            if (errno != EINTR) {
                return unexpected(last_error());
            }
        }
    }

    result<void, std::error_code> shutdown_write() override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        // RFC 9293 §3.10.4: CLOSE on our side sends FIN after queued data; receiving continues.
        if (::shutdown(fd_.get(), SHUT_WR) != 0) {
            return unexpected(last_error());
        }
        write_shut_ = true;
        return {};
    }

    void close() override { fd_.reset(); }

    [[nodiscard]] bool is_open() const override { return fd_.valid(); }

    void abort() override {
        if (!fd_.valid()) {
            return;
        }
        // RFC 9293 §3.10.5 ABORT: with linger on and a zero timeout, close() discards queued
        // data and sends RST instead of FIN.
        const linger l{.l_onoff = 1, .l_linger = 0};
        (void)::setsockopt(fd_.get(), SOL_SOCKET, SO_LINGER, &l, sizeof(l));
        fd_.reset();
    }

    [[nodiscard]] result<endpoint, std::error_code> local() const override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        return local_endpoint(fd_.get());
    }

    [[nodiscard]] result<endpoint, std::error_code> remote() const override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        return remote_endpoint(fd_.get());
    }

    result<void, std::error_code> set_nodelay(bool on) override {
        return set_int_option(fd_.get(), IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0);
    }

    [[nodiscard]] result<bool, std::error_code> nodelay() const override {
        return get_int_option(fd_.get(), IPPROTO_TCP, TCP_NODELAY).transform([](int v) {
            return v != 0;
        });
    }

    result<void, std::error_code> set_send_buffer(std::size_t bytes) override {
        return set_buffer_option(fd_.get(), SO_SNDBUF, bytes);
    }

    [[nodiscard]] result<std::size_t, std::error_code> send_buffer() const override {
        return get_int_option(fd_.get(), SOL_SOCKET, SO_SNDBUF).transform([](int v) {
            return static_cast<std::size_t>(v);
        });
    }

    result<void, std::error_code> set_recv_buffer(std::size_t bytes) override {
        return set_buffer_option(fd_.get(), SO_RCVBUF, bytes);
    }

    [[nodiscard]] result<std::size_t, std::error_code> recv_buffer() const override {
        return get_int_option(fd_.get(), SOL_SOCKET, SO_RCVBUF).transform([](int v) {
            return static_cast<std::size_t>(v);
        });
    }

    result<void, std::error_code> set_mss(std::uint32_t bytes) override {
        if (bytes > 65535U) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        return set_int_option(fd_.get(), IPPROTO_TCP, TCP_MAXSEG, static_cast<int>(bytes));
    }

    [[nodiscard]] result<std::uint32_t, std::error_code> mss() const override {
        return get_int_option(fd_.get(), IPPROTO_TCP, TCP_MAXSEG).transform([](int v) {
            return static_cast<std::uint32_t>(v);
        });
    }

    result<void, std::error_code> set_congestion(std::string_view name) override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        return set_congestion_option(fd_.get(), name);
    }

    [[nodiscard]] result<std::string, std::error_code> congestion() const override {
        // 16 bytes is the kernel's TCP_CA_NAME_MAX (not exported to user space).
        std::array<char, 16> name{};
        socklen_t len = name.size();
        if (::getsockopt(fd_.get(), IPPROTO_TCP, TCP_CONGESTION, name.data(), &len) != 0) {
            return unexpected(last_error());
        }
        return std::string(name.data(), strnlen(name.data(), len));
    }

    [[nodiscard]] result<tcp_info, std::error_code> info() const override {
        // Larger than struct tcp_info of the build headers so newer kernels can fill fields the
        // headers do not name yet (tcpi_rcv_wnd); the kernel reports how much it filled.
        alignas(8) std::array<std::byte, 512> raw{};
        socklen_t len = raw.size();
        if (::getsockopt(fd_.get(), IPPROTO_TCP, TCP_INFO, raw.data(), &len) != 0) {
            return unexpected(last_error());
        }
        return tcp_info_from_linux(raw.data(), len);
    }

private:
    socket_fd fd_;
    bool write_shut_ = false;
};

class kernel_tcp_listener final : public tcp_listener_impl {
public:
    explicit kernel_tcp_listener(socket_fd fd) : fd_(std::move(fd)) {}

    runtime::task<result<tcp_stream, std::error_code>> accept() override {
        for (;;) {
            auto r = try_accept();
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto ready = co_await runtime::wait_readable(fd_.get());
            if (!ready) {
                co_return unexpected(wait_error(ready.error()));
            }
        }
    }

    result<tcp_stream, std::error_code> try_accept() override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        for (;;) {
            const int fd = ::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd >= 0) {
                return make_tcp_stream(socket_fd{fd});
            }
            // ECONNABORTED: a queued connection was reset before we took it; take the next.
            if (errno != EINTR && errno != ECONNABORTED) {
                return unexpected(last_error());
            }
        }
    }

    [[nodiscard]] result<endpoint, std::error_code> local() const override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        return local_endpoint(fd_.get());
    }

    void close() override { fd_.reset(); }

    [[nodiscard]] bool is_open() const override { return fd_.valid(); }

private:
    socket_fd fd_;
};

std::chrono::microseconds usec(std::uint32_t v) { return std::chrono::microseconds{v}; }

}  // namespace

tcp_stream make_tcp_stream(socket_fd fd) {
    return tcp_stream{std::make_unique<kernel_tcp_stream>(std::move(fd))};
}

tcp_listener make_tcp_listener(socket_fd fd) {
    return tcp_listener{std::make_unique<kernel_tcp_listener>(std::move(fd))};
}

tcp_info tcp_info_from_linux(const void* data, std::size_t len) {
    ::tcp_info k{};
    std::memcpy(&k, data, std::min(len, sizeof(k)));
    tcp_info out;
    out.cwnd_segments = k.tcpi_snd_cwnd;
    out.mss_bytes = k.tcpi_snd_mss;
    out.rcv_mss_bytes = k.tcpi_rcv_mss;
    out.cwnd_bytes = std::uint64_t{k.tcpi_snd_cwnd} * k.tcpi_snd_mss;
    out.ssthresh_segments = k.tcpi_snd_ssthresh;
    out.srtt = usec(k.tcpi_rtt);
    out.rttvar = usec(k.tcpi_rttvar);
    out.rto = usec(k.tcpi_rto);
    out.min_rtt = usec(k.tcpi_min_rtt);
    out.retransmits = k.tcpi_retransmits;
    out.total_retrans = k.tcpi_total_retrans;
    out.unacked_segments = k.tcpi_unacked;
    out.bytes_in_flight = std::uint64_t{k.tcpi_unacked} * k.tcpi_snd_mss;
    out.notsent_bytes = k.tcpi_notsent_bytes;
    out.bytes_acked = k.tcpi_bytes_acked;
    out.bytes_received = k.tcpi_bytes_received;
    out.pmtu_bytes = k.tcpi_pmtu;
    // Fields appended in later kernels: present only if the kernel filled that far.
    const auto has = [len](std::size_t offset, std::size_t size) { return len >= offset + size; };
    if (has(offsetof(::tcp_info, tcpi_delivery_rate), sizeof(k.tcpi_delivery_rate))) {
        out.delivery_rate_bytes_per_s = k.tcpi_delivery_rate;
    }
    if (has(offsetof(::tcp_info, tcpi_bytes_sent), sizeof(k.tcpi_bytes_sent))) {
        out.bytes_sent = k.tcpi_bytes_sent;
        out.bytes_retrans = k.tcpi_bytes_retrans;
    }
    const std::size_t snd_wnd_offset = offsetof(::tcp_info, tcpi_snd_wnd);
    if (has(snd_wnd_offset, sizeof(std::uint32_t))) {
        out.snd_wnd_bytes = k.tcpi_snd_wnd;
    }
    // Linux 6.2 appended tcpi_rcv_wnd right after tcpi_snd_wnd; the 6.1 headers of this build
    // do not name it, so read it by offset.
    const std::size_t rcv_wnd_offset = snd_wnd_offset + sizeof(std::uint32_t);
    if (has(rcv_wnd_offset, sizeof(std::uint32_t))) {
        std::uint32_t rcv_wnd = 0;
        std::memcpy(&rcv_wnd, static_cast<const std::byte*>(data) + rcv_wnd_offset,
                    sizeof(rcv_wnd));
        out.rcv_wnd_bytes = rcv_wnd;
    }
    return out;
}

}  // namespace netrig::net::kernel
