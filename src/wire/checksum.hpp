// SPDX-License-Identifier: MIT
// wire: the Internet checksum (RFC 1071), its IPv4 pseudo-header (RFC 768, RFC 9293 §3.1),
// incremental update (RFC 1624), and the checksum policy that emit/parse take so that
// offloading links (TAP vnet header, AF_XDP) can skip software checksums.
//
// Sums are carried as 16-bit one's-complement partial sums ("ones_sum") in network order, i.e.
// the value that load_be16 would read; finish() complements a sum into the field value.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"
#include "base/ones_sum.hpp"
#include "wire/address.hpp"

namespace netrig::wire {

/// What emit and parse do with a checksum field.
enum class checksum_policy : std::uint8_t {
    /// emit computes the full checksum, parse verifies it (software path, the default).
    compute,
    /// emit writes 0 (or leaves it to the device), parse does not verify (the device did, or will:
    /// rx CHECKSUM_UNNECESSARY / tx full offload).
    skip,
    /// emit writes the folded pseudo-header sum, uncomplemented, as Linux's CHECKSUM_PARTIAL
    /// offload expects; parse does not verify. For headers without a pseudo-header (IPv4, ICMP)
    /// this is treated as compute.
    pseudo_header_only,
};

/// True in fuzzing builds (NETRIG_FUZZING): verification always passes there, so that a fuzzer
/// reaches the code behind the checksum check (as smoltcp does with cfg!(fuzzing)).
#if defined(NETRIG_FUZZING) && NETRIG_FUZZING
inline constexpr bool checksums_always_verify = true;
#else
inline constexpr bool checksums_always_verify = false;
#endif

/// RFC 1071 one's-complement partial sums, their combination at even and odd offsets
/// (§2(A), §2(B)) and the fused copy-and-sum: the kernel lives in base (base/ones_sum.hpp) so
/// that link, which may not depend on wire, shares it.
using rfc1071::combine;
using rfc1071::combine_at;
using rfc1071::copy_and_sum;
using rfc1071::ones_sum;

/// The checksum field value for a partial sum: its one's complement.
[[nodiscard]] constexpr std::uint16_t finish(std::uint16_t sum) {
    return static_cast<std::uint16_t>(~sum);
}

/// The Internet checksum of data: finish(ones_sum(data)).
[[nodiscard]] inline std::uint16_t internet_checksum(bytes data) {
    return finish(ones_sum(data));
}

/// True if data, which contains its own checksum field, sums to 0xffff (RFC 1071 §1(3)). Always
/// true in fuzzing builds.
[[nodiscard]] inline bool verify_checksum(bytes data) {
    return checksums_always_verify || ones_sum(data) == 0xffffU;
}

/// Partial sum of the IPv4 pseudo-header used by UDP (RFC 768) and TCP (RFC 9293 §3.1):
/// source, destination, zero, protocol, and the L4 length (header plus data) in bytes.
[[nodiscard]] constexpr std::uint16_t ipv4_pseudo_header_sum(ipv4_address source,
                                                             ipv4_address destination,
                                                             std::uint8_t protocol,
                                                             std::uint16_t l4_len_bytes) {
    std::uint32_t s = (source.to_u32() >> 16U) + (source.to_u32() & 0xffffU) +
                      (destination.to_u32() >> 16U) + (destination.to_u32() & 0xffffU) +
                      std::uint32_t{protocol} + std::uint32_t{l4_len_bytes};
    s = (s & 0xffffU) + (s >> 16U);
    s = (s & 0xffffU) + (s >> 16U);
    return static_cast<std::uint16_t>(s);
}

/// RFC 1624 eqn. 3 incremental update: the new checksum field value after a 16-bit field changed
/// from old_field to new_field, HC' = ~(~HC + ~m + m'). Unlike eqn. 2 it never yields 0xffff...
/// for a header whose sum is not zero, which is what a full recompute gives.
[[nodiscard]] constexpr std::uint16_t checksum_update16(std::uint16_t old_checksum,
                                                        std::uint16_t old_field,
                                                        std::uint16_t new_field) {
    std::uint16_t s =
        combine(static_cast<std::uint16_t>(~old_checksum), static_cast<std::uint16_t>(~old_field));
    s = combine(s, new_field);
    return static_cast<std::uint16_t>(~s);
}

/// RFC 1624 eqn. 3 for a 32-bit field (an address, a sequence number): two 16-bit updates.
/// Preconditions: the field starts at an even offset of the checksummed data.
[[nodiscard]] constexpr std::uint16_t checksum_update32(std::uint16_t old_checksum,
                                                        std::uint32_t old_field,
                                                        std::uint32_t new_field) {
    const std::uint16_t c =
        checksum_update16(old_checksum, static_cast<std::uint16_t>(old_field >> 16U),
                          static_cast<std::uint16_t>(new_field >> 16U));
    return checksum_update16(c, static_cast<std::uint16_t>(old_field),
                             static_cast<std::uint16_t>(new_field));
}

/// RFC 768: "If the computed checksum is zero, it is transmitted as all ones", because a zero
/// field means the sender computed no checksum.
[[nodiscard]] constexpr std::uint16_t udp_checksum_on_wire(std::uint16_t computed) {
    return computed == 0 ? std::uint16_t{0xffff} : computed;
}

}  // namespace netrig::wire
