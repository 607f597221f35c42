// SPDX-License-Identifier: MIT
// runtime: sleep awaitable.
#include "runtime/sleep.hpp"

namespace netrig::runtime {

sleep_awaitable::~sleep_awaitable() {
    drop_stop_callback();
    if (sched() != nullptr) {
        sched()->cancel_timer(*this);
    }
}

std::error_code sleep_awaitable::arm() {
    sched()->schedule_timer(*this, until_);
    return {};
}

// If the timer already fired, the coroutine is queued with success: the timer wins.
bool sleep_awaitable::disarm() noexcept { return sched()->cancel_timer(*this); }

void sleep_awaitable::on_timer() { complete(); }

}  // namespace netrig::runtime
