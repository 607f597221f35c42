// SPDX-License-Identifier: MIT
// wire: ARP (RFC 826) for IPv4 over Ethernet, the only combination we speak.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "wire/address.hpp"
#include "wire/parse_error.hpp"

namespace netrig::wire::arp {

//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Hardware type (HTYPE)     |     Protocol type (PTYPE)     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     HLEN      |     PLEN      |        Operation (OPER)       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          Sender hardware address (SHA), 6 octets              |
// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                               | Sender protocol address (SPA) |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   SPA (cont.)                 | Target hardware address (THA) |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |              Target protocol address (TPA)                    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// Byte offsets of the ARP fields (Ethernet/IPv4 sizes).
namespace field {
inline constexpr std::size_t htype = 0;
inline constexpr std::size_t ptype = 2;
inline constexpr std::size_t hlen = 4;
inline constexpr std::size_t plen = 5;
inline constexpr std::size_t oper = 6;
inline constexpr std::size_t sha = 8;
inline constexpr std::size_t spa = 14;
inline constexpr std::size_t tha = 18;
inline constexpr std::size_t tpa = 24;
}  // namespace field

/// Length of an Ethernet/IPv4 ARP packet.
inline constexpr std::size_t packet_len = 28;
/// HTYPE for Ethernet.
inline constexpr std::uint16_t htype_ethernet = 1;

/// ARP operation codes (RFC 826).
enum class operation : std::uint16_t { request = 1, reply = 2 };

/// A checked read-only view of an Ethernet/IPv4 ARP packet.
class view {
public:
    /// Errors: truncated (< 28 bytes); unsupported (HTYPE not Ethernet or PTYPE not IPv4);
    /// bad_length (HLEN != 6 or PLEN != 4).
    [[nodiscard]] static result<view, parse_error> parse(bytes packet);

    /// The OPER field (any value; repr::parse checks it).
    [[nodiscard]] std::uint16_t oper() const { return load_be16(packet_, field::oper); }
    /// Sender hardware address.
    [[nodiscard]] mac_address sender_hw() const {
        return mac_address::from_bytes(packet_.subspan(field::sha));
    }
    /// Sender protocol address.
    [[nodiscard]] ipv4_address sender_ip() const {
        return ipv4_address::from_bytes(packet_.subspan(field::spa));
    }
    /// Target hardware address.
    [[nodiscard]] mac_address target_hw() const {
        return mac_address::from_bytes(packet_.subspan(field::tha));
    }
    /// Target protocol address.
    [[nodiscard]] ipv4_address target_ip() const {
        return ipv4_address::from_bytes(packet_.subspan(field::tpa));
    }

private:
    explicit view(bytes packet) : packet_(packet) {}
    bytes packet_;
};

/// A validated ARP request or reply.
struct repr {
    operation op = operation::request;  ///< request or reply
    mac_address sender_hw;              ///< SHA
    ipv4_address sender_ip;             ///< SPA
    mac_address target_hw;              ///< THA (zero in a request)
    ipv4_address target_ip;             ///< TPA

    /// Errors: unsupported for an operation other than request or reply (RARP, InARP).
    [[nodiscard]] static result<repr, parse_error> parse(const view& v);
    /// Always 28.
    [[nodiscard]] static constexpr std::size_t buffer_len() { return packet_len; }
    /// Writes the packet. Preconditions: buffer.size() == 28.
    void emit(mut_bytes buffer) const;

    friend bool operator==(const repr&, const repr&) = default;
};

/// A request "who has target_ip? tell sender_ip" (RFC 826; THA is zero).
[[nodiscard]] repr make_request(mac_address sender_hw, ipv4_address sender_ip,
                                ipv4_address target_ip);
/// The reply to request `req` from the host that owns req.target_ip with hardware address `hw`.
[[nodiscard]] repr make_reply(const repr& req, mac_address hw);

}  // namespace netrig::wire::arp
