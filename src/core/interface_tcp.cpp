// SPDX-License-Identifier: MIT
// core: TCP in the interface: segment demultiplexing (connections, TIME-WAIT records,
// listeners, RST for nobody), segment transmission, the run queue and timer heap that drive
// connections from poll(), and ICMP errors about TCP segments.
//
// Scheduling: a connection is polled only when something may have made it due: a segment
// arrived, the application called it, or its timer fired. "May have output" slots sit in a
// FIFO ring (tcp_run_, each slot at most once), served round-robin with at most
// limits.tcp_segments_per_turn segments per turn while the transmit queue has room. Timers
// sit in a binary min-heap of (deadline, slot) (tcp_timers_); an entry is pushed only when a
// connection's deadline becomes earlier than the one it already has in the heap, so stale
// entries (deadline moved later) merely pop early and cost one look at the connection, which
// then pushes its real deadline. Idle connections cost nothing per poll().
#include <algorithm>

#include "core/interface.hpp"
#include "core/tcp/tcp_error.hpp"
#include "wire/checksum.hpp"
#include "wire/ethernet.hpp"
#include "wire/icmpv4.hpp"
#include "wire/tcp.hpp"

namespace netrig::core {

namespace {
namespace ipv4 = wire::ipv4;
namespace wtcp = wire::tcp;

// Heap order of tcp_timers_: std::*_heap build a max-heap, so "later" makes it a min-heap.
constexpr auto timer_later = [](const auto& a, const auto& b) { return a.at > b.at; };

drop_reason tcp_drop(wire::parse_error e) {
    switch (e) {
        case wire::parse_error::truncated:
            return drop_reason::tcp_truncated;
        case wire::parse_error::bad_checksum:
            return drop_reason::tcp_bad_checksum;
        default:
            return drop_reason::tcp_bad_header;
    }
}

std::uint32_t seq_len(const wtcp::repr& t) {
    std::uint32_t n = static_cast<std::uint32_t>(t.payload.size());
    if ((t.flags & wtcp::flag::syn) != 0) {
        ++n;
    }
    if ((t.flags & wtcp::flag::fin) != 0) {
        ++n;
    }
    return n;
}
}  // namespace

// ------------------------------------------------------------------------------ receive

void interface::handle_tcp(instant now, const ipv4::repr& h, bytes payload) {
    // RFC 1122 §4.2.3.10: a SYN to a broadcast or multicast address MUST be dropped; TCP has
    // no use for any segment not addressed to our unicast address.
    if (h.destination != config_.address.address) {
        counters_.drop(drop_reason::tcp_not_unicast);
        return;
    }
    // A partial checksum (virtio NEEDS_CSUM: the segment never left the sender's host) cannot
    // be verified, and a DATA_VALID one was verified already.
    const wire::checksum_policy policy = rx_l4_checksum_trusted()
                                             ? wire::checksum_policy::skip
                                             : wire::checksum_policy::compute;
    auto v = wtcp::view::parse(payload);
    if (!v) {
        counters_.drop(tcp_drop(v.error()));
        return;
    }
    // RFC 9293 §3.1 / RFC 1122 §4.2.2.7: the checksum MUST be checked (unless the device did).
    auto parsed = wtcp::repr::parse(*v, h.source, h.destination, policy);
    if (!parsed) {
        counters_.drop(tcp_drop(parsed.error()));
        return;
    }
    counters_.count(stat::tcp_segments_received);
    const tcp::segment_in seg{.source = h.source, .destination = h.destination, .tcp = *parsed};
    const tcp::four_tuple tuple{.local_address = h.destination,
                                .remote_address = h.source,
                                .local_port = parsed->destination_port,
                                .remote_port = parsed->source_port};
    const tcp::demux_result d = tcp_table_.demux(tuple);
    switch (d.kind) {
        case tcp::demux_kind::connection: {
            const auto i = static_cast<std::uint16_t>(d.id);
            NETRIG_ASSERT(i < tcp_.size() && tcp_[i].conn.has_value());
            tcp_deliver(now, i, seg);
            tcp_enqueue(i);
            tcp_settle(now, i);
            return;
        }
        case tcp::demux_kind::time_wait: {
            auto& tw = tcp_table_.time_wait();
            switch (tw.on_segment(now, tuple, seg.tcp)) {
                case tcp::time_wait_action::send_ack: {
                    const tcp::time_wait_state* rec = tw.find(tuple);
                    if (rec != nullptr) {
                        const auto ms = static_cast<std::uint64_t>(now.since_zero() /
                                                                   std::chrono::milliseconds{1});
                        tcp_transmit(now, tuple.local_address, tuple.remote_address,
                                     tw.ack_for(*rec, static_cast<std::uint32_t>(ms)));
                    }
                    return;
                }
                case tcp::time_wait_action::reuse: {
                    // RFC 6191 / RFC 1122 §4.2.2.13: a new SYN may reopen the tuple, through
                    // the listener of the port with an ISN above the old incarnation's.
                    const auto li = tcp_table_.find_listener(tuple.local_address, tuple.local_port);
                    if (!li) {
                        counters_.drop(drop_reason::tcp_time_wait_drop);
                        return;
                    }
                    auto& l = *tcp_listeners_[*li].listener;
                    const auto iss = tw.on_syn(tuple, seg.tcp, l.would_use_timestamps(seg.tcp),
                                               l.isn(now, tuple));
                    if (!iss) {
                        counters_.drop(drop_reason::tcp_time_wait_drop);
                        return;
                    }
                    counters_.count(stat::tcp_time_wait_reused);
                    tcp_on_listener_result(
                        now, static_cast<std::uint16_t>(*li), seg,
                        l.on_segment(now, seg.source, seg.destination, seg.tcp, iss));
                    return;
                }
                case tcp::time_wait_action::closed:
                    return;
                case tcp::time_wait_action::drop:
                    counters_.drop(drop_reason::tcp_time_wait_drop);
                    return;
            }
            return;
        }
        case tcp::demux_kind::listener: {
            const auto li = static_cast<std::uint16_t>(d.id);
            auto& l = *tcp_listeners_[li].listener;
            tcp_on_listener_result(now, li, seg,
                                   l.on_segment(now, seg.source, seg.destination, seg.tcp));
            return;
        }
        case tcp::demux_kind::none:
            counters_.drop(drop_reason::tcp_no_socket);
            tcp_send_rst_for(now, seg);
            return;
    }
}

void interface::tcp_deliver(instant now, std::uint16_t i, const tcp::segment_in& seg) {
    tcp::connection& c = *tcp_[i].conn;
    const std::size_t piece = rx_info_.gso_size;
    const bytes data = seg.tcp.payload;
    if (piece == 0 || data.size() <= piece ||
        (seg.tcp.flags & (wtcp::flag::syn | wtcp::flag::rst)) != 0) {
        c.on_segment(now, seg);
        return;
    }
    // A GRO/TSO super-segment stands for data.size() / piece segments the sender cut it into
    // (Linux's GRO merges only segments with identical headers but sequence numbers, and moves
    // PSH and FIN to the last one). The connection gets those segments, so its
    // every-second-full-segment ACK rule (RFC 9293 §3.8.6.3), its receive-MSS estimate and
    // out-of-order/SACK handling work per MSS as they would without offloads; ACKs are still
    // sent once per poll(), not once per piece. Payload spans point into the frame: no copy.
    const std::uint8_t last_only = wtcp::flag::psh | wtcp::flag::fin;
    tcp::segment_in part = seg;
    for (std::size_t off = 0; off < data.size(); off += piece) {
        const std::size_t len = std::min(piece, data.size() - off);
        const bool last = off + len == data.size();
        part.tcp.payload = data.subspan(off, len);
        part.tcp.seq = seg.tcp.seq + static_cast<std::uint32_t>(off);
        part.tcp.flags = last ? seg.tcp.flags
                              : static_cast<std::uint8_t>(seg.tcp.flags & ~last_only);
        c.on_segment(now, part);
        if (c.state() == tcp::tcp_state::closed) {
            return;  // e.g. data after close(): the connection answered with RST
        }
    }
}

void interface::tcp_on_listener_result(instant now, std::uint16_t li, const tcp::segment_in& seg,
                                       const tcp::listener_result& r) {
    if (r.reply) {
        tcp_transmit(now, r.reply->source, r.reply->destination, r.reply->tcp);
    }
    if (!r.reply && !r.established) {
        counters_.drop(drop_reason::tcp_listener_drop);  // reason: the listener's counters
    }
    if (!r.established) {
        return;
    }
    auto& ls = tcp_listeners_[li];
    auto& l = *ls.listener;
    const auto slot = ls.accept_count < ls.accept_ring.size() ? tcp_alloc() : std::nullopt;
    if (!slot) {
        // No connection slot (limits.tcp_connections_max): the peer thinks it is connected;
        // tell it otherwise rather than let it send into nothing (RFC 9293 §3.10.7.1 spirit).
        counters_.drop(drop_reason::tcp_conn_table_full);
        l.on_abandoned();
        tcp_send_rst_for(now, seg);
        return;
    }
    auto& s = tcp_[*slot];
    s.conn.emplace(tcp::connection::from_handshake(
        now, tcp_clamp(now, r.established->tuple.remote_address, ls.conn), *r.established));
    if (!tcp_table_.add_connection(r.established->tuple, *slot)) {
        counters_.drop(drop_reason::tcp_conn_table_full);
        l.on_abandoned();
        tcp_release(*slot);
        return;
    }
    s.in_table = true;
    s.accept_pending = true;
    s.listener = li;
    ls.accept_ring[(ls.accept_head + ls.accept_count) % ls.accept_ring.size()] = *slot;
    ++ls.accept_count;
    counters_.count(stat::tcp_passive_opens);
    // The completing ACK may carry data or a FIN: it belongs to the new connection.
    if (!seg.tcp.payload.empty() || (seg.tcp.flags & wtcp::flag::fin) != 0) {
        s.conn->on_segment(now, seg);
    }
    tcp_enqueue(*slot);
    tcp_settle(now, *slot);
    mark_tcp_listener(li);
}

void interface::tcp_send_rst_for(instant now, const tcp::segment_in& seg) {
    const wtcp::repr& t = seg.tcp;
    // RFC 9293 §3.10.7.1: "An incoming segment containing a RST is discarded."
    if ((t.flags & wtcp::flag::rst) != 0) {
        return;
    }
    wtcp::repr rst{};
    rst.source_port = t.destination_port;
    rst.destination_port = t.source_port;
    if ((t.flags & wtcp::flag::ack) != 0) {
        // "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>"
        rst.seq = t.ack;
        rst.flags = wtcp::flag::rst;
    } else {
        // "If the ACK bit is off, sequence number zero is used,
        //  <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"
        rst.seq = wire::seq32{0};
        rst.ack = t.seq + seq_len(t);
        rst.flags = wtcp::flag::rst | wtcp::flag::ack;
    }
    // Linux does not rate-limit these RSTs either; they are counted (tcp_rsts_sent).
    if (tcp_transmit(now, seg.destination, seg.source, rst)) {
        counters_.count(stat::tcp_rsts_sent);
    }
}

// ----------------------------------------------------------------------------- transmit

bool interface::tcp_transmit(instant now, wire::ipv4_address source,
                             wire::ipv4_address destination, const wtcp::repr& t) {
    const wire::checksum_policy policy = config_.checksum.tx_fill
                                             ? wire::checksum_policy::pseudo_header_only
                                             : wire::checksum_policy::compute;
    const mut_bytes out{scratch_.data(), t.buffer_len()};
    t.emit(out, source, destination, policy);
    if (!send_ipv4(now, destination, ipv4::protocol::tcp, out, true)) {
        counters_.drop(drop_reason::tcp_tx_failed);
        return false;
    }
    counters_.count(stat::tcp_segments_sent);
    return true;
}

bool interface::tcp_transmit(instant now, const tcp::segment_out& seg) {
    const wire::checksum_policy policy = config_.checksum.tx_fill
                                             ? wire::checksum_policy::pseudo_header_only
                                             : wire::checksum_policy::compute;
    // Emitted straight into the frame by send_ipv4 (one copy of the payload, from the send
    // buffer ring, summed on the way when the checksum is computed in software).
    struct emit_context {
        const tcp::segment_out* seg;
        wire::checksum_policy policy;
    };
    const emit_context context{&seg, policy};
    const l4_writer writer{.len = seg.buffer_len(),
                           .write =
                               [](const void* c, mut_bytes out) {
                                   const auto* e = static_cast<const emit_context*>(c);
                                   e->seg->emit(out, e->policy);
                               },
                           .context = &context};
    if (!send_ipv4(now, seg.destination, ipv4::protocol::tcp, writer, true, seg.gso_size)) {
        counters_.drop(drop_reason::tcp_tx_failed);
        return false;
    }
    counters_.count(stat::tcp_segments_sent);
    if ((seg.tcp.flags & wtcp::flag::rst) != 0) {
        counters_.count(stat::tcp_rsts_sent);
    }
    return true;
}

// ------------------------------------------------------------------- scheduling, timers

void interface::tcp_enqueue(std::uint16_t i) {
    auto& s = tcp_[i];
    if (s.queued) {
        return;
    }
    NETRIG_ASSERT(tcp_run_count_ < tcp_run_.size());
    s.queued = true;
    tcp_run_[(tcp_run_head_ + tcp_run_count_) % tcp_run_.size()] = i;
    ++tcp_run_count_;
}

void interface::tcp_schedule(std::uint16_t i, instant at) {
    auto& s = tcp_[i];
    if (s.scheduled && *s.scheduled <= at) {
        return;  // an entry at or before `at` is in the heap already
    }
    s.scheduled = at;
    if (tcp_timers_.size() == tcp_timers_.capacity()) {
        // Compact: drop stale entries (one entry per scheduled slot remains). Rare: the heap
        // holds 4 entries per slot before this runs.
        tcp_timers_.clear();
        for (std::size_t k = 0; k < tcp_.size(); ++k) {
            if (tcp_[k].conn && tcp_[k].scheduled && k != i) {
                tcp_timers_.push_back({*tcp_[k].scheduled, static_cast<std::uint16_t>(k)});
            }
        }
        std::make_heap(tcp_timers_.begin(), tcp_timers_.end(), timer_later);
    }
    tcp_timers_.push_back({at, i});
    std::push_heap(tcp_timers_.begin(), tcp_timers_.end(), timer_later);
}

void interface::tcp_settle(instant now, std::uint16_t i) {
    auto& s = tcp_[i];
    if (!s.conn) {
        return;
    }
    tcp::connection& c = *s.conn;
    const bool owned = s.user_open || s.accept_pending;
    if (!owned && c.state() == tcp::tcp_state::time_wait && !c.has_pending_output(now)) {
        // RFC 9293 §3.3.2 TIME-WAIT as a compact record; the connection's memory goes back.
        tcp_table_.time_wait().insert(now, c.time_wait_record());
        counters_.count(stat::tcp_time_wait_entered);
        tcp_release(i);
        return;
    }
    if (c.finished()) {
        if (s.in_table) {
            tcp_table_.remove_connection(c.tuple());
            s.in_table = false;
        }
        if (!owned) {
            tcp_release(i);
            return;
        }
    } else if (const auto d = c.next_deadline()) {
        tcp_schedule(i, *d);
    }
    if (s.user_open) {
        const readiness r = tcp_readiness(tcp_handle{i, s.generation});
        if (r != s.last_ready) {
            s.last_ready = r;
            mark_tcp(i);
        }
    }
}

void interface::tcp_on_poll(instant now) {
    // Timers due: their connections join the run queue.
    while (!tcp_timers_.empty() && tcp_timers_.front().at <= now) {
        const tcp_timer t = tcp_timers_.front();
        std::pop_heap(tcp_timers_.begin(), tcp_timers_.end(), timer_later);
        tcp_timers_.pop_back();
        auto& s = tcp_[t.slot];
        if (!s.conn || !s.scheduled || *s.scheduled != t.at) {
            continue;  // stale: the slot was freed or has an earlier entry that already ran
        }
        s.scheduled.reset();
        tcp_enqueue(t.slot);
    }
    // Listeners: SYN-ACK retransmissions (a handful of listeners: a scan is fine).
    for (auto& ls : tcp_listeners_) {
        if (!ls.listener) {
            continue;
        }
        const auto d = ls.listener->next_deadline();
        if (!d || *d > now) {
            continue;
        }
        ls.listener->poll(now, [&](const tcp::listener_reply& r) {
            if (tx_.free() == 0) {
                return false;
            }
            tcp_transmit(now, r.source, r.destination, r.tcp);
            return true;
        });
    }
    tcp_table_.time_wait().expire(now);
}

bool interface::tcp_refill(instant now) {
    // One pass over the run queue as it is now; connections with more to send go to the back.
    std::size_t turns = tcp_run_count_;
    while (turns > 0 && tcp_run_count_ > 0 && tx_.free() > 0) {
        --turns;
        const std::uint16_t i = tcp_run_[tcp_run_head_];
        tcp_run_head_ = (tcp_run_head_ + 1) % tcp_run_.size();
        --tcp_run_count_;
        auto& s = tcp_[i];
        s.queued = false;
        if (!s.conn) {
            continue;
        }
        bool more = false;
        std::size_t emitted = 0;
        s.conn->set_tso_payload_max(tcp_tso_payload_max(now, s.conn->tuple().remote_address));
        s.conn->poll(now, [&](const tcp::segment_out& seg) {
            const std::size_t frame_len =
                wire::ethernet::min_header_len + ipv4::min_header_len + seg.buffer_len();
            if (emitted == config_.limits.tcp_segments_per_turn || tx_.free() == 0 ||
                (seg.gso_size > 0 && !tx_.fits(frame_len))) {
                more = true;
                return false;
            }
            // A segment that cannot be sent (no route, ARP queue full) counts as lost: the
            // connection's retransmission timer handles it, like a drop on the wire.
            tcp_transmit(now, seg);
            ++emitted;
            return true;
        });
        if (more) {
            tcp_enqueue(i);
        }
        tcp_settle(now, i);
    }
    return !tx_.empty();
}

std::uint32_t interface::tcp_tso_payload_max(instant now, wire::ipv4_address remote) {
    if (!config_.segmentation.tso) {
        return 0;
    }
    // Only towards a resolved next hop: a super-segment never waits in the ARP queue, whose
    // entries are MTU-sized (send_ipv4 would count it lost).
    const wire::ipv4_address next_hop =
        config_.address.contains(remote) || !config_.gateway ? remote : *config_.gateway;
    const arp_entry* e = arp_.find(next_hop);
    if (e == nullptr || !e->resolved || e->expires <= now) {
        return 0;
    }
    // RFC 791: total length <= 65535, less the IPv4 header and the largest TCP header (60
    // bytes, RFC 9293 §3.1 data offset 15) so any options fit.
    return 65535U - ipv4::min_header_len - 60U;
}

std::optional<instant> interface::tcp_next_deadline() const {
    if (tcp_run_count_ > 0) {
        return last_now_;
    }
    std::optional<instant> d = tcp_table_.time_wait().next_deadline();
    const auto consider = [&d](std::optional<instant> t) {
        if (t && (!d || *t < *d)) {
            d = t;
        }
    };
    if (!tcp_timers_.empty()) {
        consider(tcp_timers_.front().at);
    }
    for (const auto& ls : tcp_listeners_) {
        if (ls.listener) {
            consider(ls.listener->next_deadline());
        }
    }
    return d;
}

// --------------------------------------------------------------------------- ICMP errors

result<std::uint16_t, drop_reason> interface::tcp_icmp_connection(wire::ipv4_address local,
                                                                  std::uint16_t local_port,
                                                                  wire::ipv4_address remote,
                                                                  std::uint16_t remote_port,
                                                                  wire::seq32 seq) const {
    const auto id = tcp_table_.find_connection(tcp::four_tuple{.local_address = local,
                                                               .remote_address = remote,
                                                               .local_port = local_port,
                                                               .remote_port = remote_port});
    if (!id) {
        return unexpected(drop_reason::icmp_error_no_socket);
    }
    const auto i = static_cast<std::uint16_t>(*id);
    if (!tcp_[i].conn->icmp_seq_in_flight(seq)) {
        return unexpected(drop_reason::icmp_tcp_seq_not_in_flight);
    }
    return i;
}

void interface::tcp_icmp_error(instant now, const icmp_error_report& report, std::uint16_t i,
                               bool frag_needed) {
    auto& s = tcp_[i];
    tcp::connection& c = *s.conn;
    if (frag_needed) {
        // RFC 1191 §6.3: the PMTU cache was updated by the caller; the connection lowers its
        // MSS and retransmits with smaller segments.
        c.set_path_mtu(path_mtu(now, report.original_destination.address));
        tcp_enqueue(i);
        tcp_settle(now, i);
        return;
    }
    const bool hard = report.type == static_cast<std::uint8_t>(wire::icmpv4::message_type::dest_unreachable) &&
                      (report.code == wire::icmpv4::unreachable::protocol ||
                       report.code == wire::icmpv4::unreachable::port);
    if (hard && c.state() == tcp::tcp_state::syn_sent) {
        // RFC 1122 §4.2.3.9: protocol/port unreachable are hard errors ("SHOULD abort the
        // connection"). As Linux and RFC 5927 §5.2 advise, only a connection still in
        // SYN-SENT is aborted (connection refused); synchronized ones record a soft error,
        // since forged ICMP must not be able to kill them.
        counters_.count(stat::tcp_icmp_hard_errors);
        s.hard_error = make_error_code(tcp::tcp_errc::connection_refused);
        c.abort();
        tcp_enqueue(i);
        tcp_settle(now, i);
        return;
    }
    // RFC 1122 §4.2.3.9: soft errors "MUST NOT abort the connection, and it SHOULD make the
    // information available to the application".
    counters_.count(stat::tcp_icmp_soft_errors);
    s.soft_error = report;
    if (s.user_open) {
        mark_tcp(i);
    }
}

}  // namespace netrig::core
