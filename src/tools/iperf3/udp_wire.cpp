// SPDX-License-Identifier: MIT
// tools/iperf3: UDP handshake and datagram header.
#include "tools/iperf3/udp_wire.hpp"

#include <algorithm>

namespace netrig::tools::iperf3 {

bool is_udp_connect_reply(bytes d) {
    return d.size() == 4 && (std::equal(d.begin(), d.end(), udp_connect_reply.begin()) ||
                             std::equal(d.begin(), d.end(), udp_legacy_connect_reply.begin()));
}

result<udp_header, codec_error> udp_header::parse(bytes datagram, bool counters_64bit) {
    if (datagram.size() < len(counters_64bit)) {
        return unexpected(codec_error::datagram_too_short);
    }
    udp_header h;
    h.sec = load_be32(datagram, udp_field::sec);
    h.usec = load_be32(datagram, udp_field::usec);
    if (counters_64bit) {
        h.seq = (std::uint64_t{load_be32(datagram, udp_field::seq)} << 32U) |
                load_be32(datagram, udp_field::seq + 4);
    } else {
        h.seq = load_be32(datagram, udp_field::seq);
    }
    return h;
}

void udp_header::emit(mut_bytes out, bool counters_64bit) const {
    NETRIG_ASSERT(out.size() >= len(counters_64bit));
    store_be32(out, udp_field::sec, sec);
    store_be32(out, udp_field::usec, usec);
    if (counters_64bit) {
        store_be32(out, udp_field::seq, static_cast<std::uint32_t>(seq >> 32U));
        store_be32(out, udp_field::seq + 4, static_cast<std::uint32_t>(seq));
    } else {
        store_be32(out, udp_field::seq, static_cast<std::uint32_t>(seq));
    }
}

}  // namespace netrig::tools::iperf3
