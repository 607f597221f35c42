// SPDX-License-Identifier: MIT
// core: two interfaces talking through an in-test frame shuttle with explicit time: ARP
// resolution, ping (small and 5000-byte, which needs fragmentation both ways) and a UDP echo.
#include <gtest/gtest.h>

#include "core/test_support.hpp"

namespace netrig::core::testing {
namespace {

interface_config host(std::uint8_t n) {
    interface_config c;
    c.mac = wire::mac_address{{0x02, 0, 0, 0, 0, n}};
    c.address = wire::ipv4_cidr{wire::ipv4_address{10, 9, 0, n}, 24};
    return c;
}

class pair_test : public ::testing::Test {
protected:
    rng rng_a{11};
    rng rng_b{22};
    interface a{host(1), rng_a};
    interface b{host(2), rng_b};
    shuttle link{a, b};
    instant now{};
};

TEST_F(pair_test, gratuitous_arp_then_ping_resolves_both_caches) {
    auto ping = a.ping_open();
    ASSERT_TRUE(ping);
    const std::vector<std::uint8_t> data(56, 0x42);
    ASSERT_TRUE(a.ping_send(now, *ping, b.config().address.address, 1, data));
    std::vector<std::uint8_t> buf(100);
    std::optional<ping_reply> reply;
    ASSERT_TRUE(link.run(now, now + 5s, [&] {
        auto r = a.ping_recv(*ping, buf);
        if (r) {
            reply = *r;
        }
        return reply.has_value();
    }));
    EXPECT_EQ(reply->from, b.config().address.address);
    EXPECT_EQ(reply->seq, 1);
    EXPECT_EQ(reply->len, 56U);
    EXPECT_TRUE(std::all_of(buf.begin(), buf.begin() + 56, [](std::uint8_t x) { return x == 0x42; }));
    ASSERT_NE(a.arp().find(b.config().address.address), nullptr);
    EXPECT_EQ(a.arp().find(b.config().address.address)->mac, b.config().mac);
    ASSERT_NE(b.arp().find(a.config().address.address), nullptr);
    EXPECT_EQ(b.arp().find(a.config().address.address)->mac, a.config().mac);
    EXPECT_EQ(a.stats()[stat::arp_gratuitous_sent], 1U);
    EXPECT_EQ(a.stats().total_drops(), 0U);
    EXPECT_EQ(b.stats().total_drops(), 0U);
}

TEST_F(pair_test, ping_with_5000_bytes_is_fragmented_and_reassembled_both_ways) {
    auto ping = a.ping_open();
    std::vector<std::uint8_t> data(5000);
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<std::uint8_t>(i ^ (i >> 8U));
    }
    ASSERT_TRUE(a.ping_send(now, *ping, b.config().address.address, 9, data));
    std::vector<std::uint8_t> buf(6000);
    std::optional<ping_reply> reply;
    ASSERT_TRUE(link.run(now, now + 5s, [&] {
        auto r = a.ping_recv(*ping, buf);
        if (r) {
            reply = *r;
        }
        return reply.has_value();
    }));
    ASSERT_EQ(reply->len, 5000U);
    EXPECT_TRUE(std::equal(data.begin(), data.end(), buf.begin()));
    EXPECT_EQ(b.stats()[stat::reasm_completed], 1U);
    EXPECT_EQ(a.stats()[stat::reasm_completed], 1U);
    EXPECT_EQ(b.stats()[stat::ipv4_fragments_sent], 4U);
}

TEST_F(pair_test, udp_echo_round_trip) {
    auto server = b.udp_open();
    ASSERT_TRUE(b.udp_bind(*server, {{}, 7}));
    auto client = a.udp_open();
    ASSERT_TRUE(a.udp_connect(*client, {b.config().address.address, 7}));
    const std::vector<std::uint8_t> msg{'e', 'c', 'h', 'o', ' ', 'm', 'e'};
    ASSERT_TRUE(a.udp_send(now, *client, msg));
    std::vector<std::uint8_t> buf(100);
    std::vector<std::uint8_t> got;
    ASSERT_TRUE(link.run(now, now + 5s, [&] {
        if (auto r = b.udp_recv_from(*server, buf)) {
            EXPECT_TRUE(b.udp_send_to(now, *server, r->from, bytes{buf}.first(r->len)));
        }
        if (auto r = a.udp_recv_from(*client, buf)) {
            got.assign(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(r->len));
        }
        return !got.empty();
    }));
    EXPECT_EQ(got, msg);
    EXPECT_EQ(b.stats()[stat::udp_received], 1U);
}

TEST_F(pair_test, udp_to_a_closed_port_reports_port_unreachable_to_the_sender) {
    auto client = a.udp_open();
    ASSERT_TRUE(a.udp_connect(*client, {b.config().address.address, 9}));
    const std::uint8_t msg[] = {1};
    ASSERT_TRUE(a.udp_send(now, *client, msg));
    ASSERT_TRUE(link.run(now, now + 5s, [&] { return a.udp_readiness(*client).error; }));
    const auto e = a.udp_take_error(*client);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, 3);
    EXPECT_EQ(e->reporter, b.config().address.address);
}

}  // namespace
}  // namespace netrig::core::testing
