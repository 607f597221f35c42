// SPDX-License-Identifier: MIT
// cli: `netrig demo`, the main job as far as it exists: a bounded TCP throughput test through
// netrig's runtime and socket API, printed for humans: over loopback on the kernel stack, or
// (--stack user, --link sim) netrig iperf3 client and server on two netrig stacks joined by the
// in-process sim link, which needs no privileges.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli/command.hpp"
#include "cli/stack_options.hpp"
#include "net/kernel_stack.hpp"
#include "net/user_stack.hpp"
#include "runtime/executor.hpp"
#include "runtime/task_group.hpp"
#include "tools/bulk/loopback.hpp"
#include "tools/bulk/report.hpp"
#include "tools/iperf3/session.hpp"

namespace netrig::cli {
namespace {

struct demo_flags {
    double seconds = 3.0;
    unsigned streams = 1;
    std::string congestion = "cubic";
    bool no_pin = false;
    stack_options stack;
};

namespace ip3 = tools::iperf3;

constexpr std::uint16_t demo_port = 5201;

// Server (one test) on stack a, client on stack b; the client's JSON result is captured.
runtime::task<result<void, ip3::run_failure>> user_demo_run(net::user_stack& a, net::user_stack& b,
                                                            ip3::client_options co,
                                                            std::string& client_json,
                                                            result<void, ip3::run_failure>& server) {
    ip3::server_options so;
    so.listen = net::endpoint{wire::ipv4_address::any(), demo_port};
    so.one_off = true;
    so.max_concurrent_tests = 1;
    so.output.interval = duration{0};
    auto serve = [](net::user_stack& s, ip3::server_options o,
                    result<void, ip3::run_failure>& out) -> runtime::task<void> {
        out = co_await ip3::run_server(s, std::move(o), [](std::string_view) {});
    };
    // The server runs in a group joined here, so it never outlives `server` or the stacks.
    runtime::task_group g;
    g.spawn(serve(a, so, server));
    auto r = co_await ip3::run_client(
        b, std::move(co), [&client_json](std::string_view text) { client_json.append(text); });
    if (!r) {
        g.cancel();  // a one-off server still waiting for a test would wait forever
    }
    co_await g.join();
    co_return r;
}

// Prints "label: BYTES bytes in S s = RATE" from an iperf3 JSON "sum_*" object.
void print_sum(std::string_view label, const nlohmann::json& sum) {
    const double bps = sum.value("bits_per_second", 0.0);
    fmt::print("  {}  {:>12} bytes in {:.2f} s = {:.3f} Gbit/s{}\n", label,
               sum.value("bytes", std::uint64_t{0}), sum.value("seconds", 0.0), bps / 1e9,
               sum.contains("retransmits")
                   ? fmt::format(", {} retransmits", sum.value("retransmits", 0))
                   : std::string{});
}

int run_user_demo(const demo_flags& flags) {
    if (flags.stack.link && flags.stack.link->kind != link_kind::sim) {
        fmt::print(stderr, "netrig demo: --stack user runs both ends in this process over "
                           "--link sim (use netrig iperf3 --stack user for TAP or AF_XDP)\n");
        return exit_usage;
    }
    auto config_a = user_config(flags.stack);
    if (!config_a) {
        fmt::print(stderr, "netrig demo: {}\n", config_a.error());
        return exit_usage;
    }
    auto peer = net::sim_responder_address(config_a->address);
    if (!peer) {
        fmt::print(stderr, "netrig demo: --ip leaves no address for the second stack\n");
        return exit_usage;
    }
    // The client stack: the next host address, its own seed; --pcap and --impair stay on the
    // server's port (impairments of one port act on both directions of its link).
    net::user_stack_config config_b = *config_a;
    config_b.address = wire::ipv4_cidr{.address = *peer, .prefix_len = config_a->address.prefix_len};
    config_b.seed = config_a->seed + 1;
    config_b.pcap_path.reset();
    config_b.impairments.reset();
    runtime::executor ex;
    auto pair = net::make_user_stack_pair(*config_a, config_b);
    if (!pair) {
        fmt::print(stderr, "netrig demo: cannot build the two stacks: {}\n",
                   pair.error().message());
        return exit_failure;
    }
    net::user_stack& a = *pair->first;
    net::user_stack& b = *pair->second;
    ip3::client_options co;
    co.server = net::endpoint{a.address().address, demo_port};
    co.host_text = a.address().address.to_string();
    co.output.json = true;
    co.params.protocol = ip3::transport::tcp;
    co.params.time_s = std::max(1, static_cast<int>(std::lround(flags.seconds)));
    co.params.parallel = static_cast<int>(flags.streams);
    co.params.congestion = flags.congestion;
    fmt::print("netrig demo: netrig iperf3 over the sim link between two netrig stacks "
               "({} -> {}), user stack, {} s, {} stream{}, congestion {}\n",
               b.address().address.to_string(), a.address().address.to_string(),
               co.params.time_s, flags.streams, flags.streams == 1 ? "" : "s", flags.congestion);
    std::fflush(stdout);
    std::string client_json;
    result<void, ip3::run_failure> server{};
    auto r = ex.run(user_demo_run(a, b, co, client_json, server));
    if (!r) {
        fmt::print(stderr, "netrig demo: transfer failed: {}\n", ip3::describe(r.error()));
        return exit_failure;
    }
    const nlohmann::json j = nlohmann::json::parse(client_json, nullptr, false);
    if (j.is_discarded() || !j.contains("end") || !j["end"].contains("sum_sent") ||
        !j["end"].contains("sum_received")) {
        fmt::print(stderr, "netrig demo: the client printed no result\n");
        return exit_failure;
    }
    const nlohmann::json& sent = j["end"]["sum_sent"];
    const nlohmann::json& received = j["end"]["sum_received"];
    print_sum("sender  ", sent);
    print_sum("receiver", received);
    const auto sent_bytes = sent.value("bytes", std::uint64_t{0});
    const auto received_bytes = received.value("bytes", std::uint64_t{0});
    // As in iperf3, the receiver's count stops when the client ends the test, so bytes still
    // in the send buffer or in flight then are written but not counted: received <= sent.
    if (received_bytes == 0 || received_bytes > sent_bytes) {
        fmt::print(stderr, "netrig demo: the receiver counted {} bytes but the sender wrote {}\n",
                   received_bytes, sent_bytes);
        return exit_failure;
    }
    fmt::print("  the receiver counted {} of the {} bytes written ({} were in flight or buffered "
               "when the test ended).\n",
               received_bytes, sent_bytes, sent_bytes - received_bytes);
    return 0;
}

int run_demo(const demo_flags& flags) {
    if (auto why = unsupported_reason(flags.stack, {})) {
        fmt::print(stderr, "netrig demo: {}\n", *why);
        return exit_usage;
    }
    if (flags.stack.stack == stack_kind::user) {
        return run_user_demo(flags);
    }
    tools::bulk::bulk_options options;
    options.time_limit = std::chrono::duration_cast<duration>(
        std::chrono::duration<double>(flags.seconds));
    options.streams = flags.streams;
    options.congestion = flags.congestion;
    // Pin the two ends to different cores, as every comparison in this project does
    // (ENVIRONMENT.md: unpinned runs on this machine are noisy).
    tools::bulk::pair_options placement;
    if (!flags.no_pin && std::thread::hardware_concurrency() >= 2) {
        placement.sink_cpu = 1;
        placement.source_cpu = 0;
    }
    auto stack = net::make_kernel_stack();
    fmt::print("netrig demo: TCP bulk transfer over loopback, {} stack, {:.1f} s, {} stream{}, "
               "congestion {}, 128 KiB writes{}\n",
               stack->name(), flags.seconds, flags.streams, flags.streams == 1 ? "" : "s",
               flags.congestion, placement.sink_cpu ? ", sink on CPU 1, source on CPU 0" : "");
    std::fflush(stdout);
    const auto outcome = tools::bulk::run_loopback_pair(*stack, options, placement);
    if (!outcome) {
        fmt::print(stderr, "netrig demo: transfer failed: {}\n", outcome.error().message());
        return exit_failure;
    }
    fmt::print("  {}\n  {}\n", tools::bulk::format_report("source", outcome->source),
               tools::bulk::format_report("sink  ", outcome->sink));
    if (outcome->sink.bytes != outcome->source.bytes) {
        fmt::print(stderr, "netrig demo: the sink counted {} bytes but the source wrote {}\n",
                   outcome->sink.bytes, outcome->source.bytes);
        return exit_failure;
    }
    fmt::print("  every byte written was received ({} bytes).\n", outcome->sink.bytes);
    return 0;
}

}  // namespace

command add_demo_command(CLI::App& parent) {
    auto flags = std::make_shared<demo_flags>();
    CLI::App* sub = parent.add_subcommand(
        "demo", "Run a bounded TCP throughput test through netrig's runtime and socket API "
                "(kernel stack over loopback, or --stack user: two netrig stacks over the sim link) "
                "and print the result");
    sub->add_option("-t,--time", flags->seconds, "Seconds to transmit")
        ->check(CLI::Range(0.1, 60.0))
        ->capture_default_str();
    sub->add_option("-P,--parallel", flags->streams, "Number of parallel TCP streams")
        ->check(CLI::Range(1U, 128U))
        ->capture_default_str();
    sub->add_option("-C,--congestion", flags->congestion, "TCP congestion control algorithm")
        ->capture_default_str();
    sub->add_flag("--no-pin", flags->no_pin, "Do not pin the two ends to CPUs 0 and 1");
    add_stack_options(*sub, flags->stack);
    return command{.app = sub, .run = [flags] { return run_demo(*flags); }};
}

}  // namespace netrig::cli
