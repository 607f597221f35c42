// SPDX-License-Identifier: MIT
// wire: the Internet checksum (RFC 1071), its IPv4 pseudo-header (RFC 768, RFC 9293 §3.1),
// incremental update (RFC 1624), and the checksum policy that emit/parse take so that
// offloading links (TAP vnet header, AF_XDP) can skip software checksums.
//
// Sums are carried as 16-bit one's-complement partial sums ("ones_sum") in network order, i.e.
// the value that load_be16 would read; finish() complements a sum into the field value.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "base/bytes.hpp"
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

/// RFC 1071 one's-complement sum of data, folded to 16 bits, in network order. An odd final
/// byte is padded with a zero low byte (RFC 1071 §4.1).
[[nodiscard]] std::uint16_t ones_sum(bytes data);

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
    std::uint16_t s = combine(static_cast<std::uint16_t>(~old_checksum),
                              static_cast<std::uint16_t>(~old_field));
    s = combine(s, new_field);
    return static_cast<std::uint16_t>(~s);
}

/// RFC 1624 eqn. 3 for a 32-bit field (an address, a sequence number): two 16-bit updates.
/// Preconditions: the field starts at an even offset of the checksummed data.
[[nodiscard]] constexpr std::uint16_t checksum_update32(std::uint16_t old_checksum,
                                                        std::uint32_t old_field,
                                                        std::uint32_t new_field) {
    const std::uint16_t c = checksum_update16(old_checksum, static_cast<std::uint16_t>(old_field >> 16U),
                                              static_cast<std::uint16_t>(new_field >> 16U));
    return checksum_update16(c, static_cast<std::uint16_t>(old_field),
                             static_cast<std::uint16_t>(new_field));
}

/// RFC 768: "If the computed checksum is zero, it is transmitted as all ones", because a zero
/// field means the sender computed no checksum.
[[nodiscard]] constexpr std::uint16_t udp_checksum_on_wire(std::uint16_t computed) {
    return computed == 0 ? std::uint16_t{0xffff} : computed;
}

namespace detail {

// The pieces of the RFC 1071 sum kernel that wire::ones_sum and core's fused copy-and-sum
// (core/tcp/copy_sum.cpp) share: both add native-endian 64-bit words into accumulators.

/// acc + w with the carry folded back (end-around carry, RFC 1071 §2(A)); add + adc.
[[nodiscard]] inline std::uint64_t add_carry(std::uint64_t acc, std::uint64_t w) {
    std::uint64_t s = 0;
    const bool carry = __builtin_add_overflow(acc, w, &s);
    return s + (carry ? 1U : 0U);
}

/// The native-endian sum of the last n < 8 bytes at p, to add into an accumulator. Fixed 4-,
/// 2- and 1-byte loads: a variable-length copy into a padded word costs a memcpy call, which
/// dominated the sums of 20- to 40-byte headers. Each piece starts at an even offset, so its
/// 16-bit words keep their byte order in the sum (RFC 1071 §2(B)); the pieces add into one
/// 64-bit word without overflow (at most 2^32 + 2^16 + 2^8).
[[nodiscard]] inline std::uint64_t tail_sum(const std::uint8_t* p, std::size_t n) {
    std::uint64_t tail = 0;
    if ((n & 4U) != 0) {
        std::uint32_t v = 0;
        std::memcpy(&v, p, sizeof v);
        tail += v;
        p += 4;
    }
    if ((n & 2U) != 0) {
        std::uint16_t v = 0;
        std::memcpy(&v, p, sizeof v);
        tail += v;
        p += 2;
    }
    if ((n & 1U) != 0) {
        // RFC 1071 §4.1: an odd final byte is the high-order byte of a word padded with zero,
        // i.e. the byte at the lower address: the low byte of a little-endian load.
        if constexpr (std::endian::native == std::endian::little) {
            tail += *p;
        } else {
            tail += std::uint64_t{*p} << 8U;
        }
    }
    return tail;
}

/// Folds a 64-bit native-endian accumulator to the 16-bit sum in network order (the value
/// load_be16 would read): 64 -> 32 -> 16 with end-around carries, then one byte swap on
/// little-endian hosts (RFC 1071 §2(B)).
[[nodiscard]] inline std::uint16_t fold_to_network(std::uint64_t acc) {
    acc = (acc & 0xffffffffU) + (acc >> 32U);
    acc = (acc & 0xffffffffU) + (acc >> 32U);
    auto s = static_cast<std::uint32_t>(acc);
    s = (s & 0xffffU) + (s >> 16U);
    s = (s & 0xffffU) + (s >> 16U);
    auto sum16 = static_cast<std::uint16_t>(s);
    if constexpr (std::endian::native == std::endian::little) {
        sum16 = static_cast<std::uint16_t>((sum16 << 8U) | (sum16 >> 8U));
    }
    return sum16;
}

}  // namespace detail

}  // namespace netrig::wire
