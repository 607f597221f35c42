// SPDX-License-Identifier: MIT
// fuzz/wire: any frame through the pretty printer (which walks every parser), and through the
// parsers layer by layer with each repr round-tripped.
#include <cstdint>
#include <vector>

#include "round_trip.hpp"
#include "wire/arp.hpp"
#include "wire/ethernet.hpp"
#include "wire/icmpv4.hpp"
#include "wire/ipv4.hpp"
#include "wire/pretty_print.hpp"
#include "wire/tcp.hpp"
#include "wire/udp.hpp"

namespace {

using namespace netrig::wire;

void l4(const ipv4::repr& ip, netrig::bytes payload) {
    if (ip.protocol == ipv4::protocol::tcp) {
        if (auto v = tcp::view::parse(payload)) {
            if (auto r = tcp::repr::parse(*v, ip.source, ip.destination)) {
                std::vector<std::uint8_t> out(r->buffer_len());
                r->emit(out, ip.source, ip.destination);
                auto r2 = tcp::repr::parse(tcp::view::parse(out).value(), ip.source,
                                           ip.destination);
                NETRIG_FUZZ_CHECK(r2 && *r2 == *r);
            }
        }
    } else if (ip.protocol == ipv4::protocol::udp) {
        if (auto v = udp::view::parse(payload)) {
            if (auto r = udp::repr::parse(*v, ip.source, ip.destination)) {
                std::vector<std::uint8_t> out(r->buffer_len());
                r->emit(out, ip.source, ip.destination);
                auto r2 = udp::repr::parse(udp::view::parse(out).value(), ip.source,
                                           ip.destination);
                NETRIG_FUZZ_CHECK(r2 && *r2 == *r);
            }
        }
    } else if (ip.protocol == ipv4::protocol::icmp) {
        if (auto v = icmpv4::view::parse(payload)) {
            if (auto r = icmpv4::repr::parse(*v)) {
                std::vector<std::uint8_t> out(r->buffer_len());
                r->emit(out);
                auto r2 = icmpv4::repr::parse(icmpv4::view::parse(out).value());
                NETRIG_FUZZ_CHECK(r2 && *r2 == *r);
            }
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const netrig::bytes in{data, size};
    const std::string line = pretty_print(in);
    NETRIG_FUZZ_CHECK(!line.empty());
    auto eth = ethernet::view::parse(in);
    if (!eth) {
        return 0;
    }
    if (eth->ethertype() == ethernet::ethertype::arp) {
        if (auto a = arp::view::parse(eth->payload())) {
            if (auto r = arp::repr::parse(*a)) {
                std::vector<std::uint8_t> out(r->buffer_len());
                r->emit(out);
                NETRIG_FUZZ_CHECK(arp::repr::parse(arp::view::parse(out).value()) == r);
            }
        }
    } else if (eth->ethertype() == ethernet::ethertype::ipv4) {
        if (auto v = ipv4::view::parse(eth->payload())) {
            if (auto ip = ipv4::repr::parse(*v)) {
                if (ip->frag_offset == 0 && !ip->more_frags) {
                    l4(*ip, v->payload());
                }
            }
        }
    }
    return 0;
}
