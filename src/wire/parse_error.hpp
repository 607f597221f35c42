// SPDX-License-Identifier: MIT
// wire: the reasons a parser rejects input. The core drops malformed frames and counts them by
// these reasons, so every rejection names one.
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace netrig::wire {

/// Why a parser rejected its input. Values are stable (the core indexes drop counters by them).
enum class parse_error : std::uint8_t {
    truncated = 1,       ///< fewer bytes than the header or a length field claims
    bad_version,         ///< IP version field is not 4
    bad_header_len,      ///< IHL or TCP data offset below the minimum (5 words)
    bad_total_len,       ///< IPv4 total length below the IHL, or UDP length below 8
    bad_checksum,        ///< a checksum did not verify
    bad_option,          ///< an IPv4 or TCP option has a malformed length or value
    bad_address,         ///< an address or prefix that does not parse or is not allowed
    bad_length,          ///< a length field with an impossible value (ARP hlen/plen, ...)
    unsupported,         ///< well formed, but a kind we do not handle (ARP htype, ICMP type)
    bad_value,           ///< a field holds a value the RFC forbids
};

/// Number of parse_error values plus one, for sizing per-reason counter arrays.
inline constexpr std::size_t parse_error_count = 11;

/// Short stable name of a reason ("truncated", "bad_checksum", ...).
[[nodiscard]] std::string_view to_string(parse_error e);

/// The std::error_category of parse_error ("netrig.wire.parse").
[[nodiscard]] const std::error_category& parse_error_category();

/// Makes an std::error_code from a parse_error (found by ADL).
[[nodiscard]] std::error_code make_error_code(parse_error e);

}  // namespace netrig::wire

/// Lets std::error_code be constructed from a parse_error.
template <>
struct std::is_error_code_enum<netrig::wire::parse_error> : std::true_type {};
