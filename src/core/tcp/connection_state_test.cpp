// SPDX-License-Identifier: MIT
// core/tcp: the RFC 9293 state machine driven with crafted segments and explicit time, grouped
// by state (opening, synchronized, closing), plus RFC 5961 and RFC 1122 behaviour.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/tcp/connection_test_support.hpp"
#include "core/tcp/tcp_error.hpp"

namespace netrig::core::tcp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test DSL

wire::tcp::options mss_only(std::uint16_t mss = 1460) {
    wire::tcp::options o;
    o.mss = mss;
    return o;
}

connection active(const conn_config& cfg = plain_config()) {
    return connection::open_active(at_ms(0), cfg, open_params{test_tuple(), local_iss, 0});
}

// ---- SYN-SENT -------------------------------------------------------------------------------

TEST(tcp_rfc9293, s3_10_1_active_open_sends_syn_with_mss) {
    connection c = active();
    EXPECT_EQ(c.state(), tcp_state::syn_sent);
    expect_recv(c, at_ms(0),
                {seg{.flags = flag::syn,
                     .seq = local_iss,
                     .ack = {},
                     .window = 65535,
                     .options = mss_only()}});
    expect_nothing(c, at_ms(1));
}

TEST(tcp_rfc9293, s3_10_7_3_syn_ack_establishes_and_acks) {
    connection c = active();
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(10),
         seg{.flags = flag::syn | flag::ack,
             .seq = remote_iss,
             .ack = local_iss + 1,
             .window = 1000,
             .options = mss_only(1200)});
    EXPECT_EQ(c.state(), tcp_state::established);
    EXPECT_TRUE(c.ready().connected);
    EXPECT_EQ(c.negotiated().send_mss, 1200);
    expect_recv(c, at_ms(10), {seg{.seq = local_iss + 1, .ack = remote_iss + 1}});
    // The handshake gave an RTT sample (Karn: the SYN was sent once).
    ASSERT_TRUE(c.stats().srtt.has_value());
    EXPECT_EQ(*c.stats().srtt, std::chrono::milliseconds{10});
}

TEST(tcp_rfc9293, s3_10_7_3_unacceptable_ack_in_syn_sent_sends_rst) {
    connection c = active();
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(1), seg{.flags = flag::syn | flag::ack, .seq = remote_iss, .ack = local_iss});
    EXPECT_EQ(c.state(), tcp_state::syn_sent);
    expect_recv(c, at_ms(1), {seg{.flags = flag::rst, .seq = local_iss, .ack = {}, .window = 0}});
    // An unacceptable ACK on a RST is dropped silently.
    send(c, at_ms(2), seg{.flags = flag::rst | flag::ack, .seq = remote_iss, .ack = local_iss + 9});
    EXPECT_EQ(c.state(), tcp_state::syn_sent);
    expect_nothing(c, at_ms(2));
}

TEST(tcp_rfc9293, s3_10_7_3_rst_with_acceptable_ack_is_connection_refused) {
    connection c = active();
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(1), seg{.flags = flag::rst | flag::ack, .seq = {}, .ack = local_iss + 1});
    EXPECT_EQ(c.state(), tcp_state::closed);
    ASSERT_TRUE(c.error().has_value());
    EXPECT_EQ(*c.error(), make_error_code(tcp_errc::connection_refused));
    EXPECT_TRUE(c.finished());
}

TEST(tcp_rfc9293, s3_10_7_3_rst_without_ack_in_syn_sent_is_dropped) {
    connection c = active();
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(1), seg{.flags = flag::rst, .seq = remote_iss});
    EXPECT_EQ(c.state(), tcp_state::syn_sent);
}

TEST(tcp_rfc9293, s3_10_7_3_simultaneous_open) {
    connection c = active();
    (void)recv_all(c, at_ms(0));
    // The peer's own SYN crosses ours.
    send(c, at_ms(1),
         seg{.flags = flag::syn,
             .seq = remote_iss,
             .ack = {},
             .window = 65535,
             .options = mss_only()});
    EXPECT_EQ(c.state(), tcp_state::syn_received);
    expect_recv(c, at_ms(1),
                {seg{.flags = flag::syn | flag::ack,
                     .seq = local_iss,
                     .ack = remote_iss + 1,
                     .window = 65535,
                     .options = mss_only()}});
    // The peer's SYN-ACK (for our SYN) completes it.
    send(c, at_ms(2), seg{.flags = flag::syn | flag::ack, .seq = remote_iss, .ack = local_iss + 1});
    // A SYN-ACK repeating the SYN is not acceptable (SEG.SEQ before RCV.NXT): ACK it.
    EXPECT_EQ(c.state(), tcp_state::syn_received);
    send(c, at_ms(2), seg{.flags = flag::ack, .seq = remote_iss + 1, .ack = local_iss + 1});
    EXPECT_EQ(c.state(), tcp_state::established);
}

TEST(tcp_rfc9293, s3_10_7_3_syn_retransmitted_with_backoff_then_times_out) {
    conn_config cfg = plain_config();
    cfg.syn_retries = 2;
    connection c = active(cfg);
    EXPECT_EQ(recv_all(c, at_ms(0)).size(), 1U);
    EXPECT_EQ(c.next_deadline(), at_ms(1000));  // RFC 6298 §2.1 initial RTO 1 s
    EXPECT_EQ(recv_all(c, at_ms(1000)).size(), 1U);
    EXPECT_EQ(c.next_deadline(), at_ms(3000));  // §5.5 backed off to 2 s
    EXPECT_EQ(recv_all(c, at_ms(3000)).size(), 1U);
    expect_nothing(c, at_ms(7000));
    EXPECT_EQ(c.state(), tcp_state::closed);
    EXPECT_EQ(*c.error(), make_error_code(tcp_errc::timed_out));
}

TEST(tcp_rfc6298, s5_7_rto_is_3s_when_data_starts_after_a_syn_timeout) {
    connection c = active();
    EXPECT_EQ(recv_all(c, at_ms(0)).size(), 1U);
    EXPECT_EQ(recv_all(c, at_ms(1000)).size(), 1U);  // the SYN timed out once (RTO now 2 s)
    // The SYN-ACK gives no RTT sample (Karn: the SYN was retransmitted; no timestamps).
    send(c, at_ms(1010),
         seg{.flags = flag::syn | flag::ack, .seq = remote_iss, .ack = local_iss + 1,
             .window = 65535, .options = mss_only()});
    ASSERT_EQ(c.state(), tcp_state::established);
    EXPECT_FALSE(c.stats().srtt.has_value());
    // RFC 6298 §5.7: "the RTO MUST be re-initialized to 3 seconds when data transmission
    // begins".
    EXPECT_EQ(c.stats().rto, std::chrono::seconds{3});
    (void)recv_all(c, at_ms(1010));
    ASSERT_TRUE(c.send(as_bytes("hello")).has_value());
    EXPECT_EQ(recv_all(c, at_ms(1020)).size(), 1U);
    EXPECT_EQ(c.next_deadline(), at_ms(4020));
}

TEST(tcp_rfc6298, s5_7_syn_ack_timeout_also_gives_3s_rto) {
    connection c = passive(plain_config());
    (void)recv_all(c, at_ms(0));
    EXPECT_EQ(recv_all(c, at_ms(1000)).size(), 1U);  // SYN-ACK retransmitted
    send(c, at_ms(1010), seg{.flags = flag::ack, .seq = remote_iss + 1, .ack = local_iss + 1});
    ASSERT_EQ(c.state(), tcp_state::established);
    EXPECT_EQ(c.stats().rto, std::chrono::seconds{3});
}

TEST(tcp_rfc6298, s5_7_does_not_override_a_timestamp_sample) {
    conn_config cfg = plain_config();
    cfg.timestamps = true;
    connection c = active(cfg);
    EXPECT_EQ(recv_all(c, at_ms(0)).size(), 1U);
    const auto again = recv_all(c, at_ms(1000));
    ASSERT_EQ(again.size(), 1U);
    ASSERT_TRUE(again[0].options.ts.has_value());
    wire::tcp::options o = mss_only();
    // The SYN-ACK echoes the retransmitted SYN's timestamp: a valid 10 ms sample (RFC 7323).
    o.ts = wire::tcp::timestamps{77, again[0].options.ts->value};
    send(c, at_ms(1010),
         seg{.flags = flag::syn | flag::ack, .seq = remote_iss, .ack = local_iss + 1,
             .window = 65535, .options = o});
    ASSERT_EQ(c.state(), tcp_state::established);
    ASSERT_TRUE(c.stats().srtt.has_value());
    EXPECT_LT(c.stats().rto, std::chrono::seconds{3});
}

// ---- LISTEN / SYN-RECEIVED ------------------------------------------------------------------

TEST(tcp_rfc9293, s3_10_7_2_passive_open_sends_syn_ack) {
    connection c = passive(plain_config(), mss_only(1000));
    EXPECT_EQ(c.state(), tcp_state::syn_received);
    expect_recv(c, at_ms(0),
                {seg{.flags = flag::syn | flag::ack,
                     .seq = local_iss,
                     .ack = remote_iss + 1,
                     .window = 65535,
                     .options = mss_only()}});
    EXPECT_EQ(c.negotiated().send_mss, 1000);
    send(c, at_ms(5), seg{.seq = remote_iss + 1, .ack = local_iss + 1});
    EXPECT_EQ(c.state(), tcp_state::established);
}

TEST(tcp_rfc9293, s3_10_7_4_repeated_syn_in_synrcvd_resends_syn_ack) {
    connection c = passive(plain_config());
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(100), remote_syn());
    const auto out = recv_all(c, at_ms(100));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].flags, flag::syn | flag::ack);
    EXPECT_EQ(out[0].seq, local_iss);
}

TEST(tcp_rfc9293, s3_10_7_4_bad_ack_in_synrcvd_sends_rst) {
    connection c = passive(plain_config());
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(1), seg{.seq = remote_iss + 1, .ack = local_iss + 50});
    EXPECT_EQ(c.state(), tcp_state::syn_received);
    expect_recv(c, at_ms(1),
                {seg{.flags = flag::rst, .seq = local_iss + 50, .ack = {}, .window = 0}});
}

TEST(tcp_rfc9293, s3_10_7_4_rst_in_synrcvd_passive_tcb_closes_quietly) {
    connection c = passive(plain_config());
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(1), seg{.flags = flag::rst, .seq = remote_iss + 1});
    // The listener keeps listening; this TCB is gone without an error for any user.
    EXPECT_EQ(c.state(), tcp_state::closed);
    EXPECT_FALSE(c.error().has_value());
    EXPECT_TRUE(c.finished());
}

TEST(tcp_rfc9293, s3_10_7_4_syn_in_synrcvd_passive_returns_to_listen) {
    connection c = passive(plain_config());
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(1), seg{.flags = flag::syn, .seq = remote_iss + 10});
    EXPECT_EQ(c.state(), tcp_state::closed);
}

TEST(tcp_rfc9293, s3_10_7_4_syn_ack_retransmitted_on_rto) {
    connection c = passive(plain_config());
    (void)recv_all(c, at_ms(0));
    const auto out = recv_all(c, at_ms(1000));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].flags, flag::syn | flag::ack);
}

// ---- ESTABLISHED: acceptability, RST, SYN, ACK (RFC 9293 §3.10.7.4, RFC 5961) --------------

TEST(tcp_rfc9293, s3_10_7_4_unacceptable_segment_is_acked_and_dropped) {
    connection c = established();
    // Data entirely beyond the window.
    send(c, at_ms(1), seg{.seq = remote_iss + 1 + 70000, .ack = local_iss + 1, .payload = "x"});
    expect_recv(c, at_ms(1), {seg{.seq = local_iss + 1, .ack = remote_iss + 1}});
    // An old duplicate (before RCV.NXT) is acked too.
    send(c, at_ms(2), seg{.seq = remote_iss, .ack = local_iss + 1, .payload = "y"});
    expect_recv(c, at_ms(2), {seg{.seq = local_iss + 1, .ack = remote_iss + 1}});
    EXPECT_EQ(c.stats().unacceptable, 2U);
    EXPECT_EQ(c.stats().bytes_received, 0U);
}

TEST(tcp_rfc9293, s3_10_7_4_unacceptable_rst_is_dropped_silently) {
    connection c = established();
    send(c, at_ms(1), seg{.flags = flag::rst, .seq = remote_iss + 1 + 100000});
    EXPECT_EQ(c.state(), tcp_state::established);
    expect_nothing(c, at_ms(1));
}

TEST(tcp_rfc9293, s3_10_7_4_rst_at_rcv_nxt_resets_connection) {
    connection c = established();
    send(c, at_ms(1), seg{.flags = flag::rst, .seq = remote_iss + 1});
    EXPECT_EQ(c.state(), tcp_state::closed);
    EXPECT_EQ(*c.error(), make_error_code(tcp_errc::connection_reset));
    std::array<std::uint8_t, 4> buf{};
    EXPECT_EQ(c.recv(buf).error(), make_error_code(tcp_errc::connection_reset));
    EXPECT_EQ(c.send(as_bytes("x")).error(), make_error_code(tcp_errc::connection_reset));
    EXPECT_TRUE(c.ready().error);
}

TEST(tcp_rfc5961, s3_2_rst_in_window_but_not_rcv_nxt_sends_challenge_ack) {
    connection c = established();
    send(c, at_ms(1), seg{.flags = flag::rst, .seq = remote_iss + 100});
    EXPECT_EQ(c.state(), tcp_state::established);
    expect_recv(c, at_ms(1), {seg{.seq = local_iss + 1, .ack = remote_iss + 1}});
    EXPECT_EQ(c.stats().challenge_acks, 1U);
}

TEST(tcp_rfc5961, s4_2_syn_in_established_sends_challenge_ack) {
    connection c = established();
    send(c, at_ms(1), seg{.flags = flag::syn, .seq = remote_iss + 100});
    EXPECT_EQ(c.state(), tcp_state::established);
    expect_recv(c, at_ms(1), {seg{.seq = local_iss + 1, .ack = remote_iss + 1}});
    // Even a SYN outside the window: "irrespective of the sequence number".
    send(c, at_ms(2), seg{.flags = flag::syn, .seq = remote_iss + 1});
    expect_recv(c, at_ms(2), {seg{.seq = local_iss + 1, .ack = remote_iss + 1}});
    EXPECT_EQ(c.state(), tcp_state::established);
}

TEST(tcp_rfc5961, s5_2_ack_beyond_snd_nxt_sends_challenge_ack_and_drops) {
    connection c = established();
    send(c, at_ms(1), seg{.seq = remote_iss + 1, .ack = local_iss + 500, .payload = "data"});
    expect_recv(c, at_ms(1), {seg{.seq = local_iss + 1, .ack = remote_iss + 1}});
    EXPECT_EQ(c.stats().bytes_received, 0U);  // dropped, text not delivered
}

TEST(tcp_rfc5961, s5_2_ack_older_than_max_snd_wnd_sends_challenge_ack) {
    connection c = established();
    send(c, at_ms(1), seg{.seq = remote_iss + 1, .ack = local_iss - 70000, .payload = "data"});
    expect_recv(c, at_ms(1), {seg{.seq = local_iss + 1, .ack = remote_iss + 1}});
    EXPECT_EQ(c.stats().bytes_received, 0U);
    // A merely old ACK (within MAX.SND.WND) is acceptable: the data is taken.
    send(c, at_ms(2), seg{.seq = remote_iss + 1, .ack = local_iss - 10, .payload = "data"});
    EXPECT_EQ(c.stats().bytes_received, 4U);
}

TEST(tcp_rfc5961, s7_challenge_acks_are_rate_limited_per_connection) {
    conn_config cfg = plain_config();
    cfg.challenge_acks_per_second = 3;
    connection a = established(cfg);
    connection b = established(cfg);
    for (int i = 0; i < 10; ++i) {
        send(a, at_ms(100 + i), seg{.flags = flag::syn, .seq = remote_iss + 50});
    }
    EXPECT_EQ(recv_all(a, at_ms(200)).size(), 1U);  // one ACK covers what was due
    EXPECT_EQ(a.stats().challenge_acks, 3U);
    EXPECT_EQ(a.stats().challenge_acks_suppressed, 7U);
    // Another connection has its own budget.
    send(b, at_ms(150), seg{.flags = flag::syn, .seq = remote_iss + 50});
    EXPECT_EQ(b.stats().challenge_acks, 1U);
    // The next second refills the budget.
    send(a, at_ms(1100), seg{.flags = flag::syn, .seq = remote_iss + 50});
    EXPECT_EQ(a.stats().challenge_acks, 4U);
}

TEST(tcp_rfc9293, s3_10_7_4_segment_without_ack_is_dropped) {
    connection c = established();
    send(c, at_ms(1), seg{.flags = 0, .seq = remote_iss + 1, .ack = {}, .payload = "abc"});
    EXPECT_EQ(c.stats().bytes_received, 0U);
}

TEST(tcp_rfc9293, s3_10_7_4_window_update_uses_wl1_wl2) {
    connection c = established();
    send(c, at_ms(1), seg{.seq = remote_iss + 1, .ack = local_iss + 1, .window = 3000});
    EXPECT_EQ(c.stats().send_window, 3000U);
    // An older segment (SEG.SEQ < SND.WL1) must not move the window.
    send(c, at_ms(2),
         seg{.seq = remote_iss + 1, .ack = local_iss + 1, .window = 3000, .payload = "abcd"});
    send(c, at_ms(3),
         seg{.seq = remote_iss + 1,
             .ack = local_iss + 1,
             .window = 100,
             .payload = "ab"});  // retransmitted old data, stale window
    EXPECT_EQ(c.stats().send_window, 3000U);
    send(c, at_ms(4), seg{.seq = remote_iss + 5, .ack = local_iss + 1, .window = 5000});
    EXPECT_EQ(c.stats().send_window, 5000U);
}

TEST(tcp_rfc9293, s3_10_7_4_zero_window_accepts_only_empty_segment_at_rcv_nxt) {
    conn_config cfg = plain_config();
    cfg.recv_buffer_initial = 4;
    cfg.recv_buffer_max = 4;
    connection c = passive(cfg);
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(0), seg{.seq = remote_iss + 1, .ack = local_iss + 1, .payload = "abcd"});
    const auto out = recv_all(c, at_ms(100));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].window, 0);
    EXPECT_EQ(out[0].ack, remote_iss + 5);
    send(c, at_ms(101), seg{.seq = remote_iss + 5, .ack = local_iss + 1, .payload = "e"});
    EXPECT_EQ(c.stats().unacceptable, 1U);
    expect_recv(c, at_ms(101), {seg{.seq = local_iss + 1, .ack = remote_iss + 5, .window = 0}});
}

// ---- Closing (RFC 9293 §3.10.4, §3.10.7.4 eighth, §3.6) -------------------------------------

TEST(tcp_rfc9293, s3_6_active_close_fin_wait_to_time_wait_to_closed) {
    conn_config cfg = plain_config();
    cfg.msl = std::chrono::seconds{1};
    connection c = established(cfg);
    c.close();
    EXPECT_EQ(c.state(), tcp_state::fin_wait_1);
    expect_recv(c, at_ms(1),
                {seg{.flags = flag::fin | flag::ack, .seq = local_iss + 1, .ack = remote_iss + 1}});
    send(c, at_ms(2), seg{.seq = remote_iss + 1, .ack = local_iss + 2});
    EXPECT_EQ(c.state(), tcp_state::fin_wait_2);
    send(c, at_ms(3),
         seg{.flags = flag::fin | flag::ack, .seq = remote_iss + 1, .ack = local_iss + 2});
    EXPECT_EQ(c.state(), tcp_state::time_wait);
    expect_recv(c, at_ms(3), {seg{.seq = local_iss + 2, .ack = remote_iss + 2, .window = 65534}});
    EXPECT_EQ(c.next_deadline(), at_ms(2003));  // 2 MSL
    expect_nothing(c, at_ms(2002));
    EXPECT_EQ(c.state(), tcp_state::time_wait);
    expect_nothing(c, at_ms(2003));
    EXPECT_EQ(c.state(), tcp_state::closed);
    EXPECT_FALSE(c.error().has_value());
}

TEST(tcp_rfc9293, s3_10_7_4_time_wait_reacks_retransmitted_fin_and_restarts_timer) {
    conn_config cfg = plain_config();
    cfg.msl = std::chrono::seconds{1};
    connection c = established(cfg);
    c.close();
    (void)recv_all(c, at_ms(1));
    send(c, at_ms(2),
         seg{.flags = flag::fin | flag::ack, .seq = remote_iss + 1, .ack = local_iss + 2});
    EXPECT_EQ(c.state(), tcp_state::time_wait);
    (void)recv_all(c, at_ms(2));
    send(c, at_ms(1500),
         seg{.flags = flag::fin | flag::ack, .seq = remote_iss + 1, .ack = local_iss + 2});
    expect_recv(c, at_ms(1500),
                {seg{.seq = local_iss + 2, .ack = remote_iss + 2, .window = 65534}});
    EXPECT_EQ(c.next_deadline(), at_ms(3500));
}

TEST(tcp_rfc9293, s3_10_7_4_fin_ack_together_in_fin_wait_1_goes_to_time_wait) {
    connection c = established();
    c.shutdown_write();
    (void)recv_all(c, at_ms(1));
    send(c, at_ms(2),
         seg{.flags = flag::fin | flag::ack, .seq = remote_iss + 1, .ack = local_iss + 2});
    EXPECT_EQ(c.state(), tcp_state::time_wait);
}

TEST(tcp_rfc9293, s3_6_simultaneous_close_goes_through_closing) {
    connection c = established();
    c.close();
    (void)recv_all(c, at_ms(1));
    // The peer's FIN crosses ours (it has not seen our FIN).
    send(c, at_ms(2),
         seg{.flags = flag::fin | flag::ack, .seq = remote_iss + 1, .ack = local_iss + 1});
    EXPECT_EQ(c.state(), tcp_state::closing);
    expect_recv(c, at_ms(2), {seg{.seq = local_iss + 2, .ack = remote_iss + 2, .window = 65534}});
    send(c, at_ms(3), seg{.seq = remote_iss + 2, .ack = local_iss + 2});
    EXPECT_EQ(c.state(), tcp_state::time_wait);
}

TEST(tcp_rfc9293, s3_6_passive_close_close_wait_last_ack_closed) {
    connection c = established();
    send(c, at_ms(1),
         seg{.flags = flag::fin | flag::ack,
             .seq = remote_iss + 1,
             .ack = local_iss + 1,
             .payload = "bye"});
    EXPECT_EQ(c.state(), tcp_state::close_wait);
    // The FIN and the data consumed window: the right edge stays where it was (RFC 9293
    // §3.8.6.2.2 receiver SWS avoidance).
    expect_recv(c, at_ms(1), {seg{.seq = local_iss + 1, .ack = remote_iss + 5, .window = 65531}});
    std::array<std::uint8_t, 8> buf{};
    EXPECT_EQ(*c.recv(buf), 3U);
    EXPECT_EQ(*c.recv(buf), 0U);  // end of stream
    EXPECT_TRUE(c.ready().readable);
    // Half-closed: we may still send.
    EXPECT_EQ(*c.send(as_bytes("reply")), 5U);
    c.close();
    EXPECT_EQ(c.state(), tcp_state::last_ack);
    expect_recv(c, at_ms(2),
                {seg{.flags = flag::psh | flag::ack | flag::fin,
                     .seq = local_iss + 1,
                     .ack = remote_iss + 5,
                     .window = 65531,
                     .payload = "reply"}});
    send(c, at_ms(3), seg{.seq = remote_iss + 5, .ack = local_iss + 7});
    EXPECT_EQ(c.state(), tcp_state::closed);
    EXPECT_TRUE(c.finished());
}

TEST(tcp_rfc9293, s3_10_4_half_close_still_receives_in_fin_wait_2) {
    connection c = established();
    c.shutdown_write();
    (void)recv_all(c, at_ms(1));
    send(c, at_ms(2), seg{.seq = remote_iss + 1, .ack = local_iss + 2});
    EXPECT_EQ(c.state(), tcp_state::fin_wait_2);
    EXPECT_EQ(c.send(as_bytes("x")).error(), make_error_code(tcp_errc::closing));
    send(c, at_ms(3), seg{.seq = remote_iss + 1, .ack = local_iss + 2, .payload = "still"});
    std::array<std::uint8_t, 8> buf{};
    EXPECT_EQ(*c.recv(buf), 5U);
    EXPECT_EQ(std::string(buf.begin(), buf.begin() + 5), "still");
}

TEST(tcp_rfc9293, s3_10_7_4_out_of_order_fin_waits_for_missing_data) {
    connection c = established();
    send(c, at_ms(1),
         seg{.flags = flag::fin | flag::ack,
             .seq = remote_iss + 4,
             .ack = local_iss + 1,
             .payload = "def"});
    EXPECT_EQ(c.state(), tcp_state::established);
    send(c, at_ms(2), seg{.seq = remote_iss + 1, .ack = local_iss + 1, .payload = "abc"});
    EXPECT_EQ(c.state(), tcp_state::close_wait);
    const auto out = recv_all(c, at_ms(2));
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back().ack, remote_iss + 8);
}

TEST(tcp_rfc9293, s3_10_5_abort_sends_rst_and_closes) {
    connection c = established();
    c.abort();
    EXPECT_EQ(c.state(), tcp_state::closed);
    EXPECT_FALSE(c.finished());  // the RST is still to go
    expect_recv(c, at_ms(1),
                {seg{.flags = flag::rst, .seq = local_iss + 1, .ack = {}, .window = 0}});
    EXPECT_TRUE(c.finished());
    EXPECT_EQ(*c.error(), make_error_code(tcp_errc::connection_aborted));
}

TEST(tcp_rfc1122, s4_2_2_13_close_with_unread_data_sends_rst) {
    connection c = established();
    send(c, at_ms(1), seg{.seq = remote_iss + 1, .ack = local_iss + 1, .payload = "unread"});
    (void)recv_all(c, at_ms(1));
    c.close();
    EXPECT_EQ(c.state(), tcp_state::closed);
    const auto out = recv_all(c, at_ms(2));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].flags, flag::rst);
}

TEST(tcp_rfc1122, s4_2_2_13_data_after_close_sends_rst) {
    connection c = established();
    c.close();
    (void)recv_all(c, at_ms(1));
    send(c, at_ms(2), seg{.seq = remote_iss + 1, .ack = local_iss + 2, .payload = "late"});
    EXPECT_EQ(c.state(), tcp_state::closed);
    const auto out = recv_all(c, at_ms(2));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].flags, flag::rst);
}

TEST(tcp_rfc9293, s3_10_7_4_rst_in_time_wait_closes_without_error) {
    connection c = established();
    c.close();
    (void)recv_all(c, at_ms(1));
    send(c, at_ms(2),
         seg{.flags = flag::fin | flag::ack, .seq = remote_iss + 1, .ack = local_iss + 2});
    ASSERT_EQ(c.state(), tcp_state::time_wait);
    send(c, at_ms(3), seg{.flags = flag::rst, .seq = remote_iss + 2});
    EXPECT_EQ(c.state(), tcp_state::closed);
    EXPECT_FALSE(c.error().has_value());
}

TEST(tcp_rfc9293, s3_10_2_send_states) {
    connection c = active();
    EXPECT_EQ(*c.send(as_bytes("early")), 5U);  // queued in SYN-SENT
    std::array<std::uint8_t, 4> buf{};
    EXPECT_EQ(c.recv(buf).error(), make_error_code(errc::would_block));
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(1),
         seg{.flags = flag::syn | flag::ack,
             .seq = remote_iss,
             .ack = local_iss + 1,
             .window = 1000,
             .options = mss_only()});
    const auto out = recv_all(c, at_ms(1));
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].payload, "early");  // the queued data goes with the first ACK
}

}  // namespace
}  // namespace netrig::core::tcp

namespace netrig::core::tcp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test DSL

TEST(tcp_rfc9293, s3_10_7_4_rst_in_synrcvd_after_active_open_is_refused) {
    connection c =
        connection::open_active(at_ms(0), plain_config(), open_params{test_tuple(), local_iss, 0});
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(1), seg{.flags = flag::syn, .seq = remote_iss, .ack = {}});
    ASSERT_EQ(c.state(), tcp_state::syn_received);
    (void)recv_all(c, at_ms(1));
    send(c, at_ms(2), seg{.flags = flag::rst, .seq = remote_iss + 1});
    EXPECT_EQ(c.state(), tcp_state::closed);
    EXPECT_EQ(*c.error(), make_error_code(tcp_errc::connection_refused));
}

}  // namespace
}  // namespace netrig::core::tcp
