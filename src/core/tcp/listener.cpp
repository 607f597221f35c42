// SPDX-License-Identifier: MIT
// core/tcp: the listener's SYN queue, SYN-ACK retransmissions and SYN cookie path.
#include "core/tcp/listener.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace netrig::core::tcp {

namespace flag = wire::tcp::flag;

namespace {

// RFC 9293 §3.7.1: "If an MSS Option is not received at connection setup, TCP
// implementations MUST assume a default send MSS of 536 (576 - 40) for IPv4."
constexpr std::uint16_t default_mss = 536;
// RFC 7323 §2.3: shifts above 14 are treated as 14.
constexpr std::uint8_t max_window_scale = 14;

#define NETRIG_TCP_LISTENER_NAME_(name) #name,
constexpr std::array<std::string_view, static_cast<std::size_t>(listener_drop::count_)> drop_names{
    NETRIG_TCP_LISTENER_DROPS(NETRIG_TCP_LISTENER_NAME_)};
constexpr std::array<std::string_view, static_cast<std::size_t>(listener_event::count_)>
    event_names{NETRIG_TCP_LISTENER_EVENTS(NETRIG_TCP_LISTENER_NAME_)};
#undef NETRIG_TCP_LISTENER_NAME_

bool has(const wire::tcp::repr& seg, std::uint8_t f) {
    return (seg.flags & f) != 0;
}

}  // namespace

std::string_view to_string(listener_drop d) {
    const auto i = static_cast<std::size_t>(d);
    return i < drop_names.size() ? drop_names[i] : "unknown";
}

std::string_view to_string(listener_event e) {
    const auto i = static_cast<std::size_t>(e);
    return i < event_names.size() ? event_names[i] : "unknown";
}

wire::tcp::repr handshake::syn() const {
    wire::tcp::repr s;
    s.source_port = tuple.remote_port;
    s.destination_port = tuple.local_port;
    s.seq = irs;
    s.flags = flag::syn;
    s.window = syn_window;
    s.options.mss = peer_mss;
    s.options.window_scale = peer_window_scale;
    s.options.sack_permitted = sack_permitted;
    if (timestamps) {
        s.options.ts = wire::tcp::timestamps{.value = ts_recent, .echo = 0};
    }
    return s;
}

listener::listener(const listener_config& config, const listener_secrets& secrets)
    : config_(config),
      isn_(secrets.isn),
      cookies_(secrets.cookie),
      ts_key_(secrets.ts_offset),
      index_(std::max<std::size_t>(config.syn_queue_max, 1), secrets.index) {
    NETRIG_ASSERT(config.syn_queue_max > 0);
    NETRIG_ASSERT(config.backlog > 0);
    requests_.resize(config.syn_queue_max);
    free_.reserve(config.syn_queue_max);
    for (std::size_t i = config.syn_queue_max; i > 0; --i) {
        free_.push_back(static_cast<std::uint32_t>(i - 1));
    }
}

std::uint32_t listener::ts_offset(const four_tuple& tuple) const {
    // RFC 7323 §7.1: a random per-connection offset keeps TSval from revealing uptime; a keyed
    // hash of the tuple makes it recomputable for SYN cookies, which keep no state.
    return static_cast<std::uint32_t>(siphash24(ts_key_, tuple.to_bytes()));
}

std::uint32_t listener::ts_clock(instant now, const four_tuple& tuple) const {
    // RFC 7323 §5.4: a 1 ms timestamp clock.
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.since_zero());
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(ms.count())) + ts_offset(tuple);
}

listener_result listener::on_segment(instant now, wire::ipv4_address source,
                                     wire::ipv4_address destination, const wire::tcp::repr& seg,
                                     std::optional<wire::seq32> iss) {
    const four_tuple tuple{destination, source, seg.destination_port, seg.source_port};
    if (const auto id = index_.find(tuple)) {
        return on_request(now, *id, seg);
    }
    return on_listen(now, tuple, seg, iss);
}

listener_result listener::on_listen(instant now, const four_tuple& tuple,
                                    const wire::tcp::repr& seg, std::optional<wire::seq32> iss) {
    // RFC 9293 §3.10.7.2 LISTEN, "First, check for a RST: An incoming RST segment could not be
    // valid since it could not have been sent in response to anything sent by this incarnation
    // of the connection. An incoming RST should be ignored."
    if (has(seg, flag::rst)) {
        return drop(listener_drop::rst_in_listen);
    }
    // "Second, check for an ACK: Any acknowledgment is bad if it arrives on a connection still
    // in the LISTEN state. An acceptable reset segment should be formed for any arriving
    // ACK-bearing segment." The exception is the ACK that returns a SYN cookie.
    if (has(seg, flag::ack)) {
        if (!has(seg, flag::syn)) {
            return on_cookie_ack(now, tuple, seg);
        }
        drop(listener_drop::bad_ack);
        return {.reply = rst_for(tuple, seg)};
    }
    // "Third, check for a SYN".
    if (has(seg, flag::syn)) {
        return on_syn(now, tuple, seg, iss);
    }
    // "Fourth, other data or control: ... drop the segment and return."
    return drop(listener_drop::no_syn);
}

listener_result listener::on_syn(instant now, const four_tuple& tuple, const wire::tcp::repr& seg,
                                 std::optional<wire::seq32> iss) {
    count(listener_event::syn_received);
    // The backlog bounds connections waiting for accept(); while it is full a new handshake
    // could not complete, so the SYN is dropped and the peer retries (Linux does the same).
    if (accept_queue_len_ >= config_.backlog) {
        return drop(listener_drop::accept_queue_full);
    }
    const std::uint16_t peer_mss = seg.options.mss.value_or(default_mss);
    const bool queue_full = free_.empty();
    const bool use_cookie = config_.cookies == syn_cookie_mode::always ||
                            (config_.cookies == syn_cookie_mode::when_full && queue_full);
    if (queue_full && !use_cookie) {
        return drop(listener_drop::syn_queue_full);
    }
    request r;
    r.tuple = tuple;
    r.irs = seg.seq;
    r.peer_mss = peer_mss;
    r.syn_window = seg.window;
    r.sent_at = now;
    // RFC 7323 §2.2: window scaling only if both SYNs carry the option; §3.2: timestamps
    // likewise. RFC 2018 §2: SACK-permitted only if it was in the SYN.
    if (seg.options.window_scale && config_.window_scale) {
        r.peer_wscale = std::min(*seg.options.window_scale, max_window_scale);
    }
    r.sack = config_.sack && seg.options.sack_permitted;
    r.timestamps = config_.timestamps && seg.options.ts.has_value();
    if (r.timestamps) {
        r.ts_recent = seg.options.ts->value;
    }
    if (use_cookie) {
        // RFC 4987 §3.6: answer statelessly; the state returns in the ACK. Without timestamps
        // there is nowhere to keep window scale and SACK, so they are not offered.
        const std::uint16_t mss = std::min(peer_mss, config_.mss);
        r.iss = cookies_.make(now, tuple, seg.seq, mss);
        if (!r.timestamps) {
            r.peer_wscale = no_wscale;
            r.sack = false;
        }
        last_cookie_sent_ = now;
        count(listener_event::cookie_sent);
        count(listener_event::synack_sent);
        return {.reply = synack(now, r)};
    }
    r.iss = iss.value_or(isn_.generate(now, tuple));
    r.deadline = now + config_.synack_rto_initial;
    r.in_use = true;
    const std::uint32_t id = free_.back();
    free_.pop_back();
    requests_[id] = r;
    const bool inserted = index_.insert(tuple, id);
    NETRIG_ASSERT(inserted);
    earliest_ = earliest_ ? std::min(*earliest_, r.deadline) : r.deadline;
    count(listener_event::synack_sent);
    return {.reply = synack(now, r)};
}

listener_result listener::on_cookie_ack(instant now, const four_tuple& tuple,
                                        const wire::tcp::repr& seg) {
    // Only check cookies while they may be outstanding (sent within their lifetime), so that
    // an ACK flood at other times costs no hashing and is answered with a plain RST.
    const bool cookies_outstanding =
        last_cookie_sent_ &&
        now - *last_cookie_sent_ < syn_cookie_codec::period * syn_cookie_codec::max_age_periods;
    if (!cookies_outstanding) {
        drop(listener_drop::bad_ack);
        return {.reply = rst_for(tuple, seg)};
    }
    const auto decoded = cookies_.check(now, tuple, seg.seq, seg.ack);
    std::optional<syn_cookie_ts_options> ts_opts;
    const bool timestamps = config_.timestamps && seg.options.ts.has_value();
    if (decoded && timestamps) {
        ts_opts = syn_cookie_codec::decode_timestamp(seg.options.ts->echo);
    }
    if (!decoded || (timestamps && !ts_opts)) {
        drop(listener_drop::cookie_failed);
        return {.reply = rst_for(tuple, seg)};
    }
    if (accept_queue_len_ >= config_.backlog) {
        // No RST: the peer believes it is connected and retransmits; a later ACK may fit.
        return drop(listener_drop::accept_overflow);
    }
    handshake h;
    h.tuple = tuple;
    h.irs = decoded->irs;
    h.iss = decoded->iss;
    h.peer_mss = decoded->mss;
    h.ts_offset = ts_offset(tuple);
    h.ack_window = seg.window;
    h.syn_window = seg.window;
    h.from_cookie = true;
    if (timestamps) {
        h.timestamps = true;
        h.ts_recent = seg.options.ts->value;
        if (ts_opts->window_scale && config_.window_scale) {
            h.peer_window_scale = ts_opts->window_scale;
            h.window_scale = config_.window_scale;
        }
        h.sack_permitted = ts_opts->sack_permitted && config_.sack;
    }
    ++accept_queue_len_;
    count(listener_event::cookie_accepted);
    count(listener_event::established);
    return {.established = h};
}

listener_result listener::on_request(instant now, std::uint32_t id, const wire::tcp::repr& seg) {
    request& r = requests_[id];
    const wire::seq32 rcv_nxt = r.irs + 1U;
    const bool in_window = seg.seq.in_window(rcv_nxt, config_.window);
    // RFC 9293 §3.10.7.4, second check (RST), with RFC 5961 §3.2: "If the RST bit is set and
    // the sequence number exactly matches the next expected sequence number (RCV.NXT), then
    // TCP MUST reset the connection"; in window but not exact: "TCP MUST send an ACK
    // (challenge ACK)"; otherwise drop.
    if (has(seg, flag::rst)) {
        if (seg.seq == rcv_nxt) {
            // RFC 9293 §3.10.7.4: SYN-RECEIVED from a passive OPEN "return this connection to
            // LISTEN state and return. The user need not be informed."
            remove(id);
            return drop(listener_drop::request_reset);
        }
        if (in_window) {
            count(listener_event::challenge_ack);
            return {.reply = ack_for(now, r)};
        }
        return drop(listener_drop::rst_out_of_window);
    }
    if (has(seg, flag::syn) && !has(seg, flag::ack)) {
        if (seg.seq == r.irs) {
            // A retransmitted SYN: our SYN-ACK was probably lost; answer it again without
            // touching the back-off schedule (as Linux does).
            count(listener_event::duplicate_syn);
            return {.reply = synack(now, r)};
        }
        // RFC 9293 §3.10.7.4 fourth check, SYN-RECEIVED: "If the connection was initiated with
        // a passive OPEN, then return this connection to the LISTEN state and return."
        remove(id);
        return drop(listener_drop::request_new_syn);
    }
    // First check: sequence number acceptability (segment length 0 or data: the first byte
    // must be in the window, RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND). "If an incoming segment
    // is not acceptable, an acknowledgment should be sent in reply".
    if (!in_window) {
        drop(listener_drop::unacceptable);
        return {.reply = ack_for(now, r)};
    }
    // RFC 7323 §5.3 PAWS R1: a TSval older than TS.Recent marks an old duplicate.
    if (r.timestamps && seg.options.ts &&
        static_cast<std::int32_t>(seg.options.ts->value - r.ts_recent) < 0) {
        drop(listener_drop::paws);
        return {.reply = ack_for(now, r)};
    }
    // Fifth check: "if the ACK bit is off, drop the segment and return".
    if (!has(seg, flag::ack)) {
        return drop(listener_drop::no_ack);
    }
    // SYN-RECEIVED: "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state ... If the
    // segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>".
    if (seg.ack != r.iss + 1U) {
        drop(listener_drop::bad_ack);
        return {.reply = rst_for(r.tuple, seg)};
    }
    if (accept_queue_len_ >= config_.backlog) {
        // Keep the record: the SYN-ACK retransmission (or the peer's next segment) retries.
        return drop(listener_drop::accept_overflow);
    }
    handshake h = make_handshake(now, r, seg);
    remove(id);
    ++accept_queue_len_;
    count(listener_event::established);
    return {.established = h};
}

handshake listener::make_handshake(instant now, const request& r,
                                   const wire::tcp::repr& ack) const {
    handshake h;
    h.tuple = r.tuple;
    h.irs = r.irs;
    h.iss = r.iss;
    h.peer_mss = r.peer_mss;
    if (r.peer_wscale != no_wscale) {
        h.peer_window_scale = r.peer_wscale;
        h.window_scale = config_.window_scale;
    }
    h.sack_permitted = r.sack;
    h.timestamps = r.timestamps;
    h.ts_recent = r.ts_recent;
    if (r.timestamps && ack.options.ts) {
        // RFC 7323 §4.3: the ACK's TSval becomes TS.Recent (it passed PAWS above).
        h.ts_recent = ack.options.ts->value;
    }
    h.ts_offset = ts_offset(r.tuple);
    h.syn_window = r.syn_window;
    h.ack_window = ack.window;
    h.synack_retransmitted = r.retransmits > 0;
    if (r.retransmits == 0) {
        // RFC 6298 §3 (Karn): only a segment sent once gives an RTT sample.
        h.rtt = now - r.sent_at;
    }
    return h;
}

std::optional<listener_reply> listener::on_request_timer(instant now, std::uint32_t id) {
    request& r = requests_[id];
    if (r.retransmits >= config_.synack_retries) {
        remove(id);
        drop(listener_drop::synack_timeout);
        return std::nullopt;
    }
    return synack(now, r);
}

void listener::commit_retransmit(instant now, std::uint32_t id) {
    request& r = requests_[id];
    ++r.retransmits;
    // RFC 6298 §5.5: "The host MUST set RTO <- RTO * 2 ("back off the timer")".
    r.deadline = now + config_.synack_rto_initial * (std::int64_t{1} << r.retransmits);
    count(listener_event::synack_retransmitted);
}

std::optional<instant> listener::next_deadline() const {
    if (index_.size() == 0) {
        return std::nullopt;
    }
    return earliest_;
}

void listener::on_accepted() {
    NETRIG_ASSERT(accept_queue_len_ > 0);
    --accept_queue_len_;
}

void listener::remove(std::uint32_t id) {
    NETRIG_ASSERT(requests_[id].in_use);
    const auto erased = index_.erase(requests_[id].tuple);
    NETRIG_ASSERT(erased == id);
    requests_[id].in_use = false;
    free_.push_back(id);
}

listener_reply listener::synack(instant now, const request& r) const {
    listener_reply out;
    out.source = r.tuple.local_address;
    out.destination = r.tuple.remote_address;
    auto& s = out.tcp;
    s.source_port = r.tuple.local_port;
    s.destination_port = r.tuple.remote_port;
    // RFC 9293 §3.10.7.2: "<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>".
    s.seq = r.iss;
    s.ack = r.irs + 1U;
    s.flags = flag::syn | flag::ack;
    s.window = config_.window;
    s.options.mss = config_.mss;
    if (r.peer_wscale != no_wscale) {
        s.options.window_scale = config_.window_scale;
    }
    s.options.sack_permitted = r.sack;
    if (r.timestamps) {
        std::uint32_t tsval = ts_clock(now, r.tuple);
        if (!r.in_use) {
            // A cookie SYN-ACK: the options ride in TSval's low bits (syn_cookie.hpp).
            tsval = syn_cookie_codec::encode_timestamp(
                tsval, syn_cookie_ts_options{
                           .window_scale = r.peer_wscale != no_wscale
                                               ? std::optional<std::uint8_t>{r.peer_wscale}
                                               : std::nullopt,
                           .sack_permitted = r.sack});
        }
        // RFC 7323 §3.2: TSecr echoes the TSval of the SYN.
        s.options.ts = wire::tcp::timestamps{.value = tsval, .echo = r.ts_recent};
    }
    return out;
}

listener_reply listener::rst_for(const four_tuple& tuple, const wire::tcp::repr& seg) {
    count(listener_event::rst_sent);
    listener_reply out;
    out.source = tuple.local_address;
    out.destination = tuple.remote_address;
    out.tcp.source_port = tuple.local_port;
    out.tcp.destination_port = tuple.remote_port;
    // RFC 9293 §3.10.7.2 / §3.10.7.4: "<SEQ=SEG.ACK><CTL=RST>".
    out.tcp.seq = seg.ack;
    out.tcp.flags = flag::rst;
    return out;
}

listener_reply listener::ack_for(instant now, const request& r) const {
    listener_reply out;
    out.source = r.tuple.local_address;
    out.destination = r.tuple.remote_address;
    out.tcp.source_port = r.tuple.local_port;
    out.tcp.destination_port = r.tuple.remote_port;
    // "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>", SND.NXT = ISS + 1 after the SYN-ACK.
    out.tcp.seq = r.iss + 1U;
    out.tcp.ack = r.irs + 1U;
    out.tcp.flags = flag::ack;
    out.tcp.window = config_.window;
    if (r.timestamps) {
        out.tcp.options.ts =
            wire::tcp::timestamps{.value = ts_clock(now, r.tuple), .echo = r.ts_recent};
    }
    return out;
}

}  // namespace netrig::core::tcp
