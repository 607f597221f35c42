// SPDX-License-Identifier: MIT
// System-ratio benchmark (driven by bench/udp_sink.sh, which builds the namespaces, pins CPUs
// and runs link_bench's kernel flood and raw readers for the baseline): a netrig UDP sink.
// core::interface is driven directly over a link device (the templated hot path, no type
// erasure), with one bound UDP socket drained by udp_recv_from after every receive batch.
// Counts datagrams delivered to the socket, not frames.
//   udp_sink_bench tap sink|pcap TAP IP PORT SECONDS [PCAP_FILE]
//   udp_sink_bench xdp sink|pcap IFACE IP PORT SECONDS [PCAP_FILE]
// TAP: the sink owns IP with MAC 02:00:00:00:00:02 (the script's static neighbour entry).
// xdp: native XDP, copy mode, queue 0; the sink owns IP with the interface's own MAC.
// Prints "fps <datagrams per second> datagrams <n> frames <rx frames> ..." and, with pcap,
// "pcap offered <n> written <n> dropped <n>".
#include <poll.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "base/rng.hpp"
#include "core/interface.hpp"
#include "link/af_xdp.hpp"
#include "link/pcap_recorder.hpp"
#include "link/tap.hpp"

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
};

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
    const nc::counters& c = iface.stats();
    r.core_drops = c.total_drops();
    std::size_t top = 0;
    for (std::size_t i = 0; i < c.drops.size(); ++i) {
        top = c.drops[i] > c.drops[top] ? i : top;
    }
    if (c.drops[top] != 0) {
        r.top_drop = std::string(nc::to_string(static_cast<nc::drop_reason>(top)));
    }
    return r;
}

void report(const sink_result& r) {
    std::printf("fps %.0f datagrams %llu frames %llu payload_bytes %llu core_drops %llu%s%s\n",
                static_cast<double>(r.datagrams) / r.seconds,
                static_cast<unsigned long long>(r.datagrams),
                static_cast<unsigned long long>(r.frames),
                static_cast<unsigned long long>(r.payload_bytes),
                static_cast<unsigned long long>(r.core_drops), r.top_drop.empty() ? "" : " top ",
                r.top_drop.c_str());
}

template <class Device>
int sink_on(Device& dev, const std::string& mode, const nc::interface_config& config,
            std::uint16_t port, int seconds, const std::string& pcap_path) {
    if (mode == "sink") {
        report(run_sink(dev, config, port, seconds));
        return 0;
    }
    auto s = nl::pcap_sink::open(pcap_path, {.realtime_base = nl::realtime_base_now(now_instant())});
    if (!s) {
        std::fprintf(stderr, "pcap %s: %s\n", pcap_path.c_str(), s.error().message().c_str());
        return 1;
    }
    nl::pcap_recorder<Device&> rec(dev, **s);
    const sink_result r = run_sink(rec, config, port, seconds);
    const auto c = (*s)->close();
    report(r);
    std::printf("pcap offered %llu written %llu dropped %llu\n",
                static_cast<unsigned long long>(c.offered),
                static_cast<unsigned long long>(c.written),
                static_cast<unsigned long long>(c.dropped));
    return 0;
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

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> a(argv + 1, argv + argc);
    if ((a.size() != 6 && a.size() != 7) || (a[1] != "sink" && a[1] != "pcap") ||
        !nw::ipv4_address::parse(a[3])) {
        std::fprintf(stderr, "usage: udp_sink_bench tap|xdp sink|pcap IFACE IP PORT SECONDS "
                             "[PCAP_FILE]\n");
        return 2;
    }
    const std::string& mode = a[1];
    const std::string& name = a[2];
    const auto port = static_cast<std::uint16_t>(std::stoi(a[4]));
    const int seconds = std::stoi(a[5]);
    const std::string pcap_path =
        a.size() == 7 ? a[6] : "/dev/shm/netrig_udp_sink_" + std::to_string(::getpid()) + ".pcap";
    int rc = 2;
    if (a[0] == "tap") {
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
    if (mode == "pcap" && a.size() == 6) {
        ::unlink(pcap_path.c_str());
    }
    return rc;
}
