// SPDX-License-Identifier: MIT
// cli: the netrig binary. Declares the subcommands, parses, and maps errors to exit codes.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <vector>

#include "cli/command.hpp"
#include "cli/version.hpp"

int main(int argc, char** argv) {
    using namespace netrig::cli;
    CLI::App app{"netrig: a userspace TCP/IP stack on C++20 coroutines, and tools to measure "
                 "networks and stacks with it.",
                 "netrig"};
    app.set_version_flag("--version", std::string{version_text()}, "Print the version and exit");
    app.require_subcommand(1, 1);
    app.footer("Run 'netrig <command> --help' for a command's flags.");

    std::vector<command> commands;
    commands.push_back(add_demo_command(app));
    commands.push_back(add_iperf3_command(app));
    commands.push_back(add_ping_command(app));
    commands.push_back(add_udp_echo_command(app));

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version come here too, with exit code 0.
        const int code = app.exit(e);
        return code == 0 ? 0 : exit_usage;
    }
    for (const auto& cmd : commands) {
        if (cmd.app->parsed()) {
            return cmd.run();
        }
    }
    fmt::print(stderr, "netrig: no command given; see 'netrig --help'\n");
    return exit_usage;
}
