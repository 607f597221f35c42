// SPDX-License-Identifier: MIT
// link: AF_XDP backend (Documentation/networking/af_xdp.rst; libxdp xsk.h).
#include "link/af_xdp.hpp"

#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "link/error.hpp"

namespace netrig::link {

namespace {

// Linux socket options for busy polling (asm-generic/socket.h); older libc headers lack them.
constexpr int so_busy_poll = 46;
constexpr int so_prefer_busy_poll = 69;
constexpr int so_busy_poll_budget = 70;
// The kernel reserves this much headroom in front of each received frame (XDP_PACKET_HEADROOM).
constexpr std::size_t xdp_packet_headroom = 256;

// Interfaces whose XDP program an open device loaded, for af_xdp_cleanup(). Lock-free slots so
// that the cleanup path takes no lock.
std::array<std::atomic<int>, 64> program_owners{};

void register_owner(int ifindex) {
    for (auto& slot : program_owners) {
        int expected = 0;
        if (slot.compare_exchange_strong(expected, ifindex)) {
            return;
        }
    }
}

void unregister_owner(int ifindex) {
    for (auto& slot : program_owners) {
        int expected = ifindex;
        if (slot.compare_exchange_strong(expected, 0)) {
            return;
        }
    }
}

bool program_attached(int ifindex) {
    xdp_multiprog* mp = xdp_multiprog__get_from_ifindex(ifindex);
    if (mp == nullptr || libxdp_get_error(mp) != 0) {
        return false;
    }
    xdp_multiprog__close(mp);
    return true;
}

void detach_program(int ifindex) {
    xdp_multiprog* mp = xdp_multiprog__get_from_ifindex(ifindex);
    if (mp == nullptr || libxdp_get_error(mp) != 0) {
        return;  // nothing attached (libxdp returns an error pointer for "none")
    }
    (void)xdp_multiprog__detach(mp);
    xdp_multiprog__close(mp);
}

std::size_t interface_mtu(const std::string& name) {
    const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        return 1500;
    }
    ifreq req{};
    std::memcpy(req.ifr_name, name.c_str(), std::min(name.size(), std::size_t{IFNAMSIZ - 1}));
    const int rc = ::ioctl(sock, SIOCGIFMTU, &req);
    ::close(sock);
    return rc < 0 || req.ifr_mtu <= 0 ? 1500 : static_cast<std::size_t>(req.ifr_mtu);
}

}  // namespace

void af_xdp_cleanup() noexcept {
    for (auto& slot : program_owners) {
        const int ifindex = slot.exchange(0);
        if (ifindex != 0) {
            detach_program(ifindex);
        }
    }
}

struct af_xdp_device::state {
    std::string ifname;
    int ifindex = 0;
    std::uint32_t frame_bytes = 0;
    std::uint32_t ring_size = 0;
    void* area = nullptr;
    std::size_t area_bytes = 0;
    xsk_umem* umem = nullptr;
    xsk_socket* xsk = nullptr;
    xsk_ring_prod fill{};
    xsk_ring_cons comp{};
    xsk_ring_cons rx{};
    xsk_ring_prod tx{};
    std::vector<std::uint64_t> rx_free;  // rx frames not yet handed back to the fill ring
    std::vector<std::uint64_t> tx_free;  // tx frames not on the tx or completion ring
    std::uint32_t tx_reserved = 0;       // descriptors written but not yet published
    bool rx_outstanding = false;
    std::uint64_t rx_token_addr = 0;
    bool busy_poll = false;
    link::capabilities caps{};
    link::stats counters{};
    af_xdp_mode mode{};

    state() = default;
    state(const state&) = delete;
    state& operator=(const state&) = delete;
    ~state() {
        if (xsk != nullptr) {
            xsk_socket__delete(xsk);
        }
        if (umem != nullptr) {
            (void)xsk_umem__delete(umem);
        }
        if (area != nullptr) {
            ::munmap(area, area_bytes);
        }
        if (mode.program) {
            // libxdp may keep its program when the socket goes; this device loaded it, so it
            // removes it (one program per interface here, see ENVIRONMENT.md).
            detach_program(ifindex);
            unregister_owner(ifindex);
        }
    }

    std::uint64_t frame_of(std::uint64_t addr) const { return addr - addr % frame_bytes; }

    void refill() {
        if (rx_free.empty()) {
            return;
        }
        std::uint32_t idx = 0;
        const auto want = static_cast<std::uint32_t>(rx_free.size());
        const std::uint32_t got = xsk_ring_prod__reserve(&fill, want, &idx);
        for (std::uint32_t i = 0; i < got; ++i) {
            *xsk_ring_prod__fill_addr(&fill, idx + i) = rx_free.back();
            rx_free.pop_back();
        }
        if (got > 0) {
            xsk_ring_prod__submit(&fill, got);
        }
    }

    void kick_rx() {
        // need_wakeup (af_xdp.rst "XDP_USE_NEED_WAKEUP"): the kernel only processes the fill
        // ring after a syscall when it set the flag; busy polling needs the syscall anyway.
        if (busy_poll || xsk_ring_prod__needs_wakeup(&fill) != 0) {
            (void)::recvfrom(xsk_socket__fd(xsk), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
        }
    }

    void reap_completions() {
        std::uint32_t idx = 0;
        const std::uint32_t n = xsk_ring_cons__peek(&comp, ring_size, &idx);
        for (std::uint32_t i = 0; i < n; ++i) {
            tx_free.push_back(frame_of(*xsk_ring_cons__comp_addr(&comp, idx + i)));
        }
        if (n > 0) {
            xsk_ring_cons__release(&comp, n);
        }
    }

    void kick_tx() {
        // Copy mode transmits a bounded batch per sendto() and says EAGAIN while descriptors
        // remain; loop a bounded number of times until the kernel consumed the tx ring.
        for (int i = 0; i < 64; ++i) {
            if (__atomic_load_n(tx.consumer, __ATOMIC_ACQUIRE) == *tx.producer) {
                return;
            }
            if (mode.need_wakeup && !busy_poll && xsk_ring_prod__needs_wakeup(&tx) == 0) {
                return;
            }
            const ssize_t rc = ::sendto(xsk_socket__fd(xsk), nullptr, 0, MSG_DONTWAIT, nullptr, 0);
            if (rc < 0 && errno != EAGAIN && errno != EBUSY && errno != ENOBUFS && errno != EINTR) {
                counters.drop(drop_reason::io_error);
                return;
            }
        }
    }
};

result<af_xdp_device, std::error_code> af_xdp_device::open(const af_xdp_options& options) {
    if (options.interface.empty() || options.interface.size() >= IFNAMSIZ) {
        return unexpected<std::error_code>(errc::invalid_name);
    }
    NETRIG_ASSERT(options.frame_count >= 2 && options.frame_count % 2 == 0);
    NETRIG_ASSERT((options.frame_bytes & (options.frame_bytes - 1)) == 0);
    NETRIG_ASSERT(options.ring_size >= options.frame_count / 2);
    auto s = std::make_unique<state>();
    s->ifname = options.interface;
    s->ifindex = static_cast<int>(::if_nametoindex(options.interface.c_str()));
    if (s->ifindex == 0) {
        return unexpected<std::error_code>(errc::no_such_device);
    }
    s->frame_bytes = options.frame_bytes;
    s->ring_size = options.ring_size;
    s->busy_poll = options.busy_poll;
    s->area_bytes = std::size_t{options.frame_count} * options.frame_bytes;
    void* area = ::mmap(nullptr, s->area_bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (area == MAP_FAILED) {
        return unexpected(std::error_code(errno, std::system_category()));
    }
    s->area = area;
    const xsk_umem_config umem_config{.fill_size = options.ring_size,
                                      .comp_size = options.ring_size,
                                      .frame_size = options.frame_bytes,
                                      .frame_headroom = 0,
                                      .flags = 0};
    int rc = xsk_umem__create(&s->umem, s->area, s->area_bytes, &s->fill, &s->comp, &umem_config);
    if (rc != 0) {
        s->umem = nullptr;
        if (rc == -EPERM || rc == -EACCES) {
            return unexpected<std::error_code>(errc::permission_denied);
        }
        return unexpected(std::error_code(-rc, std::system_category()));
    }

    const bool had_program = options.receive && program_attached(s->ifindex);
    struct attempt {
        bool native;
        bool zero_copy;
    };
    std::vector<attempt> attempts;
    for (const bool native : {true, false}) {
        if ((native && options.attach == xdp_attach::skb) ||
            (!native && options.attach == xdp_attach::native)) {
            continue;
        }
        for (const bool zc : {true, false}) {
            if ((zc && options.copy == xdp_copy::copy) ||
                (!zc && options.copy == xdp_copy::zero_copy) || (zc && !native)) {
                continue;  // generic SKB mode is always a copy
            }
            attempts.push_back({native, zc});
        }
    }
    int last_error = EOPNOTSUPP;
    bool bound = false;
    // The first socket of a UMEM is the UMEM's own fd. A failed attempt may have got as far as
    // bind() (native mode fails later, when the XDP program is attached: ERANGE for a veth
    // whose MTU is too large for native XDP), and libxdp keeps that fd with its rings set: the
    // next attempt's ring setsockopt on it fails (EBUSY once bound, which read as device_busy
    // instead of falling back to SKB mode). So every retry starts from a fresh UMEM (same
    // memory area, new fd).
    bool umem_used = false;
    auto fresh_umem = [&]() -> int {
        if (!umem_used) {
            umem_used = true;
            return 0;
        }
        (void)xsk_umem__delete(s->umem);
        s->umem = nullptr;
        const int r =
            xsk_umem__create(&s->umem, s->area, s->area_bytes, &s->fill, &s->comp, &umem_config);
        if (r != 0) {
            s->umem = nullptr;
        }
        return r;
    };
    for (const attempt& a : attempts) {
        xsk_socket_config config{};
        config.rx_size = options.receive ? options.ring_size : 0;
        config.tx_size = options.ring_size;
        // Tx-only sockets need no XDP program (ENVIRONMENT.md), so none is loaded.
        config.libxdp_flags = options.receive ? 0 : XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
        config.xdp_flags =
            (a.native ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE) | XDP_FLAGS_UPDATE_IF_NOEXIST;
        config.bind_flags = static_cast<std::uint16_t>((a.zero_copy ? XDP_ZEROCOPY : XDP_COPY) |
                                                       XDP_USE_NEED_WAKEUP);
        const auto deadline = std::chrono::steady_clock::now() + options.rebind_window;
        for (;;) {
            rc = fresh_umem();
            if (rc != 0) {
                return unexpected(std::error_code(-rc, std::system_category()));
            }
            rc = xsk_socket__create(&s->xsk, options.interface.c_str(), options.queue, s->umem,
                                    options.receive ? &s->rx : nullptr, &s->tx, &config);
            // The kernel releases a queue ~100 ms after its last socket closed; until then
            // bind says EBUSY (ENVIRONMENT.md), so retry within the window.
            if (rc != -EBUSY || std::chrono::steady_clock::now() >= deadline) {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (rc == 0) {
            s->mode = {.native = a.native,
                       .zero_copy = a.zero_copy,
                       .program = options.receive && !had_program,
                       .need_wakeup = true};
            bound = true;
            break;
        }
        s->xsk = nullptr;
        last_error = -rc;
        if (rc == -EPERM || rc == -EACCES) {
            return unexpected<std::error_code>(errc::permission_denied);
        }
        if (options.receive && !had_program) {
            detach_program(s->ifindex);  // a failed attempt must not leave its program behind
        }
    }
    if (!bound) {
        if (last_error == EBUSY) {
            return unexpected<std::error_code>(errc::device_busy);
        }
        if (last_error == EOPNOTSUPP || last_error == ERANGE || last_error == EINVAL) {
            return unexpected<std::error_code>(errc::not_supported);
        }
        return unexpected(std::error_code(last_error, std::system_category()));
    }
    if (s->mode.program) {
        register_owner(s->ifindex);
    }
    xdp_options opts{};
    socklen_t opts_len = sizeof opts;
    if (::getsockopt(xsk_socket__fd(s->xsk), SOL_XDP, XDP_OPTIONS, &opts, &opts_len) == 0) {
        s->mode.zero_copy = (opts.flags & XDP_OPTIONS_ZEROCOPY) != 0;
    }
    if (options.busy_poll) {
        const int fd = xsk_socket__fd(s->xsk);
        const int one = 1;
        const int usecs = 20;
        const int budget = 64;
        if (::setsockopt(fd, SOL_SOCKET, so_prefer_busy_poll, &one, sizeof one) != 0 ||
            ::setsockopt(fd, SOL_SOCKET, so_busy_poll, &usecs, sizeof usecs) != 0 ||
            ::setsockopt(fd, SOL_SOCKET, so_busy_poll_budget, &budget, sizeof budget) != 0) {
            return unexpected<std::error_code>(errc::not_supported);
        }
    }
    // First half of the UMEM receives, second half transmits.
    const std::uint32_t half = options.frame_count / 2;
    s->rx_free.reserve(half);
    s->tx_free.reserve(half);
    for (std::uint32_t i = 0; i < half; ++i) {
        s->tx_free.push_back(std::uint64_t{half + i} * options.frame_bytes);
        if (options.receive) {
            s->rx_free.push_back(std::uint64_t{i} * options.frame_bytes);
        }
    }
    s->refill();
    const std::size_t mtu = interface_mtu(options.interface);
    s->caps = {.mtu = mtu,
               .max_frame_bytes = std::min(mtu + ethernet_header_bytes,
                                           std::size_t{options.frame_bytes} - xdp_packet_headroom),
               .checksum = {},
               .tso = false,
               .gro = false,
               .vnet_hdr = false};
    return af_xdp_device(std::move(s));
}

af_xdp_device::af_xdp_device(std::unique_ptr<state> s) : s_(std::move(s)) {}
af_xdp_device::af_xdp_device(af_xdp_device&& other) noexcept = default;
af_xdp_device& af_xdp_device::operator=(af_xdp_device&& other) noexcept = default;
af_xdp_device::~af_xdp_device() = default;

std::size_t af_xdp_device::receive_batch_erased(std::size_t max, function_ref<void(bytes)> fn) {
    NETRIG_ASSERT(!s_->rx_outstanding);
    if (s_->rx.ring == nullptr) {
        return 0;  // tx-only socket
    }
    std::uint32_t idx = 0;
    const auto want = static_cast<std::uint32_t>(std::min<std::size_t>(max, s_->ring_size));
    const std::uint32_t n = xsk_ring_cons__peek(&s_->rx, want, &idx);
    if (n == 0) {
        s_->kick_rx();
        return 0;
    }
    auto* base = static_cast<std::uint8_t*>(s_->area);
    for (std::uint32_t i = 0; i < n; ++i) {
        const xdp_desc* d = xsk_ring_cons__rx_desc(&s_->rx, idx + i);
        fn(bytes{base + d->addr, d->len});
        s_->rx_free.push_back(s_->frame_of(d->addr));
        ++s_->counters.rx_frames;
        s_->counters.rx_bytes += d->len;
    }
    xsk_ring_cons__release(&s_->rx, n);
    s_->refill();
    return n;
}

std::optional<bool> af_xdp_device::rx_ready() const {
    if (s_->rx.ring == nullptr) {
        return std::nullopt;
    }
    // Refreshes the ring's cached producer index only when the cache says empty
    // (libxdp xsk.h); no syscall.
    return xsk_cons_nb_avail(&s_->rx, 1) > 0;
}

std::optional<af_xdp_device::rx_token_type> af_xdp_device::receive(instant /*now*/) {
    NETRIG_ASSERT(!s_->rx_outstanding);
    if (s_->rx.ring == nullptr) {
        return std::nullopt;
    }
    std::uint32_t idx = 0;
    if (xsk_ring_cons__peek(&s_->rx, 1, &idx) != 1) {
        s_->kick_rx();
        return std::nullopt;
    }
    const xdp_desc* d = xsk_ring_cons__rx_desc(&s_->rx, idx);
    s_->rx_outstanding = true;
    s_->rx_token_addr = s_->frame_of(d->addr);
    ++s_->counters.rx_frames;
    s_->counters.rx_bytes += d->len;
    return rx_token_type{this, bytes{static_cast<std::uint8_t*>(s_->area) + d->addr, d->len}};
}

void af_xdp_device::rx_release_one() {
    NETRIG_ASSERT(s_->rx_outstanding);
    xsk_ring_cons__release(&s_->rx, 1);
    s_->rx_free.push_back(s_->rx_token_addr);
    s_->rx_outstanding = false;
    s_->refill();
}

std::optional<af_xdp_device::tx_token_type> af_xdp_device::transmit(instant now) {
    if (s_->tx_free.empty()) {
        s_->reap_completions();
    }
    if (s_->tx_free.empty()) {
        flush(now);  // publish and kick so completions can come back
    }
    if (s_->tx_free.empty()) {
        return std::nullopt;
    }
    const std::uint64_t addr = s_->tx_free.back();
    s_->tx_free.pop_back();
    return tx_token_type{this, addr};
}

mut_bytes af_xdp_device::tx_buffer(std::uint64_t addr, std::size_t len) {
    NETRIG_ASSERT(len > 0);
    NETRIG_ASSERT(len <= s_->caps.max_frame_bytes);
    return {static_cast<std::uint8_t*>(s_->area) + addr, len};
}

void af_xdp_device::tx_submit(std::uint64_t addr, std::size_t len) {
    std::uint32_t idx = 0;
    if (xsk_ring_prod__reserve(&s_->tx, 1, &idx) != 1) {
        s_->tx_free.push_back(addr);
        s_->counters.drop(drop_reason::ring_full);
        return;
    }
    xdp_desc* d = xsk_ring_prod__tx_desc(&s_->tx, idx);
    d->addr = addr;
    d->len = static_cast<std::uint32_t>(len);
    d->options = 0;
    ++s_->tx_reserved;
    ++s_->counters.tx_frames;
    s_->counters.tx_bytes += len;
}

void af_xdp_device::tx_unused(std::uint64_t addr) {
    s_->tx_free.push_back(addr);
}

void af_xdp_device::flush(instant /*now*/) {
    if (s_->tx_reserved > 0) {
        xsk_ring_prod__submit(&s_->tx, s_->tx_reserved);
        s_->tx_reserved = 0;
    }
    s_->kick_tx();
    s_->reap_completions();
}

capabilities af_xdp_device::capabilities() const {
    return s_->caps;
}
const stats& af_xdp_device::stats() const {
    return s_->counters;
}
int af_xdp_device::fd() const {
    return xsk_socket__fd(s_->xsk);
}
af_xdp_mode af_xdp_device::mode() const {
    return s_->mode;
}

}  // namespace netrig::link
