// SPDX-License-Identifier: MIT
// tools/bulk: the two session coroutines of a bulk transfer, on any net::stack: a sink that
// accepts `streams` connections and reads each to EOF, and a source that connects and writes
// until its budget is spent, then half-closes and waits for the sink to close.
#pragma once

#include <system_error>

#include "base/result.hpp"
#include "net/endpoint.hpp"
#include "net/stack.hpp"
#include "net/tcp_listener.hpp"
#include "runtime/task.hpp"
#include "tools/bulk/options.hpp"
#include "tools/bulk/report.hpp"

namespace netrig::tools::bulk {

/// Accepts options.streams connections on listener (waiting at most options.connect_timeout
/// for each), reads every stream until EOF, closes them and reports. The listener stays open.
/// The references must outlive the task. Errors: net errors of accept/read (a reset stream ends
/// the run with errc::reset), std::errc::timed_out if a stream does not arrive in time.
[[nodiscard]] runtime::task<result<bulk_report, std::error_code>> run_sink(
    net::stack& stack, net::tcp_listener& listener, bulk_options options);

/// Opens options.streams connections to sink, writes until the budget is spent, shuts down
/// writing, and waits for the sink's close (so every byte reported was received). Reports
/// what was written and the TCP_INFO of the end of sending. stack must outlive the task.
/// Errors: validate() errors, net errors of connect/write.
[[nodiscard]] runtime::task<result<bulk_report, std::error_code>> run_source(
    net::stack& stack, net::endpoint sink, bulk_options options);

}  // namespace netrig::tools::bulk
