// SPDX-License-Identifier: MIT
// core: the path-MTU cache.
#include "core/pmtu_cache.hpp"

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
    if (!victim->in_use) {
        ++in_use_;
    }
    *victim = entry{.destination = destination, .mtu = mtu, .expires = now + lifetime_,
                    .in_use = true};
}

const pmtu_cache::entry* pmtu_cache::find(instant now, wire::ipv4_address destination) const {
    const auto live_match = [&](const entry& e) {
        return e.in_use && e.expires > now && e.destination == destination;
    };
    // Live entries never share a destination (update() refreshes the live one), so the entry
    // at last_hit_ is the answer whenever it matches.
    if (live_match(entries_[last_hit_])) {
        return &entries_[last_hit_];
    }
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (live_match(entries_[i])) {
            last_hit_ = i;
            return &entries_[i];
        }
    }
    return nullptr;
}

std::optional<std::uint16_t> pmtu_cache::lookup_slow(instant now,
                                                      wire::ipv4_address destination) const {
    if (const entry* e = find(now, destination)) {
        return e->mtu;
    }
    return std::nullopt;
}

void pmtu_cache::expire_slow(instant now) {
    for (auto& e : entries_) {
        if (e.in_use && e.expires <= now) {
            e.in_use = false;
            --in_use_;
        }
    }
}

std::optional<instant> pmtu_cache::next_deadline_slow() const {
    std::optional<instant> d;
    for (const auto& e : entries_) {
        if (e.in_use && (!d || e.expires < *d)) {
            d = e.expires;
        }
    }
    return d;
}

}  // namespace netrig::core
