// SPDX-License-Identifier: MIT
// core: the bounded ARP cache (RFC 826, RFC 1122 §2.3.2): resolved entries that age out, and
// entries being resolved with their request schedule. Pure data structure; the interface
// decides when to send requests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/time.hpp"
#include "wire/address.hpp"

namespace netrig::core {

/// One cache entry.
struct arp_entry {
    wire::ipv4_address ip;        ///< protocol address (the key)
    wire::mac_address mac;        ///< hardware address (valid if resolved)
    bool resolved = false;        ///< false while a request is outstanding
    instant expires{};            ///< resolved: when the entry is no longer trusted
    instant next_request{};       ///< when the next (re)request may be sent
    std::uint8_t requests_sent = 0;  ///< requests sent in the current resolution or refresh
};

/// A fixed-capacity table of arp_entry, looked up by IPv4 address (linear scan: the table is
/// small and scanning a contiguous array beats hashing at these sizes).
class arp_cache {
public:
    /// Preconditions: capacity > 0.
    explicit arp_cache(std::size_t capacity);

    /// The entry for ip, or nullptr.
    [[nodiscard]] arp_entry* find(wire::ipv4_address ip);
    [[nodiscard]] const arp_entry* find(wire::ipv4_address ip) const;

    /// Records ip -> mac as resolved until now + lifetime, creating the entry if needed.
    /// Returns nullptr if the table is full of unresolved entries (none can be evicted).
    arp_entry* learn(instant now, wire::ipv4_address ip, wire::mac_address mac, duration lifetime);

    /// Creates an unresolved entry for ip (evicting the resolved entry closest to expiry when
    /// full). Returns nullptr when every entry is unresolved. Preconditions: !find(ip).
    arp_entry* start_resolving(wire::ipv4_address ip);

    /// Removes the entry for ip, if any.
    void erase(wire::ipv4_address ip);

    /// Visits every entry in use, read-only.
    template <class F>
    void for_each(F&& f) const {
        for (const auto& s : slots_) {
            if (s.in_use) {
                f(s.entry);
            }
        }
    }

    /// Removes every entry for which pred(entry) is true.
    template <class Pred>
    void erase_if(Pred&& pred) {
        for (auto& s : slots_) {
            if (s.in_use && pred(s.entry)) {
                s.in_use = false;
                --used_;
            }
        }
    }

    /// Entries in use.
    [[nodiscard]] std::size_t size() const { return used_; }
    /// Visits every entry in use; f may not insert or erase.
    template <class F>
    void for_each(F&& f) {
        for (auto& s : slots_) {
            if (s.in_use) {
                f(s.entry);
            }
        }
    }

private:
    struct slot {
        arp_entry entry;
        bool in_use = false;
    };
    slot* free_slot();
    std::vector<slot> slots_;
    std::size_t used_ = 0;
};

/// Frames waiting for ARP resolution of their next hop: a fixed pool of frame-sized slots,
/// bounded in total and per destination, released in the order they were queued.
class arp_pending_queue {
public:
    /// Preconditions: slots > 0; slot_bytes >= 14.
    arp_pending_queue(std::size_t slots, std::size_t per_dest_max, std::size_t slot_bytes);

    /// A buffer of len bytes for a frame to next_hop, or nullopt if the total or per-destination
    /// bound is reached. The frame's destination MAC is patched when it is released.
    /// Preconditions: len <= slot_bytes.
    [[nodiscard]] std::optional<std::span<std::uint8_t>> reserve(wire::ipv4_address next_hop,
                                                                  std::size_t len);
    /// Frames queued for next_hop.
    [[nodiscard]] std::size_t count(wire::ipv4_address next_hop) const;
    /// Free slots.
    [[nodiscard]] std::size_t free() const { return lens_.size() - used_; }
    /// Frames queued in total.
    [[nodiscard]] std::size_t size() const { return used_; }

    /// Hands every frame for next_hop to f(std::span<uint8_t>) oldest first and frees them.
    template <class F>
    void release(wire::ipv4_address next_hop, F&& f) {
        for (;;) {
            std::size_t best = lens_.size();
            for (std::size_t i = 0; i < lens_.size(); ++i) {
                if (in_use_[i] && hops_[i] == next_hop &&
                    (best == lens_.size() || order_[i] < order_[best])) {
                    best = i;
                }
            }
            if (best == lens_.size()) {
                return;
            }
            f(std::span<std::uint8_t>{storage_.data() + best * slot_bytes_, lens_[best]});
            in_use_[best] = false;
            --used_;
        }
    }
    /// Frees every frame for next_hop; returns how many.
    std::size_t discard(wire::ipv4_address next_hop);

private:
    std::vector<std::uint8_t> storage_;
    std::vector<std::size_t> lens_;
    std::vector<wire::ipv4_address> hops_;
    std::vector<std::uint64_t> order_;
    std::vector<bool> in_use_;
    std::size_t per_dest_max_;
    std::size_t slot_bytes_;
    std::size_t used_ = 0;
    std::uint64_t next_order_ = 0;
};

}  // namespace netrig::core
