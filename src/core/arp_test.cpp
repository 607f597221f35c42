// SPDX-License-Identifier: MIT
// core: ARP behaviour of the interface (RFC 826, RFC 1122 §2.3.2).
#include "core/interface_fixture.hpp"

namespace netrig::core::testing {
namespace {

using arp_test = interface_test;

TEST_F(arp_test, replies_to_a_request_for_our_address_and_learns_the_sender) {
    iface->receive(at(0s), arp_frame(wire::mac_address::broadcast(), {.op = arp::operation::request,
                                                                      .sender_hw = peer_mac,
                                                                      .sender_ip = peer_ip,
                                                                      .target_hw = {},
                                                                      .target_ip = our_ip}));
    const auto frames = out(at(0s));
    ASSERT_EQ(frames.size(), 1U);
    const auto d = decode(frames[0]);
    ASSERT_TRUE(d && d->arp);
    EXPECT_EQ(d->eth.destination, peer_mac);
    EXPECT_EQ(d->eth.source, our_mac);
    EXPECT_EQ(d->arp->op, arp::operation::reply);
    EXPECT_EQ(d->arp->sender_hw, our_mac);
    EXPECT_EQ(d->arp->sender_ip, our_ip);
    EXPECT_EQ(d->arp->target_hw, peer_mac);
    EXPECT_EQ(d->arp->target_ip, peer_ip);
    // RFC 826 merge: a request addressed to us teaches us the requester.
    const arp_entry* e = iface->arp().find(peer_ip);
    ASSERT_NE(e, nullptr);
    EXPECT_TRUE(e->resolved);
    EXPECT_EQ(e->mac, peer_mac);
    EXPECT_EQ(iface->stats()[stat::arp_replies_sent], 1U);
}

TEST_F(arp_test, ignores_requests_for_other_addresses) {
    iface->receive(at(0s), arp_frame(wire::mac_address::broadcast(), {.op = arp::operation::request,
                                                                      .sender_hw = peer_mac,
                                                                      .sender_ip = peer_ip,
                                                                      .target_hw = {},
                                                                      .target_ip = {10, 0, 0, 9}}));
    EXPECT_TRUE(out(at(0s)).empty());
    EXPECT_EQ(drops(drop_reason::arp_not_for_us), 1U);
    EXPECT_EQ(iface->arp().find(peer_ip), nullptr);  // Not learnt: the request was not for us.
}

TEST_F(arp_test, sends_a_gratuitous_request_on_the_first_poll_only) {
    cfg.gratuitous_arp = true;
    make();
    EXPECT_EQ(iface->next_deadline(), at(0s));
    const auto frames = out(at(0s));
    ASSERT_EQ(frames.size(), 1U);
    const auto d = decode(frames[0]);
    ASSERT_TRUE(d && d->arp);
    EXPECT_TRUE(d->eth.destination.is_broadcast());
    EXPECT_EQ(d->arp->op, arp::operation::request);
    EXPECT_EQ(d->arp->sender_ip, our_ip);
    EXPECT_EQ(d->arp->target_ip, our_ip);
    EXPECT_TRUE(out(at(1s)).empty());
    EXPECT_EQ(iface->next_deadline(), std::nullopt);
}

TEST_F(arp_test, queues_packets_while_resolving_and_releases_them_on_reply) {
    auto sock = iface->udp_open();
    ASSERT_TRUE(sock);
    const std::uint8_t data[] = {1, 2, 3};
    ASSERT_TRUE(iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, data));
    ASSERT_TRUE(iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, data));
    auto frames = out(at(0s));
    ASSERT_EQ(frames.size(), 1U);
    auto d = decode(frames[0]);
    ASSERT_TRUE(d && d->arp);
    EXPECT_TRUE(d->eth.destination.is_broadcast());
    EXPECT_EQ(d->arp->target_ip, peer_ip);
    EXPECT_EQ(iface->arp_pending(), 2U);

    iface->receive(at(10ms), arp_reply_from(peer_ip, peer_mac));
    frames = out(at(10ms));
    ASSERT_EQ(frames.size(), 2U);
    for (const auto& f : frames) {
        d = decode(f);
        ASSERT_TRUE(d && d->ip);
        EXPECT_EQ(d->eth.destination, peer_mac);
        EXPECT_EQ(d->ip->destination, peer_ip);
    }
    EXPECT_EQ(iface->arp_pending(), 0U);
}

TEST_F(arp_test, retries_each_second_then_gives_up_and_drops_the_queue) {
    auto sock = iface->udp_open();
    const std::uint8_t data[] = {1};
    ASSERT_TRUE(iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, data));
    EXPECT_EQ(out(at(0s)).size(), 1U);
    EXPECT_EQ(iface->next_deadline(), at(1s));
    EXPECT_TRUE(out(at(999ms)).empty());
    EXPECT_EQ(out(at(1s)).size(), 1U);
    EXPECT_EQ(out(at(2s)).size(), 1U);
    EXPECT_EQ(iface->stats()[stat::arp_requests_sent], 3U);
    EXPECT_TRUE(out(at(3s)).empty());
    EXPECT_EQ(drops(drop_reason::arp_unresolved), 1U);
    EXPECT_EQ(iface->arp_pending(), 0U);
    EXPECT_EQ(iface->arp().find(peer_ip), nullptr);
    EXPECT_EQ(iface->next_deadline(), std::nullopt);
}

TEST_F(arp_test, pending_queue_is_bounded_per_destination) {
    cfg.limits.arp_pending_per_dest_max = 4;
    make();
    auto sock = iface->udp_open();
    const std::uint8_t data[] = {1};
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, data));
    }
    const auto r = iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, data);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::would_block));
    EXPECT_EQ(drops(drop_reason::arp_queue_full), 1U);
    EXPECT_EQ(iface->arp_pending(), 4U);
    // Another destination still has room: the bound is per destination.
    EXPECT_TRUE(iface->udp_send_to(at(0s), *sock, {{10, 0, 0, 3}, 9}, data));
}

TEST_F(arp_test, a_datagram_too_large_for_the_queue_still_starts_resolution) {
    // 8 KiB needs 6 fragments at MTU 1500; the per-destination bound is 4. The datagram is
    // dropped, but the request goes out so that the retransmission finds the neighbour.
    cfg.limits.arp_pending_per_dest_max = 4;
    make();
    auto sock = iface->udp_open();
    ASSERT_TRUE(sock);
    const std::vector<std::uint8_t> big(8192, 0x5a);
    const auto r = iface->udp_send_to(at(0s), *sock, {peer_ip, 9}, big);
    ASSERT_FALSE(r);
    EXPECT_EQ(drops(drop_reason::arp_queue_full), 1U);
    auto frames = out(at(0s));
    ASSERT_EQ(frames.size(), 1U);
    const auto d = decode(frames[0]);
    ASSERT_TRUE(d && d->arp);
    EXPECT_EQ(d->arp->op, arp::operation::request);
    EXPECT_EQ(d->arp->target_ip, peer_ip);

    iface->receive(at(10ms), arp_reply_from(peer_ip, peer_mac));
    ASSERT_TRUE(iface->udp_send_to(at(20ms), *sock, {peer_ip, 9}, big));
    frames = out(at(20ms));
    ASSERT_EQ(frames.size(), 6U);
    for (const auto& f : frames) {
        EXPECT_EQ(decode(f)->eth.destination, peer_mac);
    }
}

TEST_F(arp_test, entries_age_out_and_are_refreshed_by_unicast_while_in_use) {
    learn_peer(at(0s));  // Valid until 60 s.
    auto sock = iface->udp_open();
    const std::uint8_t data[] = {1};
    // Inside the refresh window (last 10 s): the data goes out and a unicast poll too.
    ASSERT_TRUE(iface->udp_send_to(at(55s), *sock, {peer_ip, 9}, data));
    auto frames = out(at(55s));
    ASSERT_EQ(frames.size(), 2U);
    auto d = decode(frames[0]);
    ASSERT_TRUE(d && d->arp);
    EXPECT_EQ(d->eth.destination, peer_mac);  // Unicast refresh (RFC 1122 §2.3.2.1).
    EXPECT_TRUE(decode(frames[1])->ip.has_value());
    // The peer answers: lifetime restarts from 56 s.
    iface->receive(at(56s), arp_reply_from(peer_ip, peer_mac));
    EXPECT_EQ(iface->arp().find(peer_ip)->expires, at(116s));
    EXPECT_TRUE(out(at(115s)).empty());
    EXPECT_NE(iface->arp().find(peer_ip), nullptr);
    // Unused past its lifetime, the entry goes; the next send resolves again (broadcast).
    EXPECT_TRUE(out(at(117s)).empty());
    EXPECT_EQ(iface->arp().find(peer_ip), nullptr);
    ASSERT_TRUE(iface->udp_send_to(at(118s), *sock, {peer_ip, 9}, data));
    frames = out(at(118s));
    ASSERT_EQ(frames.size(), 1U);
    d = decode(frames[0]);
    ASSERT_TRUE(d && d->arp);
    EXPECT_TRUE(d->eth.destination.is_broadcast());
}

TEST_F(arp_test, a_reply_updates_an_existing_entry_even_when_not_for_us) {
    learn_peer(at(0s));
    const wire::mac_address moved{{0x02, 0, 0, 0, 0, 0x22}};
    // A gratuitous announcement by the peer (target = itself): RFC 826 merge updates it.
    iface->receive(at(1s), arp_frame(wire::mac_address::broadcast(), {.op = arp::operation::request,
                                                                      .sender_hw = moved,
                                                                      .sender_ip = peer_ip,
                                                                      .target_hw = {},
                                                                      .target_ip = peer_ip}));
    EXPECT_EQ(iface->arp().find(peer_ip)->mac, moved);
    EXPECT_TRUE(out(at(1s)).empty());
}

struct hostile_case {
    const char* name;
    std::size_t offset;  // byte of the ARP packet to overwrite
    std::uint8_t value;
    std::size_t truncate_to;  // 0 = keep
    drop_reason expected;
};

class arp_hostile_test : public interface_test,
                         public ::testing::WithParamInterface<hostile_case> {};

TEST_P(arp_hostile_test, is_dropped_and_counted_by_reason) {
    const hostile_case& c = GetParam();
    frame f = arp_frame(wire::mac_address::broadcast(), {.op = arp::operation::request,
                                                         .sender_hw = peer_mac,
                                                         .sender_ip = peer_ip,
                                                         .target_hw = {},
                                                         .target_ip = our_ip});
    if (c.truncate_to != 0) {
        f.resize(ethernet::min_header_len + c.truncate_to);
    } else {
        f[ethernet::min_header_len + c.offset] = c.value;
    }
    iface->receive(at(0s), f);
    EXPECT_TRUE(out(at(0s)).empty());
    EXPECT_EQ(drops(c.expected), 1U) << c.name;
    EXPECT_EQ(iface->stats().total_drops(), 1U);
    EXPECT_EQ(iface->arp().size(), 0U);
}

INSTANTIATE_TEST_SUITE_P(
    cases, arp_hostile_test,
    ::testing::Values(hostile_case{"htype", 1, 6, 0, drop_reason::arp_bad_hw_type},
                      hostile_case{"ptype", 2, 0x86, 0, drop_reason::arp_bad_proto_type},
                      hostile_case{"hlen", 4, 8, 0, drop_reason::arp_bad_length},
                      hostile_case{"plen", 5, 16, 0, drop_reason::arp_bad_length},
                      hostile_case{"oper", 7, 3, 0, drop_reason::arp_bad_operation},
                      hostile_case{"short", 0, 0, 20, drop_reason::arp_truncated},
                      hostile_case{"tiny", 0, 0, 5, drop_reason::arp_truncated},
                      hostile_case{"group_sender", 8, 0x01, 0, drop_reason::arp_bad_sender},
                      hostile_case{"multicast_sender_ip", 14, 0xe0, 0, drop_reason::arp_bad_sender}),
    [](const auto& param_info) { return std::string{param_info.param.name}; });

}  // namespace
}  // namespace netrig::core::testing
