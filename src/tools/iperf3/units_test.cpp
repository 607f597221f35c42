// SPDX-License-Identifier: MIT
// tools/iperf3: unit formatting tests against strings real iperf3 printed.
#include "tools/iperf3/units.hpp"

#include <gtest/gtest.h>

namespace netrig::tools::iperf3 {
namespace {

TEST(units, adaptive_matches_iperf3_output) {
    EXPECT_EQ(format_bytes(644.0 * 1024 * 1024), " 644 MBytes");
    EXPECT_EQ(format_bytes(1.21 * 1024 * 1024 * 1024), "1.21 GBytes");
    EXPECT_EQ(format_bytes(1277952), "1.22 MBytes");
    EXPECT_EQ(format_rate(10222297.0), "10.2 Mbits");
    EXPECT_EQ(format_rate(5.39e9), "5.39 Gbits");
    EXPECT_EQ(format_rate(0), "0.00 bits");
}

TEST(units, fixed_units) {
    EXPECT_EQ(format_rate(50e6, 'm'), "50.0 Mbits");
    EXPECT_EQ(format_rate(8e6, 'K'), " 977 KBytes");
    EXPECT_EQ(format_bytes(2048, 'K'), "2.00 KBytes");
    EXPECT_TRUE(valid_format('g'));
    EXPECT_FALSE(valid_format('x'));
}

}  // namespace
}  // namespace netrig::tools::iperf3

namespace netrig::tools::iperf3 {
namespace {

TEST(units, parse_size_and_rate) {
    EXPECT_EQ(parse_size("128K"), 131072U);
    EXPECT_EQ(parse_size("1M"), 1048576U);
    EXPECT_EQ(parse_size("100"), 100U);
    EXPECT_EQ(parse_rate("50M"), 50000000U);
    EXPECT_EQ(parse_rate("1.5g"), 1500000000U);
    EXPECT_EQ(parse_rate("10M/100"), 10000000U);
    EXPECT_EQ(parse_rate("0"), 0U);
    EXPECT_FALSE(parse_size("x"));
    EXPECT_FALSE(parse_size("-5"));
    EXPECT_FALSE(parse_size(""));
    EXPECT_FALSE(parse_rate("5X"));
}

}  // namespace
}  // namespace netrig::tools::iperf3
