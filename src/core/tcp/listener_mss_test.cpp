// SPDX-License-Identifier: MIT
// core: the MSS a listener announces in its SYN-ACK and a connect announces in its SYN comes
// from the interface MTU (RFC 9293 §3.7.1) unless conn_config::mss caps it: two interfaces with
// a 9000-byte MTU negotiate 8960, a cap of 1000 wins, and a 1500-byte MTU gives 1460.
#include <gtest/gtest.h>

#include <optional>

#include "core/test_support.hpp"

namespace netrig::core::testing {
namespace {

using namespace std::chrono_literals;

interface_config host(std::uint8_t n, std::uint16_t mtu) {
    interface_config c;
    c.mac = wire::mac_address{{0x02, 0, 0, 0, 1, n}};
    c.address = wire::ipv4_cidr{wire::ipv4_address{10, 8, 0, n}, 24};
    c.mtu = mtu;
    c.limits.tcp_connections_max = 8;
    return c;
}

struct negotiated {
    std::uint32_t client_send_mss = 0;
    std::uint32_t server_send_mss = 0;
};

// a connects to b (both at `mtu`); client and listener use `cfg`. Returns both send MSSs.
std::optional<negotiated> handshake(std::uint16_t mtu, const tcp::conn_config& cfg) {
    rng ra{1};
    rng rb{2};
    interface a{host(1, mtu), ra};
    interface b{host(2, mtu), rb};
    shuttle link{a, b};
    instant now{};
    tcp_listen_config lc;
    lc.conn = cfg;
    auto l = b.tcp_listen(now, {{}, 80}, lc);
    EXPECT_TRUE(l);
    auto c = a.tcp_connect(now, {b.config().address.address, 80}, std::nullopt, cfg);
    EXPECT_TRUE(c);
    if (!l || !c) {
        return std::nullopt;
    }
    std::optional<tcp_handle> s;
    const bool up = link.run(now, now + 10s, [&] {
        if (!s) {
            if (auto r = b.tcp_accept(*l)) {
                s = *r;
            }
        }
        return s && a.tcp_readiness(*c).connected;
    });
    EXPECT_TRUE(up);
    if (!up || !s) {
        return std::nullopt;
    }
    return negotiated{.client_send_mss = a.tcp_info(*c)->send_mss,
                      .server_send_mss = b.tcp_info(*s)->send_mss};
}

constexpr std::uint32_t timestamp_option_bytes = 12;  // RFC 7323 §3.2, padded

TEST(listener_mss, rfc9293_3_7_1_mss_follows_a_jumbo_mtu_both_ways) {
    const auto n = handshake(9000, tcp::conn_config{});
    ASSERT_TRUE(n);
    EXPECT_EQ(n->client_send_mss, 9000U - 40U - timestamp_option_bytes);
    EXPECT_EQ(n->server_send_mss, 9000U - 40U - timestamp_option_bytes);
}

TEST(listener_mss, an_explicit_cap_below_the_mtu_wins) {
    tcp::conn_config cfg;
    cfg.mss = 1000;
    const auto n = handshake(9000, cfg);
    ASSERT_TRUE(n);
    EXPECT_EQ(n->client_send_mss, 1000U - timestamp_option_bytes);
    EXPECT_EQ(n->server_send_mss, 1000U - timestamp_option_bytes);
}

TEST(listener_mss, ethernet_mtu_gives_1460) {
    const auto n = handshake(1500, tcp::conn_config{});
    ASSERT_TRUE(n);
    EXPECT_EQ(n->client_send_mss, 1460U - timestamp_option_bytes);
    EXPECT_EQ(n->server_send_mss, 1460U - timestamp_option_bytes);
}

}  // namespace
}  // namespace netrig::core::testing
