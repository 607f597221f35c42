// SPDX-License-Identifier: MIT
// base: the result type for operational errors and malformed input (tl::expected, Debian's
// libexpected-dev), and the two propagation macros.
#pragma once

#include <tl/expected.hpp>

namespace netrig {

/// A value or an error. Same API as C++23 std::expected (has_value, value, error, and_then,
/// transform, or_else), so a later toolchain can swap it for std::expected.
template <class T, class E>
using result = tl::expected<T, E>;

/// Wraps an error for returning from a function that returns result<T, E>. A class rather than
/// an alias template because clang 14 cannot deduce template arguments through an alias
/// (`unexpected(e)` must work with both compilers).
template <class E>
class unexpected : public tl::unexpected<E> {
public:
    using tl::unexpected<E>::unexpected;
};
template <class E>
unexpected(E) -> unexpected<E>;

}  // namespace netrig

/// Evaluates a result<void-or-T, E>; on error returns its error from the enclosing function.
#define NETRIG_TRY(expr)                                         \
    do {                                                         \
        auto netrig_try_r_ = (expr);                             \
        if (!netrig_try_r_) {                                    \
            return ::netrig::unexpected(netrig_try_r_.error());  \
        }                                                        \
    } while (false)

#define NETRIG_CONCAT_INNER_(a, b) a##b
#define NETRIG_CONCAT_(a, b) NETRIG_CONCAT_INNER_(a, b)
#define NETRIG_TRY_ASSIGN_IMPL_(tmp, lhs, expr)    \
    auto tmp = (expr);                             \
    if (!tmp) {                                    \
        return ::netrig::unexpected(tmp.error());  \
    }                                              \
    lhs = std::move(*tmp)

/// Evaluates a result<T, E>; on error returns its error, otherwise assigns the value to lhs
/// (which may be a declaration: NETRIG_TRY_ASSIGN(auto v, parse(b));).
#define NETRIG_TRY_ASSIGN(lhs, expr) \
    NETRIG_TRY_ASSIGN_IMPL_(NETRIG_CONCAT_(netrig_try_a_, __LINE__), lhs, expr)
