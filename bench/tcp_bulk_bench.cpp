// SPDX-License-Identifier: MIT
// bench: TCP bulk throughput through netrig's socket API on the kernel stack, as a program the
// comparison script (tcp_bulk_vs_iperf3.sh) runs next to real iperf3:
//   tcp_bulk_bench sink   --port P [--cc cubic] [--streams N]           (prints the sink report)
//   tcp_bulk_bench source --connect 127.0.0.1:P --seconds 5 [--cc cubic] [--write-size 131072]
//   tcp_bulk_bench pair   --seconds 5 [--sink-cpu 1 --source-cpu 0]     (two threads, one process)
// Each prints one report line and a machine-readable "RESULT <role> <bytes> <seconds> <gbps>
// <retransmits>" line.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>
#include <string>

#include "net/errc.hpp"
#include "net/kernel_stack.hpp"
#include "runtime/executor.hpp"
#include "tools/bulk/loopback.hpp"
#include "tools/bulk/session.hpp"

namespace {

using netrig::tools::bulk::bulk_options;
using netrig::tools::bulk::bulk_report;

void print(const char* role, const bulk_report& r) {
    std::printf("%s\n", netrig::tools::bulk::format_report(role, r).c_str());
    std::printf("RESULT %s %llu %.6f %.4f %llu\n", role,
                static_cast<unsigned long long>(r.bytes), r.seconds, r.gbit_per_s(),
                static_cast<unsigned long long>(r.retransmits));
}

int fail(const char* what, const std::error_code& ec) {
    std::fprintf(stderr, "tcp_bulk_bench: %s: %s\n", what, ec.message().c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"TCP bulk throughput through netrig's socket API (kernel stack)"};
    app.require_subcommand(1);
    bulk_options options;
    double seconds = 5;
    std::string cc;
    std::optional<std::uint64_t> bytes;
    unsigned streams = 1;
    std::size_t write_size = 128 * 1024;
    bool nodelay = false;
    const auto common = [&](CLI::App* sub) {
        sub->add_option("--seconds,-t", seconds, "transfer duration (source)");
        sub->add_option("--bytes,-n", bytes, "transfer this many bytes instead of a duration");
        sub->add_option("--cc,-C", cc, "congestion control (TCP_CONGESTION)");
        sub->add_option("--streams,-P", streams, "parallel streams");
        sub->add_option("--write-size,-l", write_size, "bytes per write");
        sub->add_flag("--nodelay", nodelay, "TCP_NODELAY");
    };
    std::uint16_t port = 5301;
    std::string target = "127.0.0.1:5301";
    std::optional<int> sink_cpu;
    std::optional<int> source_cpu;
    CLI::App* sink = app.add_subcommand("sink", "accept and read to EOF, report");
    sink->add_option("--port,-p", port, "port to listen on (127.0.0.1)");
    common(sink);
    CLI::App* source = app.add_subcommand("source", "connect and write, report");
    source->add_option("--connect,-c", target, "sink endpoint a.b.c.d:port");
    common(source);
    CLI::App* pair = app.add_subcommand("pair", "sink and source on two pinned threads");
    pair->add_option("--sink-cpu", sink_cpu, "CPU for the sink thread");
    pair->add_option("--source-cpu", source_cpu, "CPU for the source thread");
    common(pair);
    CLI11_PARSE(app, argc, argv);

    options.time_limit = std::chrono::duration_cast<netrig::duration>(
        std::chrono::duration<double>(seconds));
    options.bytes = bytes;
    options.streams = streams;
    options.write_size_bytes = write_size;
    options.read_size_bytes = write_size;
    options.nodelay = nodelay;
    if (!cc.empty()) {
        options.congestion = cc;
    }
    auto stack = netrig::net::make_kernel_stack();

    if (sink->parsed()) {
        netrig::runtime::executor ex;
        netrig::net::listen_options listen;
        listen.congestion = options.congestion;
        auto listener = stack->listen(netrig::net::loopback(port), listen);
        if (!listener) {
            return fail("listen", listener.error());
        }
        options.connect_timeout = std::chrono::seconds{30};
        auto r = ex.run(netrig::tools::bulk::run_sink(*stack, *listener, options));
        if (!r) {
            return fail("sink", r.error());
        }
        print("sink", *r);
        return 0;
    }
    if (source->parsed()) {
        auto where = netrig::net::endpoint::parse(target);
        if (!where) {
            return fail(target.c_str(), where.error());
        }
        netrig::runtime::executor ex;
        auto r = ex.run(netrig::tools::bulk::run_source(*stack, *where, options));
        if (!r) {
            return fail("source", r.error());
        }
        print("source", *r);
        return 0;
    }
    auto r = netrig::tools::bulk::run_loopback_pair(
        *stack, options, {.sink_cpu = sink_cpu, .source_cpu = source_cpu});
    if (!r) {
        return fail("pair", r.error());
    }
    print("source", r->source);
    print("sink", r->sink);
    return 0;
}
