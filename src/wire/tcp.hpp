// SPDX-License-Identifier: MIT
// wire: TCP segments (RFC 9293 §3.1) over IPv4, with options (see tcp_options.hpp).
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "wire/address.hpp"
#include "wire/checksum.hpp"
#include "wire/parse_error.hpp"
#include "wire/seq32.hpp"
#include "wire/tcp_options.hpp"

namespace netrig::wire::tcp {

// RFC 9293 §3.1:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          Source Port          |       Destination Port        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                        Sequence Number                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Acknowledgment Number                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Data |       |C|E|U|A|P|R|S|F|                               |
// | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
// |       |       |R|E|G|K|H|T|N|N|                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           Checksum            |         Urgent Pointer        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                           [Options]                           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// Byte offsets of the TCP header fields.
namespace field {
inline constexpr std::size_t source_port = 0;
inline constexpr std::size_t destination_port = 2;
inline constexpr std::size_t seq = 4;
inline constexpr std::size_t ack = 8;
inline constexpr std::size_t data_offset = 12;
inline constexpr std::size_t flags = 13;
inline constexpr std::size_t window = 14;
inline constexpr std::size_t checksum = 16;
inline constexpr std::size_t urgent_ptr = 18;
inline constexpr std::size_t options = 20;
}  // namespace field

/// Header length without options.
inline constexpr std::size_t min_header_len = 20;

/// Control bits (the flags byte).
namespace flag {
inline constexpr std::uint8_t fin = 0x01;
inline constexpr std::uint8_t syn = 0x02;
inline constexpr std::uint8_t rst = 0x04;
inline constexpr std::uint8_t psh = 0x08;
inline constexpr std::uint8_t ack = 0x10;
inline constexpr std::uint8_t urg = 0x20;
inline constexpr std::uint8_t ece = 0x40;
inline constexpr std::uint8_t cwr = 0x80;
}  // namespace flag

/// A checked read-only view of a TCP segment.
class view {
public:
    /// Checks the header, the data offset and the option framing. Errors: truncated (< 20
    /// bytes or shorter than the data offset); bad_header_len (data offset < 5); bad_option.
    [[nodiscard]] static result<view, parse_error> parse(bytes segment);

    /// Source port.
    [[nodiscard]] std::uint16_t source_port() const {
        return load_be16(segment_, field::source_port);
    }
    /// Destination port.
    [[nodiscard]] std::uint16_t destination_port() const {
        return load_be16(segment_, field::destination_port);
    }
    /// Sequence number.
    [[nodiscard]] seq32 seq() const { return seq32{load_be32(segment_, field::seq)}; }
    /// Acknowledgment number (meaningful only with ACK).
    [[nodiscard]] seq32 ack() const { return seq32{load_be32(segment_, field::ack)}; }
    /// Header length in bytes (data offset * 4).
    [[nodiscard]] std::size_t header_len() const {
        return (std::size_t{load_u8(segment_, field::data_offset)} >> 4U) * 4;
    }
    /// The control bits.
    [[nodiscard]] std::uint8_t flags() const { return load_u8(segment_, field::flags); }
    /// Window field (unscaled).
    [[nodiscard]] std::uint16_t window() const { return load_be16(segment_, field::window); }
    /// Checksum field.
    [[nodiscard]] std::uint16_t checksum() const { return load_be16(segment_, field::checksum); }
    /// Urgent pointer.
    [[nodiscard]] std::uint16_t urgent_ptr() const {
        return load_be16(segment_, field::urgent_ptr);
    }
    /// The raw option bytes.
    [[nodiscard]] bytes options() const {
        return segment_.subspan(field::options, header_len() - min_header_len);
    }
    /// The data after the header.
    [[nodiscard]] bytes payload() const { return segment_.subspan(header_len()); }
    /// The whole segment.
    [[nodiscard]] bytes segment() const { return segment_; }
    /// True if the checksum verifies with the pseudo-header (always in fuzzing builds).
    [[nodiscard]] bool checksum_ok(ipv4_address source, ipv4_address destination) const;

private:
    explicit view(bytes segment) : segment_(segment) {}
    bytes segment_;
};

/// A validated TCP segment. `payload` refers to the parsed bytes and is valid while they are.
struct repr {
    std::uint16_t source_port = 0;       ///< source port
    std::uint16_t destination_port = 0;  ///< destination port
    seq32 seq;                           ///< sequence number
    seq32 ack;                           ///< acknowledgment number (0 unless flags has ACK)
    std::uint8_t flags = 0;              ///< control bits (tcp::flag)
    std::uint16_t window = 0;            ///< window field, unscaled
    std::uint16_t urgent_ptr = 0;        ///< urgent pointer (0 unless URG)
    tcp::options options;                ///< decoded options
    bytes payload;                       ///< data

    /// Reads a segment carried from source to destination. Errors: bad_checksum (policy
    /// compute); bad_value (a port is 0). The acknowledgment number is kept only with ACK and
    /// the urgent pointer only with URG, so that emit/parse round trips are exact.
    [[nodiscard]] static result<repr, parse_error> parse(
        const view& v, ipv4_address source, ipv4_address destination,
        checksum_policy policy = checksum_policy::compute);

    /// Header length: 20 + options.buffer_len().
    [[nodiscard]] std::size_t header_len() const { return min_header_len + options.buffer_len(); }
    /// Header + payload.
    [[nodiscard]] std::size_t buffer_len() const { return header_len() + payload.size(); }
    /// Sequence space the segment occupies: payload bytes, plus one each for SYN and FIN.
    [[nodiscard]] std::uint32_t segment_len() const;
    /// Writes the segment: header, options, payload (copied unless already in place), checksum
    /// per policy (compute, pseudo_header_only for CHECKSUM_PARTIAL offload, or skip).
    /// Preconditions: buffer.size() == buffer_len() <= 65535.
    void emit(mut_bytes buffer, ipv4_address source, ipv4_address destination,
              checksum_policy policy = checksum_policy::compute) const;

    /// Equal if every field and the payload bytes are equal.
    friend bool operator==(const repr& a, const repr& b);
};

/// Recomputes the checksum of a whole segment in place (after patching a field).
void fill_checksum(mut_bytes segment, ipv4_address source, ipv4_address destination);

}  // namespace netrig::wire::tcp
