// SPDX-License-Identifier: MIT
// core: ICMP echo, port unreachable with rate limiting, incoming errors to UDP sockets, and
// fragmentation-needed feeding the path-MTU cache (RFC 792, RFC 1122 §3.2.2, RFC 1191).
#include "core/interface_fixture.hpp"

namespace netrig::core::testing {
namespace {

using icmp_test = interface_test;

frame echo_request(std::uint16_t ident, std::uint16_t seq, bytes data) {
    return icmp_message(type_byte(icmpv4::message_type::echo_request), 0,
                        (std::uint32_t{ident} << 16U) | seq, data);
}

TEST_F(icmp_test, echo_reply_carries_the_request_content) {
    learn_peer(at(0s));
    const std::uint8_t data[] = {'n', 'e', 't', 'r', 'i', 'g', 0, 255};
    const frame request = echo_request(0xbeef, 42, data);
    iface->receive(at(1s), from_peer(peer_header(ipv4::protocol::icmp), request));
    const auto frames = out(at(1s));
    ASSERT_EQ(frames.size(), 1U);
    const auto d = decode(frames[0]);
    ASSERT_TRUE(d && d->ip);
    EXPECT_EQ(d->eth.destination, peer_mac);
    EXPECT_EQ(d->ip->source, our_ip);
    EXPECT_EQ(d->ip->destination, peer_ip);
    EXPECT_EQ(d->ip->protocol, ipv4::protocol::icmp);
    ASSERT_EQ(d->ip_payload.size(), request.size());
    EXPECT_EQ(d->ip_payload[0], type_byte(icmpv4::message_type::echo_reply));
    EXPECT_EQ(d->ip_payload[1], 0);
    EXPECT_EQ(wire::internet_checksum(d->ip_payload), 0);
    // Identifier, sequence number and data are echoed unchanged (RFC 792).
    EXPECT_TRUE(std::equal(d->ip_payload.begin() + 4, d->ip_payload.end(), request.begin() + 4));
    EXPECT_EQ(iface->stats()[stat::icmp_echo_replies_sent], 1U);
}

TEST_F(icmp_test, bad_checksum_truncated_and_broadcast_echo_are_dropped) {
    learn_peer(at(0s));
    const std::uint8_t data[] = {1, 2};
    frame request = echo_request(1, 1, data);
    request[8] ^= 0xffU;
    iface->receive(at(1s), from_peer(peer_header(ipv4::protocol::icmp), request));
    EXPECT_EQ(drops(drop_reason::icmp_bad_checksum), 1U);
    iface->receive(at(1s), from_peer(peer_header(ipv4::protocol::icmp), bytes{request}.first(5)));
    EXPECT_EQ(drops(drop_reason::icmp_truncated), 1U);
    auto h = peer_header(ipv4::protocol::icmp);
    h.destination = {10, 0, 0, 255};
    iface->receive(at(1s), from_peer(h, echo_request(1, 1, data)));
    EXPECT_EQ(drops(drop_reason::icmp_echo_to_broadcast), 1U);
    iface->receive(at(1s),
                   from_peer(peer_header(ipv4::protocol::icmp), icmp_message(13, 0, 0, data)));
    EXPECT_EQ(drops(drop_reason::icmp_unknown_type), 1U);
    EXPECT_TRUE(out(at(1s)).empty());
}

TEST_F(icmp_test, port_unreachable_is_sent_for_closed_ports_and_rate_limited) {
    learn_peer(at(0s));
    const std::uint8_t data[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const frame dgram = udp_datagram(peer_ip, our_ip, 40000, 9999, data);
    for (int i = 0; i < 15; ++i) {
        iface->receive(at(1s), from_peer(peer_header(ipv4::protocol::udp), dgram));
    }
    EXPECT_EQ(drops(drop_reason::udp_no_socket), 15U);
    EXPECT_EQ(drops(drop_reason::icmp_rate_limited), 5U);  // Burst of 10.
    auto frames = out(at(1s));
    ASSERT_EQ(frames.size(), 10U);
    const auto d = decode(frames[0]);
    ASSERT_TRUE(d && d->ip);
    EXPECT_EQ(d->ip->destination, peer_ip);
    ASSERT_EQ(d->ip_payload.size(), 8U + 20U + 8U);  // RFC 792: header + 64 bits.
    EXPECT_EQ(d->ip_payload[0], type_byte(icmpv4::message_type::dest_unreachable));
    EXPECT_EQ(d->ip_payload[1], icmpv4::unreachable::port);
    EXPECT_EQ(wire::internet_checksum(d->ip_payload), 0);
    const bytes quote = bytes{d->ip_payload}.subspan(8);
    EXPECT_EQ(wire::ipv4_address::from_bytes(quote.subspan(12)), peer_ip);
    EXPECT_EQ(load_be16(quote, 20), 40000);
    EXPECT_EQ(load_be16(quote, 22), 9999);
    // The bucket refills one token per 10 ms.
    iface->receive(at(1s + 10ms), from_peer(peer_header(ipv4::protocol::udp), dgram));
    iface->receive(at(1s + 10ms), from_peer(peer_header(ipv4::protocol::udp), dgram));
    EXPECT_EQ(out(at(1s + 10ms)).size(), 1U);
    EXPECT_EQ(drops(drop_reason::icmp_rate_limited), 6U);
    // Never about a broadcast datagram (RFC 1122 §3.2.2).
    auto h = peer_header(ipv4::protocol::udp);
    h.destination = wire::ipv4_address::broadcast();
    iface->receive(at(5s), from_peer(h, udp_datagram(peer_ip, h.destination, 1, 2, data)));
    EXPECT_TRUE(out(at(5s)).empty());
}

TEST_F(icmp_test, incoming_port_unreachable_reaches_the_udp_socket) {
    learn_peer(at(0s));
    auto sock = iface->udp_open();
    ASSERT_TRUE(sock);
    ASSERT_TRUE(iface->udp_bind(*sock, {{}, 5000}));
    const std::uint8_t data[] = {1, 2, 3};
    ASSERT_TRUE(iface->udp_send_to(at(1s), *sock, {peer_ip, 7}, data));
    const auto frames = out(at(1s));
    ASSERT_EQ(frames.size(), 1U);
    iface->take_events([](const socket_event&) {});
    // The peer answers with a port unreachable quoting our datagram.
    const bytes sent_ip = bytes{frames[0]}.subspan(ethernet::min_header_len);
    const frame err = icmp_message(type_byte(icmpv4::message_type::dest_unreachable),
                                   icmpv4::unreachable::port, 0, sent_ip.first(28));
    iface->receive(at(2s), from_peer(peer_header(ipv4::protocol::icmp), err));
    EXPECT_TRUE(iface->udp_readiness(*sock).error);
    int events = 0;
    iface->take_events([&](const socket_event& ev) {
        ++events;
        EXPECT_EQ(ev.kind, socket_kind::udp);
        EXPECT_EQ(ev.index, sock->index);
        EXPECT_TRUE(ev.ready.error);
    });
    EXPECT_EQ(events, 1);
    const auto report = iface->udp_take_error(*sock);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->type, type_byte(icmpv4::message_type::dest_unreachable));
    EXPECT_EQ(report->code, icmpv4::unreachable::port);
    EXPECT_EQ(report->reporter, peer_ip);
    EXPECT_EQ(report->original_destination, (udp_endpoint{peer_ip, 7}));
    EXPECT_FALSE(iface->udp_readiness(*sock).error);
    EXPECT_FALSE(iface->udp_take_error(*sock));
}

TEST_F(icmp_test, error_with_a_bad_quote_is_dropped) {
    const std::uint8_t junk[] = {0x45, 0, 0, 20};
    iface->receive(at(0s),
                   from_peer(peer_header(ipv4::protocol::icmp), icmp_message(3, 3, 0, junk)));
    EXPECT_EQ(drops(drop_reason::icmp_bad_quote), 1U);
}

TEST_F(icmp_test, frag_needed_updates_the_path_mtu_and_the_next_send_fragments_to_it) {
    learn_peer(at(0s));
    auto sock = iface->udp_open();
    const std::vector<std::uint8_t> data(1400, 0x11);
    ASSERT_TRUE(iface->udp_send_to(at(1s), *sock, {peer_ip, 7}, data));
    auto frames = out(at(1s));
    ASSERT_EQ(frames.size(), 1U);
    const bytes sent_ip = bytes{frames[0]}.subspan(ethernet::min_header_len);
    // A router on the path reports a next-hop MTU of 1000 (RFC 1191 §4).
    const frame err = icmp_message(type_byte(icmpv4::message_type::dest_unreachable),
                                   icmpv4::unreachable::frag_needed, 1000, sent_ip.first(28));
    iface->receive(at(2s), from_peer(peer_header(ipv4::protocol::icmp), err));
    EXPECT_EQ(iface->path_mtu(at(2s), peer_ip), 1000);
    EXPECT_EQ(iface->stats()[stat::pmtu_updates], 1U);
    ASSERT_TRUE(iface->udp_send_to(at(3s), *sock, {peer_ip, 7}, data));
    frames = out(at(3s));
    ASSERT_EQ(frames.size(), 2U);
    std::size_t carried = 0;
    for (const auto& f : frames) {
        const auto d = decode(f);
        ASSERT_TRUE(d && d->ip);
        EXPECT_LE(d->ip->buffer_len(), 1000U);
        carried += d->ip_payload.size();
    }
    EXPECT_EQ(carried, 8U + 1400U);
    // RFC 1191 §6.3: the estimate ages out (10 minutes) back to the link MTU.
    EXPECT_EQ(iface->path_mtu(at(2s + 600s), peer_ip), 1500);
}

TEST_F(icmp_test, ping_socket_sends_requests_and_receives_replies_with_arrival_time) {
    learn_peer(at(0s));
    auto ping = iface->ping_open(0x4242);
    ASSERT_TRUE(ping);
    const std::uint8_t data[] = {5, 6, 7};
    ASSERT_TRUE(iface->ping_send(at(1s), *ping, peer_ip, 3, data));
    const auto frames = out(at(1s));
    ASSERT_EQ(frames.size(), 1U);
    const auto d = decode(frames[0]);
    ASSERT_TRUE(d && d->ip);
    EXPECT_EQ(d->ip_payload[0], type_byte(icmpv4::message_type::echo_request));
    EXPECT_EQ(load_be16(d->ip_payload, 4), 0x4242);
    EXPECT_EQ(load_be16(d->ip_payload, 6), 3);
    EXPECT_EQ(wire::internet_checksum(d->ip_payload), 0);
    // The reply (built by hand as the peer would).
    frame reply = d->ip_payload;
    reply[0] = type_byte(icmpv4::message_type::echo_reply);
    store_be16(reply, 2, 0);
    store_be16(reply, 2, wire::internet_checksum(reply));
    auto h = peer_header(ipv4::protocol::icmp);
    h.ttl = 63;
    iface->receive(at(1s + 250us), from_peer(h, reply));
    std::uint8_t buf[16] = {};
    const auto r = iface->ping_recv(*ping, buf);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->from, peer_ip);
    EXPECT_EQ(r->seq, 3);
    EXPECT_EQ(r->ident, 0x4242);
    EXPECT_EQ(r->ttl, 63);
    EXPECT_EQ(r->arrival, at(1s + 250us));
    ASSERT_EQ(r->len, 3U);
    EXPECT_EQ(buf[0], 5);
    EXPECT_EQ(buf[2], 7);
    EXPECT_EQ(iface->ping_recv(*ping, buf).error(), make_error_code(errc::would_block));
    // A reply with another identifier has no socket.
    store_be16(reply, 4, 0x4243);
    store_be16(reply, 2, 0);
    store_be16(reply, 2, wire::internet_checksum(reply));
    iface->receive(at(2s), from_peer(h, reply));
    EXPECT_EQ(drops(drop_reason::ping_no_socket), 1U);
    EXPECT_EQ(iface->ping_open(0x4242).error(), make_error_code(errc::address_in_use));
}

}  // namespace
}  // namespace netrig::core::testing
