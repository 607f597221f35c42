// SPDX-License-Identifier: MIT
// core: the gtest fixture shared by the interface tests: one interface (10.0.0.1/24, gateway
// 10.0.0.254) and a scripted peer (10.0.0.2) whose frames the tests build by hand. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "core/test_support.hpp"

namespace netrig::core::testing {

inline const wire::mac_address our_mac{{0x02, 0, 0, 0, 0, 0x01}};
inline const wire::mac_address peer_mac{{0x02, 0, 0, 0, 0, 0x02}};
inline const wire::mac_address gateway_mac{{0x02, 0, 0, 0, 0, 0xfe}};
inline constexpr wire::ipv4_address our_ip{10, 0, 0, 1};
inline constexpr wire::ipv4_address peer_ip{10, 0, 0, 2};
inline constexpr wire::ipv4_address gateway_ip{10, 0, 0, 254};

/// A config for our side; tests tweak it before calling make().
inline interface_config default_config() {
    interface_config c;
    c.mac = our_mac;
    c.address = wire::ipv4_cidr{our_ip, 24};
    c.gateway = gateway_ip;
    c.gratuitous_arp = false;
    return c;
}

/// Time from the start of a test, for readability: at(1500ms).
inline instant at(duration d) { return instant{d}; }

class interface_test : public ::testing::Test {
protected:
    interface_config cfg = default_config();
    rng random{1};
    std::unique_ptr<interface> iface;

    /// (Re)builds the interface from cfg.
    void make() { iface = std::make_unique<interface>(cfg, random); }
    void SetUp() override { make(); }

    /// Frames the interface emits at now.
    std::vector<frame> out(instant now) { return drain(*iface, now); }

    /// An IPv4 frame from the peer to us carrying payload.
    static frame from_peer(ipv4::repr h, bytes payload) {
        return eth_frame(our_mac, peer_mac, ethernet::ethertype::ipv4, ipv4_packet(h, payload));
    }
    /// A default header peer -> us.
    static ipv4::repr peer_header(std::uint8_t protocol) {
        return {
            .source = peer_ip, .destination = our_ip, .protocol = protocol, .ttl = 64, .ident = 77};
    }
    /// Teaches the interface the peer's MAC with an ARP request from the peer (and eats the
    /// reply).
    void learn_peer(instant now) {
        iface->receive(now,
                       arp_frame(wire::mac_address::broadcast(), {.op = arp::operation::request,
                                                                  .sender_hw = peer_mac,
                                                                  .sender_ip = peer_ip,
                                                                  .target_hw = {},
                                                                  .target_ip = our_ip}));
        ASSERT_EQ(out(now).size(), 1U);
    }
    /// An ARP reply from host (ip, mac) to us.
    static frame arp_reply_from(wire::ipv4_address ip, wire::mac_address mac) {
        return arp_frame(our_mac, {.op = arp::operation::reply,
                                   .sender_hw = mac,
                                   .sender_ip = ip,
                                   .target_hw = our_mac,
                                   .target_ip = our_ip});
    }
    /// The count of a drop reason.
    [[nodiscard]] std::uint64_t drops(drop_reason r) const { return iface->stats()[r]; }
};

}  // namespace netrig::core::testing
