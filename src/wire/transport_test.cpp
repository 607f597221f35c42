// SPDX-License-Identifier: MIT
// wire: UDP, TCP and TCP option round trips and rejections.
#include <gtest/gtest.h>

#include <vector>

#include "base/rng.hpp"
#include "wire/tcp.hpp"
#include "wire/udp.hpp"

namespace netrig::wire {
namespace {

const ipv4_address src_ip(10, 0, 0, 1);
const ipv4_address dst_ip(10, 0, 0, 2);

TEST(udp, round_trip_and_checksum) {
    const std::uint8_t data[] = {'h', 'e', 'l', 'l', 'o'};
    const udp::repr r{40000, 5201, data};
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf, src_ip, dst_ip);
    EXPECT_EQ(load_be16(buf, udp::field::length), 13);
    EXPECT_NE(load_be16(buf, udp::field::checksum), 0);
    auto v = udp::view::parse(buf).value();
    EXPECT_TRUE(v.checksum_ok(src_ip, dst_ip));
    auto p = udp::repr::parse(v, src_ip, dst_ip).value();
    EXPECT_EQ(p, r);
    std::vector<std::uint8_t> again(p.buffer_len());
    p.emit(again, src_ip, dst_ip);
    EXPECT_EQ(again, buf);
}

TEST(udp, zero_checksum_means_none_and_computed_zero_is_sent_as_ffff) {
    const udp::repr r{1, 2, {}};
    std::vector<std::uint8_t> buf(8);
    r.emit(buf, src_ip, dst_ip, checksum_policy::skip);
    EXPECT_EQ(load_be16(buf, udp::field::checksum), 0);
    EXPECT_TRUE(udp::repr::parse(udp::view::parse(buf).value(), src_ip, dst_ip));
    // Search for a payload whose checksum computes to 0: it must go out as 0xffff and verify.
    for (std::uint32_t x = 0; x <= 0xffff; ++x) {
        std::array<std::uint8_t, 2> pl{static_cast<std::uint8_t>(x >> 8U),
                                       static_cast<std::uint8_t>(x)};
        const udp::repr z{1, 2, pl};
        std::vector<std::uint8_t> b(z.buffer_len());
        z.emit(b, src_ip, dst_ip);
        if (load_be16(b, udp::field::checksum) == 0xffff) {
            EXPECT_TRUE(udp::view::parse(b).value().checksum_ok(src_ip, dst_ip));
            return;
        }
    }
    FAIL() << "no payload with checksum 0 found";
}

TEST(udp, rejections) {
    const std::uint8_t data[] = {1, 2, 3};
    const udp::repr r{1000, 2000, data};
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf, src_ip, dst_ip);
    for (std::size_t n = 0; n < buf.size(); ++n) {
        EXPECT_EQ(udp::view::parse(bytes{buf}.first(n)).error(), parse_error::truncated) << n;
    }
    auto bad = buf;
    store_be16(bad, udp::field::length, 7);
    EXPECT_EQ(udp::view::parse(bad).error(), parse_error::bad_total_len);
    bad = buf;
    bad[9] ^= 1U;
    if (!checksums_always_verify) {
        EXPECT_EQ(udp::repr::parse(udp::view::parse(bad).value(), src_ip, dst_ip).error(),
                  parse_error::bad_checksum);
        // Wrong pseudo-header (another destination) fails too.
        EXPECT_EQ(udp::repr::parse(udp::view::parse(buf).value(), src_ip,
                                   ipv4_address(10, 0, 0, 3))
                      .error(),
                  parse_error::bad_checksum);
    }
}

TEST(udp, pseudo_header_only_policy_writes_partial_sum) {
    const udp::repr r{1, 2, {}};
    std::vector<std::uint8_t> buf(8);
    r.emit(buf, src_ip, dst_ip, checksum_policy::pseudo_header_only);
    EXPECT_EQ(load_be16(buf, udp::field::checksum),
              ipv4_pseudo_header_sum(src_ip, dst_ip, 17, 8));
}

tcp::repr syn_with_all_options() {
    tcp::repr r;
    r.source_port = 40000;
    r.destination_port = 5201;
    r.seq = seq32{0xfffffff0U};
    r.flags = tcp::flag::syn;
    r.window = 64240;
    r.options.mss = 1460;
    r.options.sack_permitted = true;
    r.options.ts = tcp::timestamps{123456, 0};
    r.options.window_scale = 7;
    return r;
}

TEST(tcp, syn_options_linux_layout_round_trip) {
    const auto r = syn_with_all_options();
    EXPECT_EQ(r.header_len(), 40U);
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf, src_ip, dst_ip);
    // Linux's SYN layout: MSS, SACK-permitted, TS, NOP, WS.
    const std::vector<std::uint8_t> opts(buf.begin() + 20, buf.end());
    const std::vector<std::uint8_t> expected{2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 1, 0xe2, 0x40,
                                             0, 0, 0, 0, 1, 3, 3, 7};
    EXPECT_EQ(opts, expected);
    EXPECT_EQ(buf[tcp::field::data_offset], 0xa0);
    auto v = tcp::view::parse(buf).value();
    EXPECT_TRUE(v.checksum_ok(src_ip, dst_ip));
    auto p = tcp::repr::parse(v, src_ip, dst_ip).value();
    EXPECT_EQ(p, r);
    EXPECT_EQ(p.segment_len(), 1U);
    std::vector<std::uint8_t> again(p.buffer_len());
    p.emit(again, src_ip, dst_ip);
    EXPECT_EQ(again, buf);
}

TEST(tcp, data_ack_with_sack_blocks_round_trip) {
    const std::uint8_t data[] = {'x', 'y', 'z'};
    tcp::repr r;
    r.source_port = 5201;
    r.destination_port = 40000;
    r.seq = seq32{1000};
    r.ack = seq32{2000};
    r.flags = tcp::flag::ack | tcp::flag::psh | tcp::flag::fin;
    r.window = 500;
    r.options.ts = tcp::timestamps{1, 2};
    r.options.sack_count = 3;
    r.options.sack_blocks[0] = {seq32{3000}, seq32{4000}};
    r.options.sack_blocks[1] = {seq32{5000}, seq32{6000}};
    r.options.sack_blocks[2] = {seq32{0xfffffff0U}, seq32{0x10}};
    r.payload = data;
    EXPECT_EQ(r.header_len(), 20U + 12 + 4 + 24);
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf, src_ip, dst_ip);
    auto p = tcp::repr::parse(tcp::view::parse(buf).value(), src_ip, dst_ip).value();
    EXPECT_EQ(p, r);
    EXPECT_EQ(p.segment_len(), 4U);
}

TEST(tcp, packed_layout_when_aligned_would_not_fit) {
    tcp::repr r = syn_with_all_options();
    r.options.mss.reset();
    r.options.ts.reset();
    r.options.sack_count = 4;  // WS + SACK-permitted + 4 blocks: 39 raw bytes
    for (std::size_t i = 0; i < 4; ++i) {
        r.options.sack_blocks[i] = {seq32{static_cast<std::uint32_t>(i * 10)},
                                    seq32{static_cast<std::uint32_t>(i * 10 + 5)}};
    }
    EXPECT_EQ(r.header_len(), 60U);
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf, src_ip, dst_ip);
    EXPECT_EQ(tcp::repr::parse(tcp::view::parse(buf).value(), src_ip, dst_ip).value(), r);
}

TEST(tcp, unknown_options_skipped_and_eol_ends_list) {
    std::vector<std::uint8_t> buf(32, 0);
    store_be16(buf, tcp::field::source_port, 1);
    store_be16(buf, tcp::field::destination_port, 2);
    buf[tcp::field::data_offset] = 0x80;
    // Unknown kind 30 (MPTCP) length 4, MSS 536, EOL, then junk that must be ignored.
    const std::uint8_t opts[] = {30, 4, 0xaa, 0xbb, 2, 4, 0x02, 0x18, 0, 99, 99, 99};
    std::copy(std::begin(opts), std::end(opts), buf.begin() + 20);
    tcp::fill_checksum(buf, src_ip, dst_ip);
    auto p = tcp::repr::parse(tcp::view::parse(buf).value(), src_ip, dst_ip).value();
    EXPECT_EQ(p.options.mss, 536);
    EXPECT_FALSE(p.options.ts);
}

TEST(tcp, rejects_malformed_option_lengths) {
    const std::vector<std::vector<std::uint8_t>> bad_opts{
        {2, 0, 0, 0},                  // length 0
        {2, 1, 0, 0},                  // length 1
        {1, 1, 1, 2},                  // kind without length byte
        {1, 1, 30, 3},                 // unknown option running past the end
        {2, 3, 5, 0},                  // MSS with length 3
        {3, 4, 7, 0},                  // WS with length 4
        {4, 3, 0, 0},                  // SACK-permitted with length 3
        {8, 8, 0, 0, 0, 0, 0, 0},      // TS with length 8
        {5, 6, 0, 0, 0, 0, 0, 0},      // SACK with a partial block
        {5, 2, 0, 0},                  // SACK with no block
    };
    for (const auto& opts : bad_opts) {
        std::vector<std::uint8_t> buf(20 + (opts.size() + 3) / 4 * 4, 0);
        store_be16(buf, tcp::field::source_port, 1);
        store_be16(buf, tcp::field::destination_port, 2);
        buf[tcp::field::data_offset] = static_cast<std::uint8_t>((buf.size() / 4) << 4U);
        std::copy(opts.begin(), opts.end(), buf.begin() + 20);
        auto v = tcp::view::parse(buf);
        ASSERT_FALSE(v) << int{opts[0]} << "," << int{opts[1]};
        EXPECT_EQ(v.error(), parse_error::bad_option);
    }
}

TEST(tcp, header_rejections) {
    const auto r = syn_with_all_options();
    std::vector<std::uint8_t> buf(r.buffer_len());
    r.emit(buf, src_ip, dst_ip);
    for (std::size_t n = 0; n < buf.size(); ++n) {
        EXPECT_EQ(tcp::view::parse(bytes{buf}.first(n)).error(), parse_error::truncated) << n;
    }
    auto bad = buf;
    for (std::uint8_t off = 0; off < 5; ++off) {
        bad[tcp::field::data_offset] = static_cast<std::uint8_t>(off << 4U);
        EXPECT_EQ(tcp::view::parse(bad).error(), parse_error::bad_header_len);
    }
    bad = buf;
    bad[tcp::field::window] ^= 1U;
    if (!checksums_always_verify) {
        EXPECT_EQ(tcp::repr::parse(tcp::view::parse(bad).value(), src_ip, dst_ip).error(),
                  parse_error::bad_checksum);
    }
    EXPECT_TRUE(tcp::repr::parse(tcp::view::parse(bad).value(), src_ip, dst_ip,
                                 checksum_policy::skip));
    bad = buf;
    store_be16(bad, tcp::field::destination_port, 0);
    EXPECT_EQ(tcp::repr::parse(tcp::view::parse(bad).value(), src_ip, dst_ip,
                               checksum_policy::skip)
                  .error(),
              parse_error::bad_value);
}

TEST(tcp, pseudo_header_only_completes_like_checksum_offload) {
    // CHECKSUM_PARTIAL: the stack seeds the field with the pseudo-header sum, the device sums
    // from the TCP header on and stores the complement. The result must equal a full compute.
    const std::uint8_t data[] = {1, 2, 3, 4, 5, 6, 7};
    auto r = syn_with_all_options();
    r.payload = data;
    std::vector<std::uint8_t> full(r.buffer_len());
    r.emit(full, src_ip, dst_ip);
    std::vector<std::uint8_t> partial(r.buffer_len());
    r.emit(partial, src_ip, dst_ip, checksum_policy::pseudo_header_only);
    EXPECT_EQ(load_be16(partial, tcp::field::checksum),
              ipv4_pseudo_header_sum(src_ip, dst_ip, 6, static_cast<std::uint16_t>(full.size())));
    store_be16(partial, tcp::field::checksum, internet_checksum(partial));
    EXPECT_EQ(partial, full);
    std::vector<std::uint8_t> none(r.buffer_len());
    r.emit(none, src_ip, dst_ip, checksum_policy::skip);
    EXPECT_EQ(load_be16(none, tcp::field::checksum), 0);
}

TEST(tcp, randomized_round_trip) {
    rng r{9293};
    std::vector<std::uint8_t> payload(300);
    for (auto& b : payload) {
        b = static_cast<std::uint8_t>(r());
    }
    for (int i = 0; i < 2000; ++i) {
        tcp::repr t;
        t.source_port = static_cast<std::uint16_t>(1 + r.below(65535));
        t.destination_port = static_cast<std::uint16_t>(1 + r.below(65535));
        t.seq = seq32{static_cast<std::uint32_t>(r())};
        t.flags = static_cast<std::uint8_t>(r());
        t.ack = (t.flags & tcp::flag::ack) ? seq32{static_cast<std::uint32_t>(r())} : seq32{};
        t.urgent_ptr = (t.flags & tcp::flag::urg) ? static_cast<std::uint16_t>(r()) : 0;
        t.window = static_cast<std::uint16_t>(r());
        if (r.chance(0.5)) t.options.mss = static_cast<std::uint16_t>(r());
        if (r.chance(0.5)) t.options.window_scale = static_cast<std::uint8_t>(r.below(15));
        t.options.sack_permitted = r.chance(0.5);
        if (r.chance(0.5)) t.options.ts = tcp::timestamps{static_cast<std::uint32_t>(r()), 7};
        t.options.sack_count = static_cast<std::uint8_t>(r.below(3));
        for (std::size_t k = 0; k < t.options.sack_count; ++k) {
            t.options.sack_blocks[k] = {seq32{static_cast<std::uint32_t>(r())},
                                        seq32{static_cast<std::uint32_t>(r())}};
        }
        t.payload = bytes{payload}.first(r.below(payload.size()));
        std::vector<std::uint8_t> buf(t.buffer_len());
        t.emit(buf, src_ip, dst_ip);
        auto p = tcp::repr::parse(tcp::view::parse(buf).value(), src_ip, dst_ip);
        ASSERT_TRUE(p) << i;
        ASSERT_EQ(*p, t) << i;
    }
}

}  // namespace
}  // namespace netrig::wire
