// SPDX-License-Identifier: MIT
#include "runtime/timer_queue.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "base/rng.hpp"

namespace netrig::runtime {
namespace {

using namespace std::chrono_literals;

struct probe final : timer_node {
    explicit probe(int id_) : id(id_) {}
    void on_timer() override {}
    int id;
};

TEST(timer_queue, orders_by_deadline_then_class_then_fifo) {
    timer_queue q;
    probe a(0), b(1), c(2), d(3);
    q.push(a, instant{20ms}, timer_order::normal);
    q.push(b, instant{10ms}, timer_order::late);
    q.push(c, instant{10ms}, timer_order::normal);
    q.push(d, instant{10ms}, timer_order::normal);
    std::vector<int> order;
    while (!q.empty()) {
        order.push_back(static_cast<probe&>(q.pop()).id);
    }
    EXPECT_EQ(order, (std::vector<int>{2, 3, 1, 0}));
}

TEST(timer_queue, random_insert_and_cancel_keeps_heap_order) {
    timer_queue q;
    rng r(7);
    std::vector<std::unique_ptr<probe>> nodes;
    for (int i = 0; i < 5000; ++i) {
        nodes.push_back(std::make_unique<probe>(i));
        q.push(*nodes.back(), instant{duration{r.below(1000)}}, timer_order::normal);
    }
    std::size_t removed = 0;
    for (auto& n : nodes) {
        if (r.chance(0.4)) {
            EXPECT_TRUE(q.remove(*n));
            EXPECT_FALSE(n->armed());
            EXPECT_FALSE(q.remove(*n));
            ++removed;
        }
    }
    EXPECT_EQ(q.size(), nodes.size() - removed);
    instant last{};
    std::size_t popped = 0;
    while (!q.empty()) {
        timer_node& t = q.pop();
        EXPECT_GE(t.deadline(), last);
        last = t.deadline();
        ++popped;
    }
    EXPECT_EQ(popped, nodes.size() - removed);
}

}  // namespace
}  // namespace netrig::runtime
