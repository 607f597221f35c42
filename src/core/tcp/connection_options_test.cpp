// SPDX-License-Identifier: MIT
// core/tcp: option negotiation and use: MSS (RFC 9293 §3.7.1), window scale and timestamps with
// PAWS (RFC 7323), SACK-permitted and SACK blocks (RFC 2018).
#include <gtest/gtest.h>

#include "core/tcp/connection_test_support.hpp"
#include "core/tcp/listener.hpp"

namespace netrig::core::tcp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test DSL

wire::tcp::options ts_opt(std::uint32_t value, std::uint32_t echo) {
    wire::tcp::options o;
    o.ts = wire::tcp::timestamps{value, echo};
    return o;
}

conn_config all_options() {
    conn_config c;
    c.quickack_segments = 0;
    return c;
}

TEST(tcp_rfc9293, s3_7_1_default_send_mss_is_536_without_option) {
    conn_config cfg = plain_config();
    cfg.nodelay = true;
    connection c = established(cfg);
    EXPECT_EQ(c.negotiated().send_mss, 536);
    ASSERT_EQ(*c.send(as_bytes(std::string(1000, 'a'))), 1000U);
    const auto out = recv_all(c, at_ms(1));
    ASSERT_EQ(out.size(), 2U);
    EXPECT_EQ(out[0].payload.size(), 536U);
    EXPECT_EQ(out[1].payload.size(), 464U);
}

TEST(tcp_rfc9293, s3_7_1_peer_mss_is_clamped_to_ours_and_to_a_floor) {
    wire::tcp::options big;
    big.mss = 9000;
    EXPECT_EQ(passive(plain_config(), big).negotiated().send_mss, 1460);
    wire::tcp::options tiny;
    tiny.mss = 1;
    EXPECT_EQ(passive(plain_config(), tiny).negotiated().send_mss, min_peer_mss);
}

TEST(tcp_rfc7323, s2_2_no_window_scale_in_syn_ack_unless_in_syn) {
    connection c = passive(all_options());
    const auto out = recv_all(c, at_ms(0));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_FALSE(out[0].options.window_scale.has_value());
    EXPECT_FALSE(out[0].options.ts.has_value());
    EXPECT_FALSE(out[0].options.sack_permitted);  // RFC 2018 §2 likewise
    EXPECT_EQ(c.negotiated().recv_shift, 0);
}

TEST(tcp_rfc7323, s2_3_window_scale_negotiated_and_applied_both_ways) {
    wire::tcp::options o;
    o.mss = 1460;
    o.window_scale = 2;
    connection c = passive(all_options(), o);
    const auto synack = recv_all(c, at_ms(0));
    ASSERT_EQ(synack.size(), 1U);
    // 6 MiB receive buffer max needs shift 7 (65535 << 7 >= 6 MiB).
    ASSERT_TRUE(synack[0].options.window_scale.has_value());
    EXPECT_EQ(*synack[0].options.window_scale, 7);
    EXPECT_EQ(synack[0].window, 65535);  // RFC 7323 §2.2: never scaled in a SYN
    send(c, at_ms(1), seg{.seq = remote_iss + 1, .ack = local_iss + 1, .window = 1000});
    EXPECT_EQ(c.state(), tcp_state::established);
    EXPECT_EQ(c.stats().send_window, 4000U);
    ASSERT_EQ(*c.send(as_bytes("x")), 1U);
    const auto out = recv_all(c, at_ms(2));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].window, 65536 >> 7);  // our 64 KiB buffer, scaled by 7
}

TEST(tcp_rfc7323, s2_3_shift_above_14_is_treated_as_14) {
    wire::tcp::options o;
    o.window_scale = 20;
    connection c = passive(all_options(), o);
    EXPECT_EQ(c.negotiated().send_shift, 14);
}

TEST(tcp_rfc7323, s3_2_timestamps_on_every_segment_echo_ts_recent) {
    connection c = passive(all_options(), ts_opt(777, 0));
    const auto synack = recv_all(c, at_ms(5));
    ASSERT_EQ(synack.size(), 1U);
    ASSERT_TRUE(synack[0].options.ts.has_value());
    EXPECT_EQ(synack[0].options.ts->echo, 777U);
    EXPECT_EQ(synack[0].options.ts->value, 5U);
    // Eff.snd.MSS leaves room for the 12 option bytes (RFC 9293 §3.7.1).
    EXPECT_EQ(c.negotiated().send_mss, 536 - 12);
    send(c, at_ms(6), seg{.seq = remote_iss + 1, .ack = local_iss + 1, .options = ts_opt(780, 5)});
    send(c, at_ms(7),
         seg{.seq = remote_iss + 1,
             .ack = local_iss + 1,
             .options = ts_opt(790, 5),
             .payload = "hi"});
    const auto out = recv_all(c, at_ms(60));
    ASSERT_EQ(out.size(), 1U);
    ASSERT_TRUE(out[0].options.ts.has_value());
    EXPECT_EQ(out[0].options.ts->echo, 790U);
    EXPECT_EQ(out[0].options.ts->value, 60U);
}

TEST(tcp_rfc7323, s5_3_paws_drops_segment_with_old_timestamp_and_acks) {
    connection c = passive(all_options(), ts_opt(1000, 0));
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(1), seg{.seq = remote_iss + 1, .ack = local_iss + 1, .options = ts_opt(1001, 0)});
    ASSERT_EQ(c.state(), tcp_state::established);
    send(c, at_ms(2),
         seg{.seq = remote_iss + 1,
             .ack = local_iss + 1,
             .options = ts_opt(900, 0),
             .payload = "old"});
    EXPECT_EQ(c.stats().paws_drops, 1U);
    EXPECT_EQ(c.stats().bytes_received, 0U);
    const auto out = recv_all(c, at_ms(2));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].ack, remote_iss + 1);
    // R1 does not apply to RST: an exact RST with an old TSval still resets.
    send(c, at_ms(3),
         seg{.flags = flag::rst, .seq = remote_iss + 1, .ack = {}, .options = ts_opt(900, 0)});
    EXPECT_EQ(c.state(), tcp_state::closed);
}

TEST(tcp_rfc2018, s2_sack_permitted_negotiated_only_if_offered) {
    wire::tcp::options o;
    o.sack_permitted = true;
    connection c = passive(all_options(), o);
    const auto out = recv_all(c, at_ms(0));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_TRUE(out[0].options.sack_permitted);
    EXPECT_TRUE(c.negotiated().sack);
    conn_config no_sack = all_options();
    no_sack.sack = false;
    EXPECT_FALSE(passive(no_sack, o).negotiated().sack);
}

TEST(tcp_rfc2018, s4_first_sack_block_covers_the_most_recent_segment) {
    wire::tcp::options o;
    o.sack_permitted = true;
    conn_config cfg = all_options();
    connection c = passive(cfg, o);
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(1), seg{.seq = remote_iss + 1, .ack = local_iss + 1});
    const seq32 base = remote_iss + 1;
    send(c, at_ms(2), seg{.seq = base + 100, .ack = local_iss + 1, .payload = "aaaa"});
    auto out = recv_all(c, at_ms(2));
    ASSERT_EQ(out.size(), 1U);  // immediate duplicate ACK (RFC 5681 §4.2)
    ASSERT_EQ(out[0].options.sack_count, 1);
    EXPECT_EQ(out[0].options.sack_blocks[0], (wire::tcp::sack_block{base + 100, base + 104}));
    send(c, at_ms(3), seg{.seq = base + 200, .ack = local_iss + 1, .payload = "bbbb"});
    send(c, at_ms(3), seg{.seq = base + 300, .ack = local_iss + 1, .payload = "cccc"});
    send(c, at_ms(3), seg{.seq = base + 104, .ack = local_iss + 1, .payload = "dd"});
    out = recv_all(c, at_ms(3));
    ASSERT_EQ(out.size(), 1U);
    ASSERT_EQ(out[0].options.sack_count, 3);
    EXPECT_EQ(out[0].options.sack_blocks[0], (wire::tcp::sack_block{base + 100, base + 106}));
    EXPECT_EQ(out[0].options.sack_blocks[1], (wire::tcp::sack_block{base + 300, base + 304}));
    EXPECT_EQ(out[0].options.sack_blocks[2], (wire::tcp::sack_block{base + 200, base + 204}));
    // The hole fills: no more SACK blocks, everything acknowledged.
    send(c, at_ms(4), seg{.seq = base, .ack = local_iss + 1, .payload = std::string(100, 'z')});
    send(c, at_ms(4),
         seg{.seq = base + 106, .ack = local_iss + 1, .payload = std::string(94, 'y')});
    send(c, at_ms(4),
         seg{.seq = base + 204, .ack = local_iss + 1, .payload = std::string(96, 'x')});
    out = recv_all(c, at_ms(4));
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back().ack, base + 304);
    EXPECT_EQ(out.back().options.sack_count, 0);
}

TEST(tcp_rfc6691, data_segments_carrying_sack_blocks_still_fit_the_peer_mss) {
    // RFC 6691 / RFC 9293 §3.7.1: the MSS counts data only, and the sender must shrink the
    // data by the TCP options it sends ("the data length ... must be reduced by the option
    // length"). While we hold out-of-order data our data segments carry SACK blocks (RFC 2018),
    // so header options = 12 (timestamps) + 12, 20 or 28 (1-3 blocks). Found by tcp_sim_suite
    // (mix seed 229): 1448-byte segments with a SACK block made 1512-byte IP packets.
    wire::tcp::options o;
    o.mss = 1000;
    o.sack_permitted = true;
    o.ts = wire::tcp::timestamps{100, 0};
    conn_config cfg = all_options();
    cfg.nodelay = true;
    connection c = passive(cfg, o);
    const auto synack = recv_all(c, at_ms(0));
    ASSERT_EQ(synack.size(), 1U);
    send(c, at_ms(1),
         seg{.seq = remote_iss + 1, .ack = local_iss + 1,
             .options = ts_opt(101, synack[0].options.ts->value)});
    ASSERT_TRUE(c.negotiated().sack);
    ASSERT_TRUE(c.negotiated().timestamps);
    EXPECT_EQ(c.negotiated().send_mss, 1000 - 12);
    const seq32 base = remote_iss + 1;
    for (const std::uint32_t gap : {100U, 200U, 300U}) {
        send(c, at_ms(2),
             seg{.seq = base + gap, .ack = local_iss + 1, .options = ts_opt(102, 0),
                 .payload = "oo"});
    }
    (void)recv_all(c, at_ms(2));
    ASSERT_EQ(*c.send(as_bytes(std::string(2000, 'd'))), 2000U);
    const auto out = recv_all(c, at_ms(3));
    ASSERT_FALSE(out.empty());
    for (const auto& s : out) {
        ASSERT_EQ(s.options.sack_count, 3);
        // 10 (timestamps) + 2 + 24 (three blocks) = 36 option bytes, padded to 36 or 40.
        EXPECT_LE(s.payload.size() + 40U, 1000U) << s;
    }
    EXPECT_EQ(out[0].payload.size(), 1000U - 12U - 28U);
}

}  // namespace
}  // namespace netrig::core::tcp

namespace netrig::core::tcp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test DSL

TEST(tcp_connection, from_handshake_starts_established_with_listener_options) {
    handshake hs;
    hs.tuple = test_tuple();
    hs.irs = remote_iss;
    hs.iss = local_iss;
    hs.peer_mss = 1200;
    hs.peer_window_scale = 3;
    hs.window_scale = 7;
    hs.sack_permitted = true;
    hs.timestamps = true;
    hs.ts_recent = 4242;
    hs.syn_window = 65535;
    hs.ack_window = 1000;
    hs.rtt = std::chrono::milliseconds{7};
    connection c = connection::from_handshake(at_ms(100), conn_config{}, hs);
    EXPECT_EQ(c.state(), tcp_state::established);
    EXPECT_EQ(c.negotiated().send_mss, 1200 - 12);
    EXPECT_EQ(c.negotiated().send_shift, 3);
    EXPECT_EQ(c.negotiated().recv_shift, 7);
    EXPECT_TRUE(c.negotiated().sack);
    EXPECT_EQ(c.stats().send_window, 8000U);
    ASSERT_TRUE(c.stats().srtt.has_value());
    ASSERT_EQ(*c.send(as_bytes("hi")), 2U);
    const auto out = recv_all(c, at_ms(101));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].seq, local_iss + 1);
    EXPECT_EQ(out[0].ack, remote_iss + 1);
    ASSERT_TRUE(out[0].options.ts.has_value());
    EXPECT_EQ(out[0].options.ts->echo, 4242U);
    // Data on the completing ACK, passed afterwards, is taken.
    send(c, at_ms(102),
         seg{.seq = remote_iss + 1,
             .ack = local_iss + 3,
             .window = 1000,
             .options =
                 [] {
                     wire::tcp::options o;
                     o.ts = wire::tcp::timestamps{4243, 101};
                     return o;
                 }(),
             .payload = "data"});
    EXPECT_EQ(c.stats().bytes_received, 4U);
    // A smaller path MTU shrinks the send MSS (timestamps still take 12 bytes).
    c.set_path_mtu(1000);
    EXPECT_EQ(c.negotiated().send_mss, 1000 - 40 - 12);
    c.set_path_mtu(9000);  // never above what the peer allowed
    EXPECT_EQ(c.negotiated().send_mss, 1200 - 12);
}

}  // namespace
}  // namespace netrig::core::tcp
