// SPDX-License-Identifier: MIT
// Interop helper for tests/interop/link_xdp.sh: drives link::af_xdp_device on a veth end.
//   link_xdp_probe rx IFACE READY_FILE native|skb|auto PATTERN
//   link_xdp_probe tx IFACE native|skb|auto|txonly SRC_IP DST_IP DST_MAC PORT PAYLOAD [COUNT]
//   link_xdp_probe sigint IFACE READY_FILE    (binds, waits for SIGINT, af_xdp_cleanup(), _exit)
//   link_xdp_probe busy IFACE                 (a second bind of the same queue -> device_busy)
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>

#include "link/af_xdp.hpp"
#include "link/error.hpp"
#include "link_frames.hpp"

using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
namespace nl = netrig::link;

namespace {

instant now_instant() {
    return instant{std::chrono::steady_clock::now().time_since_epoch()};
}

nl::af_xdp_options options_for(const std::string& iface, const std::string& mode) {
    nl::af_xdp_options o{.interface = iface};
    if (mode == "native") {
        o.attach = nl::xdp_attach::native;
    } else if (mode == "skb") {
        o.attach = nl::xdp_attach::skb;
    } else if (mode == "txonly") {
        o.receive = false;
    }
    return o;
}

void print_mode(const nl::af_xdp_device& dev) {
    const nl::af_xdp_mode m = dev.mode();
    std::printf("bound: %s, %s, program=%d\n", m.native ? "native" : "skb",
                m.zero_copy ? "zero-copy" : "copy", m.program ? 1 : 0);
}

int run_rx(const std::string& iface, const std::string& ready, const std::string& mode,
           const std::string& pattern) {
    auto dev = nl::af_xdp_device::open(options_for(iface, mode));
    if (!dev) {
        std::fprintf(stderr, "open: %s\n", dev.error().message().c_str());
        return 1;
    }
    print_mode(*dev);
    if ((mode == "native" && !dev->mode().native) || (mode == "skb" && dev->mode().native)) {
        std::fprintf(stderr, "FAIL: wrong attach mode\n");
        return 1;
    }
    std::ofstream(ready) << "ready\n";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int frames = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{.fd = dev->fd(), .events = POLLIN, .revents = 0};
        (void)::poll(&p, 1, 100);
        bool found = false;
        // Exercise both paths: one frame through a token (released back to the fill ring when
        // it dies), then a batch.
        if (auto token = dev->receive(now_instant())) {
            ++frames;
            const bytes f = token->frame();
            const std::string text(reinterpret_cast<const char*>(f.data()), f.size());
            found = text.find(pattern) != std::string::npos;
        }
        dev->receive_batch(now_instant(), 64, [&](bytes f) {
            ++frames;
            const std::string text(reinterpret_cast<const char*>(f.data()), f.size());
            found = found || text.find(pattern) != std::string::npos;
        });
        if (found) {
            std::printf("received the peer's frame via AF_XDP after %d frames\n", frames);
            return 0;
        }
    }
    std::fprintf(stderr, "FAIL: %d frames, none with the pattern\n", frames);
    return 1;
}

int run_tx(int argc, char** argv) {
    const std::string iface = argv[2];
    in_addr src{};
    in_addr dst{};
    std::uint8_t mac[6];
    if (inet_pton(AF_INET, argv[4], &src) != 1 || inet_pton(AF_INET, argv[5], &dst) != 1 ||
        !link_test::parse_mac(argv[6], mac)) {
        std::fprintf(stderr, "bad addresses\n");
        return 2;
    }
    const auto frame = link_test::udp_frame(
        mac, src, dst, static_cast<std::uint16_t>(std::stoi(argv[7])), argv[8]);
    const int count = argc > 9 ? std::stoi(argv[9]) : 1;
    auto dev = nl::af_xdp_device::open(options_for(iface, argv[3]));
    if (!dev) {
        std::fprintf(stderr, "open: %s\n", dev.error().message().c_str());
        return 1;
    }
    print_mode(*dev);
    int sent = 0;
    for (int i = 0; i < count; ++i) {
        auto tx = dev->transmit(now_instant());
        if (!tx) {
            dev->flush(now_instant());
            continue;
        }
        tx->consume(frame.size(),
                    [&](mut_bytes b) { std::memcpy(b.data(), frame.data(), b.size()); });
        ++sent;
    }
    dev->flush(now_instant());
    // Let the copy-mode kernel path finish and completions return before closing.
    for (int i = 0; i < 20; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        dev->flush(now_instant());
    }
    std::printf("sent %d frames, tx_frames=%llu drops=%llu\n", sent,
                static_cast<unsigned long long>(dev->stats().tx_frames),
                static_cast<unsigned long long>(dev->stats().dropped_total()));
    return sent == count ? 0 : 1;
}

int run_sigint(const std::string& iface, const std::string& ready) {
    // Background jobs of a non-interactive shell start with SIGINT ignored, and an ignored
    // signal is discarded before sigwait() could see it: install a handler first.
    struct sigaction sa {};
    sa.sa_handler = [](int) {};
    sigaction(SIGINT, &sa, nullptr);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    auto dev = nl::af_xdp_device::open(options_for(iface, "auto"));
    if (!dev) {
        std::fprintf(stderr, "open: %s\n", dev.error().message().c_str());
        return 1;
    }
    print_mode(*dev);
    std::ofstream(ready) << "ready\n";
    int sig = 0;
    sigwait(&set, &sig);
    // What the runtime's signal handling does on SIGINT before exiting without unwinding.
    nl::af_xdp_cleanup();
    std::printf("SIGINT: cleaned up\n");
    std::fflush(stdout);
    ::_exit(0);
}

int run_busy(const std::string& iface) {
    auto first = nl::af_xdp_device::open(options_for(iface, "auto"));
    if (!first) {
        std::fprintf(stderr, "open: %s\n", first.error().message().c_str());
        return 1;
    }
    nl::af_xdp_options o = options_for(iface, "auto");
    o.rebind_window = std::chrono::milliseconds(50);
    auto second = nl::af_xdp_device::open(o);
    if (second || second.error() != nl::errc::device_busy) {
        std::fprintf(stderr, "FAIL: second bind: %s\n",
                     second ? "succeeded" : second.error().message().c_str());
        return 1;
    }
    std::printf("second bind: %s\n", second.error().message().c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "rx" && argc == 6) {
        return run_rx(argv[2], argv[3], argv[4], argv[5]);
    }
    if (cmd == "tx" && argc >= 9) {
        return run_tx(argc, argv);
    }
    if (cmd == "sigint" && argc == 4) {
        return run_sigint(argv[2], argv[3]);
    }
    if (cmd == "busy" && argc == 3) {
        return run_busy(argv[2]);
    }
    std::fprintf(stderr, "usage: see the file comment\n");
    return 2;
}
