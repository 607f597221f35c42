// SPDX-License-Identifier: MIT
// cli: `netrig ping`, iputils-style ICMP echo on the kernel stack or netrig's own stack. Flags,
// name resolution and printing only; the run lives in tools/ping.
#include <fmt/core.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "cli/command.hpp"
#include "cli/signals.hpp"
#include "cli/stack_options.hpp"
#include "net/errc.hpp"
#include "net/ping_socket.hpp"
#include "runtime/executor.hpp"
#include "tools/ping/session.hpp"

namespace netrig::cli {
namespace {

namespace tp = tools::ping;

struct ping_flags {
    std::string host;
    std::optional<std::uint32_t> count;
    double interval_s = 1.0;
    std::size_t size = 56;
    std::optional<double> timeout_s;
    std::optional<double> deadline_s;
    bool quiet = false;
    bool stats = false;
    stack_options stack;
};

int usage_error(const std::string& why) {
    fmt::print(stderr, "netrig ping: {}\n", why);
    return exit_usage;
}

duration seconds(double s) {
    return std::chrono::duration_cast<duration>(std::chrono::duration<double>(s));
}

// A dotted quad as is; anything else through the host's resolver (IPv4 only).
std::optional<wire::ipv4_address> resolve(const std::string& host) {
    if (auto a = wire::ipv4_address::parse(host)) {
        return *a;
    }
    addrinfo hints{};
    hints.ai_family = AF_INET;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
        return std::nullopt;
    }
    sockaddr_in sin{};
    std::memcpy(&sin, found->ai_addr, sizeof sin);
    freeaddrinfo(found);
    return wire::ipv4_address::from_u32(ntohl(sin.sin_addr.s_addr));
}

int run_ping_command(const ping_flags& f) {
    if (auto why = unsupported_reason(f.stack)) {
        return usage_error(*why);
    }
    auto target = resolve(f.host);
    if (!target) {
        fmt::print(stderr, "netrig ping: {}: Name or service not known\n", f.host);
        return exit_usage;
    }
    tp::ping_options o;
    o.host = f.host;
    o.target = *target;
    // Bounded by default: 4 requests unless -w sets a deadline (then until the deadline, as
    // iputils); -c 0 asks for no limit (until SIGINT).
    o.count = f.count.value_or(f.deadline_s ? 0 : tp::default_count);
    o.interval = seconds(f.interval_s);
    o.size = f.size;
    if (f.timeout_s) {
        o.linger = seconds(*f.timeout_s);
    }
    if (f.deadline_s) {
        o.deadline = seconds(*f.deadline_s);
    }
    o.quiet = f.quiet;

    block_run_signals();
    runtime::executor ex;
    auto built = make_stack(f.stack);
    if (!built) {
        fmt::print(stderr, "netrig ping: {}\n", built.error());
        return exit_failure;
    }
    const net::user_stack* user = built->user;
    ex.spawn(watch_signals([user] { print_user_stack_counters(user); }));
    tp::ping_run run;
    auto r = ex.run(tp::run_ping(*built->stack, o, run, print_now));
    if (!r) {
        if (r.error() == net::errc::permission_denied) {
            fmt::print(stderr, "netrig ping: {} ({})\n", r.error().message(),
                       net::ping_permission_hint);
        } else {
            fmt::print(stderr, "netrig ping: {}\n", r.error().message());
        }
        return exit_failure;
    }
    print_now(tp::summary_text(o, run));
    if (f.stats) {
        print_user_stack_counters(user);
    }
    return tp::exit_status(o, run);
}

}  // namespace

command add_ping_command(CLI::App& parent) {
    auto f = std::make_shared<ping_flags>();
    CLI::App* sub = parent.add_subcommand(
        "ping", "Send ICMP echo requests and print replies and statistics like iputils ping");
    sub->add_option("HOST", f->host, "Host to ping (IPv4 address or name)")->required();
    sub->add_option("-c,--count", f->count,
                    "Stop after COUNT replies (default 4; 0 = until interrupted)")
        ->type_name("COUNT");
    sub->add_option("-i,--interval", f->interval_s, "Seconds between requests")
        ->check(CLI::Range(0.0, 3600.0))
        ->capture_default_str();
    sub->add_option("-s,--size", f->size, "Payload bytes per request")
        ->check(CLI::Range(std::size_t{0}, tp::max_payload_bytes))
        ->capture_default_str();
    sub->add_option("-W,--timeout", f->timeout_s,
                    "Seconds to wait for replies after the last request (default 10)")
        ->check(CLI::Range(0.001, 3600.0));
    sub->add_option("-w,--deadline", f->deadline_s, "Stop after this many seconds")
        ->check(CLI::Range(0.001, 86400.0));
    sub->add_flag("-q,--quiet", f->quiet, "Print only the first line and the statistics");
    sub->add_flag("--stats", f->stats,
                  "With --stack user: print the stack's counters (drops by reason) at the end");
    add_stack_options(*sub, f->stack);
    return command{.app = sub, .run = [f] { return run_ping_command(*f); }};
}

}  // namespace netrig::cli
