// SPDX-License-Identifier: MIT
// wire: ICMPv4 parsing and emission.
#include "wire/icmpv4.hpp"

#include <algorithm>
#include <cstring>

namespace netrig::wire::icmpv4 {

namespace {

// RFC 792: errors carry "the internet header plus the first 64 bits of the original datagram".
bytes quote(bytes invoking) {
    if (invoking.empty()) {
        return invoking;
    }
    const std::size_t ihl_bytes = std::size_t{invoking[0] & 0x0fU} * 4;
    return invoking.first(std::min(invoking.size(), ihl_bytes + 8));
}

}  // namespace

result<view, parse_error> view::parse(bytes message) {
    if (message.size() < header_len) {
        return unexpected(parse_error::truncated);
    }
    return view{message};
}

result<repr, parse_error> repr::parse(const view& v, checksum_policy policy) {
    if (policy == checksum_policy::compute && !v.checksum_ok()) {
        return unexpected(parse_error::bad_checksum);
    }
    repr r;
    r.code = v.code();
    r.data = v.data();
    switch (v.type()) {
        case static_cast<std::uint8_t>(message_type::echo_request):
        case static_cast<std::uint8_t>(message_type::echo_reply):
            if (r.code != 0) {
                return unexpected(parse_error::bad_value);
            }
            r.type = static_cast<message_type>(v.type());
            r.ident = v.ident();
            r.seq_no = v.seq_no();
            return r;
        case static_cast<std::uint8_t>(message_type::dest_unreachable):
            // RFC 1122 §3.2.2.1 lists codes 0..12; RFC 1812 adds 13..15.
            if (r.code > 15) {
                return unexpected(parse_error::bad_value);
            }
            r.type = message_type::dest_unreachable;
            // RFC 1191 §4: the MTU is in the low-order 16 bits of the unused field, only for
            // code 4; elsewhere the field is unused and we do not keep it.
            if (r.code == unreachable::frag_needed) {
                r.next_hop_mtu = v.next_hop_mtu();
            }
            return r;
        case static_cast<std::uint8_t>(message_type::time_exceeded):
            if (r.code > time_exceeded::reassembly) {
                return unexpected(parse_error::bad_value);
            }
            r.type = message_type::time_exceeded;
            return r;
        default:
            return unexpected(parse_error::unsupported);
    }
}

void repr::emit(mut_bytes buffer, checksum_policy policy) const {
    NETRIG_ASSERT(buffer.size() == buffer_len());
    store_u8(buffer, field::type, static_cast<std::uint8_t>(type));
    store_u8(buffer, field::code, code);
    store_be16(buffer, field::checksum, 0);
    if (type == message_type::echo_request || type == message_type::echo_reply) {
        store_be16(buffer, field::ident, ident);
        store_be16(buffer, field::seq_no, seq_no);
    } else {
        store_be16(buffer, field::ident, 0);
        // RFC 1191 §4: only "fragmentation needed" carries the MTU; elsewhere it is unused.
        const bool has_mtu =
            type == message_type::dest_unreachable && code == unreachable::frag_needed;
        store_be16(buffer, field::next_hop_mtu, has_mtu ? next_hop_mtu : std::uint16_t{0});
    }
    if (!data.empty() && data.data() != buffer.data() + header_len) {
        // memmove: the data may overlap the buffer (a reply built in the request's buffer).
        std::memmove(buffer.data() + header_len, data.data(), data.size());
    }
    if (policy != checksum_policy::skip) {
        store_be16(buffer, field::checksum, internet_checksum(buffer));
    }
}

bool operator==(const repr& a, const repr& b) {
    return a.type == b.type && a.code == b.code && a.ident == b.ident && a.seq_no == b.seq_no &&
           a.next_hop_mtu == b.next_hop_mtu &&
           std::equal(a.data.begin(), a.data.end(), b.data.begin(), b.data.end());
}

repr make_echo_request(std::uint16_t ident, std::uint16_t seq_no, bytes data) {
    return repr{message_type::echo_request, 0, ident, seq_no, 0, data};
}

repr make_echo_reply(const repr& req) {
    NETRIG_ASSERT(req.type == message_type::echo_request);
    repr r = req;
    r.type = message_type::echo_reply;
    return r;
}

repr make_dest_unreachable(std::uint8_t code, bytes invoking, std::uint16_t next_hop_mtu) {
    NETRIG_ASSERT(code <= 15);
    return repr{message_type::dest_unreachable, code, 0, 0,
                code == unreachable::frag_needed ? next_hop_mtu : std::uint16_t{0},
                quote(invoking)};
}

repr make_time_exceeded(std::uint8_t code, bytes invoking) {
    NETRIG_ASSERT(code <= time_exceeded::reassembly);
    return repr{message_type::time_exceeded, code, 0, 0, 0, quote(invoking)};
}

}  // namespace netrig::wire::icmpv4
