// SPDX-License-Identifier: MIT
// core: the path-MTU cache.
#include "core/pmtu_cache.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace netrig::core {

pmtu_cache::pmtu_cache(std::size_t capacity, duration lifetime)
    : entries_(capacity), lifetime_(lifetime) {
    NETRIG_ASSERT(capacity > 0);
}

void pmtu_cache::update(instant now, wire::ipv4_address destination, std::uint16_t mtu) {
    for (auto& e : entries_) {
        if (e.in_use && e.expires > now && e.destination == destination) {
            if (mtu < e.mtu) {
                e.mtu = mtu;
                e.expires = now + lifetime_;
            }
            return;
        }
    }
    // A free or expired slot first; otherwise evict the live entry closest to expiry.
    entry* victim = &entries_.front();
    for (auto& e : entries_) {
        if (!e.in_use || e.expires <= now) {
            victim = &e;
            break;
        }
        if (e.expires < victim->expires) {
            victim = &e;
        }
    }
    *victim = entry{.destination = destination, .mtu = mtu, .expires = now + lifetime_,
                    .in_use = true};
}

std::optional<std::uint16_t> pmtu_cache::lookup(instant now,
                                                 wire::ipv4_address destination) const {
    for (const auto& e : entries_) {
        if (e.in_use && e.expires > now && e.destination == destination) {
            return e.mtu;
        }
    }
    return std::nullopt;
}

void pmtu_cache::expire(instant now) {
    for (auto& e : entries_) {
        if (e.in_use && e.expires <= now) {
            e.in_use = false;
        }
    }
}

std::optional<instant> pmtu_cache::next_deadline() const {
    std::optional<instant> d;
    for (const auto& e : entries_) {
        if (e.in_use && (!d || e.expires < *d)) {
            d = e.expires;
        }
    }
    return d;
}

std::size_t pmtu_cache::size() const {
    return static_cast<std::size_t>(
        std::count_if(entries_.begin(), entries_.end(), [](const entry& e) { return e.in_use; }));
}

}  // namespace netrig::core
