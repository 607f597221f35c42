// SPDX-License-Identifier: MIT
// sim: user stacks through the net API on the sim link and the sim executor (virtual time):
// two stacks on one sim network (UDP echo up to 65507 bytes, port unreachable on a connected
// socket, ping), the single stack's responder peer, destruction with a pending receive, config
// errors and the stats report.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <numeric>
#include <string>
#include <vector>

#include "net/errc.hpp"
#include "net/test_support.hpp"
#include "net/user_stack.hpp"
#include "sim_stack_config.hpp"
#include "runtime/sim_executor.hpp"
#include "runtime/sleep.hpp"
#include "runtime/timeout.hpp"

namespace netrig::net {
namespace {

using namespace std::chrono_literals;
using runtime::task;

using sim_test::cidr;
using sim_test::sim_config;

std::vector<std::uint8_t> pattern(std::size_t size, std::uint8_t salt) {
    std::vector<std::uint8_t> v(size);
    for (std::size_t i = 0; i < size; ++i) {
        v[i] = static_cast<std::uint8_t>(i * 7 + salt);
    }
    return v;
}

// Echoes `count` datagrams back to their senders.
task<void> echo_server(udp_socket& s, int count) {
    std::vector<std::uint8_t> buf(65535);
    for (int i = 0; i < count; ++i) {
        auto got = co_await s.recv_from(buf);
        if (!got) {
            co_return;
        }
        auto sent = co_await s.send_to(bytes{buf}.first(got->size), got->source);
        EXPECT_TRUE(sent) << sent.error().message();
    }
}

task<void> echo_sizes(udp_socket& client, endpoint server) {
    std::vector<std::uint8_t> buf(65535);
    std::uint8_t salt = 1;
    for (const std::size_t size : {1U, 1472U, 8000U, 65507U}) {
        const auto payload = pattern(size, salt++);
        auto sent = co_await client.send_to(payload, server);
        CO_ASSERT_TRUE(sent);
        EXPECT_EQ(*sent, size);
        auto got = co_await runtime::with_timeout(5s, client.recv_from(buf));
        CO_ASSERT_TRUE(got);
        EXPECT_EQ(got->source, server);
        EXPECT_EQ(got->size, size);
        EXPECT_FALSE(got->truncated);
        EXPECT_TRUE(std::equal(payload.begin(), payload.end(), buf.begin())) << "size " << size;
    }
    // One byte more than fits in an IPv4 datagram is refused locally.
    std::vector<std::uint8_t> too_big(65508);
    auto r = co_await client.send_to(too_big, server);
    CO_ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::message_too_long);
}

struct pair_fixture : ::testing::Test {
    runtime::sim_executor ex;
    std::unique_ptr<user_stack> a;
    std::unique_ptr<user_stack> b;
    void SetUp() override {
        auto p = make_user_stack_pair(sim_config("10.0.0.1/24", 1), sim_config("10.0.0.2/24", 2));
        ASSERT_TRUE(p) << p.error().message();
        a = std::move(p->first);
        b = std::move(p->second);
    }
};

TEST_F(pair_fixture, udp_echo_of_1_1472_8000_and_65507_bytes) {
    auto server = a->bind_udp(endpoint{{}, 7000});
    ASSERT_TRUE(server);
    auto client = b->bind_udp(endpoint{});
    ASSERT_TRUE(client);
    const auto local = client->local();
    ASSERT_TRUE(local);
    EXPECT_GE(local->port, 49152);  // RFC 6335 ephemeral range
    ex.spawn(echo_server(*server, 4));
    ex.run(echo_sizes(*client, endpoint{cidr("10.0.0.1/24").address, 7000}));
    EXPECT_GT(a->core_stats()[core::stat::reasm_completed], 0U);
    EXPECT_GT(b->core_stats()[core::stat::ipv4_fragments_sent], 0U);
    EXPECT_EQ(a->core_stats().total_drops(), 0U) << a->stats_report();
}

task<void> refused_after_port_unreachable(udp_socket& s, endpoint closed_port) {
    CO_ASSERT_TRUE(s.connect(closed_port));
    EXPECT_EQ(s.remote().value(), closed_port);
    const std::array<std::uint8_t, 4> data{1, 2, 3, 4};
    CO_ASSERT_TRUE(co_await s.send(data));
    std::array<std::uint8_t, 16> buf{};
    auto r = co_await runtime::with_timeout(2s, s.recv(buf));
    CO_ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::refused) << r.error().message();
    // The error is reported once; the socket stays usable.
    auto again = co_await s.send(data);
    EXPECT_TRUE(again);
}

TEST_F(pair_fixture, connected_socket_gets_refused_after_port_unreachable) {
    auto s = b->bind_udp(endpoint{});
    ASSERT_TRUE(s);
    ex.run(refused_after_port_unreachable(*s, endpoint{cidr("10.0.0.1/24").address, 9}));
    EXPECT_GT(a->core_stats()[core::stat::icmp_errors_sent], 0U);
}

task<void> unconnected_ignores_port_unreachable(udp_socket& s, endpoint closed_port) {
    const std::array<std::uint8_t, 4> data{1, 2, 3, 4};
    CO_ASSERT_TRUE(co_await s.send_to(data, closed_port));
    std::array<std::uint8_t, 16> buf{};
    auto r = co_await runtime::with_timeout(500ms, s.recv_from(buf));
    CO_ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), std::errc::timed_out);
}

TEST_F(pair_fixture, unconnected_socket_ignores_port_unreachable) {
    auto s = b->bind_udp(endpoint{});
    ASSERT_TRUE(s);
    ex.run(unconnected_ignores_port_unreachable(*s, endpoint{cidr("10.0.0.1/24").address, 9}));
}

task<void> ping_three(ping_socket& p, wire::ipv4_address to, std::size_t size) {
    std::vector<std::uint8_t> buf(65535);
    for (std::uint16_t seq = 1; seq <= 3; ++seq) {
        const auto payload = pattern(size, static_cast<std::uint8_t>(seq));
        const instant sent_at = runtime::now();
        CO_ASSERT_TRUE(co_await p.send(to, seq, payload));
        auto r = co_await runtime::with_timeout(2s, p.recv(buf));
        CO_ASSERT_TRUE(r);
        EXPECT_EQ(r->from, to);
        EXPECT_EQ(r->seq, seq);
        EXPECT_EQ(r->ttl, 64);
        EXPECT_EQ(r->size, size);
        EXPECT_FALSE(r->truncated);
        EXPECT_GE(r->arrival, sent_at);
        EXPECT_TRUE(std::equal(payload.begin(), payload.end(), buf.begin()));
    }
    // A reply larger than the buffer is cut and flagged.
    CO_ASSERT_TRUE(co_await p.send(to, 4, pattern(100, 4)));
    std::array<std::uint8_t, 10> small{};
    auto r = co_await runtime::with_timeout(2s, p.recv(small));
    CO_ASSERT_TRUE(r);
    EXPECT_EQ(r->size, 10U);
    EXPECT_TRUE(r->truncated);
}

TEST_F(pair_fixture, ping_between_stacks_small_and_fragmented) {
    auto p = b->open_ping();
    ASSERT_TRUE(p) << p.error().message();
    EXPECT_TRUE(p->ident());
    ex.run(ping_three(*p, cidr("10.0.0.1/24").address, 56));
    ex.run(ping_three(*p, cidr("10.0.0.1/24").address, 5000));
    EXPECT_GE(a->core_stats()[core::stat::icmp_echo_replies_sent], 8U);
}

task<void> recv_until_closed(udp_socket s, std::error_code& out, bool& done) {
    std::array<std::uint8_t, 16> buf{};
    auto r = co_await s.recv_from(buf);
    out = r ? std::error_code{} : r.error();
    done = true;
}

task<void> destroy_after(std::unique_ptr<user_stack>& st, bool& done) {
    (void)co_await runtime::sleep_for(10ms);
    EXPECT_FALSE(done);
    st.reset();
    // The woken receiver runs at the next loop turn.
    (void)co_await runtime::sleep_for(1ms);
    EXPECT_TRUE(done);
}

TEST_F(pair_fixture, destroying_the_stack_ends_a_pending_recv_with_closed) {
    auto s = a->bind_udp(endpoint{{}, 5000});
    ASSERT_TRUE(s);
    std::error_code ec;
    bool done = false;
    ex.spawn(recv_until_closed(std::move(*s), ec, done));
    ex.run(destroy_after(a, done));
    EXPECT_TRUE(done);
    EXPECT_EQ(ec, errc::closed);
}

task<void> closed_socket_ops(udp_socket& s, ping_socket& p) {
    s.close();
    p.close();
    std::array<std::uint8_t, 4> buf{};
    auto r = co_await s.recv_from(buf);
    EXPECT_EQ(r.error(), errc::closed);
    auto w = co_await s.send_to(buf, endpoint{wire::ipv4_address{10, 0, 0, 1}, 1});
    EXPECT_EQ(w.error(), errc::closed);
    auto pr = co_await p.recv(buf);
    EXPECT_EQ(pr.error(), errc::closed);
    EXPECT_EQ(p.ident().error(), errc::closed);
}

TEST_F(pair_fixture, sockets_outliving_their_stack_are_closed) {
    auto s = a->bind_udp(endpoint{});
    auto p = a->open_ping();
    ASSERT_TRUE(s && p);
    a.reset();
    EXPECT_FALSE(s->is_open());
    EXPECT_FALSE(p->is_open());
    ex.run(closed_socket_ops(*s, *p));
}

TEST_F(pair_fixture, bind_errors_match_the_kernel_stack) {
    auto first = a->bind_udp(endpoint{{}, 4000});
    ASSERT_TRUE(first);
    auto again = a->bind_udp(endpoint{{}, 4000});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error(), errc::address_in_use);
    auto foreign = a->bind_udp(endpoint{wire::ipv4_address{10, 0, 0, 99}, 0});
    ASSERT_FALSE(foreign);
    EXPECT_EQ(foreign.error(), errc::address_not_available);
    auto ours = a->bind_udp(endpoint{wire::ipv4_address{10, 0, 0, 1}, 4001});
    ASSERT_TRUE(ours);
    EXPECT_EQ(ours->local().value(), (endpoint{wire::ipv4_address{10, 0, 0, 1}, 4001}));
    auto off_link = ours->connect(endpoint{wire::ipv4_address{192, 168, 1, 1}, 53});
    ASSERT_FALSE(off_link);
    EXPECT_EQ(off_link.error(), errc::unreachable);
    EXPECT_EQ(ours->remote().error(), errc::not_connected);
    first->close();
    auto reuse = a->bind_udp(endpoint{{}, 4000});
    EXPECT_TRUE(reuse);
}

TEST_F(pair_fixture, tcp_connect_to_a_closed_port_is_refused) {
    // TCP itself is tested in net_user_tcp_test.
    auto r = ex.run(a->connect(endpoint{wire::ipv4_address{10, 0, 0, 2}, 80}));
    EXPECT_EQ(r.error(), errc::refused);
    EXPECT_EQ(a->name(), "user");
}

TEST_F(pair_fixture, stats_report_names_link_and_core_counters) {
    auto s = b->bind_udp(endpoint{});
    ASSERT_TRUE(s);
    const std::string report = a->stats_report();
    EXPECT_NE(report.find("link.type sim\n"), std::string::npos);
    EXPECT_NE(report.find("link.mtu 1500\n"), std::string::npos);
    EXPECT_NE(report.find("link.drop.loss 0\n"), std::string::npos);
    EXPECT_NE(report.find("core.tx_frames "), std::string::npos);
    EXPECT_NE(report.find("core.drop.udp_no_socket "), std::string::npos);
    EXPECT_EQ(a->link(), link_type::sim);
    EXPECT_EQ(a->mtu(), 1500);
    EXPECT_EQ(a->address(), cidr("10.0.0.1/24"));
}

// ---- single stack with the responder peer ---------------------------------------------------

task<void> responder_scenario(user_stack& st, wire::ipv4_address peer) {
    auto p = st.open_ping();
    CO_ASSERT_TRUE(p);
    co_await ping_three(*p, peer, 1000);
    auto u = st.bind_udp(endpoint{});
    CO_ASSERT_TRUE(u);
    co_await echo_sizes(*u, endpoint{peer, sim_responder_echo_port});
    // Other ports are closed: a connected socket sees the port unreachable.
    auto c = st.bind_udp(endpoint{});
    CO_ASSERT_TRUE(c);
    co_await refused_after_port_unreachable(*c, endpoint{peer, 8});
}

TEST(user_stack_sim, single_stack_talks_to_the_responder) {
    runtime::sim_executor ex;
    auto st = make_user_stack(sim_config("10.0.0.1/24"));
    ASSERT_TRUE(st) << st.error().message();
    EXPECT_EQ(sim_responder_address(cidr("10.0.0.1/24")).value(), (wire::ipv4_address{10, 0, 0, 2}));
    EXPECT_EQ(sim_responder_address(cidr("10.0.0.2/24")).value(), (wire::ipv4_address{10, 0, 0, 1}));
    EXPECT_EQ(sim_responder_address(cidr("10.0.0.5/24")).value(), (wire::ipv4_address{10, 0, 0, 1}));
    ex.run(responder_scenario(**st, wire::ipv4_address{10, 0, 0, 2}));
    EXPECT_GT((*st)->core_stats()[core::stat::ping_replies_received], 0U);
}

TEST(user_stack_sim, stack_made_before_the_executor_attaches_on_first_socket) {
    auto st = make_user_stack(sim_config("10.9.0.2/16"));
    ASSERT_TRUE(st);
    {
        runtime::sim_executor ex;
        auto p = (*st)->open_ping();
        ASSERT_TRUE(p);
        ex.run(ping_three(*p, wire::ipv4_address{10, 9, 0, 1}, 8));
        st->reset();  // before the executor goes
    }
}

TEST(user_stack_sim, config_errors_are_invalid_argument) {
    runtime::sim_executor ex;
    const auto expect_invalid = [](const user_stack_config& c) {
        auto r = make_user_stack(c);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), errc::invalid_argument);
    };
    expect_invalid(sim_config("10.0.0.0/24"));    // network address
    expect_invalid(sim_config("10.0.0.255/24"));  // broadcast address
    expect_invalid(sim_config("10.0.0.1/31"));    // no room for the responder
    auto bad_impair = sim_config("10.0.0.1/24");
    bad_impair.impairments = "loss=banana";
    expect_invalid(bad_impair);
    auto bad_mtu = sim_config("10.0.0.1/24");
    bad_mtu.mtu = 60;
    expect_invalid(bad_mtu);
    auto bad_gw = sim_config("10.0.0.1/24");
    bad_gw.gateway = wire::ipv4_address{192, 168, 0, 1};
    expect_invalid(bad_gw);
    auto tap_without_name = sim_config("10.0.0.1/24");
    tap_without_name.link = link_type::tap;
    expect_invalid(tap_without_name);
    auto same = make_user_stack_pair(sim_config("10.0.0.1/24"), sim_config("10.0.0.1/24"));
    ASSERT_FALSE(same);
    EXPECT_EQ(same.error(), errc::invalid_argument);
}

TEST(user_stack_sim, missing_tap_device_passes_the_link_error_through) {
    auto c = sim_config("10.0.0.1/24");
    c.link = link_type::tap;
    c.device = "netrig-nx" + std::to_string(::getpid() % 100000);
    auto r = make_user_stack(c);
    ASSERT_FALSE(r);
    EXPECT_STREQ(r.error().category().name(), "netrig.link");
    EXPECT_FALSE(r.error().message().empty());
}

}  // namespace
}  // namespace netrig::net
