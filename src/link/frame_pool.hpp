// SPDX-License-Identifier: MIT
// link: a fixed pool of equal frame buffers and a delay line (frames ordered by arrival time)
// built on it. Both allocate only at construction, so the sim link and the fault wrapper do no
// per-packet allocation in steady state. impair_and_queue() is the glue the sim link and the
// fault wrapper share: it applies an impairment verdict to a frame and queues the survivors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "link/device.hpp"
#include "link/impairment.hpp"

namespace netrig::link {

/// Index of a buffer in a frame_pool.
using frame_slot = std::uint32_t;

/// count buffers of frame_bytes each, in one slab, handed out by index. The slab is not
/// zero-filled: a buffer's contents are unspecified until written (the delay lines read back only
/// the len bytes impair_and_queue() copied in), and an untouched slab costs no page faults, so a
/// lightly used pool (low slots first) maps only the pages it uses.
class frame_pool {
public:
    /// Allocates the slab (uninitialised). Preconditions: count > 0, frame_bytes > 0.
    frame_pool(std::size_t count, std::size_t frame_bytes);

    /// Takes a free buffer, or nullopt when all are in use.
    [[nodiscard]] std::optional<frame_slot> acquire();
    /// Returns a buffer. Preconditions: slot came from acquire() and was not released since.
    void release(frame_slot slot);
    /// The whole buffer of a slot (frame_bytes long; contents unspecified until written).
    [[nodiscard]] mut_bytes buffer(frame_slot slot);
    /// Read-only view of the first len bytes of a slot. Preconditions: len <= frame_bytes().
    [[nodiscard]] bytes view(frame_slot slot, std::size_t len) const;
    /// Free buffers left.
    [[nodiscard]] std::size_t available() const { return free_.size(); }
    /// Total buffers.
    [[nodiscard]] std::size_t count() const { return count_; }
    /// Size of each buffer.
    [[nodiscard]] std::size_t frame_bytes() const { return frame_bytes_; }

private:
    std::size_t count_;
    std::size_t frame_bytes_;
    std::unique_ptr<std::uint8_t[]> slab_;  // count_ * frame_bytes_, default-initialised
    std::vector<frame_slot> free_;
#if defined(NETRIG_ASSERTS) && NETRIG_ASSERTS
    std::vector<bool> in_use_;  // catches double release
#endif
};

/// A frame held in a pool slot, handed to the caller as an rx token (see link_device); the
/// slot returns to the pool when the token is destroyed.
class pooled_frame {
public:
    /// Takes ownership of slot (holding len bytes) of pool.
    pooled_frame(frame_pool* pool, frame_slot slot, std::uint32_t len)
        : pool_(pool), slot_(slot), len_(len) {}
    pooled_frame(pooled_frame&& other) noexcept;
    pooled_frame& operator=(pooled_frame&& other) noexcept;
    pooled_frame(const pooled_frame&) = delete;
    pooled_frame& operator=(const pooled_frame&) = delete;
    ~pooled_frame();
    /// The frame; valid while the token lives.
    [[nodiscard]] bytes frame() const;

private:
    frame_pool* pool_;
    frame_slot slot_;
    std::uint32_t len_;
};

/// A frame waiting in a delay line.
struct delayed_frame {
    instant arrival;      ///< When it becomes receivable.
    std::uint64_t order;  ///< Tie-break: equal arrivals leave in the order they were queued.
    frame_slot slot;      ///< Its buffer in the pool.
    std::uint32_t len;    ///< Its length.
};

/// Frames held until their arrival time, earliest first (ties in push order). Owns the slots
/// it holds. Frames pushed in arrival order, as on a link without delay variation, go to a FIFO
/// ring (O(1) push and pop); only a frame due before the FIFO's last one (jitter, reordering,
/// a shorter delay after reconfiguration) goes to a min-heap. pop_due() takes the earlier head
/// of the two by (arrival, push order), so the output order is exactly that of one heap.
class delay_line {
public:
    /// A line over pool holding at most capacity frames.
    delay_line(frame_pool& pool, std::size_t capacity);
    delay_line(const delay_line&) = delete;
    delay_line& operator=(const delay_line&) = delete;
    /// Takes other's frames; other is left empty.
    delay_line(delay_line&& other) noexcept;
    delay_line& operator=(delay_line&&) = delete;
    ~delay_line();

    /// Queues a frame; the line takes the slot. Returns false (and releases the slot) when full.
    [[nodiscard]] bool push(instant arrival, frame_slot slot, std::size_t len);
    /// Removes and returns the earliest frame if it has arrived by now. The caller then owns
    /// its slot and must release it to the pool.
    [[nodiscard]] std::optional<delayed_frame> pop_due(instant now);
    /// Arrival time of the earliest frame, or nullopt when empty.
    [[nodiscard]] std::optional<instant> next_arrival() const;
    /// Frames held.
    [[nodiscard]] std::size_t size() const { return heap_.size() + fifo_size_; }
    /// Frames held in the heap (out-of-order arrivals), for tests.
    [[nodiscard]] std::size_t heap_size() const { return heap_.size(); }
    /// The pool the slots belong to.
    [[nodiscard]] frame_pool& pool() { return *pool_; }

private:
    [[nodiscard]] const delayed_frame* earliest() const;

    frame_pool* pool_;
    std::size_t capacity_;
    std::uint64_t next_order_ = 0;
    std::vector<delayed_frame> heap_;  // min-heap on (arrival, order)
    std::vector<delayed_frame> fifo_;  // ring of capacity_ entries, sorted by (arrival, order)
    std::size_t fifo_head_ = 0;
    std::size_t fifo_size_ = 0;
};

/// Applies engine's verdict for the frame in src (any buffer) offered at now: copies each
/// surviving copy into a pool slot, flips its corrupt bit, and queues it in line. Counts drops
/// (impairment, pool exhausted, line full) in counters. Returns the number of copies queued.
std::size_t impair_and_queue(impairment_engine& engine, delay_line& line, instant now, bytes src,
                             stats& counters);

/// As above, where src is held by `donor`, a slot of line's pool that the caller acquired for
/// this frame and gives up: the first copy is queued in the donor itself instead of a fresh
/// slot plus a copy (the sim link's zero-copy path). Same verdicts, counters and queued bytes
/// as the copying version called with the donor still free. Always takes the donor (queued, or
/// released when dropped). Preconditions: src starts at donor's buffer; src is not read after.
std::size_t impair_and_queue(impairment_engine& engine, delay_line& line, instant now, bytes src,
                             stats& counters, frame_slot donor);

/// Inverts bit `bit` of frame (bit 0 is the most significant bit of byte 0).
/// Preconditions: bit < frame.size() * 8.
void flip_bit(mut_bytes frame, std::uint32_t bit);

}  // namespace netrig::link
