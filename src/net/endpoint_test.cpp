// SPDX-License-Identifier: MIT
// net: endpoint parsing and formatting.
#include "net/endpoint.hpp"

#include <gtest/gtest.h>

#include "net/errc.hpp"

namespace netrig::net {
namespace {

TEST(endpoint, parses_address_and_port) {
    auto e = endpoint::parse("10.1.2.3:5201");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->address, wire::ipv4_address(10, 1, 2, 3));
    EXPECT_EQ(e->port, 5201);
    EXPECT_EQ(e->to_string(), "10.1.2.3:5201");
}

TEST(endpoint, parses_port_bounds) {
    EXPECT_EQ(endpoint::parse("0.0.0.0:0")->port, 0);
    EXPECT_EQ(endpoint::parse("127.0.0.1:65535")->port, 65535);
}

TEST(endpoint, rejects_malformed_text) {
    for (const char* text : {"", "1.2.3.4", "1.2.3.4:", ":80", "1.2.3.4:65536", "1.2.3.4:-1",
                             "1.2.3.4:+1", "1.2.3.4:80x", "1.2.3.4: 80", "1.2.3:80",
                             "256.1.1.1:80", "host:80", "1.2.3.4:80:80"}) {
        auto e = endpoint::parse(text);
        ASSERT_FALSE(e) << text;
        EXPECT_EQ(e.error(), errc::invalid_argument) << text;
    }
}

TEST(endpoint, round_trips_through_text) {
    const endpoint e{wire::ipv4_address(192, 168, 0, 254), 443};
    EXPECT_EQ(endpoint::parse(e.to_string()), e);
}

TEST(endpoint, helpers_build_loopback_and_any) {
    EXPECT_EQ(loopback(7).to_string(), "127.0.0.1:7");
    EXPECT_EQ(any_address(9).to_string(), "0.0.0.0:9");
}

}  // namespace
}  // namespace netrig::net
