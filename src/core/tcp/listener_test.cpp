// SPDX-License-Identifier: MIT
// core/tcp: the listener: LISTEN rules, SYN-RECEIVED records, SYN-ACK back-off, queue limits,
// SYN cookies, counters.
#include "core/tcp/listener.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "base/rng.hpp"
#include "core/tcp/time_wait.hpp"

namespace netrig::core::tcp {
namespace {

using namespace std::chrono_literals;
using wire::seq32;
namespace flag = wire::tcp::flag;

const wire::ipv4_address us{10, 0, 0, 1};
const wire::ipv4_address peer{10, 0, 0, 2};
constexpr std::uint16_t port = 80;

const listener_secrets secrets{
    .isn = {1, 2}, .cookie = {3, 4}, .ts_offset = {5, 6}, .index = {7, 8}};

/// One segment from the peer, smoltcp-style: designated fields over a template.
struct seg_spec {
    std::uint16_t from_port = 40000;
    std::uint8_t flags = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint16_t window = 64240;
    std::optional<std::uint16_t> mss;
    std::optional<std::uint8_t> wscale;
    bool sack = false;
    std::optional<wire::tcp::timestamps> ts;
};

wire::tcp::repr make(const seg_spec& s) {
    wire::tcp::repr r;
    r.source_port = s.from_port;
    r.destination_port = port;
    r.flags = s.flags;
    r.seq = seq32{s.seq};
    r.ack = seq32{s.ack};
    r.window = s.window;
    r.options.mss = s.mss;
    r.options.window_scale = s.wscale;
    r.options.sack_permitted = s.sack;
    r.options.ts = s.ts;
    return r;
}

/// A full-featured SYN like Linux sends.
seg_spec syn_spec(std::uint16_t from_port = 40000, std::uint32_t isn = 1000) {
    return seg_spec{.from_port = from_port,
                    .flags = flag::syn,
                    .seq = isn,
                    .mss = 1460,
                    .wscale = 7,
                    .sack = true,
                    .ts = wire::tcp::timestamps{.value = 500}};
}

listener_result send(listener& l, instant now, const seg_spec& s,
                     std::optional<seq32> iss = std::nullopt) {
    return l.on_segment(now, peer, us, make(s), iss);
}

/// Sends the SYN and the completing ACK; returns the handshake.
std::optional<handshake> connect(listener& l, instant now, std::uint16_t from_port) {
    const auto r = send(l, now, syn_spec(from_port));
    if (!r.reply) {
        return std::nullopt;
    }
    const auto& sa = r.reply->tcp;
    return send(l, now + 10ms,
                seg_spec{.from_port = from_port,
                         .flags = flag::ack,
                         .seq = 1001,
                         .ack = (sa.seq + 1U).raw(),
                         .ts = wire::tcp::timestamps{.value = 510, .echo = sa.options.ts->value}})
        .established;
}

// ---- LISTEN (RFC 9293 §3.10.7.2) ------------------------------------------------------------

TEST(tcp_rfc9293, s3_10_7_2_listen_ignores_rst) {
    listener l{{}, secrets};
    const auto r = send(l, instant{1s}, seg_spec{.flags = flag::rst, .seq = 5});
    EXPECT_FALSE(r.reply);
    EXPECT_FALSE(r.established);
    EXPECT_EQ(l.counters()[listener_drop::rst_in_listen], 1U);
}

TEST(tcp_rfc9293, s3_10_7_2_listen_ack_gets_rst_with_seq_seg_ack) {
    listener l{{}, secrets};
    const auto r = send(l, instant{1s}, seg_spec{.flags = flag::ack, .seq = 5, .ack = 77});
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->tcp.flags, flag::rst);
    EXPECT_EQ(r.reply->tcp.seq, seq32{77});
    EXPECT_EQ(r.reply->destination, peer);
    EXPECT_EQ(r.reply->tcp.destination_port, 40000);
    EXPECT_EQ(l.counters()[listener_drop::bad_ack], 1U);
    // SYN+ACK in LISTEN is an ACK-bearing segment too.
    const auto r2 = send(l, instant{1s}, seg_spec{.flags = flag::syn | flag::ack, .ack = 78});
    ASSERT_TRUE(r2.reply);
    EXPECT_EQ(r2.reply->tcp.seq, seq32{78});
    EXPECT_EQ(l.syn_queue_len(), 0U);
}

TEST(tcp_rfc9293, s3_10_7_2_listen_other_segments_dropped) {
    listener l{{}, secrets};
    const auto r = send(l, instant{1s}, seg_spec{.flags = flag::fin, .seq = 5});
    EXPECT_FALSE(r.reply);
    EXPECT_EQ(l.counters()[listener_drop::no_syn], 1U);
}

TEST(tcp_rfc9293, s3_10_7_2_syn_gets_synack_iss_and_rcv_nxt) {
    listener l{{.mss = 1400, .window = 29200}, secrets};
    const auto r = send(l, instant{1s}, syn_spec());
    ASSERT_TRUE(r.reply);
    const auto& s = r.reply->tcp;
    EXPECT_EQ(s.flags, flag::syn | flag::ack);
    EXPECT_EQ(s.ack, seq32{1001});                                            // RCV.NXT = IRS + 1
    EXPECT_EQ(s.seq, l.isn(instant{1s}, four_tuple{us, peer, port, 40000}));  // RFC 6528 ISS
    EXPECT_EQ(s.window, 29200);
    EXPECT_EQ(s.options.mss, 1400);
    EXPECT_EQ(s.options.window_scale, 7);
    EXPECT_TRUE(s.options.sack_permitted);
    ASSERT_TRUE(s.options.ts);
    EXPECT_EQ(s.options.ts->echo, 500U);  // RFC 7323 §3.2 TSecr = the SYN's TSval
    EXPECT_EQ(r.reply->source, us);
    EXPECT_EQ(r.reply->destination, peer);
    EXPECT_EQ(l.syn_queue_len(), 1U);
    EXPECT_EQ(l.counters()[listener_event::synack_sent], 1U);
}

TEST(tcp_rfc7323, s2_2_and_s3_2_options_only_if_the_syn_offered_them) {
    listener l{{}, secrets};
    const auto r = send(l, instant{1s}, seg_spec{.flags = flag::syn, .seq = 1});
    ASSERT_TRUE(r.reply);
    EXPECT_FALSE(r.reply->tcp.options.window_scale);
    EXPECT_FALSE(r.reply->tcp.options.sack_permitted);
    EXPECT_FALSE(r.reply->tcp.options.ts);
    EXPECT_TRUE(r.reply->tcp.options.mss);  // our MSS always goes out
    // Local policy off: not offered even if the SYN has them.
    listener off{{.window_scale = std::nullopt, .sack = false, .timestamps = false}, secrets};
    const auto r2 = send(off, instant{1s}, syn_spec());
    ASSERT_TRUE(r2.reply);
    EXPECT_FALSE(r2.reply->tcp.options.window_scale);
    EXPECT_FALSE(r2.reply->tcp.options.sack_permitted);
    EXPECT_FALSE(r2.reply->tcp.options.ts);
}

TEST(tcp_rfc9293, s3_7_1_default_send_mss_536_without_option) {
    listener l{{}, secrets};
    const auto r = send(l, instant{1s}, seg_spec{.flags = flag::syn, .seq = 1000});
    ASSERT_TRUE(r.reply);
    const auto h =
        send(l, instant{1s},
             seg_spec{.flags = flag::ack, .seq = 1001, .ack = (r.reply->tcp.seq + 1U).raw()})
            .established;
    ASSERT_TRUE(h);
    EXPECT_EQ(h->peer_mss, 536);
}

TEST(tcp_rfc6191, s2_iss_override_from_time_wait_reuse) {
    listener l{{}, secrets};
    const auto r = send(l, instant{1s}, syn_spec(), seq32{123456});
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->tcp.seq, seq32{123456});
}

// ---- SYN-RECEIVED records (RFC 9293 §3.10.7.4) ----------------------------------------------

TEST(tcp_rfc9293, s3_10_7_4_ack_in_synrcvd_enters_established) {
    listener l{{}, secrets};
    const auto r = send(l, instant{1s}, syn_spec());
    const seq32 iss = r.reply->tcp.seq;
    const auto res = send(l, instant{1s + 30ms},
                          seg_spec{.flags = flag::ack,
                                   .seq = 1001,
                                   .ack = (iss + 1U).raw(),
                                   .window = 502,
                                   .ts = wire::tcp::timestamps{.value = 530, .echo = 0}});
    ASSERT_TRUE(res.established);
    EXPECT_FALSE(res.reply);
    const handshake& h = *res.established;
    EXPECT_EQ(h.tuple, (four_tuple{us, peer, port, 40000}));
    EXPECT_EQ(h.irs, seq32{1000});
    EXPECT_EQ(h.iss, iss);
    EXPECT_EQ(h.peer_mss, 1460);
    EXPECT_EQ(h.peer_window_scale, 7);
    EXPECT_EQ(h.window_scale, 7);
    EXPECT_TRUE(h.sack_permitted);
    EXPECT_TRUE(h.timestamps);
    EXPECT_EQ(h.ts_recent, 530U);  // RFC 7323 §4.3: TS.Recent from the ACK
    EXPECT_EQ(h.ack_window, 502);
    EXPECT_EQ(h.syn_window, 64240);
    EXPECT_FALSE(h.from_cookie);
    EXPECT_FALSE(h.synack_retransmitted);
    EXPECT_EQ(h.rtt, duration{30ms});
    EXPECT_EQ(l.syn_queue_len(), 0U);
    EXPECT_EQ(l.accept_queue_len(), 1U);
    l.on_accepted();
    EXPECT_EQ(l.accept_queue_len(), 0U);
    // The rebuilt SYN carries what the peer sent, for connection::from_syn().
    const auto syn = h.syn();
    EXPECT_EQ(syn.flags, flag::syn);
    EXPECT_EQ(syn.seq, seq32{1000});
    EXPECT_EQ(syn.source_port, 40000);
    EXPECT_EQ(syn.destination_port, port);
    EXPECT_EQ(syn.options.mss, 1460);
    EXPECT_EQ(syn.options.window_scale, 7);
    EXPECT_TRUE(syn.options.sack_permitted);
}

TEST(tcp_rfc9293, s3_10_7_4_rst_in_synrcvd_returns_to_listen) {
    listener l{{}, secrets};
    (void)send(l, instant{1s}, syn_spec());
    ASSERT_EQ(l.syn_queue_len(), 1U);
    const auto r = send(l, instant{1s}, seg_spec{.flags = flag::rst, .seq = 1001});
    EXPECT_FALSE(r.reply);
    EXPECT_EQ(l.syn_queue_len(), 0U);
    EXPECT_EQ(l.counters()[listener_drop::request_reset], 1U);
    EXPECT_FALSE(l.next_deadline());
}

TEST(tcp_rfc5961, s3_2_in_window_rst_in_synrcvd_gets_challenge_ack) {
    listener l{{}, secrets};
    const auto syn_ack = send(l, instant{1s}, syn_spec()).reply->tcp;
    const auto r = send(l, instant{1s}, seg_spec{.flags = flag::rst, .seq = 1500});
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->tcp.flags, flag::ack);
    EXPECT_EQ(r.reply->tcp.seq, syn_ack.seq + 1U);
    EXPECT_EQ(r.reply->tcp.ack, seq32{1001});
    EXPECT_EQ(l.syn_queue_len(), 1U);
    EXPECT_EQ(l.counters()[listener_event::challenge_ack], 1U);
    // Out of window: silently dropped.
    const auto r2 = send(l, instant{1s}, seg_spec{.flags = flag::rst, .seq = 900'000});
    EXPECT_FALSE(r2.reply);
    EXPECT_EQ(l.syn_queue_len(), 1U);
    EXPECT_EQ(l.counters()[listener_drop::rst_out_of_window], 1U);
}

TEST(tcp_rfc9293, s3_10_7_4_unacceptable_ack_in_synrcvd_gets_rst) {
    listener l{{}, secrets};
    const seq32 iss = send(l, instant{1s}, syn_spec()).reply->tcp.seq;
    const auto r =
        send(l, instant{1s}, seg_spec{.flags = flag::ack, .seq = 1001, .ack = (iss + 5U).raw()});
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->tcp.flags, flag::rst);
    EXPECT_EQ(r.reply->tcp.seq, iss + 5U);  // <SEQ=SEG.ACK><CTL=RST>
    EXPECT_FALSE(r.established);
    EXPECT_EQ(l.syn_queue_len(), 1U);  // the record waits for the right ACK
}

TEST(tcp_rfc9293, s3_10_7_4_unacceptable_seq_in_synrcvd_gets_ack) {
    listener l{{.window = 1000}, secrets};
    const seq32 iss = send(l, instant{1s}, syn_spec()).reply->tcp.seq;
    const auto r = send(l, instant{1s},
                        seg_spec{.flags = flag::ack, .seq = 1001 + 1000, .ack = (iss + 1U).raw()});
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->tcp.flags, flag::ack);
    EXPECT_EQ(r.reply->tcp.seq, iss + 1U);
    EXPECT_EQ(r.reply->tcp.ack, seq32{1001});
    EXPECT_FALSE(r.established);
    EXPECT_EQ(l.counters()[listener_drop::unacceptable], 1U);
}

TEST(tcp_rfc9293, s3_10_7_4_segment_without_ack_in_synrcvd_dropped) {
    listener l{{}, secrets};
    (void)send(l, instant{1s}, syn_spec());
    const auto r = send(l, instant{1s}, seg_spec{.flags = flag::psh, .seq = 1001});
    EXPECT_FALSE(r.reply);
    EXPECT_FALSE(r.established);
    EXPECT_EQ(l.counters()[listener_drop::no_ack], 1U);
}

TEST(tcp_rfc7323, s5_3_paws_in_synrcvd_drops_old_tsval) {
    listener l{{}, secrets};
    const auto sa = send(l, instant{1s}, syn_spec()).reply->tcp;
    const auto r = send(l, instant{1s},
                        seg_spec{.flags = flag::ack,
                                 .seq = 1001,
                                 .ack = (sa.seq + 1U).raw(),
                                 .ts = wire::tcp::timestamps{.value = 499, .echo = 0}});
    EXPECT_FALSE(r.established);
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->tcp.flags, flag::ack);
    EXPECT_EQ(l.counters()[listener_drop::paws], 1U);
}

TEST(tcp_listener, duplicate_syn_gets_synack_again_new_isn_returns_to_listen) {
    listener l{{}, secrets};
    const auto first = send(l, instant{1s}, syn_spec()).reply->tcp;
    const auto again = send(l, instant{1s + 200ms}, syn_spec());
    ASSERT_TRUE(again.reply);
    EXPECT_EQ(again.reply->tcp.seq, first.seq);
    EXPECT_EQ(l.counters()[listener_event::duplicate_syn], 1U);
    EXPECT_EQ(l.next_deadline(), instant{2s});  // schedule untouched
    // RFC 9293 §3.10.7.4 fourth check: a SYN with another ISN sends the record back to LISTEN.
    const auto other = send(l, instant{1s + 300ms}, syn_spec(40000, 99'999));
    EXPECT_FALSE(other.reply);
    EXPECT_EQ(l.syn_queue_len(), 0U);
    EXPECT_EQ(l.counters()[listener_drop::request_new_syn], 1U);
}

// ---- SYN-ACK retransmission (RFC 6298) ------------------------------------------------------

TEST(tcp_rfc6298, s2_1_and_s5_5_synack_retransmit_backs_off_then_gives_up) {
    listener l{{.synack_retries = 5}, secrets};
    const auto sa = send(l, instant{0s}, syn_spec()).reply->tcp;
    std::vector<instant> sent;
    const auto collect = [&](instant now) {
        return l.poll(now, [&](const listener_reply& r) {
            EXPECT_EQ(r.tcp.seq, sa.seq);
            EXPECT_EQ(r.tcp.flags, flag::syn | flag::ack);
            sent.push_back(now);
            return true;
        });
    };
    // RFC 6298 §2.1 initial RTO 1 s, §5.5 doubled each time: 1, 3, 7, 15, 31 s; then after
    // 5 retries the record expires at 63 s.
    for (instant t{}; t <= instant{70s}; t += 100ms) {
        if (const auto d = l.next_deadline(); d && *d <= t) {
            (void)collect(t);
        }
    }
    ASSERT_EQ(sent.size(), 5U);
    EXPECT_EQ(sent[0], instant{1s});
    EXPECT_EQ(sent[1], instant{3s});
    EXPECT_EQ(sent[2], instant{7s});
    EXPECT_EQ(sent[3], instant{15s});
    EXPECT_EQ(sent[4], instant{31s});
    EXPECT_EQ(l.syn_queue_len(), 0U);
    EXPECT_EQ(l.counters()[listener_drop::synack_timeout], 1U);
    EXPECT_EQ(l.counters()[listener_event::synack_retransmitted], 5U);
    EXPECT_FALSE(l.next_deadline());
}

TEST(tcp_rfc6298, s3_karn_no_rtt_sample_after_synack_retransmit) {
    listener l{{}, secrets};
    const auto sa = send(l, instant{0s}, syn_spec()).reply->tcp;
    EXPECT_EQ(l.poll(instant{1s}, [](const listener_reply&) { return true; }), 1U);
    const auto h = send(l, instant{1s + 50ms},
                        seg_spec{.flags = flag::ack,
                                 .seq = 1001,
                                 .ack = (sa.seq + 1U).raw(),
                                 .ts = wire::tcp::timestamps{.value = 600, .echo = 0}})
                       .established;
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->synack_retransmitted);  // RFC 6298 §5.7: RTO 3 s when data starts
    EXPECT_FALSE(h->rtt);
}

TEST(tcp_listener, poll_out_without_room_keeps_synack_due) {
    listener l{{}, secrets};
    (void)send(l, instant{0s}, syn_spec());
    EXPECT_EQ(l.poll(instant{1s}, [](const listener_reply&) { return false; }), 0U);
    EXPECT_EQ(l.next_deadline(), instant{1s});
    EXPECT_EQ(l.poll(instant{1s}, [](const listener_reply&) { return true; }), 1U);
    EXPECT_EQ(l.next_deadline(), instant{3s});
}

// ---- queue limits ---------------------------------------------------------------------------

TEST(tcp_listener, syn_queue_full_drops_without_cookies) {
    listener l{{.syn_queue_max = 2, .cookies = syn_cookie_mode::never}, secrets};
    EXPECT_TRUE(send(l, instant{1s}, syn_spec(1)).reply);
    EXPECT_TRUE(send(l, instant{1s}, syn_spec(2)).reply);
    EXPECT_FALSE(send(l, instant{1s}, syn_spec(3)).reply);
    EXPECT_EQ(l.counters()[listener_drop::syn_queue_full], 1U);
    EXPECT_EQ(l.syn_queue_len(), 2U);
}

TEST(tcp_listener, backlog_full_drops_syn_and_holds_final_ack) {
    listener l{{.backlog = 1}, secrets};
    ASSERT_TRUE(connect(l, instant{1s}, 1));
    EXPECT_EQ(l.accept_queue_len(), 1U);
    // A new SYN while the backlog is full is dropped.
    EXPECT_FALSE(send(l, instant{2s}, syn_spec(2)).reply);
    EXPECT_EQ(l.counters()[listener_drop::accept_queue_full], 1U);
    // A handshake that started before completes only when there is room.
    l.on_accepted();
    const auto sa = send(l, instant{3s}, syn_spec(3)).reply->tcp;
    ASSERT_TRUE(connect(l, instant{3s}, 4));  // fills the backlog
    const seg_spec ack{.from_port = 3,
                       .flags = flag::ack,
                       .seq = 1001,
                       .ack = (sa.seq + 1U).raw(),
                       .ts = wire::tcp::timestamps{.value = 510, .echo = 0}};
    EXPECT_FALSE(send(l, instant{3s}, ack).established);
    EXPECT_EQ(l.counters()[listener_drop::accept_overflow], 1U);
    EXPECT_EQ(l.syn_queue_len(), 1U);
    l.on_accepted();
    EXPECT_TRUE(send(l, instant{3s}, ack).established);
}

// ---- SYN cookies ----------------------------------------------------------------------------

TEST(tcp_rfc4987, s3_6_cookies_when_syn_queue_full_round_trip) {
    listener l{{.syn_queue_max = 1, .cookies = syn_cookie_mode::when_full}, secrets};
    ASSERT_TRUE(send(l, instant{1s}, syn_spec(1)).reply);  // fills the queue
    const auto r = send(l, instant{1s}, syn_spec(2, 7000));
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(l.syn_queue_len(), 1U);  // no state for the cookie
    EXPECT_EQ(l.counters()[listener_event::cookie_sent], 1U);
    const auto& sa = r.reply->tcp;
    EXPECT_EQ(sa.options.window_scale, 7);  // carried in the TSval
    EXPECT_TRUE(sa.options.sack_permitted);
    const auto res =
        send(l, instant{1s + 5ms},
             seg_spec{.from_port = 2,
                      .flags = flag::ack,
                      .seq = 7001,
                      .ack = (sa.seq + 1U).raw(),
                      .window = 300,
                      .ts = wire::tcp::timestamps{.value = 505, .echo = sa.options.ts->value}});
    ASSERT_TRUE(res.established);
    const handshake& h = *res.established;
    EXPECT_TRUE(h.from_cookie);
    EXPECT_EQ(h.irs, seq32{7000});
    EXPECT_EQ(h.iss, sa.seq);
    EXPECT_EQ(h.peer_mss, 1460);
    EXPECT_EQ(h.peer_window_scale, 7);
    EXPECT_EQ(h.window_scale, 7);
    EXPECT_TRUE(h.sack_permitted);
    EXPECT_TRUE(h.timestamps);
    EXPECT_EQ(h.ts_recent, 505U);
    EXPECT_EQ(h.ack_window, 300);
    EXPECT_FALSE(h.rtt);
    EXPECT_EQ(l.counters()[listener_event::cookie_accepted], 1U);
    EXPECT_EQ(l.accept_queue_len(), 1U);
}

TEST(tcp_rfc4987, s3_6_cookie_without_timestamps_drops_wscale_and_sack) {
    listener l{{.cookies = syn_cookie_mode::always}, secrets};
    seg_spec syn = syn_spec(2, 7000);
    syn.ts.reset();
    syn.mss = 1300;
    const auto sa = send(l, instant{1s}, syn).reply->tcp;
    EXPECT_FALSE(sa.options.window_scale);
    EXPECT_FALSE(sa.options.sack_permitted);
    EXPECT_FALSE(sa.options.ts);
    const auto h =
        send(l, instant{2s},
             seg_spec{.from_port = 2, .flags = flag::ack, .seq = 7001, .ack = (sa.seq + 1U).raw()})
            .established;
    ASSERT_TRUE(h);
    EXPECT_EQ(h->peer_mss, 1300);
    EXPECT_FALSE(h->peer_window_scale);
    EXPECT_FALSE(h->sack_permitted);
    EXPECT_FALSE(h->timestamps);
}

TEST(tcp_rfc4987, s3_6_forged_or_expired_cookie_ack_gets_rst) {
    listener l{{.cookies = syn_cookie_mode::always}, secrets};
    const auto sa = send(l, instant{1s}, syn_spec(2, 7000)).reply->tcp;
    const seg_spec forged{.from_port = 2,
                          .flags = flag::ack,
                          .seq = 7001,
                          .ack = (sa.seq + 2U).raw(),
                          .ts = wire::tcp::timestamps{.value = 505, .echo = sa.options.ts->value}};
    const auto r = send(l, instant{1s}, forged);
    EXPECT_FALSE(r.established);
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->tcp.flags, flag::rst);
    EXPECT_EQ(l.counters()[listener_drop::cookie_failed], 1U);
    // A cookie ACK from another port (tuple) fails too.
    seg_spec other = forged;
    other.from_port = 3;
    other.ack = (sa.seq + 1U).raw();
    EXPECT_FALSE(send(l, instant{1s}, other).established);
    EXPECT_EQ(l.counters()[listener_drop::cookie_failed], 2U);
    // The right ACK, but too late: the cookie expired.
    seg_spec late = forged;
    late.ack = (sa.seq + 1U).raw();
    EXPECT_FALSE(send(l, instant{200s}, late).established);
    EXPECT_TRUE(send(l, instant{2s}, late).established);
}

TEST(tcp_rfc4987, s3_6_cookie_ack_with_tampered_tsecr_rejected) {
    listener l{{.cookies = syn_cookie_mode::always}, secrets};
    const auto sa = send(l, instant{1s}, syn_spec(2, 7000)).reply->tcp;
    // Bit 5 (reserved) set in the echoed options.
    const auto r = send(
        l, instant{1s},
        seg_spec{.from_port = 2,
                 .flags = flag::ack,
                 .seq = 7001,
                 .ack = (sa.seq + 1U).raw(),
                 .ts = wire::tcp::timestamps{.value = 505, .echo = sa.options.ts->value | 0x20U}});
    EXPECT_FALSE(r.established);
    EXPECT_EQ(l.counters()[listener_drop::cookie_failed], 1U);
}

TEST(tcp_listener, acks_are_not_checked_as_cookies_when_none_outstanding) {
    listener l{{.cookies = syn_cookie_mode::when_full}, secrets};
    const auto r = send(l, instant{1s}, seg_spec{.flags = flag::ack, .seq = 1, .ack = 2});
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(l.counters()[listener_drop::bad_ack], 1U);
    EXPECT_EQ(l.counters()[listener_drop::cookie_failed], 0U);
}

TEST(tcp_listener, syn_flood_memory_bounded_and_legitimate_peer_still_connects) {
    listener l{{.syn_queue_max = 64, .cookies = syn_cookie_mode::when_full}, secrets};
    for (std::uint32_t i = 0; i < 10'000; ++i) {
        const auto r = send(l, instant{1s},
                            seg_spec{.from_port = static_cast<std::uint16_t>(1024 + i % 60000),
                                     .flags = flag::syn,
                                     .seq = i});
        ASSERT_TRUE(r.reply);
    }
    EXPECT_EQ(l.syn_queue_len(), 64U);
    // A real client answering its SYN-ACK gets in through a cookie.
    const auto h = connect(l, instant{2s}, 65000);
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->from_cookie);
}

TEST(tcp_rfc6191, s2_syn_in_time_wait_reopens_through_listener_with_larger_iss) {
    // The flow the interface runs: demux finds a TIME-WAIT record, time_wait_action::reuse,
    // the listener proposes its RFC 6528 ISN, RFC 6191 decides, the listener answers.
    listener l{{}, secrets};
    time_wait_table tw{{.entries_max = 4}, siphash_key{9, 9}};
    const four_tuple tuple{us, peer, port, 40000};
    // The old incarnation sent far beyond what the ISN clock gives now.
    const seq32 candidate = l.isn(instant{5s}, tuple);
    tw.insert(instant{0s}, time_wait_state{.tuple = tuple,
                                           .snd_nxt = candidate + 1'000'000U,
                                           .rcv_nxt = seq32{900},
                                           .ts_recent = 400});
    const auto syn = make(syn_spec());  // TSval 500 > 400
    ASSERT_EQ(tw.on_segment(instant{5s}, tuple, syn), time_wait_action::reuse);
    const auto iss = tw.on_syn(tuple, syn, l.would_use_timestamps(syn), candidate);
    ASSERT_TRUE(iss);
    EXPECT_TRUE(iss->after(candidate + 1'000'000U));  // RFC 1122 §4.2.2.13 (1)
    const auto r = l.on_segment(instant{5s}, peer, us, syn, iss);
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->tcp.seq, *iss);
    EXPECT_EQ(tw.find(tuple), nullptr);
}

TEST(tcp_listener, hostile_segment_sweep_keeps_bounds) {
    // Seeded random segments (any flags, seq/ack near and far, options or not) and clock
    // advances: no assertion fires, the SYN queue and the backlog never exceed their bounds,
    // and every established handshake is for a tuple that sent a SYN or a cookie ACK.
    listener l{{.backlog = 8, .syn_queue_max = 16}, secrets};
    rng r{2024};
    instant now{1s};
    std::vector<seq32> synacks(65);  // indexed by port 1..64
    for (int i = 0; i < 200'000; ++i) {
        const auto p = static_cast<std::uint16_t>(1 + r.below(64));
        seg_spec s{
            .from_port = p,
            .flags = static_cast<std::uint8_t>(r.below(64)),
            .seq = static_cast<std::uint32_t>(r.chance(0.5) ? 1000 + r.below(3) : r()),
            .ack = static_cast<std::uint32_t>(r.chance(0.5) ? (synacks[p] + 1U).raw() : r())};
        if (r.chance(0.5)) {
            s.mss = static_cast<std::uint16_t>(r());
            s.wscale = static_cast<std::uint8_t>(r.below(20));
            s.sack = r.chance(0.5);
            s.ts = wire::tcp::timestamps{.value = static_cast<std::uint32_t>(r()),
                                         .echo = static_cast<std::uint32_t>(r())};
        }
        const auto res = send(l, now, s);
        if (res.reply && res.reply->tcp.flags == (flag::syn | flag::ack)) {
            synacks[p] = res.reply->tcp.seq;
        }
        if (res.established) {
            EXPECT_EQ(res.established->tuple.remote_port, p);
            if (r.chance(0.5)) {
                l.on_accepted();
            }
        }
        ASSERT_LE(l.syn_queue_len(), 16U);
        ASSERT_LE(l.accept_queue_len(), 8U);
        if (r.chance(0.01)) {
            now += std::chrono::milliseconds{r.below(5000)};
            (void)l.poll(now, [](const listener_reply&) { return true; });
        }
    }
    EXPECT_GT(l.counters()[listener_event::established], 0U);
}

TEST(tcp_listener, counter_names) {
    EXPECT_EQ(to_string(listener_drop::syn_queue_full), "syn_queue_full");
    EXPECT_EQ(to_string(listener_drop::paws), "paws");
    EXPECT_EQ(to_string(listener_event::cookie_sent), "cookie_sent");
    EXPECT_EQ(to_string(listener_event::rst_sent), "rst_sent");
}

}  // namespace
}  // namespace netrig::core::tcp
