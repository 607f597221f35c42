// SPDX-License-Identifier: MIT
// runtime: fd readiness awaitables.
#include "runtime/io.hpp"

namespace netrig::runtime {

io_awaitable::~io_awaitable() {
    // The frame can be destroyed while suspended (its owner task was destroyed).
    stop_cb_.reset();
    if (sched_ != nullptr && linked()) {
        sched_->remove_io_waiter(*this);
    }
}

bool io_awaitable::suspend(std::coroutine_handle<> h, const std::stop_token& token) {
    if (token.stop_requested()) {
        ec_ = canceled_error();
        return false;
    }
    sched_ = &current();
    h_ = h;
    if (const std::error_code ec = sched_->add_io_waiter(*this)) {
        ec_ = ec;
        return false;
    }
    stop_cb_.emplace(token, cancel_fn{this});
    return true;
}

void io_awaitable::on_io(std::error_code ec) {
    ec_ = ec;
    sched_->post(h_);
}

void io_awaitable::on_cancel() noexcept {
    // If the reactor already completed the wait, the event wins and this is a no-op.
    if (linked()) {
        sched_->remove_io_waiter(*this);
        ec_ = canceled_error();
        sched_->post(h_);
    }
}

result<void, std::error_code> io_awaitable::await_resume() noexcept {
    stop_cb_.reset();
    if (ec_) {
        return unexpected<std::error_code>(ec_);
    }
    return {};
}

}  // namespace netrig::runtime
