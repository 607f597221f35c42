// SPDX-License-Identifier: MIT
// System-ratio benchmark of the link backends (driven by bench/link_bench.sh, which builds the
// namespaces and pins CPUs): frames/s of a minimal raw reader/writer on TAP and AF_XDP versus
// the same through netrig's device API, and with pcap recording on.
//   link_bench flood DST_IP PORT PAYLOAD SECONDS         kernel UDP sender (sendmmsg)
//   link_bench sink IP PORT SECONDS                      bound UDP socket that never reads
//   link_bench tap-tx raw|api|pcap TAP PAYLOAD SECONDS
//   link_bench tap-rx raw|read|api|pcap TAP SECONDS
//       raw:  the minimal reader with the device's kernel facility: batches of RWF_NOWAIT reads
//             through io_uring, sized as the device sizes them (at most LINK_BENCH_URING_DEPTH,
//             default 32), with "depth D enters E empty_reads R" after cpu_ns_per_frame
//       read: one read() syscall per frame (the raw limit before the device batched reads)
//       LINK_BENCH_TAP_OFFLOAD=1: open the TAP with the vnet header and the checksum/TSO
//       offloads, as net::user_stack does (default: plain, as tap_options' defaults)
//   link_bench xdp-tx raw|api|pcap IFACE DST_MAC PAYLOAD SECONDS
//   link_bench xdp-rx raw|spin|api|pcap IFACE SECONDS
//       raw: the minimal reader, poll() when its ring is empty; spin: the same, never sleeping
// Prints one line "fps <frames per second> frames <n> cpu_ns_per_frame <process CPU / frame>"
// (plus pcap counts).
#include <fcntl.h>
#include <liburing.h>
#include <time.h>
#include <linux/fs.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <net/if.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xdp/xsk.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "link/af_xdp.hpp"
#include "link/pcap_recorder.hpp"
#include "link/tap.hpp"
#include "link_frames.hpp"

using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
namespace nl = netrig::link;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::size_t batch = 32;

instant now_instant() {
    return instant{clock_type::now().time_since_epoch()};
}

// CPU time of the whole process (all threads, user + system) in ns.
double process_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// cpu_ns_per_frame is load-independent where fps is not: on a shared machine the wall clock
// counts other processes' time slices too.
// `extra` is appended to the line (fields after cpu_ns_per_frame, which udp_sink.sh ignores).
void report(std::uint64_t frames, clock_type::duration elapsed, double cpu_start,
            const std::string& extra = {}) {
    const double s = std::chrono::duration<double>(elapsed).count();
    const double cpu = process_cpu_ns() - cpu_start;
    std::printf("fps %.0f frames %llu cpu_ns_per_frame %.0f%s\n", static_cast<double>(frames) / s,
                static_cast<unsigned long long>(frames),
                frames == 0 ? 0.0 : cpu / static_cast<double>(frames), extra.c_str());
}

std::vector<std::uint8_t> make_frame(const std::uint8_t mac[6], std::size_t payload) {
    in_addr src{};
    in_addr dst{};
    inet_pton(AF_INET, "10.78.0.2", &src);
    inet_pton(AF_INET, "10.78.0.1", &dst);
    return link_test::udp_frame(mac, src, dst, 9999, std::string(payload, 'x'));
}

// ---- kernel helpers --------------------------------------------------------------------------

int flood(const char* ip, int port, std::size_t payload, int seconds) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, ip, &to.sin_addr);
    std::vector<char> data(payload, 'y');
    iovec iov{data.data(), data.size()};
    std::vector<mmsghdr> msgs(64);
    for (auto& m : msgs) {
        m.msg_hdr.msg_name = &to;
        m.msg_hdr.msg_namelen = sizeof to;
        m.msg_hdr.msg_iov = &iov;
        m.msg_hdr.msg_iovlen = 1;
    }
    const auto end = clock_type::now() + std::chrono::seconds(seconds);
    std::uint64_t sent = 0;
    while (clock_type::now() < end) {
        const int n = ::sendmmsg(fd, msgs.data(), static_cast<unsigned>(msgs.size()), 0);
        if (n > 0) {
            sent += static_cast<std::uint64_t>(n);
        }
    }
    std::printf("flood sent %llu\n", static_cast<unsigned long long>(sent));
    return 0;
}

int sink(const char* ip, int port, int seconds) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, ip, &at.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
        std::perror("bind");
        return 1;
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    return 0;
}

// ---- generic API loops -----------------------------------------------------------------------

template <class Device>
std::uint64_t api_tx(Device& dev, const std::vector<std::uint8_t>& frame, int seconds) {
    const auto start = clock_type::now();
    const double cpu_start = process_cpu_ns();
    const auto end = start + std::chrono::seconds(seconds);
    std::uint64_t before = dev.stats().tx_frames;
    while (clock_type::now() < end) {
        const instant now = now_instant();
        for (std::size_t i = 0; i < batch; ++i) {
            auto tx = dev.transmit(now);
            if (!tx) {
                break;
            }
            tx->consume(frame.size(),
                        [&](mut_bytes b) { std::memcpy(b.data(), frame.data(), b.size()); });
        }
        dev.flush(now);
    }
    const std::uint64_t frames = dev.stats().tx_frames - before;
    report(frames, clock_type::now() - start, cpu_start);
    return frames;
}

template <class Device>
std::uint64_t api_rx(Device& dev, int seconds) {
    const auto start = clock_type::now();
    const double cpu_start = process_cpu_ns();
    const auto end = start + std::chrono::seconds(seconds);
    std::uint64_t frames = 0;
    std::uint64_t sum = 0;
    while (clock_type::now() < end) {
        const std::size_t n =
            dev.receive_batch(now_instant(), batch, [&](bytes f) { sum += f[f.size() - 1]; });
        frames += n;
        if (n == 0) {
            pollfd p{.fd = dev.fd(), .events = POLLIN, .revents = 0};
            (void)::poll(&p, 1, 10);
        }
    }
    report(frames, clock_type::now() - start, cpu_start);
    return sum == 1 ? 0 : frames;  // keeps the read of every frame observable
}

template <class Device, class Fn>
int with_pcap(Device& dev, bool pcap, Fn&& fn) {
    if (!pcap) {
        fn(dev);
        return 0;
    }
    const std::string path = "/tmp/netrig_link_bench_" + std::to_string(::getpid()) + ".pcap";
    auto s = nl::pcap_sink::open(
        path, {.realtime_base = nl::realtime_base_now(now_instant())});
    if (!s) {
        std::fprintf(stderr, "pcap: %s\n", s.error().message().c_str());
        return 1;
    }
    nl::pcap_recorder<Device&> rec(dev, **s);
    fn(rec);
    const auto c = (*s)->close();
    std::printf("pcap written %llu dropped %llu\n", static_cast<unsigned long long>(c.written),
                static_cast<unsigned long long>(c.dropped));
    ::unlink(path.c_str());
    return 0;
}

// ---- TAP -------------------------------------------------------------------------------------

int tap_tx(const std::string& mode, const std::string& tap, std::size_t payload, int seconds) {
    std::uint8_t mac[6];
    if (!link_test::read_mac(tap, mac)) {
        return 1;
    }
    const auto frame = make_frame(mac, payload);
    auto dev = nl::tap_device::open({.name = tap});
    if (!dev) {
        std::fprintf(stderr, "tap: %s\n", dev.error().message().c_str());
        return 1;
    }
    if (mode == "raw") {
        // The raw limit: one write() per frame, the buffer rewritten each time like the API does.
        std::vector<std::uint8_t> buf(frame.size());
        const auto start = clock_type::now();
    const double cpu_start = process_cpu_ns();
        const auto end = start + std::chrono::seconds(seconds);
        std::uint64_t frames = 0;
        while (clock_type::now() < end) {
            for (std::size_t i = 0; i < batch; ++i) {
                std::memcpy(buf.data(), frame.data(), buf.size());
                frames += ::write(dev->fd(), buf.data(), buf.size()) > 0;
            }
        }
        report(frames, clock_type::now() - start, cpu_start);
        return 0;
    }
    return with_pcap(*dev, mode == "pcap", [&](auto& d) { api_tx(d, frame, seconds); });
}

// Most reads of one io_uring batch of the raw TAP reader: LINK_BENCH_URING_DEPTH, default 32
// (the device's default tap_options::batch).
unsigned uring_depth() {
    const char* env = std::getenv("LINK_BENCH_URING_DEPTH");
    const int depth = env == nullptr ? 32 : std::atoi(env);
    return static_cast<unsigned>(std::clamp(depth, 1, 4096));
}

// The raw TAP limit: the kernel facility the device uses (link/tap.cpp, tap_device::uring and
// refill_uring) and nothing of the device around it. Reads into 64 KiB buffers go to the
// kernel with one io_uring_enter; every completion with res > 0 is a frame, and its buffer is
// read into again in a later round. As in the device: offset -1 (tun has no file position),
// RWF_NOWAIT (tun answers an empty queue with -EAGAIN at once instead of io_uring arming a
// poll that fills the buffer later), no IOSQE_ASYNC (the read runs inline in io_uring_enter),
// a round submits about twice the frames the last one found (at least 4, at most `depth`: each
// read that finds no frame costs an -EAGAIN completion), and a round that found no frame waits
// in poll() like the device's callers (api_rx, the reactor). Left out: reading the vnet
// header, keeping the frame order and handing frames on.
int tap_rx_uring(int fd, int seconds) {
    constexpr std::size_t buffer_bytes = 65536;
    const unsigned depth = uring_depth();
    const unsigned reads_min = std::min(4U, depth);
    io_uring ring{};
    if (const int rc = ::io_uring_queue_init(depth, &ring, 0); rc < 0) {
        std::fprintf(stderr, "io_uring_queue_init: %s\n", std::strerror(-rc));
        return 1;
    }
    std::vector<std::uint8_t> buffers(depth * buffer_bytes);
    std::vector<unsigned> idle(depth);  // buffers with no read in flight
    for (unsigned i = 0; i < depth; ++i) {
        idle[i] = i;
    }
    unsigned in_flight = 0;
    unsigned reads = reads_min;  // reads to have in flight in the next round
    const auto start = clock_type::now();
    const double cpu_start = process_cpu_ns();
    const auto end = start + std::chrono::seconds(seconds);
    std::uint64_t frames = 0;
    std::uint64_t enters = 0;
    std::uint64_t empty_reads = 0;
    int status = 0;
    while (status == 0 && clock_type::now() < end) {
        for (; in_flight < reads && !idle.empty(); ++in_flight) {
            const unsigned slot = idle.back();
            idle.pop_back();
            io_uring_sqe* sqe = ::io_uring_get_sqe(&ring);  // never null: depth sqes, depth reads
            ::io_uring_prep_read(sqe, fd, buffers.data() + slot * buffer_bytes, buffer_bytes,
                                 ~std::uint64_t{0});
            sqe->rw_flags = RWF_NOWAIT;
            ::io_uring_sqe_set_data64(sqe, slot);
        }
        const int rc = ::io_uring_submit_and_wait(&ring, 1);
        ++enters;
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) {
            std::fprintf(stderr, "io_uring_submit_and_wait: %s\n", std::strerror(-rc));
            status = 1;
            break;
        }
        unsigned round_frames = 0;
        unsigned head = 0;
        unsigned seen = 0;
        io_uring_cqe* cqe = nullptr;
        io_uring_for_each_cqe(&ring, head, cqe) {
            ++seen;
            idle.push_back(static_cast<unsigned>(::io_uring_cqe_get_data64(cqe)));
            if (cqe->res > 0) {
                ++round_frames;
            } else if (cqe->res == 0 || cqe->res == -EAGAIN || cqe->res == -EINTR) {
                ++empty_reads;  // the queue was empty: read again in a later round
            } else {
                std::fprintf(stderr, "tap read: %s\n", std::strerror(-cqe->res));
                status = 1;
            }
        }
        ::io_uring_cq_advance(&ring, seen);
        in_flight -= seen;
        frames += round_frames;
        reads = std::clamp(2 * round_frames, reads_min, depth);
        if (seen > 0 && round_frames == 0) {
            pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
            (void)::poll(&p, 1, 10);
        }
    }
    report(frames, clock_type::now() - start, cpu_start,
           " depth " + std::to_string(depth) + " enters " + std::to_string(enters) +
               " empty_reads " + std::to_string(empty_reads));
    ::io_uring_queue_exit(&ring);
    return status;
}

// The raw limit before the device batched its reads: one read() syscall per frame.
int tap_rx_read(int fd, int seconds) {
    std::vector<std::uint8_t> buf(65536);
    const auto start = clock_type::now();
    const double cpu_start = process_cpu_ns();
    const auto end = start + std::chrono::seconds(seconds);
    std::uint64_t frames = 0;
    while (clock_type::now() < end) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n > 0) {
            ++frames;
        } else {
            pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
            (void)::poll(&p, 1, 10);
        }
    }
    report(frames, clock_type::now() - start, cpu_start);
    return 0;
}

int tap_rx(const std::string& mode, const std::string& tap, int seconds) {
    // For the raw loops the device only opens the fd (TUNSETIFF, O_NONBLOCK, TUNSETOFFLOAD);
    // they use the fd alone and its own io_uring stays idle. LINK_BENCH_TAP_OFFLOAD=1 opens
    // it as net::user_stack does (vnet header, checksum and TSO offloads): the TAP then takes
    // partial checksums, so the kernel sender copies the payload without summing it
    // (csum_partial_copy_generic leaves its profile) and sends faster (1472 B: 0.73-0.84M vs
    // 0.62M frames/s into the raw reader), and a baseline for the user stack must see the same
    // sender.
    const char* offload_env = std::getenv("LINK_BENCH_TAP_OFFLOAD");
    const bool offload = offload_env != nullptr && std::string{offload_env} == "1";
    auto dev = nl::tap_device::open(
        {.name = tap, .vnet_hdr = offload, .offload_checksum = offload, .offload_tso = offload});
    if (!dev) {
        std::fprintf(stderr, "tap: %s\n", dev.error().message().c_str());
        return 1;
    }
    if (mode == "raw") {
        return tap_rx_uring(dev->fd(), seconds);
    }
    if (mode == "read") {
        return tap_rx_read(dev->fd(), seconds);
    }
    return with_pcap(*dev, mode == "pcap", [&](auto& d) { api_rx(d, seconds); });
}

// ---- AF_XDP raw: the minimal libxdp loop the device API is compared with ----------------------

struct raw_xsk {
    void* area = nullptr;
    std::size_t bytes = 0;
    xsk_umem* umem = nullptr;
    xsk_socket* xsk = nullptr;
    xsk_ring_prod fill{};
    xsk_ring_cons comp{};
    xsk_ring_cons rx{};
    xsk_ring_prod tx{};
    static constexpr std::uint32_t frames = 4096;
    static constexpr std::uint32_t frame_bytes = 4096;

    bool open(const std::string& iface, bool receive) {
        bytes = std::size_t{frames} * frame_bytes;
        area = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        const xsk_umem_config uc{.fill_size = 2048,
                                 .comp_size = 2048,
                                 .frame_size = frame_bytes,
                                 .frame_headroom = 0,
                                 .flags = 0};
        if (xsk_umem__create(&umem, area, bytes, &fill, &comp, &uc) != 0) {
            return false;
        }
        xsk_socket_config sc{};
        sc.rx_size = receive ? 2048 : 0;
        sc.tx_size = 2048;
        sc.libxdp_flags = receive ? 0 : XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
        sc.xdp_flags = XDP_FLAGS_DRV_MODE;
        sc.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP;
        for (int i = 0; i < 30; ++i) {
            const int rc =
                xsk_socket__create(&xsk, iface.c_str(), 0, umem, receive ? &rx : nullptr, &tx, &sc);
            if (rc == 0) {
                break;
            }
            xsk = nullptr;
            if (rc != -EBUSY) {
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (xsk == nullptr) {
            return false;
        }
        if (receive) {
            std::uint32_t idx = 0;
            const std::uint32_t n = xsk_ring_prod__reserve(&fill, 2048, &idx);
            for (std::uint32_t i = 0; i < n; ++i) {
                *xsk_ring_prod__fill_addr(&fill, idx + i) = std::uint64_t{i} * frame_bytes;
            }
            xsk_ring_prod__submit(&fill, n);
        }
        return true;
    }
    ~raw_xsk() {
        if (xsk != nullptr) {
            xsk_socket__delete(xsk);
        }
        if (umem != nullptr) {
            (void)xsk_umem__delete(umem);
        }
        if (area != nullptr) {
            ::munmap(area, bytes);
        }
    }
};

int xdp_raw_tx(const std::string& iface, const std::vector<std::uint8_t>& frame, int seconds) {
    raw_xsk x;
    if (!x.open(iface, false)) {
        std::fprintf(stderr, "raw xsk open failed\n");
        return 1;
    }
    std::vector<std::uint64_t> free_frames;
    for (std::uint32_t i = 0; i < 2048; ++i) {
        free_frames.push_back(std::uint64_t{2048 + i} * raw_xsk::frame_bytes);
    }
    auto* base = static_cast<std::uint8_t*>(x.area);
    const auto start = clock_type::now();
    const double cpu_start = process_cpu_ns();
    const auto end = start + std::chrono::seconds(seconds);
    std::uint64_t frames = 0;
    const int fd = xsk_socket__fd(x.xsk);
    while (clock_type::now() < end) {
        std::uint32_t idx = 0;
        const std::uint32_t done = xsk_ring_cons__peek(&x.comp, 2048, &idx);
        for (std::uint32_t i = 0; i < done; ++i) {
            free_frames.push_back(*xsk_ring_cons__comp_addr(&x.comp, idx + i));
        }
        xsk_ring_cons__release(&x.comp, done);
        const auto want =
            static_cast<std::uint32_t>(std::min<std::size_t>(batch, free_frames.size()));
        const std::uint32_t got = want == 0 ? 0 : xsk_ring_prod__reserve(&x.tx, want, &idx);
        for (std::uint32_t i = 0; i < got; ++i) {
            const std::uint64_t addr = free_frames.back();
            free_frames.pop_back();
            std::memcpy(base + addr, frame.data(), frame.size());
            xdp_desc* d = xsk_ring_prod__tx_desc(&x.tx, idx + i);
            d->addr = addr;
            d->len = static_cast<std::uint32_t>(frame.size());
            d->options = 0;
        }
        xsk_ring_prod__submit(&x.tx, got);
        frames += got;
        if (xsk_ring_prod__needs_wakeup(&x.tx) != 0) {
            (void)::sendto(fd, nullptr, 0, MSG_DONTWAIT, nullptr, 0);
        }
    }
    report(frames, clock_type::now() - start, cpu_start);
    return 0;
}

// spin: never sleeps; an empty ring is peeked again at once. The sender then never pays a
// wake-up (XDP wakes the socket's waiters in poll() only), so this is the raw limit of the path
// rather than of a reader that sleeps.
int xdp_raw_rx(const std::string& iface, int seconds, bool spin) {
    raw_xsk x;
    if (!x.open(iface, true)) {
        std::fprintf(stderr, "raw xsk open failed\n");
        return 1;
    }
    auto* base = static_cast<std::uint8_t*>(x.area);
    const auto start = clock_type::now();
    const double cpu_start = process_cpu_ns();
    const auto end = start + std::chrono::seconds(seconds);
    std::uint64_t frames = 0;
    std::uint64_t sum = 0;
    const int fd = xsk_socket__fd(x.xsk);
    while (clock_type::now() < end) {
        std::uint32_t idx = 0;
        const std::uint32_t n = xsk_ring_cons__peek(&x.rx, batch, &idx);
        if (n == 0) {
            if (xsk_ring_prod__needs_wakeup(&x.fill) != 0) {
                (void)::recvfrom(fd, nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
            }
            if (!spin) {
                pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
                (void)::poll(&p, 1, 10);
            }
            continue;
        }
        std::uint32_t fidx = 0;
        while (xsk_ring_prod__reserve(&x.fill, n, &fidx) != n) {
        }
        for (std::uint32_t i = 0; i < n; ++i) {
            const xdp_desc* d = xsk_ring_cons__rx_desc(&x.rx, idx + i);
            sum += base[d->addr + d->len - 1];
            *xsk_ring_prod__fill_addr(&x.fill, fidx + i) = d->addr - d->addr % raw_xsk::frame_bytes;
        }
        xsk_ring_prod__submit(&x.fill, n);
        xsk_ring_cons__release(&x.rx, n);
        frames += n;
    }
    report(frames, clock_type::now() - start, cpu_start);
    return sum == 1 ? 1 : 0;
}

int xdp_tx(const std::string& mode, const std::string& iface, const std::string& mac_text,
           std::size_t payload, int seconds) {
    std::uint8_t mac[6];
    if (!link_test::parse_mac(mac_text, mac)) {
        return 2;
    }
    auto frame = make_frame(mac, payload);
    // The veth topology uses 10.77.0.0/24.
    in_addr src{};
    in_addr dst{};
    inet_pton(AF_INET, "10.77.0.2", &src);
    inet_pton(AF_INET, "10.77.0.1", &dst);
    frame = link_test::udp_frame(mac, src, dst, 9999, std::string(payload, 'x'));
    if (mode == "raw") {
        return xdp_raw_tx(iface, frame, seconds);
    }
    auto dev = nl::af_xdp_device::open({.interface = iface,
                                        .attach = nl::xdp_attach::native,
                                        .copy = nl::xdp_copy::copy,
                                        .receive = false});
    if (!dev) {
        std::fprintf(stderr, "xdp: %s\n", dev.error().message().c_str());
        return 1;
    }
    return with_pcap(*dev, mode == "pcap", [&](auto& d) { api_tx(d, frame, seconds); });
}

int xdp_rx(const std::string& mode, const std::string& iface, int seconds) {
    if (mode == "raw" || mode == "spin") {
        return xdp_raw_rx(iface, seconds, mode == "spin");
    }
    auto dev = nl::af_xdp_device::open(
        {.interface = iface, .attach = nl::xdp_attach::native, .copy = nl::xdp_copy::copy});
    if (!dev) {
        std::fprintf(stderr, "xdp: %s\n", dev.error().message().c_str());
        return 1;
    }
    return with_pcap(*dev, mode == "pcap", [&](auto& d) { api_rx(d, seconds); });
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> a(argv + 1, argv + argc);
    auto num = [](const std::string& s) { return std::stoi(s); };
    if (a.size() == 5 && a[0] == "flood") {
        return flood(a[1].c_str(), num(a[2]), static_cast<std::size_t>(num(a[3])), num(a[4]));
    }
    if (a.size() == 4 && a[0] == "sink") {
        return sink(a[1].c_str(), num(a[2]), num(a[3]));
    }
    if (a.size() == 5 && a[0] == "tap-tx") {
        return tap_tx(a[1], a[2], static_cast<std::size_t>(num(a[3])), num(a[4]));
    }
    if (a.size() == 4 && a[0] == "tap-rx") {
        return tap_rx(a[1], a[2], num(a[3]));
    }
    if (a.size() == 6 && a[0] == "xdp-tx") {
        return xdp_tx(a[1], a[2], a[3], static_cast<std::size_t>(num(a[4])), num(a[5]));
    }
    if (a.size() == 4 && a[0] == "xdp-rx") {
        return xdp_rx(a[1], a[2], num(a[3]));
    }
    std::fprintf(stderr, "usage: see the file comment\n");
    return 2;
}
