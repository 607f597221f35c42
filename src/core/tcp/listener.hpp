// SPDX-License-Identifier: MIT
// core/tcp: the passive side of the handshake: one listening socket's SYN queue (compact
// SYN-RECEIVED records with a SYN-ACK retransmit schedule), SYN cookies when that queue is
// full, and the accept-queue (backlog) bound. Sans-IO: segments and `now` come in, replies and
// completed handshakes come out, retransmissions come from poll().
//
// The full connection (tcb, buffers) is made only when the handshake completes, from the
// `handshake` record returned here, so a SYN flood costs at most syn_queue_max small records
// (and nothing at all once cookies take over). The listener does not own connections: the
// caller creates one per returned handshake, queues it for accept(), and calls on_accepted()
// when the application takes it (or on_abandoned() if it is dropped before that).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/time.hpp"
#include "core/tcp/four_tuple.hpp"
#include "core/tcp/hash_index.hpp"
#include "core/tcp/isn.hpp"
#include "core/tcp/syn_cookie.hpp"
#include "wire/address.hpp"
#include "wire/seq32.hpp"
#include "wire/tcp.hpp"

namespace netrig::core::tcp {

/// When the listener answers with SYN cookies instead of SYN-queue records.
enum class syn_cookie_mode : std::uint8_t {
    never,      ///< drop SYNs when the SYN queue is full
    when_full,  ///< cookies only while the SYN queue is full (Linux tcp_syncookies = 1)
    always,     ///< every SYN gets a cookie; the SYN queue is unused (tcp_syncookies = 2)
};

/// Limits and the options a listener offers. Copied at construction.
struct listener_config {
    /// Accept queue: handshakes completed but not yet accepted (listen(2) backlog).
    std::uint32_t backlog = 128;
    /// SYN queue: SYN-RECEIVED records awaiting the final ACK.
    std::uint32_t syn_queue_max = 256;
    /// First SYN-ACK retransmission timeout. RFC 6298 §2.1: "set RTO <- 1 second".
    duration synack_rto_initial = std::chrono::seconds{1};
    /// SYN-ACK retransmissions before the record is dropped (Linux tcp_synack_retries = 5).
    std::uint32_t synack_retries = 5;
    /// SYN cookie policy.
    syn_cookie_mode cookies = syn_cookie_mode::when_full;
    /// Our MSS, sent in the SYN-ACK (link MTU - 40).
    std::uint16_t mss = 1460;
    /// Our window-scale shift; offered only if the SYN offered one (RFC 7323 §2.2).
    std::optional<std::uint8_t> window_scale = 7;
    /// Offer SACK-permitted if the SYN did (RFC 2018 §2).
    bool sack = true;
    /// Use timestamps if the SYN did (RFC 7323 §3.2).
    bool timestamps = true;
    /// Window field of the SYN-ACK (RFC 7323 §2.2: never scaled in a SYN).
    std::uint16_t window = 65535;
};

/// A completed passive handshake: everything the connection needs, from a SYN-queue record or
/// from a SYN cookie.
struct handshake {
    four_tuple tuple;              ///< from our side
    wire::seq32 irs;               ///< the peer's ISN
    wire::seq32 iss;               ///< our ISN (SND.UNA after the handshake is iss + 1)
    std::uint16_t peer_mss = 536;  ///< peer's MSS option (RFC 9293 §3.7.1 default 536)
    std::optional<std::uint8_t> peer_window_scale;  ///< peer's shift, if scaling was negotiated
    std::optional<std::uint8_t> window_scale;       ///< our shift, if scaling was negotiated
    bool sack_permitted = false;                    ///< SACK negotiated
    bool timestamps = false;                        ///< timestamps negotiated
    std::uint32_t ts_recent = 0;                    ///< last TSval from the peer (if timestamps)
    std::uint32_t ts_offset = 0;                    ///< our TSval = ts_offset + ms since zero
    std::uint16_t syn_window = 0;                   ///< window field of the SYN (unscaled)
    std::uint16_t ack_window = 0;  ///< window field of the final ACK (scaled by peer_window_scale)
    bool from_cookie = false;      ///< completed by a SYN cookie
    /// The SYN-ACK was retransmitted: RFC 6298 §5.7 wants RTO 3 s when data starts.
    bool synack_retransmitted = false;
    /// Handshake RTT (SYN-ACK to ACK) if Karn-safe (not retransmitted, not a cookie).
    std::optional<duration> rtt;

    /// The SYN as received (header and options; no payload), for connection::from_syn().
    [[nodiscard]] wire::tcp::repr syn() const;
};

/// A segment the listener wants sent (SYN-ACK, RST, ACK).
struct listener_reply {
    wire::ipv4_address source;       ///< our address
    wire::ipv4_address destination;  ///< the peer's
    wire::tcp::repr tcp;             ///< the segment (no payload)
};

/// Result of listener::on_segment().
struct listener_result {
    std::optional<listener_reply> reply;   ///< send this
    std::optional<handshake> established;  ///< create the connection; queue it for accept()
};

// clang-format off
/// Why the listener discarded a segment or a record; every discard is counted under one.
#define NETRIG_TCP_LISTENER_DROPS(X) \
    X(rst_in_listen)      /* RFC 9293 §3.10.7.2: RST in LISTEN is ignored */ \
    X(bad_ack)            /* ACK for no request and no valid cookie: RST sent */ \
    X(no_syn)             /* neither SYN, ACK nor RST in LISTEN */ \
    X(accept_queue_full)  /* SYN dropped: backlog full */ \
    X(syn_queue_full)     /* SYN dropped: SYN queue full and cookies off */ \
    X(accept_overflow)    /* final ACK dropped: backlog full (the record stays) */ \
    X(cookie_failed)      /* ACK with an invalid or expired cookie: RST sent */ \
    X(synack_timeout)     /* record dropped after synack_retries */ \
    X(request_reset)      /* record removed by an RST at RCV.NXT */ \
    X(request_new_syn)    /* record removed by a SYN with another ISN */ \
    X(rst_out_of_window)  /* RST outside the window in SYN-RECEIVED */ \
    X(unacceptable)       /* segment outside the window in SYN-RECEIVED: ACK sent */ \
    X(no_ack)             /* segment without ACK in SYN-RECEIVED */ \
    X(paws)               /* RFC 7323 §5.3: TSval older than TS.Recent */
/// Events the listener counts.
#define NETRIG_TCP_LISTENER_EVENTS(X) \
    X(syn_received) X(synack_sent) X(synack_retransmitted) X(duplicate_syn) \
    X(cookie_sent) X(cookie_accepted) X(established) X(challenge_ack) X(rst_sent)
// clang-format on
#define NETRIG_TCP_LISTENER_ENUMERATOR_(name) name,

/// Discard reasons (see NETRIG_TCP_LISTENER_DROPS).
enum class listener_drop : std::uint8_t {
    NETRIG_TCP_LISTENER_DROPS(NETRIG_TCP_LISTENER_ENUMERATOR_) count_
};
/// Counted events (see NETRIG_TCP_LISTENER_EVENTS).
enum class listener_event : std::uint8_t {
    NETRIG_TCP_LISTENER_EVENTS(NETRIG_TCP_LISTENER_ENUMERATOR_) count_
};

/// Name of a drop reason ("syn_queue_full", ...).
[[nodiscard]] std::string_view to_string(listener_drop d);
/// Name of an event ("cookie_sent", ...).
[[nodiscard]] std::string_view to_string(listener_event e);

/// Counters of one listener. Plain values: copy to take a snapshot.
struct listener_counters {
    /// Discards by reason.
    std::array<std::uint64_t, static_cast<std::size_t>(listener_drop::count_)> drops{};
    /// Events.
    std::array<std::uint64_t, static_cast<std::size_t>(listener_event::count_)> events{};
    /// The count for one reason.
    [[nodiscard]] std::uint64_t operator[](listener_drop d) const {
        return drops[static_cast<std::size_t>(d)];
    }
    /// The count for one event.
    [[nodiscard]] std::uint64_t operator[](listener_event e) const {
        return events[static_cast<std::size_t>(e)];
    }
};

/// Secrets of a listener (drawn once by the caller from its rng).
struct listener_secrets {
    siphash_key isn;        ///< RFC 6528 F() key
    siphash_key cookie;     ///< SYN cookie key
    siphash_key ts_offset;  ///< per-connection TSval offset key (RFC 7323 §7.1)
    siphash_key index;      ///< SYN-queue hash index key
};

/// One listening socket (RFC 9293 LISTEN) and its SYN-RECEIVED records.
class listener {
public:
    /// A listener with the given limits and secrets. Allocates the SYN queue once.
    /// Preconditions: config.syn_queue_max > 0, config.backlog > 0.
    listener(const listener_config& config, const listener_secrets& secrets);

    /// Handles a segment demultiplexed to this listener (no connection and no TIME-WAIT record
    /// has its 4-tuple): RFC 9293 §3.10.7.2 LISTEN, or §3.10.7.4 for a SYN-RECEIVED record,
    /// or a SYN cookie check. `source`/`destination` are the IPv4 addresses of the segment.
    /// `iss` overrides the ISN of a new record (RFC 6191 reuse of a TIME-WAIT tuple gives one).
    /// When `established` is set, the segment's payload and FIN (if any) belong to the new
    /// connection: the caller creates it and hands it the same segment.
    [[nodiscard]] listener_result on_segment(instant now, wire::ipv4_address source,
                                             wire::ipv4_address destination,
                                             const wire::tcp::repr& seg,
                                             std::optional<wire::seq32> iss = std::nullopt);

    /// Retransmits due SYN-ACKs (RFC 6298 back-off: synack_rto_initial doubled per try) and
    /// drops records that ran out of retries. `out(const listener_reply&)` returns false when
    /// it has no room; the SYN-ACK then stays due. Returns the number of replies emitted.
    template <class Out>
    std::size_t poll(instant now, Out&& out) {
        // earliest_ is a lower bound of every record's deadline, so an idle poll costs O(1);
        // a poll with work scans the (bounded) SYN queue once and makes the bound exact.
        if (index_.size() == 0 || !earliest_ || now < *earliest_) {
            return 0;
        }
        std::size_t n = 0;
        std::optional<instant> earliest;
        for (std::uint32_t id = 0; id < requests_.size(); ++id) {
            if (!requests_[id].in_use) {
                continue;
            }
            if (requests_[id].deadline <= now) {
                const auto reply = on_request_timer(now, id);
                if (!reply) {
                    continue;  // expired and removed
                }
                if (!out(static_cast<const listener_reply&>(*reply))) {
                    earliest = now;  // this one stays due; later ones are unscanned
                    break;
                }
                commit_retransmit(now, id);
                ++n;
            }
            if (!earliest || requests_[id].deadline < *earliest) {
                earliest = requests_[id].deadline;
            }
        }
        earliest_ = earliest;
        return n;
    }

    /// The earliest SYN-ACK retransmission or record expiry, or nothing. May be early (a
    /// lower bound after records were removed); poll() then does nothing and tightens it.
    [[nodiscard]] std::optional<instant> next_deadline() const;

    /// The application accepted one of the handshakes returned (the accept queue shrinks).
    void on_accepted();
    /// A returned handshake's connection went away before accept() (the queue shrinks).
    void on_abandoned() { on_accepted(); }

    /// The RFC 6528 ISN this listener would give `tuple` at `now` (the candidate for
    /// time_wait_table::on_syn()).
    [[nodiscard]] wire::seq32 isn(instant now, const four_tuple& tuple) const {
        return isn_.generate(now, tuple);
    }
    /// True if a connection from this SYN would use timestamps (for time_wait_table::on_syn()).
    [[nodiscard]] bool would_use_timestamps(const wire::tcp::repr& syn) const {
        return config_.timestamps && syn.options.ts.has_value();
    }

    /// SYN-RECEIVED records held.
    [[nodiscard]] std::size_t syn_queue_len() const { return index_.size(); }
    /// Handshakes returned and not yet accepted.
    [[nodiscard]] std::size_t accept_queue_len() const { return accept_queue_len_; }
    /// Counters.
    [[nodiscard]] const listener_counters& counters() const { return counters_; }
    /// The configuration.
    [[nodiscard]] const listener_config& config() const { return config_; }

private:
    static constexpr std::uint8_t no_wscale = 0xff;
    struct request {
        four_tuple tuple;
        wire::seq32 irs;
        wire::seq32 iss;
        std::uint32_t ts_recent = 0;
        instant sent_at;   // first SYN-ACK
        instant deadline;  // next retransmission or expiry
        std::uint16_t peer_mss = 0;
        std::uint16_t syn_window = 0;
        std::uint8_t peer_wscale = no_wscale;
        bool sack = false;
        bool timestamps = false;
        bool in_use = false;
        std::uint8_t retransmits = 0;
    };

    listener_result on_listen(instant now, const four_tuple& tuple, const wire::tcp::repr& seg,
                              std::optional<wire::seq32> iss);
    listener_result on_syn(instant now, const four_tuple& tuple, const wire::tcp::repr& seg,
                           std::optional<wire::seq32> iss);
    listener_result on_cookie_ack(instant now, const four_tuple& tuple, const wire::tcp::repr& seg);
    listener_result on_request(instant now, std::uint32_t id, const wire::tcp::repr& seg);
    std::optional<listener_reply> on_request_timer(instant now, std::uint32_t id);
    void commit_retransmit(instant now, std::uint32_t id);
    void remove(std::uint32_t id);

    [[nodiscard]] listener_reply synack(instant now, const request& r) const;
    [[nodiscard]] listener_reply rst_for(const four_tuple& tuple, const wire::tcp::repr& seg);
    [[nodiscard]] listener_reply ack_for(instant now, const request& r) const;
    [[nodiscard]] std::uint32_t ts_offset(const four_tuple& tuple) const;
    [[nodiscard]] std::uint32_t ts_clock(instant now, const four_tuple& tuple) const;
    [[nodiscard]] handshake make_handshake(instant now, const request& r,
                                           const wire::tcp::repr& ack) const;
    listener_result drop(listener_drop d) {
        ++counters_.drops[static_cast<std::size_t>(d)];
        return {};
    }
    void count(listener_event e) { ++counters_.events[static_cast<std::size_t>(e)]; }

    listener_config config_;
    isn_generator isn_;
    syn_cookie_codec cookies_;
    siphash_key ts_key_;
    hash_index<four_tuple> index_;
    std::vector<request> requests_;
    std::vector<std::uint32_t> free_;
    std::size_t accept_queue_len_ = 0;
    std::optional<instant> last_cookie_sent_;
    std::optional<instant> earliest_;  // lower bound of the records' deadlines
    listener_counters counters_;
};

}  // namespace netrig::core::tcp
