// SPDX-License-Identifier: MIT
// wire: an IPv4 header apart from its payload. ICMP errors carry "the internet header plus the
// first 64 bits of the original datagram" (RFC 792), so the quoted header's total length runs
// past the bytes that are there and ipv4::view::parse (rightly) calls it truncated; quote_view
// reads such a header. emit_header writes a header whose payload is not behind it in the
// buffer (the header an ICMP error quotes), which ipv4::repr::emit does not allow.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "wire/address.hpp"
#include "wire/checksum.hpp"
#include "wire/ipv4.hpp"
#include "wire/parse_error.hpp"

namespace netrig::wire::ipv4 {

/// Bytes of the invoking datagram's data an ICMP error quotes after its header (RFC 792).
inline constexpr std::size_t quoted_data_len = 8;

/// A checked read-only view of the invoking datagram quoted in an ICMP error: a whole IPv4
/// header (options included) and at least the first 8 bytes of its data. The total length
/// field and the header checksum are not checked (the rest of the datagram is not there, and
/// a router may have changed the TTL). Valid while the bytes are.
class quote_view {
public:
    /// Errors: truncated (fewer than 20 bytes, or than IHL + 8), bad_version, bad_header_len
    /// (IHL < 5).
    [[nodiscard]] static result<quote_view, parse_error> parse(bytes quote);

    /// Header length in bytes (IHL * 4).
    [[nodiscard]] std::size_t header_len() const {
        return std::size_t{load_u8(quote_, field::version_ihl) & 0x0fU} * 4;
    }
    /// Total length of the original datagram (not of the quote).
    [[nodiscard]] std::uint16_t total_len() const { return load_be16(quote_, field::total_len); }
    /// Protocol number of the original datagram.
    [[nodiscard]] std::uint8_t protocol() const { return load_u8(quote_, field::protocol); }
    /// Source address of the original datagram (us, if we sent it).
    [[nodiscard]] ipv4_address source() const {
        return ipv4_address::from_bytes(quote_.subspan(field::source));
    }
    /// Destination address of the original datagram.
    [[nodiscard]] ipv4_address destination() const {
        return ipv4_address::from_bytes(quote_.subspan(field::destination));
    }
    /// The first 8 bytes of the original data (UDP: the whole header; TCP: ports and
    /// sequence number).
    [[nodiscard]] bytes transport_head() const {
        return quote_.subspan(header_len(), quoted_data_len);
    }

private:
    explicit quote_view(bytes quote) : quote_(quote) {}
    bytes quote_;
};

/// Writes the header of r into header[0, r.header_len()) with the total length of the whole
/// datagram (r.buffer_len()) and, unless policy is skip, its checksum. The payload is not
/// written and need not follow in the buffer.
/// Preconditions: header.size() >= r.header_len(); the preconditions of repr::emit on r.
void emit_header(const repr& r, mut_bytes header,
                 checksum_policy policy = checksum_policy::compute);

}  // namespace netrig::wire::ipv4
