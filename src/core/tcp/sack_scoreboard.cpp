// SPDX-License-Identifier: MIT
// core/tcp: the SACK scoreboard (RFC 6675 §4 routines over RFC 2018 blocks).
#include "core/tcp/sack_scoreboard.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace netrig::core::tcp {

namespace {

using wire::seq32;

// Longest block accepted: 2^30 bytes, the largest window RFC 7323 scaling can express.
constexpr std::uint32_t block_bytes_max = 1U << 30;

std::uint32_t length(const seq_range& r) {
    return static_cast<std::uint32_t>(r.end - r.begin);
}

}  // namespace

void sack_scoreboard::reset(seq32 snd_una) {
    count_ = 0;
    sacked_bytes_ = 0;
    snd_una_ = snd_una;
}

void sack_scoreboard::trim_below(seq32 snd_una) {
    if (!snd_una.after(snd_una_)) {
        return;
    }
    snd_una_ = snd_una;
    // Ranges are ascending: drop those the cumulative ACK now covers, clip one that straddles.
    std::size_t drop = 0;
    while (drop < count_ && ranges_[drop].end.before_eq(snd_una)) {
        sacked_bytes_ -= length(ranges_[drop]);
        ++drop;
    }
    if (drop > 0) {
        std::copy(ranges_.begin() + static_cast<std::ptrdiff_t>(drop),
                  ranges_.begin() + static_cast<std::ptrdiff_t>(count_), ranges_.begin());
        count_ -= drop;
    }
    if (count_ > 0 && ranges_[0].begin.before(snd_una)) {
        sacked_bytes_ -= static_cast<std::uint32_t>(snd_una - ranges_[0].begin);
        ranges_[0].begin = snd_una;
    }
}

std::uint32_t sack_scoreboard::insert(seq_range block) {
    // First range that overlaps or touches the block (end >= block.begin), and one past the
    // last such range (begin <= block.end): [first, last) merge with the block.
    std::size_t first = 0;
    while (first < count_ && ranges_[first].end.before(block.begin)) {
        ++first;
    }
    std::size_t last = first;
    while (last < count_ && ranges_[last].begin.before_eq(block.end)) {
        ++last;
    }
    if (first == last) {
        // Disjoint: a new range at `first`. When full, forget the highest range (see the class
        // comment: forgetting SACK state is safe, it only makes bytes look unSACKed).
        if (count_ == capacity) {
            if (first == count_) {
                return 0;
            }
            sacked_bytes_ -= length(ranges_[count_ - 1]);
            --count_;
        }
        std::copy_backward(ranges_.begin() + static_cast<std::ptrdiff_t>(first),
                           ranges_.begin() + static_cast<std::ptrdiff_t>(count_),
                           ranges_.begin() + static_cast<std::ptrdiff_t>(count_ + 1));
        ranges_[first] = block;
        ++count_;
        sacked_bytes_ += length(block);
        return length(block);
    }
    std::uint32_t old_bytes = 0;
    for (std::size_t i = first; i < last; ++i) {
        old_bytes += length(ranges_[i]);
    }
    const seq_range merged{wire::seq_min(block.begin, ranges_[first].begin),
                           wire::seq_max(block.end, ranges_[last - 1].end)};
    ranges_[first] = merged;
    std::copy(ranges_.begin() + static_cast<std::ptrdiff_t>(last),
              ranges_.begin() + static_cast<std::ptrdiff_t>(count_),
              ranges_.begin() + static_cast<std::ptrdiff_t>(first + 1));
    count_ -= last - first - 1;
    const std::uint32_t added = length(merged) - old_bytes;
    sacked_bytes_ += added;
    return added;
}

std::uint32_t sack_scoreboard::accept(seq_range block) {
    // RFC 2018 §3: a block is [Left Edge, Right Edge), the right edge being "the sequence
    // number immediately following the last sequence number of this block": an empty or
    // inverted block carries nothing and is ignored.
    if (!block.begin.before(block.end)) {
        return 0;
    }
    // RFC 2883 §4: a block at or below the cumulative ACK reports a duplicate (D-SACK), not
    // newly held data; it never enters the scoreboard. A block straddling SND.UNA keeps only
    // its part above.
    if (block.end.before_eq(snd_una_)) {
        return 0;
    }
    if (block.begin.before(snd_una_)) {
        block.begin = snd_una_;
    }
    // Bound blocks so byte counts stay far from wrapping (no real window is this big).
    if (length(block) > block_bytes_max) {
        return 0;
    }
    return insert(block);
}

std::uint32_t sack_scoreboard::on_ack(seq32 snd_una, std::span<const seq_range> blocks) {
    trim_below(snd_una);
    std::uint32_t added = 0;
    for (const seq_range& block : blocks) {
        added += accept(block);
    }
    NETRIG_ASSERT(count_ <= capacity);
    return added;
}

std::uint32_t sack_scoreboard::on_ack(seq32 snd_una, seq32 snd_nxt,
                                      std::span<const seq_range> blocks) {
    trim_below(snd_una);
    std::uint32_t added = 0;
    for (const seq_range& block : blocks) {
        // A block reaching past SND.NXT claims data that was never sent, while RFC 2018 §3
        // blocks describe data "received and queued": bogus, ignored whole.
        if (block.end.after(snd_nxt)) {
            continue;
        }
        added += accept(block);
    }
    NETRIG_ASSERT(count_ <= capacity);
    return added;
}

bool sack_scoreboard::is_sacked(seq32 seq) const {
    for (std::size_t i = 0; i < count_; ++i) {
        if (seq.in_range(ranges_[i].begin, ranges_[i].end)) {
            return true;
        }
    }
    return false;
}

bool sack_scoreboard::is_lost(seq32 seq, std::uint32_t mss) const {
    NETRIG_ASSERT(mss > 0);
    // RFC 6675 §4 IsLost: "The routine returns true when either DupThresh discontiguous SACKed
    // sequences have arrived above 'SeqNum' or more than (DupThresh - 1) * SMSS bytes with
    // sequence numbers greater than 'SeqNum' have been SACKed."
    std::uint32_t ranges_above = 0;
    std::uint64_t bytes_above = 0;
    const seq32 above = seq + 1;
    for (std::size_t i = 0; i < count_; ++i) {
        const seq_range& r = ranges_[i];
        if (!r.end.after(above)) {
            continue;
        }
        ++ranges_above;
        bytes_above += static_cast<std::uint32_t>(r.end - wire::seq_max(r.begin, above));
    }
    return ranges_above >= sack_dup_thresh ||
           bytes_above > std::uint64_t{sack_dup_thresh - 1} * mss;
}

std::uint32_t sack_scoreboard::pipe(seq32 snd_una, seq32 snd_nxt, seq32 high_rxt,
                                    std::uint32_t mss) const {
    NETRIG_ASSERT(mss > 0);
    // RFC 6675 §4 SetPipe: for each octet S1 between HighACK and HighData "that has not been
    // SACKed": "(a) If IsLost (S1) returns false: Pipe is incremented by 1 octet" and "(b) If
    // S1 <= HighRxt: Pipe is incremented by 1 octet". IsLost is the same for every octet of
    // one hole (the same SACKed data lies above them all), so this walks holes, not octets.
    std::uint64_t pipe = 0;
    seq32 cursor = snd_una;
    for (std::size_t i = 0; i <= count_ && cursor.before(snd_nxt); ++i) {
        const seq32 hole_end = i < count_ ? wire::seq_min(ranges_[i].begin, snd_nxt) : snd_nxt;
        if (cursor.before(hole_end)) {
            const auto hole_len = static_cast<std::uint32_t>(hole_end - cursor);
            if (!is_lost(cursor, mss)) {
                pipe += hole_len;
            }
            if (high_rxt.after(cursor)) {
                pipe += static_cast<std::uint32_t>(wire::seq_min(high_rxt, hole_end) - cursor);
            }
        }
        if (i < count_) {
            cursor = wire::seq_max(cursor, ranges_[i].end);
        }
    }
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(pipe, UINT32_MAX));
}

std::optional<seq_range> sack_scoreboard::next_seg(seq32 snd_una, seq32 snd_nxt, seq32 high_rxt,
                                                   std::uint32_t mss) const {
    NETRIG_ASSERT(mss > 0);
    // RFC 6675 §4 NextSeg rule (1): the smallest unSACKed S2 with "(1.a) S2 is greater than
    // HighRxt", "(1.b) S2 is less than the highest octet covered by any received SACK" and
    // "(1.c) IsLost (S2) returns true". Rule (3): the same without (1.c), "after" rule (2).
    // Holes lower in sequence space have at least as much SACKed data above them, so IsLost is
    // monotone: the first hole satisfying (1.a)/(1.b) answers both rules, and is_lost() on it
    // tells the caller which one applied.
    seq32 cursor = wire::seq_max(snd_una, high_rxt);
    for (std::size_t i = 0; i < count_; ++i) {
        const seq32 hole_end = wire::seq_min(ranges_[i].begin, snd_nxt);
        if (cursor.before(hole_end)) {
            const auto len = std::min(static_cast<std::uint32_t>(hole_end - cursor), mss);
            return seq_range{cursor, cursor + len};
        }
        cursor = wire::seq_max(cursor, ranges_[i].end);
    }
    return std::nullopt;
}

std::optional<seq32> sack_scoreboard::highest_sacked() const {
    if (count_ == 0) {
        return std::nullopt;
    }
    return ranges_[count_ - 1].end;
}

std::uint32_t sack_scoreboard::sacked_below(wire::seq32 end) const {
    std::uint32_t n = 0;
    for (std::size_t i = 0; i < count_; ++i) {
        const seq_range& r = ranges_[i];
        if (!r.begin.before(end)) {
            break;  // ranges are ascending
        }
        const wire::seq32 stop = r.end.before(end) ? r.end : end;
        n += static_cast<std::uint32_t>(stop - r.begin);
    }
    return n;
}

seq_range sack_scoreboard::next_unsacked(wire::seq32 from) const {
    wire::seq32 at = from;
    for (std::size_t i = 0; i < count_; ++i) {
        const seq_range& r = ranges_[i];
        if (r.end.before_eq(at)) {
            continue;  // entirely below
        }
        if (r.begin.before_eq(at)) {
            at = r.end;  // inside a SACKed range: skip to its end (ranges are non-adjacent)
            continue;
        }
        return seq_range{at, r.begin};
    }
    return seq_range{at, at + 0x7fffffffU};  // the largest span seq32 arithmetic allows
}

}  // namespace netrig::core::tcp
