// SPDX-License-Identifier: MIT
// net: kernel UDP socket: try first and await readiness on EAGAIN; batches go through
// sendmmsg/recvmmsg (one system call for up to batch_max datagrams).
#include "net/kernel_udp.hpp"

#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "net/errc.hpp"
#include "runtime/io.hpp"

namespace netrig::net::kernel {
namespace {

// Datagrams per sendmmsg/recvmmsg call; larger batches are split (the arrays live on the stack).
constexpr std::size_t batch_max = 64;

class kernel_udp_socket final : public udp_socket_impl {
public:
    explicit kernel_udp_socket(socket_fd fd) : fd_(std::move(fd)) {}

    runtime::task<result<std::size_t, std::error_code>> send_to(bytes data,
                                                                endpoint target) override {
        for (;;) {
            auto r = try_send_to(data, target);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto ready = co_await runtime::wait_writable(fd_.get());
            if (!ready) {
                co_return unexpected(wait_error(ready.error()));
            }
        }
    }

    runtime::task<result<datagram_info, std::error_code>> recv_from(mut_bytes buffer) override {
        for (;;) {
            auto r = try_recv_from(buffer);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto ready = co_await runtime::wait_readable(fd_.get());
            if (!ready) {
                co_return unexpected(wait_error(ready.error()));
            }
        }
    }

    result<std::size_t, std::error_code> try_send_to(bytes data, endpoint target) override {
        const sockaddr_in sa = to_sockaddr(target);
        // The sockets API takes the generic sockaddr; sockaddr_in is its AF_INET layout.
        return send_raw(data, reinterpret_cast<const sockaddr*>(&sa),  // NOLINT(*-reinterpret-cast)
                        sizeof(sa));
    }

    result<datagram_info, std::error_code> try_recv_from(mut_bytes buffer) override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        for (;;) {
            sockaddr_in sa{};
            socklen_t len = sizeof(sa);
            // MSG_TRUNC makes recvfrom return the datagram's real length, so truncation is
            // reported instead of silently losing the tail.
            const ssize_t n =
                ::recvfrom(fd_.get(), buffer.data(), buffer.size(), MSG_TRUNC,
                           reinterpret_cast<sockaddr*>(&sa), &len);  // NOLINT(*-reinterpret-cast)
            if (n >= 0) {
                const auto full = static_cast<std::size_t>(n);
                return datagram_info{.size = std::min(full, buffer.size()),
                                     .source = from_sockaddr(sa),
                                     .truncated = full > buffer.size()};
            }
            if (errno != EINTR) {
                return unexpected(last_error());
            }
        }
    }

    result<void, std::error_code> connect(endpoint peer) override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        const sockaddr_in sa = to_sockaddr(peer);
        // UDP connect only records the peer; it never blocks.
        if (::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&sa),  // NOLINT(*-reinterpret-cast)
                      sizeof(sa)) != 0) {
            return unexpected(last_error());
        }
        return {};
    }

    runtime::task<result<std::size_t, std::error_code>> send(bytes data) override {
        for (;;) {
            auto r = send_raw(data, nullptr, 0);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto ready = co_await runtime::wait_writable(fd_.get());
            if (!ready) {
                co_return unexpected(wait_error(ready.error()));
            }
        }
    }

    runtime::task<result<std::size_t, std::error_code>> recv(mut_bytes buffer) override {
        for (;;) {
            auto r = try_recv_from(buffer);
            if (r) {
                co_return r->size;
            }
            if (r.error() != errc::would_block) {
                co_return unexpected(r.error());
            }
            auto ready = co_await runtime::wait_readable(fd_.get());
            if (!ready) {
                co_return unexpected(wait_error(ready.error()));
            }
        }
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

    result<std::size_t, std::error_code> try_send_batch(std::span<const bytes> datagrams) override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        std::size_t sent = 0;
        while (sent < datagrams.size()) {
            const std::size_t n = std::min(batch_max, datagrams.size() - sent);
            std::array<iovec, batch_max> iov{};
            std::array<mmsghdr, batch_max> msgs{};
            for (std::size_t i = 0; i < n; ++i) {
                const bytes d = datagrams[sent + i];
                // sendmmsg takes non-const iovecs; the kernel only reads them.
                iov[i] = iovec{.iov_base = const_cast<std::uint8_t*>(d.data()),  // NOLINT
                               .iov_len = d.size()};
                msgs[i].msg_hdr.msg_iov = &iov[i];
                msgs[i].msg_hdr.msg_iovlen = 1;
            }
            const int r = ::sendmmsg(fd_.get(), msgs.data(), static_cast<unsigned>(n), MSG_NOSIGNAL);
            if (r < 0) {
                if (errno == EINTR) {
                    continue;
                }
                if (sent > 0) {
                    return sent;
                }
                return unexpected(last_error());
            }
            sent += static_cast<std::size_t>(r);
            if (static_cast<std::size_t>(r) < n) {
                break;  // the socket buffer filled up: the caller decides whether to wait
            }
        }
        return sent;
    }

    result<std::size_t, std::error_code> try_recv_batch(std::span<datagram_slot> slots) override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        const std::size_t n = std::min(batch_max, slots.size());
        std::array<iovec, batch_max> iov{};
        std::array<mmsghdr, batch_max> msgs{};
        std::array<sockaddr_in, batch_max> from{};
        for (std::size_t i = 0; i < n; ++i) {
            iov[i] = iovec{.iov_base = slots[i].buffer.data(), .iov_len = slots[i].buffer.size()};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
        }
        for (;;) {
            const int r = ::recvmmsg(fd_.get(), msgs.data(), static_cast<unsigned>(n), 0, nullptr);
            if (r >= 0) {
                for (std::size_t i = 0; i < static_cast<std::size_t>(r); ++i) {
                    const std::size_t len = msgs[i].msg_len;
                    slots[i].info = datagram_info{
                        .size = std::min(len, slots[i].buffer.size()),
                        .source = from_sockaddr(from[i]),
                        // recvmmsg sets MSG_TRUNC in msg_flags for a datagram cut short.
                        .truncated = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0};
                }
                return static_cast<std::size_t>(r);
            }
            if (errno != EINTR) {
                return unexpected(last_error());
            }
        }
    }

    void close() override { fd_.reset(); }

    [[nodiscard]] bool is_open() const override { return fd_.valid(); }

private:
    result<std::size_t, std::error_code> send_raw(bytes data, const sockaddr* to,
                                                  socklen_t to_len) {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        for (;;) {
            const ssize_t n =
                ::sendto(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL, to, to_len);
            if (n >= 0) {
                return static_cast<std::size_t>(n);
            }
            if (errno != EINTR) {
                return unexpected(last_error());
            }
        }
    }

    socket_fd fd_;
};

}  // namespace

udp_socket make_udp_socket(socket_fd fd) {
    return udp_socket{std::make_unique<kernel_udp_socket>(std::move(fd))};
}

}  // namespace netrig::net::kernel
