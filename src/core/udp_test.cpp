// SPDX-License-Identifier: MIT
// core: UDP sockets (RFC 768): bind, connect, send, receive, queue bounds, checksums,
// ephemeral ports, handles and readiness events.
#include "core/interface_fixture.hpp"

namespace netrig::core::testing {
namespace {

using udp_test = interface_test;

TEST_F(udp_test, bound_socket_receives_and_sends) {
    learn_peer(at(0s));
    auto sock = iface->udp_open();
    ASSERT_TRUE(sock);
    ASSERT_TRUE(iface->udp_bind(*sock, {{}, 5000}));
    EXPECT_FALSE(iface->udp_readiness(*sock).readable);
    const std::uint8_t data[] = {'h', 'i', '!'};
    iface->receive(at(1s), from_peer(peer_header(ipv4::protocol::udp),
                                     udp_datagram(peer_ip, our_ip, 6000, 5000, data)));
    EXPECT_TRUE(iface->udp_readiness(*sock).readable);
    std::uint8_t buf[64];
    const auto r = iface->udp_recv_from(*sock, buf);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->from, (udp_endpoint{peer_ip, 6000}));
    EXPECT_EQ(r->to, our_ip);
    ASSERT_EQ(r->len, 3U);
    EXPECT_EQ(r->datagram_len, 3U);
    EXPECT_TRUE(std::equal(data, data + 3, buf));
    EXPECT_EQ(iface->udp_recv_from(*sock, buf).error(), make_error_code(errc::would_block));

    ASSERT_TRUE(iface->udp_send_to(at(2s), *sock, r->from, bytes{buf, 3}));
    const auto frames = out(at(2s));
    ASSERT_EQ(frames.size(), 1U);
    const auto d = decode(frames[0]);
    ASSERT_TRUE(d && d->ip);
    EXPECT_EQ(d->ip->protocol, ipv4::protocol::udp);
    EXPECT_FALSE(d->ip->dont_frag);
    const auto uv = udp::view::parse(d->ip_payload);
    ASSERT_TRUE(uv);
    const auto u = udp::repr::parse(*uv, our_ip, peer_ip);  // Checksum verifies.
    ASSERT_TRUE(u);
    EXPECT_NE(load_be16(d->ip_payload, 6), 0);
    EXPECT_EQ(u->source_port, 5000);
    EXPECT_EQ(u->destination_port, 6000);
    EXPECT_TRUE(std::equal(u->payload.begin(), u->payload.end(), data));
}

TEST_F(udp_test, truncates_to_the_callers_buffer_and_reports_the_full_length) {
    auto sock = iface->udp_open();
    ASSERT_TRUE(iface->udp_bind(*sock, {{}, 5000}));
    const std::vector<std::uint8_t> data(100, 7);
    iface->receive(at(0s), from_peer(peer_header(ipv4::protocol::udp),
                                     udp_datagram(peer_ip, our_ip, 6000, 5000, data)));
    std::uint8_t buf[10];
    const auto r = iface->udp_recv_from(*sock, buf);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->len, 10U);
    EXPECT_EQ(r->datagram_len, 100U);
    EXPECT_FALSE(iface->udp_readiness(*sock).readable);
}

TEST_F(udp_test, connected_socket_sends_to_its_peer_and_filters_sources) {
    learn_peer(at(0s));
    auto sock = iface->udp_open();
    ASSERT_EQ(iface->udp_send(at(0s), *sock, {}).error(), make_error_code(errc::not_connected));
    ASSERT_TRUE(iface->udp_connect(*sock, {peer_ip, 6000}));
    const auto local = iface->udp_local_endpoint(*sock);
    ASSERT_TRUE(local);
    EXPECT_GE(local->port, 49152);  // connect() bound an ephemeral port.
    const std::uint8_t data[] = {1};
    iface->receive(at(1s), from_peer(peer_header(ipv4::protocol::udp),
                                     udp_datagram(peer_ip, our_ip, 6001, local->port, data)));
    EXPECT_EQ(drops(drop_reason::udp_no_socket), 1U);
    EXPECT_FALSE(iface->udp_readiness(*sock).readable);
    iface->receive(at(1s), from_peer(peer_header(ipv4::protocol::udp),
                                     udp_datagram(peer_ip, our_ip, 6000, local->port, data)));
    EXPECT_TRUE(iface->udp_readiness(*sock).readable);
    out(at(1s));
    ASSERT_TRUE(iface->udp_send(at(2s), *sock, data));
    const auto frames = out(at(2s));
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(load_be16(decode(frames[0])->ip_payload, 2), 6000);
}

TEST_F(udp_test, receive_queue_is_bounded_in_count_and_bytes) {
    cfg.limits.udp_rx_datagrams_max = 4;
    cfg.limits.udp_rx_bytes_max = 3000;
    make();
    auto sock = iface->udp_open();
    ASSERT_TRUE(iface->udp_bind(*sock, {{}, 5000}));
    const std::uint8_t small[] = {1};
    for (int i = 0; i < 6; ++i) {
        iface->receive(at(0s), from_peer(peer_header(ipv4::protocol::udp),
                                         udp_datagram(peer_ip, our_ip, 6000, 5000, small)));
    }
    EXPECT_EQ(drops(drop_reason::udp_queue_full_count), 2U);
    std::uint8_t buf[2000];
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(iface->udp_recv_from(*sock, buf));
    }
    const std::vector<std::uint8_t> big(1400, 2);
    for (int i = 0; i < 3; ++i) {
        iface->receive(at(0s), from_peer(peer_header(ipv4::protocol::udp),
                                         udp_datagram(peer_ip, our_ip, 6000, 5000, big)));
    }
    EXPECT_EQ(drops(drop_reason::udp_queue_full_bytes), 1U);
    // What was queued comes out intact, across the ring's wrap-around.
    for (int i = 0; i < 2; ++i) {
        const auto r = iface->udp_recv_from(*sock, buf);
        ASSERT_TRUE(r);
        ASSERT_EQ(r->len, 1400U);
        EXPECT_TRUE(std::all_of(buf, buf + 1400, [](std::uint8_t b) { return b == 2; }));
    }
}

TEST_F(udp_test, zero_checksum_is_accepted_and_a_bad_one_dropped) {
    auto sock = iface->udp_open();
    ASSERT_TRUE(iface->udp_bind(*sock, {{}, 5000}));
    const std::uint8_t data[] = {1, 2, 3};
    frame d = udp_datagram(peer_ip, our_ip, 6000, 5000, data);
    store_be16(d, 6, 0);  // RFC 768: no checksum.
    iface->receive(at(0s), from_peer(peer_header(ipv4::protocol::udp), d));
    EXPECT_TRUE(iface->udp_readiness(*sock).readable);
    d = udp_datagram(peer_ip, our_ip, 6000, 5000, data);
    d[8] ^= 0x01U;
    iface->receive(at(0s), from_peer(peer_header(ipv4::protocol::udp), d));
    EXPECT_EQ(drops(drop_reason::udp_bad_checksum), 1U);
    d = udp_datagram(peer_ip, our_ip, 6000, 5000, data);
    store_be16(d, 4, 200);  // Length beyond the IP payload.
    iface->receive(at(0s), from_peer(peer_header(ipv4::protocol::udp), d));
    EXPECT_EQ(drops(drop_reason::udp_bad_length), 1U);
    iface->receive(at(0s), from_peer(peer_header(ipv4::protocol::udp), bytes{d}.first(5)));
    EXPECT_EQ(drops(drop_reason::udp_truncated), 1U);
}

TEST_F(udp_test, checksum_offload_writes_the_pseudo_header_sum) {
    cfg.checksum.tx_fill = true;
    make();
    learn_peer(at(0s));
    auto sock = iface->udp_open();
    const std::uint8_t data[] = {1, 2, 3};
    ASSERT_TRUE(iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, data));
    const auto frames = out(at(0s));
    const auto d = decode(frames.at(0));
    EXPECT_EQ(load_be16(d->ip_payload, 6),
              wire::ipv4_pseudo_header_sum(our_ip, peer_ip, ipv4::protocol::udp, 11));
}

TEST_F(udp_test, ephemeral_ports_are_deterministic_by_seed) {
    const auto port_with_seed = [&](std::uint64_t seed) {
        rng r{seed};
        interface i{cfg, r};
        auto s = i.udp_open();
        EXPECT_TRUE(i.udp_bind(*s, {}));
        return i.udp_local_endpoint(*s)->port;
    };
    const std::uint16_t a = port_with_seed(7);
    EXPECT_EQ(a, port_with_seed(7));
    EXPECT_GE(a, 49152);
    std::set<std::uint16_t> ports;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        ports.insert(port_with_seed(seed));
    }
    EXPECT_GT(ports.size(), 15U);  // Different seeds spread over the range.
}

TEST_F(udp_test, bind_conflicts_and_stale_handles_are_errors) {
    auto a = iface->udp_open();
    auto b = iface->udp_open();
    ASSERT_TRUE(iface->udp_bind(*a, {{}, 5000}));
    EXPECT_EQ(iface->udp_bind(*b, {{}, 5000}).error(), make_error_code(errc::address_in_use));
    EXPECT_EQ(iface->udp_bind(*b, {{10, 0, 0, 99}, 5001}).error(),
              make_error_code(errc::invalid_argument));
    iface->udp_close(*a);
    std::uint8_t buf[4];
    EXPECT_EQ(iface->udp_recv_from(*a, buf).error(), make_error_code(errc::invalid_handle));
    auto c = iface->udp_open();  // Reuses a's slot with a new generation.
    ASSERT_TRUE(c);
    EXPECT_EQ(c->index, a->index);
    EXPECT_NE(c->generation, a->generation);
    EXPECT_EQ(iface->udp_recv_from(*a, buf).error(), make_error_code(errc::invalid_handle));
    EXPECT_TRUE(iface->udp_bind(*b, {{}, 5000}));  // Freed by the close.
    EXPECT_EQ(make_error_code(errc::would_block).message(), "would_block");
}

TEST_F(udp_test, socket_table_is_bounded) {
    cfg.limits.udp_sockets_max = 2;
    make();
    ASSERT_TRUE(iface->udp_open());
    ASSERT_TRUE(iface->udp_open());
    EXPECT_EQ(iface->udp_open().error(), make_error_code(errc::table_full));
}

TEST_F(udp_test, events_report_each_changed_socket_once) {
    auto a = iface->udp_open();
    auto b = iface->udp_open();
    ASSERT_TRUE(iface->udp_bind(*a, {{}, 5000}));
    ASSERT_TRUE(iface->udp_bind(*b, {{}, 5001}));
    const std::uint8_t data[] = {1};
    for (int i = 0; i < 3; ++i) {
        iface->receive(at(0s), from_peer(peer_header(ipv4::protocol::udp),
                                         udp_datagram(peer_ip, our_ip, 6000, 5000, data)));
    }
    std::vector<socket_event> events;
    iface->take_events([&](const socket_event& ev) { events.push_back(ev); });
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].index, a->index);
    EXPECT_EQ(events[0].generation, a->generation);
    EXPECT_TRUE(events[0].ready.readable);
    EXPECT_TRUE(events[0].ready.writable);
    events.clear();
    iface->take_events([&](const socket_event& ev) { events.push_back(ev); });
    EXPECT_TRUE(events.empty());
}

TEST_F(udp_test, full_transmit_queue_blocks_then_wakes_writers) {
    cfg.limits.tx_frames_max = 2;
    make();
    learn_peer(at(0s));
    auto sock = iface->udp_open();
    const std::uint8_t data[] = {1};
    ASSERT_TRUE(iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, data));
    ASSERT_TRUE(iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, data));
    EXPECT_FALSE(iface->udp_readiness(*sock).writable);
    EXPECT_EQ(iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, data).error(),
              make_error_code(errc::would_block));
    EXPECT_EQ(drops(drop_reason::tx_queue_full), 1U);
    iface->take_events([](const socket_event&) {});
    EXPECT_EQ(out(at(0s)).size(), 2U);
    int woken = 0;
    iface->take_events([&](const socket_event& ev) { woken += ev.ready.writable ? 1 : 0; });
    EXPECT_EQ(woken, 1);
}

TEST_F(udp_test, oversized_payload_is_rejected) {
    auto sock = iface->udp_open();
    const std::vector<std::uint8_t> data(65508, 0);
    EXPECT_EQ(iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, data).error(),
              make_error_code(errc::message_too_long));
}

}  // namespace
}  // namespace netrig::core::testing
