// SPDX-License-Identifier: MIT
// runtime: sleep awaitable.
#include "runtime/sleep.hpp"

namespace netrig::runtime {

sleep_awaitable::~sleep_awaitable() {
    stop_cb_.reset();
    if (sched_ != nullptr) {
        sched_->cancel_timer(*this);
    }
}

bool sleep_awaitable::suspend(std::coroutine_handle<> h, const std::stop_token& token) {
    if (token.stop_requested()) {
        ec_ = canceled_error();
        return false;
    }
    sched_ = &current();
    h_ = h;
    sched_->schedule_timer(*this, until_);
    stop_cb_.emplace(token, cancel_fn{this});
    return true;
}

void sleep_awaitable::on_timer() { sched_->post(h_); }

void sleep_awaitable::on_cancel() noexcept {
    // If the timer already fired, the coroutine is queued with success: the timer wins.
    if (sched_->cancel_timer(*this)) {
        ec_ = canceled_error();
        sched_->post(h_);
    }
}

result<void, std::error_code> sleep_awaitable::await_resume() noexcept {
    stop_cb_.reset();
    if (ec_) {
        return unexpected<std::error_code>(ec_);
    }
    return {};
}

}  // namespace netrig::runtime
