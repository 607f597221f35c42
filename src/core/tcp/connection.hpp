// SPDX-License-Identifier: MIT
// core/tcp: one TCP connection (the TCB) and its RFC 9293 state machine, sans-IO: segments and
// time come in, segments and the next deadline go out. The listener (listener.hpp) creates
// passive connections with from_syn(); the interface owns connections and demultiplexes.
//
// Heads up! A maintainer must know these RFCs (the code cites them at each implementing line):
//   RFC 9293 (TCP; §3.10 event processing is the skeleton of connection_input.cpp),
//   RFC 1122 §4.2 (host requirements: delayed ACK, keepalive, zero-window probes),
//   RFC 5961 (blind in-window attacks: challenge ACKs),
//   RFC 7323 (window scale, timestamps, PAWS), RFC 2018 (SACK), RFC 6675 (SACK recovery),
//   RFC 5681 (congestion control), RFC 6582 (NewReno), RFC 6298 (RTO), RFC 5482 (user timeout),
//   RFC 896 (Nagle).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <system_error>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/time.hpp"
#include "core/tcp/congestion/congestion.hpp"
#include "core/tcp/conn_config.hpp"
#include "core/tcp/four_tuple.hpp"
#include "core/tcp/idle_release.hpp"
#include "core/tcp/options_negotiation.hpp"
#include "core/tcp/recv_buffer.hpp"
#include "core/tcp/rtt_estimator.hpp"
#include "core/tcp/sack_scoreboard.hpp"
#include "core/tcp/segment.hpp"
#include "core/tcp/send_buffer.hpp"
#include "core/tcp/state.hpp"
#include "core/tcp/time_wait.hpp"
#include "wire/seq32.hpp"

namespace netrig::core::tcp {

struct handshake;  // listener.hpp: a passive handshake the listener completed

/// How a connection starts: its 4-tuple and the values G's listener/ISN code chose.
struct open_params {
    four_tuple tuple;  ///< local and remote address/port
    wire::seq32 iss;   ///< initial send sequence number (RFC 6528, computed by caller)
    std::uint32_t ts_offset =
        0;  ///< random per-connection offset of our TSval clock (RFC 7323 §7.1)
};

/// What the application may do now without being told "would block".
struct readiness {
    bool readable = false;   ///< recv() returns data, end of stream, or an error
    bool writable = false;   ///< send() accepts at least one byte, or returns an error
    bool error = false;      ///< error() is set
    bool connected = false;  ///< the handshake completed at some point
    bool closed = false;     ///< state is CLOSED and nothing is left to transmit
};

/// TCP_INFO-like counters and the current windows.
struct tcp_stats {
    tcp_state state = tcp_state::closed;    ///< current state
    std::uint32_t cwnd = 0;                 ///< congestion window, bytes
    std::uint32_t ssthresh = 0;             ///< slow-start threshold, bytes
    std::optional<duration> srtt;           ///< smoothed RTT
    duration rttvar{0};                     ///< RTT variation
    duration rto{0};                        ///< current RTO incl. back-off
    std::optional<duration> min_rtt;        ///< smallest RTT sample
    std::uint32_t bytes_in_flight = 0;      ///< SND.MAX - SND.UNA (sequence space)
    std::uint32_t send_mss = 0;             ///< effective send MSS (payload bytes)
    std::uint32_t send_window = 0;          ///< peer's window (scaled)
    std::uint32_t recv_window = 0;          ///< window we last advertised (scaled)
    std::size_t recv_buffer = 0;            ///< current receive buffer capacity (auto-tuned)
    std::uint64_t segments_in = 0;          ///< segments given to on_segment()
    std::uint64_t segments_out = 0;         ///< segments emitted by poll()
    std::uint64_t bytes_sent = 0;           ///< payload bytes emitted, retransmissions included
    std::uint64_t bytes_retransmitted = 0;  ///< payload bytes emitted again
    std::uint64_t bytes_acked = 0;          ///< payload bytes acknowledged by the peer
    std::uint64_t bytes_received = 0;       ///< in-order payload bytes received
    std::uint32_t retransmits = 0;          ///< segments retransmitted (any cause)
    std::uint32_t rto_expirations = 0;      ///< retransmission timeouts
    std::uint32_t fast_retransmits = 0;     ///< recovery episodes entered by dupacks or SACK
    std::uint32_t challenge_acks = 0;       ///< RFC 5961 challenge ACKs sent
    std::uint32_t challenge_acks_suppressed = 0;  ///< challenge ACKs the rate limit held back
    std::uint32_t paws_drops = 0;                 ///< segments dropped by RFC 7323 PAWS
    std::uint32_t unacceptable = 0;  ///< segments failing the §3.10.7.4 acceptability test
    std::uint32_t ooo_segments = 0;  ///< data segments received out of order
};

/// A TCP connection. Not copyable (it owns buffers); movable.
class connection {
public:
    /// Active OPEN (RFC 9293 §3.10.1): the connection is in SYN-SENT and poll() emits the SYN.
    [[nodiscard]] static connection open_active(instant now, const conn_config& cfg,
                                                const open_params& params);
    /// Passive OPEN completed by a SYN the listener accepted (RFC 9293 §3.10.7.2): the
    /// connection is in SYN-RECEIVED and poll() emits the SYN-ACK. `params.tuple` must be the
    /// SYN's addresses seen from our side.
    /// Preconditions: syn.tcp has SYN and neither ACK nor RST.
    [[nodiscard]] static connection from_syn(instant now, const conn_config& cfg,
                                             const segment_in& syn, const open_params& params);

    /// A passive connection whose handshake the listener completed (SYN queue or SYN cookie):
    /// the connection starts in ESTABLISHED with the options agreed there. If the completing
    /// ACK carried data or a FIN, pass it to on_segment() next.
    [[nodiscard]] static connection from_handshake(instant now, const conn_config& cfg,
                                                   const handshake& hs);

    connection(connection&&) noexcept = default;
    connection& operator=(connection&&) noexcept = default;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection() = default;

    /// RFC 9293 §3.10.7 SEGMENT ARRIVES, for a segment demultiplexed to this connection.
    void on_segment(instant now, const segment_in& seg);

    /// Runs expired timers, then hands each due segment to `out` (a callable taking
    /// `const segment_out&` and returning false when it has no room, which stops the loop
    /// with the segment still due). Returns the number of segments emitted.
    template <class Out>
    std::size_t poll(instant now, Out&& out) {
        on_timers(now);
        std::size_t n = 0;
        segment_out seg;
        while (n < poll_segments_max && prepare(now, seg)) {
            if (!out(static_cast<const segment_out&>(seg))) {
                break;
            }
            commit(now, seg);
            ++n;
        }
        return n;
    }
    /// The earliest instant at which poll() has timer work (RTO, delayed ACK, persist,
    /// keepalive, TIME-WAIT, user timeout), or nullopt. Segments already due are reported as
    /// the current time by has_pending_output().
    [[nodiscard]] std::optional<instant> next_deadline() const;
    /// True if poll() would emit a segment without waiting for a timer.
    [[nodiscard]] bool has_pending_output(instant now) const;

    /// RFC 9293 §3.10.2 SEND: queues up to data.size() bytes; returns the count queued.
    /// Errors: core::errc::would_block (buffer full), tcp_errc::closing (after shutdown_write
    /// or close), core::errc::not_connected (CLOSED), or the connection's error().
    [[nodiscard]] result<std::size_t, std::error_code> send(bytes data);
    /// RFC 9293 §3.10.3 RECEIVE: copies in-order data; returns 0 at end of stream (FIN seen
    /// and all data read). Errors: core::errc::would_block, core::errc::not_connected, or the
    /// connection's error().
    [[nodiscard]] result<std::size_t, std::error_code> recv(mut_bytes out);
    /// Half close: a FIN follows the queued data; receiving continues.
    void shutdown_write();
    /// RFC 9293 §3.10.4 CLOSE: shutdown_write(), and the application reads no more (unread or
    /// later data causes a RST, RFC 1122 §4.2.2.13).
    void close();
    /// RFC 9293 §3.10.5 ABORT: RST to the peer in synchronized states, then CLOSED.
    void abort();

    /// The path MTU changed (ICMP fragmentation needed, RFC 1191, or a route change): the send
    /// MSS becomes at most mtu - 40 - options (never above what the peer allowed); cwnd keeps
    /// its byte size. MTUs below 576 are treated as 576.
    void set_path_mtu(std::uint16_t mtu);

    /// Current state.
    [[nodiscard]] tcp_state state() const { return state_; }
    /// What the application can do now.
    [[nodiscard]] readiness ready() const;
    /// Counters and windows.
    [[nodiscard]] tcp_stats stats() const;
    /// Why the connection failed (reset, refused, timed out, aborted), if it did.
    [[nodiscard]] std::optional<std::error_code> error() const { return error_; }
    /// The 4-tuple.
    [[nodiscard]] const four_tuple& tuple() const { return tuple_; }
    /// RFC 5927 §4.1: an ICMP error about this connection "SHOULD" be acted on only if the
    /// sequence number it quotes is in flight, SND.UNA <= SEG.SEQ < SND.NXT (SND.NXT as the
    /// highest sent, which a retransmission timeout does not rewind); others are stale or blind
    /// forgeries (§5.2, §7.2).
    [[nodiscard]] bool icmp_seq_in_flight(wire::seq32 seq) const {
        return seq.in_range(snd_una_, snd_max_);
    }
    /// True when CLOSED with nothing left to emit: the owner may free the connection.
    [[nodiscard]] bool finished() const { return state_ == tcp_state::closed && !rst_pending_; }
    /// The options agreed in the handshake (meaningful once synchronized).
    [[nodiscard]] const negotiated_options& negotiated() const { return neg_; }
    /// The compact record that replaces the connection in TIME-WAIT (time_wait_table), so the
    /// owner can free the connection (meaningful in TIME-WAIT; connection_owner_api.cpp).
    [[nodiscard]] time_wait_state time_wait_record() const;
    /// TCP_NODELAY on a live connection: Nagle (RFC 896) off when true.
    void set_nodelay(bool on) { cfg_.nodelay = on; }
    /// Switches the congestion control algorithm; only before any data was sent (SYN-SENT or
    /// nothing in flight beyond the SYN). Returns false (and changes nothing) otherwise.
    [[nodiscard]] bool set_congestion(instant now, cc_algorithm algo);

    /// TSO (set by the owner before poll()): the largest payload one new-data segment may
    /// carry, as whole multiples of the MSS (segment_out::gso_size); 0 or <= MSS disables it.
    /// Retransmissions, probes, SYN and RST stay MSS-sized.
    void set_tso_payload_max(std::uint32_t bytes) { tso_payload_max_ = bytes; }

    /// Upper bound on segments one poll() emits, so a caller's loop stays bounded.
    static constexpr std::size_t poll_segments_max = 64;

private:
    /// What the next segment is (decided by prepare, applied by commit).
    enum class tx_kind : std::uint8_t { none, rst, syn, data, retransmit, ack, probe, keepalive };

    connection(instant now, const conn_config& cfg, const open_params& params);

    // Input (connection_input.cpp).
    void on_segment_syn_sent(instant now, const segment_in& seg);
    void on_segment_synchronized(instant now, const segment_in& seg);
    [[nodiscard]] bool on_segment_acceptable(const wire::tcp::repr& t) const;
    void on_segment_rst(const wire::tcp::repr& t, instant now);
    bool on_segment_ack(instant now, const wire::tcp::repr& t);
    void on_segment_ack_window(const wire::tcp::repr& t);
    [[nodiscard]] std::uint32_t payload_room() const;
    void on_segment_ack_recovery(instant now, const wire::tcp::repr& t, std::uint32_t acked,
                                 std::uint32_t flight_before, bool dupack,
                                 std::optional<duration> rtt_sample);
    void on_segment_text(instant now, const wire::tcp::repr& t);
    void on_segment_fin(instant now);
    void on_segment_auto_tune(instant now);
    void apply_handshake_options(instant now, const wire::tcp::options& peer);
    void challenge_ack(instant now);
    void reply_rst(const wire::tcp::repr& t);
    void enter_established(instant now);
    void enter_time_wait(instant now);
    void enter_closed(std::optional<std::error_code> why);

    // Output and timers (connection_output.cpp).
    void on_timers(instant now);
    void on_timer_rto(instant now);
    [[nodiscard]] bool prepare(instant now, segment_out& seg) const;
    [[nodiscard]] bool prepare_data(instant now, segment_out& seg) const;
    [[nodiscard]] bool prepare_recovery(instant now, segment_out& seg) const;
    void update_timers(instant now);
    void fill_header(instant now, segment_out& seg, wire::seq32 seq, std::uint8_t flags) const;
    void fill_data(segment_out& seg, wire::seq32 seq, std::uint32_t len) const;
    void commit(instant now, const segment_out& seg);
    [[nodiscard]] std::uint16_t window_field(std::uint32_t* edge_out) const;
    [[nodiscard]] std::uint32_t ts_now(instant now) const;
    [[nodiscard]] std::uint32_t usable_window() const;
    [[nodiscard]] std::uint32_t pipe() const;
    void arm_rto(instant now);

    // Idle buffer release (connection_idle.cpp).
    [[nodiscard]] std::optional<instant> idle_deadline() const;
    void on_idle_timer(instant now);

    // Helpers (connection.cpp).
    [[nodiscard]] wire::seq32 send_end() const;  // seq after the last queued data byte
    [[nodiscard]] bool fin_acked() const;
    [[nodiscard]] std::uint32_t flight_size() const {
        return static_cast<std::uint32_t>(snd_max_ - snd_una_);
    }
    [[nodiscard]] std::uint64_t stream_pos(wire::seq32 s) const;  // receive side offset
    [[nodiscard]] wire::seq32 rcv_nxt() const;

    // Identity and configuration.
    four_tuple tuple_;
    conn_config cfg_;
    tcp_state state_ = tcp_state::closed;
    bool passive_ = false;  // from_syn(): RST in SYN-RECEIVED returns to LISTEN
    std::optional<std::error_code> error_;

    // Send sequence space (RFC 9293 §3.3.1) and SND.MAX (highest sent, for go-back-N after RTO).
    wire::seq32 iss_;
    wire::seq32 snd_una_;
    wire::seq32 snd_nxt_;
    wire::seq32 snd_max_;
    wire::seq32 snd_wl1_;
    wire::seq32 snd_wl2_;
    wire::seq32 data_base_;          // sequence number of send_ byte 0
    std::uint32_t snd_wnd_ = 0;      // scaled
    std::uint32_t max_snd_wnd_ = 0;  // RFC 5961 §5.2 MAX.SND.WND
    bool fin_queued_ = false;        // the user closed the sending side

    // Receive sequence space. RCV.NXT is irs_ + 1 + recv_.ready_end() (+1 after a FIN).
    wire::seq32 irs_;
    wire::seq32 rcv_adv_;  // right edge of the window last advertised
    bool fin_received_ = false;
    std::optional<wire::seq32> fin_seq_;  // peer's FIN seen (maybe out of order)
    bool read_closed_ = false;            // close(): the application reads no more

    // Options.
    wire::tcp::options syn_sent_options_;
    negotiated_options neg_;
    std::uint8_t offered_shift_ = 0;
    std::uint32_t ts_offset_ = 0;
    std::uint32_t ts_recent_ = 0;  // RFC 7323 TS.Recent
    instant ts_recent_time_;
    wire::seq32 last_ack_sent_;  // RFC 7323 Last.ACK.sent

    // Buffers.
    send_buffer send_;
    recv_buffer recv_;
    idle_release_state idle_;

    // ACK generation.
    bool ack_now_ = false;
    std::optional<instant> delayed_ack_at_;
    std::uint32_t unacked_bytes_ = 0;  // in-order bytes received since our last ACK
    std::uint32_t quickack_left_ = 0;
    std::uint64_t challenge_window_ms_ = 0;
    std::uint32_t challenge_count_ = 0;
    bool rst_pending_ = false;
    wire::seq32 rst_seq_;
    std::optional<wire::seq32> rst_ack_;

    // Handshake and retransmission.
    bool syn_due_ = true;
    std::optional<instant> rto_at_;
    std::uint32_t rto_count_ = 0;            // consecutive RTOs without progress
    std::optional<instant> progress_since_;  // user timeout reference (oldest unacked send)
    std::optional<instant> persist_at_;
    bool probe_due_ = false;
    std::optional<instant> keepalive_at_;
    std::uint32_t keepalive_sent_ = 0;
    bool keepalive_due_ = false;
    std::optional<instant> time_wait_at_;
    instant last_send_;
    instant last_recv_;

    // RTT (Karn: one timed segment when timestamps are off).
    rtt_estimator rtt_;
    std::optional<wire::seq32> rtt_seq_;
    instant rtt_start_;

    // Loss recovery (RFC 5681 §3.2, RFC 6582, RFC 6675).
    congestion_control cc_;
    sack_scoreboard sacks_;
    std::uint32_t dupacks_ = 0;
    bool in_recovery_ = false;
    wire::seq32 recover_;   // RFC 6582 "recover"
    wire::seq32 high_rxt_;  // end of what this recovery retransmitted
    bool rtx_due_ = false;  // NewReno: retransmit the segment at SND.UNA

    // Receive-window auto-tuning (DRS-like).
    instant drs_start_;
    std::uint64_t drs_start_pos_ = 0;

    tcp_stats stats_;
    mutable tx_kind next_kind_ = tx_kind::none;  // set by prepare(), read by commit()
    bool established_once_ = false;
    std::uint32_t rcv_mss_ = default_mss_ipv4;  // largest payload received (delayed-ACK unit)
    std::uint32_t persist_count_ = 0;
    std::uint32_t tso_payload_max_ = 0;  // set_tso_payload_max
    instant last_data_send_;
    std::uint32_t ts_rto_floor_ = 0;
    std::uint16_t peer_mss_limit_ =
        default_mss_ipv4;  // send MSS agreed in the handshake  // TSval at the last RTO: older
                           // echoes give no RTT sample
};

}  // namespace netrig::core::tcp
