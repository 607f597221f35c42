// SPDX-License-Identifier: MIT
// core: the path-MTU cache (RFC 1191): MTUs learnt from ICMP "fragmentation needed", per
// destination, bounded and ageing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/time.hpp"
#include "wire/address.hpp"

namespace netrig::core {

/// A fixed-capacity table destination -> PMTU. When full, the entry closest to expiry goes.
/// lookup() runs for every segment sent, so it is O(1) in the two common cases: no entry at all
/// (no ICMP "fragmentation needed" ever arrived), and the same destination as the previous
/// lookup (a bulk flow); otherwise it scans the table.
class pmtu_cache {
public:
    /// Preconditions: capacity > 0.
    pmtu_cache(std::size_t capacity, duration lifetime);

    /// Records mtu for destination until now + lifetime. RFC 1191 §3: a PMTU only decreases
    /// on a report; a larger value than the one cached is ignored while the entry lives.
    void update(instant now, wire::ipv4_address destination, std::uint16_t mtu);

    /// The PMTU for destination if a live entry exists.
    [[nodiscard]] std::optional<std::uint16_t> lookup(instant now,
                                                      wire::ipv4_address destination) const {
        // Per segment sent: with no learnt PMTU at all (the usual case) this is all the work,
        // inline in the caller.
        if (in_use_ == 0) {
            return std::nullopt;
        }
        return lookup_slow(now, destination);
    }

    /// Removes expired entries (RFC 1191 §6.3: raise the estimate again after ~10 minutes).
    void expire(instant now) {
        if (in_use_ != 0) {  // called on every poll: no scan of an empty table
            expire_slow(now);
        }
    }

    /// The earliest expiry, if any entry is live.
    [[nodiscard]] std::optional<instant> next_deadline() const {
        if (in_use_ == 0) {  // asked on every poll
            return std::nullopt;
        }
        return next_deadline_slow();
    }

    /// Entries in use (live or expired but not yet removed by expire()).
    [[nodiscard]] std::size_t size() const { return in_use_; }

private:
    struct entry {
        wire::ipv4_address destination;
        std::uint16_t mtu = 0;
        instant expires{};
        bool in_use = false;
    };
    [[nodiscard]] const entry* find(instant now, wire::ipv4_address destination) const;
    [[nodiscard]] std::optional<std::uint16_t> lookup_slow(instant now,
                                                           wire::ipv4_address destination) const;
    void expire_slow(instant now);
    [[nodiscard]] std::optional<instant> next_deadline_slow() const;

    std::vector<entry> entries_;
    duration lifetime_;
    std::size_t in_use_ = 0;  // entries with in_use set: 0 makes lookup() a single compare
    // Index of the entry the last successful lookup found: checked first, and only trusted
    // after the full match test, so no update path has to invalidate it.
    mutable std::size_t last_hit_ = 0;
};

}  // namespace netrig::core
