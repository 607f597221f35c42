// SPDX-License-Identifier: MIT
#include "cli/signals.hpp"

#include <pthread.h>

#include <csignal>

#include "runtime/scheduler.hpp"
#include "runtime/signal.hpp"

namespace netrig::cli {

void block_run_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

runtime::task<void> watch_signals(std::function<void()> on_usr1) {
    while (true) {
        // GCC 12: no braced list inside a co_await expression (runtime/README.md).
        auto wait = runtime::wait_for_signal({SIGINT, SIGTERM, SIGUSR1});
        auto sig = co_await std::move(wait);
        if (!sig) {
            co_return;  // cancelled: the run is over
        }
        if (*sig == SIGUSR1) {
            if (on_usr1) {
                on_usr1();
            }
            continue;
        }
        runtime::current().stop();
        co_return;
    }
}

}  // namespace netrig::cli
