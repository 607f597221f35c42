// SPDX-License-Identifier: MIT
// wire: UDP parsing and emission.
#include "wire/udp.hpp"

#include <algorithm>
#include <cstring>

#include "wire/ipv4.hpp"

namespace netrig::wire::udp {

result<view, parse_error> view::parse(bytes datagram) {
    if (datagram.size() < header_len) {
        return unexpected(parse_error::truncated);
    }
    const std::size_t len = load_be16(datagram, field::length);
    if (len < header_len) {
        return unexpected(parse_error::bad_total_len);
    }
    if (len > datagram.size()) {
        return unexpected(parse_error::truncated);
    }
    return view{datagram.first(len)};
}

bool view::checksum_ok(ipv4_address source, ipv4_address destination) const {
    // RFC 768: "An all zero transmitted checksum value means that the transmitter generated
    // no checksum".
    if (checksum() == 0 || checksums_always_verify) {
        return true;
    }
    const std::uint16_t ph = ipv4_pseudo_header_sum(source, destination, ipv4::protocol::udp,
                                                    length());
    return combine(ph, ones_sum(datagram_)) == 0xffffU;
}

result<repr, parse_error> repr::parse(const view& v, ipv4_address source,
                                      ipv4_address destination, checksum_policy policy) {
    if (policy == checksum_policy::compute && !v.checksum_ok(source, destination)) {
        return unexpected(parse_error::bad_checksum);
    }
    if (v.destination_port() == 0) {
        return unexpected(parse_error::bad_value);
    }
    return repr{v.source_port(), v.destination_port(), v.payload()};
}

void repr::emit(mut_bytes buffer, ipv4_address source, ipv4_address destination,
                checksum_policy policy) const {
    NETRIG_ASSERT(buffer.size() == buffer_len());
    NETRIG_ASSERT(buffer_len() <= 0xffff);
    const auto len = static_cast<std::uint16_t>(buffer_len());
    store_be16(buffer, field::source_port, source_port);
    store_be16(buffer, field::destination_port, destination_port);
    store_be16(buffer, field::length, len);
    store_be16(buffer, field::checksum, 0);
    if (!payload.empty() && payload.data() != buffer.data() + header_len) {
        std::memmove(buffer.data() + header_len, payload.data(), payload.size());
    }
    const std::uint16_t ph = ipv4_pseudo_header_sum(source, destination, ipv4::protocol::udp, len);
    switch (policy) {
        case checksum_policy::compute:
            store_be16(buffer, field::checksum,
                       udp_checksum_on_wire(finish(combine(ph, ones_sum(buffer)))));
            break;
        case checksum_policy::pseudo_header_only:
            store_be16(buffer, field::checksum, ph);
            break;
        case checksum_policy::skip:
            break;
    }
}

bool operator==(const repr& a, const repr& b) {
    return a.source_port == b.source_port && a.destination_port == b.destination_port &&
           std::equal(a.payload.begin(), a.payload.end(), b.payload.begin(), b.payload.end());
}

}  // namespace netrig::wire::udp
