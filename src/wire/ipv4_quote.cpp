// SPDX-License-Identifier: MIT
// wire: reading quoted IPv4 headers and writing a header without its payload.
#include "wire/ipv4_quote.hpp"

namespace netrig::wire::ipv4 {

result<quote_view, parse_error> quote_view::parse(bytes quote) {
    if (quote.size() < min_header_len) {
        return unexpected(parse_error::truncated);
    }
    const std::uint8_t vihl = quote[field::version_ihl];
    if ((vihl >> 4U) != 4) {
        return unexpected(parse_error::bad_version);
    }
    const std::size_t hlen = std::size_t{vihl & 0x0fU} * 4;
    if (hlen < min_header_len) {
        return unexpected(parse_error::bad_header_len);
    }
    // RFC 792: the quote is the header plus 64 bits of data; RFC 1812 §4.3.2.3 lets routers
    // quote more, which is kept out of the view.
    if (quote.size() < hlen + quoted_data_len) {
        return unexpected(parse_error::truncated);
    }
    return quote_view{quote.first(hlen + quoted_data_len)};
}

void emit_header(const repr& r, mut_bytes header, checksum_policy policy) {
    const std::size_t hlen = r.header_len();
    NETRIG_ASSERT(header.size() >= hlen);
    NETRIG_ASSERT(r.buffer_len() <= 0xffff);
    // repr::emit writes only the header and wants a buffer of exactly header + payload: emit
    // the header as if it had no payload, then put the real total length in and re-sum.
    repr header_only = r;
    header_only.payload_len = 0;
    const mut_bytes out = header.first(hlen);
    header_only.emit(out, checksum_policy::skip);
    store_be16(out, field::total_len, static_cast<std::uint16_t>(r.buffer_len()));
    if (policy != checksum_policy::skip) {
        fill_checksum(out);
    }
}

}  // namespace netrig::wire::ipv4
