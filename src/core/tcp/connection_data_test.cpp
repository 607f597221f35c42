// SPDX-License-Identifier: MIT
// core/tcp: data transfer and timers: delayed ACK, immediate ACKs for reordering, Nagle, zero
// window probing, keepalive, user timeout, retransmission timeout and fast retransmit.
#include <gtest/gtest.h>

#include <array>

#include "core/tcp/connection_test_support.hpp"
#include "core/tcp/tcp_error.hpp"

namespace netrig::core::tcp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test DSL

const seq32 rbase = remote_iss + 1;  // first data byte from the remote
const seq32 lbase = local_iss + 1;   // first data byte we send

wire::tcp::options mss_opt(std::uint16_t mss) {
    wire::tcp::options o;
    o.mss = mss;
    return o;
}

// Established with the remote announcing MSS 1000 and a 64 KiB window.
connection established_mss(conn_config cfg = plain_config()) {
    connection c = passive(cfg, mss_opt(1000));
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(0), seg{.seq = rbase, .ack = lbase});
    return c;
}

TEST(tcp_rfc9293, s3_8_6_3_delayed_ack_fires_within_40ms) {
    connection c = established();
    send(c, at_ms(10), seg{.seq = rbase, .ack = lbase, .payload = "abc"});
    expect_nothing(c, at_ms(10));
    EXPECT_EQ(c.next_deadline(), at_ms(50));
    expect_nothing(c, at_ms(49));
    // The right edge stays put until the application reads (receiver SWS avoidance).
    expect_recv(c, at_ms(50), {seg{.seq = lbase, .ack = rbase + 3, .window = 65532}});
}

TEST(tcp_rfc9293, s3_8_6_3_every_second_full_segment_is_acked_at_once) {
    connection c = established();
    const std::string full(1460, 'q');
    send(c, at_ms(1), seg{.seq = rbase, .ack = lbase, .payload = full});
    expect_nothing(c, at_ms(1));
    send(c, at_ms(2), seg{.seq = rbase + 1460, .ack = lbase, .payload = full});
    const auto out = recv_all(c, at_ms(2));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].ack, rbase + 2920);
}

TEST(tcp_rfc9293, s3_8_6_3_quickack_at_start) {
    conn_config cfg = plain_config();
    cfg.quickack_segments = 2;
    connection c = established(cfg);
    send(c, at_ms(1), seg{.seq = rbase, .ack = lbase, .payload = "a"});
    EXPECT_EQ(recv_all(c, at_ms(1)).size(), 1U);
    send(c, at_ms(2), seg{.seq = rbase + 1, .ack = lbase, .payload = "b"});
    EXPECT_EQ(recv_all(c, at_ms(2)).size(), 1U);
    send(c, at_ms(3), seg{.seq = rbase + 2, .ack = lbase, .payload = "c"});
    expect_nothing(c, at_ms(3));  // quick-ack budget spent: delayed
}

TEST(tcp_rfc5681, s4_2_out_of_order_and_gap_filling_segments_are_acked_immediately) {
    connection c = established();
    send(c, at_ms(1), seg{.seq = rbase + 3, .ack = lbase, .payload = "def"});
    expect_recv(c, at_ms(1), {seg{.seq = lbase, .ack = rbase}});
    EXPECT_EQ(c.stats().ooo_segments, 1U);
    send(c, at_ms(2), seg{.seq = rbase, .ack = lbase, .payload = "abc"});
    expect_recv(c, at_ms(2), {seg{.seq = lbase, .ack = rbase + 6, .window = 65529}});
    std::array<std::uint8_t, 8> buf{};
    ASSERT_EQ(*c.recv(buf), 6U);
    EXPECT_EQ(std::string(buf.begin(), buf.begin() + 6), "abcdef");
}

TEST(tcp_rfc896, nagle_holds_small_segment_while_data_is_unacked) {
    connection c = established_mss();
    ASSERT_EQ(*c.send(as_bytes("a")), 1U);
    EXPECT_EQ(recv_all(c, at_ms(1)).size(), 1U);
    ASSERT_EQ(*c.send(as_bytes("b")), 1U);
    ASSERT_EQ(*c.send(as_bytes("c")), 1U);
    expect_nothing(c, at_ms(2));
    send(c, at_ms(3), seg{.seq = rbase, .ack = lbase + 1});
    const auto out = recv_all(c, at_ms(3));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].payload, "bc");  // coalesced
}

TEST(tcp_rfc896, nodelay_sends_small_segments_at_once) {
    conn_config cfg = plain_config();
    cfg.nodelay = true;
    connection c = established_mss(cfg);
    ASSERT_EQ(*c.send(as_bytes("a")), 1U);
    EXPECT_EQ(recv_all(c, at_ms(1)).size(), 1U);
    ASSERT_EQ(*c.send(as_bytes("b")), 1U);
    EXPECT_EQ(recv_all(c, at_ms(2)).size(), 1U);
}

TEST(tcp_rfc9293, s3_8_6_2_1_sender_sws_waits_for_a_useful_window) {
    connection c = established_mss();
    // The window opened at 65535; the peer now offers only 10 bytes: 10 < Fs * max window.
    send(c, at_ms(1), seg{.seq = rbase, .ack = lbase, .window = 10});
    ASSERT_EQ(*c.send(as_bytes(std::string(500, 'w'))), 500U);
    expect_nothing(c, at_ms(2));
    send(c, at_ms(3), seg{.seq = rbase, .ack = lbase, .window = 40000});
    const auto out = recv_all(c, at_ms(3));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].payload.size(), 500U);
}

TEST(tcp_rfc9293, s3_8_6_2_1_sws_override_timeout_sends_into_a_small_window) {
    connection c = established_mss();
    send(c, at_ms(1), seg{.seq = rbase, .ack = lbase, .window = 10});
    ASSERT_EQ(*c.send(as_bytes(std::string(500, 'w'))), 500U);
    expect_nothing(c, at_ms(2));
    // The window stays small: after the override timeout what fits goes out.
    ASSERT_TRUE(c.next_deadline().has_value());
    const auto out = recv_all(c, *c.next_deadline());
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].payload.size(), 10U);
}

TEST(tcp_rfc9293, s3_8_6_1_zero_window_is_probed_with_backoff) {
    connection c = established_mss();
    send(c, at_ms(1), seg{.seq = rbase, .ack = lbase, .window = 0});
    ASSERT_EQ(*c.send(as_bytes("hello")), 5U);
    expect_nothing(c, at_ms(2));
    ASSERT_TRUE(c.next_deadline().has_value());
    const instant probe_at = *c.next_deadline();
    EXPECT_EQ(probe_at, at_ms(2) + c.stats().rto);
    auto out = recv_all(c, probe_at);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase);
    EXPECT_EQ(out[0].payload, "h");  // one octet of new data
    // The peer still has no room: it acknowledges nothing and keeps the window shut.
    send(c, probe_at + std::chrono::milliseconds{1}, seg{.seq = rbase, .ack = lbase, .window = 0});
    const instant second = *c.next_deadline();
    EXPECT_GT(second - probe_at, c.stats().rto);  // backed off
    out = recv_all(c, second);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].payload, "h");
    EXPECT_EQ(c.state(), tcp_state::established);
    // The window opens: the rest follows.
    send(c, second + std::chrono::milliseconds{1},
         seg{.seq = rbase, .ack = lbase + 1, .window = 1000});
    out = recv_all(c, second + std::chrono::milliseconds{1});
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].payload, "ello");
}

TEST(tcp_rfc9293, s3_10_7_4_acks_while_probing_a_zero_window_stay_acceptable) {
    // Both windows shut (an echo peer that cannot send because we cannot receive, and
    // vice versa): our ACKs carry the window update that breaks the tie, so they must pass the
    // peer's acceptability test, which with RCV.WND = 0 is SEG.SEQ = RCV.NXT. The peer did not
    // take our probe octet, so RCV.NXT is our SND.UNA, not SND.UNA + 1.
    connection c = established_mss();
    send(c, at_ms(1), seg{.seq = rbase, .ack = lbase, .window = 0});
    ASSERT_EQ(*c.send(as_bytes("hello")), 5U);
    expect_nothing(c, at_ms(2));
    ASSERT_TRUE(c.next_deadline().has_value());
    const instant probe_at = *c.next_deadline();
    auto out = recv_all(c, probe_at);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].payload, "h");
    // The peer, window still 0, sends data: we ACK it.
    const instant t = probe_at + std::chrono::milliseconds{1};
    send(c, t, seg{.seq = rbase, .ack = lbase, .window = 0, .payload = "abcd"});
    out = recv_all(c, t + std::chrono::milliseconds{50});
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back().ack, rbase + 4);
    EXPECT_EQ(out.back().seq, lbase);  // not lbase + 1: the probe octet was not accepted
    std::array<std::uint8_t, 4> buf{};
    ASSERT_EQ(*c.recv(buf), 4U);
    // Once the peer takes the probe octet, ACKs move on with SND.UNA.
    send(c, t + std::chrono::milliseconds{70},
         seg{.seq = rbase + 4, .ack = lbase + 1, .window = 1000, .payload = "efgh"});
    out = recv_all(c, t + std::chrono::milliseconds{120});
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back().ack, rbase + 8);
    EXPECT_EQ(out.back().seq, lbase + 1);  // "ello" goes out, carrying the ACK
    EXPECT_EQ(out.back().payload, "ello");
}

TEST(tcp_rfc1122, s4_2_3_6_keepalive_probes_then_times_out) {
    conn_config cfg = plain_config();
    cfg.keepalive = keepalive_config{
        .idle = std::chrono::seconds{10}, .interval = std::chrono::seconds{1}, .probes = 2};
    connection c = established(cfg);
    expect_nothing(c, at_ms(9999));
    expect_recv(c, at_ms(10000), {seg{.seq = local_iss, .ack = rbase}});
    // An answer resets the idle timer.
    send(c, at_ms(10001), seg{.seq = rbase, .ack = lbase});
    expect_nothing(c, at_ms(11000));
    EXPECT_EQ(c.next_deadline(), at_ms(20001));
    EXPECT_EQ(recv_all(c, at_ms(20001)).size(), 1U);
    EXPECT_EQ(recv_all(c, at_ms(21001)).size(), 1U);
    expect_nothing(c, at_ms(22001));
    EXPECT_EQ(c.state(), tcp_state::closed);
    EXPECT_EQ(*c.error(), make_error_code(tcp_errc::timed_out));
}

TEST(tcp_rfc1122, s4_2_3_6_keepalive_is_off_by_default) {
    connection c = established();
    EXPECT_FALSE(c.next_deadline().has_value());
    expect_nothing(c, at_ms(3 * 3600 * 1000));
}

TEST(tcp_rfc5482, user_timeout_ends_connection_with_unacked_data) {
    conn_config cfg = plain_config();
    cfg.user_timeout = std::chrono::seconds{3};
    connection c = established_mss(cfg);
    ASSERT_EQ(*c.send(as_bytes("data")), 4U);
    EXPECT_EQ(recv_all(c, at_ms(100)).size(), 1U);
    (void)recv_all(c, at_ms(1100));  // RTO retransmission
    expect_nothing(c, at_ms(3100));
    EXPECT_EQ(c.state(), tcp_state::closed);
    EXPECT_EQ(*c.error(), make_error_code(tcp_errc::timed_out));
}

TEST(tcp_rfc6298, s5_rto_retransmits_earliest_segment_with_backoff) {
    conn_config cfg = plain_config();
    cfg.nodelay = true;
    connection c = established_mss(cfg);
    ASSERT_EQ(*c.send(as_bytes(std::string(1500, 'r'))), 1500U);
    auto out = recv_all(c, at_ms(10));
    ASSERT_EQ(out.size(), 2U);
    const duration rto = c.stats().rto;
    out = recv_all(c, at_ms(10) + rto);
    ASSERT_EQ(out.size(), 1U);  // cwnd is 1 MSS after the timeout (RFC 5681 §3.1)
    EXPECT_EQ(out[0].seq, lbase);
    EXPECT_EQ(out[0].payload.size(), 1000U);
    EXPECT_EQ(c.stats().rto, 2 * rto);  // §5.5 back-off
    EXPECT_EQ(c.stats().rto_expirations, 1U);
    // The ACK of the retransmission lets the rest go and collapses the back-off.
    send(c, at_ms(2000), seg{.seq = rbase, .ack = lbase + 1000});
    out = recv_all(c, at_ms(2000));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase + 1000);
    EXPECT_EQ(c.stats().rto, rto);
}

TEST(tcp_rfc5681, s3_2_three_duplicate_acks_trigger_fast_retransmit) {
    conn_config cfg = plain_config();
    cfg.nodelay = true;
    connection c = established_mss(cfg);
    ASSERT_EQ(*c.send(as_bytes(std::string(4000, 'f'))), 4000U);
    auto out = recv_all(c, at_ms(10));
    ASSERT_EQ(out.size(), 4U);  // IW = 4 * 1000 (RFC 5681 §3.1, MSS <= 1095)
    for (int i = 0; i < 2; ++i) {
        send(c, at_ms(20 + i), seg{.seq = rbase, .ack = lbase});
        expect_nothing(c, at_ms(20 + i));
    }
    send(c, at_ms(22), seg{.seq = rbase, .ack = lbase});
    out = recv_all(c, at_ms(22));
    ASSERT_GE(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase);
    EXPECT_EQ(out[0].payload.size(), 1000U);
    EXPECT_EQ(c.stats().fast_retransmits, 1U);
    // RFC 6582 partial ACK: the next hole is retransmitted at once.
    send(c, at_ms(30), seg{.seq = rbase, .ack = lbase + 1000});
    out = recv_all(c, at_ms(30));
    ASSERT_GE(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase + 1000);
    EXPECT_EQ(c.stats().retransmits, 2U);
}

TEST(tcp_rfc6675, sack_loss_detection_retransmits_the_hole) {
    conn_config cfg = plain_config();
    cfg.sack = true;
    cfg.nodelay = true;
    wire::tcp::options o = mss_opt(1000);
    o.sack_permitted = true;
    connection c = passive(cfg, o);
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(0), seg{.seq = rbase, .ack = lbase});
    ASSERT_TRUE(c.negotiated().sack);
    ASSERT_EQ(*c.send(as_bytes(std::string(4000, 's'))), 4000U);
    ASSERT_EQ(recv_all(c, at_ms(10)).size(), 4U);
    // Segment 1 is lost; the ACKs for 2, 3, 4 carry SACK blocks.
    for (int i = 1; i <= 3; ++i) {
        wire::tcp::options s;
        s.sack_count = 1;
        s.sack_blocks[0] = wire::tcp::sack_block{lbase + 1000, lbase + 1000 * (1 + i)};
        send(c, at_ms(20 + i), seg{.seq = rbase, .ack = lbase, .options = s});
    }
    const auto out = recv_all(c, at_ms(24));
    ASSERT_GE(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase);
    EXPECT_EQ(out[0].payload.size(), 1000U);
    EXPECT_EQ(c.stats().fast_retransmits, 1U);
}

TEST(tcp_rfc6675, s5_1_after_rto_sacked_data_is_not_sent_again) {
    conn_config cfg = plain_config();
    cfg.sack = true;
    cfg.nodelay = true;
    wire::tcp::options o = mss_opt(1000);
    o.sack_permitted = true;
    connection c = passive(cfg, o);
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(0), seg{.seq = rbase, .ack = lbase});
    ASSERT_TRUE(c.negotiated().sack);
    ASSERT_EQ(*c.send(as_bytes(std::string(4000, 'k'))), 4000U);
    ASSERT_EQ(recv_all(c, at_ms(10)).size(), 4U);  // IW: segments 0..3
    // Segments 0 and 1 are lost; 2 and 3 arrive and are SACKed (one dupack: no recovery yet,
    // 2000 SACKed bytes are not "more than (DupThresh - 1) * SMSS").
    wire::tcp::options sk;
    sk.sack_count = 1;
    sk.sack_blocks[0] = wire::tcp::sack_block{lbase + 2000, lbase + 4000};
    send(c, at_ms(12), seg{.seq = rbase, .ack = lbase, .options = sk});
    expect_nothing(c, at_ms(12));
    EXPECT_EQ(c.stats().fast_retransmits, 0U);
    // The RTO: cwnd 1 SMSS, segment 0 again.
    const auto deadline = c.next_deadline();
    ASSERT_TRUE(deadline.has_value());
    auto out = recv_all(c, *deadline);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase);
    EXPECT_EQ(c.stats().rto_expirations, 1U);
    // Its ACK still SACKs 2..3. RFC 6675 §5.1: the sender "SHOULD utilize all SACK
    // information made available during the loss recovery following an RTO": segment 1 goes
    // again, segments 2 and 3 (SACKed) do not.
    const instant t = *deadline + std::chrono::milliseconds{1};
    send(c, t, seg{.seq = rbase, .ack = lbase + 1000, .options = sk});
    out = recv_all(c, t);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase + 1000);
    EXPECT_EQ(out[0].payload.size(), 1000U);
    EXPECT_EQ(c.stats().retransmits, 2U);
    // Everything acknowledged: nothing more to send, no timer.
    send(c, t + std::chrono::milliseconds{1}, seg{.seq = rbase, .ack = lbase + 4000});
    expect_nothing(c, t + std::chrono::milliseconds{1});
    EXPECT_EQ(c.stats().bytes_acked, 4000U);
}

TEST(tcp_rfc2018, s8_rto_forgets_sacks_when_the_receiver_reneged) {
    conn_config cfg = plain_config();
    cfg.sack = true;
    cfg.nodelay = true;
    wire::tcp::options o = mss_opt(1000);
    o.sack_permitted = true;
    connection c = passive(cfg, o);
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(0), seg{.seq = rbase, .ack = lbase});
    ASSERT_EQ(*c.send(as_bytes(std::string(3000, 'n'))), 3000U);
    ASSERT_EQ(recv_all(c, at_ms(10)).size(), 3U);
    wire::tcp::options sk;
    sk.sack_count = 1;
    sk.sack_blocks[0] = wire::tcp::sack_block{lbase + 1000, lbase + 3000};
    send(c, at_ms(12), seg{.seq = rbase, .ack = lbase, .options = sk});
    (void)recv_all(c, at_ms(12));
    // First RTO: segment 0 again. Its ACK carries no SACK block any more (the receiver
    // discarded segments 1-2, RFC 2018 §8 reneging); segments 1-2 still look SACKed, so
    // nothing more goes out now.
    auto d = c.next_deadline();
    ASSERT_TRUE(d.has_value());
    ASSERT_EQ(recv_all(c, *d).size(), 1U);
    const instant t = *d + std::chrono::milliseconds{1};
    send(c, t, seg{.seq = rbase, .ack = lbase + 1000});
    expect_nothing(c, t);
    // The next RTO finds SND.UNA inside "SACKed" data: the receiver reneged. RFC 2018 §8: the
    // sender turns off the SACKed bits, and RFC 6298 §5.4 retransmits the earliest
    // unacknowledged segment, so a reneging receiver costs one timeout, never a stall.
    d = c.next_deadline();
    ASSERT_TRUE(d.has_value());
    const auto out = recv_all(c, *d);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase + 1000);
    EXPECT_EQ(out[0].payload.size(), 1000U);
}

}  // namespace
}  // namespace netrig::core::tcp

namespace netrig::core::tcp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test DSL

TEST(tcp_rfc9293, s3_8_6_2_2_receiver_sws_moves_right_edge_only_by_a_useful_amount) {
    conn_config cfg = plain_config();
    cfg.recv_buffer_initial = 4096;
    cfg.recv_buffer_max = 4096;
    connection c = passive(cfg);
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(0), seg{.seq = remote_iss + 1, .ack = local_iss + 1});
    send(c, at_ms(1),
         seg{.seq = remote_iss + 1, .ack = local_iss + 1, .payload = std::string(4000, 'r')});
    auto out = recv_all(c, at_ms(100));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].window, 96);
    std::array<std::uint8_t, 2000> buf{};
    // Reading 100 bytes frees too little to advertise (< min(buffer / 2, MSS)).
    ASSERT_EQ(*c.recv(std::span<std::uint8_t>(buf).first(100)), 100U);
    expect_nothing(c, at_ms(101));
    // Reading 1900 more frees a useful amount: a window update goes out at once.
    ASSERT_EQ(*c.recv(std::span<std::uint8_t>(buf).first(1900)), 1900U);
    out = recv_all(c, at_ms(102));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].window, 2096);
}

TEST(tcp_rfc6298, s3_karn_no_rtt_sample_from_a_retransmitted_segment) {
    conn_config cfg = plain_config();
    connection c = passive(cfg, mss_opt(1000));
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(50), seg{.seq = rbase, .ack = lbase});  // handshake sample: 50 ms
    ASSERT_EQ(*c.stats().srtt, std::chrono::milliseconds{50});
    ASSERT_EQ(*c.send(as_bytes("karn")), 4U);
    (void)recv_all(c, at_ms(100));
    const duration rto = c.stats().rto;
    ASSERT_EQ(recv_all(c, at_ms(100) + rto).size(), 1U);  // retransmitted
    // The ACK cannot tell which transmission it answers: no sample, SRTT unchanged.
    send(c, at_ms(100) + rto + std::chrono::milliseconds{5}, seg{.seq = rbase, .ack = lbase + 4});
    EXPECT_EQ(*c.stats().srtt, std::chrono::milliseconds{50});
    // The next, never retransmitted segment gives a sample again.
    ASSERT_EQ(*c.send(as_bytes("next")), 4U);
    const instant t = at_ms(2000);
    (void)recv_all(c, t);
    send(c, t + std::chrono::milliseconds{10}, seg{.seq = rbase, .ack = lbase + 8});
    EXPECT_LT(*c.stats().srtt, std::chrono::milliseconds{50});
}

}  // namespace
}  // namespace netrig::core::tcp

namespace netrig::core::tcp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test DSL

TEST(tcp_rfc3042, limited_transmit_sends_one_new_segment_per_first_two_dupacks) {
    conn_config cfg = plain_config();
    cfg.nodelay = true;
    connection c = established_mss(cfg);
    ASSERT_EQ(*c.send(as_bytes(std::string(7000, 'l'))), 7000U);
    ASSERT_EQ(recv_all(c, at_ms(10)).size(), 4U);  // IW = 4 * 1000
    send(c, at_ms(20), seg{.seq = rbase, .ack = lbase});
    auto out = recv_all(c, at_ms(20));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase + 4000);
    send(c, at_ms(21), seg{.seq = rbase, .ack = lbase});
    out = recv_all(c, at_ms(21));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase + 5000);
    send(c, at_ms(22), seg{.seq = rbase, .ack = lbase});
    out = recv_all(c, at_ms(22));
    ASSERT_GE(out.size(), 1U);
    EXPECT_EQ(out[0].seq, lbase);  // third dupack: fast retransmit
    EXPECT_EQ(c.stats().fast_retransmits, 1U);
}

}  // namespace
}  // namespace netrig::core::tcp
