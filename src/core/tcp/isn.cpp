// SPDX-License-Identifier: MIT
// core/tcp: RFC 6528 ISN generation.
#include "core/tcp/isn.hpp"

namespace netrig::core::tcp {

std::uint32_t isn_generator::timer(instant now) {
    // Negative instants do not occur (the timeline starts at zero); the cast keeps the low 32
    // bits, which is the modulo-2^32 wrap the sequence space wants.
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(now.since_zero() / tick));
}

wire::seq32 isn_generator::generate(instant now, const four_tuple& tuple) const {
    const auto key_bytes = tuple.to_bytes();
    // RFC 6528 §3: "ISN = M + F(localip, localport, remoteip, remoteport, secretkey)" with F
    // "a pseudorandom function (PRF) of the connection-id and some secret data".
    const auto f = static_cast<std::uint32_t>(siphash24(secret_, key_bytes));
    return wire::seq32{timer(now) + f};
}

}  // namespace netrig::core::tcp
