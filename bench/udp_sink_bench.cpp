// SPDX-License-Identifier: MIT
// System-ratio benchmark (driven by bench/udp_sink.sh, which builds the namespaces, pins CPUs
// and runs link_bench's kernel flood and raw readers for the baseline): a netrig UDP sink.
// core::interface is driven directly over a link device (the templated hot path, no type
// erasure), with one bound UDP socket drained by udp_recv_from after every receive batch.
// Counts datagrams delivered to the socket, not frames. Modes user and user-pcap go instead
// through net::user_stack and a net::udp_socket whose coroutine co_awaits recv_from for every
// datagram on the runtime's executor (the path applications take).
//   udp_sink_bench tap sink|pcap|user|user-pcap TAP IP PORT SECONDS [PCAP_FILE]
//   udp_sink_bench xdp sink|pcap|user|user-pcap IFACE IP PORT SECONDS [PCAP_FILE]
// TAP: sink/pcap own IP with MAC 02:00:00:00:00:02 (the script's static neighbour entry).
// xdp: native XDP, copy mode, queue 0; sink/pcap own IP with the interface's own MAC.
// user/user-pcap: the MAC is net::user_stack's choice: on TAP 02:00 + the IPv4 address (the
// script points the neighbour entry at it), on AF_XDP the interface's; the xdp attach mode is
// user_stack's (native first).
// UDP_SINK_BUSY_POLL=1 (user modes): the executor busy-polls instead of blocking in epoll_wait.
// UDP_SINK_SPIN_US=N (user modes, AF_XDP): user_stack_config::rx_spin, default 20 (--rx-spin).
// Prints "fps <datagrams per second> datagrams <n> frames <rx frames> ..." and, with pcap,
// "pcap offered <n> written <n> dropped <n> ... writer_cpu_ns <n>" (the writer thread's CPU time).
// A faster generator than the kernel's sendmmsg for the AF_XDP path (udp_sink.sh SENDER=xdp):
//   udp_sink_bench xdp-flood IFACE SRC_IP DST_IP DST_MAC PORT PAYLOAD SECONDS
// sends one valid UDP datagram (software checksums) over and over from a tx-only AF_XDP socket
// (copy mode, no XDP program) and prints "flood sent <n> fps <rate>".
#include <arpa/inet.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "base/rng.hpp"
#include "link_frames.hpp"
#include "core/interface.hpp"
#include "link/af_xdp.hpp"
#include "link/pcap_recorder.hpp"
#include "link/tap.hpp"
#include "net/user_stack.hpp"
#include "runtime/executor.hpp"

using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
namespace nc = netrig::core;
namespace nl = netrig::link;
namespace nw = netrig::wire;
using clock_type = std::chrono::steady_clock;

namespace {

// Frames per receive batch: the socket queue (64 datagrams by default) is drained after each
// batch, so a batch must not exceed it.
constexpr std::size_t batch = 32;

instant now_instant() {
    return instant{clock_type::now().time_since_epoch()};
}

struct sink_result {
    std::uint64_t datagrams = 0;
    std::uint64_t payload_bytes = 0;
    std::uint64_t frames = 0;
    std::uint64_t core_drops = 0;
    std::string top_drop;  // the most frequent core drop reason, if any
    double seconds = 0;
    double cpu_ns = 0;  // process CPU (all threads) over the run, pcap close included
};

// CPU time of the whole process (all threads, user + system) in ns.
double process_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

std::string top_drop_of(const nc::counters& c) {
    std::size_t top = 0;
    for (std::size_t i = 0; i < c.drops.size(); ++i) {
        top = c.drops[i] > c.drops[top] ? i : top;
    }
    return c.drops[top] == 0 ? std::string()
                             : std::string(nc::to_string(static_cast<nc::drop_reason>(top)));
}

// The measured loop: receive a batch into the interface, drain the socket, let the interface
// emit (ARP replies), and sleep in poll() only when the device had nothing.
template <class Device>
sink_result run_sink(Device& dev, const nc::interface_config& config, std::uint16_t port,
                     int seconds) {
    netrig::rng random(1);
    nc::interface iface(config, random);
    auto h = iface.udp_open();
    if (!h || !iface.udp_bind(*h, {.address = config.address.address, .port = port})) {
        std::fprintf(stderr, "udp socket: cannot bind port %u\n", static_cast<unsigned>(port));
        std::exit(1);
    }
    std::array<std::uint8_t, 2048> buf{};
    sink_result r;
    const auto start = clock_type::now();
    const double cpu_start = process_cpu_ns();
    const auto end = start + std::chrono::seconds(seconds);
    for (;;) {
        const auto t = clock_type::now();
        if (t >= end) {
            break;
        }
        const instant now{t.time_since_epoch()};
        const std::size_t n =
            dev.receive_batch(now, batch, [&](bytes frame) { iface.receive(now, frame); });
        r.frames += n;
        for (;;) {
            auto got = iface.udp_recv_from(*h, buf);
            if (!got) {
                break;
            }
            ++r.datagrams;
            r.payload_bytes += got->datagram_len;
        }
        if (iface.tx_queued() != 0 || iface.next_deadline().has_value()) {
            const std::size_t sent = iface.poll(now, [&](std::size_t len, auto&& fill) -> bool {
                auto tx = dev.transmit(now);
                if (!tx) {
                    return false;
                }
                tx->consume(len, fill);
                return true;
            });
            if (sent != 0) {
                dev.flush(now);
            }
        }
        if (n == 0) {
            pollfd p{.fd = dev.fd(), .events = POLLIN, .revents = 0};
            (void)::poll(&p, 1, 10);
        }
    }
    r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    r.cpu_ns = process_cpu_ns() - cpu_start;
    r.core_drops = iface.stats().total_drops();
    r.top_drop = top_drop_of(iface.stats());
    return r;
}

void report(const sink_result& r) {
    // cpu_ns_per_datagram is load-independent where fps is not: on a shared machine the wall
    // clock counts other processes' time slices too.
    std::printf("fps %.0f datagrams %llu frames %llu payload_bytes %llu cpu_ns_per_datagram %.0f "
                "core_drops %llu%s%s\n",
                static_cast<double>(r.datagrams) / r.seconds,
                static_cast<unsigned long long>(r.datagrams),
                static_cast<unsigned long long>(r.frames),
                static_cast<unsigned long long>(r.payload_bytes),
                r.datagrams == 0 ? 0.0 : r.cpu_ns / static_cast<double>(r.datagrams),
                static_cast<unsigned long long>(r.core_drops), r.top_drop.empty() ? "" : " top ",
                r.top_drop.c_str());
}

// SNAPLEN=N records N bytes per frame (tcpdump -s N, netrig --snaplen N) in the pcap modes.
std::optional<std::uint32_t> snaplen_from_env() {
    const char* text = std::getenv("SNAPLEN");
    if (text == nullptr || *text == '\0') {
        return std::nullopt;
    }
    const unsigned long n = std::strtoul(text, nullptr, 10);
    if (n == 0 || n > 262144) {
        std::fprintf(stderr, "SNAPLEN must be 1..262144, got '%s'\n", text);
        std::exit(2);
    }
    return static_cast<std::uint32_t>(n);
}

template <class Device>
int sink_on(Device& dev, const std::string& mode, const nc::interface_config& config,
            std::uint16_t port, int seconds, const std::string& pcap_path) {
    if (mode == "sink") {
        report(run_sink(dev, config, port, seconds));
        return 0;
    }
    // PCAP_WRITER=inherit keeps the writer thread on the sink's pinned CPU (the old placement),
    // for comparison with the default (the other CPUs).
    const char* placement = std::getenv("PCAP_WRITER");
    const bool inherit = placement != nullptr && std::string(placement) == "inherit";
    nl::pcap_options options{.realtime_base = nl::realtime_base_now(now_instant()),
                             .writer_cpus = inherit ? nl::pcap_writer_cpus::inherit
                                                    : nl::pcap_writer_cpus::avoid_pinned_cpu};
    if (const auto snap = snaplen_from_env()) {
        options.snap_bytes = *snap;
    }
    auto s = nl::pcap_sink::open(pcap_path, options);
    if (!s) {
        std::fprintf(stderr, "pcap %s: %s\n", pcap_path.c_str(), s.error().message().c_str());
        return 1;
    }
    nl::pcap_recorder<Device&> rec(dev, **s);
    sink_result r = run_sink(rec, config, port, seconds);
    const double cpu_close = process_cpu_ns();
    const auto c = (*s)->close();  // the final drain is part of the cost
    r.cpu_ns += process_cpu_ns() - cpu_close;
    report(r);
    std::printf("pcap offered %llu written %llu dropped %llu o_direct %d writer_cpu_ns %llu\n",
                static_cast<unsigned long long>(c.offered),
                static_cast<unsigned long long>(c.written),
                static_cast<unsigned long long>(c.dropped), (*s)->opened_direct() ? 1 : 0,
                static_cast<unsigned long long>(c.writer_cpu_ns));
    return 0;
}

netrig::runtime::task<int> user_sink(netrig::net::user_stack& st, std::uint16_t port,
                                     int seconds, sink_result& r) {
    auto s = st.bind_udp(netrig::net::endpoint{{}, port});
    if (!s) {
        std::fprintf(stderr, "bind_udp: %s\n", s.error().message().c_str());
        co_return 1;
    }
    std::vector<std::uint8_t> buf(2048);
    const auto start = clock_type::now();
    const double cpu_start = process_cpu_ns();
    const auto end = start + std::chrono::seconds(seconds);
    // The flood outlives the measurement, so recv_from never waits past `end` for long.
    while (clock_type::now() < end) {
        auto got = co_await s->recv_from(buf);
        if (!got) {
            std::fprintf(stderr, "recv_from: %s\n", got.error().message().c_str());
            break;
        }
        ++r.datagrams;
        r.payload_bytes += got->size;
    }
    r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    r.cpu_ns = process_cpu_ns() - cpu_start;
    r.frames = st.link_stats().rx_frames;
    r.core_drops = st.core_stats().total_drops();
    r.top_drop = top_drop_of(st.core_stats());
    s->close();
    co_return 0;
}

int user_mode(const std::string& kind, const std::string& mode, const std::string& name,
              const std::string& ip, std::uint16_t port, int seconds,
              const std::string& pcap_path) {
    netrig::net::user_stack_config c;
    c.link = kind == "tap" ? netrig::net::link_type::tap : netrig::net::link_type::xdp;
    c.device = name;
    c.address = {.address = *nw::ipv4_address::parse(ip), .prefix_len = 24};
    // UDP_SINK_SPIN_US=N: user_stack_config::rx_spin (AF_XDP; netrig --rx-spin).
    if (const char* spin = std::getenv("UDP_SINK_SPIN_US"); spin != nullptr && *spin != '\0') {
        c.rx_spin = std::chrono::microseconds{std::strtol(spin, nullptr, 10)};
    }
    if (mode == "user-pcap") {
        c.pcap_path = pcap_path;
        c.pcap_snaplen = snaplen_from_env();
    }
    netrig::runtime::executor ex;
    // UDP_SINK_BUSY_POLL=1: the executor never blocks in epoll_wait, like the spinning raw
    // AF_XDP reader (link_bench xdp-rx spin), for a like-for-like ratio.
    const char* busy = std::getenv("UDP_SINK_BUSY_POLL");
    ex.set_busy_poll(busy != nullptr && std::strcmp(busy, "1") == 0);
    auto st = netrig::net::make_user_stack(c);
    if (!st) {
        std::fprintf(stderr, "make_user_stack: %s\n", st.error().message().c_str());
        return 1;
    }
    sink_result r;
    const int rc = ex.run(user_sink(**st, port, seconds, r));
    const std::string report_text = (*st)->stats_report();
    const double cpu_close = process_cpu_ns();
    st->reset();  // closes the pcap file: its final drain is part of the cost
    r.cpu_ns += process_cpu_ns() - cpu_close;
    if (rc == 0) {
        report(r);
        // "pcap.written N" / "pcap.dropped N" lines of the stack's own report.
        if (mode == "user-pcap") {
            std::uint64_t written = 0;
            std::uint64_t dropped = 0;
            const auto value = [&](const char* key) -> std::uint64_t {
                const auto at = report_text.find(key);
                return at == std::string::npos
                           ? 0
                           : std::strtoull(report_text.c_str() + at + std::strlen(key), nullptr, 10);
            };
            written = value("pcap.written ");
            dropped = value("pcap.dropped ");
            std::printf("pcap offered %llu written %llu dropped %llu writer_cpu_ns %llu\n",
                        static_cast<unsigned long long>(written + dropped),
                        static_cast<unsigned long long>(written),
                        static_cast<unsigned long long>(dropped),
                        static_cast<unsigned long long>(value("pcap.writer_cpu_ns ")));
        }
    }
    return rc;
}

std::optional<nw::mac_address> read_mac(const std::string& iface) {
    std::ifstream f("/sys/class/net/" + iface + "/address");
    std::string text;
    if (!(f >> text)) {
        return std::nullopt;
    }
    auto mac = nw::mac_address::parse(text);
    return mac ? std::optional(*mac) : std::nullopt;
}

nc::interface_config make_config(nw::mac_address mac, const std::string& ip, std::size_t mtu) {
    nc::interface_config c;
    c.mac = mac;
    c.address = {.address = *nw::ipv4_address::parse(ip), .prefix_len = 24};
    c.mtu = static_cast<std::uint16_t>(mtu);
    return c;
}

// The AF_XDP generator: batches of 64 copies of one frame, a flush (tx kick) per batch.
int xdp_flood(const std::vector<std::string>& a) {
    in_addr src{};
    in_addr dst{};
    std::uint8_t mac[6];
    if (a.size() != 8 || inet_pton(AF_INET, a[2].c_str(), &src) != 1 ||
        inet_pton(AF_INET, a[3].c_str(), &dst) != 1 || !link_test::parse_mac(a[4], mac)) {
        std::fprintf(stderr, "usage: udp_sink_bench xdp-flood IFACE SRC_IP DST_IP DST_MAC PORT "
                             "PAYLOAD SECONDS\n");
        return 2;
    }
    const auto frame = link_test::udp_frame(mac, src, dst,
                                            static_cast<std::uint16_t>(std::stoi(a[5])),
                                            std::string(std::stoul(a[6]), 'x'));
    auto dev = nl::af_xdp_device::open({.interface = a[1], .receive = false});
    if (!dev) {
        std::fprintf(stderr, "xdp-flood: %s\n", dev.error().message().c_str());
        return 1;
    }
    const auto start = clock_type::now();
    const auto end = start + std::chrono::seconds(std::stoi(a[7]));
    std::uint64_t sent = 0;
    while (clock_type::now() < end) {
        const instant now = now_instant();
        for (int i = 0; i < 64; ++i) {
            auto token = dev->transmit(now);
            if (!token) {
                break;  // ring full: the flush below kicks the kernel, completions free slots
            }
            token->consume(frame.size(), [&](mut_bytes b) { std::memcpy(b.data(), frame.data(), b.size()); });
            ++sent;
        }
        dev->flush(now);
    }
    const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
    std::printf("flood sent %llu fps %.0f\n", static_cast<unsigned long long>(sent),
                static_cast<double>(sent) / secs);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> a(argv + 1, argv + argc);
    if (!a.empty() && a[0] == "xdp-flood") {
        return xdp_flood(a);
    }
    if ((a.size() != 6 && a.size() != 7) ||
        (a[1] != "sink" && a[1] != "pcap" && a[1] != "user" && a[1] != "user-pcap") ||
        !nw::ipv4_address::parse(a[3])) {
        std::fprintf(stderr, "usage: udp_sink_bench tap|xdp sink|pcap|user|user-pcap IFACE IP "
                             "PORT SECONDS [PCAP_FILE]\n");
        return 2;
    }
    const std::string& mode = a[1];
    const std::string& name = a[2];
    const auto port = static_cast<std::uint16_t>(std::stoi(a[4]));
    const int seconds = std::stoi(a[5]);
    const std::string pcap_path =
        a.size() == 7 ? a[6] : "/dev/shm/netrig_udp_sink_" + std::to_string(::getpid()) + ".pcap";
    int rc = 2;
    if (mode == "user" || mode == "user-pcap") {
        rc = user_mode(a[0], mode, name, a[3], port, seconds, pcap_path);
    } else if (a[0] == "tap") {
        auto dev = nl::tap_device::open({.name = name});
        if (!dev) {
            std::fprintf(stderr, "tap: %s\n", dev.error().message().c_str());
            return 1;
        }
        const auto config = make_config(nw::mac_address({0x02, 0, 0, 0, 0, 0x02}), a[3],
                                         dev->capabilities().mtu);
        rc = sink_on(*dev, mode, config, port, seconds, pcap_path);
    } else if (a[0] == "xdp") {
        const auto mac = read_mac(name);
        if (!mac) {
            std::fprintf(stderr, "cannot read the MAC of %s\n", name.c_str());
            return 1;
        }
        auto dev = nl::af_xdp_device::open(
            {.interface = name, .attach = nl::xdp_attach::native, .copy = nl::xdp_copy::copy});
        if (!dev) {
            std::fprintf(stderr, "xdp: %s\n", dev.error().message().c_str());
            return 1;
        }
        const auto config = make_config(*mac, a[3], dev->capabilities().mtu);
        rc = sink_on(*dev, mode, config, port, seconds, pcap_path);
    }
    if ((mode == "pcap" || mode == "user-pcap") && a.size() == 6) {
        ::unlink(pcap_path.c_str());
    }
    return rc;
}
