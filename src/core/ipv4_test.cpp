// SPDX-License-Identifier: MIT
// core: IPv4 receive validation, TTL, routing, fragmentation and reassembly (RFC 791,
// RFC 1122 §3.2.1, §3.3.2).
#include "core/interface_fixture.hpp"

namespace netrig::core::testing {
namespace {

using ipv4_test = interface_test;

frame echo_request(std::uint16_t ident, std::uint16_t seq, bytes data) {
    return icmp_message(type_byte(icmpv4::message_type::echo_request), 0,
                        (std::uint32_t{ident} << 16U) | seq, data);
}

/// Splits an IPv4 payload into fragments of at most `chunk` bytes (a multiple of 8), as frames
/// from the peer.
std::vector<frame> fragments_from_peer(ipv4::repr h, bytes payload, std::size_t chunk) {
    std::vector<frame> out;
    for (std::size_t off = 0; off < payload.size(); off += chunk) {
        const std::size_t len = std::min(chunk, payload.size() - off);
        ipv4::repr f = h;
        f.frag_offset = static_cast<std::uint16_t>(off);
        f.more_frags = off + len < payload.size();
        out.push_back(eth_frame(our_mac, peer_mac, ethernet::ethertype::ipv4,
                                ipv4_packet(f, payload.subspan(off, len))));
    }
    return out;
}

struct mutation {
    const char* name;
    std::size_t offset;  // byte of the IPv4 header to overwrite
    std::uint8_t value;
    bool fix_checksum;   // recompute the header checksum after the change
    std::size_t truncate_ip_to;  // 0 = keep
    drop_reason expected;
};

class ipv4_validation_test : public interface_test,
                             public ::testing::WithParamInterface<mutation> {};

TEST_P(ipv4_validation_test, drops_and_counts_by_reason) {
    const mutation& m = GetParam();
    learn_peer(at(0s));
    const std::uint8_t data[] = {1, 2, 3, 4};
    frame f = from_peer(peer_header(ipv4::protocol::icmp), echo_request(1, 1, data));
    const mut_bytes ip = mut_bytes{f}.subspan(ethernet::min_header_len);
    if (m.truncate_ip_to != 0) {
        f.resize(ethernet::min_header_len + m.truncate_ip_to);
    } else {
        ip[m.offset] = m.value;
        if (m.fix_checksum) {
            store_be16(ip, 10, 0);
            store_be16(ip, 10, wire::internet_checksum(ip.first(20)));
        }
    }
    iface->receive(at(1s), f);
    EXPECT_TRUE(out(at(1s)).empty()) << m.name;
    EXPECT_EQ(drops(m.expected), 1U) << m.name;
    EXPECT_EQ(iface->stats().total_drops(), 1U) << m.name;
}

INSTANTIATE_TEST_SUITE_P(
    cases, ipv4_validation_test,
    ::testing::Values(
        mutation{"version6", 0, 0x65, true, 0, drop_reason::ipv4_bad_version},
        mutation{"ihl4", 0, 0x44, true, 0, drop_reason::ipv4_bad_header_len},
        mutation{"ihl15_beyond_buffer", 0, 0x4f, true, 0, drop_reason::ipv4_truncated},
        mutation{"total_len_too_big", 2, 0x7f, true, 0, drop_reason::ipv4_bad_total_len},
        mutation{"total_len_below_header", 3, 10, true, 0, drop_reason::ipv4_bad_total_len},
        mutation{"checksum", 11, 0x5a, false, 0, drop_reason::ipv4_bad_checksum},
        mutation{"truncated", 0, 0, false, 12, drop_reason::ipv4_truncated},
        mutation{"ttl_zero", 8, 0, true, 0, drop_reason::ipv4_ttl_zero},
        mutation{"not_for_us", 19, 9, true, 0, drop_reason::ipv4_not_for_us},
        mutation{"multicast_source", 12, 224, true, 0, drop_reason::ipv4_bad_source},
        mutation{"unknown_protocol", 9, 99, true, 0, drop_reason::ipv4_unknown_protocol}),
    [](const auto& param_info) { return std::string{param_info.param.name}; });

TEST_F(ipv4_test, accepts_ttl_one_and_replies_with_our_ttl) {
    learn_peer(at(0s));
    auto h = peer_header(ipv4::protocol::icmp);
    h.ttl = 1;  // RFC 1122 §3.2.1.7: must not be discarded for TTL < 2.
    const std::uint8_t data[] = {9};
    iface->receive(at(1s), from_peer(h, echo_request(1, 1, data)));
    const auto frames = out(at(1s));
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(decode(frames[0])->ip->ttl, 64);
}

TEST_F(ipv4_test, frames_for_another_mac_or_unknown_ethertype_are_dropped) {
    const std::uint8_t data[] = {1};
    frame f = from_peer(peer_header(ipv4::protocol::icmp), echo_request(1, 1, data));
    f[5] = 0x77;  // Another host's MAC.
    iface->receive(at(0s), f);
    EXPECT_EQ(drops(drop_reason::eth_not_for_us), 1U);
    iface->receive(at(0s), eth_frame(our_mac, peer_mac, 0x86dd, data));
    EXPECT_EQ(drops(drop_reason::eth_unknown_type), 1U);
    iface->receive(at(0s), bytes{f}.first(10));
    EXPECT_EQ(drops(drop_reason::eth_truncated), 1U);
}

TEST_F(ipv4_test, routes_off_link_destinations_via_the_gateway) {
    auto sock = iface->udp_open();
    const std::uint8_t data[] = {1, 2};
    const wire::ipv4_address far{192, 168, 5, 5};
    ASSERT_TRUE(iface->udp_send_to(at(0s), *sock, {far, 53}, data));
    auto frames = out(at(0s));
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(decode(frames[0])->arp->target_ip, gateway_ip);  // Resolve the gateway, not far.
    iface->receive(at(1ms), arp_reply_from(gateway_ip, gateway_mac));
    frames = out(at(1ms));
    ASSERT_EQ(frames.size(), 1U);
    const auto d = decode(frames[0]);
    EXPECT_EQ(d->eth.destination, gateway_mac);
    EXPECT_EQ(d->ip->destination, far);
    EXPECT_EQ(d->ip->source, our_ip);
}

TEST_F(ipv4_test, off_link_without_gateway_has_no_route) {
    cfg.gateway.reset();
    make();
    auto sock = iface->udp_open();
    const std::uint8_t data[] = {1};
    const auto r = iface->udp_send_to(at(0s), *sock, {{192, 168, 5, 5}, 53}, data);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), make_error_code(errc::no_route));
    EXPECT_EQ(drops(drop_reason::ipv4_no_route), 1U);
    EXPECT_TRUE(out(at(0s)).empty());
}

TEST_F(ipv4_test, reassembles_a_5000_byte_echo_and_fragments_the_reply) {
    learn_peer(at(0s));
    std::vector<std::uint8_t> data(5000);
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<std::uint8_t>(i * 7);
    }
    const frame request = echo_request(0x1234, 5, data);
    auto frags = fragments_from_peer(peer_header(ipv4::protocol::icmp), request, 1480);
    ASSERT_EQ(frags.size(), 4U);
    // Out of order on purpose: reassembly must not depend on arrival order.
    std::swap(frags[0], frags[3]);
    for (const auto& f : frags) {
        iface->receive(at(1s), f);
    }
    EXPECT_EQ(iface->stats()[stat::reasm_completed], 1U);
    EXPECT_EQ(iface->reassembly().in_flight(), 0U);
    const auto frames = out(at(1s));
    ASSERT_EQ(frames.size(), 4U);  // 5008 ICMP bytes in 1480-byte pieces.
    frame reply;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto d = decode(frames[i]);
        ASSERT_TRUE(d && d->ip);
        EXPECT_LE(frames[i].size(), 14U + 1500U);
        EXPECT_EQ(d->ip->frag_offset, reply.size());
        EXPECT_EQ(d->ip->frag_offset % 8, 0);
        EXPECT_EQ(d->ip->more_frags, i + 1 < frames.size());
        EXPECT_EQ(d->ip->ident, decode(frames[0])->ip->ident);
        reply.insert(reply.end(), d->ip_payload.begin(), d->ip_payload.end());
    }
    ASSERT_EQ(reply.size(), request.size());
    EXPECT_EQ(reply[0], type_byte(icmpv4::message_type::echo_reply));
    EXPECT_EQ(wire::internet_checksum(reply), 0);
    EXPECT_TRUE(std::equal(reply.begin() + 4, reply.end(), request.begin() + 4));
}

TEST_F(ipv4_test, reassembly_times_out_after_30_seconds) {
    const std::vector<std::uint8_t> data(3000, 0xab);
    auto frags = fragments_from_peer(peer_header(ipv4::protocol::udp), data, 1480);
    iface->receive(at(0s), frags[0]);
    EXPECT_EQ(iface->reassembly().in_flight(), 1U);
    EXPECT_EQ(iface->next_deadline(), at(30s));
    out(at(29s));
    EXPECT_EQ(iface->reassembly().in_flight(), 1U);
    out(at(30s));
    EXPECT_EQ(iface->reassembly().in_flight(), 0U);
    EXPECT_EQ(iface->reassembly().bytes_held(), 0U);
    EXPECT_EQ(drops(drop_reason::reasm_timeout), 1U);
    EXPECT_EQ(iface->next_deadline(), std::nullopt);
}

TEST_F(ipv4_test, overlapping_fragments_discard_the_datagram) {
    learn_peer(at(0s));
    const std::uint8_t data[] = {1};
    const frame request = echo_request(1, 1, std::vector<std::uint8_t>(3000, 1));
    auto h = peer_header(ipv4::protocol::icmp);
    h.more_frags = true;
    iface->receive(at(1s), from_peer(h, bytes{request}.first(1480)));
    h.frag_offset = 1472;  // Overlaps the first by 8 bytes.
    iface->receive(at(1s), from_peer(h, bytes{request}.subspan(1472, 800)));
    EXPECT_EQ(drops(drop_reason::reasm_overlap), 1U);
    EXPECT_EQ(iface->reassembly().in_flight(), 0U);
    // An exact duplicate is not an overlap: only the copy is dropped.
    h.frag_offset = 0;
    iface->receive(at(1s), from_peer(h, bytes{request}.first(1480)));
    iface->receive(at(1s), from_peer(h, bytes{request}.first(1480)));
    EXPECT_EQ(drops(drop_reason::reasm_duplicate), 1U);
    h.frag_offset = 1480;
    h.more_frags = false;
    iface->receive(at(1s), from_peer(h, bytes{request}.subspan(1480)));
    EXPECT_EQ(iface->stats()[stat::reasm_completed], 1U);
    EXPECT_EQ(out(at(1s)).size(), 3U);  // The 3008-byte reply in three fragments.
    (void)data;
}

TEST_F(ipv4_test, endless_fragments_keep_memory_bounded) {
    cfg.limits.reasm_datagrams_max = 4;
    cfg.limits.reasm_bytes_max = 8000;
    make();
    auto h = peer_header(ipv4::protocol::udp);
    h.more_frags = true;
    const std::vector<std::uint8_t> chunk(1480, 0x55);
    for (std::uint32_t i = 0; i < 10000; ++i) {
        h.ident = static_cast<std::uint16_t>(i);
        h.frag_offset = static_cast<std::uint16_t>((i % 40) * 1480);
        iface->receive(at(std::chrono::milliseconds{i}), from_peer(h, chunk));
        ASSERT_LE(iface->reassembly().in_flight(), 4U);
        ASSERT_LE(iface->reassembly().bytes_held(), 8000U);
    }
    EXPECT_GT(drops(drop_reason::reasm_evicted), 9000U);
    // Tiny fragments of one datagram hit the per-datagram fragment bound.
    cfg.limits.reasm_fragments_max = 16;
    make();
    h.ident = 1;
    const std::vector<std::uint8_t> tiny(8, 1);
    for (std::uint16_t i = 0; i < 20; ++i) {
        h.frag_offset = static_cast<std::uint16_t>(i * 8);
        iface->receive(at(0s), from_peer(h, tiny));
    }
    EXPECT_EQ(drops(drop_reason::reasm_too_many_fragments), 1U);
    // Fragments beyond the bytes bound are dropped even with free slots.
    cfg.limits.reasm_bytes_max = 2000;
    make();
    h.frag_offset = 0;
    h.ident = 10;
    iface->receive(at(0s), from_peer(h, chunk));
    h.ident = 11;
    iface->receive(at(0s), from_peer(h, chunk));
    EXPECT_EQ(drops(drop_reason::reasm_bytes_limit), 1U);
    EXPECT_EQ(iface->reassembly().in_flight(), 1U);
}

TEST_F(ipv4_test, fragment_beyond_65535_bytes_is_rejected) {
    auto h = peer_header(ipv4::protocol::udp);
    h.more_frags = false;
    h.frag_offset = 65528;
    const std::vector<std::uint8_t> chunk(16, 1);
    iface->receive(at(0s), from_peer(h, chunk));
    EXPECT_EQ(drops(drop_reason::reasm_bad_length), 1U);
    EXPECT_EQ(iface->reassembly().in_flight(), 0U);
}

}  // namespace
}  // namespace netrig::core::testing
