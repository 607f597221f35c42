// SPDX-License-Identifier: MIT
// cli: the flags every tool shares to choose a stack and a link (DESIGN.md "cli"), parsed into a
// plain struct. Tools read the struct; they never see CLI11.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "net/stack.hpp"
#include "net/user_stack.hpp"

namespace netrig::cli {

/// Which socket implementation a tool runs on.
enum class stack_kind { kernel, user };

/// Which link the user stack runs over (`--link`).
enum class link_kind { sim, tap, xdp };

/// AF_XDP attach mode (`--xdp-mode`).
enum class xdp_mode { automatic, native, skb };

/// The parsed `--link` value: sim, tap:NAME or xdp:IFACE[:QUEUE].
struct link_spec {
    link_kind kind = link_kind::sim;
    std::string name;         ///< TAP device or interface name; empty for sim.
    std::uint32_t queue = 0;  ///< AF_XDP queue id.
};

/// All shared stack and link flags, with their defaults.
struct stack_options {
    stack_kind stack = stack_kind::kernel;
    std::optional<link_spec> link;     ///< Only meaningful with --stack user.
    std::optional<std::string> ip;     ///< A/P, e.g. 10.78.0.2/24.
    std::optional<std::string> gateway;
    std::optional<std::uint32_t> mtu;
    std::optional<std::string> pcap;   ///< File to record the link to.
    std::optional<std::uint32_t> snaplen;  ///< --snaplen: bytes kept per recorded frame.
    std::optional<std::string> impair; ///< Impairment list, e.g. loss=1%,delay=10ms.
    std::uint64_t seed = 1;            ///< Seed of every random choice (sim link, impairments).
    std::optional<xdp_mode> xdp;       ///< --xdp-mode; only with --link xdp:IFACE.
    std::optional<bool> offload;       ///< --offload on|off (TAP offloads; unset = on).
    std::optional<std::uint32_t> rx_spin;  ///< --rx-spin US; only with --link xdp:IFACE.
};

/// Parses "sim", "tap:NAME" or "xdp:IFACE[:QUEUE]". Returns an error message in plain words.
[[nodiscard]] result<link_spec, std::string> parse_link_spec(const std::string& text);

/// Adds --stack, --link, --ip, --gateway, --mtu, --pcap, --snaplen, --impair, --seed, --xdp-mode,
/// --offload and --rx-spin to `app`, writing
/// into `out`. Flag syntax is validated by CLI11 (bad values exit with status 2).
void add_stack_options(CLI::App& app, stack_options& out);

/// Checks that the flags do not contradict each other: user-stack flags on the kernel stack,
/// tap/xdp without --ip, a malformed --ip, --gateway or --impair. Returns the reason in plain
/// words, or nullopt when the combination can run.
[[nodiscard]] std::optional<std::string> unsupported_reason(const stack_options& options);

/// The address the user stack takes on --link sim without --ip.
inline constexpr std::string_view default_sim_address = "10.0.0.1/24";

/// Translates the flags into a user stack configuration (--link defaults to sim, --ip to
/// default_sim_address on sim). Errors in plain words: missing or malformed --ip, malformed
/// --gateway. Preconditions: options.stack == stack_kind::user.
[[nodiscard]] result<net::user_stack_config, std::string> user_config(
    const stack_options& options);

/// A stack built from the flags. `user` points into `stack` when it is netrig's own stack (for
/// stats_report), and is null for the kernel stack.
struct built_stack {
    std::unique_ptr<net::stack> stack;  ///< The stack tools run on.
    net::user_stack* user = nullptr;    ///< The same object as a user_stack, or null.
};

/// Builds the kernel stack or, with --stack user, make_user_stack(user_config(options)).
/// Errors in plain words (what failed and, for permissions, what is needed).
[[nodiscard]] result<built_stack, std::string> make_stack(const stack_options& options);

/// Writes text to stdout and flushes at once, so a tool's lines show while the run goes on.
void print_now(std::string_view text);

/// Prints the user stack's counters (stats_report) under a header; nothing for the kernel
/// stack (user == nullptr). Tools call it for --stats, at exit and on SIGUSR1.
void print_user_stack_counters(const net::user_stack* user);

}  // namespace netrig::cli
