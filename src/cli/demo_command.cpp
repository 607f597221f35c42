// SPDX-License-Identifier: MIT
// cli: `netrig demo`, the main job as far as it exists: a bounded TCP throughput test through
// netrig's runtime and socket API, over loopback on the kernel stack, printed for humans.
#include <fmt/core.h>

#include <memory>
#include <thread>

#include "cli/command.hpp"
#include "cli/stack_options.hpp"
#include "net/kernel_stack.hpp"
#include "tools/bulk/loopback.hpp"
#include "tools/bulk/report.hpp"

namespace netrig::cli {
namespace {

struct demo_flags {
    double seconds = 3.0;
    unsigned streams = 1;
    std::string congestion = "cubic";
    bool no_pin = false;
    stack_options stack;
};

int run_demo(const demo_flags& flags) {
    if (auto why = unsupported_reason(flags.stack, {.tcp = true})) {
        fmt::print(stderr, "netrig demo: {}\n", *why);
        return exit_usage;
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
                "(kernel stack, loopback) and print the result");
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
