// SPDX-License-Identifier: MIT
// cli: how long-running subcommands (ping, udp-echo) react to signals: SIGINT/SIGTERM end the
// run gracefully (summary printed), SIGUSR1 prints the user stack's counters and goes on.
#pragma once

#include <functional>

#include "runtime/task.hpp"

namespace netrig::cli {

/// Blocks SIGINT, SIGTERM and SIGUSR1 in the calling thread. Call before any executor or thread
/// exists, so their default actions never kill a run; watch_signals then receives them.
void block_run_signals();

/// Waits for the blocked signals on the current executor: SIGUSR1 calls on_usr1 (if set) and
/// waits again; SIGINT or SIGTERM stop the task given to the executor's run() (its awaitables
/// end with operation_canceled) and return. Spawn it as a detached root beside run().
/// Preconditions: block_run_signals() was called; on_usr1 outlives the task.
[[nodiscard]] runtime::task<void> watch_signals(std::function<void()> on_usr1);

}  // namespace netrig::cli
