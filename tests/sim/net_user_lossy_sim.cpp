// SPDX-License-Identifier: MIT
// tests/sim: two user stacks on one impaired sim network (loss, duplication, reordering, delay, bit flips,
// on both ports), driven through the net API on the sim executor. A client sends numbered UDP
// datagrams (some fragmented) to an echo server and pings it; every echo and reply that comes
// back must be intact and match what was sent, enough must survive, and a run is a pure
// function of its seed (two runs: same counts, same stats reports). Corrupted frames must be
// dropped by the checksums, never delivered.
//
// Usage: net_user_lossy_sim [--seed N]   (without --seed: seeds 1..10). A failure prints its
// seed and how to replay it.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/rng.hpp"
#include "net/errc.hpp"
#include "net/user_stack.hpp"
#include "runtime/sim_executor.hpp"
#include "runtime/sleep.hpp"
#include "runtime/timeout.hpp"

namespace {

using namespace std::chrono_literals;
using namespace netrig;
using runtime::task;

constexpr int datagrams = 120;
constexpr int pings = 30;
constexpr const char* impairments =
    "loss=5%,dup=2%,reorder=5%,reorder_delay=3ms,delay=1ms,jitter=1ms,corrupt=1%";

struct outcome {
    int udp_ok = 0;
    int udp_bad = 0;
    int ping_ok = 0;
    int ping_bad = 0;
    std::string report_a;
    std::string report_b;
    std::string error;
    bool operator==(const outcome&) const = default;
};

// Datagram i: 4-byte index, then bytes derived from it.
std::vector<std::uint8_t> datagram(std::uint32_t i, std::size_t size) {
    std::vector<std::uint8_t> v(std::max<std::size_t>(size, 4));
    store_be32(v, 0, i);
    for (std::size_t k = 4; k < v.size(); ++k) {
        v[k] = static_cast<std::uint8_t>(i * 31 + k);
    }
    return v;
}

task<void> echo_server(net::udp_socket& s) {
    std::vector<std::uint8_t> buf(65535);
    for (;;) {
        auto got = co_await s.recv_from(buf);
        if (!got) {
            co_return;  // closed or cancelled at the end
        }
        (void)co_await s.send_to(bytes{buf}.first(got->size), got->source);
    }
}

task<void> client(net::udp_socket& s, net::ping_socket& p, net::endpoint server,
                  std::uint64_t seed, outcome& out) {
    rng sizes{seed ^ 0xc0ffeeULL};
    std::vector<std::uint8_t> buf(65535);
    std::vector<std::size_t> sent_size(datagrams);
    for (int i = 0; i < datagrams; ++i) {
        // Mostly single frames, some fragmented (up to 6 fragments).
        const std::size_t size = (i % 5 == 0) ? 1500 + sizes.below(7000)
                                              : 4 + sizes.below(1400);
        sent_size[static_cast<std::size_t>(i)] = size;
        auto sent = co_await s.send_to(datagram(static_cast<std::uint32_t>(i), size), server);
        if (!sent) {
            out.error = "send_to: " + sent.error().message();
            co_return;
        }
        // Collect whatever echoes are in by now (duplicates included).
        for (;;) {
            auto got = co_await runtime::with_timeout(5ms, s.recv_from(buf));
            if (!got) {
                break;
            }
            const std::uint32_t idx = load_be32(buf, 0);
            const bool ok = idx < static_cast<std::uint32_t>(datagrams) &&
                            got->size == sent_size[idx] &&
                            std::equal(buf.begin(), buf.begin() + static_cast<long>(got->size),
                                       datagram(idx, got->size).begin());
            ++(ok ? out.udp_ok : out.udp_bad);
        }
    }
    for (std::uint16_t seq = 0; seq < pings; ++seq) {
        const auto payload = datagram(seq, 56);
        if (auto r = co_await p.send(server.address, seq, payload); !r) {
            out.error = "ping send: " + r.error().message();
            co_return;
        }
        auto reply = co_await runtime::with_timeout(50ms, p.recv(buf));
        if (reply) {
            // A duplicated or late reply to an earlier request may come first: check each reply
            // against the request its sequence number names.
            const auto expected = datagram(reply->seq, 56);
            const bool ok = reply->seq <= seq && reply->size == 56 &&
                            reply->from == server.address &&
                            std::equal(expected.begin(), expected.end(), buf.begin());
            ++(ok ? out.ping_ok : out.ping_bad);
        }
    }
}

outcome run(std::uint64_t seed) {
    outcome out;
    runtime::sim_executor ex;
    net::user_stack_config ca;
    ca.address = wire::ipv4_cidr::parse("10.1.0.1/24").value();
    ca.seed = seed;
    ca.impairments = impairments;
    net::user_stack_config cb = ca;
    cb.address = wire::ipv4_cidr::parse("10.1.0.2/24").value();
    cb.seed = seed + 1000;
    auto pair = net::make_user_stack_pair(ca, cb);
    if (!pair) {
        out.error = "make_user_stack_pair: " + pair.error().message();
        return out;
    }
    auto& [a, b] = *pair;
    auto server = a->bind_udp(net::endpoint{{}, 7});
    auto sock = b->bind_udp(net::endpoint{});
    auto ping = b->open_ping();
    if (!server || !sock || !ping) {
        out.error = "socket setup failed";
        return out;
    }
    ex.spawn(echo_server(*server));
    ex.run(client(*sock, *ping, net::endpoint{ca.address.address, 7}, seed, out));
    out.report_a = a->stats_report();
    out.report_b = b->stats_report();
    server->close();
    return out;
}

std::string check(const outcome& o) {
    if (!o.error.empty()) {
        return o.error;
    }
    if (o.udp_bad != 0 || o.ping_bad != 0) {
        return "corrupted or mismatched delivery: udp_bad " + std::to_string(o.udp_bad) +
               ", ping_bad " + std::to_string(o.ping_bad);
    }
    // ~5% loss each way on each port (~19% per round trip for one frame, more for fragmented
    // datagrams): at least half must come back.
    if (o.udp_ok < datagrams / 2 || o.ping_ok < pings / 2) {
        return "too few echoes survived";
    }
    if (o.report_a.find("link.drop.loss 0\n") != std::string::npos &&
        o.report_b.find("link.drop.loss 0\n") != std::string::npos) {
        return "impairments had no effect";
    }
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    std::uint64_t first = 1;
    std::uint64_t last = 10;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            first = last = std::strtoull(argv[++i], nullptr, 10);
        }
    }
    int failures = 0;
    for (std::uint64_t seed = first; seed <= last; ++seed) {
        const outcome one = run(seed);
        std::string error = check(one);
        if (error.empty() && !(run(seed) == one)) {
            error = "two runs of the same seed differ";
        }
        if (!error.empty()) {
            std::printf("net_user_lossy_sim: FAILED seed %llu: %s (replay: --seed %llu)\n",
                        static_cast<unsigned long long>(seed), error.c_str(),
                        static_cast<unsigned long long>(seed));
            ++failures;
            continue;
        }
        std::printf("net_user_lossy_sim: seed %llu ok: udp echoes %d intact (of %d sent), "
                    "ping replies %d (of %d)\n",
                    static_cast<unsigned long long>(seed), one.udp_ok, datagrams, one.ping_ok,
                    pings);
    }
    return failures == 0 ? 0 : 1;
}
