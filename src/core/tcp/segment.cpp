// SPDX-License-Identifier: MIT
// core/tcp: writing an outgoing segment.
#include "core/tcp/segment.hpp"

#include <cstring>

namespace netrig::core::tcp {

void segment_out::emit(mut_bytes buffer, wire::checksum_policy policy) const {
    NETRIG_ASSERT(buffer.size() == buffer_len());
    NETRIG_ASSERT(tcp.payload.empty());
    const std::size_t hlen = tcp.header_len();
    std::size_t at = hlen;
    for (const bytes part : payload) {
        if (!part.empty()) {
            std::memcpy(buffer.data() + at, part.data(), part.size());
            at += part.size();
        }
    }
    // The payload is now in place, so repr::emit does not copy it again.
    wire::tcp::repr whole = tcp;
    whole.payload = buffer.subspan(hlen);
    whole.emit(buffer, source, destination, policy);
}

}  // namespace netrig::core::tcp
