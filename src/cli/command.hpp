// SPDX-License-Identifier: MIT
// cli: how a subcommand plugs into the netrig binary. Each subcommand file exposes one
// `add_<name>_command(CLI::App&)` that declares its flags and returns what to run.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace netrig::cli {

/// A declared subcommand: its CLI11 node and the action to run when it was chosen.
struct command {
    CLI::App* app = nullptr;
    /// Runs the command after parsing. Returns the process exit status (0 success, 1 failure
    /// at run time, 2 bad usage).
    std::function<int()> run;
};

/// Exit status for bad usage (flags, values, contradictions), as in most Unix tools.
inline constexpr int exit_usage = 2;
/// Exit status for a failure at run time (refused, timed out, I/O error).
inline constexpr int exit_failure = 1;

/// Declares `netrig demo`.
command add_demo_command(CLI::App& parent);
/// Declares `netrig iperf3`.
command add_iperf3_command(CLI::App& parent);
/// Declares `netrig ping`.
command add_ping_command(CLI::App& parent);
/// Declares `netrig udp-echo`.
command add_udp_echo_command(CLI::App& parent);

}  // namespace netrig::cli
