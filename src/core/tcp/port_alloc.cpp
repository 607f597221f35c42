// SPDX-License-Identifier: MIT
// core/tcp: RFC 6056 Algorithm 4 keys and hashes.
#include "core/tcp/port_alloc.hpp"

#include "base/assert.hpp"
#include "base/bytes.hpp"

namespace netrig::core::tcp {

port_allocator::port_allocator(port_range range, rng& r)
    : range_(range), key1_{r(), r()}, key2_{r(), r()} {
    NETRIG_ASSERT(range.first > 0);
    NETRIG_ASSERT(range.first <= range.last);
    // RFC 6056 §3.3.4: "for(i = 0; i < TABLE_LENGTH; i++) table[i] = random() % 65536;"
    for (auto& v : table_) {
        v = static_cast<std::uint16_t>(r());
    }
}

port_allocator::hash_pair port_allocator::hashes(wire::ipv4_address local,
                                                 wire::ipv4_address remote,
                                                 std::uint16_t remote_port) const {
    std::array<std::uint8_t, 10> msg{};
    store_be32(msg, 0, local.to_u32());
    store_be32(msg, 4, remote.to_u32());
    store_be16(msg, 8, remote_port);
    // RFC 6056 §3.3.4: F() and G() are keyed hashes with independent secrets, so the offset
    // and the table index of a destination are unrelated.
    return hash_pair{
        .offset = static_cast<std::uint32_t>(siphash24(key1_, msg)),
        .index = static_cast<std::size_t>(siphash24(key2_, msg) % table_length),
    };
}

}  // namespace netrig::core::tcp
