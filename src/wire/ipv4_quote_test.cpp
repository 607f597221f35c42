// SPDX-License-Identifier: MIT
// wire: quoted IPv4 headers (ICMP error payloads) and header-only emission.
#include "wire/ipv4_quote.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "wire/ipv4.hpp"

namespace netrig::wire {
namespace {

ipv4::repr sample(std::uint16_t payload_len) {
    ipv4::repr r;
    r.source = ipv4_address(10, 0, 0, 1);
    r.destination = ipv4_address(10, 0, 0, 2);
    r.protocol = ipv4::protocol::udp;
    r.payload_len = payload_len;
    r.ident = 0x1234;
    return r;
}

TEST(ipv4_quote, emit_header_matches_the_header_of_a_full_emit) {
    for (const bool with_options : {false, true}) {
        auto r = sample(1000);
        if (with_options) {
            const std::uint8_t opts[] = {7, 7, 4, 0, 0, 0, 0, 0};  // record route + EOL
            r.set_options(opts);
        }
        std::vector<std::uint8_t> full(r.buffer_len());
        r.emit(full);
        std::vector<std::uint8_t> header(r.header_len() + 3, 0xaa);
        ipv4::emit_header(r, header);
        EXPECT_TRUE(std::equal(header.begin(), header.begin() + r.header_len(), full.begin()));
        EXPECT_EQ(header[r.header_len()], 0xaa);  // Nothing written past the header.
        EXPECT_EQ(load_be16(header, ipv4::field::total_len), r.buffer_len());
        EXPECT_TRUE(verify_checksum(bytes{header}.first(r.header_len())));
    }
}

TEST(ipv4_quote, emit_header_skip_leaves_the_checksum_zero) {
    const auto r = sample(8);
    std::vector<std::uint8_t> header(20);
    ipv4::emit_header(r, header, checksum_policy::skip);
    EXPECT_EQ(load_be16(header, ipv4::field::checksum), 0);
    EXPECT_EQ(load_be16(header, ipv4::field::total_len), 28);
}

TEST(ipv4_quote, reads_a_quote_whose_total_length_runs_past_it) {
    const auto r = sample(1000);
    std::vector<std::uint8_t> quote(20 + 8 + 4);  // RFC 1812 routers may quote more.
    ipv4::emit_header(r, quote);
    for (std::size_t i = 20; i < quote.size(); ++i) {
        quote[i] = static_cast<std::uint8_t>(i);
    }
    EXPECT_FALSE(ipv4::view::parse(quote));   // The full parser calls it truncated ...
    auto q = ipv4::quote_view::parse(quote);  // ... the quote reader does not.
    ASSERT_TRUE(q);
    EXPECT_EQ(q->header_len(), 20U);
    EXPECT_EQ(q->total_len(), 1020);
    EXPECT_EQ(q->protocol(), ipv4::protocol::udp);
    EXPECT_EQ(q->source(), r.source);
    EXPECT_EQ(q->destination(), r.destination);
    ASSERT_EQ(q->transport_head().size(), 8U);
    EXPECT_EQ(q->transport_head()[0], 20);
    EXPECT_EQ(q->transport_head()[7], 27);
}

TEST(ipv4_quote, honours_options_in_the_quoted_header) {
    auto r = sample(8);
    const std::uint8_t opts[] = {1, 1, 1, 0};  // NOP NOP NOP EOL
    r.set_options(opts);
    std::vector<std::uint8_t> quote(24 + 8, 0x55);
    ipv4::emit_header(r, quote);
    auto q = ipv4::quote_view::parse(quote);
    ASSERT_TRUE(q);
    EXPECT_EQ(q->header_len(), 24U);
    EXPECT_EQ(q->transport_head().data(), quote.data() + 24);
    EXPECT_FALSE(ipv4::quote_view::parse(bytes{quote}.first(31)));
}

TEST(ipv4_quote, rejects_by_reason) {
    std::vector<std::uint8_t> quote(28);
    ipv4::emit_header(sample(8), quote);
    EXPECT_EQ(ipv4::quote_view::parse(bytes{quote}.first(19)).error(), parse_error::truncated);
    EXPECT_EQ(ipv4::quote_view::parse(bytes{quote}.first(27)).error(), parse_error::truncated);
    auto v6 = quote;
    v6[0] = 0x65;
    EXPECT_EQ(ipv4::quote_view::parse(v6).error(), parse_error::bad_version);
    auto ihl4 = quote;
    ihl4[0] = 0x44;
    EXPECT_EQ(ipv4::quote_view::parse(ihl4).error(), parse_error::bad_header_len);
    auto ihl15 = quote;
    ihl15[0] = 0x4f;  // 60-byte header: 68 bytes needed.
    EXPECT_EQ(ipv4::quote_view::parse(ihl15).error(), parse_error::truncated);
}

}  // namespace
}  // namespace netrig::wire
