// SPDX-License-Identifier: MIT
// net: error codes: category, messages, errno mapping, std::errc equivalence.
#include "net/errc.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace netrig::net {
namespace {

TEST(errc, codes_have_the_net_category_and_plain_messages) {
    const std::error_code ec = errc::refused;
    EXPECT_EQ(&ec.category(), &error_category());
    EXPECT_STREQ(ec.category().name(), "netrig.net");
    EXPECT_EQ(ec.message(), "connection refused by the peer");
    EXPECT_EQ(make_error_code(errc::reset).message(), "connection reset by the peer");
    EXPECT_EQ(make_error_code(errc::closed).message(), "socket is closed or shut down");
}

TEST(errc, every_value_has_its_own_message) {
    for (int v = static_cast<int>(errc::refused); v <= static_cast<int>(errc::io_error); ++v) {
        const auto e = static_cast<errc>(v);
        EXPECT_NE(describe(e), "unknown net error") << v;
        EXPECT_FALSE(describe(e).empty());
    }
}

TEST(errc, maps_errno_to_net_codes) {
    EXPECT_EQ(error_from_errno(ECONNREFUSED), errc::refused);
    EXPECT_EQ(error_from_errno(ECONNRESET), errc::reset);
    EXPECT_EQ(error_from_errno(EPIPE), errc::reset);
    EXPECT_EQ(error_from_errno(ETIMEDOUT), errc::timed_out);
    EXPECT_EQ(error_from_errno(ENETUNREACH), errc::unreachable);
    EXPECT_EQ(error_from_errno(EHOSTUNREACH), errc::unreachable);
    EXPECT_EQ(error_from_errno(EADDRINUSE), errc::address_in_use);
    EXPECT_EQ(error_from_errno(EADDRNOTAVAIL), errc::address_not_available);
    EXPECT_EQ(error_from_errno(ENOTCONN), errc::not_connected);
    EXPECT_EQ(error_from_errno(EACCES), errc::permission_denied);
    EXPECT_EQ(error_from_errno(ENOBUFS), errc::no_buffer_space);
    EXPECT_EQ(error_from_errno(EMFILE), errc::no_buffer_space);
    EXPECT_EQ(error_from_errno(EINVAL), errc::invalid_argument);
    EXPECT_EQ(error_from_errno(EOPNOTSUPP), errc::not_supported);
    EXPECT_EQ(error_from_errno(EAGAIN), errc::would_block);
    EXPECT_EQ(error_from_errno(EWOULDBLOCK), errc::would_block);
}

TEST(errc, unknown_errno_keeps_the_system_category) {
    const std::error_code ec = error_from_errno(EXDEV);
    EXPECT_EQ(&ec.category(), &std::system_category());
    EXPECT_EQ(ec.value(), EXDEV);
}

TEST(errc, net_codes_compare_equal_to_portable_conditions) {
    EXPECT_EQ(make_error_code(errc::refused), std::errc::connection_refused);
    EXPECT_EQ(make_error_code(errc::reset), std::errc::connection_reset);
    EXPECT_EQ(make_error_code(errc::timed_out), std::errc::timed_out);
    EXPECT_EQ(make_error_code(errc::canceled), std::errc::operation_canceled);
    EXPECT_NE(make_error_code(errc::refused), std::errc::connection_reset);
}

}  // namespace
}  // namespace netrig::net
