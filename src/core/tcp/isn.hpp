// SPDX-License-Identifier: MIT
// core/tcp: initial sequence numbers per RFC 6528 (ISN = M + F(4-tuple, secretkey)).
#pragma once

#include "base/time.hpp"
#include "core/tcp/four_tuple.hpp"
#include "core/tcp/siphash.hpp"
#include "wire/seq32.hpp"

namespace netrig::core::tcp {

/// Generates ISNs as RFC 6528 §3 specifies: ISN = M + F(localip, localport, remoteip,
/// remoteport, secretkey), where M is a timer that ticks every 4 microseconds and F is
/// SipHash-2-4 keyed with a secret. Per 4-tuple the ISN therefore grows with time (old
/// duplicates of a previous incarnation fall below it), while an off-path attacker who does
/// not know the key cannot predict another tuple's ISN. Holds no clock and no RNG: `now` comes
/// in per call, the secret at construction (the caller draws it once from its rng or the OS).
class isn_generator {
public:
    /// Length of one tick of M (RFC 6528 §3: "M is the 4 microsecond timer").
    static constexpr duration tick = std::chrono::microseconds{4};

    /// A generator keyed with `secret`.
    explicit constexpr isn_generator(const siphash_key& secret) : secret_(secret) {}

    /// The ISN for a connection with this 4-tuple at time `now`.
    [[nodiscard]] wire::seq32 generate(instant now, const four_tuple& tuple) const;

    /// M alone: the 4 µs timer at `now`, modulo 2^32 (wraps every ~4.77 hours, as the
    /// RFC 9293 §3.4.1 clock does).
    [[nodiscard]] static std::uint32_t timer(instant now);

private:
    siphash_key secret_;
};

}  // namespace netrig::core::tcp
