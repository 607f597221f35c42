// SPDX-License-Identifier: MIT
// wire: IPv4 and ICMPv4 round trips and rejections.
#include <gtest/gtest.h>

#include <vector>

#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"

namespace netrig::wire {
namespace {

ipv4::repr sample_ip(std::uint16_t payload_len) {
    ipv4::repr r;
    r.source = ipv4_address(10, 0, 0, 1);
    r.destination = ipv4_address(10, 0, 0, 2);
    r.protocol = ipv4::protocol::udp;
    r.payload_len = payload_len;
    r.ttl = 63;
    r.dscp = 46;
    r.ecn = 1;
    r.ident = 0xbeef;
    r.dont_frag = true;
    return r;
}

TEST(ipv4, round_trip_and_bytes_stable) {
    const auto r = sample_ip(4);
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf);
    EXPECT_EQ(buf[0], 0x45);
    EXPECT_EQ(buf[1], (46 << 2) | 1);
    EXPECT_EQ(load_be16(buf, ipv4::field::total_len), 24);
    EXPECT_EQ(load_be16(buf, ipv4::field::flags_frag_offset), 0x4000);
    EXPECT_TRUE(verify_checksum(bytes{buf}.first(20)));
    auto v = ipv4::view::parse(buf);
    ASSERT_TRUE(v);
    auto p = ipv4::repr::parse(*v);
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, r);
    std::vector<std::uint8_t> again(p->buffer_len());
    p->emit(again);
    EXPECT_EQ(again, buf);
}

TEST(ipv4, options_and_fragments_preserved) {
    auto r = sample_ip(16);
    r.dont_frag = false;
    r.more_frags = true;
    r.frag_offset = 1480;
    // Record route (type 7, len 7, pointer 4, one empty slot) + EOL.
    const std::uint8_t opts[] = {7, 7, 4, 0, 0, 0, 0, 0};
    r.set_options(opts);
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf);
    EXPECT_EQ(buf[0], 0x47);
    auto p = ipv4::repr::parse(ipv4::view::parse(buf).value()).value();
    EXPECT_EQ(p, r);
    EXPECT_EQ(p.frag_offset, 1480);
    EXPECT_TRUE(p.more_frags);
    EXPECT_TRUE(std::equal(p.options().begin(), p.options().end(), std::begin(opts)));
}

TEST(ipv4, max_options_40_bytes) {
    auto r = sample_ip(0);
    std::array<std::uint8_t, 40> opts{};
    opts.fill(1);  // 40 NOPs
    r.set_options(opts);
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf);
    EXPECT_EQ(buf[0], 0x4f);
    EXPECT_EQ(ipv4::repr::parse(ipv4::view::parse(buf).value()).value(), r);
}

TEST(ipv4, padding_after_total_length_ignored) {
    const auto r = sample_ip(2);
    std::vector<std::uint8_t> buf(46, 0);  // Ethernet minimum payload
    r.emit(mut_bytes{buf}.first(r.buffer_len()));
    auto v = ipv4::view::parse(buf).value();
    EXPECT_EQ(v.payload().size(), 2U);
}

TEST(ipv4, rejections) {
    const auto r = sample_ip(8);
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf);
    for (std::size_t n = 0; n < buf.size(); ++n) {
        EXPECT_EQ(ipv4::view::parse(bytes{buf}.first(n)).error(), parse_error::truncated) << n;
    }
    auto bad = buf;
    bad[0] = 0x65;
    EXPECT_EQ(ipv4::view::parse(bad).error(), parse_error::bad_version);
    for (std::uint8_t ihl = 0; ihl < 5; ++ihl) {
        bad = buf;
        bad[0] = static_cast<std::uint8_t>(0x40 | ihl);
        EXPECT_EQ(ipv4::view::parse(bad).error(), parse_error::bad_header_len) << int{ihl};
    }
    bad = buf;
    bad[0] = 0x48;  // IHL 32 bytes > the 28-byte packet
    EXPECT_EQ(ipv4::view::parse(bad).error(), parse_error::truncated);
    bad = buf;
    store_be16(bad, ipv4::field::total_len, 19);
    EXPECT_EQ(ipv4::view::parse(bad).error(), parse_error::bad_total_len);
    bad = buf;
    store_be16(bad, ipv4::field::total_len, 29);
    EXPECT_EQ(ipv4::view::parse(bad).error(), parse_error::truncated);
    bad = buf;
    bad[ipv4::field::checksum] ^= 0x10U;
    auto bad_csum = ipv4::repr::parse(ipv4::view::parse(bad).value());
    if (!checksums_always_verify) {
        EXPECT_EQ(bad_csum.error(), parse_error::bad_checksum);
    }
    EXPECT_TRUE(ipv4::repr::parse(ipv4::view::parse(bad).value(), checksum_policy::skip));
    bad = buf;
    bad[ipv4::field::flags_frag_offset] |= 0x80U;
    ipv4::fill_checksum(mut_bytes{bad}.first(20));
    EXPECT_EQ(ipv4::repr::parse(ipv4::view::parse(bad).value()).error(), parse_error::bad_value);
}

TEST(ipv4, rejects_bad_option_lengths) {
    auto r = sample_ip(0);
    const std::uint8_t zero_len[] = {7, 0, 0, 0};
    const std::uint8_t one_len[] = {7, 1, 0, 0};
    const std::uint8_t too_long[] = {1, 7, 4, 0};  // NOP, then length 4 with 3 bytes left
    const std::uint8_t no_len[] = {1, 1, 1, 7};
    for (bytes opts : {bytes{zero_len}, bytes{one_len}, bytes{too_long}, bytes{no_len}}) {
        r.set_options(opts);
        std::vector<std::uint8_t> buf(r.buffer_len());
        r.emit(buf);
        EXPECT_EQ(ipv4::view::parse(buf).error(), parse_error::bad_option);
    }
    const std::uint8_t eol_then_junk[] = {0, 7, 0, 0};
    r.set_options(eol_then_junk);
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf);
    EXPECT_TRUE(ipv4::view::parse(buf));
}

TEST(ipv4, decrement_ttl_patches_checksum) {
    const auto r = sample_ip(0);
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf);
    ipv4::decrement_ttl(buf);
    EXPECT_EQ(buf[ipv4::field::ttl], 62);
    EXPECT_TRUE(verify_checksum(buf));
}

TEST(icmpv4, echo_round_trip) {
    const std::uint8_t data[] = {1, 2, 3, 4, 5};
    const auto req = icmpv4::make_echo_request(0x1234, 7, data);
    std::vector<std::uint8_t> buf(req.buffer_len());
    req.emit(buf);
    EXPECT_EQ(buf[0], 8);
    EXPECT_TRUE(verify_checksum(buf));
    auto p = icmpv4::repr::parse(icmpv4::view::parse(buf).value()).value();
    EXPECT_EQ(p, req);
    // A reply built in place over the request's own buffer.
    const auto rep = icmpv4::make_echo_reply(p);
    rep.emit(buf);
    EXPECT_EQ(buf[0], 0);
    auto q = icmpv4::repr::parse(icmpv4::view::parse(buf).value()).value();
    EXPECT_EQ(q.type, icmpv4::message_type::echo_reply);
    EXPECT_EQ(q.ident, 0x1234);
    EXPECT_EQ(q.seq_no, 7);
    EXPECT_TRUE(std::equal(q.data.begin(), q.data.end(), std::begin(data), std::end(data)));
}

TEST(icmpv4, frag_needed_quotes_header_and_mtu) {
    auto ip = sample_ip(100);
    std::vector<std::uint8_t> dgram(ip.buffer_len(), 0xab);
    ip.emit(dgram);
    const auto msg = icmpv4::make_dest_unreachable(icmpv4::unreachable::frag_needed, dgram, 1400);
    EXPECT_EQ(msg.data.size(), 28U);
    std::vector<std::uint8_t> buf(msg.buffer_len());
    msg.emit(buf);
    EXPECT_EQ(load_be16(buf, 6), 1400);
    auto p = icmpv4::repr::parse(icmpv4::view::parse(buf).value()).value();
    EXPECT_EQ(p, msg);
    EXPECT_EQ(p.next_hop_mtu, 1400);
    const auto te = icmpv4::make_time_exceeded(icmpv4::time_exceeded::ttl, dgram);
    buf.resize(te.buffer_len());
    te.emit(buf);
    EXPECT_EQ(icmpv4::repr::parse(icmpv4::view::parse(buf).value()).value(), te);
}

TEST(icmpv4, rejections) {
    const auto req = icmpv4::make_echo_request(1, 2, {});
    std::vector<std::uint8_t> buf(req.buffer_len());
    req.emit(buf);
    for (std::size_t n = 0; n < buf.size(); ++n) {
        EXPECT_EQ(icmpv4::view::parse(bytes{buf}.first(n)).error(), parse_error::truncated);
    }
    auto bad = buf;
    bad[7] ^= 1U;
    if (!checksums_always_verify) {
        EXPECT_EQ(icmpv4::repr::parse(icmpv4::view::parse(bad).value()).error(),
                  parse_error::bad_checksum);
    }
    bad = buf;
    bad[0] = 13;  // timestamp request
    EXPECT_EQ(icmpv4::repr::parse(icmpv4::view::parse(bad).value(), checksum_policy::skip).error(),
              parse_error::unsupported);
    bad = buf;
    bad[1] = 1;
    EXPECT_EQ(icmpv4::repr::parse(icmpv4::view::parse(bad).value(), checksum_policy::skip).error(),
              parse_error::bad_value);
}

}  // namespace
}  // namespace netrig::wire
