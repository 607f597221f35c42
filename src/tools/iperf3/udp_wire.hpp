// SPDX-License-Identifier: MIT
// tools/iperf3: UDP wire formats (spec A.8): the 4-byte connect handshake datagrams and the
// big-endian header at the start of every data datagram.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    sec (sender timestamp)                     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    usec                                       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   seq: 32 bits, or 64 bits with udp_counters_64bit            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "tools/iperf3/errors.hpp"

namespace netrig::tools::iperf3 {

/// Client -> server connect datagram: UDP_CONNECT_MSG 0x36373839 in little-endian host order.
inline constexpr std::array<std::uint8_t, 4> udp_connect_msg{0x39, 0x38, 0x37, 0x36};
/// Server -> client reply: UDP_CONNECT_REPLY 0x39383736 as little-endian bytes.
inline constexpr std::array<std::uint8_t, 4> udp_connect_reply{0x36, 0x37, 0x38, 0x39};
/// Reply of iperf3 before 3.12 (987654321 little-endian), still accepted by 3.12 clients.
inline constexpr std::array<std::uint8_t, 4> udp_legacy_connect_reply{0xB1, 0x68, 0xDE, 0x3A};

/// True if d is a connect reply a 3.12 client accepts (current or legacy value).
[[nodiscard]] bool is_udp_connect_reply(bytes d);

/// Field offsets of the datagram header.
namespace udp_field {
inline constexpr std::size_t sec = 0;
inline constexpr std::size_t usec = 4;
inline constexpr std::size_t seq = 8;
}  // namespace udp_field

/// The datagram header as a value.
struct udp_header {
    std::uint32_t sec = 0;   ///< sender timestamp, seconds (sender's clock; only deltas matter)
    std::uint32_t usec = 0;  ///< sender timestamp, microseconds part
    std::uint64_t seq = 0;   ///< packet count, from 1

    /// Header length: 12 bytes, or 16 with 64-bit counters.
    [[nodiscard]] static constexpr std::size_t len(bool counters_64bit) {
        return counters_64bit ? 16 : 12;
    }

    /// Reads the header at the front of a datagram. Errors: codec_error::datagram_too_short.
    [[nodiscard]] static result<udp_header, codec_error> parse(bytes datagram,
                                                               bool counters_64bit);

    /// Writes the header at the front of out. A 32-bit counter keeps the low 32 bits of seq,
    /// as iperf3 does when it wraps. Preconditions: out.size() >= len(counters_64bit).
    void emit(mut_bytes out, bool counters_64bit) const;

    friend bool operator==(const udp_header&, const udp_header&) = default;
};

}  // namespace netrig::tools::iperf3
