// SPDX-License-Identifier: MIT
// bench (issue 4): TCP bulk between two netrig user stacks in ONE process on ONE thread over
// the sim link, no impairment, on the simulated executor (virtual time). The figure is
// simulated goodput per CPU-second: payload bits the sink read / thread CPU time
// (CLOCK_THREAD_CPUTIME_ID) of the whole transfer, both stacks, the sim network and both
// application coroutines included. Virtual time is printed too, but it is not a rate: the sim
// link has no bandwidth unless impaired, so only the CPU it costs bounds the transfer.
//
//   taskset -c 1 tcp_sim_bench [--bytes 268435456] [--runs 5] [--mtu 1500,9000,65535]
//                              [--cc cubic,reno] [--write-size 131072] [--buffer BYTES]
// Prints one line per run and a "RESULT cc mtu median_gbit_per_cpu_s ..." line per case.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "net/user_stack.hpp"
#include "runtime/sim_executor.hpp"
#include "runtime/task_group.hpp"
#include "tools/bulk/session.hpp"

namespace {

namespace net = netrig::net;
namespace bulk = netrig::tools::bulk;
using netrig::runtime::task;

constexpr std::uint16_t sink_port = 5001;

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

net::user_stack_config sim_config(const char* address, std::uint16_t mtu, std::uint64_t seed) {
    net::user_stack_config c;
    c.link = net::link_type::sim;
    c.address = netrig::wire::ipv4_cidr::parse(address).value();
    c.mtu = mtu;
    c.seed = seed;
    return c;
}

struct outcome {
    std::error_code error;
    bulk::bulk_report sink;
    bulk::bulk_report source;
};

// Sink on a (accepting one stream), source on b, both in one task group on this executor.
task<void> transfer(net::user_stack& a, net::user_stack& b, net::tcp_listener& listener,
                    bulk::bulk_options options, outcome& out) {
    netrig::runtime::task_group g;
    auto sink = [](net::user_stack& s, net::tcp_listener& l, bulk::bulk_options o,
                   outcome& res) -> task<void> {
        auto r = co_await bulk::run_sink(s, l, o);
        if (!r) {
            res.error = r.error();
        } else {
            res.sink = *r;
        }
    };
    g.spawn(sink(a, listener, options, out));
    auto r = co_await bulk::run_source(b, net::endpoint{a.address().address, sink_port}, options);
    if (!r) {
        out.error = r.error();
        g.cancel();
    } else {
        out.source = *r;
    }
    co_await g.join();
}

struct run_result {
    double cpu_s = 0;
    double virtual_s = 0;
    std::uint64_t bytes = 0;
    std::uint64_t retransmits = 0;
    std::uint64_t segments = 0;  ///< TCP segments the sink's stack received (data + control)
    [[nodiscard]] double gbit_per_cpu_s() const {
        return static_cast<double>(bytes) * 8 / 1e9 / cpu_s;
    }
};

// One transfer on fresh stacks. Stack construction is outside the timed span.
std::optional<run_result> run_once(std::uint16_t mtu, const std::string& cc, std::uint64_t total,
                                   std::size_t write_size, std::optional<std::size_t> buffer,
                                   std::uint64_t seed) {
    netrig::runtime::sim_executor ex;
    auto pair = net::make_user_stack_pair(sim_config("10.0.0.1/24", mtu, seed),
                                          sim_config("10.0.0.2/24", mtu, seed + 1));
    if (!pair) {
        fmt::print(stderr, "tcp_sim_bench: stacks: {}\n", pair.error().message());
        return std::nullopt;
    }
    net::listen_options lo;
    lo.congestion = cc;
    lo.recv_buffer_bytes = buffer;
    lo.send_buffer_bytes = buffer;
    auto listener = pair->first->listen(net::endpoint{{}, sink_port}, lo);
    if (!listener) {
        fmt::print(stderr, "tcp_sim_bench: listen: {}\n", listener.error().message());
        return std::nullopt;
    }
    bulk::bulk_options o;
    o.bytes = total;
    o.congestion = cc;
    o.write_size_bytes = write_size;
    o.read_size_bytes = write_size;
    o.socket_buffer_bytes = buffer;
    outcome out;
    const auto v0 = ex.now();
    const double c0 = thread_cpu_seconds();
    ex.run(transfer(*pair->first, *pair->second, *listener, o, out));
    const double c1 = thread_cpu_seconds();
    const auto v1 = ex.now();
    if (out.error) {
        fmt::print(stderr, "tcp_sim_bench: transfer: {}\n", out.error.message());
        return std::nullopt;
    }
    if (out.sink.bytes != total || out.source.bytes != total) {
        fmt::print(stderr, "tcp_sim_bench: sink read {} / source wrote {} of {} bytes\n",
                   out.sink.bytes, out.source.bytes, total);
        return std::nullopt;
    }
    run_result r;
    r.cpu_s = c1 - c0;
    r.virtual_s = std::chrono::duration<double>(v1 - v0).count();
    r.bytes = out.sink.bytes;
    r.retransmits = out.source.retransmits;
    r.segments = pair->first->core_stats()[netrig::core::stat::tcp_segments_received];
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 != 0 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"TCP bulk between two netrig user stacks over the sim link, one thread: "
                 "simulated goodput per CPU-second"};
    std::uint64_t total = 256ULL << 20;
    unsigned runs = 5;
    std::vector<std::uint16_t> mtus{1500, 9000, 65535};
    std::vector<std::string> ccs{"cubic", "reno"};
    std::size_t write_size = 128 * 1024;
    std::optional<std::size_t> buffer;
    app.add_option("--buffer", buffer,
                   "socket buffers in bytes (source send, sink receive); default: the core's "
                   "(send 16 KiB growing to 4 MiB, receive 64 KiB auto-tuned to 6 MiB)");
    app.add_option("--bytes,-n", total, "bytes per transfer");
    app.add_option("--runs,-r", runs, "runs per case (median reported)")->check(CLI::Range(1, 99));
    app.add_option("--mtu", mtus, "L3 MTUs (the sim allows up to 65535)")->delimiter(',');
    app.add_option("--cc,-C", ccs, "congestion controls")->delimiter(',');
    app.add_option("--write-size,-l", write_size, "bytes per write and per read");
    CLI11_PARSE(app, argc, argv);

    fmt::print("TCP bulk, two user stacks on the sim link (no impairment), one thread, {} MiB per "
               "run, {} B writes, buffers {}, {} runs per case\n",
               total >> 20, write_size,
               buffer ? fmt::format("{} B", *buffer) : std::string{"default"}, runs);
    fmt::print("{:<6} {:>6} {:>4} {:>9} {:>10} {:>8} {:>9} {:>9} {:>16}\n", "cc", "mtu", "run",
               "cpu s", "virtual s", "retrans", "segments", "B/segment", "Gbit/s per CPU");
    int status = 0;
    std::uint64_t seed = 1;
    for (const auto& cc : ccs) {
        for (const auto mtu : mtus) {
            std::vector<double> rates;
            std::vector<double> cpu;
            for (unsigned i = 0; i < runs; ++i) {
                auto r = run_once(mtu, cc, total, write_size, buffer, seed);
                seed += 2;
                if (!r) {
                    status = 1;
                    continue;
                }
                rates.push_back(r->gbit_per_cpu_s());
                cpu.push_back(r->cpu_s);
                fmt::print("{:<6} {:>6} {:>4} {:>9.3f} {:>10.4f} {:>8} {:>9} {:>9.0f} {:>16.2f}\n",
                           cc, mtu, i + 1, r->cpu_s, r->virtual_s, r->retransmits, r->segments,
                           static_cast<double>(r->bytes) /
                               static_cast<double>(std::max<std::uint64_t>(r->segments, 1)),
                           r->gbit_per_cpu_s());
                std::fflush(stdout);
            }
            if (!rates.empty()) {
                fmt::print("RESULT {} {} {:.2f} cpu_s_median {:.3f} runs {}\n", cc, mtu,
                           median(rates), median(cpu), rates.size());
            }
        }
    }
    return status;
}
