// SPDX-License-Identifier: MIT
// runtime: timers. A timer_node is an intrusive registration (embedded in an awaitable or a
// poll_registration); timer_queue is the indexed binary min-heap both executors keep them in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/time.hpp"

namespace netrig::runtime {

/// Among timers with the same deadline, `normal` ones fire before `late` ones; within one class
/// they fire in registration order (FIFO), which keeps simulated runs deterministic. Timeouts
/// are `late`, so work that completes exactly at the deadline wins over the timeout.
enum class timer_order : std::uint8_t { normal = 0, late = 1 };

/// An intrusive timer registration. Its owner arms it with scheduler::schedule_timer and must
/// disarm it (scheduler::cancel_timer) before it is destroyed; on expiry the loop calls
/// on_timer() once, from the loop (never from inside another callback).
class timer_node {
public:
    timer_node() = default;
    timer_node(const timer_node&) = delete;
    timer_node& operator=(const timer_node&) = delete;
    virtual ~timer_node();

    /// True while the timer is in a queue.
    [[nodiscard]] bool armed() const noexcept { return heap_index_ != not_queued; }
    /// The deadline it was last armed for.
    [[nodiscard]] instant deadline() const noexcept { return deadline_; }

    /// Called by the loop when the deadline has passed; the node is already disarmed.
    virtual void on_timer() = 0;

private:
    friend class timer_queue;
    static constexpr std::size_t not_queued = static_cast<std::size_t>(-1);
    instant deadline_{};
    std::uint64_t seq_ = 0;
    timer_order order_ = timer_order::normal;
    std::size_t heap_index_ = not_queued;
};

/// Indexed binary min-heap of timer_node pointers ordered by (deadline, order, registration
/// sequence). Insert and cancel are O(log n); cancelled timers are removed at once, so memory
/// is bounded by the number of armed timers.
class timer_queue {
public:
    timer_queue() = default;
    timer_queue(const timer_queue&) = delete;
    timer_queue& operator=(const timer_queue&) = delete;
    ~timer_queue();

    /// Arms node for deadline. Preconditions: !node.armed().
    void push(timer_node& node, instant deadline, timer_order order);
    /// Disarms node; returns false if it was not armed (already fired or never armed).
    bool remove(timer_node& node) noexcept;
    /// True if no timer is armed.
    [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
    /// Number of armed timers.
    [[nodiscard]] std::size_t size() const noexcept { return heap_.size(); }
    /// The earliest timer. Preconditions: !empty().
    [[nodiscard]] timer_node& top() const noexcept;
    /// Removes and returns the earliest timer. Preconditions: !empty().
    timer_node& pop() noexcept;

private:
    [[nodiscard]] static bool before(const timer_node& a, const timer_node& b) noexcept;
    void place(std::size_t i, timer_node* node) noexcept;
    void sift_up(std::size_t i) noexcept;
    void sift_down(std::size_t i) noexcept;

    std::vector<timer_node*> heap_;
    std::uint64_t next_seq_ = 0;
};

}  // namespace netrig::runtime
