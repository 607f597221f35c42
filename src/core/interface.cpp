// SPDX-License-Identifier: MIT
// core: the interface's receive dispatch, ARP, IPv4 routing, fragmentation and timers.
#include "core/interface.hpp"

#include <algorithm>

#include "core/parse_drops.hpp"
#include "wire/checksum.hpp"
#include "wire/ethernet.hpp"

namespace netrig::core {

namespace {
namespace ethernet = wire::ethernet;
namespace ipv4 = wire::ipv4;
namespace arp = wire::arp;

// RFC 791: total length is 16 bits, so a datagram carries at most 65535 - 20 payload bytes.
constexpr std::size_t ipv4_payload_max = 65535 - ipv4::min_header_len;
// RFC 894: an Ethernet frame's payload is the IPv4 datagram, at most the MTU. We send and
// accept untagged frames only.
constexpr std::size_t frame_overhead = ethernet::min_header_len;
// TSO: the largest frame we queue (an IPv4 datagram of 65535 bytes).
constexpr std::size_t tso_frame_max = frame_overhead + 65535;
// virtio 1.1 §5.1.6.2: csum_offset is where the checksum field sits in the L4 header.
constexpr std::uint16_t tcp_checksum_field = 16;  // RFC 9293 §3.1
constexpr std::uint16_t udp_checksum_field = 6;   // RFC 768

tcp::tcp_table_config tcp_table_config_of(const interface_limits& l) {
    return tcp::tcp_table_config{
        .connections_max = std::max<std::size_t>(l.tcp_connections_max, 1),
        .listeners_max = std::max<std::size_t>(l.tcp_listeners_max, 1),
        .time_wait = {.entries_max = std::max<std::size_t>(l.tcp_time_wait_max, 1),
                      .two_msl = l.tcp_time_wait,
                      .ignore_rst = false},
        .ephemeral = {.first = l.tcp_ephemeral_first, .last = l.tcp_ephemeral_last}};
}

tcp::siphash_key draw_key(rng& r) { return tcp::siphash_key{.k0 = r(), .k1 = r()}; }
}  // namespace

interface::interface(const interface_config& config, rng& random)
    : config_(config),
      rng_(random),
      tx_(config.limits.tx_frames_max, frame_overhead + std::max<std::size_t>(config.mtu, 68),
          config.segmentation.tso ? tso_frame_max : 0),
      arp_(config.limits.arp_entries_max),
      pending_(config.limits.arp_pending_max, config.limits.arp_pending_per_dest_max,
               frame_overhead + std::max<std::size_t>(config.mtu, 68)),
      reasm_(reasm_limits{.datagrams_max = config.limits.reasm_datagrams_max,
                          .bytes_max = config.limits.reasm_bytes_max,
                          .fragments_max = config.limits.reasm_fragments_max,
                          .timeout = config.limits.reasm_timeout}),
      pmtu_(config.limits.pmtu_entries_max, config.limits.pmtu_lifetime),
      icmp_errors_(config.limits.icmp_error_burst, config.limits.icmp_error_interval),
      udp_(config.limits.udp_sockets_max),
      ping_(config.limits.ping_sockets_max),
      tcp_table_(tcp_table_config_of(config.limits), random),
      tcp_secrets_{.isn = draw_key(random),
                   .cookie = draw_key(random),
                   .ts_offset = draw_key(random),
                   .index = draw_key(random)},
      tcp_(config.limits.tcp_connections_max),
      tcp_listeners_(config.limits.tcp_listeners_max),
      scratch_(65535),
      next_ident_(static_cast<std::uint16_t>(random.below(0x10000))),
      announce_pending_(config.gratuitous_arp) {
    // RFC 791: "Every internet module must be able to forward a datagram of 68 octets".
    NETRIG_ASSERT(config.mtu >= 68);
    NETRIG_ASSERT(config.address.prefix_len <= 32);
    NETRIG_ASSERT(config.limits.tcp_connections_max <= 0xffff);
    NETRIG_ASSERT(config.limits.tcp_listeners_max <= 0xffff);
    events_.reserve(udp_.size() + ping_.size() + tcp_.size() + tcp_listeners_.size());
    tcp_init();
}

// ------------------------------------------------------------------------------ receive

void interface::receive(instant now, bytes frame) { receive(now, frame, rx_frame_info{}); }

void interface::receive(instant now, bytes frame, const rx_frame_info& info) {
    rx_info_ = info;
    last_now_ = std::max(last_now_, now);
    counters_.count(stat::rx_frames);
    counters_.count(stat::rx_bytes, frame.size());
    auto eth = ethernet::view::parse(frame);
    if (!eth) {
        counters_.drop(eth_drop(eth.error()));
        return;
    }
    const wire::mac_address destination = eth->destination();
    if (destination != config_.mac && !destination.is_broadcast()) {
        counters_.drop(drop_reason::eth_not_for_us);
        return;
    }
    // This host is on no VLAN: an 802.1Q-tagged frame is for a VLAN interface we do not have
    // (as on Linux without a VLAN device), so it is an unknown type here, as it always was.
    if (eth->has_vlan()) {
        counters_.drop(drop_reason::eth_unknown_type);
        return;
    }
    switch (eth->ethertype()) {
        case ethernet::ethertype::arp:
            handle_arp(now, eth->payload());
            return;
        case ethernet::ethertype::ipv4:
            handle_ipv4(now, eth->payload());
            return;
        default:
            counters_.drop(drop_reason::eth_unknown_type);
            return;
    }
}

bool interface::is_our_destination(wire::ipv4_address a) const {
    return a == config_.address.address || a.is_broadcast() ||
           (config_.address.prefix_len < 31 && a == config_.address.broadcast());
}

void interface::handle_arp(instant now, bytes payload) {
    auto v = arp::view::parse(payload);
    if (!v) {
        counters_.drop(arp_view_drop(v.error(), payload));
        return;
    }
    auto p = arp::repr::parse(*v);
    if (!p) {
        // RFC 826 knows request and reply; RARP and InARP operations are not ours to answer.
        counters_.drop(drop_reason::arp_bad_operation);
        return;
    }
    const wire::ipv4_address ours = config_.address.address;
    // A sender claiming a group MAC, a non-unicast IP, or our own IP is not learnt from: that
    // would poison the cache (RFC 1122 §2.3.2.1 asks to guard against ARP flooding and spoofs).
    if (!p->sender_hw.is_unicast() || p->sender_ip.is_unspecified() ||
        p->sender_ip.is_broadcast() || p->sender_ip.is_multicast() || p->sender_ip == ours) {
        counters_.drop(drop_reason::arp_bad_sender);
        return;
    }
    // RFC 826 "Packet Reception": if the sender is already in the table, update it (merge).
    bool merged = false;
    if (arp_entry* e = arp_.find(p->sender_ip); e != nullptr) {
        const bool was_resolved = e->resolved;
        arp_.learn(now, p->sender_ip, p->sender_hw, config_.limits.arp_entry_lifetime);
        merged = true;
        counters_.count(stat::arp_learned);
        if (!was_resolved) {
            release_pending(p->sender_ip, p->sender_hw);
        }
    }
    // RFC 826: "?Am I the target protocol address?" Only then add the sender (if not merged)
    // and answer a request.
    if (p->target_ip != ours) {
        if (!merged) {
            counters_.drop(drop_reason::arp_not_for_us);
        }
        return;
    }
    if (!merged) {
        if (arp_.learn(now, p->sender_ip, p->sender_hw, config_.limits.arp_entry_lifetime) ==
            nullptr) {
            counters_.drop(drop_reason::arp_cache_full);
        } else {
            counters_.count(stat::arp_learned);
        }
    }
    if (p->op == arp::operation::request) {
        // RFC 826: swap sender and target, put our addresses in the sender fields, reply
        // directly (unicast) to the requester.
        send_arp(arp::operation::reply, p->sender_hw, p->sender_hw, p->sender_ip);
        counters_.count(stat::arp_replies_sent);
    }
}

void interface::handle_ipv4(instant now, bytes packet) {
    const wire::checksum_policy policy = rx_checksum_policy(config_.checksum.rx_verify);
    auto v = ipv4::view::parse(packet);
    if (!v) {
        counters_.drop(ipv4_drop(v.error(), packet, policy));
        return;
    }
    // RFC 1122 §3.2.1.2: "A host MUST verify the IP header checksum on every received datagram
    // and silently discard every datagram that has a bad checksum." (repr::parse does, unless
    // the device already did.)
    auto parsed = ipv4::repr::parse(*v, policy);
    if (!parsed) {
        counters_.drop(ipv4_drop(parsed.error(), packet, policy));
        return;
    }
    ipv4::repr& h = *parsed;
    const bytes payload = v->payload();
    // Frames above the MTU: without GRO the device enforces the MTU (a TAP read truncates them
    // to ipv4_bad_total_len, the sim link drops them), and the core takes what it is given, as
    // it always did. A GRO device delivers them on purpose: only TCP frames it coalesced (RFC
    // 791: total length up to 65535; they stand for MTU-sized segments) are taken, anything
    // else above the MTU is dropped here, as is a coalesced frame when GRO is not configured.
    if (v->total_len() > config_.mtu && (config_.segmentation.gro || rx_info_.gso_size > 0) &&
        !(config_.segmentation.gro && h.protocol == ipv4::protocol::tcp && !h.more_frags &&
          h.frag_offset == 0)) {
        counters_.drop(drop_reason::ipv4_too_long);
        return;
    }
    // RFC 1122 §3.2.1.3: a source that is a broadcast or multicast address MUST be discarded.
    if (h.source.is_broadcast() || h.source.is_multicast() ||
        (config_.address.prefix_len < 31 && h.source == config_.address.broadcast() &&
         config_.address.contains(h.source))) {
        counters_.drop(drop_reason::ipv4_bad_source);
        return;
    }
    // A host is not a router (RFC 1122 §3.3.1.5 forwarding is off): keep only our addresses.
    if (!is_our_destination(h.destination)) {
        counters_.drop(drop_reason::ipv4_not_for_us);
        return;
    }
    // RFC 791: "If the time to live field contains the value zero, then the datagram must be
    // destroyed." (A TTL of 1 is fine: RFC 1122 §3.2.1.7 "MUST NOT discard a datagram just
    // because it was received with TTL less than 2".)
    if (h.ttl == 0) {
        counters_.drop(drop_reason::ipv4_ttl_zero);
        return;
    }
    if (!h.more_frags && h.frag_offset == 0) {
        deliver_ipv4(now, h, payload);
        return;
    }
    counters_.count(stat::reasm_fragments_received);
    auto done = reasm_.add(now, reasm_fragment{.key = {.source = h.source,
                                                       .destination = h.destination,
                                                       .ident = h.ident,
                                                       .protocol = h.protocol},
                                               .offset = h.frag_offset,
                                               .more = h.more_frags,
                                               .payload = payload});
    counters_.drop(drop_reason::reasm_evicted, reasm_.take_evictions());
    if (!done) {
        counters_.drop(done.error());
        return;
    }
    if (*done) {
        counters_.count(stat::reasm_completed);
        // The reassembled datagram as one unfragmented datagram; its options are not kept
        // (an ICMP error about it quotes a plain 20-byte header).
        h.more_frags = false;
        h.frag_offset = 0;
        h.set_options({});
        NETRIG_ASSERT((*done)->size() <= ipv4_payload_max);
        h.payload_len = static_cast<std::uint16_t>((*done)->size());
        deliver_ipv4(now, h, **done);
    }
}

void interface::deliver_ipv4(instant now, const ipv4::repr& h, bytes payload) {
    counters_.count(stat::ipv4_delivered);
    switch (h.protocol) {
        case ipv4::protocol::icmp:
            handle_icmp(now, h, payload);
            return;
        case ipv4::protocol::udp:
            handle_udp(now, h, payload);
            return;
        case ipv4::protocol::tcp:
            handle_tcp(now, h, payload);
            return;
        default:
            // RFC 1122 §3.2.2.1 suggests a protocol unreachable here; not sent yet.
            counters_.drop(drop_reason::ipv4_unknown_protocol);
            return;
    }
}

// ----------------------------------------------------------------------------- transmit

std::uint16_t interface::path_mtu(instant now, wire::ipv4_address destination) const {
    const auto learnt = pmtu_.lookup(now, destination);
    return learnt ? std::min(*learnt, config_.mtu) : config_.mtu;
}

void interface::send_arp(arp::operation op, wire::mac_address eth_destination,
                         wire::mac_address target_hw, wire::ipv4_address target_ip) {
    auto buf = tx_.reserve(ethernet::min_header_len + arp::repr::buffer_len());
    if (!buf) {
        counters_.drop(drop_reason::tx_queue_full);
        return;
    }
    const ethernet::repr eth{.destination = eth_destination,
                             .source = config_.mac,
                             .ethertype = ethernet::ethertype::arp,
                             .vlan = std::nullopt};
    eth.emit(*buf);
    const arp::repr a{.op = op,
                      .sender_hw = config_.mac,
                      .sender_ip = config_.address.address,
                      .target_hw = target_hw,
                      .target_ip = target_ip};
    a.emit(buf->subspan(ethernet::min_header_len));
    tx_.commit();
}

void interface::release_pending(wire::ipv4_address next_hop, wire::mac_address mac) {
    pending_.release(next_hop, [&](std::span<std::uint8_t> frame) {
        mac.write_to(frame);
        auto buf = tx_.reserve(frame.size());
        if (!buf) {
            counters_.drop(drop_reason::tx_queue_full);
            return;
        }
        std::copy(frame.begin(), frame.end(), buf->begin());
        tx_.commit();
    });
}

tx_frame_info interface::tx_info_for(std::uint8_t protocol, bytes l4,
                                     std::uint16_t gso_size) const {
    tx_frame_info info;
    constexpr auto l4_start =
        static_cast<std::uint16_t>(ethernet::min_header_len + ipv4::min_header_len);
    if (config_.checksum.tx_fill &&
        (protocol == ipv4::protocol::tcp || protocol == ipv4::protocol::udp)) {
        // The L4 emit wrote the pseudo-header sum (checksum_policy::pseudo_header_only).
        info.needs_checksum = true;
        info.checksum_start = l4_start;
        info.checksum_offset =
            protocol == ipv4::protocol::tcp ? tcp_checksum_field : udp_checksum_field;
    }
    if (gso_size > 0) {
        NETRIG_ASSERT(protocol == ipv4::protocol::tcp && l4.size() > 12);
        // RFC 9293 §3.1: data offset in 32-bit words, the high nibble of byte 12.
        const auto tcp_header = static_cast<std::uint16_t>((l4[12] >> 4U) * 4U);
        info.gso_tcpv4 = true;
        info.gso_size = gso_size;
        info.hdr_len = static_cast<std::uint16_t>(l4_start + tcp_header);
    }
    return info;
}

namespace {
// Completes a partial (pseudo-header-only) UDP/TCP checksum in software, for frames that leave
// without an offload request (fragments, frames parked for ARP). `field` is where the checksum
// sits in `out`, l4 the whole segment or datagram as it was emitted.
void complete_checksum(mut_bytes out, std::size_t field, bytes l4, std::uint8_t protocol) {
    // The field holds the pseudo-header sum, so the sum over l4 is the full checksum's sum.
    std::uint16_t c = wire::finish(wire::ones_sum(l4));
    if (protocol == ipv4::protocol::udp) {
        c = wire::udp_checksum_on_wire(c);
    }
    store_be16(out, field, c);
}
}  // namespace

result<void, errc> interface::send_ipv4(instant now, wire::ipv4_address destination,
                                        std::uint8_t protocol, bytes l4, bool dont_frag,
                                        std::uint16_t gso_size) {
    return send_ipv4_impl(now, destination, protocol, l4.size(), nullptr, l4, dont_frag,
                          gso_size);
}

result<void, errc> interface::send_ipv4(instant now, wire::ipv4_address destination,
                                        std::uint8_t protocol, const l4_writer& l4,
                                        bool dont_frag, std::uint16_t gso_size) {
    return send_ipv4_impl(now, destination, protocol, l4.len, &l4, bytes{}, dont_frag,
                          gso_size);
}

result<void, errc> interface::send_ipv4_impl(instant now, wire::ipv4_address destination,
                                             std::uint8_t protocol, std::size_t l4_len,
                                             const l4_writer* writer, bytes l4, bool dont_frag,
                                             std::uint16_t gso_size) {
    NETRIG_ASSERT(writer == nullptr || l4.empty());
    NETRIG_ASSERT(writer != nullptr || l4.size() == l4_len);
    last_now_ = std::max(last_now_, now);
    if (l4_len > ipv4_payload_max) {
        counters_.drop(drop_reason::ipv4_too_long);
        return unexpected(errc::message_too_long);
    }
    // Routing (RFC 1122 §3.3.1.1): on-link destinations directly, others via the gateway.
    wire::mac_address eth_destination;
    bool resolved = false;
    wire::ipv4_address next_hop;
    if (destination.is_broadcast() ||
        (config_.address.prefix_len < 31 && destination == config_.address.broadcast())) {
        eth_destination = wire::mac_address::broadcast();
        resolved = true;
    } else if (destination.is_unspecified() || destination.is_multicast() ||
               destination == config_.address.address) {
        // No loopback and no multicast routing in this stack.
        counters_.drop(drop_reason::ipv4_no_route);
        return unexpected(errc::no_route);
    } else if (config_.address.contains(destination)) {
        next_hop = destination;
    } else if (config_.gateway) {
        next_hop = *config_.gateway;
    } else {
        counters_.drop(drop_reason::ipv4_no_route);
        return unexpected(errc::no_route);
    }

    const std::size_t mtu = path_mtu(now, destination);
    // RFC 791 §3.2 "Fragmentation": every fragment but the last carries a multiple of 8 bytes.
    const std::size_t room = mtu - ipv4::min_header_len;
    const std::size_t chunk = room & ~std::size_t{7};
    const std::size_t nfrags =
        l4_len <= room || gso_size > 0 ? 1 : (l4_len + chunk - 1) / chunk;
    const std::size_t frame_len_max = ethernet::min_header_len + ipv4::min_header_len +
                                      (nfrags == 1 ? l4_len : chunk);

    arp_entry* entry = nullptr;
    if (!resolved) {
        entry = arp_.find(next_hop);
        if (entry != nullptr && entry->resolved && entry->expires <= now) {
            arp_.erase(next_hop);  // Aged out: resolve again before trusting it.
            entry = nullptr;
        }
        if (entry != nullptr && entry->resolved) {
            eth_destination = entry->mac;
            resolved = true;
            // RFC 1122 §2.3.2.1: refresh an entry in use before it expires with a unicast
            // request, so traffic to a live neighbour never stalls on re-resolution.
            if (entry->expires - now <= config_.limits.arp_refresh_window &&
                entry->next_request <= now) {
                send_arp(arp::operation::request, entry->mac, wire::mac_address{}, next_hop);
                counters_.count(stat::arp_requests_sent);
                entry->next_request = now + config_.limits.arp_retry_interval;
            }
        }
    }
    if (gso_size > 0 && !resolved) {
        // The caller checked resolution (tcp_tso_payload_max); the ARP queue holds MTU-sized
        // frames only. Lost like a drop on the wire: the connection retransmits MSS-sized.
        counters_.drop(drop_reason::arp_queue_full);
        return unexpected(errc::would_block);
    }
    if (resolved) {
        if (!tx_.fits(nfrags, frame_len_max)) {
            counters_.drop(drop_reason::tx_queue_full);
            tx_blocked_ = true;
            return unexpected(errc::would_block);
        }
    } else {
        // Resolution starts before the queue check: a datagram too large for the queue (more
        // fragments than arp_pending_per_dest_max) is dropped, but its retransmission must
        // then find the neighbour resolved rather than be dropped the same way forever.
        if (entry == nullptr) {
            entry = arp_.start_resolving(next_hop);
            if (entry == nullptr) {
                counters_.drop(drop_reason::arp_cache_full);
                return unexpected(errc::would_block);
            }
            send_arp(arp::operation::request, wire::mac_address::broadcast(), wire::mac_address{},
                     next_hop);
            counters_.count(stat::arp_requests_sent);
            entry->requests_sent = 1;
            entry->next_request = now + config_.limits.arp_retry_interval;
        }
        // RFC 1122 §2.3.2.2: queue (a bounded number of) packets while resolving.
        if (pending_.free() < nfrags ||
            pending_.count(next_hop) + nfrags > config_.limits.arp_pending_per_dest_max) {
            counters_.drop(drop_reason::arp_queue_full);
            return unexpected(errc::would_block);
        }
    }

    const ethernet::repr eth{.destination = eth_destination,
                             .source = config_.mac,
                             .ethertype = ethernet::ethertype::ipv4,
                             .vlan = std::nullopt};
    ipv4::repr ip{.source = config_.address.address,
                  .destination = destination,
                  .protocol = protocol,
                  .ttl = config_.limits.ttl,
                  .ident = next_ident_++};
    // RFC 1191 §3: TCP sets DF for path MTU discovery (segments fit the path MTU by MSS).
    ip.dont_frag = dont_frag && nfrags == 1;
    if (writer != nullptr && resolved && nfrags == 1) {
        // The whole datagram to a resolved neighbour: written in place in its frame.
        const std::size_t frame_len = ethernet::min_header_len + ipv4::min_header_len + l4_len;
        auto buf = tx_.reserve(frame_len);
        NETRIG_ASSERT(buf.has_value());  // Capacity was checked above.
        eth.emit(*buf);
        ip.payload_len = static_cast<std::uint16_t>(l4_len);
        const mut_bytes packet = buf->subspan(ethernet::min_header_len);
        ip.emit(packet);
        const mut_bytes datagram = packet.subspan(ipv4::min_header_len);
        writer->write(writer->context, datagram);
        // Offload request as below (not fragmented, not parked: the device completes it).
        tx_.set_info(tx_info_for(protocol, datagram, gso_size));
        tx_.commit();
        counters_.count(stat::ipv4_sent);
        return {};
    }
    if (writer != nullptr) {
        // Fragmented or parked for ARP: built whole first, then copied piecewise below.
        const mut_bytes built{scratch_.data(), l4_len};
        writer->write(writer->context, built);
        l4 = built;
    }
    // Offload requests ride with frames queued for the device. Fragments and frames parked
    // for ARP resolution (whose queue keeps no request) get their checksum completed here.
    const tx_frame_info info = tx_info_for(protocol, l4, gso_size);
    const bool offloaded = resolved && nfrags == 1;
    std::uint16_t csum_field = 0;
    if (info.needs_checksum && !offloaded) {
        csum_field = info.checksum_offset;
    }
    std::size_t offset = 0;
    for (std::size_t i = 0; i < nfrags; ++i) {
        const std::size_t len = nfrags == 1 ? l4.size() : std::min(chunk, l4.size() - offset);
        const std::size_t frame_len = ethernet::min_header_len + ipv4::min_header_len + len;
        auto buf = resolved ? tx_.reserve(frame_len, offloaded ? info : tx_frame_info{})
                            : pending_.reserve(next_hop, frame_len);
        NETRIG_ASSERT(buf.has_value());  // Capacity was checked above.
        eth.emit(*buf);
        // RFC 791 §3.2: every fragment carries the whole header with MF set but on the last
        // and its data's offset in the original datagram.
        ip.payload_len = static_cast<std::uint16_t>(len);
        ip.more_frags = offset + len < l4.size();
        ip.frag_offset = static_cast<std::uint16_t>(offset);
        const mut_bytes packet = buf->subspan(ethernet::min_header_len);
        ip.emit(packet);
        const auto data = l4.subspan(offset, len);
        std::copy(data.begin(), data.end(),
                  packet.begin() + static_cast<std::ptrdiff_t>(ipv4::min_header_len));
        if (csum_field != 0 && i == 0) {
            complete_checksum(packet, ipv4::min_header_len + csum_field, l4, protocol);
        }
        if (resolved) {
            tx_.commit();
        }
        offset += len;
    }
    NETRIG_ASSERT(offset == l4.size());
    counters_.count(stat::ipv4_sent);
    if (nfrags > 1) {
        counters_.count(stat::ipv4_fragments_sent, nfrags);
    }
    return {};
}

// ------------------------------------------------------------------------------- timers

void interface::on_poll_start(instant now) {
    last_now_ = std::max(last_now_, now);
    if (announce_pending_) {
        announce_pending_ = false;
        // RFC 5227 §3 / RFC 826: a gratuitous request (sender = target = our address)
        // announces our binding and refreshes stale neighbour caches.
        send_arp(arp::operation::request, wire::mac_address::broadcast(), wire::mac_address{},
                 config_.address.address);
        counters_.count(stat::arp_gratuitous_sent);
    }
    // ARP: retry requests in progress; give up (dropping their queued frames) after the limit.
    arp_.for_each([&](arp_entry& e) {
        if (e.resolved || e.next_request > now) {
            return;
        }
        if (e.requests_sent >= config_.limits.arp_requests_max) {
            counters_.drop(drop_reason::arp_unresolved, pending_.discard(e.ip));
            e.requests_sent = 0xff;  // Marked for erase_if below.
            return;
        }
        send_arp(arp::operation::request, wire::mac_address::broadcast(), wire::mac_address{},
                 e.ip);
        counters_.count(stat::arp_requests_sent);
        ++e.requests_sent;
        e.next_request = now + config_.limits.arp_retry_interval;
    });
    arp_.erase_if([&](const arp_entry& e) {
        return (!e.resolved && e.requests_sent == 0xff) || (e.resolved && e.expires <= now);
    });
    counters_.drop(drop_reason::reasm_timeout, reasm_.expire(now));
    pmtu_.expire(now);
    tcp_on_poll(now);
}

void interface::on_poll_end() {
    if (tx_blocked_ && tx_.free() > 0) {
        tx_blocked_ = false;
        for (std::size_t i = 0; i < udp_.size(); ++i) {
            if (udp_[i].open) {
                mark_udp(i);
            }
        }
        for (std::size_t i = 0; i < ping_.size(); ++i) {
            if (ping_[i].open) {
                mark_ping(i);
            }
        }
    }
}

std::optional<instant> interface::next_deadline() const {
    if (!tx_.empty() || announce_pending_) {
        return last_now_;
    }
    std::optional<instant> d = reasm_.next_deadline();
    if (const auto t = tcp_next_deadline(); t && (!d || *t < *d)) {
        d = t;
    }
    const auto consider = [&d](instant t) {
        if (!d || t < *d) {
            d = t;
        }
    };
    // Only unresolved entries need a timer; resolved ones age lazily on use and on poll.
    arp_.for_each([&](const arp_entry& e) {
        if (!e.resolved) {
            consider(e.next_request);
        }
    });
    return d;
}

}  // namespace netrig::core
