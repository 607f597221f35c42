// SPDX-License-Identifier: MIT
// wire: the tcpdump-like frame printer.
#include "wire/pretty_print.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "wire/arp.hpp"
#include "wire/ethernet.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"
#include "wire/udp.hpp"

namespace netrig::wire {

namespace {

using out_t = std::back_insert_iterator<std::string>;

struct ip_fmt {
    ipv4_address a;
};

}  // namespace
}  // namespace netrig::wire

template <>
struct fmt::formatter<netrig::wire::ip_fmt> {
    constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
    template <class Ctx>
    auto format(const netrig::wire::ip_fmt& f, Ctx& ctx) const {
        const auto o = f.a.octets();
        return fmt::format_to(ctx.out(), "{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
    }
};

namespace netrig::wire {

namespace {

void print_arp(std::string& s, bytes payload) {
    auto v = arp::view::parse(payload);
    if (!v) {
        s += v.error() == parse_error::truncated ? "ARP, [|arp]"
                                                  : fmt::format("ARP, [bad arp: {}]",
                                                                to_string(v.error()));
        return;
    }
    switch (v->oper()) {
        case 1:
            fmt::format_to(out_t{s}, "ARP, Request who-has {} tell {}, length {}",
                           ip_fmt{v->target_ip()}, ip_fmt{v->sender_ip()}, payload.size());
            return;
        case 2:
            fmt::format_to(out_t{s}, "ARP, Reply {} is-at {}, length {}", ip_fmt{v->sender_ip()},
                           v->sender_hw().to_string(), payload.size());
            return;
        default:
            fmt::format_to(out_t{s}, "ARP, Unknown operation ({}), length {}", v->oper(),
                           payload.size());
    }
}

// tcpdump's flag letters, in its order (print-tcp.c tcp_flag_values).
void print_tcp_flags(std::string& s, std::uint8_t flags) {
    static constexpr std::pair<std::uint8_t, char> letters[] = {
        {tcp::flag::fin, 'F'}, {tcp::flag::syn, 'S'}, {tcp::flag::rst, 'R'},
        {tcp::flag::psh, 'P'}, {tcp::flag::ack, '.'}, {tcp::flag::urg, 'U'},
        {tcp::flag::ece, 'E'}, {tcp::flag::cwr, 'W'},
    };
    s += "Flags [";
    if (flags == 0) {
        s += "none";
    }
    for (const auto& [bit, letter] : letters) {
        if ((flags & bit) != 0) {
            s += letter;
        }
    }
    s += ']';
}

void print_tcp_options(std::string& s, bytes raw) {
    if (raw.empty()) {
        return;
    }
    s += ", options [";
    tcp::option_reader reader{raw};
    bool first = true;
    for (;;) {
        auto next = reader.next();
        if (!next) {
            s += first ? "[bad opt]" : ",[bad opt]";
            break;
        }
        if (!*next) {
            break;
        }
        const tcp::option& o = **next;
        if (!first) {
            s += ',';
        }
        first = false;
        switch (o.kind) {
            case tcp::option_kind::eol:
                s += "eol";
                break;
            case tcp::option_kind::nop:
                s += "nop";
                break;
            case tcp::option_kind::mss:
                fmt::format_to(out_t{s}, "mss {}", load_be16(o.data, 0));
                break;
            case tcp::option_kind::window_scale:
                fmt::format_to(out_t{s}, "wscale {}", o.data[0]);
                break;
            case tcp::option_kind::sack_permitted:
                s += "sackOK";
                break;
            case tcp::option_kind::timestamps:
                fmt::format_to(out_t{s}, "TS val {} ecr {}", load_be32(o.data, 0),
                               load_be32(o.data, 4));
                break;
            case tcp::option_kind::sack:
                fmt::format_to(out_t{s}, "sack {} ", o.data.size() / 8);
                for (std::size_t i = 0; i + 8 <= o.data.size(); i += 8) {
                    fmt::format_to(out_t{s}, "{{{}:{}}}", load_be32(o.data, i),
                                   load_be32(o.data, i + 4));
                }
                break;
            default:
                fmt::format_to(out_t{s}, "opt-{}", o.kind);
                break;
        }
    }
    s += ']';
}

void print_tcp(std::string& s, const ipv4::view& ip, bool whole) {
    const bytes pl = ip.payload();
    auto v = tcp::view::parse(pl);
    if (!v) {
        fmt::format_to(out_t{s}, "IP {} > {}: ", ip_fmt{ip.source()}, ip_fmt{ip.destination()});
        s += v.error() == parse_error::truncated
                 ? std::string{"[|tcp]"}
                 : fmt::format("[bad tcp: {}]", to_string(v.error()));
        return;
    }
    fmt::format_to(out_t{s}, "IP {}.{} > {}.{}: ", ip_fmt{ip.source()}, v->source_port(),
                   ip_fmt{ip.destination()}, v->destination_port());
    print_tcp_flags(s, v->flags());
    const std::size_t len = v->payload().size();
    const std::uint8_t flags = v->flags();
    // print-tcp.c: the sequence number is shown for data and for SYN/FIN/RST.
    if (len > 0) {
        fmt::format_to(out_t{s}, ", seq {}:{}", v->seq().raw(),
                       static_cast<std::uint32_t>(v->seq().raw() + len));
    } else if ((flags & (tcp::flag::syn | tcp::flag::fin | tcp::flag::rst)) != 0) {
        fmt::format_to(out_t{s}, ", seq {}", v->seq().raw());
    }
    if ((flags & tcp::flag::ack) != 0) {
        fmt::format_to(out_t{s}, ", ack {}", v->ack().raw());
    }
    fmt::format_to(out_t{s}, ", win {}", v->window());
    if ((flags & tcp::flag::urg) != 0) {
        fmt::format_to(out_t{s}, ", urg {}", v->urgent_ptr());
    }
    print_tcp_options(s, v->options());
    fmt::format_to(out_t{s}, ", length {}", len);
    if (whole && !v->checksum_ok(ip.source(), ip.destination())) {
        fmt::format_to(out_t{s}, " [bad tcp cksum 0x{:04x}]", v->checksum());
    }
}

void print_udp(std::string& s, const ipv4::view& ip, bool whole) {
    auto v = udp::view::parse(ip.payload());
    if (!v) {
        fmt::format_to(out_t{s}, "IP {} > {}: ", ip_fmt{ip.source()}, ip_fmt{ip.destination()});
        s += v.error() == parse_error::truncated
                 ? std::string{"[|udp]"}
                 : fmt::format("[bad udp: {}]", to_string(v.error()));
        return;
    }
    fmt::format_to(out_t{s}, "IP {}.{} > {}.{}: UDP, length {}", ip_fmt{ip.source()},
                   v->source_port(), ip_fmt{ip.destination()}, v->destination_port(),
                   v->payload().size());
    if (whole && !v->checksum_ok(ip.source(), ip.destination())) {
        fmt::format_to(out_t{s}, " [bad udp cksum 0x{:04x}]", v->checksum());
    }
}

// The quoted datagram of an ICMP error, as tcpdump names it ("10.0.0.2 udp port 9001").
// The quote is usually cut (RFC 792: header + 64 bits; Linux: up to 576 bytes in all), so its
// total length is not checked: only the quoted header itself must be there.
void print_unreachable(std::string& s, const icmpv4::view& v) {
    const bytes quote = v.data();
    const std::size_t ihl =
        quote.empty() ? 0 : std::size_t{static_cast<unsigned>(quote[0]) & 0x0fU} * 4;
    if (quote.size() < ipv4::min_header_len || (quote[0] >> 4U) != 4 ||
        ihl < ipv4::min_header_len || ihl > quote.size()) {
        fmt::format_to(out_t{s}, "unreachable (code {}) [|icmp]", v.code());
        return;
    }
    const ipv4_address dst = ipv4_address::from_bytes(quote.subspan(ipv4::field::destination));
    const std::uint8_t proto = quote[ipv4::field::protocol];
    const bytes l4 = quote.subspan(ihl);
    switch (v.code()) {
        case icmpv4::unreachable::net:
            fmt::format_to(out_t{s}, "net {} unreachable", ip_fmt{dst});
            break;
        case icmpv4::unreachable::host:
            fmt::format_to(out_t{s}, "host {} unreachable", ip_fmt{dst});
            break;
        case icmpv4::unreachable::protocol:
            fmt::format_to(out_t{s}, "{} protocol {} unreachable", ip_fmt{dst}, proto);
            break;
        case icmpv4::unreachable::port:
            if (l4.size() >= 4 &&
                (proto == ipv4::protocol::udp || proto == ipv4::protocol::tcp)) {
                fmt::format_to(out_t{s}, "{} {} port {} unreachable", ip_fmt{dst},
                               proto == ipv4::protocol::udp ? "udp" : "tcp", load_be16(l4, 2));
            } else {
                fmt::format_to(out_t{s}, "{} port unreachable", ip_fmt{dst});
            }
            break;
        case icmpv4::unreachable::frag_needed:
            fmt::format_to(out_t{s}, "{} unreachable - need to frag (mtu {})", ip_fmt{dst},
                           v.next_hop_mtu());
            break;
        default:
            fmt::format_to(out_t{s}, "{} unreachable (code {})", ip_fmt{dst}, v.code());
            break;
    }
}

void print_icmp(std::string& s, const ipv4::view& ip, bool whole) {
    fmt::format_to(out_t{s}, "IP {} > {}: ", ip_fmt{ip.source()}, ip_fmt{ip.destination()});
    auto v = icmpv4::view::parse(ip.payload());
    if (!v) {
        s += "ICMP [|icmp]";
        return;
    }
    s += "ICMP ";
    switch (v->type()) {
        case 8:
        case 0:
            fmt::format_to(out_t{s}, "echo {}, id {}, seq {}", v->type() == 8 ? "request" : "reply",
                           v->ident(), v->seq_no());
            break;
        case 3:
            print_unreachable(s, *v);
            break;
        case 11:
            s += v->code() == icmpv4::time_exceeded::ttl ? "time exceeded in-transit"
                                                          : "ip reassembly time exceeded";
            break;
        default:
            fmt::format_to(out_t{s}, "type-#{}", v->type());
            break;
    }
    fmt::format_to(out_t{s}, ", length {}", v->message().size());
    if (whole && !v->checksum_ok()) {
        fmt::format_to(out_t{s}, " [bad icmp cksum 0x{:04x}]", v->checksum());
    }
}

void print_ipv4(std::string& s, bytes packet) {
    auto v = ipv4::view::parse(packet);
    if (!v) {
        if (v.error() == parse_error::truncated) {
            s += "IP [|ip]";
        } else {
            fmt::format_to(out_t{s}, "IP [bad ip: {}]", to_string(v.error()));
        }
        return;
    }
    if (!v->checksum_ok()) {
        fmt::format_to(out_t{s}, "[bad ip cksum 0x{:04x}] ", v->checksum());
    }
    // Only the first fragment carries the L4 header; the L4 checksum needs all fragments.
    const bool first_frag = v->frag_offset() == 0;
    const bool whole = first_frag && !v->more_frags();
    if (!first_frag) {
        fmt::format_to(out_t{s}, "IP {} > {}: ip-proto-{}", ip_fmt{v->source()},
                       ip_fmt{v->destination()}, v->protocol());
        return;
    }
    switch (v->protocol()) {
        case ipv4::protocol::tcp:
            print_tcp(s, *v, whole);
            break;
        case ipv4::protocol::udp:
            print_udp(s, *v, whole);
            break;
        case ipv4::protocol::icmp:
            print_icmp(s, *v, whole);
            break;
        default:
            fmt::format_to(out_t{s}, "IP {} > {}: ip-proto-{} {}", ip_fmt{v->source()},
                           ip_fmt{v->destination()}, v->protocol(), v->payload().size());
            break;
    }
}

}  // namespace

std::string pretty_print(bytes frame) {
    std::string s;
    auto eth = ethernet::view::parse(frame);
    if (!eth) {
        return "[|ether]";
    }
    if (eth->has_vlan()) {
        const auto tag = eth->vlan();
        fmt::format_to(out_t{s}, "vlan {}, p {}, ", tag.vid, tag.pcp);
    }
    switch (eth->ethertype()) {
        case ethernet::ethertype::ipv4:
            print_ipv4(s, eth->payload());
            break;
        case ethernet::ethertype::arp:
            print_arp(s, eth->payload());
            break;
        default:
            fmt::format_to(out_t{s}, "ethertype 0x{:04x}, length {}", eth->ethertype(),
                           frame.size());
            break;
    }
    return s;
}

std::size_t pretty_print(bytes frame, std::span<char> out) {
    const std::string s = pretty_print(frame);
    const std::size_t n = std::min(s.size(), out.size());
    std::copy_n(s.begin(), n, out.begin());
    return n;
}

}  // namespace netrig::wire
