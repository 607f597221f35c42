// SPDX-License-Identifier: MIT
// core/tcp: connection construction, the user calls of RFC 9293 §3.10.1-§3.10.5 (OPEN, SEND,
// RECEIVE, CLOSE, ABORT) and status. Segment processing is in connection_input.cpp, segment
// generation and timers in connection_output.cpp.
#include "core/tcp/connection.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/tcp/listener.hpp"
#include "core/tcp/tcp_error.hpp"

namespace netrig::core::tcp {

connection::connection(instant now, const conn_config& cfg, const open_params& params)
    : tuple_(params.tuple),
      cfg_(cfg),
      iss_(params.iss),
      snd_una_(params.iss),
      snd_nxt_(params.iss),
      snd_max_(params.iss),
      data_base_(params.iss + 1),
      offered_shift_(cfg.window_scaling ? window_shift_for(cfg.recv_buffer_max) : 0),
      ts_offset_(params.ts_offset),
      ts_recent_time_(now),
      send_(cfg.send_buffer_initial, cfg.send_buffer_max),
      recv_(cfg.recv_buffer_initial, cfg.recv_buffer_max, cfg.ooo_ranges_max),
      last_send_(now),
      last_recv_(now),
      rtt_(cfg.rto),
      cc_(cfg.cc, default_mss_ipv4, now),
      recover_(params.iss),
      high_rxt_(params.iss),
      drs_start_(now),
      last_data_send_(now) {
    NETRIG_ASSERT(cfg.mss >= 64);
    NETRIG_ASSERT(cfg.challenge_acks_per_second > 0);
    idle_.last_activity = now;
}

connection connection::open_active(instant now, const conn_config& cfg, const open_params& params) {
    connection c{now, cfg, params};
    // RFC 9293 §3.10.1 OPEN (active): "a SYN segment of the form <SEQ=ISS><CTL=SYN> is sent.
    // Set SND.UNA to ISS, SND.NXT to ISS+1, enter SYN-SENT state".
    c.state_ = tcp_state::syn_sent;
    c.syn_sent_options_ = syn_options(cfg, c.offered_shift_, c.ts_now(now));
    c.syn_due_ = true;
    return c;
}

connection connection::from_syn(instant now, const conn_config& cfg, const segment_in& syn,
                                const open_params& params) {
    const auto& t = syn.tcp;
    NETRIG_ASSERT((t.flags & wire::tcp::flag::syn) != 0);
    NETRIG_ASSERT((t.flags & (wire::tcp::flag::ack | wire::tcp::flag::rst)) == 0);
    connection c{now, cfg, params};
    c.passive_ = true;
    // RFC 9293 §3.10.7.2 LISTEN, SYN: "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ...
    // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> ... the connection state should be changed to
    // SYN-RECEIVED". Data on the SYN is not kept (no TCP Fast Open): it is not acknowledged,
    // so the peer sends it again.
    c.irs_ = t.seq;
    c.state_ = tcp_state::syn_received;
    c.syn_sent_options_ = syn_ack_options(cfg, t.options, c.offered_shift_, c.ts_now(now));
    c.apply_handshake_options(now, t.options);
    if (c.neg_.timestamps) {
        c.ts_recent_ = t.options.ts->value;
        c.ts_recent_time_ = now;
    }
    // RFC 7323 §2.2: "The Window field in a SYN (i.e., a <SYN> or <SYN,ACK>) segment itself is
    // never scaled."
    c.snd_wnd_ = t.window;
    c.max_snd_wnd_ = c.snd_wnd_;
    c.snd_wl1_ = t.seq;
    c.snd_wl2_ = c.iss_;
    c.rcv_adv_ = c.rcv_nxt();
    c.last_ack_sent_ = c.rcv_nxt();
    c.syn_due_ = true;
    return c;
}

connection connection::from_handshake(instant now, const conn_config& cfg, const handshake& hs) {
    connection c{now, cfg, open_params{hs.tuple, hs.iss, hs.ts_offset}};
    c.passive_ = true;
    c.irs_ = hs.irs;
    // Rebuild both SYNs' options from what the listener kept, so negotiate() applies the same
    // rules as for from_syn() (MSS clamp, shift cap, timestamp overhead).
    wire::tcp::options ours;
    ours.mss = cfg.mss;
    ours.window_scale = hs.window_scale;
    ours.sack_permitted = hs.sack_permitted;
    wire::tcp::options peer;
    peer.mss = hs.peer_mss;
    peer.window_scale = hs.peer_window_scale;
    peer.sack_permitted = hs.sack_permitted;
    if (hs.timestamps) {
        ours.ts = wire::tcp::timestamps{};
        peer.ts = wire::tcp::timestamps{hs.ts_recent, 0};
    }
    c.syn_sent_options_ = ours;
    c.apply_handshake_options(now, peer);
    // The SYN-ACK was acknowledged: SND.UNA = SND.NXT = ISS + 1.
    c.snd_una_ = hs.iss + 1U;
    c.snd_nxt_ = c.snd_una_;
    c.snd_max_ = c.snd_una_;
    c.snd_wnd_ = std::uint32_t{hs.ack_window} << c.neg_.send_shift;
    c.max_snd_wnd_ = std::max<std::uint32_t>(c.snd_wnd_, hs.syn_window);
    c.snd_wl1_ = hs.irs + 1U;
    c.snd_wl2_ = c.snd_una_;
    c.rcv_adv_ =
        c.rcv_nxt() + std::min<std::uint32_t>(static_cast<std::uint32_t>(c.recv_.free()), 0xffffU);
    c.last_ack_sent_ = c.rcv_nxt();
    if (hs.rtt) {
        c.rtt_.on_sample(*hs.rtt);
    }
    if (hs.synack_retransmitted) {
        // RFC 6298 §5.7: RTO 3 s when data starts after a SYN(-ACK) timeout (no-op with a
        // sample).
        c.rtt_.on_handshake_after_syn_timeout();
    }
    c.syn_due_ = false;
    c.enter_established(now);
    return c;
}

wire::seq32 connection::send_end() const {
    return data_base_ + static_cast<std::uint32_t>(send_.size());
}

bool connection::fin_acked() const {
    return fin_queued_ && snd_una_.after(send_end());
}

wire::seq32 connection::rcv_nxt() const {
    // RCV.NXT = IRS + 1 (the SYN) + in-order data + 1 once the FIN is in.
    return wire::seq32{irs_.raw() + 1U + static_cast<std::uint32_t>(recv_.ready_end()) +
                       (fin_received_ ? 1U : 0U)};
}

std::uint64_t connection::stream_pos(wire::seq32 s) const {
    const std::int64_t delta = s - rcv_nxt();
    return static_cast<std::uint64_t>(static_cast<std::int64_t>(recv_.ready_end()) + delta);
}

result<std::size_t, std::error_code> connection::send(bytes data) {
    if (error_) {
        return unexpected(*error_);
    }
    switch (state_) {
        case tcp_state::syn_sent:
        case tcp_state::syn_received:
        case tcp_state::established:
        case tcp_state::close_wait:
            break;
        case tcp_state::closed:
        case tcp_state::listen:
            return unexpected(make_error_code(errc::not_connected));
        default:
            // RFC 9293 §3.10.2: FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT: "error: connection
            // closing".
            return unexpected(make_error_code(tcp_errc::closing));
    }
    if (fin_queued_) {
        return unexpected(make_error_code(tcp_errc::closing));
    }
    const std::size_t n = send_.write(data);
    idle_.bytes_written += n;  // data moved: the idle buffer release waits again
    if (n == 0 && !data.empty()) {
        return unexpected(make_error_code(errc::would_block));
    }
    return n;
}

result<std::size_t, std::error_code> connection::recv(mut_bytes out) {
    const std::size_t window_before =
        static_cast<std::size_t>(std::max<std::int32_t>(0, rcv_adv_ - rcv_nxt()));
    const std::size_t n = recv_.read(out);
    if (n > 0) {
        // A window update is worth an ACK of its own when the window we could offer has at
        // least doubled and grown by a full segment (receiver SWS avoidance, RFC 9293
        // §3.8.6.2.2, makes smaller openings wait for data-driven ACKs).
        const std::size_t now_free = recv_.free();
        if (is_synchronized(state_) && now_free >= 2 * window_before &&
            now_free - window_before >= cfg_.mss) {
            ack_now_ = true;
            quickack_left_ = std::max(quickack_left_, 2U);
        }
        return n;
    }
    if (out.empty()) {
        return 0;
    }
    if (fin_received_) {
        return 0;  // end of stream
    }
    if (error_) {
        return unexpected(*error_);
    }
    if (state_ == tcp_state::closed || state_ == tcp_state::listen) {
        return unexpected(make_error_code(errc::not_connected));
    }
    return unexpected(make_error_code(errc::would_block));
}

void connection::shutdown_write() {
    switch (state_) {
        case tcp_state::syn_sent:
        case tcp_state::syn_received:
            // RFC 9293 §3.10.4 (SYN-RECEIVED): "queue for processing after entering ESTABLISHED
            // state"; enter_established() moves on to FIN-WAIT-1.
            fin_queued_ = true;
            break;
        case tcp_state::established:
            // RFC 9293 §3.10.4: "Queue this until all preceding SENDs have been segmentized,
            // then form a FIN segment and send it. In any case, enter FIN-WAIT-1 state."
            fin_queued_ = true;
            state_ = tcp_state::fin_wait_1;
            break;
        case tcp_state::close_wait:
            // RFC 9293 §3.10.4: "... then send a FIN segment, enter LAST-ACK state."
            fin_queued_ = true;
            state_ = tcp_state::last_ack;
            break;
        default:
            break;  // already closing, or closed
    }
}

void connection::close() {
    read_closed_ = true;
    if (state_ == tcp_state::syn_sent) {
        // RFC 9293 §3.10.4 (SYN-SENT): "Delete the TCB".
        enter_closed(std::nullopt);
        return;
    }
    if (recv_.readable() > 0 && is_synchronized(state_)) {
        // RFC 1122 §4.2.2.13: "If such a host issues a CLOSE call while received data is
        // still pending in TCP ... its TCP SHOULD send a RST to show that data was lost."
        abort();
        return;
    }
    shutdown_write();
}

void connection::abort() {
    switch (state_) {
        case tcp_state::syn_received:
        case tcp_state::established:
        case tcp_state::fin_wait_1:
        case tcp_state::fin_wait_2:
        case tcp_state::close_wait:
            // RFC 9293 §3.10.5: "Send a reset segment: <SEQ=SND.NXT><CTL=RST>".
            rst_pending_ = true;
            rst_seq_ = snd_max_;
            rst_ack_.reset();
            break;
        default:
            break;  // SYN-SENT, CLOSING, LAST-ACK, TIME-WAIT: just delete the TCB
    }
    enter_closed(make_error_code(tcp_errc::connection_aborted));
}

void connection::enter_closed(std::optional<std::error_code> why) {
    state_ = tcp_state::closed;
    if (why && !error_) {
        error_ = why;
    }
    rto_at_.reset();
    delayed_ack_at_.reset();
    persist_at_.reset();
    keepalive_at_.reset();
    time_wait_at_.reset();
    progress_since_.reset();
    ack_now_ = false;
    syn_due_ = false;
    probe_due_ = false;
    keepalive_due_ = false;
    rtx_due_ = false;
}

void connection::set_path_mtu(std::uint16_t mtu) {
    // 40 bytes of IPv4 and TCP headers; the handshake's options overhead is already in
    // peer_mss_limit_, so subtract it again from the MTU-derived value.
    const std::uint16_t clamped = std::max<std::uint16_t>(mtu, 576);
    const auto overhead =
        static_cast<std::uint16_t>(neg_.timestamps ? 40 + timestamps_option_len : 40);
    const auto mss = static_cast<std::uint16_t>(std::min<int>(peer_mss_limit_, clamped - overhead));
    if (mss == neg_.send_mss) {
        return;
    }
    neg_.send_mss = mss;
    cc_.set_mss(mss);
}

readiness connection::ready() const {
    readiness r;
    r.error = error_.has_value();
    r.connected = established_once_;
    r.closed = finished();
    const bool eof = fin_received_ && recv_.readable() == 0;
    r.readable = recv_.readable() > 0 || eof || r.error;
    const bool can_send = (state_ == tcp_state::established || state_ == tcp_state::close_wait) &&
                          !fin_queued_ && send_.free() > 0;
    r.writable = can_send || r.error;
    return r;
}

tcp_stats connection::stats() const {
    tcp_stats s = stats_;
    s.state = state_;
    s.cwnd = cc_.cwnd();
    s.ssthresh = cc_.ssthresh();
    s.srtt = rtt_.srtt();
    s.rttvar = rtt_.rttvar();
    s.rto = rtt_.rto();
    s.min_rtt = rtt_.min_rtt();
    s.bytes_in_flight = flight_size();
    s.send_mss = neg_.send_mss;
    s.send_window = snd_wnd_;
    s.recv_window = static_cast<std::uint32_t>(std::max<std::int32_t>(0, rcv_adv_ - rcv_nxt()));
    s.recv_buffer = recv_.capacity();
    return s;
}

}  // namespace netrig::core::tcp
