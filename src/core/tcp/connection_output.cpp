// SPDX-License-Identifier: MIT
// core/tcp: what a connection sends and when: SYN/SYN-ACK, data under the peer's window and
// cwnd (Nagle, sender SWS avoidance), loss-recovery retransmissions, ACKs (delayed, quick,
// challenge), zero-window probes, keepalives, RST; and its timers.
#include <algorithm>

#include "core/tcp/connection.hpp"
#include "core/tcp/tcp_error.hpp"

namespace netrig::core::tcp {

namespace {

constexpr bool has(std::uint8_t flags, std::uint8_t bit) {
    return (flags & bit) != 0;
}

}  // namespace

std::uint32_t connection::ts_now(instant now) const {
    // RFC 7323 §5.4: a 1 ms timestamp clock, offset per connection (§7.1 recommends a random
    // offset so TSval leaks no uptime).
    const auto ms = static_cast<std::uint64_t>(now.since_zero() / std::chrono::milliseconds{1});
    return static_cast<std::uint32_t>(ms) + ts_offset_;
}

std::uint32_t connection::payload_room() const {
    // The MSS is the largest segment "without TCP options other than" MSS (RFC 9293 §3.7.1;
    // RFC 6691): send_mss already leaves room for the timestamps, but SACK blocks ride on data
    // segments too while we hold out-of-order data (bidirectional transfers). RFC 2018 §3:
    // 2 + 8n bytes, padded to 4 with the NOPs fill_header adds. Without this the segment
    // outgrows the MTU and is fragmented (mix seed 229 of tcp_sim_suite).
    const std::uint32_t mss = neg_.send_mss;
    const std::size_t ooo = recv_.out_of_order().size();
    if (!neg_.sack || ooo == 0) {
        return mss;
    }
    const std::size_t room = neg_.timestamps ? 3 : wire::tcp::max_sack_blocks;
    const auto n = static_cast<std::uint32_t>(std::min(ooo, room));
    const std::uint32_t option_bytes = (2U + 8U * n + 3U) & ~3U;
    return mss > option_bytes + 1U ? mss - option_bytes : 1U;
}

std::uint32_t connection::pipe() const {
    const std::uint32_t mss = neg_.send_mss;
    if (in_recovery_ && neg_.sack) {
        // RFC 6675 §4 SetPipe.
        return sacks_.pipe(snd_una_, snd_max_, high_rxt_, mss);
    }
    if (in_recovery_) {
        // RFC 6582 / RFC 5681 §3.2: each duplicate ACK means a segment left the network
        // (window inflation expressed as a smaller pipe).
        const std::uint32_t flight = flight_size();
        return flight - std::min(flight, dupacks_ * mss);
    }
    // After an RTO everything from SND.NXT (reset to SND.UNA) on is presumed lost; SACKed
    // bytes below SND.NXT have left the network (RFC 6675 §5.1: use the SACK information in
    // the recovery after an RTO), so they are not in the pipe.
    const auto flight = static_cast<std::uint32_t>(snd_nxt_ - snd_una_);
    const std::uint32_t sacked =
        neg_.sack && snd_nxt_.before(snd_max_) ? sacks_.sacked_below(snd_nxt_) : 0U;
    // RFC 3042 limited transmit: each of the first two duplicate ACKs lets one new segment go
    // ("FlightSize <= cwnd + 2*SMSS"), keeping the ACK clock alive for fast retransmit.
    return flight - std::min(flight, sacked + std::min(dupacks_, 2U) * mss);
}

std::uint32_t connection::usable_window() const {
    const std::uint32_t cwnd = cc_.cwnd();
    const std::uint32_t in_pipe = pipe();
    const std::uint32_t cwnd_room = cwnd > in_pipe ? cwnd - in_pipe : 0;
    // RFC 9293 §3.8.6.2.1: usable window U = SND.UNA + SND.WND - SND.NXT.
    const std::int64_t rwnd_room =
        static_cast<std::int64_t>(snd_wnd_) - static_cast<std::int64_t>(snd_nxt_ - snd_una_);
    return static_cast<std::uint32_t>(
        std::min<std::int64_t>(cwnd_room, std::max<std::int64_t>(0, rwnd_room)));
}

std::uint16_t connection::window_field(std::uint32_t* edge_out) const {
    const wire::seq32 nxt = rcv_nxt();
    const auto current = static_cast<std::uint32_t>(std::max<std::int32_t>(0, rcv_adv_ - nxt));
    const std::uint8_t shift = neg_.recv_shift;
    auto wnd = static_cast<std::uint32_t>(std::min<std::size_t>(recv_.free(), 1U << 30U));
    // RFC 9293 §3.8.6.2.2 (receiver SWS avoidance): move the right edge only when it can move
    // by at least min(buffer / 2, MSS); and never shrink the window already offered.
    const auto threshold =
        static_cast<std::uint32_t>(std::min<std::size_t>(recv_.capacity() / 2, cfg_.mss));
    if (wnd < current + threshold) {
        wnd = current;
    }
    // Round up when holding the edge so that scaling never retracts it.
    std::uint32_t field = wnd == current ? (wnd + (1U << shift) - 1U) >> shift : wnd >> shift;
    field = std::min<std::uint32_t>(field, 0xffffU);
    if (edge_out != nullptr) {
        *edge_out = field << shift;
    }
    return static_cast<std::uint16_t>(field);
}

void connection::fill_header(instant now, segment_out& seg, wire::seq32 seq,
                             std::uint8_t flags) const {
    seg = segment_out{};
    seg.source = tuple_.local_address;
    seg.destination = tuple_.remote_address;
    auto& t = seg.tcp;
    t.source_port = tuple_.local_port;
    t.destination_port = tuple_.remote_port;
    t.seq = seq;
    t.flags = flags;
    if (has(flags, wire::tcp::flag::ack)) {
        t.ack = rcv_nxt();
    }
    if (has(flags, wire::tcp::flag::syn)) {
        t.options = syn_sent_options_;
        if (t.options.ts) {
            t.options.ts->value = ts_now(now);
            t.options.ts->echo = has(flags, wire::tcp::flag::ack) ? ts_recent_ : 0;
        }
        // RFC 7323 §2.2: the window of a SYN is not scaled.
        t.window = static_cast<std::uint16_t>(std::min<std::size_t>(recv_.free(), 0xffffU));
        return;
    }
    if (has(flags, wire::tcp::flag::rst)) {
        return;
    }
    t.window = window_field(nullptr);
    if (neg_.timestamps) {
        // RFC 7323 §3.2: once negotiated, TS goes on every non-RST segment; TSecr = TS.Recent.
        t.options.ts = wire::tcp::timestamps{ts_now(now), ts_recent_};
    }
    const auto ooo = recv_.out_of_order();
    if (neg_.sack && !ooo.empty()) {
        // RFC 2018 §4: "The first SACK block ... MUST specify the contiguous block of data
        // containing the segment which triggered this ACK"; the others repeat the most
        // recently reported blocks. Ranges remember when a segment last touched them, so
        // most-recent-first order gives both.
        const std::size_t room = neg_.timestamps ? 3 : wire::tcp::max_sack_blocks;
        std::array<const stream_range*, wire::tcp::max_sack_blocks> pick{};
        std::size_t n = 0;
        for (const auto& r : ooo) {
            std::size_t i = std::min(n, room);
            while (i > 0 && pick[i - 1]->stamp < r.stamp) {
                if (i < room) {
                    pick[i] = pick[i - 1];
                }
                --i;
            }
            if (i < room) {
                pick[i] = &r;
                n = std::min(n + 1, room);
            }
        }
        const std::uint32_t base = irs_.raw() + 1U;
        for (std::size_t i = 0; i < n; ++i) {
            t.options.sack_blocks[i] = wire::tcp::sack_block{
                wire::seq32{base + static_cast<std::uint32_t>(pick[i]->begin)},
                wire::seq32{base + static_cast<std::uint32_t>(pick[i]->end)}};
        }
        t.options.sack_count = static_cast<std::uint8_t>(n);
    }
}

void connection::fill_data(segment_out& seg, wire::seq32 seq, std::uint32_t len) const {
    if (len == 0) {
        return;
    }
    const auto off = static_cast<std::size_t>(static_cast<std::uint32_t>(seq - data_base_));
    seg.payload = send_.peek(off, len);
}

bool connection::prepare_recovery(instant now, segment_out& seg) const {
    const std::uint32_t mss = neg_.send_mss;
    const std::uint32_t room = payload_room();
    const wire::seq32 end = send_end();
    const bool fin_sent = fin_queued_ && snd_max_.after(end);
    // Returns a retransmission of up to mss bytes at `from` (data, plus FIN if it was sent and
    // the range reaches it).
    auto retransmit = [&](wire::seq32 from, wire::seq32 to) {
        const std::uint32_t data_left =
            end.after(from) ? static_cast<std::uint32_t>(end - from) : 0U;
        const std::uint32_t want = static_cast<std::uint32_t>(to - from);
        const std::uint32_t len = std::min({room, data_left, want});
        std::uint8_t flags = wire::tcp::flag::ack;
        if (fin_sent && from + len == end && want > len) {
            flags |= wire::tcp::flag::fin;
        }
        if (len == 0 && !has(flags, wire::tcp::flag::fin)) {
            return false;
        }
        fill_header(now, seg, from, flags);
        fill_data(seg, from, len);
        next_kind_ = tx_kind::retransmit;
        return true;
    };
    if (rtx_due_) {
        // RFC 6582 §3.2 step 2 / RFC 6675 §5 (3): retransmit the first unacknowledged segment.
        return retransmit(snd_una_, snd_max_);
    }
    if (!in_recovery_ || !neg_.sack) {
        return false;
    }
    // RFC 6675 §5 (C): "If cwnd - pipe >= 1 SMSS the sender SHOULD transmit one or more
    // segments" chosen by NextSeg.
    if (pipe() + mss > cc_.cwnd()) {
        return false;
    }
    const auto next = sacks_.next_seg(snd_una_, snd_max_, high_rxt_, mss);
    if (!next) {
        return false;
    }
    const bool rule1 = sacks_.is_lost(next->begin, mss);
    const bool new_data = snd_max_.before(end) && snd_wnd_ > flight_size();
    if (!rule1 && new_data) {
        return false;  // NextSeg rule 2 (new data) ranks before rule 3
    }
    return retransmit(next->begin, next->end);
}

bool connection::prepare_data(instant now, segment_out& seg) const {
    std::uint32_t mss = payload_room();
    const wire::seq32 end = send_end();
    wire::seq32 from = snd_nxt_;
    if (neg_.sack && snd_nxt_.before(snd_max_) && !sacks_.empty()) {
        // Going back after an RTO: RFC 6675 §5.1, SACKed data is not sent again. Skip to the
        // next unSACKed byte and stop before the next SACKed range (commit() moves SND.NXT to
        // the end of what is sent).
        const seq_range hole = sacks_.next_unsacked(snd_nxt_);
        from = hole.begin.before(snd_max_) ? hole.begin : wire::seq_max(snd_nxt_, snd_max_);
        if (from.before(snd_max_)) {
            mss = std::min(mss, static_cast<std::uint32_t>(hole.end - hole.begin));
        }
    }
    const std::uint32_t avail = end.after(from) ? static_cast<std::uint32_t>(end - from) : 0U;
    // The FIN goes right after the last data byte, once, unless already sent and acked.
    const bool fin_pending = fin_queued_ && from.before_eq(end);
    if (avail == 0 && !fin_pending) {
        return false;
    }
    std::uint32_t usable = usable_window();
    if (from.after(snd_nxt_)) {
        // Skipped SACKed data: the peer's window (RFC 9293 §3.8.6.2.1, U = SND.UNA + SND.WND
        // - SND.NXT) is measured from where this segment starts.
        const std::int64_t rwnd_room = static_cast<std::int64_t>(snd_wnd_) -
                                       static_cast<std::int64_t>(from - snd_una_);
        usable = static_cast<std::uint32_t>(
            std::min<std::int64_t>(usable, std::max<std::int64_t>(0, rwnd_room)));
    }
    const bool retransmission = from.before(snd_max_);
    // TSO: new data may go as one segment of k full MSS pieces that the device cuts up (each
    // piece gets this header; Linux's tcp_gso_segment moves PSH/FIN to the last one). Not for
    // retransmissions nor during loss recovery, which stay MSS-sized.
    std::uint32_t limit = mss;
    // A peer whose MSS is at or below the RFC 9293 §3.7.1 default (536, e.g. one that sent
    // MSS 0) gets one segment per frame, so even a capture at the TAP shows what it asked for.
    if (tso_payload_max_ >= 2 * mss && neg_.send_mss > default_mss_ipv4 && !retransmission &&
        !in_recovery_) {
        limit = tso_payload_max_ / mss * mss;
    }
    std::uint32_t len = std::min({avail, limit, usable});
    if (len > mss && len % mss != 0) {
        // The last piece may be short only where a lone segment could be: it is all the data
        // (PSH) and Nagle lets it go (nothing in flight, TCP_NODELAY, or the FIN follows).
        const bool short_tail_ok =
            len == avail && (cfg_.nodelay || fin_pending || snd_nxt_ == snd_una_);
        if (!short_tail_ok) {
            len -= len % mss;
        }
    }
    if (len < avail || avail == 0) {
        if (len == 0) {
            // FIN alone is not held back by the windows: it carries no data.
            if (avail > 0 || !fin_pending) {
                return false;
            }
        } else if (len < mss && !retransmission &&
                   len < std::max<std::uint32_t>(1U, max_snd_wnd_ / 2)) {
            // RFC 9293 §3.8.6.2.1 (sender SWS avoidance): a partial segment that is neither all
            // the data nor at least Fs = 1/2 of the maximum window waits.
            return false;
        }
    } else if (len < mss && !retransmission && !fin_pending && !cfg_.nodelay &&
               snd_nxt_ != snd_una_) {
        // RFC 896 / RFC 9293 §3.7.4 (Nagle): a small segment waits while data is unacked.
        return false;
    }
    std::uint8_t flags = wire::tcp::flag::ack;
    if (len > 0 && len == avail) {
        flags |= wire::tcp::flag::psh;
    }
    if (fin_pending && len == avail) {
        flags |= wire::tcp::flag::fin;
    }
    fill_header(now, seg, from, flags);
    fill_data(seg, from, len);
    if (len > mss) {
        seg.gso_size = static_cast<std::uint16_t>(mss);
    }
    next_kind_ = tx_kind::data;
    return true;
}

bool connection::prepare(instant now, segment_out& seg) const {
    next_kind_ = tx_kind::none;
    if (rst_pending_) {
        fill_header(now, seg, rst_seq_,
                    rst_ack_ ? wire::tcp::flag::rst | wire::tcp::flag::ack : wire::tcp::flag::rst);
        if (rst_ack_) {
            seg.tcp.ack = *rst_ack_;
        }
        next_kind_ = tx_kind::rst;
        return true;
    }
    switch (state_) {
        case tcp_state::closed:
        case tcp_state::listen:
            return false;
        case tcp_state::syn_sent:
            if (!syn_due_) {
                return false;
            }
            fill_header(now, seg, iss_, wire::tcp::flag::syn);
            next_kind_ = tx_kind::syn;
            return true;
        case tcp_state::syn_received:
            if (syn_due_) {
                fill_header(now, seg, iss_, wire::tcp::flag::syn | wire::tcp::flag::ack);
                next_kind_ = tx_kind::syn;
                return true;
            }
            break;
        case tcp_state::established:
        case tcp_state::close_wait:
        case tcp_state::fin_wait_1:
        case tcp_state::closing:
        case tcp_state::last_ack:
            if (prepare_recovery(now, seg) || prepare_data(now, seg)) {
                return true;
            }
            if (probe_due_ && snd_una_ == snd_nxt_ && send_end().after(snd_una_)) {
                const auto avail = static_cast<std::uint32_t>(send_end() - snd_una_);
                const std::uint32_t room =
                    std::min({snd_wnd_, avail, std::uint32_t{neg_.send_mss}});
                // RFC 9293 §3.8.6.2.1: the SWS "override timeout" sends what the small window
                // allows; RFC 9293 §3.8.6.1 / RFC 1122 §4.2.2.17: a zero window is probed
                // with one octet of new data.
                fill_header(now, seg, snd_una_, wire::tcp::flag::ack);
                fill_data(seg, snd_una_, std::max(room, 1U));
                next_kind_ = room > 0 ? tx_kind::data : tx_kind::probe;
                return true;
            }
            break;
        default:
            break;
    }
    if (keepalive_due_) {
        // RFC 1122 §4.2.3.6: a keepalive is a segment with SEG.SEQ = SND.NXT-1 (already
        // acknowledged, so the peer must answer with an ACK) and no data.
        fill_header(now, seg, snd_una_ - 1U, wire::tcp::flag::ack);
        next_kind_ = tx_kind::keepalive;
        return true;
    }
    if (ack_now_) {
        // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, with SND.NXT the highest sequence sent: after a
        // timeout our go-back-N pointer may sit below what the peer already holds, and an ACK
        // carrying that older number would fail the peer's acceptability test and be lost.
        // Except while probing a zero window: the probe octet at SND.UNA was not accepted
        // (the window is shut), so the peer's RCV.NXT is still SND.UNA, and with RCV.WND = 0
        // RFC 9293 §3.10.7.4 accepts only SEG.SEQ = RCV.NXT. An ACK at SND.UNA + 1 would be
        // dropped, and with it the window update that reopens our side: both ends then wait
        // in zero windows forever (Linux echo peer, tests/interop/tcp_interop.sh).
        const bool probing = persist_count_ > 0 && snd_nxt_ == snd_una_;
        fill_header(now, seg, probing ? snd_una_ : snd_max_, wire::tcp::flag::ack);
        next_kind_ = tx_kind::ack;
        return true;
    }
    return false;
}

bool connection::has_pending_output(instant now) const {
    segment_out seg;
    return prepare(now, seg);
}

void connection::arm_rto(instant now) {
    // RFC 6298 §5.1: "Every time a packet containing data is sent (including a
    // retransmission), if the timer is not running, start it running so that it will expire
    // after RTO seconds".
    if (!rto_at_) {
        rto_at_ = now + rtt_.rto();
    }
}

void connection::commit(instant now, const segment_out& seg) {
    ++stats_.segments_out;
    last_send_ = now;
    const auto& t = seg.tcp;
    const tx_kind kind = next_kind_;
    next_kind_ = tx_kind::none;
    if (kind == tx_kind::rst) {
        rst_pending_ = false;
        return;
    }
    if (has(t.flags, wire::tcp::flag::ack)) {
        // Every ACK we send covers whatever was waiting to be acknowledged.
        last_ack_sent_ = t.ack;
        ack_now_ = false;
        delayed_ack_at_.reset();
        unacked_bytes_ = 0;
        if (!has(t.flags, wire::tcp::flag::syn)) {
            std::uint32_t edge = 0;
            (void)window_field(&edge);
            const wire::seq32 right = t.ack + edge;
            rcv_adv_ = wire::seq_max(rcv_adv_, right);
        } else {
            rcv_adv_ = wire::seq_max(rcv_adv_, t.ack + t.window);
        }
    }
    const std::uint32_t payload = static_cast<std::uint32_t>(seg.payload_len());
    const wire::seq32 end = t.seq + seg.segment_len();
    switch (kind) {
        case tx_kind::syn:
            if (!syn_due_) {
                break;
            }
            syn_due_ = false;
            snd_nxt_ = wire::seq_max(snd_nxt_, iss_ + 1U);
            snd_max_ = wire::seq_max(snd_max_, iss_ + 1U);
            if (rto_count_ == 0) {
                rtt_start_ = now;
            }
            arm_rto(now);
            break;
        case tx_kind::data: {
            probe_due_ = false;
            const bool retransmission = t.seq.before(snd_max_);
            snd_nxt_ = end;
            if (end.after(snd_max_)) {
                snd_max_ = end;
            }
            stats_.bytes_sent += payload;
            if (retransmission) {
                ++stats_.retransmits;
                stats_.bytes_retransmitted += payload;
                rtt_seq_.reset();  // Karn (RFC 6298 §3)
            } else if (!rtt_seq_ && !neg_.timestamps) {
                rtt_seq_ = end;
                rtt_start_ = now;
            }
            if (payload > 0) {
                last_data_send_ = now;
            }
            if (!progress_since_) {
                progress_since_ = now;
            }
            arm_rto(now);
            break;
        }
        case tx_kind::retransmit:
            rtx_due_ = false;
            high_rxt_ = wire::seq_max(high_rxt_, end);
            ++stats_.retransmits;
            stats_.bytes_sent += payload;
            stats_.bytes_retransmitted += payload;
            rtt_seq_.reset();
            arm_rto(now);
            break;
        case tx_kind::probe:
            probe_due_ = false;
            snd_max_ = wire::seq_max(snd_max_, end);
            stats_.bytes_sent += payload;
            ++persist_count_;
            persist_at_ =
                now + std::min(rtt_.rto() * (1U << std::min(persist_count_, 10U)), cfg_.rto.max);
            break;
        case tx_kind::keepalive:
            keepalive_due_ = false;
            break;
        default:
            break;
    }
}

void connection::update_timers(instant now) {
    // Persist (RFC 9293 §3.8.6.1): runs while data waits, nothing is in flight and the peer's
    // window is too small for any of it.
    // Also when the window is open but too small for the sender SWS rule (RFC 9293
    // §3.8.6.2.1 override timeout): with nothing in flight, only the window can hold data back.
    const std::uint32_t unsent =
        send_end().after(snd_nxt_) ? static_cast<std::uint32_t>(send_end() - snd_nxt_) : 0U;
    const bool waiting = unsent > 0 && snd_nxt_ == snd_una_ && is_synchronized(state_) &&
                         snd_wnd_ < std::min(unsent, std::uint32_t{neg_.send_mss});
    if (!waiting) {
        persist_at_.reset();
        persist_count_ = 0;
    } else if (!persist_at_) {
        persist_at_ = now + rtt_.rto();
    }
    if (!waiting && snd_una_ == snd_max_ && rto_at_ && state_ != tcp_state::syn_sent &&
        state_ != tcp_state::syn_received) {
        rto_at_.reset();
    }
}

void connection::on_timer_rto(instant now) {
    rto_at_.reset();
    ++stats_.rto_expirations;
    ++rto_count_;
    const bool handshake = state_ == tcp_state::syn_sent || state_ == tcp_state::syn_received;
    if (rto_count_ > (handshake ? cfg_.syn_retries : cfg_.data_retries)) {
        enter_closed(make_error_code(tcp_errc::timed_out));
        return;
    }
    // RFC 6298 §5.5: "The host MUST set RTO <- RTO * 2 ("back off the timer")".
    rtt_.on_timeout();
    rtt_seq_.reset();
    ts_rto_floor_ = ts_now(now);
    if (handshake) {
        syn_due_ = true;
    } else {
        // RFC 6298 §5.4: "Retransmit the earliest segment that has not been acknowledged".
        // Go back N: everything after SND.UNA is sent again as cwnd reopens.
        cc_.on_rto(now, flight_size());
        snd_nxt_ = snd_una_;
        in_recovery_ = false;
        dupacks_ = 0;
        rtx_due_ = false;
        // RFC 6582 §3.2 step 1 spirit: no fast retransmit for data sent before the timeout.
        recover_ = snd_max_;
        if (neg_.sack && (rto_count_ > 1 || sacks_.is_sacked(snd_una_))) {
            // RFC 2018 §8: "after a retransmit timeout the data sender SHOULD turn off all of
            // the SACKed bits" (the receiver may have reneged). RFC 6675 §5.1 notes that the
            // information may be kept "as long as robust tests for reneging are present" and
            // that the sender "SHOULD utilize all SACK information made available during the
            // loss recovery following an RTO". We keep it across a timeout (go-back-N then
            // skips SACKed data) unless the receiver shows it reneged: SND.UNA reached data it
            // had SACKed without covering it, or a second timeout in a row passed without
            // progress. A reneging receiver so costs one extra RTO, never a stall.
            sacks_.reset(snd_una_);
        }
    }
    // RFC 6298 §5.6: "Start the retransmission timer, such that it expires after RTO".
    rto_at_ = now + rtt_.rto();
}

void connection::on_timers(instant now) {
    if (time_wait_at_ && now >= *time_wait_at_) {
        // RFC 9293 §3.10.8: "If the time-wait timeout expires on a connection, delete the TCB,
        // enter the CLOSED state".
        enter_closed(std::nullopt);
        return;
    }
    if (progress_since_ && now - *progress_since_ >= cfg_.user_timeout) {
        // RFC 5482 / RFC 9293 §3.8.3: data unacknowledged for USER TIMEOUT ends the connection.
        enter_closed(make_error_code(tcp_errc::timed_out));
        return;
    }
    if (delayed_ack_at_ && now >= *delayed_ack_at_) {
        delayed_ack_at_.reset();
        ack_now_ = true;
    }
    if (rto_at_ && now >= *rto_at_) {
        on_timer_rto(now);
        if (state_ == tcp_state::closed) {
            return;
        }
    }
    update_timers(now);
    if (persist_at_ && now >= *persist_at_) {
        persist_at_.reset();
        probe_due_ = true;
    }
    if (keepalive_at_ && now >= *keepalive_at_) {
        const bool idle = snd_una_ == snd_max_ && !send_end().after(snd_nxt_);
        if (!idle) {
            keepalive_at_ = now + cfg_.keepalive->idle;
        } else if (keepalive_sent_ >= cfg_.keepalive->probes) {
            // RFC 1122 §4.2.3.6: the connection is dead after unanswered probes.
            enter_closed(make_error_code(tcp_errc::timed_out));
            return;
        } else {
            ++keepalive_sent_;
            keepalive_due_ = true;
            keepalive_at_ = now + cfg_.keepalive->interval;
        }
    }
    // RFC 5681 §4.1: restart window after an idle period longer than RTO.
    if (snd_una_ == snd_max_ && send_end().after(snd_nxt_) && is_synchronized(state_) &&
        now - last_data_send_ > rtt_.rto()) {
        cc_.on_idle(now, now - last_data_send_, rtt_.rto());
        last_data_send_ = now;
    }
    on_idle_timer(now);
}

std::optional<instant> connection::next_deadline() const {
    std::optional<instant> best;
    auto consider = [&](std::optional<instant> t) {
        if (t && (!best || *t < *best)) {
            best = t;
        }
    };
    consider(rto_at_);
    consider(delayed_ack_at_);
    consider(persist_at_);
    consider(keepalive_at_);
    consider(time_wait_at_);
    consider(idle_deadline());
    if (progress_since_) {
        consider(*progress_since_ + cfg_.user_timeout);
    }
    return best;
}

}  // namespace netrig::core::tcp
