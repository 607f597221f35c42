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
#include "wire/arp.hpp"
#include "wire/checksum.hpp"
#include "wire/ethernet.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"
#include "wire/udp.hpp"

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

namespace ethernet = wire::ethernet;
namespace arp = wire::arp;
namespace ipv4 = wire::ipv4;
namespace icmpv4 = wire::icmpv4;
namespace udp = wire::udp;

/// The type byte of an ICMP message type, for comparing with raw bytes.
[[nodiscard]] constexpr std::uint8_t type_byte(icmpv4::message_type t) {
    return static_cast<std::uint8_t>(t);
}

/// An Ethernet frame around payload.
inline frame eth_frame(wire::mac_address destination, wire::mac_address source,
                       std::uint16_t ethertype, bytes payload) {
    frame f(ethernet::min_header_len + payload.size());
    const ethernet::repr h{
        .destination = destination, .source = source, .ethertype = ethertype, .vlan = std::nullopt};
    h.emit(f);
    std::copy(payload.begin(), payload.end(), f.begin() + ethernet::min_header_len);
    return f;
}

/// An ARP frame (Ethernet destination given separately from the ARP target hardware address).
inline frame arp_frame(wire::mac_address eth_destination, const arp::repr& p) {
    std::vector<std::uint8_t> a(arp::repr::buffer_len());
    p.emit(a);
    return eth_frame(eth_destination, p.sender_hw, ethernet::ethertype::arp, a);
}

/// An IPv4 packet: header h (payload_len filled in, options kept) then payload.
inline frame ipv4_packet(ipv4::repr h, bytes payload) {
    h.payload_len = static_cast<std::uint16_t>(payload.size());
    frame p(h.buffer_len());
    h.emit(p);
    std::copy(payload.begin(), payload.end(),
              p.begin() + static_cast<std::ptrdiff_t>(h.header_len()));
    return p;
}

/// A UDP datagram (header + payload) with a correct checksum.
inline frame udp_datagram(wire::ipv4_address source, wire::ipv4_address destination,
                          std::uint16_t source_port, std::uint16_t destination_port,
                          bytes payload) {
    const udp::repr r{
        .source_port = source_port, .destination_port = destination_port, .payload = payload};
    frame d(r.buffer_len());
    r.emit(d, source, destination);
    return d;
}

/// An ICMP message: type, code, 4 bytes rest-of-header, body, with a correct checksum. Written
/// by hand (not with icmpv4::repr) so that tests can send types and codes wire rejects.
inline frame icmp_message(std::uint8_t type, std::uint8_t code, std::uint32_t rest, bytes body) {
    frame m(icmpv4::header_len + body.size());
    m[icmpv4::field::type] = type;
    m[icmpv4::field::code] = code;
    store_be32(m, icmpv4::field::ident, rest);
    std::copy(body.begin(), body.end(), m.begin() + icmpv4::header_len);
    store_be16(m, icmpv4::field::checksum, wire::internet_checksum(m));
    return m;
}

/// A decoded frame, for assertions.
struct decoded {
    // Fully qualified: a member named arp must not change what "arp" means in the class.
    wire::ethernet::repr eth;             ///< always present
    std::optional<wire::arp::repr> arp;   ///< if ARP
    std::optional<wire::ipv4::repr> ip;   ///< if IPv4 (checksum verified)
    frame ip_payload;                     ///< IPv4 payload
};

/// Decodes an Ethernet frame built by the interface. Returns nullopt if malformed.
inline std::optional<decoded> decode(bytes f) {
    auto ev = ethernet::view::parse(f);
    if (!ev) {
        return std::nullopt;
    }
    auto eth = ethernet::repr::parse(*ev);
    if (!eth) {
        return std::nullopt;
    }
    decoded d{.eth = *eth, .arp = {}, .ip = {}, .ip_payload = {}};
    if (eth->ethertype == ethernet::ethertype::arp) {
        auto av = arp::view::parse(ev->payload());
        if (!av) {
            return std::nullopt;
        }
        auto a = arp::repr::parse(*av);
        if (!a) {
            return std::nullopt;
        }
        d.arp = *a;
    } else if (eth->ethertype == ethernet::ethertype::ipv4) {
        auto iv = ipv4::view::parse(ev->payload());
        if (!iv) {
            return std::nullopt;
        }
        auto h = ipv4::repr::parse(*iv);
        if (!h) {
            return std::nullopt;
        }
        d.ip = *h;
        const bytes pl = iv->payload();
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
