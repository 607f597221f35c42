// SPDX-License-Identifier: MIT
// runtime: fd readiness awaitables.
#include "runtime/io.hpp"

namespace netrig::runtime {

io_awaitable::~io_awaitable() {
    // The frame can be destroyed while suspended (its owner task was destroyed).
    drop_stop_callback();
    if (sched() != nullptr && linked()) {
        sched()->remove_io_waiter(*this);
    }
}

std::error_code io_awaitable::arm() { return sched()->add_io_waiter(*this); }

// If the reactor already completed the wait, the event wins.
bool io_awaitable::disarm() noexcept {
    if (!linked()) {
        return false;
    }
    sched()->remove_io_waiter(*this);
    return true;
}

void io_awaitable::on_io(std::error_code ec) { complete(ec); }

}  // namespace netrig::runtime
