// SPDX-License-Identifier: MIT
#include "base/time.hpp"

#include <gtest/gtest.h>

namespace netrig {
namespace {

using namespace std::chrono_literals;

TEST(instant, arithmetic_and_ordering) {
    const instant t0{};
    const instant t1 = t0 + 250ms;
    EXPECT_LT(t0, t1);
    EXPECT_EQ(t1 - t0, duration{250ms});
    EXPECT_EQ((t1 - 50ms).since_zero(), duration{200ms});
    instant t2 = t1;
    t2 += 1s;
    EXPECT_EQ(t2 - t1, duration{1s});
    EXPECT_GT(instant::max(), t2);
    EXPECT_DOUBLE_EQ(to_seconds(1500ms), 1.5);
}

}  // namespace
}  // namespace netrig
