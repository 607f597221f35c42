// SPDX-License-Identifier: MIT
// interop probe: a user_stack on a TAP interface, on the real executor. It serves a UDP echo on
// port 7 and answers ARP and ping (the core does), pings the kernel peer `count` times itself,
// then keeps serving until READY_FILE.done exists or `seconds` have passed, and prints its stats
// report.
// Usage: net_user_tap_probe tap:NAME|xdp:IFACE OUR_CIDR PEER_IP READY_FILE SECONDS [pcap FILE]
//        [impair SPEC]
// Exit: 0 if every own ping got a reply, 1 otherwise, 2 on setup errors.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "net/user_stack.hpp"
#include "runtime/executor.hpp"
#include "runtime/sleep.hpp"
#include "runtime/timeout.hpp"

namespace {

using namespace std::chrono_literals;
using namespace netrig;
using runtime::task;

task<void> echo(net::udp_socket& s) {
    std::vector<std::uint8_t> buf(65535);
    for (;;) {
        auto got = co_await s.recv_from(buf);
        if (!got) {
            co_return;
        }
        (void)co_await s.send_to(bytes{buf}.first(got->size), got->source);
    }
}

task<int> main_task(net::user_stack& st, wire::ipv4_address peer, std::string ready,
                    int seconds) {
    auto server = st.bind_udp(net::endpoint{{}, 7});
    auto ping = st.open_ping();
    if (!server || !ping) {
        std::printf("socket setup failed\n");
        co_return 2;
    }
    runtime::current().spawn(echo(*server));
    std::ofstream{ready} << "ready\n";
    const instant end = runtime::now() + std::chrono::seconds{seconds};
    int replies = 0;
    std::vector<std::uint8_t> buf(2000);
    const std::vector<std::uint8_t> payload(56, 0x5a);
    for (std::uint16_t seq = 1; seq <= 3; ++seq) {
        const instant t0 = runtime::now();
        if (!co_await ping->send(peer, seq, payload)) {
            continue;
        }
        auto r = co_await runtime::with_timeout(1s, ping->recv(buf));
        if (r && r->seq == seq && r->size == payload.size()) {
            ++replies;
            std::printf("own ping seq %u from %s ttl %u rtt_us %lld\n", seq,
                        r->from.to_string().c_str(), r->ttl,
                        static_cast<long long>((r->arrival - t0).count() / 1000));
        } else {
            std::printf("own ping seq %u: no reply\n", seq);
        }
    }
    // Serve until the script says it is done (READY_FILE.done) or the time is up.
    const std::string done = ready + ".done";
    while (runtime::now() < end && !std::ifstream{done}.good()) {
        (void)co_await runtime::sleep_for(50ms);
    }
    std::printf("%s", st.stats_report().c_str());
    server->close();
    co_return replies == 3 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 6) {
        std::fprintf(stderr, "usage: %s TAP CIDR PEER READY SECONDS [pcap F] [impair S]\n", argv[0]);
        return 2;
    }
    net::user_stack_config c;
    const std::string link = argv[1];
    if (link.rfind("tap:", 0) == 0) {
        c.link = net::link_type::tap;
    } else if (link.rfind("xdp:", 0) == 0) {
        c.link = net::link_type::xdp;
    } else {
        std::fprintf(stderr, "link must be tap:NAME or xdp:IFACE\n");
        return 2;
    }
    c.device = link.substr(4);
    c.address = wire::ipv4_cidr::parse(argv[2]).value();
    const auto peer = wire::ipv4_address::parse(argv[3]).value();
    for (int i = 6; i + 1 < argc; i += 2) {
        if (std::string(argv[i]) == "pcap") {
            c.pcap_path = argv[i + 1];
        } else if (std::string(argv[i]) == "impair") {
            c.impairments = argv[i + 1];
        }
    }
    runtime::executor ex;
    auto st = net::make_user_stack(c);
    if (!st) {
        std::printf("make_user_stack: %s\n", st.error().message().c_str());
        return 2;
    }
    const int rc = ex.run(main_task(**st, peer, argv[4], std::atoi(argv[5])));
    st->reset();
    return rc;
}
