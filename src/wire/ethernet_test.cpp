// SPDX-License-Identifier: MIT
// wire: Ethernet II and ARP round trips and rejections.
#include <gtest/gtest.h>

#include <vector>

#include "wire/arp.hpp"
#include "wire/ethernet.hpp"

namespace netrig::wire {
namespace {

const mac_address mac_a{{0x02, 0, 0, 0, 0, 0x0a}};
const mac_address mac_b{{0x02, 0, 0, 0, 0, 0x0b}};

TEST(ethernet, round_trip_untagged) {
    const ethernet::repr r{mac_b, mac_a, ethernet::ethertype::ipv4, std::nullopt};
    std::vector<std::uint8_t> buf(r.buffer_len() + 4, 0xee);
    r.emit(buf);
    const std::vector<std::uint8_t> expected{0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a,
                                             0x08, 0x00, 0xee, 0xee, 0xee, 0xee};
    EXPECT_EQ(buf, expected);
    auto v = ethernet::view::parse(buf);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->payload().size(), 4U);
    EXPECT_FALSE(v->has_vlan());
    auto p = ethernet::repr::parse(*v);
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, r);
}

TEST(ethernet, round_trip_vlan_tag) {
    const ethernet::repr r{mac_b, mac_a, ethernet::ethertype::arp,
                           ethernet::vlan_tag{5, true, 0x123}};
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf);
    EXPECT_EQ(buf.size(), 18U);
    EXPECT_EQ(load_be16(buf, 12), 0x8100);
    EXPECT_EQ(load_be16(buf, 14), (5U << 13U) | (1U << 12U) | 0x123U);
    EXPECT_EQ(load_be16(buf, 16), 0x0806);
    auto v = ethernet::view::parse(buf).value();
    EXPECT_TRUE(v.has_vlan());
    EXPECT_EQ(v.ethertype(), ethernet::ethertype::arp);
    EXPECT_EQ(ethernet::repr::parse(v).value(), r);
}

TEST(ethernet, rejects_truncation_at_every_length) {
    std::vector<std::uint8_t> buf(18);
    ethernet::repr{mac_b, mac_a, ethernet::ethertype::ipv4, ethernet::vlan_tag{0, false, 7}}
        .emit(buf);
    for (std::size_t n = 0; n < buf.size(); ++n) {
        auto v = ethernet::view::parse(bytes{buf}.first(n));
        ASSERT_FALSE(v) << n;
        EXPECT_EQ(v.error(), parse_error::truncated);
    }
}

TEST(ethernet, repr_rejects_length_field_and_qinq) {
    std::vector<std::uint8_t> buf(20);
    store_be16(buf, 12, 0x05dc);  // an 802.3 length
    EXPECT_EQ(ethernet::repr::parse(ethernet::view::parse(buf).value()).error(),
              parse_error::unsupported);
    store_be16(buf, 12, 0x8100);
    store_be16(buf, 16, 0x8100);  // a second tag
    EXPECT_EQ(ethernet::repr::parse(ethernet::view::parse(buf).value()).error(),
              parse_error::unsupported);
}

TEST(arp, request_reply_round_trip) {
    const auto req = arp::make_request(mac_a, ipv4_address(10, 0, 0, 1), ipv4_address(10, 0, 0, 2));
    std::array<std::uint8_t, 28> buf{};
    req.emit(buf);
    EXPECT_EQ(load_be16(buf, arp::field::oper), 1);
    EXPECT_EQ(buf[arp::field::hlen], 6);
    auto v = arp::view::parse(buf);
    ASSERT_TRUE(v);
    EXPECT_EQ(arp::repr::parse(*v).value(), req);
    const auto rep = arp::make_reply(req, mac_b);
    EXPECT_EQ(rep.sender_ip, req.target_ip);
    EXPECT_EQ(rep.target_hw, mac_a);
    rep.emit(buf);
    EXPECT_EQ(arp::repr::parse(arp::view::parse(buf).value()).value(), rep);
}

TEST(arp, rejections) {
    std::array<std::uint8_t, 28> buf{};
    arp::make_request(mac_a, ipv4_address(10, 0, 0, 1), ipv4_address(10, 0, 0, 2)).emit(buf);
    for (std::size_t n = 0; n < buf.size(); ++n) {
        EXPECT_EQ(arp::view::parse(bytes{buf}.first(n)).error(), parse_error::truncated) << n;
    }
    auto bad = buf;
    bad[arp::field::htype + 1] = 6;  // IEEE 802 networks
    EXPECT_EQ(arp::view::parse(bad).error(), parse_error::unsupported);
    bad = buf;
    bad[arp::field::hlen] = 8;
    EXPECT_EQ(arp::view::parse(bad).error(), parse_error::bad_length);
    bad = buf;
    bad[arp::field::oper + 1] = 3;  // RARP request
    EXPECT_EQ(arp::repr::parse(arp::view::parse(bad).value()).error(), parse_error::unsupported);
}

}  // namespace
}  // namespace netrig::wire
