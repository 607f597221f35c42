// SPDX-License-Identifier: MIT
// runtime: task_group.
#include "runtime/task_group.hpp"

#include <utility>

#include "base/assert.hpp"
#include "runtime/cancel.hpp"

namespace netrig::runtime {

/// Suspends the joining coroutine until the group has no running child.
class task_group::join_awaiter {
public:
    explicit join_awaiter(task_group& g) noexcept : g_(g) {}
    [[nodiscard]] bool await_ready() const noexcept { return g_.running_ == 0; }
    void await_suspend(std::coroutine_handle<> h) noexcept {
        // One joiner at a time.
        NETRIG_ASSERT(!g_.joiner_);
        g_.joiner_ = h;
    }
    void await_resume() const noexcept {}

private:
    task_group& g_;
};

task_group::task_group() : sched_(current()) {}

// Running children would outlive their scope and call back into a dead group.
task_group::~task_group() { NETRIG_ASSERT(running_ == 0); }

void task_group::spawn(task<void> t) {
    NETRIG_ASSERT(t.valid());
    detail::detached_handle h = detail::make_detached(std::move(t)).handle;
    detail::detached_promise& p = h.promise();
    p.on_done = &task_group::on_child_done;
    p.ctx = this;
    p.set_stop_token(stop_.get_token());
    ++running_;
    sched_.post(h);
}

void task_group::cancel() noexcept { stop_.request_stop(); }

void task_group::on_child_done(void* ctx, detail::detached_handle h) noexcept {
    auto* self = static_cast<task_group*>(ctx);
    h.destroy();
    NETRIG_ASSERT(self->running_ > 0);
    --self->running_;
    if (self->running_ == 0 && self->joiner_) {
        self->sched_.post(std::exchange(self->joiner_, {}));
    }
}

task<void> task_group::join() {
    const std::stop_token parent = co_await current_stop_token();
    {
        // The parent's cancellation becomes the children's; join still waits for them.
        const std::stop_callback<cancel_fn> link(parent, cancel_fn{this});
        co_await join_awaiter{*this};
    }
    if (stop_.stop_requested()) {
        stop_ = std::stop_source{};
    }
}

}  // namespace netrig::runtime
