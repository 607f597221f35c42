// SPDX-License-Identifier: MIT
// runtime: the simulated executor's loop.
#include "runtime/sim_executor.hpp"

#include "base/assert.hpp"

namespace netrig::runtime {

sim_executor::~sim_executor() { shutdown(); }

void sim_executor::drive(std::coroutine_handle<> target) {
    for (;;) {
        run_ready_batch();
        if (finished(target)) {
            return;
        }
        if (has_ready()) {
            continue;
        }
        // Nothing is ready: jump virtual time to the next timer. Without one, nothing can ever
        // wake the target again.
        const std::optional<instant> next = next_deadline();
        NETRIG_ASSERT(next.has_value() && "deadlock: nothing ready and no timer armed");
        if (*next > now_) {
            now_ = *next;
        }
        fire_due_timers(now_);
    }
}

}  // namespace netrig::runtime
