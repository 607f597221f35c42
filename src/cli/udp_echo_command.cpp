// SPDX-License-Identifier: MIT
// cli: `netrig udp-echo`, an RFC 862 UDP echo server on the kernel stack or netrig's own stack
// (which also answers ping: this is how Linux pings netrig). Flags and printing only.
#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.hpp"
#include "cli/signals.hpp"
#include "cli/stack_options.hpp"
#include "runtime/executor.hpp"
#include "tools/udp_echo/echo.hpp"

namespace netrig::cli {
namespace {

namespace te = tools::udp_echo;

struct udp_echo_flags {
    int port = te::default_port;
    double time_s = 0;
    bool stats = false;
    stack_options stack;
};

int run_udp_echo_command(const udp_echo_flags& f) {
    if (auto why = unsupported_reason(f.stack)) {
        fmt::print(stderr, "netrig udp-echo: {}\n", *why);
        return exit_usage;
    }
    block_run_signals();
    runtime::executor ex;
    auto built = make_stack(f.stack);
    if (!built) {
        fmt::print(stderr, "netrig udp-echo: {}\n", built.error());
        return exit_failure;
    }
    const net::user_stack* user = built->user;
    ex.spawn(watch_signals([user] { print_user_stack_counters(user); }));
    te::echo_options o;
    o.local = net::endpoint{wire::ipv4_address::any(), static_cast<std::uint16_t>(f.port)};
    if (f.time_s > 0) {
        o.time_limit = std::chrono::duration_cast<duration>(std::chrono::duration<double>(f.time_s));
    }
    const std::string stack_name{built->stack->name()};
    o.on_ready = [&stack_name, user](const net::endpoint& local) {
        std::string where = local.to_string();
        if (user != nullptr) {
            where = fmt::format("{} ({})", where, user->address().to_string());
        }
        print_now(fmt::format("udp-echo: listening on {}, {} stack\n", where, stack_name));
    };
    te::echo_counters counters;
    auto r = ex.run(te::run_udp_echo(*built->stack, o, counters));
    print_now(te::summary_line(counters));
    if (f.stats) {
        print_user_stack_counters(user);
    }
    if (!r) {
        fmt::print(stderr, "netrig udp-echo: {}\n", r.error().message());
        return exit_failure;
    }
    return 0;
}

}  // namespace

command add_udp_echo_command(CLI::App& parent) {
    auto f = std::make_shared<udp_echo_flags>();
    CLI::App* sub = parent.add_subcommand(
        "udp-echo", "Echo UDP datagrams back to their sender (RFC 862); on --stack user the "
                    "stack also answers ping");
    sub->add_option("-p,--port", f->port, "UDP port to serve")
        ->check(CLI::Range(1, 65535))
        ->capture_default_str();
    sub->add_option("-t,--time", f->time_s, "Seconds to serve (0 = until SIGINT/SIGTERM)")
        ->check(CLI::Range(0.0, 86400.0))
        ->capture_default_str();
    sub->add_flag("--stats",
                  f->stats, "With --stack user: print the stack's counters (drops by reason) at "
                            "exit; SIGUSR1 prints them at any time");
    add_stack_options(*sub, f->stack);
    return command{.app = sub, .run = [f] { return run_udp_echo_command(*f); }};
}

}  // namespace netrig::cli
