// SPDX-License-Identifier: MIT
// wire: IPv4 header parsing and emission.
#include "wire/ipv4.hpp"

#include <algorithm>

namespace netrig::wire::ipv4 {

namespace {

// RFC 791 §3.1 "Options": case 1 is a single octet (0 end of list, 1 no-op); case 2 is type,
// length (counting type and length octets) and data. Rejects a length below 2 or one that runs
// past the header; everything after End of Option List is padding.
bool options_well_formed(bytes opts) {
    std::size_t i = 0;
    while (i < opts.size()) {
        const std::uint8_t type = opts[i];
        if (type == 0) {
            return true;
        }
        if (type == 1) {
            ++i;
            continue;
        }
        if (i + 1 >= opts.size()) {
            return false;
        }
        const std::size_t len = opts[i + 1];
        if (len < 2 || len > opts.size() - i) {
            return false;
        }
        i += len;
    }
    return true;
}

}  // namespace

result<view, parse_error> view::parse(bytes packet) {
    if (packet.size() < min_header_len) {
        return unexpected(parse_error::truncated);
    }
    const std::uint8_t vihl = packet[field::version_ihl];
    if ((vihl >> 4U) != 4) {
        return unexpected(parse_error::bad_version);
    }
    const std::size_t hlen = std::size_t{vihl & 0x0fU} * 4;
    if (hlen < min_header_len) {
        return unexpected(parse_error::bad_header_len);
    }
    if (hlen > packet.size()) {
        return unexpected(parse_error::truncated);
    }
    const std::size_t total = load_be16(packet, field::total_len);
    if (total < hlen) {
        return unexpected(parse_error::bad_total_len);
    }
    if (total > packet.size()) {
        return unexpected(parse_error::truncated);
    }
    if (!options_well_formed(packet.subspan(field::options, hlen - min_header_len))) {
        return unexpected(parse_error::bad_option);
    }
    // Anything after total length is link-layer padding (Ethernet's 46-byte minimum payload).
    return view{packet.first(total)};
}

result<repr, parse_error> repr::parse(const view& v, checksum_policy policy) {
    if (policy == checksum_policy::compute && !v.checksum_ok()) {
        return unexpected(parse_error::bad_checksum);
    }
    if (v.reserved_flag()) {
        return unexpected(parse_error::bad_value);
    }
    repr r;
    r.source = v.source();
    r.destination = v.destination();
    r.protocol = v.protocol();
    r.payload_len = static_cast<std::uint16_t>(v.total_len() - v.header_len());
    r.ttl = v.ttl();
    r.dscp = v.dscp();
    r.ecn = v.ecn();
    r.ident = v.ident();
    r.dont_frag = v.dont_frag();
    r.more_frags = v.more_frags();
    r.frag_offset = v.frag_offset();
    r.set_options(v.options());
    return r;
}

void repr::set_options(bytes opts) {
    NETRIG_ASSERT(opts.size() <= max_options_len);
    NETRIG_ASSERT(opts.size() % 4 == 0);
    options_storage.fill(0);
    std::copy(opts.begin(), opts.end(), options_storage.begin());
    options_len = static_cast<std::uint8_t>(opts.size());
}

void repr::emit(mut_bytes buffer, checksum_policy policy) const {
    NETRIG_ASSERT(buffer.size() == buffer_len());
    NETRIG_ASSERT(buffer_len() <= 0xffff);
    NETRIG_ASSERT(dscp <= 63);
    NETRIG_ASSERT(ecn <= 3);
    NETRIG_ASSERT(frag_offset % 8 == 0);
    NETRIG_ASSERT(options_len % 4 == 0 && options_len <= max_options_len);
    const std::size_t hlen = header_len();
    store_u8(buffer, field::version_ihl, static_cast<std::uint8_t>(0x40U | (hlen / 4)));
    store_u8(buffer, field::dscp_ecn, static_cast<std::uint8_t>((dscp << 2U) | ecn));
    store_be16(buffer, field::total_len, static_cast<std::uint16_t>(buffer_len()));
    store_be16(buffer, field::ident, ident);
    const auto flags_frag = static_cast<std::uint16_t>((dont_frag ? 0x4000U : 0U) |
                                                       (more_frags ? 0x2000U : 0U) |
                                                       (frag_offset / 8U));
    store_be16(buffer, field::flags_frag_offset, flags_frag);
    store_u8(buffer, field::ttl, ttl);
    store_u8(buffer, field::protocol, protocol);
    store_be16(buffer, field::checksum, 0);
    source.write_to(buffer.subspan(field::source));
    destination.write_to(buffer.subspan(field::destination));
    std::copy_n(options_storage.begin(), options_len, buffer.begin() + field::options);
    if (policy != checksum_policy::skip) {
        // The IPv4 header has no pseudo-header, so pseudo_header_only means a full checksum.
        store_be16(buffer, field::checksum, internet_checksum(buffer.first(hlen)));
    }
}

void fill_checksum(mut_bytes header) {
    NETRIG_ASSERT(header.size() >= min_header_len && header.size() <= 60);
    NETRIG_ASSERT(header.size() % 4 == 0);
    store_be16(header, field::checksum, 0);
    store_be16(header, field::checksum, internet_checksum(header));
}

void decrement_ttl(mut_bytes header) {
    NETRIG_ASSERT(header.size() >= min_header_len);
    const std::uint8_t ttl = header[field::ttl];
    NETRIG_ASSERT(ttl > 0);
    // TTL shares its 16-bit word with the protocol field (RFC 1624 works on 16-bit words).
    const std::uint16_t old_word = load_be16(header, field::ttl);
    header[field::ttl] = static_cast<std::uint8_t>(ttl - 1);
    const std::uint16_t new_word = load_be16(header, field::ttl);
    store_be16(header, field::checksum,
               checksum_update16(load_be16(header, field::checksum), old_word, new_word));
}

}  // namespace netrig::wire::ipv4
