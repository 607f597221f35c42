// SPDX-License-Identifier: MIT
// runtime: the shared part of both executors.
#include "runtime/scheduler.hpp"

#include <utility>

#include "base/assert.hpp"

namespace netrig::runtime {
namespace {

thread_local scheduler* current_scheduler = nullptr;

// The base (and sim_executor) has no reactor: fd operations on it are programmer errors.
constexpr bool has_fds = false;

}  // namespace

namespace detail {

detached_task make_detached(task<void> t) { co_await std::move(t); }

}  // namespace detail

scheduler::scheduler() {
    // One scheduler per thread: current() must be unambiguous.
    NETRIG_ASSERT(current_scheduler == nullptr);
    current_scheduler = this;
}

scheduler::~scheduler() {
    // Derived destructors call shutdown(); nothing may be left to run.
    NETRIG_ASSERT(spawned_head_ == nullptr);
    NETRIG_ASSERT(!running_);
    ready_.clear();
    current_scheduler = nullptr;
}

scheduler& current() noexcept {
    NETRIG_ASSERT(current_scheduler != nullptr);
    return *current_scheduler;
}

bool has_current() noexcept { return current_scheduler != nullptr; }

instant now() noexcept { return current().now(); }

void scheduler::post(std::coroutine_handle<> h) {
    NETRIG_ASSERT(h);
    ready_.push_back(h);
}

void scheduler::schedule_timer(timer_node& node, instant deadline, timer_order order) {
    timers_.push(node, deadline, order);
}

bool scheduler::cancel_timer(timer_node& node) noexcept { return timers_.remove(node); }

void scheduler::spawn(task<void> t) {
    NETRIG_ASSERT(t.valid());
    detail::detached_handle h = detail::make_detached(std::move(t)).handle;
    detail::detached_promise& p = h.promise();
    p.on_done = &scheduler::on_root_done;
    p.ctx = this;
    p.stop = std::stop_source{};
    p.set_stop_token(p.stop.get_token());
    p.next = spawned_head_;
    if (spawned_head_ != nullptr) {
        spawned_head_->prev = &p;
    }
    spawned_head_ = &p;
    ++spawned_count_;
    post(h);
}

void scheduler::on_root_done(void* ctx, detail::detached_handle h) noexcept {
    auto* self = static_cast<scheduler*>(ctx);
    detail::detached_promise& p = h.promise();
    if (p.prev != nullptr) {
        p.prev->next = p.next;
    } else {
        self->spawned_head_ = p.next;
    }
    if (p.next != nullptr) {
        p.next->prev = p.prev;
    }
    NETRIG_ASSERT(self->spawned_count_ > 0);
    --self->spawned_count_;
    // Legal: the coroutine is suspended at its final suspend point.
    h.destroy();
}

void scheduler::stop() noexcept {
    if (root_stop_.stop_possible()) {
        root_stop_.request_stop();
    }
}

void scheduler::run_ready_batch() {
    std::size_t n = ready_.size();
    while (n-- > 0 && !ready_.empty()) {
        std::coroutine_handle<> h = ready_.front();
        ready_.pop_front();
        h.resume();
    }
}

std::size_t scheduler::fire_due_timers(instant at) {
    const std::size_t limit = timers_.size();
    std::size_t fired = 0;
    while (fired < limit && !timers_.empty() && timers_.top().deadline() <= at) {
        timer_node& node = timers_.pop();
        ++fired;
        node.on_timer();
    }
    return fired;
}

std::optional<instant> scheduler::next_deadline() const noexcept {
    if (timers_.empty()) {
        return std::nullopt;
    }
    return timers_.top().deadline();
}

bool scheduler::finished(std::coroutine_handle<> target) const noexcept {
    if (target) {
        return target.done();
    }
    return spawned_head_ == nullptr;
}

void scheduler::shutdown() {
    NETRIG_ASSERT(!running_);
    for (detail::detached_promise* p = spawned_head_; p != nullptr; p = p->next) {
        p->stop.request_stop();
    }
    if (spawned_head_ != nullptr) {
        running_ = true;
        drive({});
        running_ = false;
    }
}

std::error_code scheduler::add_io_waiter(detail::io_waiter& /*waiter*/) {
    NETRIG_ASSERT(has_fds && "this scheduler has no fds (sim_executor)");
    return {};
}

void scheduler::remove_io_waiter(detail::io_waiter& /*waiter*/) noexcept {}

void scheduler::forget_fd(int /*fd*/) noexcept {}

std::error_code scheduler::add_poll(poll_registration& /*reg*/) {
    NETRIG_ASSERT(has_fds && "this scheduler has no fds (sim_executor)");
    return {};
}

void scheduler::update_poll(poll_registration& /*reg*/) {
    NETRIG_ASSERT(has_fds && "this scheduler has no fds (sim_executor)");
}

void scheduler::remove_poll(poll_registration& /*reg*/) noexcept {}

void scheduler::set_probing(poll_registration& /*reg*/, bool /*on*/) noexcept {}

}  // namespace netrig::runtime
