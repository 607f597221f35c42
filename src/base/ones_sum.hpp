// SPDX-License-Identifier: MIT
// base: the RFC 1071 one's-complement sum kernel, shared by every layer that checksums bytes:
// wire (headers), core (TCP payloads summed while copied) and link (pcap completes the
// checksums that offloading devices leave partial). A byte primitive like the big-endian
// loads in bytes.hpp; the protocol meaning (pseudo-headers, policies) stays in wire/checksum.hpp.
//
// Sums are 16-bit one's-complement partial sums in network order: the value load_be16 would read.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"

namespace netrig::rfc1071 {

/// One's-complement sum of data, folded to 16 bits, in network order. An odd final byte is
/// padded with a zero low byte (RFC 1071 §4.1).
[[nodiscard]] std::uint16_t ones_sum(bytes data);

/// Copies source to destination (which must not overlap it and must hold source.size() bytes)
/// and returns ones_sum(source).
/// Why: data that is copied anyway (a TCP payload out of the send buffer, a frame into the pcap
/// ring) is summed in the same pass; each word is loaded once for both, instead of a second
/// pass over the copy.
[[nodiscard]] std::uint16_t copy_and_sum(std::uint8_t* destination, bytes source);

/// One's-complement sum of two partial sums (RFC 1071 §2(A): end-around carry).
/// Preconditions: the data behind `a` has an even length (use combine_at otherwise).
[[nodiscard]] constexpr std::uint16_t combine(std::uint16_t a, std::uint16_t b) {
    const std::uint32_t s = std::uint32_t{a} + std::uint32_t{b};
    return static_cast<std::uint16_t>((s & 0xffffU) + (s >> 16U));
}

/// Adds the sum b of a block that starts at byte offset `offset` of the checksummed data to a.
/// RFC 1071 §2(B): a block at an odd offset contributes its bytes swapped.
[[nodiscard]] constexpr std::uint16_t combine_at(std::uint16_t a, std::uint16_t b,
                                                 std::size_t offset) {
    if (offset % 2 != 0) {
        b = static_cast<std::uint16_t>((b << 8U) | (b >> 8U));
    }
    return combine(a, b);
}

}  // namespace netrig::rfc1071
