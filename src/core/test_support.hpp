// SPDX-License-Identifier: MIT
// core: helpers for core's tests, the core sim scenario and the fuzz corpus generator: frame
// builders, a decoder, and draining an interface's transmit queue into vectors. Test-only (it
// allocates per frame); no production code includes it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "core/interface.hpp"
#include "core/packet.hpp"
#include "wire/checksum.hpp"

namespace netrig::core::testing {

/// One frame as an owning vector.
using frame = std::vector<std::uint8_t>;

/// Polls `iface` at `now` until it emits nothing more; returns the frames in order.
inline std::vector<frame> drain(interface& iface, instant now) {
    std::vector<frame> out;
    for (;;) {
        const std::size_t n = iface.poll(now, [&](std::size_t len, auto&& fill) {
            frame f(len);
            fill(mut_bytes{f});
            out.push_back(std::move(f));
        });
        if (n == 0) {
            return out;
        }
    }
}

/// An Ethernet frame around payload.
inline frame eth_frame(wire::mac_address destination, wire::mac_address source,
                       std::uint16_t ethertype, bytes payload) {
    frame f(pkt::eth_header_len + payload.size());
    pkt::emit_eth(f, {.destination = destination, .source = source, .ethertype = ethertype});
    std::copy(payload.begin(), payload.end(), f.begin() + pkt::eth_header_len);
    return f;
}

/// An ARP frame (Ethernet destination given separately from the ARP target hardware address).
inline frame arp_frame(wire::mac_address eth_destination, const pkt::arp_packet& p) {
    std::vector<std::uint8_t> a(pkt::arp_len);
    pkt::emit_arp(a, p);
    return eth_frame(eth_destination, p.sender_hw, pkt::ethertype_arp, a);
}

/// An IPv4 packet: header h (total_len filled in, no options) then payload.
inline frame ipv4_packet(pkt::ipv4_header h, bytes payload) {
    frame p(pkt::ipv4_header_len + payload.size());
    h.total_len = static_cast<std::uint16_t>(p.size());
    pkt::emit_ipv4(p, h);
    std::copy(payload.begin(), payload.end(), p.begin() + pkt::ipv4_header_len);
    return p;
}

/// A UDP datagram (header + payload) with a correct checksum.
inline frame udp_datagram(wire::ipv4_address source, wire::ipv4_address destination,
                          std::uint16_t source_port, std::uint16_t destination_port,
                          bytes payload) {
    frame d(pkt::udp_header_len + payload.size());
    std::copy(payload.begin(), payload.end(), d.begin() + pkt::udp_header_len);
    pkt::emit_udp(d, source, destination, source_port, destination_port, false);
    return d;
}

/// An ICMP message: type, code, 4 bytes rest-of-header, body, with a correct checksum.
inline frame icmp_message(std::uint8_t type, std::uint8_t code, std::uint32_t rest, bytes body) {
    frame m(pkt::icmp_header_len + body.size());
    m[0] = type;
    m[1] = code;
    store_be32(m, 4, rest);
    std::copy(body.begin(), body.end(), m.begin() + pkt::icmp_header_len);
    store_be16(m, 2, wire::internet_checksum(m));
    return m;
}

/// A decoded frame, for assertions.
struct decoded {
    pkt::eth_header eth;                  ///< always present
    std::optional<pkt::arp_packet> arp;   ///< if ARP
    std::optional<pkt::ipv4_header> ip;   ///< if IPv4 (checksum verified)
    frame ip_payload;                     ///< IPv4 payload
};

/// Decodes an Ethernet frame built by the interface. Returns nullopt if malformed.
inline std::optional<decoded> decode(bytes f) {
    auto eth = pkt::parse_eth(f);
    if (!eth) {
        return std::nullopt;
    }
    decoded d{.eth = *eth, .arp = {}, .ip = {}, .ip_payload = {}};
    const bytes rest = f.subspan(pkt::eth_header_len);
    if (eth->ethertype == pkt::ethertype_arp) {
        auto a = pkt::parse_arp(rest);
        if (!a) {
            return std::nullopt;
        }
        d.arp = *a;
    } else if (eth->ethertype == pkt::ethertype_ipv4) {
        auto h = pkt::parse_ipv4(rest, true);
        if (!h) {
            return std::nullopt;
        }
        d.ip = *h;
        const bytes pl = rest.subspan(h->header_len, h->total_len - h->header_len);
        d.ip_payload.assign(pl.begin(), pl.end());
    }
    return d;
}

/// Impairments a shuttle applies to each frame it carries (probabilities in [0, 1]).
struct impairments {
    double loss = 0;       ///< the frame vanishes
    double duplicate = 0;  ///< the frame is delivered twice
    double reorder = 0;    ///< the frame is held back and delivered after the next batch
};

/// Carries frames between two interfaces with explicit time: each step polls both at `now` and
/// delivers what one emitted to the other's receive(now). When nothing moves, time jumps to
/// the earliest next_deadline(). Deterministic for a given rng seed.
class shuttle {
public:
    /// Both interfaces (and r, if given) must outlive the shuttle.
    shuttle(interface& a, interface& b, rng* r = nullptr, impairments imp = {})
        : a_(a), b_(b), rng_(r), imp_(imp) {}

    /// Runs until done() is true (checked after every step), or time passes `until`, or both
    /// sides are idle with no deadline. Returns done(). `now` advances.
    template <class Done>
    bool run(instant& now, instant until, Done&& done) {
        for (int steps = 0; steps < 1000000; ++steps) {
            const bool moved = step(now);
            if (done()) {
                return true;
            }
            if (moved) {
                continue;
            }
            std::optional<instant> next;
            for (const auto d : {a_.next_deadline(), b_.next_deadline()}) {
                if (d && *d > now && (!next || *d < *next)) {
                    next = d;
                }
            }
            if (!next || *next > until) {
                return done();
            }
            now = *next;
        }
        return done();
    }

    /// One exchange at now. Returns true if any frame was emitted or delivered.
    bool step(instant now) {
        auto from_a = drain(a_, now);
        auto from_b = drain(b_, now);
        const bool moved = !from_a.empty() || !from_b.empty() || !held_a_.empty() ||
                           !held_b_.empty();
        deliver(now, from_a, b_, held_a_);
        deliver(now, from_b, a_, held_b_);
        frames_ += from_a.size() + from_b.size();
        return moved;
    }

    /// Frames emitted so far by both sides.
    [[nodiscard]] std::size_t frames() const { return frames_; }

private:
    void deliver(instant now, std::vector<frame>& batch, interface& to, std::vector<frame>& held) {
        std::vector<frame> later;
        for (auto& f : batch) {
            if (rng_ != nullptr && rng_->chance(imp_.loss)) {
                continue;
            }
            if (rng_ != nullptr && rng_->chance(imp_.reorder)) {
                later.push_back(f);
                continue;
            }
            to.receive(now, f);
            if (rng_ != nullptr && rng_->chance(imp_.duplicate)) {
                to.receive(now, f);
            }
        }
        // Frames held back in the previous step arrive after this step's frames.
        for (auto& f : held) {
            to.receive(now, f);
        }
        held = std::move(later);
    }

    interface& a_;
    interface& b_;
    rng* rng_;
    impairments imp_;
    std::vector<frame> held_a_;
    std::vector<frame> held_b_;
    std::size_t frames_ = 0;
};

}  // namespace netrig::core::testing
