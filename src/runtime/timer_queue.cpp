// SPDX-License-Identifier: MIT
// runtime: the indexed timer heap.
#include "runtime/timer_queue.hpp"

#include "base/assert.hpp"

namespace netrig::runtime {

// An armed node being destroyed would leave a dangling pointer in the heap.
timer_node::~timer_node() { NETRIG_ASSERT(!armed()); }

timer_queue::~timer_queue() {
    for (timer_node* node : heap_) {
        node->heap_index_ = timer_node::not_queued;
    }
}

bool timer_queue::before(const timer_node& a, const timer_node& b) noexcept {
    if (a.deadline_ != b.deadline_) {
        return a.deadline_ < b.deadline_;
    }
    if (a.order_ != b.order_) {
        return a.order_ < b.order_;
    }
    return a.seq_ < b.seq_;
}

void timer_queue::place(std::size_t i, timer_node* node) noexcept {
    heap_[i] = node;
    node->heap_index_ = i;
}

void timer_queue::sift_up(std::size_t i) noexcept {
    timer_node* node = heap_[i];
    while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!before(*node, *heap_[parent])) {
            break;
        }
        place(i, heap_[parent]);
        i = parent;
    }
    place(i, node);
}

void timer_queue::sift_down(std::size_t i) noexcept {
    timer_node* node = heap_[i];
    const std::size_t n = heap_.size();
    for (;;) {
        std::size_t child = 2 * i + 1;
        if (child >= n) {
            break;
        }
        if (child + 1 < n && before(*heap_[child + 1], *heap_[child])) {
            ++child;
        }
        if (!before(*heap_[child], *node)) {
            break;
        }
        place(i, heap_[child]);
        i = child;
    }
    place(i, node);
}

void timer_queue::push(timer_node& node, instant deadline, timer_order order) {
    NETRIG_ASSERT(!node.armed());
    node.deadline_ = deadline;
    node.order_ = order;
    node.seq_ = next_seq_++;
    heap_.push_back(&node);
    sift_up(heap_.size() - 1);
}

bool timer_queue::remove(timer_node& node) noexcept {
    if (!node.armed()) {
        return false;
    }
    const std::size_t i = node.heap_index_;
    NETRIG_ASSERT(i < heap_.size());
    NETRIG_ASSERT(heap_[i] == &node);
    node.heap_index_ = timer_node::not_queued;
    timer_node* last = heap_.back();
    heap_.pop_back();
    if (last != &node) {
        heap_[i] = last;
        last->heap_index_ = i;
        // The moved node may belong above or below its new slot.
        if (i > 0 && before(*last, *heap_[(i - 1) / 2])) {
            sift_up(i);
        } else {
            sift_down(i);
        }
    }
    return true;
}

timer_node& timer_queue::top() const noexcept {
    NETRIG_ASSERT(!heap_.empty());
    return *heap_.front();
}

timer_node& timer_queue::pop() noexcept {
    timer_node& node = top();
    remove(node);
    return node;
}

}  // namespace netrig::runtime
