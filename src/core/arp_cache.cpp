// SPDX-License-Identifier: MIT
// core: ARP cache and the queue of frames waiting for resolution.
#include "core/arp_cache.hpp"

#include "base/assert.hpp"

namespace netrig::core {

arp_cache::arp_cache(std::size_t capacity) : slots_(capacity) { NETRIG_ASSERT(capacity > 0); }

arp_entry* arp_cache::find(wire::ipv4_address ip) {
    for (auto& s : slots_) {
        if (s.in_use && s.entry.ip == ip) {
            return &s.entry;
        }
    }
    return nullptr;
}

const arp_entry* arp_cache::find(wire::ipv4_address ip) const {
    for (const auto& s : slots_) {
        if (s.in_use && s.entry.ip == ip) {
            return &s.entry;
        }
    }
    return nullptr;
}

arp_cache::slot* arp_cache::free_slot() {
    slot* victim = nullptr;
    for (auto& s : slots_) {
        if (!s.in_use) {
            return &s;
        }
        // Evict the resolved entry closest to expiry; in-progress ones hold queued packets.
        if (s.entry.resolved && (victim == nullptr || s.entry.expires < victim->entry.expires)) {
            victim = &s;
        }
    }
    if (victim != nullptr) {
        victim->in_use = false;
        --used_;
    }
    return victim;
}

arp_entry* arp_cache::learn(instant now, wire::ipv4_address ip, wire::mac_address mac,
                            duration lifetime) {
    arp_entry* e = find(ip);
    if (e == nullptr) {
        slot* s = free_slot();
        if (s == nullptr) {
            return nullptr;
        }
        s->in_use = true;
        ++used_;
        s->entry = arp_entry{};
        s->entry.ip = ip;
        e = &s->entry;
    }
    e->mac = mac;
    e->resolved = true;
    e->expires = now + lifetime;
    e->requests_sent = 0;
    e->next_request = now;
    return e;
}

arp_entry* arp_cache::start_resolving(wire::ipv4_address ip) {
    NETRIG_ASSERT(find(ip) == nullptr);
    slot* s = free_slot();
    if (s == nullptr) {
        return nullptr;
    }
    s->in_use = true;
    ++used_;
    s->entry = arp_entry{};
        s->entry.ip = ip;
    return &s->entry;
}

void arp_cache::erase(wire::ipv4_address ip) {
    for (auto& s : slots_) {
        if (s.in_use && s.entry.ip == ip) {
            s.in_use = false;
            --used_;
            return;
        }
    }
}

arp_pending_queue::arp_pending_queue(std::size_t slots, std::size_t per_dest_max,
                                     std::size_t slot_bytes)
    : storage_(slots * slot_bytes),
      lens_(slots),
      hops_(slots),
      order_(slots),
      in_use_(slots),
      per_dest_max_(per_dest_max),
      slot_bytes_(slot_bytes) {
    NETRIG_ASSERT(slots > 0);
    NETRIG_ASSERT(slot_bytes >= 14);
}

std::optional<std::span<std::uint8_t>> arp_pending_queue::reserve(wire::ipv4_address next_hop,
                                                                  std::size_t len) {
    NETRIG_ASSERT(len <= slot_bytes_);
    if (used_ == lens_.size() || count(next_hop) >= per_dest_max_) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < lens_.size(); ++i) {
        if (!in_use_[i]) {
            in_use_[i] = true;
            ++used_;
            lens_[i] = len;
            hops_[i] = next_hop;
            order_[i] = next_order_++;
            return std::span<std::uint8_t>{storage_.data() + i * slot_bytes_, len};
        }
    }
    NETRIG_ASSERT(false);
    return std::nullopt;
}

std::size_t arp_pending_queue::count(wire::ipv4_address next_hop) const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < lens_.size(); ++i) {
        if (in_use_[i] && hops_[i] == next_hop) {
            ++n;
        }
    }
    return n;
}

std::size_t arp_pending_queue::discard(wire::ipv4_address next_hop) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < lens_.size(); ++i) {
        if (in_use_[i] && hops_[i] == next_hop) {
            in_use_[i] = false;
            --used_;
            ++n;
        }
    }
    return n;
}

}  // namespace netrig::core
