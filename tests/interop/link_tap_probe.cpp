// SPDX-License-Identifier: MIT
// Interop helper for tests/interop/link_tap.sh: drives nl::tap_device (optionally through
// pcap_recorder) against the Linux kernel inside a test network namespace.
//   link_tap_probe errors MISSING_NAME EXISTING_TAP
//   link_tap_probe rx TAP READY_FILE TARGET_IP [--vnet] [--pcap FILE]
//   link_tap_probe tx TAP SRC_IP DST_IP DST_PORT PAYLOAD [--vnet] [--pcap FILE] [--count N]
#include <arpa/inet.h>
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "link/error.hpp"
#include "link/fault.hpp"
#include "link/pcap_recorder.hpp"
#include "link/tap.hpp"
#include "link_frames.hpp"

using link_test::read_mac;
using link_test::udp_frame;
using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
namespace nl = netrig::link;

namespace {

struct flags {
    bool vnet = false;
    std::optional<std::string> pcap;
    std::optional<std::string> impair;
    int count = 1;
};

flags parse_flags(int argc, char** argv, int first) {
    flags f;
    for (int i = first; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--vnet") {
            f.vnet = true;
        } else if (a == "--pcap" && i + 1 < argc) {
            f.pcap = argv[++i];
        } else if (a == "--impair" && i + 1 < argc) {
            f.impair = argv[++i];
        } else if (a == "--count" && i + 1 < argc) {
            f.count = std::stoi(argv[++i]);
        }
    }
    return f;
}

instant now_instant() {
    return instant{std::chrono::steady_clock::now().time_since_epoch()};
}

int fail(const char* what) {
    std::fprintf(stderr, "FAIL: %s\n", what);
    return 1;
}

int run_errors(const std::string& missing, const std::string& existing) {
    auto r = nl::tap_device::open({.name = missing});
    if (r || r.error() != nl::errc::no_such_device) {
        return fail("opening a missing tap did not report no_such_device");
    }
    std::printf("missing device: %s\n", r.error().message().c_str());
    auto bad = nl::tap_device::open({.name = "a-name-far-too-long-for-ifnamsiz"});
    if (bad || bad.error() != nl::errc::invalid_name) {
        return fail("overlong name not reported as invalid_name");
    }
    auto first = nl::tap_device::open({.name = existing});
    if (!first) {
        std::fprintf(stderr, "first attach: %s\n", first.error().message().c_str());
        return fail("could not attach to the existing tap");
    }
    auto second = nl::tap_device::open({.name = existing});
    if (second || second.error() != nl::errc::device_busy) {
        return fail("second attach did not report device_busy");
    }
    std::printf("second attach: %s\n", second.error().message().c_str());
    return 0;
}

// Waits for the kernel's ARP request for target (RFC 826: htype 1, ptype 0x0800, oper 1).
template <class Device>
int wait_for_arp(Device& dev, const std::string& ready, in_addr target) {
    std::ofstream(ready) << "ready\n";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int frames = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{.fd = dev.fd(), .events = POLLIN, .revents = 0};
        (void)::poll(&p, 1, 200);
        bool found = false;
        auto is_request = [&](bytes f) {
            return f.size() >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 1 &&
                   std::memcmp(f.data() + 38, &target, 4) == 0;
        };
        // Exercise both paths: one frame through a token, then a batch.
        if (auto token = dev.receive(now_instant())) {
            ++frames;
            found = is_request(token->frame());
        }
        dev.receive_batch(now_instant(), 64, [&](bytes f) {
            ++frames;
            found = found || is_request(f);
        });
        if (found) {
            std::printf("got ARP who-has %s after %d frames\n", inet_ntoa(target), frames);
            return 0;
        }
    }
    std::fprintf(stderr, "saw %d frames, none an ARP request for the target\n", frames);
    return fail("no ARP request from the kernel");
}

template <class Device>
int send_udp(Device& dev, const std::vector<std::uint8_t>& frame, int count) {
    for (int i = 0; i < count; ++i) {
        auto tx = dev.transmit(now_instant());
        if (!tx) {
            return fail("no tx token");
        }
        tx->consume(frame.size(),
                    [&](mut_bytes b) { std::memcpy(b.data(), frame.data(), b.size()); });
    }
    dev.flush(now_instant());
    // Keep the carrier up briefly: the kernel handles the frame in the write() itself, but a
    // closed tap would drop the listener's ICMP/ARP side traffic noisily.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::printf("sent %d frame(s) of %zu bytes, tx_frames=%llu drops=%llu\n", count, frame.size(),
                static_cast<unsigned long long>(dev.stats().tx_frames),
                static_cast<unsigned long long>(dev.stats().dropped_total()));
    const std::uint64_t accounted = dev.stats().tx_frames;
    return accounted == static_cast<std::uint64_t>(count) ? 0 : fail("tx dropped");
}

template <class Fn>
int with_device(const std::string& tap, const flags& f, Fn&& fn) {
    auto dev = nl::tap_device::open({.name = tap, .vnet_hdr = f.vnet});
    if (!dev) {
        std::fprintf(stderr, "attach %s: %s\n", tap.c_str(), dev.error().message().c_str());
        return 1;
    }
    if (f.impair) {
        // The sim link's impairments over the real TAP device (tx direction).
        auto config = nl::parse_impairments(*f.impair);
        if (!config) {
            std::fprintf(stderr, "impair: %s\n", config.error().c_str());
            return 2;
        }
        nl::fault<nl::tap_device&> faulty(*dev, {.tx = *config, .seed = 7});
        const int rc = fn(faulty);
        std::printf("fault: accepted=%llu lost=%llu inner_tx=%llu\n",
                    static_cast<unsigned long long>(faulty.stats().tx_frames),
                    static_cast<unsigned long long>(faulty.stats().dropped(nl::drop_reason::loss)),
                    static_cast<unsigned long long>(dev->stats().tx_frames));
        return rc;
    }
    if (!f.pcap) {
        return fn(*dev);
    }
    auto sink =
        nl::pcap_sink::open(*f.pcap, {.realtime_base = nl::realtime_base_now(now_instant())});
    if (!sink) {
        std::fprintf(stderr, "pcap: %s\n", sink.error().message().c_str());
        return 1;
    }
    nl::pcap_recorder<nl::tap_device&> rec(*dev, **sink);
    const int rc = fn(rec);
    const nl::pcap_counts c = (*sink)->close();
    std::printf("pcap: captured=%llu dropped=%llu\n", static_cast<unsigned long long>(c.written),
                static_cast<unsigned long long>(c.dropped));
    return rc;
}

// With TUN_F_CSUM negotiated the kernel may hand over UDP with a partial checksum: the vnet
// header must say NEEDS_CSUM with the UDP checksum at start 34 (14 + 20), offset 6.
int run_rx_csum(const std::string& tap, const std::string& ready) {
    auto dev = nl::tap_device::open({.name = tap, .vnet_hdr = true, .offload_checksum = true});
    if (!dev) {
        std::fprintf(stderr, "attach: %s\n", dev.error().message().c_str());
        return 1;
    }
    if (!dev->capabilities().checksum.tx || !dev->capabilities().vnet_hdr) {
        return fail("capabilities do not report checksum offload");
    }
    std::ofstream(ready) << "ready\n";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{.fd = dev->fd(), .events = POLLIN, .revents = 0};
        (void)::poll(&p, 1, 200);
        while (auto t = dev->receive(now_instant())) {
            const bytes f = t->frame();
            const bool udp = f.size() > 42 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 17;
            if (udp && t->vnet().needs_checksum) {
                std::printf("UDP with NEEDS_CSUM start=%u offset=%u\n", t->vnet().checksum_start,
                            t->vnet().checksum_offset);
                return t->vnet().checksum_start == 34 && t->vnet().checksum_offset == 6
                           ? 0
                           : fail("wrong checksum offsets");
            }
        }
    }
    return fail("no UDP frame with a partial checksum");
}

// The reverse: we send UDP with only the pseudo-header sum and NEEDS_CSUM; the kernel must
// complete the checksum, or its UDP socket would drop the datagram.
int run_tx_csum(const std::string& tap, in_addr src, in_addr dst, std::uint16_t port,
                const std::string& payload) {
    std::uint8_t mac[6];
    if (!read_mac(tap, mac)) {
        return fail("tap mac");
    }
    const auto frame = udp_frame(mac, src, dst, port, payload, /*partial_checksum=*/true);
    auto dev = nl::tap_device::open({.name = tap, .vnet_hdr = true, .offload_checksum = true});
    if (!dev) {
        std::fprintf(stderr, "attach: %s\n", dev.error().message().c_str());
        return 1;
    }
    auto tx = dev->transmit(now_instant());
    tx->set_offload({.needs_checksum = true, .checksum_start = 34, .checksum_offset = 6});
    tx->consume(frame.size(), [&](mut_bytes b) { std::memcpy(b.data(), frame.data(), b.size()); });
    dev->flush(now_instant());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return dev->stats().tx_frames == 1 ? 0 : fail("tx dropped");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: see the file comment\n");
        return 2;
    }
    const std::string cmd = argv[1];
    if (cmd == "perm" && argc >= 3) {
        // Run without CAP_NET_ADMIN (the script drops it): attaching must say so plainly.
        auto r = nl::tap_device::open({.name = argv[2]});
        if (r || r.error() != nl::errc::permission_denied) {
            return fail("attach without CAP_NET_ADMIN did not report permission_denied");
        }
        std::printf("without CAP_NET_ADMIN: %s\n", r.error().message().c_str());
        return 0;
    }
    if (cmd == "errors" && argc >= 4) {
        return run_errors(argv[2], argv[3]);
    }
    if (cmd == "rx-csum" && argc >= 4) {
        return run_rx_csum(argv[2], argv[3]);
    }
    if (cmd == "tx-csum" && argc >= 7) {
        in_addr src{};
        in_addr dst{};
        if (inet_pton(AF_INET, argv[3], &src) != 1 || inet_pton(AF_INET, argv[4], &dst) != 1) {
            return fail("bad address");
        }
        return run_tx_csum(argv[2], src, dst, static_cast<std::uint16_t>(std::stoi(argv[5])),
                           argv[6]);
    }
    if (cmd == "rx" && argc >= 5) {
        in_addr target{};
        if (inet_pton(AF_INET, argv[4], &target) != 1) {
            return fail("bad target ip");
        }
        const std::string ready = argv[3];
        return with_device(argv[2], parse_flags(argc, argv, 5),
                           [&](auto& dev) { return wait_for_arp(dev, ready, target); });
    }
    if (cmd == "tx" && argc >= 7) {
        in_addr src{};
        in_addr dst{};
        std::uint8_t mac[6];
        if (inet_pton(AF_INET, argv[3], &src) != 1 || inet_pton(AF_INET, argv[4], &dst) != 1 ||
            !read_mac(argv[2], mac)) {
            return fail("bad address or tap mac");
        }
        const auto frame =
            udp_frame(mac, src, dst, static_cast<std::uint16_t>(std::stoi(argv[5])), argv[6]);
        const flags f = parse_flags(argc, argv, 7);
        return with_device(argv[2], f, [&](auto& dev) { return send_udp(dev, frame, f.count); });
    }
    std::fprintf(stderr, "usage: see the file comment\n");
    return 2;
}
