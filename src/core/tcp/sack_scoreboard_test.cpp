// SPDX-License-Identifier: MIT
// Tests of the SACK scoreboard: RFC 2018 block handling and RFC 6675 §4 IsLost, SetPipe and
// NextSeg on worked examples (sequence numbers relative to a base, across the 2^32 wrap too).
#include "core/tcp/sack_scoreboard.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <ostream>
#include <vector>

#include "base/rng.hpp"

namespace netrig::core::tcp {
namespace {

using wire::seq32;

}  // namespace

// gtest prints ranges in failure messages with this (found by ADL in the type's namespace).
void PrintTo(const seq_range& range, std::ostream* os);
void PrintTo(const seq_range& range, std::ostream* os) {
    *os << "[" << range.begin.raw() << ", " << range.end.raw() << ")";
}

namespace {

using wire::seq32;

// Every test runs at two bases: near zero and straddling the 2^32 wrap.
class sack_test : public ::testing::TestWithParam<std::uint32_t> {
protected:
    void SetUp() override { board.reset(s(0)); }
    [[nodiscard]] seq32 s(std::uint32_t offset) const { return seq32{GetParam()} + offset; }
    [[nodiscard]] seq_range r(std::uint32_t b, std::uint32_t e) const { return {s(b), s(e)}; }
    std::uint32_t ack(std::uint32_t una, std::vector<seq_range> blocks) {
        return board.on_ack(s(una), blocks);
    }
    [[nodiscard]] std::vector<seq_range> ranges() const {
        return {board.ranges().begin(), board.ranges().end()};
    }

    sack_scoreboard board;
};

INSTANTIATE_TEST_SUITE_P(bases, sack_test, ::testing::Values(1000U, 0xffffff00U));

TEST_P(sack_test, starts_empty) {
    EXPECT_TRUE(board.empty());
    EXPECT_EQ(board.sacked_bytes(), 0U);
    EXPECT_FALSE(board.is_sacked(s(0)));
    EXPECT_FALSE(board.highest_sacked().has_value());
}

TEST_P(sack_test, rfc6675_s5_1_sacked_below_and_next_unsacked_guide_go_back_after_rto) {
    ack(0, {r(100, 200), r(300, 400)});
    EXPECT_EQ(board.sacked_below(s(0)), 0U);
    EXPECT_EQ(board.sacked_below(s(150)), 50U);
    EXPECT_EQ(board.sacked_below(s(250)), 100U);
    EXPECT_EQ(board.sacked_below(s(1000)), 200U);
    // The hole at the start, up to the first SACKed range.
    EXPECT_EQ(board.next_unsacked(s(0)), r(0, 100));
    EXPECT_EQ(board.next_unsacked(s(50)), r(50, 100));
    // Inside a SACKed range: skip to its end; the hole runs to the next range.
    EXPECT_EQ(board.next_unsacked(s(100)), r(200, 300));
    EXPECT_EQ(board.next_unsacked(s(199)), r(200, 300));
    // After the last range the hole is unbounded (2^31 - 1 bytes).
    const seq_range tail = board.next_unsacked(s(350));
    EXPECT_EQ(tail.begin, s(400));
    EXPECT_EQ(static_cast<std::uint32_t>(tail.end - tail.begin), 0x7fffffffU);
}

TEST_P(sack_test, rfc2018_s3_block_is_left_edge_to_right_edge_exclusive) {
    EXPECT_EQ(ack(0, {r(100, 200)}), 100U);
    EXPECT_FALSE(board.is_sacked(s(99)));
    EXPECT_TRUE(board.is_sacked(s(100)));
    EXPECT_TRUE(board.is_sacked(s(199)));
    EXPECT_FALSE(board.is_sacked(s(200)));
    EXPECT_EQ(board.sacked_bytes(), 100U);
    EXPECT_EQ(board.highest_sacked(), s(200));
}

TEST_P(sack_test, coalesces_adjacent_and_overlapping_blocks) {
    EXPECT_EQ(ack(0, {r(100, 200)}), 100U);
    EXPECT_EQ(ack(0, {r(200, 300)}), 100U);  // adjacent
    EXPECT_EQ(ranges(), (std::vector{r(100, 300)}));
    EXPECT_EQ(ack(0, {r(250, 350)}), 50U);  // overlapping: only new bytes count
    EXPECT_EQ(ack(0, {r(120, 180)}), 0U);   // contained: nothing new
    EXPECT_EQ(ranges(), (std::vector{r(100, 350)}));
    EXPECT_EQ(board.sacked_bytes(), 250U);
}

TEST_P(sack_test, block_bridging_several_ranges_merges_them) {
    ack(0, {r(100, 200), r(300, 400), r(500, 600)});
    ASSERT_EQ(ranges().size(), 3U);
    EXPECT_EQ(ack(0, {r(150, 550)}), 200U);
    EXPECT_EQ(ranges(), (std::vector{r(100, 600)}));
    EXPECT_EQ(board.sacked_bytes(), 500U);
}

TEST_P(sack_test, out_of_order_blocks_are_kept_sorted) {
    // RFC 2018 §4: the first block reports the most recent segment, so blocks arrive in any
    // sequence order.
    EXPECT_EQ(ack(0, {r(500, 600), r(100, 200), r(300, 400)}), 300U);
    EXPECT_EQ(ranges(), (std::vector{r(100, 200), r(300, 400), r(500, 600)}));
}

TEST_P(sack_test, rfc2883_s4_blocks_at_or_below_snd_una_are_ignored) {
    ack(0, {r(300, 400)});
    // Cumulative ACK to 200 with a D-SACK block [100, 200) below it.
    EXPECT_EQ(ack(200, {r(100, 200), r(300, 400)}), 0U);
    EXPECT_EQ(ranges(), (std::vector{r(300, 400)}));
    EXPECT_FALSE(board.is_sacked(s(150)));
    // A block straddling snd_una keeps only its part above.
    EXPECT_EQ(ack(200, {r(150, 250)}), 50U);
    EXPECT_EQ(ranges(), (std::vector{r(200, 250), r(300, 400)}));
}

TEST_P(sack_test, empty_inverted_and_unsent_blocks_are_ignored) {
    EXPECT_EQ(ack(0, {r(100, 100), {s(300), s(200)}}), 0U);
    EXPECT_TRUE(board.empty());
    // With snd_nxt known, a block reaching past it claims never-sent data.
    EXPECT_EQ(board.on_ack(s(0), s(1000), std::vector{r(900, 1100), r(100, 200)}), 100U);
    EXPECT_EQ(ranges(), (std::vector{r(100, 200)}));
    EXPECT_EQ(board.on_ack(s(0), s(1000), std::vector{r(900, 1000)}), 100U);
}

TEST_P(sack_test, advancing_snd_una_trims_ranges) {
    ack(0, {r(100, 200), r(300, 400)});
    EXPECT_EQ(ack(150, {}), 0U);
    EXPECT_EQ(ranges(), (std::vector{r(150, 200), r(300, 400)}));
    EXPECT_EQ(board.sacked_bytes(), 150U);
    ack(400, {});
    EXPECT_TRUE(board.empty());
    EXPECT_EQ(board.sacked_bytes(), 0U);
}

TEST_P(sack_test, bounded_to_capacity_forgetting_the_highest_range) {
    const std::size_t n = sack_scoreboard::capacity + 6;
    for (std::uint32_t i = 0; i < n; ++i) {
        ack(0, {r(100 + 20 * i, 110 + 20 * i)});
    }
    ASSERT_EQ(board.ranges().size(), sack_scoreboard::capacity);
    EXPECT_EQ(board.sacked_bytes(), 10U * sack_scoreboard::capacity);
    EXPECT_EQ(board.ranges().back(), r(100 + 20 * 63, 110 + 20 * 63));
    // A new low block still gets in; the highest range makes room.
    EXPECT_EQ(ack(0, {r(10, 20)}), 10U);
    EXPECT_EQ(board.ranges().front(), r(10, 20));
    EXPECT_EQ(board.ranges().back(), r(100 + 20 * 62, 110 + 20 * 62));
    EXPECT_EQ(board.sacked_bytes(), 10U * sack_scoreboard::capacity);
    // Merging into existing ranges always works when full.
    EXPECT_EQ(ack(0, {r(110, 120)}), 10U);
    EXPECT_EQ(board.ranges().size(), sack_scoreboard::capacity - 1);
    std::uint32_t sum = 0;
    for (const auto& range : board.ranges()) {
        sum += static_cast<std::uint32_t>(range.end - range.begin);
    }
    EXPECT_EQ(sum, board.sacked_bytes());
}

TEST_P(sack_test, rfc6675_s4_is_lost_with_dupthresh_discontiguous_ranges_above) {
    constexpr std::uint32_t mss = 100;
    ack(0, {r(100, 200), r(300, 400)});
    // Two ranges, 200 bytes above: not more than (DupThresh - 1) * SMSS.
    EXPECT_FALSE(board.is_lost(s(0), mss));
    ack(0, {r(500, 600)});
    // Three discontiguous SACKed ranges above seq 0.
    EXPECT_TRUE(board.is_lost(s(0), mss));
    EXPECT_FALSE(board.is_lost(s(200), mss));  // only two ranges (200 bytes) above
}

TEST_P(sack_test, rfc6675_s4_is_lost_with_more_than_two_smss_sacked_above) {
    constexpr std::uint32_t mss = 100;
    ack(0, {r(100, 300)});
    EXPECT_FALSE(board.is_lost(s(0), mss));  // exactly 2 * SMSS
    ack(0, {r(300, 301)});
    EXPECT_TRUE(board.is_lost(s(0), mss));  // 201 bytes, one contiguous range
    // Bytes "with sequence numbers greater than SeqNum": from inside a range only the rest count.
    EXPECT_FALSE(board.is_lost(s(150), mss));
}

// The worked example for pipe and NextSeg: SMSS 100, ten segments [0, 1000) sent, segments
// 1, 3 and 5 SACKed.
class sack_recovery_test : public sack_test {
protected:
    static constexpr std::uint32_t mss = 100;
    void SetUp() override {
        sack_test::SetUp();
        ack(0, {r(100, 200), r(300, 400), r(500, 600)});
    }
};

INSTANTIATE_TEST_SUITE_P(bases, sack_recovery_test, ::testing::Values(1000U, 0xffffff00U));

TEST_P(sack_recovery_test, rfc6675_s4_setpipe) {
    // Holes: [0,100) lost (3 ranges above) -> 0; [200,300) not lost -> 100; [400,500) -> 100;
    // [600,1000) -> 400. Nothing retransmitted (HighRxt at snd_una).
    EXPECT_EQ(board.pipe(s(0), s(1000), s(0), mss), 600U);
    // After retransmitting [0,100): "(b) If S1 <= HighRxt: Pipe is incremented by 1 octet".
    EXPECT_EQ(board.pipe(s(0), s(1000), s(100), mss), 700U);
    // Retransmitting into a not-lost hole counts its octets twice.
    EXPECT_EQ(board.pipe(s(0), s(1000), s(250), mss), 750U);
}

TEST_P(sack_recovery_test, rfc6675_s4_setpipe_without_sack_is_flight_size) {
    board.reset(s(0));
    EXPECT_EQ(board.pipe(s(0), s(1000), s(0), mss), 1000U);
}

TEST_P(sack_recovery_test, rfc6675_s4_nextseg_rule1_first_lost_hole) {
    const auto seg = board.next_seg(s(0), s(1000), s(0), mss);
    ASSERT_TRUE(seg.has_value());
    EXPECT_EQ(*seg, r(0, 100));
    EXPECT_TRUE(board.is_lost(seg->begin, mss));
    // Capped at SMSS.
    EXPECT_EQ(board.next_seg(s(0), s(1000), s(0), 40), r(0, 40));
    // Continues after HighRxt inside the hole.
    EXPECT_EQ(board.next_seg(s(0), s(1000), s(40), mss), r(40, 100));
}

TEST_P(sack_recovery_test, rfc6675_s4_nextseg_rule3_when_nothing_is_lost) {
    // [0,100) already retransmitted: the next hole [200,300) is not lost (rule 3 candidate),
    // which the caller recognises by is_lost() == false and ranks after new data (rule 2).
    const auto seg = board.next_seg(s(0), s(1000), s(100), mss);
    ASSERT_TRUE(seg.has_value());
    EXPECT_EQ(*seg, r(200, 300));
    EXPECT_FALSE(board.is_lost(seg->begin, mss));
}

TEST_P(sack_recovery_test, rfc6675_s4_nextseg_nothing_above_highest_sack) {
    // (1.b)/(3): S2 must be below the highest SACKed octet; [600,1000) is not eligible.
    EXPECT_FALSE(board.next_seg(s(0), s(1000), s(600), mss).has_value());
    board.reset(s(0));
    EXPECT_FALSE(board.next_seg(s(0), s(1000), s(0), mss).has_value());
}

TEST_P(sack_recovery_test, recovery_progress_shrinks_holes) {
    // The retransmission of [0,100) is cumulatively acked, and [200,300) SACKed.
    EXPECT_EQ(ack(200, {r(200, 300)}), 100U);
    // [200,300) coalesces with [300,400).
    EXPECT_EQ(ranges(), (std::vector{r(200, 400), r(500, 600)}));
    // Only [600,1000) is left unSACKed and not lost; no hole below the highest SACK remains.
    EXPECT_EQ(board.pipe(s(200), s(1000), s(200), mss), 400U + 100U);
    EXPECT_EQ(board.next_seg(s(200), s(1000), s(200), mss), r(400, 500));
}

// The RFC 6675 §4 routines written literally, octet by octet, over a reference bitmap; the
// scoreboard must agree with them on random SACK histories.
struct reference_board {
    std::vector<bool> sacked;  // index = offset from snd_una

    [[nodiscard]] bool is_lost(std::uint32_t seq, std::uint32_t mss) const {
        std::uint32_t bytes = 0;
        std::uint32_t runs = 0;
        for (std::size_t i = seq + 1; i < sacked.size(); ++i) {
            bytes += sacked[i] ? 1 : 0;
            // A run of SACKed octets starting above seq is one "discontiguous SACKed sequence";
            // a run that covers seq + 1 counts too.
            if (sacked[i] && (i == seq + 1 || !sacked[i - 1])) {
                ++runs;
            }
        }
        return runs >= 3 || bytes > 2 * mss;
    }
    [[nodiscard]] std::uint32_t pipe(std::uint32_t high_rxt, std::uint32_t mss) const {
        // Walks down from HighData so IsLost's "SACKed above S1" counts are running sums.
        std::uint32_t pipe = 0;
        std::uint32_t bytes_above = 0;
        std::uint32_t runs_above = 0;
        for (auto s1 = static_cast<std::uint32_t>(sacked.size()); s1-- > 0;) {
            if (sacked[s1]) {
                ++bytes_above;
                // Descending, a run's first octet seen is its top.
                if (s1 + 1 == sacked.size() || !sacked[s1 + 1]) {
                    ++runs_above;
                }
                continue;
            }
            const bool lost = runs_above >= 3 || bytes_above > 2 * mss;
            pipe += lost ? 0 : 1;
            pipe += s1 < high_rxt ? 1 : 0;  // high_rxt is exclusive here
        }
        return pipe;
    }
};

TEST(tcp_sack_scoreboard, agrees_with_octet_by_octet_rfc6675_on_random_histories) {
    constexpr std::uint32_t window = 600;
    constexpr std::uint32_t mss = 20;
    const seq32 una{0xfffffe00U};  // crosses the wrap
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        rng random(seed);
        sack_scoreboard board;
        board.reset(una);
        reference_board ref{std::vector<bool>(window, false)};
        for (int step = 0; step < 12; ++step) {
            std::vector<seq_range> blocks;
            for (int b = 0; b < 3; ++b) {
                const auto begin = static_cast<std::uint32_t>(random.below(window));
                const auto len = static_cast<std::uint32_t>(1 + random.below(40));
                const std::uint32_t end = std::min(window, begin + len);
                blocks.push_back({una + begin, una + end});
                for (std::uint32_t i = begin; i < end; ++i) {
                    ref.sacked[i] = true;
                }
            }
            (void)board.on_ack(una, una + window, blocks);
            const auto count =
                static_cast<std::uint32_t>(std::count(ref.sacked.begin(), ref.sacked.end(), true));
            ASSERT_EQ(board.sacked_bytes(), count) << "seed " << seed;
            for (std::uint32_t i = 0; i < window; i += 7) {
                ASSERT_EQ(board.is_sacked(una + i), ref.sacked[i]) << "seed " << seed << " @" << i;
                if (!ref.sacked[i]) {
                    ASSERT_EQ(board.is_lost(una + i, mss), ref.is_lost(i, mss))
                        << "seed " << seed << " @" << i;
                }
            }
            for (const std::uint32_t high_rxt : {0U, 50U, 333U}) {
                ASSERT_EQ(board.pipe(una, una + window, una + high_rxt, mss),
                          ref.pipe(high_rxt, mss))
                    << "seed " << seed << " high_rxt " << high_rxt;
                // NextSeg rules 1/3: the smallest unSACKed octet >= HighRxt below the highest
                // SACKed octet, up to SMSS of unSACKed octets.
                std::optional<std::uint32_t> s2;
                const auto top = static_cast<std::uint32_t>(
                    window - (std::find(ref.sacked.rbegin(), ref.sacked.rend(), true) -
                              ref.sacked.rbegin()));
                for (std::uint32_t i = high_rxt; i < top; ++i) {
                    if (!ref.sacked[i]) {
                        s2 = i;
                        break;
                    }
                }
                const auto seg = board.next_seg(una, una + window, una + high_rxt, mss);
                ASSERT_EQ(seg.has_value(), s2.has_value()) << "seed " << seed;
                if (seg) {
                    ASSERT_EQ(seg->begin, una + *s2) << "seed " << seed;
                    const auto len = static_cast<std::uint32_t>(seg->end - seg->begin);
                    ASSERT_GE(len, 1U);
                    ASSERT_LE(len, mss);
                    for (std::uint32_t i = *s2; i < *s2 + len; ++i) {
                        ASSERT_FALSE(ref.sacked[i]) << "seed " << seed;
                    }
                }
            }
            // Ranges are sorted, disjoint and non-adjacent (fully coalesced).
            const auto rs = board.ranges();
            for (std::size_t i = 1; i < rs.size(); ++i) {
                ASSERT_TRUE(rs[i - 1].end.before(rs[i].begin)) << "seed " << seed;
            }
        }
    }
}

}  // namespace
}  // namespace netrig::core::tcp
