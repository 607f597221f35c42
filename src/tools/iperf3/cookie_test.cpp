// SPDX-License-Identifier: MIT
// tools/iperf3: cookie generation and validation tests.
#include "tools/iperf3/cookie.hpp"

#include <gtest/gtest.h>

#include <set>

namespace netrig::tools::iperf3 {
namespace {

TEST(cookie, generated_cookies_have_iperf3_format_and_round_trip) {
    rng random{42};
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const cookie c = cookie::generate(random);
        ASSERT_EQ(c.wire().size(), 37U);
        EXPECT_EQ(c.wire()[36], 0);
        for (char ch : c.text()) {
            EXPECT_TRUE((ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '7')) << ch;
        }
        auto parsed = cookie::parse(c.wire());
        ASSERT_TRUE(parsed);
        EXPECT_EQ(*parsed, c);
        seen.insert(std::string{c.text()});
    }
    EXPECT_EQ(seen.size(), 100U);
}

}  // namespace
}  // namespace netrig::tools::iperf3
