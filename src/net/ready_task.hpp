// SPDX-License-Identifier: MIT
// net: a task that completes at once with a given value, for handles that must return a task
// but already know the answer (a closed socket, an invalid argument).
#pragma once

#include <utility>

#include "runtime/task.hpp"

namespace netrig::net::detail {

/// A lazy task whose result is value, without suspending.
template <class T>
[[nodiscard]] runtime::task<T> ready_task(T value) {
    co_return value;
}

}  // namespace netrig::net::detail
