// SPDX-License-Identifier: MIT
// core/tcp: TIME-WAIT kept as compact records instead of whole connections (as Linux keeps
// tcp_timewait_sock), with the RFC 6191 / RFC 1122 §4.2.2.13 rules for reusing the 4-tuple
// and the RFC 9293 §3.10.7.4 replies to segments that arrive in TIME-WAIT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/time.hpp"
#include "core/tcp/four_tuple.hpp"
#include "core/tcp/hash_index.hpp"
#include "wire/seq32.hpp"
#include "wire/tcp.hpp"

namespace netrig::core::tcp {

/// What a connection leaves behind when it enters TIME-WAIT.
struct time_wait_state {
    four_tuple tuple;                        ///< the connection
    wire::seq32 snd_nxt;                     ///< our next sequence number (after our FIN)
    wire::seq32 rcv_nxt;                     ///< the peer's next sequence number (after its FIN)
    std::optional<std::uint32_t> ts_recent;  ///< last TSval from the peer, if timestamps were on
    std::uint32_t ts_offset = 0;             ///< our TSval clock offset, for the ACKs we send
};

/// Bounds and timers of the TIME-WAIT table.
struct time_wait_config {
    /// Records kept; when full the oldest is evicted (Linux tcp_max_tw_buckets behaves alike).
    std::size_t entries_max = 16384;
    /// How long a record lives: 2 MSL (RFC 9293 §3.3.2; Linux uses 60 s in total).
    duration two_msl = std::chrono::seconds{60};
    /// RFC 1337 §3 fix "F1": ignore RST in TIME-WAIT instead of closing (time-wait
    /// assassination). Off by default, as in Linux (net.ipv4.tcp_rfc1337 = 0).
    bool ignore_rst = false;
};

/// What to do with a segment that hit a TIME-WAIT record.
enum class time_wait_action : std::uint8_t {
    drop,      ///< silently discard
    send_ack,  ///< reply with an ACK <SEQ=snd_nxt><ACK=rcv_nxt> (use ack_for())
    closed,    ///< the record was removed (RST, or the caller reused the tuple)
    reuse,     ///< a SYN that may open a new incarnation: see time_wait_table::on_syn()
};

/// Compact TIME-WAIT records: 4-tuple, snd_nxt, rcv_nxt, ts_recent and expiry, in a slab with
/// an intrusive list in expiry order (so eviction, expiry and "restart the 2 MSL timer" are
/// O(1)) and a hash_index by 4-tuple. All memory is allocated at construction.
class time_wait_table {
public:
    /// A table with the given bounds; `secret` keys its hash index.
    time_wait_table(const time_wait_config& config, const siphash_key& secret);

    /// Records `state` entering TIME-WAIT at `now` (replacing a record with the same tuple).
    /// If the table is full the record closest to expiry is evicted and counted.
    void insert(instant now, const time_wait_state& state);

    /// The record for tuple, if any (and not expired at the last expire()).
    [[nodiscard]] const time_wait_state* find(const four_tuple& tuple) const;

    /// Removes the record for tuple; false if there was none.
    bool erase(const four_tuple& tuple);

    /// Removes records whose 2 MSL expired at or before `now`; returns how many.
    std::size_t expire(instant now);

    /// When the oldest record expires, or nothing if the table is empty.
    [[nodiscard]] std::optional<instant> next_deadline() const;

    /// RFC 9293 §3.10.7.4 for a non-SYN segment in TIME-WAIT: a retransmitted FIN is
    /// acknowledged and restarts the 2 MSL timeout; a RST closes the record (unless
    /// config.ignore_rst); other acceptable segments get an ACK, unacceptable ones an ACK too
    /// (first check), a RST never does. SYNs return time_wait_action::reuse.
    [[nodiscard]] time_wait_action on_segment(instant now, const four_tuple& tuple,
                                              const wire::tcp::repr& seg);

    /// RFC 6191 §2 (and RFC 1122 §4.2.2.13) for a SYN hitting a TIME-WAIT record: returns the
    /// ISS to use for the new incarnation if the SYN may reopen the connection (the record is
    /// then removed: the caller hands the SYN to the listener with that ISS), or nothing if it
    /// must be dropped (the record stays). `ts_enabled` says whether the new incarnation would
    /// use timestamps (both sides offer them); `candidate_iss` is the RFC 6528 ISN, raised
    /// above the old snd_nxt if needed.
    [[nodiscard]] std::optional<wire::seq32> on_syn(const four_tuple& tuple,
                                                    const wire::tcp::repr& syn, bool ts_enabled,
                                                    wire::seq32 candidate_iss);

    /// The ACK to send for a record (after on_segment() said send_ack): ports from our side,
    /// seq = snd_nxt, ack = rcv_nxt, window 0 (we receive nothing more), and timestamps
    /// (TSval = ts_clock + the record's ts_offset) if the connection used them and ts_clock is
    /// given. The caller sends it from tuple.local_address to tuple.remote_address.
    [[nodiscard]] wire::tcp::repr ack_for(const time_wait_state& state,
                                          std::optional<std::uint32_t> ts_clock) const;

    /// Records held.
    [[nodiscard]] std::size_t size() const { return index_.size(); }
    /// Records evicted because the table was full.
    [[nodiscard]] std::uint64_t evictions() const { return evictions_; }
    /// Heap bytes held by the table.
    [[nodiscard]] std::size_t memory_bytes() const;

private:
    static constexpr std::uint32_t none = hash_index<four_tuple>::no_id;
    struct record {
        time_wait_state state;
        instant expiry;
        std::uint32_t prev = none;  // towards older
        std::uint32_t next = none;  // towards newer
    };

    void unlink(std::uint32_t id);
    void link_newest(std::uint32_t id);
    void remove(std::uint32_t id);

    time_wait_config config_;
    hash_index<four_tuple> index_;
    std::vector<record> records_;
    std::vector<std::uint32_t> free_;
    std::uint32_t oldest_ = none;
    std::uint32_t newest_ = none;
    std::uint64_t evictions_ = 0;
};

}  // namespace netrig::core::tcp
