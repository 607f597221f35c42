// SPDX-License-Identifier: MIT
// runtime: poll_registration, the non-coroutine event hook.
#include "runtime/poll.hpp"

namespace netrig::runtime {

poll_registration::poll_registration(int fd, poll_interest interest, poll_handler& handler)
    : sched_(current()), fd_(fd), interest_(interest), handler_(handler) {
    if (fd_ >= 0) {
        error_ = sched_.add_poll(*this);
        if (error_) {
            fd_ = -1;
        }
    }
}

poll_registration::~poll_registration() {
    sched_.cancel_timer(*this);
    if (probing_) {
        sched_.set_probing(*this, false);
    }
    if (fd_ >= 0) {
        sched_.remove_poll(*this);
    }
}

void poll_registration::set_deadline(instant at) {
    sched_.cancel_timer(*this);
    if (at != instant::max()) {
        sched_.schedule_timer(*this, at);
    }
}

void poll_registration::set_interest(poll_interest interest) {
    NETRIG_ASSERT(fd_ >= 0);
    interest_ = interest;
    sched_.update_poll(*this);
}

void poll_registration::set_probing(bool on, duration spin) {
    if (on != probing_) {
        sched_.set_probing(*this, on);
    }
    probing_ = on;
    spin_ = on ? spin : duration::zero();
}

void poll_registration::on_timer() {
    poll_events ev;
    ev.deadline = true;
    handler_.on_poll(ev);
}

}  // namespace netrig::runtime
