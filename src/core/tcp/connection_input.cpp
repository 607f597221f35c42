// SPDX-License-Identifier: MIT
// core/tcp: RFC 9293 §3.10.7 SEGMENT ARRIVES for a connection (SYN-SENT and the states after
// it), with RFC 5961 challenge ACKs, RFC 7323 PAWS, SACK and loss detection on ACKs.
#include <algorithm>
#include <array>

#include "core/tcp/connection.hpp"
#include "core/tcp/tcp_error.hpp"

namespace netrig::core::tcp {

namespace {

constexpr bool has(std::uint8_t flags, std::uint8_t bit) {
    return (flags & bit) != 0;
}

// RFC 7323 §5.5: a TS.Recent older than 24 days is no longer valid for PAWS.
constexpr duration paws_idle_max = std::chrono::hours{24 * 24};

}  // namespace

void connection::apply_handshake_options(instant now, const wire::tcp::options& peer) {
    neg_ = negotiate(cfg_, syn_sent_options_, peer);
    peer_mss_limit_ = neg_.send_mss;
    if (neg_.timestamps) {
        ts_recent_ = peer.ts->value;
        ts_recent_time_ = now;
    }
    cc_ = congestion_control(cfg_.cc, neg_.send_mss, now);
}

void connection::on_segment(instant now, const segment_in& seg) {
    ++stats_.segments_in;
    last_recv_ = now;
    switch (state_) {
        case tcp_state::closed:
        case tcp_state::listen:
            // A CLOSED connection has no TCB; the interface answers for it (§3.10.7.1).
            return;
        case tcp_state::syn_sent:
            on_segment_syn_sent(now, seg);
            break;
        default:
            on_segment_synchronized(now, seg);
            break;
    }
    if (cfg_.keepalive && is_synchronized(state_) && state_ != tcp_state::time_wait) {
        // RFC 1122 §4.2.3.6: keepalives are sent only after an idle interval; any segment
        // from the peer proves it alive.
        keepalive_at_ = now + cfg_.keepalive->idle;
        keepalive_sent_ = 0;
    }
    update_timers(now);
}

void connection::on_segment_syn_sent(instant now, const segment_in& seg) {
    const auto& t = seg.tcp;
    const bool ack = has(t.flags, wire::tcp::flag::ack);
    const bool rst = has(t.flags, wire::tcp::flag::rst);
    // RFC 9293 §3.10.7.3 first: "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless
    // the RST bit is set, if so drop the segment and return) <SEQ=SEG.ACK><CTL=RST>".
    if (ack && (t.ack.before_eq(iss_) || t.ack.after(snd_max_))) {
        if (!rst) {
            reply_rst(t);
        }
        return;
    }
    if (rst) {
        // RFC 9293 §3.10.7.3 second: "If the ACK was acceptable, then signal to the user
        // 'error: connection reset', drop the segment, enter CLOSED state ... Otherwise (no
        // ACK), drop the segment". RFC 5961 §3.2 keeps this: the ACK must cover our SYN.
        if (ack) {
            enter_closed(make_error_code(tcp_errc::connection_refused));
        }
        return;
    }
    if (!has(t.flags, wire::tcp::flag::syn)) {
        return;  // §3.10.7.3 fifth: "If neither of the SYN or RST bits is set, drop"
    }
    // §3.10.7.3 fourth: "RCV.NXT is set to SEG.SEQ+1, IRS is set to SEG.SEQ."
    irs_ = t.seq;
    apply_handshake_options(now, t.options);
    snd_wnd_ = t.window;  // RFC 7323 §2.2: a SYN's window is never scaled
    max_snd_wnd_ = snd_wnd_;
    snd_wl1_ = t.seq;
    rcv_adv_ =
        rcv_nxt() + std::min<std::uint32_t>(static_cast<std::uint32_t>(recv_.free()), 0xffffU);
    if (ack) {
        // "SND.UNA should be advanced to equal SEG.ACK ... If SND.UNA > ISS (our SYN has been
        // ACKed), change the connection state to ESTABLISHED, form an ACK segment
        // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it."
        snd_una_ = t.ack;
        snd_wl2_ = t.ack;
        if (neg_.timestamps && t.options.ts->echo != 0) {
            rtt_.on_sample(std::chrono::milliseconds{ts_now(now) - t.options.ts->echo});
        } else if (rto_count_ == 0) {
            rtt_.on_sample(now - rtt_start_);  // Karn: the SYN was sent once
        }
        if (rto_count_ > 0) {
            // RFC 6298 §5.7: the SYN timed out, so "the RTO MUST be re-initialized to 3
            // seconds when data transmission begins" (unless a timestamp gave a sample).
            rtt_.on_handshake_after_syn_timeout();
        }
        // SYN retransmissions do not count against data_retries.
        rto_count_ = 0;
        rtt_seq_.reset();
        enter_established(now);
        ack_now_ = true;
        return;
    }
    // "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
    // and send it." (simultaneous open)
    state_ = tcp_state::syn_received;
    snd_wl2_ = iss_;
    syn_due_ = true;
}

bool connection::on_segment_acceptable(const wire::tcp::repr& t) const {
    // RFC 9293 §3.10.7.4 first, the acceptability table:
    //   len 0, wnd 0: SEG.SEQ = RCV.NXT
    //   len 0, wnd>0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
    //   len>0, wnd 0: not acceptable
    //   len>0, wnd>0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND or
    //                 RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND
    const wire::seq32 nxt = rcv_nxt();
    const std::uint32_t wnd = static_cast<std::uint32_t>(std::max<std::int32_t>(0, rcv_adv_ - nxt));
    const std::uint32_t len = t.segment_len();
    if (len == 0) {
        return wnd == 0 ? t.seq == nxt : t.seq.in_window(nxt, wnd);
    }
    if (wnd == 0) {
        return false;
    }
    return t.seq.in_window(nxt, wnd) || (t.seq + (len - 1)).in_window(nxt, wnd);
}

void connection::on_segment_synchronized(instant now, const segment_in& seg) {
    const auto& t = seg.tcp;
    const bool rst = has(t.flags, wire::tcp::flag::rst);
    const bool syn = has(t.flags, wire::tcp::flag::syn);
    const bool fin = has(t.flags, wire::tcp::flag::fin);
    if (state_ == tcp_state::syn_received && syn && !has(t.flags, wire::tcp::flag::ack) && !rst &&
        t.seq == irs_) {
        // The peer did not get our SYN-ACK and repeats its SYN: send the SYN-ACK again.
        syn_due_ = true;
        return;
    }
    // RFC 7323 §5.3 R1: "If there is a Timestamps option in the arriving segment, SEG.TSval <
    // TS.Recent, TS.Recent is valid (see later discussion), and the RST bit is not set, then
    // treat the arriving segment as not acceptable: Send an acknowledgment in reply ... and
    // drop the segment."
    if (neg_.timestamps && t.options.ts && !rst &&
        static_cast<std::int32_t>(t.options.ts->value - ts_recent_) < 0 &&
        now - ts_recent_time_ <= paws_idle_max) {
        ++stats_.paws_drops;
        ack_now_ = true;
        return;
    }
    if (!on_segment_acceptable(t)) {
        ++stats_.unacceptable;
        // RFC 9293 §3.10.7.4 first: "If an incoming segment is not acceptable, an
        // acknowledgment should be sent in reply (unless the RST bit is set, if so drop the
        // segment and return)".
        if (!rst) {
            ack_now_ = true;
            if (state_ == tcp_state::time_wait && fin) {
                enter_time_wait(now);  // a retransmitted FIN restarts the 2 MSL timeout
            }
        }
        return;
    }
    // RFC 7323 §4.3 (3): "If SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent then SEG.TSval
    // is copied to TS.Recent".
    if (neg_.timestamps && t.options.ts && t.seq.before_eq(last_ack_sent_) &&
        static_cast<std::int32_t>(t.options.ts->value - ts_recent_) >= 0) {
        ts_recent_ = t.options.ts->value;
        ts_recent_time_ = now;
    }
    if (rst) {
        on_segment_rst(t, now);
        return;
    }
    if (syn) {
        if (state_ == tcp_state::syn_received && passive_) {
            // RFC 9293 §3.10.7.4 fourth (SYN-RECEIVED): "If the connection was initiated with a
            // passive OPEN, then return this connection to the LISTEN state and return." The
            // listener keeps listening; this connection is done.
            enter_closed(std::nullopt);
            return;
        }
        // RFC 5961 §4.2 / RFC 9293 §3.10.7.4 fourth: "If the SYN bit is set, irrespective of
        // the sequence number, TCP endpoints MUST send a 'challenge ACK' to the remote peer".
        challenge_ack(now);
        return;
    }
    // RFC 9293 §3.10.7.4 fifth: "if the ACK bit is off, drop the segment and return".
    if (!has(t.flags, wire::tcp::flag::ack)) {
        return;
    }
    if (state_ == tcp_state::syn_received) {
        // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and continue
        // processing ... If the segment acknowledgment is not acceptable, form a reset segment
        // <SEQ=SEG.ACK><CTL=RST> and send it."
        if (!(snd_una_.before(t.ack) && t.ack.before_eq(snd_max_))) {
            reply_rst(t);
            return;
        }
        if (!neg_.timestamps || !t.options.ts || t.options.ts->echo == 0) {
            if (rto_count_ == 0) {
                rtt_.on_sample(now - rtt_start_);  // Karn: the SYN-ACK was sent once
            }
        } else {
            rtt_.on_sample(std::chrono::milliseconds{ts_now(now) - t.options.ts->echo});
        }
        if (rto_count_ > 0) {
            // RFC 6298 §5.7: the SYN-ACK timed out; RTO 3 s when data starts (no sample).
            rtt_.on_handshake_after_syn_timeout();
        }
        rtt_seq_.reset();
        snd_una_ = t.ack;
        // "SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK"
        snd_wnd_ = std::uint32_t{t.window} << neg_.send_shift;
        max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
        snd_wl1_ = t.seq;
        snd_wl2_ = t.ack;
        rto_count_ = 0;
        rto_at_.reset();
        enter_established(now);
    }
    if (!on_segment_ack(now, t)) {
        return;
    }
    switch (state_) {
        case tcp_state::fin_wait_1:
            // "if the FIN segment is now acknowledged, then enter FIN-WAIT-2".
            if (fin_acked()) {
                state_ = tcp_state::fin_wait_2;
            }
            break;
        case tcp_state::closing:
            // "if the ACK acknowledges our FIN, then enter the TIME-WAIT state".
            if (fin_acked()) {
                enter_time_wait(now);
            }
            break;
        case tcp_state::last_ack:
            // "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state".
            if (fin_acked()) {
                enter_closed(std::nullopt);
                return;
            }
            break;
        default:
            break;
    }
    // Seventh, segment text.
    if (!t.payload.empty()) {
        if (read_closed_) {
            // RFC 1122 §4.2.2.13: data arriving after CLOSE "SHOULD" cause a RST.
            abort();
            return;
        }
        if (state_ == tcp_state::established || state_ == tcp_state::fin_wait_1 ||
            state_ == tcp_state::fin_wait_2) {
            on_segment_text(now, t);
        }
        // CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: "This should not occur since a FIN has
        // been received from the remote side. Ignore the segment text."
    }
    // Eighth, FIN. Remember where it is (it may arrive ahead of missing data) and act on it
    // once everything before it is in.
    if (fin && !fin_received_) {
        const wire::seq32 at = t.seq + static_cast<std::uint32_t>(t.payload.size());
        if (at.before_eq(rcv_adv_)) {
            fin_seq_ = at;
        }
    }
    if (fin_seq_ && !fin_received_ && rcv_nxt() == *fin_seq_) {
        on_segment_fin(now);
    } else if (fin && fin_received_ && state_ == tcp_state::time_wait) {
        // TIME-WAIT: "Acknowledge it, and restart the 2 MSL timeout."
        ack_now_ = true;
        enter_time_wait(now);
    }
}

void connection::on_segment_rst(const wire::tcp::repr& t, instant now) {
    // RFC 5961 §3.2: "If the RST bit is set and the sequence number exactly matches the next
    // expected sequence number (RCV.NXT), then TCP MUST reset the connection ... Otherwise (the
    // sequence number is in window but not RCV.NXT) TCP MUST send an acknowledgment (challenge
    // ACK)".
    if (t.seq != rcv_nxt()) {
        challenge_ack(now);
        return;
    }
    switch (state_) {
        case tcp_state::syn_received:
            // RFC 9293 §3.10.7.4 second: passive OPEN returns to LISTEN (the listener still
            // listens; this TCB goes); active OPEN: "connection refused".
            enter_closed(passive_ ? std::nullopt
                                  : std::optional{make_error_code(tcp_errc::connection_refused)});
            break;
        case tcp_state::established:
        case tcp_state::fin_wait_1:
        case tcp_state::fin_wait_2:
        case tcp_state::close_wait:
            // "any outstanding RECEIVEs and SEND should receive 'reset' responses ... enter
            // the CLOSED state".
            enter_closed(make_error_code(tcp_errc::connection_reset));
            break;
        default:
            // CLOSING, LAST-ACK, TIME-WAIT: "enter the CLOSED state, delete the TCB".
            enter_closed(std::nullopt);
            break;
    }
}

void connection::challenge_ack(instant now) {
    // RFC 5961 §7: "implementations SHOULD include an ACK throttling mechanism". The limit is
    // per connection (a global limit is itself a side channel, CVE-2016-5696).
    const auto second = static_cast<std::uint64_t>(now.since_zero() / std::chrono::seconds{1});
    if (second != challenge_window_ms_) {
        challenge_window_ms_ = second;
        challenge_count_ = 0;
    }
    if (challenge_count_ >= cfg_.challenge_acks_per_second) {
        ++stats_.challenge_acks_suppressed;
        return;
    }
    ++challenge_count_;
    ++stats_.challenge_acks;
    ack_now_ = true;
}

void connection::reply_rst(const wire::tcp::repr& t) {
    // RFC 9293 §3.10.7: "If the incoming segment has an ACK field, the reset takes its sequence
    // number from the ACK field of the segment, otherwise the reset has sequence number zero and
    // the ACK field is set to the sum of the sequence number and segment length".
    rst_pending_ = true;
    if (has(t.flags, wire::tcp::flag::ack)) {
        rst_seq_ = t.ack;
        rst_ack_.reset();
    } else {
        rst_seq_ = wire::seq32{0};
        rst_ack_ = t.seq + t.segment_len();
    }
}

bool connection::on_segment_ack(instant now, const wire::tcp::repr& t) {
    // RFC 5961 §5.2: "The ACK value is considered acceptable only if it is in the range of
    // ((SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT). All incoming segments whose ACK value
    // doesn't satisfy the above condition MUST be discarded and an ACK sent back."
    const std::uint32_t max_wnd = std::min<std::uint32_t>(max_snd_wnd_, 0x7fffffffU);
    if (t.ack.after(snd_max_) || t.ack.before(snd_una_ - max_wnd)) {
        challenge_ack(now);
        return false;
    }
    const std::uint32_t flight_before = flight_size();
    const std::uint32_t old_wnd = snd_wnd_;
    std::uint32_t acked = 0;
    std::optional<duration> sample;
    if (t.ack.after(snd_una_)) {
        // "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK. Any segments on the
        // retransmission queue that are thereby entirely acknowledged are removed."
        acked = static_cast<std::uint32_t>(t.ack - snd_una_);
        if (t.ack.after(data_base_)) {
            const auto data =
                std::min<std::size_t>(static_cast<std::uint32_t>(t.ack - data_base_), send_.size());
            send_.consume(data);
            data_base_ += static_cast<std::uint32_t>(data);
            stats_.bytes_acked += data;
        }
        snd_una_ = t.ack;
        if (snd_nxt_.before(snd_una_)) {
            snd_nxt_ = snd_una_;
        }
        // RTT: RFC 7323 §4.1 from the echoed timestamp, else RFC 6298 §3 (Karn) from the one
        // timed, never-retransmitted segment.
        if (neg_.timestamps && t.options.ts && t.options.ts->echo != 0) {
            const std::uint32_t ms = ts_now(now) - t.options.ts->echo;
            // An echo from before the last timeout is the original transmission of data we
            // sent again: per RFC 7323 §4.3 the peer echoes it when our retransmission is a
            // duplicate, so the sample would include the whole timeout (and feed back into a
            // longer one). Karn's rule in spirit (RFC 6298 §3): no sample across a timeout.
            const bool before_rto =
                static_cast<std::int32_t>(t.options.ts->echo - ts_rto_floor_) < 0;
            if (ms < 0x7fffffffU && !before_rto) {
                sample = std::chrono::milliseconds{ms};
            }
        } else if (rtt_seq_ && t.ack.after_eq(*rtt_seq_)) {
            sample = now - rtt_start_;
            rtt_seq_.reset();
        }
        if (sample) {
            rtt_.on_sample(*sample);
        }
        rtt_.reset_backoff();
        rto_count_ = 0;
        // RFC 6298 §5.2: "When all outstanding data has been acknowledged, turn off the
        // retransmission timer." §5.3: "When an ACK is received that acknowledges new data,
        // restart the retransmission timer".
        if (snd_una_ == snd_max_) {
            rto_at_.reset();
            progress_since_.reset();
        } else {
            rto_at_ = now + rtt_.rto();
            progress_since_ = now;
        }
    } else if (snd_wnd_ == 0) {
        rto_count_ = 0;  // the peer answers our zero-window probes: it is alive
    }
    on_segment_ack_window(t);
    if (neg_.sack) {
        std::array<seq_range, wire::tcp::max_sack_blocks> blocks{};
        const std::size_t n = std::min<std::size_t>(t.options.sack_count, blocks.size());
        for (std::size_t i = 0; i < n; ++i) {
            blocks[i] = seq_range{t.options.sack_blocks[i].left, t.options.sack_blocks[i].right};
        }
        (void)sacks_.on_ack(snd_una_, snd_max_, std::span<const seq_range>(blocks.data(), n));
    }
    // RFC 5681 §2 DUPLICATE ACKNOWLEDGMENT: outstanding data, no data, no SYN/FIN, ACK equal
    // to SND.UNA, and the same window.
    const bool dupack =
        acked == 0 && t.ack == snd_una_ && snd_nxt_ != snd_una_ && t.payload.empty() &&
        !has(t.flags, wire::tcp::flag::syn | wire::tcp::flag::fin) && snd_wnd_ == old_wnd;
    on_segment_ack_recovery(now, t, acked, flight_before, dupack, sample);
    return true;
}

void connection::on_segment_ack_window(const wire::tcp::repr& t) {
    // RFC 9293 §3.10.7.4 fifth: "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be
    // updated. If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set
    // SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK."
    if (t.ack.before(snd_una_)) {
        return;
    }
    if (snd_wl1_.before(t.seq) || (snd_wl1_ == t.seq && snd_wl2_.before_eq(t.ack))) {
        // RFC 7323 §2.3: windows in non-SYN segments are shifted by the peer's scale.
        snd_wnd_ = std::uint32_t{t.window} << neg_.send_shift;
        max_snd_wnd_ = std::max(max_snd_wnd_, snd_wnd_);
        snd_wl1_ = t.seq;
        snd_wl2_ = t.ack;
    }
}

void connection::on_segment_ack_recovery(instant now, const wire::tcp::repr& t, std::uint32_t acked,
                                         std::uint32_t flight_before, bool dupack,
                                         std::optional<duration> rtt_sample) {
    const std::uint32_t mss = neg_.send_mss;
    if (in_recovery_) {
        if (acked > 0) {
            if (t.ack.after_eq(recover_)) {
                // RFC 6582 §3.2 step 3 (full acknowledgment): leave fast recovery and deflate.
                in_recovery_ = false;
                dupacks_ = 0;
                cc_.on_exit_recovery(now);
            } else {
                // RFC 6582 §3.2 step 4 (partial acknowledgment): "retransmit the first
                // unacknowledged segment". With SACK, NextSeg (RFC 6675) picks it.
                rtx_due_ = !neg_.sack;
                high_rxt_ = wire::seq_max(high_rxt_, snd_una_);
                // Deflate the dupack inflation by what the ACK covered.
                dupacks_ -= std::min(dupacks_, acked / mss);
            }
        } else if (dupack) {
            ++dupacks_;  // RFC 6582 §3.2 step 4 inflation (used by pipe() without SACK)
        }
        return;
    }
    if (acked > 0) {
        dupacks_ = 0;
        const bool unsent = snd_nxt_.before(send_end());
        ack_event ev;
        ev.now = now;
        ev.bytes_acked = acked;
        ev.bytes_in_flight = flight_before;
        // RFC 9438 §4.2 aims at W_cubic(t + RTT): give CUBIC this ACK's Karn-safe sample, or
        // the smoothed RTT when the ACK gave none.
        ev.rtt = rtt_sample ? rtt_sample : rtt_.srtt();
        // Not cwnd-limited: nothing more to send, or the peer's window was the limit.
        ev.app_limited = !unsent && flight_before + mss <= cc_.cwnd();
        cc_.on_ack(ev);
        return;
    }
    if (!dupack && !(neg_.sack && snd_nxt_ != snd_una_)) {
        return;
    }
    if (dupack) {
        ++dupacks_;
    }
    // RFC 5681 §3.2 (three duplicate ACKs) or RFC 6675 §5 (IsLost(HighACK + 1) by SACK).
    const bool lost = dupacks_ >= 3 || (neg_.sack && sacks_.is_lost(snd_una_, mss));
    // RFC 6582 §3.2 step 2: enter recovery only if "the Cumulative Acknowledgment field covers
    // more than recover", so one window's losses cause one reduction.
    if (lost && t.ack.after(recover_)) {
        in_recovery_ = true;
        recover_ = snd_max_;
        high_rxt_ = snd_una_;
        rtx_due_ = true;
        ++stats_.fast_retransmits;
        cc_.on_enter_recovery(now, flight_before);
        rtt_seq_.reset();
    }
}

void connection::on_segment_text(instant now, const wire::tcp::repr& t) {
    // RFC 9293 §3.10.7.4 seventh: "Once in the ESTABLISHED state, it is possible to deliver
    // segment data to user RECEIVE buffers." Data before RCV.NXT was already received.
    const wire::seq32 nxt = rcv_nxt();
    bytes data = t.payload;
    std::int32_t off = t.seq - nxt;
    if (off < 0) {
        const auto skip = static_cast<std::size_t>(-static_cast<std::int64_t>(off));
        if (skip >= data.size()) {
            ack_now_ = true;
            return;
        }
        data = data.subspan(skip);
        off = 0;
    }
    rcv_mss_ = std::max(rcv_mss_, static_cast<std::uint32_t>(t.payload.size()));
    const bool had_holes = !recv_.out_of_order().empty();
    const std::size_t advanced =
        recv_.insert(stream_pos(nxt) + static_cast<std::uint32_t>(off), data);
    if (advanced == 0) {
        // RFC 5681 §4.2: "A TCP receiver SHOULD send an immediate duplicate ACK when an
        // out-of-order segment arrives."
        ++stats_.ooo_segments;
        ack_now_ = true;
        return;
    }
    stats_.bytes_received += advanced;
    unacked_bytes_ += static_cast<std::uint32_t>(advanced);
    if (had_holes) {
        // RFC 5681 §4.2: "A TCP receiver SHOULD send an immediate ACK when the incoming segment
        // fills in all or part of a gap in the sequence space."
        ack_now_ = true;
    } else if (quickack_left_ > 0) {
        --quickack_left_;
        ack_now_ = true;
    } else if (unacked_bytes_ >= 2 * rcv_mss_) {
        // RFC 9293 §3.8.6.3: "an ACK SHOULD be generated for at least every second full-sized
        // segment".
        ack_now_ = true;
    } else if (!delayed_ack_at_) {
        // RFC 9293 §3.8.6.3: "the delay MUST be less than 0.5 seconds" (cfg: 40 ms).
        delayed_ack_at_ = now + cfg_.delayed_ack;
    }
    on_segment_auto_tune(now);
}

void connection::on_segment_auto_tune(instant now) {
    // Dynamic right-sizing: if in one RTT the peer delivered at least half of the buffer while
    // the application kept reading (so the window stayed open), the window limits throughput:
    // double the buffer, up to its maximum.
    if (recv_.capacity() >= recv_.max()) {
        return;
    }
    const duration period = std::max(rtt_.srtt().value_or(std::chrono::milliseconds{100}),
                                     duration{std::chrono::milliseconds{1}});
    if (now - drs_start_ < period) {
        return;
    }
    const std::uint64_t delivered = recv_.ready_end() - drs_start_pos_;
    if (delivered * 2 >= recv_.capacity()) {
        recv_.grow(recv_.capacity() * 2);
    }
    drs_start_ = now;
    drs_start_pos_ = recv_.ready_end();
}

void connection::on_segment_fin(instant now) {
    // RFC 9293 §3.10.7.4 eighth: "advance RCV.NXT over the FIN, and send an acknowledgment for
    // the FIN."
    fin_received_ = true;
    ack_now_ = true;
    switch (state_) {
        case tcp_state::syn_received:
        case tcp_state::established:
            state_ = tcp_state::close_wait;  // "Enter the CLOSE-WAIT state."
            break;
        case tcp_state::fin_wait_1:
            // "If our FIN has been ACKed (perhaps in this segment), then enter TIME-WAIT ...
            // otherwise, enter the CLOSING state."
            if (fin_acked()) {
                enter_time_wait(now);
            } else {
                state_ = tcp_state::closing;
            }
            break;
        case tcp_state::fin_wait_2:
            enter_time_wait(now);  // "Enter the TIME-WAIT state."
            break;
        default:
            break;
    }
}

void connection::enter_established(instant now) {
    state_ = tcp_state::established;
    established_once_ = true;
    sacks_.reset(snd_una_);
    // RFC 6582 §3.2 step 1: "When the TCP connection is established, set recover to the
    // initial send sequence number" (so the first window's loss can start recovery).
    recover_ = iss_;
    high_rxt_ = snd_una_;
    quickack_left_ = cfg_.quickack_segments;
    drs_start_ = now;
    drs_start_pos_ = recv_.ready_end();
    if (cfg_.keepalive) {
        keepalive_at_ = now + cfg_.keepalive->idle;
    }
    if (snd_una_ == snd_max_) {
        rto_at_.reset();
    }
    if (fin_queued_) {
        state_ = tcp_state::fin_wait_1;  // CLOSE was queued in SYN-SENT/SYN-RECEIVED
    }
}

void connection::enter_time_wait(instant now) {
    // RFC 9293 §3.10.7.4: "Start the time-wait timer, turn off the other timers." 2 MSL.
    state_ = tcp_state::time_wait;
    time_wait_at_ = now + 2 * cfg_.msl;
    rto_at_.reset();
    persist_at_.reset();
    keepalive_at_.reset();
    delayed_ack_at_.reset();
    progress_since_.reset();
}

}  // namespace netrig::core::tcp
