// SPDX-License-Identifier: MIT
// core/tcp: the TIME-WAIT table.
#include "core/tcp/time_wait.hpp"

#include "base/assert.hpp"

namespace netrig::core::tcp {

time_wait_table::time_wait_table(const time_wait_config& config, const siphash_key& secret)
    : config_(config), index_(config.entries_max, secret) {
    records_.resize(config.entries_max);
    free_.reserve(config.entries_max);
    for (std::size_t i = config.entries_max; i > 0; --i) {
        free_.push_back(static_cast<std::uint32_t>(i - 1));
    }
}

void time_wait_table::unlink(std::uint32_t id) {
    record& r = records_[id];
    if (r.prev != none) {
        records_[r.prev].next = r.next;
    } else {
        oldest_ = r.next;
    }
    if (r.next != none) {
        records_[r.next].prev = r.prev;
    } else {
        newest_ = r.prev;
    }
    r.prev = none;
    r.next = none;
}

void time_wait_table::link_newest(std::uint32_t id) {
    record& r = records_[id];
    r.prev = newest_;
    r.next = none;
    if (newest_ != none) {
        records_[newest_].next = id;
    } else {
        oldest_ = id;
    }
    newest_ = id;
}

void time_wait_table::remove(std::uint32_t id) {
    unlink(id);
    const auto erased = index_.erase(records_[id].state.tuple);
    NETRIG_ASSERT(erased == id);
    free_.push_back(id);
}

void time_wait_table::insert(instant now, const time_wait_state& state) {
    if (const auto old = index_.find(state.tuple)) {
        remove(*old);
    }
    if (free_.empty()) {
        // Bounded: the record closest to expiry goes first.
        NETRIG_ASSERT(oldest_ != none);
        remove(oldest_);
        ++evictions_;
    }
    const std::uint32_t id = free_.back();
    free_.pop_back();
    records_[id].state = state;
    // RFC 9293 §3.3.2: TIME-WAIT "represents waiting for enough time to pass to be sure the
    // remote TCP received the acknowledgment of its connection termination request" (2 MSL).
    records_[id].expiry = now + config_.two_msl;
    link_newest(id);
    const bool inserted = index_.insert(state.tuple, id);
    NETRIG_ASSERT(inserted);
}

const time_wait_state* time_wait_table::find(const four_tuple& tuple) const {
    const auto id = index_.find(tuple);
    return id ? &records_[*id].state : nullptr;
}

bool time_wait_table::erase(const four_tuple& tuple) {
    const auto id = index_.find(tuple);
    if (!id) {
        return false;
    }
    remove(*id);
    return true;
}

std::size_t time_wait_table::expire(instant now) {
    std::size_t n = 0;
    // Records are linked in expiry order (every insert and restart appends with now + 2 MSL).
    while (oldest_ != none && records_[oldest_].expiry <= now) {
        remove(oldest_);
        ++n;
    }
    return n;
}

std::optional<instant> time_wait_table::next_deadline() const {
    if (oldest_ == none) {
        return std::nullopt;
    }
    return records_[oldest_].expiry;
}

time_wait_action time_wait_table::on_segment(instant now, const four_tuple& tuple,
                                             const wire::tcp::repr& seg) {
    const auto id = index_.find(tuple);
    if (!id) {
        return time_wait_action::drop;
    }
    record& r = records_[*id];
    if ((seg.flags & wire::tcp::flag::rst) != 0) {
        // RFC 9293 §3.10.7.4 second check, TIME-WAIT: "If the RST bit is set, then enter the
        // CLOSED state". RFC 1337 §3 (optional): ignore it, against TIME-WAIT assassination.
        // RFC 5961 §3.2: only an RST exactly at RCV.NXT is acted on (we advertise no window).
        if (config_.ignore_rst || seg.seq != r.state.rcv_nxt) {
            return time_wait_action::drop;
        }
        remove(*id);
        return time_wait_action::closed;
    }
    if ((seg.flags & wire::tcp::flag::syn) != 0) {
        return time_wait_action::reuse;
    }
    const auto fin_end = seg.seq + static_cast<std::uint32_t>(seg.payload.size()) + 1U;
    if ((seg.flags & wire::tcp::flag::fin) != 0 && fin_end == r.state.rcv_nxt) {
        // RFC 9293 §3.10.7.4 eighth check, TIME-WAIT: "Remain in the TIME-WAIT state.
        // Acknowledge it, and restart the 2 MSL timeout."
        unlink(*id);
        r.expiry = now + config_.two_msl;
        link_newest(*id);
        return time_wait_action::send_ack;
    }
    // RFC 9293 §3.10.7.4 first check: our receive window is empty, so any other segment is
    // unacceptable: "an acknowledgment should be sent in reply (unless the RST bit is set)".
    return time_wait_action::send_ack;
}

std::optional<wire::seq32> time_wait_table::on_syn(const four_tuple& tuple,
                                                   const wire::tcp::repr& syn, bool ts_enabled,
                                                   wire::seq32 candidate_iss) {
    const auto id = index_.find(tuple);
    if (!id) {
        return candidate_iss;
    }
    const time_wait_state& st = records_[*id].state;
    // The last sequence number seen is the peer's FIN, rcv_nxt - 1.
    const bool seq_greater = syn.seq.after_eq(st.rcv_nxt);
    bool honor = false;
    if (st.ts_recent) {
        // RFC 6191 §2, previous incarnation used timestamps.
        if (ts_enabled && syn.options.ts) {
            const auto d = static_cast<std::int32_t>(syn.options.ts->value - *st.ts_recent);
            // "the timestamp contained in the incoming SYN segment is greater than the last
            // timestamp seen on the previous incarnation" (wrap-aware, RFC 7323 §5.2), or equal
            // with a greater sequence number.
            honor = d > 0 || (d == 0 && seq_greater);
        } else {
            // "If TCP Timestamps would not be enabled for the new incarnation ... but the
            // Sequence Number of the incoming SYN segment is greater than the last sequence
            // number seen on the previous incarnation".
            honor = seq_greater;
        }
    } else {
        // RFC 6191 §2, previous incarnation without timestamps: honor if the new one uses them,
        // else fall back to RFC 1122 §4.2.2.13's sequence number rule.
        honor = ts_enabled ? true : seq_greater;
    }
    if (!honor) {
        // RFC 6191 §2: "Otherwise, silently drop the incoming SYN segment, thus leaving the
        // previous incarnation of the connection in the TIME-WAIT state."
        return std::nullopt;
    }
    // RFC 1122 §4.2.2.13 (1): "assigns its initial sequence number for the new connection to
    // be larger than the largest sequence number it used on the previous connection
    // incarnation". A window's worth above, as Linux does (tw_snd_nxt + 65535 + 2).
    wire::seq32 iss = candidate_iss;
    if (!iss.after(st.snd_nxt)) {
        iss = st.snd_nxt + 65537U;
    }
    remove(*id);
    return iss;
}

wire::tcp::repr time_wait_table::ack_for(const time_wait_state& state,
                                         std::optional<std::uint32_t> ts_clock) const {
    wire::tcp::repr ack;
    ack.source_port = state.tuple.local_port;
    ack.destination_port = state.tuple.remote_port;
    ack.seq = state.snd_nxt;
    ack.ack = state.rcv_nxt;
    ack.flags = wire::tcp::flag::ack;
    ack.window = 0;
    if (state.ts_recent && ts_clock) {
        // RFC 7323 §3.2: timestamps, once negotiated, go on every segment.
        ack.options.ts =
            wire::tcp::timestamps{.value = *ts_clock + state.ts_offset, .echo = *state.ts_recent};
    }
    return ack;
}

std::size_t time_wait_table::memory_bytes() const {
    return index_.memory_bytes() + records_.capacity() * sizeof(record) +
           free_.capacity() * sizeof(std::uint32_t);
}

}  // namespace netrig::core::tcp
