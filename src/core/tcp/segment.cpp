// SPDX-License-Identifier: MIT
// core/tcp: writing an outgoing segment.
#include "core/tcp/segment.hpp"

#include <cstring>

#include "wire/checksum.hpp"
#include "wire/ipv4.hpp"

namespace netrig::core::tcp {

void segment_out::emit(mut_bytes buffer, wire::checksum_policy policy) const {
    NETRIG_ASSERT(buffer.size() == buffer_len());
    NETRIG_ASSERT(tcp.payload.empty());
    const std::size_t hlen = tcp.header_len();
    // The payload is copied in first so that repr::emit finds it in place and copies nothing.
    wire::tcp::repr whole = tcp;
    whole.payload = buffer.subspan(hlen);
    if (policy != wire::checksum_policy::compute) {
        std::size_t at = hlen;
        for (const bytes part : payload) {
            if (!part.empty()) {
                std::memcpy(buffer.data() + at, part.data(), part.size());
                at += part.size();
            }
        }
        whole.emit(buffer, source, destination, policy);
        return;
    }
    // Software checksum: the payload is summed while it is copied (one pass over it instead
    // of a copy and then a sum), the header is summed alone, and the pieces are combined with
    // the pseudo-header (RFC 9293 §3.1 "Checksum"; RFC 1071 §2(A) sums of blocks add).
    std::uint16_t payload_sum = 0;
    std::size_t at = hlen;
    for (const bytes part : payload) {
        if (!part.empty()) {
            // RFC 1071 §2(B): a part starting at an odd offset (the first part had an odd
            // length) contributes its bytes swapped.
            payload_sum = wire::combine_at(payload_sum,
                                           wire::copy_and_sum(buffer.data() + at, part), at - hlen);
            at += part.size();
        }
    }
    whole.emit(buffer, source, destination, wire::checksum_policy::skip);
    // skip leaves the field 0, so the header sum is that of the header without its checksum.
    const std::uint16_t header_sum = wire::ones_sum(buffer.first(hlen));
    const std::uint16_t pseudo = wire::ipv4_pseudo_header_sum(
        source, destination, wire::ipv4::protocol::tcp, static_cast<std::uint16_t>(buffer.size()));
    // The header length is a multiple of 4, so the payload sum starts at an even offset.
    store_be16(buffer, wire::tcp::field::checksum,
               wire::finish(wire::combine(pseudo, wire::combine(header_sum, payload_sum))));
}

}  // namespace netrig::core::tcp
