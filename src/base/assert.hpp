// SPDX-License-Identifier: MIT
// base: assertions for programmer errors (broken invariants). Never for hostile input, which is
// parsed, dropped and counted instead.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace netrig::detail {

/// Prints the failed condition and aborts. Out of line in spirit: cold and noreturn.
[[noreturn]] [[gnu::cold]] inline void assert_fail(const char* cond, const char* file, int line) {
    std::fprintf(stderr, "netrig: assertion failed: %s (%s:%d)\n", cond, file, line);
    std::abort();
}

}  // namespace netrig::detail

#if defined(NETRIG_ASSERTS) && NETRIG_ASSERTS
/// Checks an invariant; on in every build where NETRIG_ASSERTS is set (the default).
#define NETRIG_ASSERT(cond)                                                \
    do {                                                                   \
        if (!(cond)) [[unlikely]] {                                        \
            ::netrig::detail::assert_fail(#cond, __FILE__, __LINE__);      \
        }                                                                  \
    } while (false)
#else
#define NETRIG_ASSERT(cond) \
    do {                    \
        (void)sizeof(cond); \
    } while (false)
#endif
