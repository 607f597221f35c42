// SPDX-License-Identifier: MIT
// cli: `netrig iperf3`, an iperf3 3.12-compatible client and server. Flags and printing only;
// the protocol and the runs live in tools/iperf3.
#include <fmt/core.h>
#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.hpp"
#include "cli/stack_options.hpp"
#include "runtime/executor.hpp"
#include "tools/iperf3/protocol.hpp"
#include "tools/iperf3/session.hpp"
#include "tools/iperf3/units.hpp"

namespace netrig::cli {
namespace {

namespace ip3 = tools::iperf3;

struct iperf3_flags {
    bool server = false;
    std::string client_host;
    int port = ip3::default_port;
    bool udp = false;
    int time_s = 10;
    std::string num;
    std::string blockcount;
    std::string len;
    int parallel = 1;
    bool reverse = false;
    bool bidir = false;
    std::string bandwidth;
    std::string window;
    int mss = 0;
    bool nodelay = false;
    std::string congestion;
    int omit_s = 0;
    double interval_s = 1.0;
    std::string bind;
    int cport = 0;
    bool one_off = false;
    bool json = false;
    bool json_stream = false;
    std::string logfile;
    bool get_server_output = false;
    std::string format = "a";
    bool udp_counters_64bit = false;
    int max_concurrent = 4;
    stack_options stack;
};

int usage_error(const std::string& why) {
    fmt::print(stderr, "netrig iperf3: {}\n", why);
    return exit_usage;
}

// SIGINT/SIGTERM are handled by the run (CLIENT_TERMINATE / SERVER_TERMINATE); block them
// before any thread or executor exists so their default action never kills us mid-test.
void block_stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int run_iperf3(const iperf3_flags& f) {
    if (auto why = unsupported_reason(f.stack)) {
        return usage_error(*why);
    }
    if (f.server == !f.client_host.empty()) {
        return usage_error("give exactly one of -s (server) or -c HOST (client)");
    }
    if (f.format.size() != 1 || !ip3::valid_format(f.format[0])) {
        return usage_error("-f takes one of k m g t K M G T a A");
    }
    if (f.reverse && f.bidir) {
        return usage_error("-R and --bidir cannot be used together");
    }
    ip3::output_options out_opts;
    out_opts.json = f.json;
    out_opts.json_stream = f.json_stream;
    out_opts.format = f.format[0];
    out_opts.interval = std::chrono::duration_cast<duration>(
        std::chrono::duration<double>(f.interval_s));

    std::optional<wire::ipv4_address> bind_address;
    if (!f.bind.empty()) {
        auto a = wire::ipv4_address::parse(f.bind);
        if (!a) {
            return usage_error(fmt::format("-B needs an IPv4 address, not '{}'", f.bind));
        }
        bind_address = *a;
    }

    std::FILE* sink_file = stdout;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> log(nullptr, &std::fclose);
    if (!f.logfile.empty()) {
        log.reset(std::fopen(f.logfile.c_str(), "a"));
        if (!log) {
            fmt::print(stderr, "netrig iperf3: cannot open log file '{}'\n", f.logfile);
            return exit_failure;
        }
        sink_file = log.get();
    }
    ip3::output_sink sink = [sink_file](std::string_view text) {
        std::fwrite(text.data(), 1, text.size(), sink_file);
        std::fflush(sink_file);
    };

    block_stop_signals();
    runtime::executor ex;
    auto built = make_stack(f.stack);
    if (!built) {
        fmt::print(stderr, "netrig iperf3: {}\n", built.error());
        return exit_failure;
    }
    net::stack* stack = built->stack.get();

    if (f.server) {
        ip3::server_options so;
        so.listen = net::endpoint{bind_address.value_or(wire::ipv4_address::any()),
                                  static_cast<std::uint16_t>(f.port)};
        so.one_off = f.one_off;
        so.output = out_opts;
        so.max_concurrent_tests = f.max_concurrent;
        auto r = ex.run(ip3::run_server(*stack, so, sink));
        if (!r) {
            fmt::print(stderr, "netrig iperf3: error - {}\n", ip3::describe(r.error()));
            return exit_failure;
        }
        return 0;
    }

    ip3::client_options co;
    auto host = ip3::resolve_host(f.client_host);
    if (!host) {
        return usage_error(host.error());
    }
    co.server = net::endpoint{*host, static_cast<std::uint16_t>(f.port)};
    co.host_text = f.client_host;
    if (bind_address || f.cport != 0) {
        co.bind = net::endpoint{bind_address.value_or(wire::ipv4_address::any()), 0};
    }
    if (f.cport != 0) {
        co.cport = static_cast<std::uint16_t>(f.cport);
    }
    co.output = out_opts;
    ip3::test_params& p = co.params;
    p.protocol = f.udp ? ip3::transport::udp : ip3::transport::tcp;
    p.time_s = f.time_s;
    p.omit_s = f.omit_s;
    p.parallel = f.parallel;
    p.reverse = f.reverse;
    p.bidirectional = f.bidir;
    p.nodelay = f.nodelay;
    p.get_server_output = f.get_server_output;
    p.udp_counters_64bit = f.udp_counters_64bit;
    if (!f.num.empty()) {
        auto v = ip3::parse_size(f.num);
        if (!v || *v == 0) {
            return usage_error(fmt::format("-n needs a byte count like 10M, not '{}'", f.num));
        }
        p.num_bytes = *v;
        p.time_s = 0;
    }
    if (!f.blockcount.empty()) {
        auto v = ip3::parse_size(f.blockcount);
        if (!v || *v == 0) {
            return usage_error(fmt::format("-k needs a block count, not '{}'", f.blockcount));
        }
        if (p.num_bytes != 0) {
            return usage_error("only one test end condition (-t, -n, -k) may be given");
        }
        p.block_count = *v;
        p.time_s = 0;
    }
    if (!f.len.empty()) {
        auto v = ip3::parse_size(f.len);
        const std::uint64_t max = f.udp ? ip3::max_udp_len_bytes : ip3::max_tcp_len_bytes;
        const std::uint64_t min = f.udp ? ip3::min_udp_len_bytes : 1;
        if (!v || *v < min || *v > max) {
            return usage_error(fmt::format("-l must be {}..{} bytes", min, max));
        }
        p.len_bytes = *v;
    }
    if (!f.bandwidth.empty()) {
        auto v = ip3::parse_rate(f.bandwidth);
        if (!v) {
            return usage_error(fmt::format("-b needs a rate like 50M, not '{}'", f.bandwidth));
        }
        p.bandwidth_bps = *v;
    }
    if (!f.window.empty()) {
        auto v = ip3::parse_size(f.window);
        if (!v || *v == 0 || *v > ip3::max_window_bytes) {
            return usage_error("-w must be 1 byte .. 512M");
        }
        p.window_bytes = *v;
    }
    if (f.mss != 0) {
        p.mss_bytes = f.mss;
    }
    if (!f.congestion.empty()) {
        p.congestion = f.congestion;
    }
    auto r = ex.run(ip3::run_client(*stack, co, sink));
    if (!r) {
        if (!f.json && !f.json_stream) {
            // The run already printed "iperf3: error - ..." into the output; stderr gets it too
            // when the output goes to a log file.
            if (!f.logfile.empty()) {
                fmt::print(stderr, "netrig iperf3: error - {}\n", ip3::describe(r.error()));
            }
        } else {
            fmt::print(stderr, "netrig iperf3: error - {}\n", ip3::describe(r.error()));
        }
        return exit_failure;
    }
    return 0;
}

}  // namespace

command add_iperf3_command(CLI::App& parent) {
    auto f = std::make_shared<iperf3_flags>();
    CLI::App* sub = parent.add_subcommand(
        "iperf3", "iperf3 3.12-compatible network throughput test (client or server)");
    sub->add_flag("-s,--server", f->server, "Run in server mode");
    sub->add_option("-c,--client", f->client_host, "Run in client mode, connecting to HOST");
    sub->add_option("-p,--port", f->port, "Server port to listen on / connect to")
        ->check(CLI::Range(1, 65535))->capture_default_str();
    sub->add_flag("-u,--udp", f->udp, "Use UDP rather than TCP");
    sub->add_option("-t,--time", f->time_s, "Time in seconds to transmit")
        ->check(CLI::Range(0, ip3::max_time_s))->capture_default_str();
    sub->add_option("-n,--bytes", f->num, "Number of bytes to transmit (instead of -t), e.g. 10M");
    sub->add_option("-k,--blockcount", f->blockcount, "Number of blocks (packets) to transmit");
    sub->add_option("-l,--length", f->len,
                    "Length of buffer to read or write (TCP default 128K, UDP default MSS)");
    sub->add_option("-P,--parallel", f->parallel, "Number of parallel client streams")
        ->check(CLI::Range(1, ip3::max_streams))->capture_default_str();
    sub->add_flag("-R,--reverse", f->reverse, "Reverse: the server sends, the client receives");
    sub->add_flag("--bidir", f->bidir, "Test in both directions at once");
    sub->add_option("-b,--bitrate", f->bandwidth,
                    "Target bitrate in bits/sec (0 for unlimited; UDP default 1M, TCP unlimited)");
    sub->add_option("-w,--window", f->window, "Socket buffer size (e.g. 256K)");
    sub->add_option("-M,--set-mss", f->mss, "TCP maximum segment size")
        ->check(CLI::Range(0, 9 * 1024));
    sub->add_flag("-N,--no-delay", f->nodelay, "Set TCP no delay, disabling Nagle's algorithm");
    sub->add_option("-C,--congestion", f->congestion, "TCP congestion control algorithm");
    sub->add_option("-O,--omit", f->omit_s, "Omit the first N seconds of the test")
        ->check(CLI::Range(0, ip3::max_omit_s));
    sub->add_option("-i,--interval", f->interval_s,
                    "Seconds between periodic reports (0 disables)")
        ->check(CLI::Range(0.0, 60.0))->capture_default_str();
    sub->add_option("-B,--bind", f->bind, "Bind to this local IPv4 address");
    sub->add_option("--cport", f->cport, "Bind data streams to this client port (+i per stream)")
        ->check(CLI::Range(1, 65535));
    sub->add_flag("-1,--one-off", f->one_off, "Server: handle one client connection, then exit");
    sub->add_flag("-J,--json", f->json, "Output in JSON format");
    sub->add_flag("--json-stream", f->json_stream, "Output in line-delimited JSON events");
    sub->add_option("--logfile", f->logfile, "Send output to a log file (appended)");
    sub->add_flag("--get-server-output", f->get_server_output,
                  "Client: get the server's report for this test");
    sub->add_option("-f,--format", f->format, "Units: k m g t (bits), K M G T (bytes), a/A auto")
        ->capture_default_str();
    sub->add_flag("--udp-counters-64bit", f->udp_counters_64bit, "Use 64-bit UDP counters");
    sub->add_option("--max-concurrent", f->max_concurrent,
                    "Server: tests at once (extra ones only for netrig clients; 1 = iperf3)")
        ->check(CLI::Range(1, 64))->capture_default_str();
    add_stack_options(*sub, f->stack);
    return command{.app = sub, .run = [f] { return run_iperf3(*f); }};
}

}  // namespace netrig::cli
