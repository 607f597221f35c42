// SPDX-License-Identifier: MIT
// core/tcp: TIME-WAIT records: expiry, bound, FIN/RST handling, RFC 6191 reuse rules.
#include "core/tcp/time_wait.hpp"

#include <gtest/gtest.h>

namespace netrig::core::tcp {
namespace {

using namespace std::chrono_literals;
using wire::seq32;
namespace flag = wire::tcp::flag;

four_tuple tuple_n(std::uint16_t n) {
    return four_tuple{wire::ipv4_address{10, 0, 0, 1}, wire::ipv4_address{10, 0, 0, 2}, 80, n};
}

time_wait_state state_n(std::uint16_t n, std::optional<std::uint32_t> ts = std::nullopt) {
    return time_wait_state{
        .tuple = tuple_n(n), .snd_nxt = seq32{1000}, .rcv_nxt = seq32{5000}, .ts_recent = ts};
}

wire::tcp::repr seg(std::uint8_t flags, std::uint32_t seq,
                    std::optional<std::uint32_t> tsval = {}) {
    wire::tcp::repr r;
    r.source_port = 40000;
    r.destination_port = 80;
    r.flags = flags;
    r.seq = seq32{seq};
    if (tsval) {
        r.options.ts = wire::tcp::timestamps{.value = *tsval, .echo = 0};
    }
    return r;
}

TEST(tcp_rfc9293, s3_3_2_time_wait_lasts_two_msl) {
    time_wait_table tw{{.entries_max = 8, .two_msl = 60s}, siphash_key{1, 1}};
    tw.insert(instant{10s}, state_n(1));
    tw.insert(instant{20s}, state_n(2));
    EXPECT_EQ(tw.next_deadline(), instant{70s});
    EXPECT_EQ(tw.expire(instant{69s}), 0U);
    EXPECT_NE(tw.find(tuple_n(1)), nullptr);
    EXPECT_EQ(tw.expire(instant{70s}), 1U);
    EXPECT_EQ(tw.find(tuple_n(1)), nullptr);
    EXPECT_NE(tw.find(tuple_n(2)), nullptr);
    EXPECT_EQ(tw.next_deadline(), instant{80s});
    EXPECT_EQ(tw.expire(instant{1000s}), 1U);
    EXPECT_FALSE(tw.next_deadline());
    EXPECT_EQ(tw.size(), 0U);
}

TEST(time_wait_table, bounded_oldest_evicted) {
    time_wait_table tw{{.entries_max = 3}, siphash_key{1, 1}};
    for (std::uint16_t n = 1; n <= 5; ++n) {
        tw.insert(instant{std::chrono::seconds{n}}, state_n(n));
    }
    EXPECT_EQ(tw.size(), 3U);
    EXPECT_EQ(tw.evictions(), 2U);
    EXPECT_EQ(tw.find(tuple_n(1)), nullptr);
    EXPECT_EQ(tw.find(tuple_n(2)), nullptr);
    EXPECT_NE(tw.find(tuple_n(5)), nullptr);
    // Re-inserting a present tuple replaces it rather than evicting another.
    tw.insert(instant{6s}, state_n(3));
    EXPECT_EQ(tw.size(), 3U);
    EXPECT_EQ(tw.evictions(), 2U);
    EXPECT_TRUE(tw.erase(tuple_n(4)));
    EXPECT_FALSE(tw.erase(tuple_n(4)));
    EXPECT_EQ(tw.size(), 2U);
}

TEST(time_wait_table, compact_records) {
    time_wait_table tw{{.entries_max = 10'000}, siphash_key{}};
    // Well under 100 bytes per TIME-WAIT connection, index included.
    EXPECT_LE(tw.memory_bytes() / 10'000, 80U);
}

TEST(tcp_rfc9293, s3_10_7_4_time_wait_fin_retransmit_acked_and_timer_restarted) {
    time_wait_table tw{{.entries_max = 8, .two_msl = 60s}, siphash_key{1, 1}};
    tw.insert(instant{0s}, state_n(1));
    tw.insert(instant{1s}, state_n(2));
    // The peer retransmits its FIN (seq 4999: the FIN occupies 4999, rcv_nxt is 5000).
    EXPECT_EQ(tw.on_segment(instant{30s}, tuple_n(1), seg(flag::fin | flag::ack, 4999)),
              time_wait_action::send_ack);
    // Restarted: tuple 1 now expires at 90 s, after tuple 2 (61 s).
    EXPECT_EQ(tw.next_deadline(), instant{61s});
    EXPECT_EQ(tw.expire(instant{61s}), 1U);
    EXPECT_EQ(tw.next_deadline(), instant{90s});
    const auto ack = tw.ack_for(*tw.find(tuple_n(1)), std::nullopt);
    EXPECT_EQ(ack.seq, seq32{1000});
    EXPECT_EQ(ack.ack, seq32{5000});
    EXPECT_EQ(ack.flags, flag::ack);
    EXPECT_EQ(ack.source_port, 80);
    EXPECT_EQ(ack.destination_port, 1);
}

TEST(tcp_rfc9293, s3_10_7_4_time_wait_unacceptable_segment_gets_ack_rst_never) {
    time_wait_table tw{{.entries_max = 8}, siphash_key{1, 1}};
    tw.insert(instant{0s}, state_n(1));
    EXPECT_EQ(tw.on_segment(instant{1s}, tuple_n(1), seg(flag::ack, 7000)),
              time_wait_action::send_ack);
    // An out-of-window RST is dropped without reply (RFC 5961 §3.2: exact match only).
    EXPECT_EQ(tw.on_segment(instant{1s}, tuple_n(1), seg(flag::rst, 5001)), time_wait_action::drop);
    EXPECT_NE(tw.find(tuple_n(1)), nullptr);
    EXPECT_EQ(tw.on_segment(instant{1s}, tuple_n(9), seg(flag::ack, 1)), time_wait_action::drop);
}

TEST(tcp_rfc9293, s3_10_7_4_time_wait_rst_enters_closed) {
    time_wait_table tw{{.entries_max = 8}, siphash_key{1, 1}};
    tw.insert(instant{0s}, state_n(1));
    EXPECT_EQ(tw.on_segment(instant{1s}, tuple_n(1), seg(flag::rst, 5000)),
              time_wait_action::closed);
    EXPECT_EQ(tw.find(tuple_n(1)), nullptr);
}

TEST(tcp_rfc1337, s3_f1_ignore_rst_in_time_wait_when_configured) {
    time_wait_table tw{{.entries_max = 8, .ignore_rst = true}, siphash_key{1, 1}};
    tw.insert(instant{0s}, state_n(1));
    EXPECT_EQ(tw.on_segment(instant{1s}, tuple_n(1), seg(flag::rst, 5000)), time_wait_action::drop);
    EXPECT_NE(tw.find(tuple_n(1)), nullptr);
}

TEST(tcp_rfc6191, s2_with_timestamps_greater_tsval_reopens) {
    time_wait_table tw{{.entries_max = 8}, siphash_key{1, 1}};
    tw.insert(instant{0s}, state_n(1, 100));
    EXPECT_EQ(tw.on_segment(instant{1s}, tuple_n(1), seg(flag::syn, 10, 101)),
              time_wait_action::reuse);
    // Even with a sequence number below rcv_nxt: the timestamp decides.
    const auto iss = tw.on_syn(tuple_n(1), seg(flag::syn, 10, 101), true, seq32{50'000});
    ASSERT_TRUE(iss);
    EXPECT_EQ(*iss, seq32{50'000});
    EXPECT_EQ(tw.find(tuple_n(1)), nullptr);  // the record gives way to the new incarnation
}

TEST(tcp_rfc6191, s2_with_timestamps_old_tsval_dropped_and_record_kept) {
    time_wait_table tw{{.entries_max = 8}, siphash_key{1, 1}};
    tw.insert(instant{0s}, state_n(1, 100));
    EXPECT_FALSE(tw.on_syn(tuple_n(1), seg(flag::syn, 9000, 99), true, seq32{50'000}));
    // Equal TSval needs a greater sequence number.
    EXPECT_FALSE(tw.on_syn(tuple_n(1), seg(flag::syn, 4000, 100), true, seq32{50'000}));
    EXPECT_NE(tw.find(tuple_n(1)), nullptr);
    EXPECT_TRUE(tw.on_syn(tuple_n(1), seg(flag::syn, 6000, 100), true, seq32{50'000}));
}

TEST(tcp_rfc6191, s2_timestamps_wrap_aware) {
    time_wait_table tw{{.entries_max = 8}, siphash_key{1, 1}};
    tw.insert(instant{0s}, state_n(1, 0xfffffff0U));
    EXPECT_TRUE(tw.on_syn(tuple_n(1), seg(flag::syn, 10, 5), true, seq32{50'000}));
}

TEST(tcp_rfc6191, s2_new_incarnation_without_timestamps_uses_sequence_rule) {
    time_wait_table tw{{.entries_max = 8}, siphash_key{1, 1}};
    tw.insert(instant{0s}, state_n(1, 100));
    EXPECT_FALSE(tw.on_syn(tuple_n(1), seg(flag::syn, 4999), false, seq32{50'000}));
    EXPECT_TRUE(tw.on_syn(tuple_n(1), seg(flag::syn, 5000), false, seq32{50'000}));
}

TEST(tcp_rfc1122, s4_2_2_13_reopen_from_time_wait_needs_greater_seq_and_larger_iss) {
    time_wait_table tw{{.entries_max = 8}, siphash_key{1, 1}};
    // Previous incarnation without timestamps, new one without: sequence rule.
    tw.insert(instant{0s}, state_n(1));
    EXPECT_FALSE(tw.on_syn(tuple_n(1), seg(flag::syn, 100), false, seq32{50'000}));
    // Candidate ISN not above the old snd_nxt (1000): raised above it.
    const auto iss = tw.on_syn(tuple_n(1), seg(flag::syn, 6000), false, seq32{500});
    ASSERT_TRUE(iss);
    EXPECT_TRUE(iss->after(seq32{1000}));
    // Previous without timestamps, new one with: honored (RFC 6191 §2).
    tw.insert(instant{0s}, state_n(2));
    EXPECT_TRUE(tw.on_syn(tuple_n(2), seg(flag::syn, 100, 1), true, seq32{50'000}));
}

}  // namespace
}  // namespace netrig::core::tcp
