// SPDX-License-Identifier: MIT
// core: a FIFO of fixed-size frame slots allocated once, for the transmit queue. Producers
// reserve a slot, write the frame in place and commit it; poll() hands the oldest to the device.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/assert.hpp"
#include "base/bytes.hpp"

namespace netrig::core {

/// A bounded ring of frames, each at most slot_bytes long. No allocation after construction.
class frame_ring {
public:
    /// Preconditions: slots > 0; slot_bytes > 0.
    frame_ring(std::size_t slots, std::size_t slot_bytes)
        : storage_(slots * slot_bytes), lens_(slots), slot_bytes_(slot_bytes) {
        NETRIG_ASSERT(slots > 0);
        NETRIG_ASSERT(slot_bytes > 0);
    }

    /// Slots in use.
    [[nodiscard]] std::size_t size() const { return count_; }
    /// Free slots.
    [[nodiscard]] std::size_t free() const { return lens_.size() - count_; }
    /// Largest frame a slot holds.
    [[nodiscard]] std::size_t slot_bytes() const { return slot_bytes_; }
    [[nodiscard]] bool empty() const { return count_ == 0; }

    /// The buffer of the next free slot, `len` bytes long, or nullopt when the ring is full.
    /// It becomes a queued frame only by commit(). Preconditions: len <= slot_bytes().
    [[nodiscard]] std::optional<mut_bytes> reserve(std::size_t len) {
        NETRIG_ASSERT(len <= slot_bytes_);
        if (free() == 0) {
            return std::nullopt;
        }
        const std::size_t idx = (head_ + count_) % lens_.size();
        lens_[idx] = len;
        return mut_bytes{storage_.data() + idx * slot_bytes_, len};
    }
    /// Queues the frame last reserved. Preconditions: reserve() succeeded just before.
    void commit() {
        NETRIG_ASSERT(free() > 0);
        ++count_;
    }
    /// The oldest queued frame. Preconditions: !empty().
    [[nodiscard]] bytes front() const {
        NETRIG_ASSERT(!empty());
        return bytes{storage_.data() + head_ * slot_bytes_, lens_[head_]};
    }
    /// Removes the oldest frame. Preconditions: !empty().
    void pop() {
        NETRIG_ASSERT(!empty());
        head_ = (head_ + 1) % lens_.size();
        --count_;
    }

private:
    std::vector<std::uint8_t> storage_;
    std::vector<std::size_t> lens_;
    std::size_t slot_bytes_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

}  // namespace netrig::core
