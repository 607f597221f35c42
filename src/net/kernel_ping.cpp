// SPDX-License-Identifier: MIT
// net: kernel ping sockets. The unprivileged SOCK_DGRAM ICMP socket lets the kernel choose and
// filter the identifier and fill the checksum; the SOCK_RAW fallback (root) sees every ICMP
// packet with its IPv4 header, so it builds checksums and filters replies itself.
#include "net/kernel_ping.hpp"

#include <netinet/in.h>
#include <linux/icmp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <vector>

#include "base/bytes.hpp"
#include "net/errc.hpp"
#include "net/kernel_socket.hpp"
#include "runtime/io.hpp"
#include "runtime/scheduler.hpp"
#include "wire/checksum.hpp"

namespace netrig::net::kernel {
namespace {

// RFC 792 "Echo or Echo Reply Message": type, code, checksum, identifier, sequence number.
constexpr std::size_t icmp_header_bytes = 8;
constexpr std::uint8_t icmp_echo_reply = 0;
constexpr std::uint8_t icmp_echo_request = 8;
// The largest payload of one IPv4 datagram: 65535 - 20 (IPv4) - 8 (ICMP).
constexpr std::size_t payload_bytes_max = 65507;
constexpr std::size_t ipv4_header_bytes_max = 60;

std::uint16_t next_raw_ident() {
    // Distinct per socket of this process, and likely distinct from other processes' pings.
    static std::atomic<std::uint16_t> counter{0};
    const auto pid = static_cast<std::uint32_t>(::getpid());
    return static_cast<std::uint16_t>((pid * 2654435761U) >> 16U) ^
           counter.fetch_add(1, std::memory_order_relaxed);
}

class kernel_ping_socket final : public ping_socket_impl {
public:
    kernel_ping_socket(socket_fd fd, bool raw, std::uint16_t ident)
        : fd_(std::move(fd)), raw_(raw), ident_(ident) {
        tx_.reserve(icmp_header_bytes + 1500);
        if (raw_) {
            rx_.resize(ipv4_header_bytes_max + icmp_header_bytes);
        }
    }

    runtime::task<result<void, std::error_code>> send(wire::ipv4_address to, std::uint16_t seq,
                                                      bytes payload) override {
        for (;;) {
            auto r = try_send(to, seq, payload);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto ready = co_await runtime::wait_writable(fd_.get());
            if (!ready) {
                co_return unexpected(wait_error(ready.error()));
            }
        }
    }

    runtime::task<result<echo_reply, std::error_code>> recv(mut_bytes buffer) override {
        for (;;) {
            auto r = try_recv(buffer);
            if (r || r.error() != errc::would_block) {
                co_return r;
            }
            auto ready = co_await runtime::wait_readable(fd_.get());
            if (!ready) {
                co_return unexpected(wait_error(ready.error()));
            }
        }
    }

    [[nodiscard]] result<std::uint16_t, std::error_code> ident() const override {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        return ident_;
    }

    void close() override { fd_.reset(); }

    [[nodiscard]] bool is_open() const override { return fd_.valid(); }

private:
    result<void, std::error_code> try_send(wire::ipv4_address to, std::uint16_t seq,
                                           bytes payload) {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        if (payload.size() > payload_bytes_max) {
            return unexpected(make_error_code(errc::message_too_long));
        }
        if (to.is_unspecified()) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        tx_.resize(icmp_header_bytes + payload.size());
        const mut_bytes out{tx_};
        store_u8(out, 0, icmp_echo_request);
        store_u8(out, 1, 0);
        store_be16(out, 2, 0);
        // The datagram socket rewrites the identifier with its own; the raw one sends ours.
        store_be16(out, 4, ident_);
        store_be16(out, 6, seq);
        std::copy(payload.begin(), payload.end(), tx_.begin() + icmp_header_bytes);
        if (raw_) {
            // RFC 792: "The checksum is the 16-bit ones's complement of the one's complement
            // sum of the ICMP message starting with the ICMP Type." (The ping socket fills it.)
            store_be16(out, 2, wire::internet_checksum(out));
        }
        const sockaddr_in sa = to_sockaddr(endpoint{to, 0});
        for (;;) {
            const ssize_t n = ::sendto(fd_.get(), tx_.data(), tx_.size(), MSG_NOSIGNAL,
                                       reinterpret_cast<const sockaddr*>(&sa),  // NOLINT
                                       sizeof(sa));
            if (n >= 0) {
                return {};
            }
            if (errno != EINTR) {
                return unexpected(last_error());
            }
        }
    }

    result<echo_reply, std::error_code> try_recv(mut_bytes buffer) {
        if (!fd_.valid()) {
            return unexpected(closed_error());
        }
        for (;;) {
            auto r = raw_ ? recv_raw_once(buffer) : recv_datagram_once(buffer);
            // A foreign or non-reply packet was consumed: look at the next one.
            if (!r && r.error() == errc::invalid_argument) {
                continue;
            }
            return r;
        }
    }

    // One recvmsg into [header | caller's buffer]; returns the message length (the full one
    // where the kernel reports it: raw sockets honour MSG_TRUNC, ping sockets return the bytes
    // stored and only set MSG_TRUNC in msg_flags, which sets `cut`).
    result<std::size_t, std::error_code> receive_message(mut_bytes head, mut_bytes buffer,
                                                         int& ttl, bool& cut) {
        std::array<iovec, 2> iov{};
        iov[0].iov_base = head.data();
        iov[0].iov_len = head.size();
        iov[1].iov_base = buffer.data();
        iov[1].iov_len = buffer.size();
        alignas(cmsghdr) std::array<std::uint8_t, CMSG_SPACE(sizeof(int))> control{};
        sockaddr_in sa{};
        msghdr msg{};
        msg.msg_name = &sa;
        msg.msg_namelen = sizeof(sa);
        msg.msg_iov = iov.data();
        msg.msg_iovlen = iov.size();
        msg.msg_control = control.data();
        msg.msg_controllen = control.size();
        for (;;) {
            const ssize_t n = ::recvmsg(fd_.get(), &msg, MSG_TRUNC);
            if (n >= 0) {
                ttl = 0;
                cut = (static_cast<unsigned>(msg.msg_flags) & MSG_TRUNC) != 0;
                for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
                    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) {
                        std::memcpy(&ttl, CMSG_DATA(c), sizeof(int));
                    }
                }
                from_ = from_sockaddr(sa).address;
                return static_cast<std::size_t>(n);
            }
            if (errno != EINTR) {
                return unexpected(last_error());
            }
        }
    }

    result<echo_reply, std::error_code> recv_datagram_once(mut_bytes buffer) {
        std::array<std::uint8_t, icmp_header_bytes> head{};
        int ttl = 0;
        bool cut = false;
        NETRIG_TRY_ASSIGN(const std::size_t n, receive_message(head, buffer, ttl, cut));
        // The kernel delivers only echo replies with our identifier to a ping socket.
        if (n < icmp_header_bytes || head[0] != icmp_echo_reply) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        echo_reply reply = make_reply(load_be16(head, 6), ttl, n - icmp_header_bytes, buffer.size());
        reply.truncated = reply.truncated || cut;
        return reply;
    }

    result<echo_reply, std::error_code> recv_raw_once(mut_bytes buffer) {
        // The IPv4 header's length is only known after reading, so the header part is read into
        // rx_ (60 + 8 bytes); what of the ICMP header and payload spills past a short IPv4
        // header lands in rx_'s tail and is moved into place below.
        int ttl = 0;
        bool cut = false;
        NETRIG_TRY_ASSIGN(const std::size_t n, receive_message(rx_, buffer, ttl, cut));
        if (n < 20) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        const std::size_t ihl = static_cast<std::size_t>(rx_[0] & 0x0fU) * 4U;
        if (ihl < 20 || n < ihl + icmp_header_bytes) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        const bytes icmp = bytes{rx_}.subspan(ihl, icmp_header_bytes);
        if (icmp[0] != icmp_echo_reply || load_be16(icmp, 4) != ident_) {
            return unexpected(make_error_code(errc::invalid_argument));
        }
        // RFC 791: TTL is byte 8 of the IPv4 header.
        ttl = rx_[8];
        const std::size_t payload_len = n - ihl - icmp_header_bytes;
        // Bytes of the payload that landed in rx_ after the ICMP header.
        const std::size_t in_head = rx_.size() - ihl - icmp_header_bytes;
        const std::size_t head_part = std::min(in_head, payload_len);
        const std::size_t stored = std::min(payload_len, buffer.size());
        if (head_part > 0 && stored > 0) {
            // Shift what recvmsg wrote to the caller's buffer right, then put the head part in
            // front of it.
            const std::size_t tail_stored = stored > head_part ? stored - head_part : 0;
            std::memmove(buffer.data() + std::min(head_part, stored), buffer.data(), tail_stored);
            std::copy_n(rx_.begin() + static_cast<std::ptrdiff_t>(ihl + icmp_header_bytes),
                        std::min(head_part, stored), buffer.begin());
        }
        return make_reply(load_be16(icmp, 6), ttl, payload_len, buffer.size());
    }

    [[nodiscard]] echo_reply make_reply(std::uint16_t seq, int ttl, std::size_t payload_len,
                                        std::size_t capacity) const {
        return echo_reply{.from = from_,
                          .seq = seq,
                          .ttl = static_cast<std::uint8_t>(std::clamp(ttl, 0, 255)),
                          .size = std::min(payload_len, capacity),
                          .truncated = payload_len > capacity,
                          .arrival = runtime::has_current() ? runtime::now() : instant{}};
    }

    socket_fd fd_;
    bool raw_;
    std::uint16_t ident_;
    wire::ipv4_address from_;
    std::vector<std::uint8_t> tx_;
    std::vector<std::uint8_t> rx_;
};

result<socket_fd, std::error_code> open_icmp(int type) {
    const int fd = ::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (fd < 0) {
        return unexpected(std::error_code(errno, std::system_category()));
    }
    return socket_fd{fd};
}

bool is_permission_error(const std::error_code& ec) {
    return ec == std::errc::permission_denied || ec == std::errc::operation_not_permitted;
}

result<ping_socket, std::error_code> open_datagram() {
    NETRIG_TRY_ASSIGN(socket_fd fd, open_icmp(SOCK_DGRAM));
    // Binding to port 0 makes the kernel pick the identifier now (ping_get_port).
    const sockaddr_in any = to_sockaddr(endpoint{});
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&any), sizeof(any)) != 0) {  // NOLINT
        return unexpected(last_error());
    }
    NETRIG_TRY(set_int_option(fd.get(), IPPROTO_IP, IP_RECVTTL, 1));
    NETRIG_TRY_ASSIGN(const endpoint local, local_endpoint(fd.get()));
    return ping_socket{std::make_unique<kernel_ping_socket>(std::move(fd), false, local.port)};
}

result<ping_socket, std::error_code> open_raw() {
    NETRIG_TRY_ASSIGN(socket_fd fd, open_icmp(SOCK_RAW));
    // Only echo replies reach the socket (Linux ICMP_FILTER: a set bit blocks that type).
    icmp_filter filter{};
    filter.data = ~(1U << icmp_echo_reply);
    if (::setsockopt(fd.get(), SOL_RAW, ICMP_FILTER, &filter, sizeof(filter)) != 0) {
        return unexpected(last_error());
    }
    return ping_socket{std::make_unique<kernel_ping_socket>(std::move(fd), true,
                                                            next_raw_ident())};
}

}  // namespace

result<ping_socket, std::error_code> open_ping_socket(ping_mode mode) {
    std::error_code first;
    if (mode != ping_mode::raw) {
        auto s = open_datagram();
        if (s || !is_permission_error(s.error()) || mode == ping_mode::datagram) {
            if (!s && is_permission_error(s.error())) {
                return unexpected(make_error_code(errc::permission_denied));
            }
            if (!s && s.error().category() == std::system_category()) {
                return unexpected(error_from_errno(s.error().value()));
            }
            return s;
        }
    }
    auto s = open_raw();
    if (!s) {
        if (is_permission_error(s.error())) {
            return unexpected(make_error_code(errc::permission_denied));
        }
        if (s.error().category() == std::system_category()) {
            return unexpected(error_from_errno(s.error().value()));
        }
    }
    return s;
}

}  // namespace netrig::net::kernel
