// SPDX-License-Identifier: MIT
// wire: UDP datagrams (RFC 768) over IPv4.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "wire/address.hpp"
#include "wire/checksum.hpp"
#include "wire/parse_error.hpp"

namespace netrig::wire::udp {

// RFC 768:
//  0      7 8     15 16    23 24    31
// +--------+--------+--------+--------+
// |     Source      |   Destination   |
// |      Port       |      Port       |
// +--------+--------+--------+--------+
// |                 |                 |
// |     Length      |    Checksum     |
// +--------+--------+--------+--------+
// |          data octets ...
/// Byte offsets of the UDP header fields.
namespace field {
inline constexpr std::size_t source_port = 0;
inline constexpr std::size_t destination_port = 2;
inline constexpr std::size_t length = 4;
inline constexpr std::size_t checksum = 6;
}  // namespace field

/// UDP header length.
inline constexpr std::size_t header_len = 8;

/// A checked read-only view of a UDP datagram.
class view {
public:
    /// Checks the header and the length field. Bytes beyond the length field are ignored.
    /// Errors: truncated (< 8 bytes, or fewer than the length field says); bad_total_len
    /// (length field < 8).
    [[nodiscard]] static result<view, parse_error> parse(bytes datagram);

    /// Source port.
    [[nodiscard]] std::uint16_t source_port() const {
        return load_be16(datagram_, field::source_port);
    }
    /// Destination port.
    [[nodiscard]] std::uint16_t destination_port() const {
        return load_be16(datagram_, field::destination_port);
    }
    /// Length field (header + data).
    [[nodiscard]] std::uint16_t length() const { return load_be16(datagram_, field::length); }
    /// Checksum field (0: none was computed).
    [[nodiscard]] std::uint16_t checksum() const { return load_be16(datagram_, field::checksum); }
    /// The data.
    [[nodiscard]] bytes payload() const { return datagram_.subspan(header_len); }
    /// The datagram up to its length field.
    [[nodiscard]] bytes datagram() const { return datagram_; }
    /// True if the checksum is absent (0) or verifies with the pseudo-header (always true in
    /// fuzzing builds).
    [[nodiscard]] bool checksum_ok(ipv4_address source, ipv4_address destination) const;

private:
    explicit view(bytes datagram) : datagram_(datagram) {}
    bytes datagram_;
};

/// A validated UDP datagram. `payload` refers to the parsed bytes and is valid while they are.
struct repr {
    std::uint16_t source_port = 0;       ///< source port
    std::uint16_t destination_port = 0;  ///< destination port
    bytes payload;                       ///< data

    /// Reads a datagram carried from source to destination. Errors: bad_checksum (policy
    /// compute and a nonzero checksum that does not verify); bad_value (destination port 0).
    [[nodiscard]] static result<repr, parse_error> parse(
        const view& v, ipv4_address source, ipv4_address destination,
        checksum_policy policy = checksum_policy::compute);

    /// 8 + payload.size().
    [[nodiscard]] std::size_t buffer_len() const { return header_len + payload.size(); }
    /// Writes the datagram: header, payload (copied unless already at buffer + 8), checksum
    /// per policy (compute: full, 0 sent as 0xffff; pseudo_header_only: the folded
    /// pseudo-header sum for CHECKSUM_PARTIAL offload; skip: 0, "no checksum").
    /// Preconditions: buffer.size() == buffer_len() <= 65535.
    void emit(mut_bytes buffer, ipv4_address source, ipv4_address destination,
              checksum_policy policy = checksum_policy::compute) const;

    /// Equal if ports and payload bytes are equal.
    friend bool operator==(const repr& a, const repr& b);
};

}  // namespace netrig::wire::udp
