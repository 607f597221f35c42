// SPDX-License-Identifier: MIT
// core/tcp: SYN cookies: round trip, expiry, forgery, tuple binding, timestamp options.
#include "core/tcp/syn_cookie.hpp"

#include <gtest/gtest.h>

#include "base/rng.hpp"

namespace netrig::core::tcp {
namespace {

using namespace std::chrono_literals;
using wire::seq32;

const four_tuple tuple_a{wire::ipv4_address{10, 0, 0, 1}, wire::ipv4_address{10, 0, 0, 2}, 80,
                         40000};
const syn_cookie_codec codec{siphash_key{0xdeadbeef, 0xfeedface}};

TEST(syn_cookie, mss_index_picks_largest_entry_not_above) {
    EXPECT_EQ(syn_cookie_codec::mss_index(100), 0);
    EXPECT_EQ(syn_cookie_codec::mss_index(536), 0);
    EXPECT_EQ(syn_cookie_codec::mss_index(1299), 0);
    EXPECT_EQ(syn_cookie_codec::mss_index(1300), 1);
    EXPECT_EQ(syn_cookie_codec::mss_index(1459), 2);
    EXPECT_EQ(syn_cookie_codec::mss_index(1460), 3);
    EXPECT_EQ(syn_cookie_codec::mss_index(9000), 3);
}

TEST(syn_cookie, round_trip_every_mss_and_many_isns) {
    rng r{7};
    for (int i = 0; i < 1000; ++i) {
        const seq32 peer_isn{static_cast<std::uint32_t>(r())};
        const auto mss = syn_cookie_codec::mss_table[static_cast<std::size_t>(i) % 4];
        const instant t{std::chrono::milliseconds{r.below(10'000'000)}};
        const seq32 cookie = codec.make(t, tuple_a, peer_isn, mss);
        const auto got = codec.check(t, tuple_a, peer_isn + 1U, cookie + 1U);
        ASSERT_TRUE(got.has_value()) << "i=" << i;
        EXPECT_EQ(got->mss, mss);
        EXPECT_EQ(got->iss, cookie);
        EXPECT_EQ(got->irs, peer_isn);
    }
}

TEST(syn_cookie, accepted_within_two_counter_values_then_expires) {
    const seq32 peer_isn{12345};
    const instant made{1000s};
    const seq32 cookie = codec.make(made, tuple_a, peer_isn, 1460);
    // Counter values: 1000 s is in period 15 (960..1024 s).
    EXPECT_TRUE(codec.check(instant{1023s}, tuple_a, peer_isn + 1U, cookie + 1U));
    EXPECT_TRUE(codec.check(instant{1024s}, tuple_a, peer_isn + 1U, cookie + 1U));
    EXPECT_TRUE(codec.check(instant{1087s}, tuple_a, peer_isn + 1U, cookie + 1U));
    EXPECT_FALSE(codec.check(instant{1088s}, tuple_a, peer_isn + 1U, cookie + 1U));
    EXPECT_FALSE(codec.check(instant{5000s}, tuple_a, peer_isn + 1U, cookie + 1U));
    // A cookie "from the future" (clock went backwards past a period) is refused too.
    EXPECT_FALSE(codec.check(instant{959s}, tuple_a, peer_isn + 1U, cookie + 1U));
}

TEST(syn_cookie, forged_acks_rejected) {
    rng r{99};
    const instant t{500s};
    int accepted = 0;
    for (int i = 0; i < 100'000; ++i) {
        const seq32 seq{static_cast<std::uint32_t>(r())};
        const seq32 ack{static_cast<std::uint32_t>(r())};
        accepted += codec.check(t, tuple_a, seq, ack).has_value() ? 1 : 0;
    }
    // A blind guess passes with p = 2 counters * 4 indexes / 2^32 ~ 2e-9 per try.
    EXPECT_EQ(accepted, 0);
    // A real cookie with one bit flipped, or acked off by one, fails.
    const seq32 peer_isn{777};
    const seq32 cookie = codec.make(t, tuple_a, peer_isn, 1460);
    EXPECT_FALSE(codec.check(t, tuple_a, peer_isn + 1U, seq32{(cookie + 1U).raw() ^ 0x100U}));
    EXPECT_FALSE(codec.check(t, tuple_a, peer_isn + 1U, cookie + 2U));
    EXPECT_FALSE(codec.check(t, tuple_a, peer_isn + 2U, cookie + 1U));
}

TEST(syn_cookie, wrong_tuple_or_key_rejected) {
    const instant t{500s};
    const seq32 peer_isn{777};
    const seq32 cookie = codec.make(t, tuple_a, peer_isn, 1460);
    four_tuple other = tuple_a;
    other.remote_port = 40001;
    EXPECT_FALSE(codec.check(t, other, peer_isn + 1U, cookie + 1U));
    other = tuple_a;
    other.remote_address = wire::ipv4_address{10, 0, 0, 3};
    EXPECT_FALSE(codec.check(t, other, peer_isn + 1U, cookie + 1U));
    const syn_cookie_codec other_key{siphash_key{1, 2}};
    EXPECT_FALSE(other_key.check(t, tuple_a, peer_isn + 1U, cookie + 1U));
}

TEST(syn_cookie, timestamp_carries_window_scale_and_sack) {
    for (std::uint8_t ws = 0; ws <= 14; ++ws) {
        for (const bool sack : {false, true}) {
            const syn_cookie_ts_options opt{.window_scale = ws, .sack_permitted = sack};
            const std::uint32_t ts = syn_cookie_codec::encode_timestamp(1'000'000, opt);
            EXPECT_LE(ts, 1'000'000U);
            EXPECT_GT(ts, 1'000'000U - 64U);
            EXPECT_EQ(syn_cookie_codec::decode_timestamp(ts), opt);
        }
    }
    const syn_cookie_ts_options none{};
    EXPECT_EQ(syn_cookie_codec::decode_timestamp(syn_cookie_codec::encode_timestamp(5000, none)),
              none);
    // Invalid encodings: shift 15 is "none", so 0x3f fails only for the reserved bit.
    EXPECT_FALSE(syn_cookie_codec::decode_timestamp(0x20));
    EXPECT_FALSE(syn_cookie_codec::decode_timestamp(0x3f));
}

}  // namespace
}  // namespace netrig::core::tcp
