// SPDX-License-Identifier: MIT
#include "base/result.hpp"

#include <gtest/gtest.h>

#include <string>

namespace netrig {
namespace {

enum class parse_error { truncated, bad_value };

result<int, parse_error> parse_digit(char c) {
    if (c == '\0') {
        return unexpected(parse_error::truncated);
    }
    if (c < '0' || c > '9') {
        return unexpected(parse_error::bad_value);
    }
    return c - '0';
}

result<int, parse_error> parse_two(const char* s) {
    NETRIG_TRY_ASSIGN(const int hi, parse_digit(s[0]));
    NETRIG_TRY_ASSIGN(const int lo, parse_digit(s[1]));
    return hi * 10 + lo;
}

result<void, parse_error> check_two(const char* s) {
    NETRIG_TRY(parse_two(s));
    return {};
}

TEST(result, try_macros_propagate_first_error) {
    EXPECT_EQ(parse_two("42").value(), 42);
    EXPECT_EQ(parse_two("4x").error(), parse_error::bad_value);
    EXPECT_EQ(parse_two("4").error(), parse_error::truncated);
    EXPECT_TRUE(check_two("99").has_value());
    EXPECT_EQ(check_two("a9").error(), parse_error::bad_value);
}

TEST(result, monadic_operations) {
    const auto doubled = parse_digit('4').transform([](int v) { return v * 2; });
    EXPECT_EQ(*doubled, 8);
    const auto chained = parse_digit('x').and_then([](int v) { return parse_digit(char('0' + v)); });
    EXPECT_EQ(chained.error(), parse_error::bad_value);
    EXPECT_EQ(parse_digit('x').value_or(-1), -1);
}

}  // namespace
}  // namespace netrig
