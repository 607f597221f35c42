// SPDX-License-Identifier: MIT
// runtime: graceful stop on signals (SIGINT, SIGTERM, ...) through a signalfd on the executor.
#pragma once

#include <initializer_list>
#include <system_error>

#include "base/result.hpp"
#include "runtime/task.hpp"

namespace netrig::runtime {

/// Waits until one of `signals` is delivered and returns its number. The signals are blocked
/// in the calling thread (pthread_sigmask) and stay blocked afterwards, so their default action
/// (terminate) never runs while netrig handles them; block them at program start as well to
/// close the window before this is first awaited (a signal pending while blocked is still
/// received). Errors: operation_canceled if the task is cancelled; the errno of signalfd/read.
/// The signal set is copied when this function is called, so the initializer_list may die.
/// Preconditions: awaited on an executor (not sim_executor).
[[nodiscard]] task<result<int, std::error_code>> wait_for_signal(std::initializer_list<int> signals);

}  // namespace netrig::runtime
