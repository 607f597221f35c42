// SPDX-License-Identifier: MIT
// net: the Linux kernel's TCP/IP stack behind net::stack: non-blocking sockets driven by the
// runtime's epoll reactor.
#pragma once

#include <memory>

#include "net/stack.hpp"

namespace netrig::net {

/// Makes a stack that uses Linux sockets. It holds no state, so one object may be used from
/// several threads; each socket belongs to the executor of the thread that first awaits it.
[[nodiscard]] std::unique_ptr<stack> make_kernel_stack();

}  // namespace netrig::net
