// SPDX-License-Identifier: MIT
// tools/bulk: a whole bulk transfer over loopback in one call: the sink and the source each on
// its own thread with its own executor (what `netrig demo` and the benchmark run).
#pragma once

#include <optional>
#include <system_error>

#include "base/result.hpp"
#include "net/stack.hpp"
#include "tools/bulk/options.hpp"
#include "tools/bulk/report.hpp"

namespace netrig::tools::bulk {

/// Where the two threads run.
struct pair_options {
    /// Pin the sink thread to this CPU (like `taskset -c`, iperf3 -A on the server).
    std::optional<int> sink_cpu;
    /// Pin the source thread to this CPU.
    std::optional<int> source_cpu;
};

/// Both sides' reports.
struct pair_report {
    bulk_report sink;    ///< What the receiver counted.
    bulk_report source;  ///< What the sender counted.
};

/// Runs a sink on 127.0.0.1 (an ephemeral port) on one thread and a source to it on another,
/// each on its own executor, and returns both reports. stack must be usable from two threads
/// at once (the kernel stack is). Errors: the first error of either side (a failed pinning is
/// errc::invalid_argument).
[[nodiscard]] result<pair_report, std::error_code> run_loopback_pair(
    net::stack& stack, const bulk_options& options, const pair_options& placement);

}  // namespace netrig::tools::bulk
