// SPDX-License-Identifier: MIT
// wire: tests of mac_address, ipv4_address and ipv4_cidr.
#include "wire/address.hpp"

#include <gtest/gtest.h>

namespace netrig::wire {
namespace {

TEST(mac_address, parse_and_format_round_trip) {
    auto m = mac_address::parse("02:AB:cd:00:11:ff");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->to_string(), "02:ab:cd:00:11:ff");
    EXPECT_EQ(m->octets()[1], 0xab);
    EXPECT_TRUE(mac_address::parse("02-ab-cd-00-11-ff"));
    EXPECT_FALSE(m->is_multicast());
    EXPECT_TRUE(m->is_unicast());
}

TEST(mac_address, parse_rejects_malformed) {
    for (const char* bad : {"", "02:ab:cd:00:11", "02:ab:cd:00:11:ff:", "02:ab:cd:00:11:fg",
                            "02:ab-cd:00:11:ff", "02ab:cd:00:11:ff:", "02:ab:cd:00:11:f"}) {
        auto r = mac_address::parse(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error(), parse_error::bad_address);
    }
}

TEST(mac_address, broadcast_and_multicast) {
    EXPECT_TRUE(mac_address::broadcast().is_broadcast());
    EXPECT_TRUE(mac_address::broadcast().is_multicast());
    EXPECT_TRUE(mac_address::parse("01:00:5e:00:00:01")->is_multicast());
    EXPECT_FALSE(mac_address{}.is_unicast());
}

TEST(mac_address, bytes_round_trip) {
    const std::array<std::uint8_t, 6> raw{1, 2, 3, 4, 5, 6};
    const auto m = mac_address::from_bytes(raw);
    std::array<std::uint8_t, 6> out{};
    m.write_to(out);
    EXPECT_EQ(out, raw);
}

TEST(ipv4_address, parse_and_format) {
    auto a = ipv4_address::parse("10.0.0.1");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_u32(), 0x0a000001U);
    EXPECT_EQ(a->to_string(), "10.0.0.1");
    EXPECT_EQ(*a, ipv4_address(10, 0, 0, 1));
    EXPECT_EQ(ipv4_address::parse("255.255.255.255").value(), ipv4_address::broadcast());
    EXPECT_EQ(ipv4_address::parse("0.0.0.0").value(), ipv4_address::any());
}

TEST(ipv4_address, parse_rejects_malformed) {
    for (const char* bad : {"", "1", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "256.0.0.1", "01.2.3.4",
                            "1..2.3", "1.2.3.4 ", "a.b.c.d", "1.2.3.1000", "-1.2.3.4"}) {
        auto r = ipv4_address::parse(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error(), parse_error::bad_address);
    }
}

TEST(ipv4_address, classes_and_order) {
    EXPECT_TRUE(ipv4_address(127, 0, 0, 1).is_loopback());
    EXPECT_TRUE(ipv4_address(224, 0, 0, 251).is_multicast());
    EXPECT_TRUE(ipv4_address(239, 255, 255, 255).is_multicast());
    EXPECT_FALSE(ipv4_address(240, 0, 0, 1).is_multicast());
    EXPECT_TRUE(ipv4_address(169, 254, 1, 1).is_link_local());
    EXPECT_LT(ipv4_address(10, 0, 0, 1), ipv4_address(10, 0, 0, 2));
    EXPECT_LT(ipv4_address(9, 255, 255, 255), ipv4_address(10, 0, 0, 0));
}

TEST(ipv4_address, bytes_round_trip) {
    const std::array<std::uint8_t, 4> raw{192, 168, 1, 20};
    const auto a = ipv4_address::from_bytes(raw);
    EXPECT_EQ(a, ipv4_address(192, 168, 1, 20));
    std::array<std::uint8_t, 4> out{};
    a.write_to(out);
    EXPECT_EQ(out, raw);
}

TEST(ipv4_cidr, parse_and_subnet_helpers) {
    auto c = ipv4_cidr::parse("10.1.2.3/24");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->prefix_len, 24);
    EXPECT_EQ(c->address, ipv4_address(10, 1, 2, 3));
    EXPECT_EQ(c->netmask(), ipv4_address(255, 255, 255, 0));
    EXPECT_EQ(c->network(), ipv4_address(10, 1, 2, 0));
    EXPECT_EQ(c->broadcast(), ipv4_address(10, 1, 2, 255));
    EXPECT_TRUE(c->contains(ipv4_address(10, 1, 2, 200)));
    EXPECT_FALSE(c->contains(ipv4_address(10, 1, 3, 1)));
    EXPECT_EQ(c->to_string(), "10.1.2.3/24");
}

TEST(ipv4_cidr, edge_prefixes) {
    auto all = ipv4_cidr::parse("0.0.0.0/0").value();
    EXPECT_EQ(all.netmask(), ipv4_address::any());
    EXPECT_TRUE(all.contains(ipv4_address(8, 8, 8, 8)));
    auto host = ipv4_cidr::parse("10.0.0.7/32").value();
    EXPECT_EQ(host.netmask(), ipv4_address::broadcast());
    EXPECT_TRUE(host.contains(ipv4_address(10, 0, 0, 7)));
    EXPECT_FALSE(host.contains(ipv4_address(10, 0, 0, 6)));
    auto p31 = ipv4_cidr::parse("10.0.0.1/31").value();
    EXPECT_EQ(p31.network(), ipv4_address(10, 0, 0, 0));
    EXPECT_EQ(p31.broadcast(), ipv4_address(10, 0, 0, 1));
}

TEST(ipv4_cidr, parse_rejects_malformed) {
    for (const char* bad : {"10.0.0.1", "10.0.0.1/", "10.0.0.1/33", "10.0.0.1/024", "10.0.0/8",
                            "10.0.0.1/8x", "/8"}) {
        auto r = ipv4_cidr::parse(bad);
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error(), parse_error::bad_address);
    }
}

TEST(parse_error, names_and_category) {
    EXPECT_EQ(to_string(parse_error::bad_checksum), "bad_checksum");
    const std::error_code ec = parse_error::truncated;
    EXPECT_EQ(ec.category().name(), std::string_view{"netrig.wire.parse"});
    EXPECT_EQ(ec.message(), "truncated");
}

}  // namespace
}  // namespace netrig::wire
