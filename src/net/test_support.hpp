// SPDX-License-Identifier: MIT
// net (tests only): assertions usable inside coroutines. GoogleTest's ASSERT_* expand to
// `return`, which a coroutine cannot use; these record the failure and `co_return` instead.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace netrig::net::test {

/// The error message of a failed result, or "" for anything else.
template <class T>
std::string failure_text(const T& value) {
    if constexpr (requires { value.error().message(); }) {
        return value ? std::string{} : value.error().message();
    } else {
        return {};
    }
}

}  // namespace netrig::net::test

/// Like ASSERT_TRUE, inside a coroutine returning task<void>; prints a result's error message.
#define CO_ASSERT_TRUE(expr)                                                             \
    do {                                                                                 \
        auto&& co_assert_value_ = (expr);                                                \
        if (!co_assert_value_) {                                                         \
            ADD_FAILURE() << "CO_ASSERT_TRUE(" #expr ") failed "                         \
                          << ::netrig::net::test::failure_text(co_assert_value_);       \
            co_return;                                                                   \
        }                                                                                \
    } while (false)

/// Like ASSERT_FALSE, inside a coroutine returning task<void>.
#define CO_ASSERT_FALSE(expr)                                        \
    do {                                                             \
        if (static_cast<bool>(expr)) {                               \
            ADD_FAILURE() << "CO_ASSERT_FALSE(" #expr ") failed";    \
            co_return;                                               \
        }                                                            \
    } while (false)
