// SPDX-License-Identifier: MIT
// core/tcp: the segments a connection consumes and produces. Incoming segments are wire's
// parsed repr plus the IPv4 addresses; outgoing ones are a header repr plus up to two spans of
// payload that point into the send buffer ring, copied only when the frame is written.
#pragma once

#include <array>
#include <cstddef>

#include "base/bytes.hpp"
#include "wire/address.hpp"
#include "wire/checksum.hpp"
#include "wire/tcp.hpp"

namespace netrig::core::tcp {

/// A received, parsed and checksum-verified TCP segment. `tcp.payload` points into the frame.
struct segment_in {
    wire::ipv4_address source;       ///< IPv4 source (the peer)
    wire::ipv4_address destination;  ///< IPv4 destination (us)
    wire::tcp::repr tcp;             ///< header, options and payload
};

/// A segment to transmit. `tcp.payload` is empty; the data is `payload[0]` then `payload[1]`
/// (spans into the connection's send buffer, valid until the next call on the connection).
struct segment_out {
    wire::ipv4_address source;       ///< IPv4 source (us)
    wire::ipv4_address destination;  ///< IPv4 destination (the peer)
    wire::tcp::repr tcp;             ///< header and options; payload left empty
    std::array<bytes, 2> payload{};  ///< data, in two parts when the ring wraps
    /// TSO: 0 for a normal segment; otherwise the payload is several pieces of gso_size bytes
    /// (the last may be shorter) that the device cuts into segments with this header.
    std::uint16_t gso_size = 0;

    /// Payload bytes.
    [[nodiscard]] std::size_t payload_len() const { return payload[0].size() + payload[1].size(); }
    /// TCP header + options + payload.
    [[nodiscard]] std::size_t buffer_len() const { return tcp.header_len() + payload_len(); }
    /// Sequence space occupied (payload + SYN + FIN).
    [[nodiscard]] std::uint32_t segment_len() const {
        return static_cast<std::uint32_t>(payload_len()) + tcp.segment_len();
    }
    /// Writes the TCP segment (header, options, payload, checksum per policy) into `buffer`.
    /// Preconditions: buffer.size() == buffer_len().
    void emit(mut_bytes buffer,
              wire::checksum_policy policy = wire::checksum_policy::compute) const;
};

}  // namespace netrig::core::tcp
