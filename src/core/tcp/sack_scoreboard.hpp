// SPDX-License-Identifier: MIT
// core/tcp: the sender's SACK scoreboard (RFC 6675 conservative loss recovery over RFC 2018
// blocks): which bytes above SND.UNA the peer has selectively acknowledged, IsLost, SetPipe and
// NextSeg. Fixed capacity, no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/seq32.hpp"

namespace netrig::core::tcp {

/// A half-open range of sequence space [begin, end).
struct seq_range {
    /// First byte.
    wire::seq32 begin;
    /// One past the last byte.
    wire::seq32 end;

    friend constexpr bool operator==(const seq_range&, const seq_range&) = default;
};

/// RFC 6675 §2 DupThresh.
inline constexpr std::uint32_t sack_dup_thresh = 3;

/// What the sender knows of the peer's SACKed data, as sorted, disjoint, non-adjacent ranges
/// above SND.UNA. Bounded to `capacity` ranges: when a new block would exceed it, the range
/// highest in sequence space is forgotten (conservative: forgotten bytes only look unsacked,
/// which can cause a needless retransmission, never a missed one).
///
/// `high_rxt` below is the exclusive end of what has been retransmitted in this recovery
/// episode (RFC 6675 HighRxt + 1); pass snd_una when nothing has been.
class sack_scoreboard {
public:
    /// Maximum number of disjoint ranges kept.
    static constexpr std::size_t capacity = 64;

    /// Forgets everything; the scoreboard now starts at snd_una.
    void reset(wire::seq32 snd_una);
    /// Processes an ACK: drops what snd_una now covers, then merges each valid block. Invalid
    /// blocks are ignored: empty or inverted ones (RFC 2018 §3 edges), those at or below
    /// snd_una such as D-SACK (RFC 2883 §4; a block straddling snd_una keeps its upper part),
    /// and those longer than 2^30 bytes.
    /// Returns the number of bytes that became SACKed by this ACK.
    std::uint32_t on_ack(wire::seq32 snd_una, std::span<const seq_range> blocks);
    /// As on_ack() above, and also ignores blocks ending after snd_nxt (data never sent).
    std::uint32_t on_ack(wire::seq32 snd_una, wire::seq32 snd_nxt,
                         std::span<const seq_range> blocks);

    /// True if byte `seq` is SACKed.
    [[nodiscard]] bool is_sacked(wire::seq32 seq) const;
    /// RFC 6675 §4 IsLost(seq): DupThresh discontiguous SACKed ranges lie above seq, or more than
    /// (DupThresh - 1) * mss SACKed bytes lie above it. Preconditions: mss > 0.
    [[nodiscard]] bool is_lost(wire::seq32 seq, std::uint32_t mss) const;
    /// RFC 6675 §4 SetPipe, in bytes, over [snd_una, snd_nxt): every unSACKed byte that is not
    /// lost counts once, every unSACKed byte below high_rxt counts (again).
    [[nodiscard]] std::uint32_t pipe(wire::seq32 snd_una, wire::seq32 snd_nxt, wire::seq32 high_rxt,
                                     std::uint32_t mss) const;
    /// RFC 6675 §4 NextSeg: up to `mss` bytes to retransmit, or nullopt.
    /// Rule 1: the first unSACKed, lost range at or above max(high_rxt, snd_una).
    /// Rule 3: otherwise the first unSACKed range at or above it that has SACKed data above.
    /// Rule 2 (new data) is the caller's and ranks between them: a result for which
    /// is_lost(result->begin, mss) is false came from rule 3, so send new data first if allowed.
    [[nodiscard]] std::optional<seq_range> next_seg(wire::seq32 snd_una, wire::seq32 snd_nxt,
                                                    wire::seq32 high_rxt, std::uint32_t mss) const;

    /// SACKed bytes below `end` (for the flight size after an RTO, where SND.NXT went back).
    [[nodiscard]] std::uint32_t sacked_below(wire::seq32 end) const;
    /// The first byte at or after `from` that is not SACKed, and how many bytes from it are
    /// not SACKed either (up to the next SACKed range; 2^31 - 1 when none follows). The
    /// sender uses it to skip SACKed data when it goes back after an RTO (RFC 6675 §5.1).
    [[nodiscard]] seq_range next_unsacked(wire::seq32 from) const;
    /// Total SACKed bytes held.
    [[nodiscard]] std::uint32_t sacked_bytes() const { return sacked_bytes_; }
    /// True if nothing is SACKed.
    [[nodiscard]] bool empty() const { return count_ == 0; }
    /// The SACKed ranges, ascending from snd_una. Invalidated by reset() and on_ack().
    [[nodiscard]] std::span<const seq_range> ranges() const {
        return std::span<const seq_range>(ranges_.data(), count_);
    }
    /// The highest SACKed byte + 1 (RFC 6675 "highest octet covered by any received SACK"),
    /// nullopt when empty.
    [[nodiscard]] std::optional<wire::seq32> highest_sacked() const;

private:
    std::uint32_t accept(seq_range block);
    std::uint32_t insert(seq_range block);
    void trim_below(wire::seq32 snd_una);

    std::array<seq_range, capacity> ranges_{};
    std::size_t count_ = 0;
    std::uint32_t sacked_bytes_ = 0;
    wire::seq32 snd_una_;
};

}  // namespace netrig::core::tcp
