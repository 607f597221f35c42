// SPDX-License-Identifier: MIT
// wire: ICMPv4 (RFC 792): echo request/reply, destination unreachable (with the RFC 1191
// next-hop MTU of "fragmentation needed") and time exceeded.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "wire/checksum.hpp"
#include "wire/parse_error.hpp"

namespace netrig::wire::icmpv4 {

// RFC 792 (echo; the other messages put "unused" or, RFC 1191, the next-hop MTU in word 2):
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      |     Code      |          Checksum             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           Identifier          |        Sequence Number        |
// |        unused (= 0)           |         Next-Hop MTU          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Data ... (echo data, or the invoking IP header + 64 bits)
/// Byte offsets of the ICMPv4 fields.
namespace field {
inline constexpr std::size_t type = 0;
inline constexpr std::size_t code = 1;
inline constexpr std::size_t checksum = 2;
inline constexpr std::size_t ident = 4;
inline constexpr std::size_t seq_no = 6;
inline constexpr std::size_t next_hop_mtu = 6;
inline constexpr std::size_t data = 8;
}  // namespace field

/// Header length (type, code, checksum and the 4-byte rest-of-header).
inline constexpr std::size_t header_len = 8;

/// Message types we handle.
enum class message_type : std::uint8_t {
    echo_reply = 0,
    dest_unreachable = 3,
    echo_request = 8,
    time_exceeded = 11,
};

/// Destination unreachable codes (RFC 792, RFC 1122 §3.2.2.1).
namespace unreachable {
inline constexpr std::uint8_t net = 0;
inline constexpr std::uint8_t host = 1;
inline constexpr std::uint8_t protocol = 2;
inline constexpr std::uint8_t port = 3;
inline constexpr std::uint8_t frag_needed = 4;
inline constexpr std::uint8_t source_route_failed = 5;
}  // namespace unreachable

/// Time exceeded codes (RFC 792).
namespace time_exceeded {
inline constexpr std::uint8_t ttl = 0;
inline constexpr std::uint8_t reassembly = 1;
}  // namespace time_exceeded

/// A checked read-only view of an ICMPv4 message.
class view {
public:
    /// Checks that the 8-byte header fits. Errors: truncated.
    [[nodiscard]] static result<view, parse_error> parse(bytes message);

    /// Type field.
    [[nodiscard]] std::uint8_t type() const { return load_u8(message_, field::type); }
    /// Code field.
    [[nodiscard]] std::uint8_t code() const { return load_u8(message_, field::code); }
    /// Checksum field.
    [[nodiscard]] std::uint16_t checksum() const { return load_be16(message_, field::checksum); }
    /// Echo identifier.
    [[nodiscard]] std::uint16_t ident() const { return load_be16(message_, field::ident); }
    /// Echo sequence number.
    [[nodiscard]] std::uint16_t seq_no() const { return load_be16(message_, field::seq_no); }
    /// Next-hop MTU of a fragmentation-needed message (RFC 1191 §4; 0 from old routers).
    [[nodiscard]] std::uint16_t next_hop_mtu() const {
        return load_be16(message_, field::next_hop_mtu);
    }
    /// Everything after the 8-byte header.
    [[nodiscard]] bytes data() const { return message_.subspan(header_len); }
    /// The whole message.
    [[nodiscard]] bytes message() const { return message_; }
    /// True if the checksum over the whole message verifies (always in fuzzing builds).
    [[nodiscard]] bool checksum_ok() const { return verify_checksum(message_); }

private:
    explicit view(bytes message) : message_(message) {}
    bytes message_;
};

/// A validated ICMPv4 message of one of the handled types. `data` refers to the parsed bytes
/// (echo payload, or the invoking datagram's header and first 8 bytes for errors) and is valid
/// while they are.
struct repr {
    message_type type = message_type::echo_request;  ///< message type
    std::uint8_t code = 0;            ///< code (0 for echo)
    std::uint16_t ident = 0;          ///< echo identifier (echo only)
    std::uint16_t seq_no = 0;         ///< echo sequence number (echo only)
    std::uint16_t next_hop_mtu = 0;   ///< next-hop MTU (dest unreachable / frag needed only)
    bytes data;                       ///< the data after the header

    /// Reads a message. Errors: bad_checksum (policy compute); unsupported (another type);
    /// bad_value (echo with a code other than 0, unreachable code > 15, time exceeded code > 1).
    [[nodiscard]] static result<repr, parse_error> parse(
        const view& v, checksum_policy policy = checksum_policy::compute);

    /// 8 + data.size().
    [[nodiscard]] std::size_t buffer_len() const { return header_len + data.size(); }
    /// Writes the message: header, then data (copied unless it already sits at buffer + 8),
    /// then the checksum (unless policy is skip). Preconditions: buffer.size() == buffer_len().
    void emit(mut_bytes buffer, checksum_policy policy = checksum_policy::compute) const;

    /// Equal if every field and the data bytes are equal.
    friend bool operator==(const repr& a, const repr& b);
};

/// An echo request.
[[nodiscard]] repr make_echo_request(std::uint16_t ident, std::uint16_t seq_no, bytes data);
/// The echo reply to request `req` (same identifier, sequence number and data, RFC 792).
[[nodiscard]] repr make_echo_reply(const repr& req);
/// A destination unreachable message quoting `invoking` (its IP header + first 8 data bytes,
/// RFC 792). For code frag_needed give the next-hop MTU (RFC 1191 §4).
/// Preconditions: invoking is the start of the offending datagram.
[[nodiscard]] repr make_dest_unreachable(std::uint8_t code, bytes invoking,
                                         std::uint16_t next_hop_mtu = 0);
/// A time exceeded message quoting `invoking` like make_dest_unreachable.
[[nodiscard]] repr make_time_exceeded(std::uint8_t code, bytes invoking);

}  // namespace netrig::wire::icmpv4
