// SPDX-License-Identifier: MIT
// wire: IPv4 headers (RFC 791), options bounded to 40 bytes and preserved verbatim.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "wire/address.hpp"
#include "wire/checksum.hpp"
#include "wire/parse_error.hpp"

namespace netrig::wire::ipv4 {

// RFC 791 §3.1:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version|  IHL  |    DSCP   |ECN|          Total Length         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Identification        |Flags|      Fragment Offset    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Time to Live |    Protocol   |         Header Checksum       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       Source Address                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Destination Address                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Options                    |    Padding    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// Byte offsets of the IPv4 header fields.
namespace field {
inline constexpr std::size_t version_ihl = 0;
inline constexpr std::size_t dscp_ecn = 1;
inline constexpr std::size_t total_len = 2;
inline constexpr std::size_t ident = 4;
inline constexpr std::size_t flags_frag_offset = 6;
inline constexpr std::size_t ttl = 8;
inline constexpr std::size_t protocol = 9;
inline constexpr std::size_t checksum = 10;
inline constexpr std::size_t source = 12;
inline constexpr std::size_t destination = 16;
inline constexpr std::size_t options = 20;
}  // namespace field

/// Header length without options.
inline constexpr std::size_t min_header_len = 20;
/// RFC 791: IHL is 4 bits of 32-bit words, so at most 60 bytes, 40 of them options.
inline constexpr std::size_t max_options_len = 40;

/// Protocol numbers we know (IANA).
namespace protocol {
inline constexpr std::uint8_t icmp = 1;
inline constexpr std::uint8_t tcp = 6;
inline constexpr std::uint8_t udp = 17;
}  // namespace protocol

/// A checked read-only view of an IPv4 packet. Valid while the bytes are.
class view {
public:
    /// Checks version, IHL, total length and option framing; not the checksum (see
    /// repr::parse and checksum_ok). Bytes beyond the total length (link padding) are ignored.
    /// Errors: truncated (buffer shorter than 20, than IHL or than total length), bad_version,
    /// bad_header_len (IHL < 5), bad_total_len (total length < IHL), bad_option (an option
    /// length below 2 or past the header).
    [[nodiscard]] static result<view, parse_error> parse(bytes packet);

    /// Header length in bytes (IHL * 4).
    [[nodiscard]] std::size_t header_len() const {
        return std::size_t{load_u8(packet_, field::version_ihl) & 0x0fU} * 4;
    }
    /// DSCP (upper 6 bits of the former TOS).
    [[nodiscard]] std::uint8_t dscp() const {
        return static_cast<std::uint8_t>(load_u8(packet_, field::dscp_ecn) >> 2U);
    }
    /// ECN (RFC 3168; lower 2 bits).
    [[nodiscard]] std::uint8_t ecn() const {
        return static_cast<std::uint8_t>(load_u8(packet_, field::dscp_ecn) & 0x03U);
    }
    /// Total length in bytes.
    [[nodiscard]] std::uint16_t total_len() const { return load_be16(packet_, field::total_len); }
    /// Identification.
    [[nodiscard]] std::uint16_t ident() const { return load_be16(packet_, field::ident); }
    /// The reserved flag bit (must be zero, RFC 791).
    [[nodiscard]] bool reserved_flag() const { return (flags_frag() & 0x8000U) != 0; }
    /// Don't Fragment.
    [[nodiscard]] bool dont_frag() const { return (flags_frag() & 0x4000U) != 0; }
    /// More Fragments.
    [[nodiscard]] bool more_frags() const { return (flags_frag() & 0x2000U) != 0; }
    /// Fragment offset in bytes (the field counts 8-byte units).
    [[nodiscard]] std::uint16_t frag_offset() const {
        return static_cast<std::uint16_t>((flags_frag() & 0x1fffU) * 8U);
    }
    /// Time to live.
    [[nodiscard]] std::uint8_t ttl() const { return load_u8(packet_, field::ttl); }
    /// Protocol number.
    [[nodiscard]] std::uint8_t protocol() const { return load_u8(packet_, field::protocol); }
    /// Header checksum field.
    [[nodiscard]] std::uint16_t checksum() const { return load_be16(packet_, field::checksum); }
    /// Source address.
    [[nodiscard]] ipv4_address source() const {
        return ipv4_address::from_bytes(packet_.subspan(field::source));
    }
    /// Destination address.
    [[nodiscard]] ipv4_address destination() const {
        return ipv4_address::from_bytes(packet_.subspan(field::destination));
    }
    /// The option bytes (header_len() - 20 of them, padding included).
    [[nodiscard]] bytes options() const {
        return packet_.subspan(field::options, header_len() - min_header_len);
    }
    /// The header bytes.
    [[nodiscard]] bytes header() const { return packet_.first(header_len()); }
    /// The payload: from the header's end to the total length.
    [[nodiscard]] bytes payload() const { return packet_.subspan(header_len()); }
    /// The packet up to its total length.
    [[nodiscard]] bytes packet() const { return packet_; }
    /// True if the header checksum verifies (always in fuzzing builds).
    [[nodiscard]] bool checksum_ok() const { return verify_checksum(header()); }

private:
    explicit view(bytes packet) : packet_(packet) {}
    [[nodiscard]] std::uint16_t flags_frag() const {
        return load_be16(packet_, field::flags_frag_offset);
    }
    bytes packet_;
};

/// A validated IPv4 header. The options are kept verbatim (inline, no allocation).
struct repr {
    ipv4_address source;            ///< source address
    ipv4_address destination;       ///< destination address
    std::uint8_t protocol = 0;      ///< protocol number of the payload
    std::uint16_t payload_len = 0;  ///< payload bytes (total length - header length)
    std::uint8_t ttl = 64;          ///< time to live
    std::uint8_t dscp = 0;          ///< DSCP, 0..63
    std::uint8_t ecn = 0;           ///< ECN, 0..3
    std::uint16_t ident = 0;        ///< identification
    bool dont_frag = false;         ///< DF flag
    bool more_frags = false;        ///< MF flag
    std::uint16_t frag_offset = 0;  ///< fragment offset in bytes, a multiple of 8
    std::uint8_t options_len = 0;   ///< option bytes used, a multiple of 4, <= 40
    std::array<std::uint8_t, max_options_len> options_storage{};  ///< option bytes, rest zero

    /// Reads a header from a view. With checksum_policy::compute the header checksum must
    /// verify. Errors: bad_checksum; bad_value (the reserved flag set, RFC 791 "must be zero").
    [[nodiscard]] static result<repr, parse_error> parse(
        const view& v, checksum_policy policy = checksum_policy::compute);

    /// The options, verbatim.
    [[nodiscard]] bytes options() const { return bytes{options_storage}.first(options_len); }
    /// Sets the options. Preconditions: opts.size() <= 40 and a multiple of 4.
    void set_options(bytes opts);
    /// Header length: 20 + options.
    [[nodiscard]] std::size_t header_len() const { return min_header_len + options_len; }
    /// Header plus payload.
    [[nodiscard]] std::size_t buffer_len() const { return header_len() + payload_len; }
    /// Writes the header into buffer[0, header_len()); the payload after it is the caller's.
    /// The checksum is computed unless policy is skip (then 0; a device fills it).
    /// Preconditions: buffer.size() == buffer_len(); buffer_len() <= 65535; dscp <= 63;
    /// ecn <= 3; frag_offset % 8 == 0.
    void emit(mut_bytes buffer, checksum_policy policy = checksum_policy::compute) const;

    friend bool operator==(const repr&, const repr&) = default;
};

/// Recomputes the header checksum in place (e.g. after a TTL change). Preconditions: header is
/// a whole header (20..60 bytes, a multiple of 4).
void fill_checksum(mut_bytes header);

/// Decrements the TTL in place and patches the checksum incrementally (RFC 1624 eqn. 3), as a
/// forwarder does. Preconditions: header.size() >= 20; TTL > 0.
void decrement_ttl(mut_bytes header);

}  // namespace netrig::wire::ipv4
