// SPDX-License-Identifier: MIT
// wire: link and network address value types (MAC-48 and IPv4, with CIDR prefix helpers).
// Used by the wire views/reprs and by core, net and cli.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "wire/parse_error.hpp"

namespace netrig::wire {

/// An IEEE 802 MAC-48 address, six octets in transmission order.
class mac_address {
public:
    /// Size on the wire, in bytes.
    static constexpr std::size_t size_bytes = 6;

    /// The all-zero address (00:00:00:00:00:00).
    constexpr mac_address() = default;
    /// An address from its six octets, first transmitted first.
    constexpr explicit mac_address(const std::array<std::uint8_t, size_bytes>& octets)
        : octets_(octets) {}

    /// ff:ff:ff:ff:ff:ff.
    [[nodiscard]] static constexpr mac_address broadcast() {
        return mac_address{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
    }
    /// Reads six octets from b. Preconditions: b.size() >= 6.
    [[nodiscard]] static constexpr mac_address from_bytes(bytes b) {
        NETRIG_ASSERT(b.size() >= size_bytes);
        mac_address m;
        for (std::size_t i = 0; i < size_bytes; ++i) {
            m.octets_[i] = b[i];
        }
        return m;
    }
    /// Parses "aa:bb:cc:dd:ee:ff" (hex digits of either case, ':' or '-' separators).
    /// Errors: parse_error::bad_address for anything else.
    [[nodiscard]] static result<mac_address, parse_error> parse(std::string_view text);

    /// Writes the six octets to out. Preconditions: out.size() >= 6.
    constexpr void write_to(mut_bytes out) const {
        NETRIG_ASSERT(out.size() >= size_bytes);
        for (std::size_t i = 0; i < size_bytes; ++i) {
            out[i] = octets_[i];
        }
    }
    /// The octets, first transmitted first.
    [[nodiscard]] constexpr const std::array<std::uint8_t, size_bytes>& octets() const {
        return octets_;
    }
    /// True for ff:ff:ff:ff:ff:ff.
    [[nodiscard]] constexpr bool is_broadcast() const { return *this == broadcast(); }
    /// True for group addresses (IEEE 802: I/G bit, the low bit of the first octet); broadcast
    /// is a multicast address too.
    [[nodiscard]] constexpr bool is_multicast() const { return (octets_[0] & 0x01U) != 0; }
    /// True for a unicast address that is not all-zero.
    [[nodiscard]] constexpr bool is_unicast() const {
        return !is_multicast() && *this != mac_address{};
    }
    /// "aa:bb:cc:dd:ee:ff" in lower case.
    [[nodiscard]] std::string to_string() const;

    friend constexpr bool operator==(const mac_address&, const mac_address&) = default;

private:
    std::array<std::uint8_t, size_bytes> octets_{};
};

/// An IPv4 address. Held in host byte order so that comparisons and prefix arithmetic are plain
/// integer operations; on the wire it is four octets, most significant first.
class ipv4_address {
public:
    /// Size on the wire, in bytes.
    static constexpr std::size_t size_bytes = 4;

    /// 0.0.0.0.
    constexpr ipv4_address() = default;
    /// The address a.b.c.d.
    constexpr ipv4_address(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d)
        : value_((std::uint32_t{a} << 24U) | (std::uint32_t{b} << 16U) |
                 (std::uint32_t{c} << 8U) | std::uint32_t{d}) {}

    /// The address whose host-order value is v (10.0.0.1 is 0x0a000001).
    [[nodiscard]] static constexpr ipv4_address from_u32(std::uint32_t v) {
        ipv4_address a;
        a.value_ = v;
        return a;
    }
    /// 0.0.0.0, the unspecified address (RFC 1122 §3.2.1.3 "this host").
    [[nodiscard]] static constexpr ipv4_address any() { return {}; }
    /// 255.255.255.255, the limited broadcast address.
    [[nodiscard]] static constexpr ipv4_address broadcast() { return from_u32(0xffffffffU); }
    /// Reads four octets from b (network order). Preconditions: b.size() >= 4.
    [[nodiscard]] static constexpr ipv4_address from_bytes(bytes b) {
        return from_u32(load_be32(b, 0));
    }
    /// Parses dotted decimal "a.b.c.d": exactly four parts of 1-3 digits, each <= 255, no
    /// leading zeros (which some parsers read as octal). Errors: parse_error::bad_address.
    [[nodiscard]] static result<ipv4_address, parse_error> parse(std::string_view text);

    /// Writes the four octets to out (network order). Preconditions: out.size() >= 4.
    constexpr void write_to(mut_bytes out) const { store_be32(out, 0, value_); }
    /// The value in host byte order.
    [[nodiscard]] constexpr std::uint32_t to_u32() const { return value_; }
    /// The four octets, most significant first.
    [[nodiscard]] constexpr std::array<std::uint8_t, size_bytes> octets() const {
        return {static_cast<std::uint8_t>(value_ >> 24U), static_cast<std::uint8_t>(value_ >> 16U),
                static_cast<std::uint8_t>(value_ >> 8U), static_cast<std::uint8_t>(value_)};
    }
    /// True for 0.0.0.0.
    [[nodiscard]] constexpr bool is_unspecified() const { return value_ == 0; }
    /// True for 255.255.255.255.
    [[nodiscard]] constexpr bool is_broadcast() const { return value_ == 0xffffffffU; }
    /// True for 127.0.0.0/8 (RFC 1122 §3.2.1.3 (g)).
    [[nodiscard]] constexpr bool is_loopback() const { return (value_ >> 24U) == 127; }
    /// True for 224.0.0.0/4 (RFC 1112 §4, class D).
    [[nodiscard]] constexpr bool is_multicast() const { return (value_ >> 28U) == 0xe; }
    /// True for 169.254.0.0/16 (RFC 3927).
    [[nodiscard]] constexpr bool is_link_local() const { return (value_ >> 16U) == 0xa9fe; }
    /// "a.b.c.d".
    [[nodiscard]] std::string to_string() const;

    friend constexpr bool operator==(ipv4_address, ipv4_address) = default;
    /// Numeric order of the host-order value; useful for sorted tables.
    friend constexpr auto operator<=>(ipv4_address, ipv4_address) = default;

private:
    std::uint32_t value_ = 0;
};

/// An IPv4 address with a prefix length, as in "10.0.0.1/24" (an interface address and its
/// subnet).
struct ipv4_cidr {
    /// The address (host bits are kept: "10.0.0.1/24" keeps .1).
    ipv4_address address;
    /// Prefix length, 0..32.
    std::uint8_t prefix_len = 0;

    /// Parses "a.b.c.d/n" with n in 0..32. Errors: parse_error::bad_address.
    [[nodiscard]] static result<ipv4_cidr, parse_error> parse(std::string_view text);

    /// The netmask, e.g. 255.255.255.0 for /24. Preconditions: prefix_len <= 32.
    [[nodiscard]] constexpr ipv4_address netmask() const {
        NETRIG_ASSERT(prefix_len <= 32);
        // A shift by 32 is undefined, so /0 is handled apart.
        return ipv4_address::from_u32(prefix_len == 0 ? 0U : ~0U << (32U - prefix_len));
    }
    /// The network address (host bits cleared).
    [[nodiscard]] constexpr ipv4_address network() const {
        return ipv4_address::from_u32(address.to_u32() & netmask().to_u32());
    }
    /// The directed broadcast address (host bits set).
    [[nodiscard]] constexpr ipv4_address broadcast() const {
        return ipv4_address::from_u32(address.to_u32() | ~netmask().to_u32());
    }
    /// True if a is inside this subnet.
    [[nodiscard]] constexpr bool contains(ipv4_address a) const {
        return (a.to_u32() & netmask().to_u32()) == network().to_u32();
    }
    /// "a.b.c.d/n".
    [[nodiscard]] std::string to_string() const;

    friend constexpr bool operator==(const ipv4_cidr&, const ipv4_cidr&) = default;
};

}  // namespace netrig::wire
