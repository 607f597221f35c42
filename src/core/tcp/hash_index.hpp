// SPDX-License-Identifier: MIT
// core/tcp: hash_index, the bounded open-addressing map behind the demux tables (connections,
// listeners, TIME_WAIT, SYN queue): key -> 32-bit slot id, allocated once at construction.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "base/assert.hpp"
#include "core/tcp/siphash.hpp"

namespace netrig::core::tcp {

/// A map from Key to a 32-bit id with a fixed entry bound. Linear probing with backward-shift
/// deletion (no tombstones, so lookups never degrade after churn); the slot array is a power of
/// two at most 3/4 full, allocated at construction: no allocation per insert or lookup.
/// Hashes are SipHash-2-4 under a per-table secret, so a remote peer choosing ports and
/// addresses cannot aim its entries at one probe chain (hash flooding).
/// find() first tries the slot of the previous successful find (or insert) with one key
/// compare, so a run of segments of one connection costs no SipHash each; the hint is checked
/// against the stored key, never trusted, so no insert/erase/shift needs to invalidate it and
/// a miss costs one compare before the keyed probe. Not thread-safe (the hint is mutable).
/// Key must be trivially copyable, equality comparable, and have
/// `to_bytes()` returning a std::array<std::uint8_t, N>.
template <class Key>
class hash_index {
public:
    /// The id value that marks an empty slot; never a valid id.
    static constexpr std::uint32_t no_id = std::numeric_limits<std::uint32_t>::max();

    /// A table holding up to `entries_max` keys, hashed under `secret`.
    /// Preconditions: 0 < entries_max < 2^30.
    hash_index(std::size_t entries_max, const siphash_key& secret)
        : secret_(secret), entries_max_(entries_max) {
        NETRIG_ASSERT(entries_max > 0);
        NETRIG_ASSERT(entries_max < (std::size_t{1} << 30U));
        slots_.resize(std::bit_ceil(entries_max + entries_max / 3 + 1));
        mask_ = slots_.size() - 1;
    }

    /// The id stored for key, if any.
    [[nodiscard]] std::optional<std::uint32_t> find(const Key& key) const {
        // Keys are unique, so an occupied slot holding key is key's entry wherever it sits.
        if (const slot& hinted = slots_[hint_]; hinted.id != no_id && hinted.key == key) {
            return hinted.id;
        }
        for (std::size_t i = home(key);; i = (i + 1) & mask_) {
            const slot& s = slots_[i];
            if (s.id == no_id) {
                return std::nullopt;
            }
            if (s.key == key) {
                hint_ = i;
                return s.id;
            }
        }
    }

    /// Inserts key -> id. Returns false (and changes nothing) if the key is present or the
    /// table holds entries_max keys. Preconditions: id != no_id.
    [[nodiscard]] bool insert(const Key& key, std::uint32_t id) {
        NETRIG_ASSERT(id != no_id);
        if (size_ >= entries_max_) {
            return false;
        }
        std::size_t i = home(key);
        for (; slots_[i].id != no_id; i = (i + 1) & mask_) {
            if (slots_[i].key == key) {
                return false;
            }
        }
        slots_[i] = slot{key, id};
        hint_ = i;  // a new connection's next segment is likely its own
        ++size_;
        return true;
    }

    /// Removes key; returns its id, or nothing if absent.
    std::optional<std::uint32_t> erase(const Key& key) {
        std::size_t i = home(key);
        for (;; i = (i + 1) & mask_) {
            if (slots_[i].id == no_id) {
                return std::nullopt;
            }
            if (slots_[i].key == key) {
                break;
            }
        }
        const std::uint32_t id = slots_[i].id;
        // Backward-shift deletion (Knuth 6.4 Algorithm R): move later members of the probe
        // chain into the hole when their home slot does not lie cyclically in (hole, j].
        std::size_t hole = i;
        for (std::size_t j = (i + 1) & mask_; slots_[j].id != no_id; j = (j + 1) & mask_) {
            const std::size_t h = home(slots_[j].key);
            const bool home_in_between = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!home_in_between) {
                slots_[hole] = slots_[j];
                hole = j;
            }
        }
        slots_[hole] = slot{};
        --size_;
        return id;
    }

    /// Number of keys held.
    [[nodiscard]] std::size_t size() const { return size_; }
    /// The bound given at construction.
    [[nodiscard]] std::size_t entries_max() const { return entries_max_; }
    /// Heap bytes held (the slot array).
    [[nodiscard]] std::size_t memory_bytes() const { return slots_.capacity() * sizeof(slot); }

private:
    struct slot {
        Key key{};
        std::uint32_t id = no_id;
    };

    [[nodiscard]] std::size_t home(const Key& key) const {
        const auto b = key.to_bytes();
        return static_cast<std::size_t>(siphash24(secret_, b)) & mask_;
    }

    siphash_key secret_;
    std::size_t entries_max_;
    std::size_t mask_ = 0;
    std::size_t size_ = 0;
    std::vector<slot> slots_;
    mutable std::size_t hint_ = 0;  // slot of the last hit; always < slots_.size()
};

}  // namespace netrig::core::tcp
