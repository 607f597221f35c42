// SPDX-License-Identifier: MIT
#include "runtime/task.hpp"

#include <pthread.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "runtime/sim_executor.hpp"

namespace netrig::runtime {
namespace {

task<int> answer() { co_return 42; }

task<int> add_one(int x) {
    const int v = co_await answer();
    co_return v + x;
}

TEST(task, returns_values) {
    sim_executor ex;
    EXPECT_EQ(ex.run(answer()), 42);
    EXPECT_EQ(ex.run(add_one(8)), 50);
}

task<int&> ref_to(int& x) { co_return x; }

task<void> bump_through_ref(int* x) {
    int& r = co_await ref_to(*x);
    ++r;
}

TEST(task, returns_references) {
    sim_executor ex;
    int x = 1;
    int& r = ex.run(ref_to(x));
    EXPECT_EQ(&r, &x);
    ex.run(bump_through_ref(&x));
    EXPECT_EQ(x, 2);
}

task<std::unique_ptr<std::string>> make_owned(std::string s) {
    co_return std::make_unique<std::string>(std::move(s));
}

task<std::size_t> owned_len() {
    std::unique_ptr<std::string> p = co_await make_owned("hello");
    co_return p->size();
}

TEST(task, move_only_results) {
    sim_executor ex;
    EXPECT_EQ(*ex.run(make_owned("abc")), "abc");
    EXPECT_EQ(ex.run(owned_len()), 5U);
}

task<std::uint64_t> deep(std::uint64_t n) {
    if (n == 0) {
        co_return 0;
    }
    const std::uint64_t below = co_await deep(n - 1);
    co_return below + 1;
}

void* run_deep(void* out) {
    sim_executor ex;
    *static_cast<std::uint64_t*>(out) = ex.run(deep(100'000));
    return nullptr;
}

#if defined(__SANITIZE_ADDRESS__) && !defined(__clang__)
// GCC 12 with -fsanitize=address does not turn the symmetric-transfer calls into tail calls,
// so each level of the chain costs native stack there. Normal GCC builds and clang (with or
// without ASan) run the chain on the 8 MiB main stack; this build gets a 1 GiB thread stack so
// that it still checks the results and the frame bookkeeping under ASan.
constexpr std::size_t deep_stack_bytes = std::size_t{1} << 30U;
#else
constexpr std::size_t deep_stack_bytes = 0;
#endif

TEST(task, deep_chain_does_not_grow_the_stack) {
    // Symmetric transfer in await_suspend and final_suspend: 100k nested awaits would overflow
    // an 8 MiB stack if each resumption nested a native frame.
    std::uint64_t got = 0;
    if (deep_stack_bytes == 0) {
        run_deep(&got);
    } else {
        pthread_attr_t attr;
        ASSERT_EQ(pthread_attr_init(&attr), 0);
        ASSERT_EQ(pthread_attr_setstacksize(&attr, deep_stack_bytes), 0);
        pthread_t th;
        ASSERT_EQ(pthread_create(&th, &attr, &run_deep, &got), 0);
        ASSERT_EQ(pthread_join(th, nullptr), 0);
        pthread_attr_destroy(&attr);
    }
    EXPECT_EQ(got, 100'000U);
}

struct counted {
    explicit counted(int* live) : live_(live) { ++*live_; }
    counted(const counted&) = delete;
    counted& operator=(const counted&) = delete;
    ~counted() { --*live_; }
    int* live_;
};

task<int> holds(std::shared_ptr<counted> c) { co_return c ? 1 : 0; }

TEST(task, never_started_task_frees_its_frame) {
    int live = 0;
    {
        task<int> t = holds(std::make_shared<counted>(&live));
        EXPECT_EQ(live, 1);  // the parameter lives in the frame
        EXPECT_TRUE(t.valid());
        EXPECT_FALSE(t.done());
    }
    EXPECT_EQ(live, 0);  // ASan reports the frame if it leaked
}

TEST(task, move_transfers_ownership) {
    int live = 0;
    task<int> a = holds(std::make_shared<counted>(&live));
    task<int> b = std::move(a);
    EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move)
    EXPECT_TRUE(b.valid());
    b = task<int>{};
    EXPECT_EQ(live, 0);
}

task<int> await_lvalue() {
    task<int> t = answer();
    const int v = co_await t;
    EXPECT_TRUE(t.done());
    co_return v;
}

TEST(task, await_lvalue_task) {
    sim_executor ex;
    EXPECT_EQ(ex.run(await_lvalue()), 42);
}

}  // namespace
}  // namespace netrig::runtime
