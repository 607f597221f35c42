// SPDX-License-Identifier: MIT
// wire: TCP segment parsing and emission.
#include "wire/tcp.hpp"

#include <algorithm>
#include <cstring>

#include "wire/ipv4.hpp"

namespace netrig::wire::tcp {

namespace {

std::uint16_t full_checksum(bytes segment, ipv4_address source, ipv4_address destination) {
    const std::uint16_t ph = ipv4_pseudo_header_sum(source, destination, ipv4::protocol::tcp,
                                                    static_cast<std::uint16_t>(segment.size()));
    return finish(combine(ph, ones_sum(segment)));
}

}  // namespace

result<view, parse_error> view::parse(bytes segment) {
    if (segment.size() < min_header_len) {
        return unexpected(parse_error::truncated);
    }
    const std::size_t hlen = (std::size_t{segment[field::data_offset]} >> 4U) * 4;
    if (hlen < min_header_len) {
        return unexpected(parse_error::bad_header_len);
    }
    if (hlen > segment.size()) {
        return unexpected(parse_error::truncated);
    }
    // Walk the options once here, so that users of a view never meet a malformed length.
    const bytes opts = segment.subspan(field::options, hlen - min_header_len);
    if (opts.empty() || is_nop_nop_timestamps(opts)) {
        return view{segment};
    }
    option_reader reader{opts};
    for (;;) {
        NETRIG_TRY_ASSIGN(const std::optional<option> opt, reader.next());
        if (!opt) {
            break;
        }
    }
    return view{segment};
}

bool view::checksum_ok(ipv4_address source, ipv4_address destination) const {
    if (checksums_always_verify) {
        return true;
    }
    // The segment includes its own checksum, so a correct one makes the full sum 0xffff.
    return full_checksum(segment_, source, destination) == 0;
}

result<repr, parse_error> repr::parse(const view& v, ipv4_address source,
                                      ipv4_address destination, checksum_policy policy) {
    if (policy == checksum_policy::compute && !v.checksum_ok(source, destination)) {
        return unexpected(parse_error::bad_checksum);
    }
    // RFC 9293 §3.1 reserves no port 0 for TCP connections; Linux drops such segments too.
    if (v.source_port() == 0 || v.destination_port() == 0) {
        return unexpected(parse_error::bad_value);
    }
    repr r;
    r.source_port = v.source_port();
    r.destination_port = v.destination_port();
    r.seq = v.seq();
    r.flags = v.flags();
    r.ack = (r.flags & flag::ack) != 0 ? v.ack() : seq32{};
    r.window = v.window();
    r.urgent_ptr = (r.flags & flag::urg) != 0 ? v.urgent_ptr() : std::uint16_t{0};
    NETRIG_TRY_ASSIGN(r.options, options::parse(v.options()));
    r.payload = v.payload();
    return r;
}

std::uint32_t repr::segment_len() const {
    // RFC 9293 §3.4: "SEG.LEN = the number of octets occupied by the data in the segment
    // (counting SYN and FIN)".
    return static_cast<std::uint32_t>(payload.size()) + ((flags & flag::syn) != 0 ? 1U : 0U) +
           ((flags & flag::fin) != 0 ? 1U : 0U);
}

void repr::emit(mut_bytes buffer, ipv4_address source, ipv4_address destination,
                checksum_policy policy) const {
    NETRIG_ASSERT(buffer.size() == buffer_len());
    NETRIG_ASSERT(buffer_len() <= 0xffff);
    const std::size_t hlen = header_len();
    store_be16(buffer, field::source_port, source_port);
    store_be16(buffer, field::destination_port, destination_port);
    store_be32(buffer, field::seq, seq.raw());
    store_be32(buffer, field::ack, (flags & flag::ack) != 0 ? ack.raw() : 0U);
    store_u8(buffer, field::data_offset, static_cast<std::uint8_t>((hlen / 4) << 4U));
    store_u8(buffer, field::flags, flags);
    store_be16(buffer, field::window, window);
    store_be16(buffer, field::checksum, 0);
    store_be16(buffer, field::urgent_ptr, (flags & flag::urg) != 0 ? urgent_ptr : std::uint16_t{0});
    options.emit(buffer.subspan(field::options, hlen - min_header_len));
    if (!payload.empty() && payload.data() != buffer.data() + hlen) {
        std::memmove(buffer.data() + hlen, payload.data(), payload.size());
    }
    switch (policy) {
        case checksum_policy::compute:
            store_be16(buffer, field::checksum, full_checksum(buffer, source, destination));
            break;
        case checksum_policy::pseudo_header_only:
            store_be16(buffer, field::checksum,
                       ipv4_pseudo_header_sum(source, destination, ipv4::protocol::tcp,
                                              static_cast<std::uint16_t>(buffer.size())));
            break;
        case checksum_policy::skip:
            break;
    }
}

bool operator==(const repr& a, const repr& b) {
    return a.source_port == b.source_port && a.destination_port == b.destination_port &&
           a.seq == b.seq && a.ack == b.ack && a.flags == b.flags && a.window == b.window &&
           a.urgent_ptr == b.urgent_ptr && a.options == b.options &&
           std::equal(a.payload.begin(), a.payload.end(), b.payload.begin(), b.payload.end());
}

void fill_checksum(mut_bytes segment, ipv4_address source, ipv4_address destination) {
    NETRIG_ASSERT(segment.size() >= min_header_len && segment.size() <= 0xffff);
    store_be16(segment, field::checksum, 0);
    store_be16(segment, field::checksum, full_checksum(segment, source, destination));
}

}  // namespace netrig::wire::tcp
