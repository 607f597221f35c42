// SPDX-License-Identifier: MIT
// core: the rules core took over from wire's parsers when it stopped parsing by itself, each
// pinned to its drop counter (see the commit that removed core/packet.*), and the mapping of
// wire's parse errors onto core's drop reasons.
#include "core/interface_fixture.hpp"
#include "core/parse_drops.hpp"
#include "wire/ipv4_quote.hpp"

namespace netrig::core::testing {
namespace {

using wire_rules_test = interface_test;

frame echo_request(std::uint8_t code) {
    const std::uint8_t data[] = {1, 2, 3, 4};
    return icmp_message(type_byte(icmpv4::message_type::echo_request), code, 0x00010001, data);
}

TEST_F(wire_rules_test, malformed_ipv4_options_are_dropped) {
    learn_peer(at(0s));
    auto h = peer_header(ipv4::protocol::icmp);
    // RFC 791 §3.1: a multi-octet option's length counts its type and length octets, so 1 is
    // impossible.
    const std::uint8_t bad[] = {7, 1, 0, 0};
    h.set_options(bad);
    iface->receive(at(1s), from_peer(h, echo_request(0)));
    EXPECT_EQ(drops(drop_reason::ipv4_bad_option), 1U);
    EXPECT_EQ(iface->stats().total_drops(), 1U);
    EXPECT_TRUE(out(at(1s)).empty());
    // Well-formed options are accepted (and not interpreted).
    const std::uint8_t nops[] = {1, 1, 1, 0};
    h.set_options(nops);
    iface->receive(at(1s), from_peer(h, echo_request(0)));
    EXPECT_EQ(out(at(1s)).size(), 1U);
    EXPECT_EQ(iface->stats().total_drops(), 1U);
}

TEST_F(wire_rules_test, ipv4_reserved_flag_is_dropped) {
    learn_peer(at(0s));
    frame f = from_peer(peer_header(ipv4::protocol::icmp), echo_request(0));
    const mut_bytes ip = mut_bytes{f}.subspan(ethernet::min_header_len, 20);
    ip[ipv4::field::flags_frag_offset] |= 0x80U;  // RFC 791: "Bit 0: reserved, must be zero".
    ipv4::fill_checksum(ip);
    iface->receive(at(1s), f);
    EXPECT_EQ(drops(drop_reason::ipv4_reserved_flag), 1U);
    EXPECT_EQ(iface->stats().total_drops(), 1U);
    EXPECT_TRUE(out(at(1s)).empty());
}

TEST_F(wire_rules_test, icmp_codes_outside_the_rfc_are_dropped) {
    learn_peer(at(0s));
    // RFC 792: echo has code 0.
    iface->receive(at(1s), from_peer(peer_header(ipv4::protocol::icmp), echo_request(9)));
    EXPECT_EQ(drops(drop_reason::icmp_bad_code), 1U);
    // Time exceeded has codes 0 and 1 only; the quote does not matter then.
    const std::uint8_t quote[28] = {0x45};
    iface->receive(at(1s),
                   from_peer(peer_header(ipv4::protocol::icmp), icmp_message(11, 2, 0, quote)));
    EXPECT_EQ(drops(drop_reason::icmp_bad_code), 2U);
    EXPECT_EQ(iface->stats()[stat::icmp_errors_received], 0U);
    EXPECT_EQ(iface->stats().total_drops(), 2U);
    EXPECT_TRUE(out(at(1s)).empty());
}

TEST_F(wire_rules_test, udp_to_port_zero_is_dropped_without_a_port_unreachable) {
    learn_peer(at(0s));
    const std::uint8_t data[] = {1, 2, 3};
    iface->receive(at(1s), from_peer(peer_header(ipv4::protocol::udp),
                                     udp_datagram(peer_ip, our_ip, 4000, 0, data)));
    EXPECT_EQ(drops(drop_reason::udp_no_socket), 1U);
    EXPECT_TRUE(out(at(1s)).empty());
    EXPECT_EQ(iface->stats()[stat::icmp_errors_sent], 0U);
}

TEST_F(wire_rules_test, vlan_tagged_frames_are_an_unknown_type_or_truncated) {
    learn_peer(at(0s));
    const frame untagged = from_peer(peer_header(ipv4::protocol::icmp), echo_request(0));
    // The same frame with an 802.1Q tag (VID 5) inserted after the addresses.
    frame tagged(untagged.begin(), untagged.begin() + 12);
    const std::uint8_t tag[] = {0x81, 0x00, 0x00, 0x05};
    tagged.insert(tagged.end(), std::begin(tag), std::end(tag));
    tagged.insert(tagged.end(), untagged.begin() + 12, untagged.end());
    iface->receive(at(1s), tagged);
    EXPECT_EQ(drops(drop_reason::eth_unknown_type), 1U);
    iface->receive(at(1s), bytes{tagged}.first(16));  // The tag does not fit.
    EXPECT_EQ(drops(drop_reason::eth_truncated), 1U);
    EXPECT_TRUE(out(at(1s)).empty());
}

TEST_F(wire_rules_test, port_unreachable_quotes_the_original_header_with_its_options) {
    learn_peer(at(0s));
    auto h = peer_header(ipv4::protocol::udp);
    const std::uint8_t opts[] = {1, 1, 1, 0};
    h.set_options(opts);
    const std::uint8_t data[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    iface->receive(at(1s), from_peer(h, udp_datagram(peer_ip, our_ip, 40000, 9999, data)));
    const auto frames = out(at(1s));
    ASSERT_EQ(frames.size(), 1U);
    const auto d = decode(frames[0]);
    ASSERT_TRUE(d && d->ip);
    // RFC 792: "the internet header plus the first 64 bits of the original datagram's data".
    ASSERT_EQ(d->ip_payload.size(), 8U + 24U + 8U);
    auto q = ipv4::quote_view::parse(bytes{d->ip_payload}.subspan(8));
    ASSERT_TRUE(q);
    EXPECT_EQ(q->header_len(), 24U);
    EXPECT_EQ(q->total_len(), 24 + 8 + sizeof data);
    EXPECT_EQ(q->source(), peer_ip);
    EXPECT_EQ(load_be16(q->transport_head(), udp::field::destination_port), 9999);
    EXPECT_TRUE(wire::verify_checksum(bytes{d->ip_payload}.subspan(8, 24)));
}

TEST(parse_drops, maps_every_documented_wire_error) {
    using wire::parse_error;
    EXPECT_EQ(eth_drop(parse_error::truncated), drop_reason::eth_truncated);

    std::vector<std::uint8_t> a(28);
    arp::make_request(our_mac, our_ip, peer_ip).emit(a);
    EXPECT_EQ(arp_view_drop(parse_error::truncated, a), drop_reason::arp_truncated);
    EXPECT_EQ(arp_view_drop(parse_error::bad_length, a), drop_reason::arp_bad_length);
    EXPECT_EQ(arp_view_drop(parse_error::unsupported, a), drop_reason::arp_bad_proto_type);
    a[1] = 6;  // htype IEEE 802
    EXPECT_EQ(arp_view_drop(parse_error::unsupported, a), drop_reason::arp_bad_hw_type);
    // Shorter than 28 bytes: the fixed part names what is foreign (RFC 826 ARCNET packets,
    // 1-byte hardware addresses, are 18 bytes long).
    a[1] = 7;
    a[4] = 1;
    EXPECT_EQ(arp_view_drop(parse_error::truncated, bytes{a}.first(18)),
              drop_reason::arp_bad_hw_type);
    a[1] = 1;
    a[2] = 0x86;
    EXPECT_EQ(arp_view_drop(parse_error::truncated, bytes{a}.first(18)),
              drop_reason::arp_bad_proto_type);
    a[2] = 0x08;
    EXPECT_EQ(arp_view_drop(parse_error::truncated, bytes{a}.first(18)),
              drop_reason::arp_bad_length);
    a[4] = 6;
    EXPECT_EQ(arp_view_drop(parse_error::truncated, bytes{a}.first(18)),
              drop_reason::arp_truncated);
    EXPECT_EQ(arp_view_drop(parse_error::truncated, bytes{a}.first(5)), drop_reason::arp_truncated);

    const auto compute = wire::checksum_policy::compute;
    std::vector<std::uint8_t> ip(20, 0);
    ip[0] = 0x45;
    EXPECT_EQ(ipv4_drop(parse_error::truncated, bytes{ip}.first(19), compute),
              drop_reason::ipv4_truncated);
    EXPECT_EQ(ipv4_drop(parse_error::truncated, ip, compute), drop_reason::ipv4_bad_total_len);
    ip[0] = 0x46;  // 24-byte header in 20 bytes
    EXPECT_EQ(ipv4_drop(parse_error::truncated, ip, compute), drop_reason::ipv4_truncated);
    EXPECT_EQ(ipv4_drop(parse_error::bad_version, ip, compute), drop_reason::ipv4_bad_version);
    EXPECT_EQ(ipv4_drop(parse_error::bad_header_len, ip, compute),
              drop_reason::ipv4_bad_header_len);
    EXPECT_EQ(ipv4_drop(parse_error::bad_total_len, ip, compute), drop_reason::ipv4_bad_total_len);
    EXPECT_EQ(ipv4_drop(parse_error::bad_checksum, ip, compute), drop_reason::ipv4_bad_checksum);
    ip[0] = 0x45;
    // Malformed options in a header whose checksum fails: the checksum is what is wrong.
    EXPECT_EQ(ipv4_drop(parse_error::bad_option, ip, compute), drop_reason::ipv4_bad_checksum);
    EXPECT_EQ(ipv4_drop(parse_error::bad_option, ip, wire::checksum_policy::skip),
              drop_reason::ipv4_bad_option);
    ipv4::fill_checksum(mut_bytes{ip}.first(20));
    EXPECT_EQ(ipv4_drop(parse_error::bad_option, ip, compute), drop_reason::ipv4_bad_option);
    EXPECT_EQ(ipv4_drop(parse_error::bad_value, ip, compute), drop_reason::ipv4_reserved_flag);

    EXPECT_EQ(icmp_drop(parse_error::truncated), drop_reason::icmp_truncated);
    EXPECT_EQ(icmp_drop(parse_error::bad_checksum), drop_reason::icmp_bad_checksum);
    EXPECT_EQ(icmp_drop(parse_error::unsupported), drop_reason::icmp_unknown_type);
    EXPECT_EQ(icmp_drop(parse_error::bad_value), drop_reason::icmp_bad_code);

    const std::vector<std::uint8_t> u(8);
    EXPECT_EQ(udp_drop(parse_error::truncated, bytes{u}.first(7)), drop_reason::udp_truncated);
    EXPECT_EQ(udp_drop(parse_error::truncated, u), drop_reason::udp_bad_length);
    EXPECT_EQ(udp_drop(parse_error::bad_total_len, u), drop_reason::udp_bad_length);
    EXPECT_EQ(udp_drop(parse_error::bad_checksum, u), drop_reason::udp_bad_checksum);
    EXPECT_EQ(udp_drop(parse_error::bad_value, u), drop_reason::udp_no_socket);
}

}  // namespace
}  // namespace netrig::core::testing
