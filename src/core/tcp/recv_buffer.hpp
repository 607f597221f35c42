// SPDX-License-Identifier: MIT
// core/tcp: the receive buffer: in-order data waiting for the application plus a bounded set of
// out-of-order ranges (reassembly). Positions are 64-bit stream offsets (byte 0 = first data
// byte after the peer's SYN), so nothing shifts when data is read; the connection maps them to
// sequence numbers.
//
// Two sizes: capacity() is the logical size (what the receive window offers, raised by
// auto-tuning), the allocated storage only what the data held so far needed: it is allocated at
// the first data (`initial_bytes`), doubles when data lands further ahead, never exceeds the
// capacity, is never zero-filled, and can be given back when nothing is held (release()), so
// an idle connection keeps its window but not its memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/assert.hpp"
#include "base/bytes.hpp"
#include "core/tcp/idle_release.hpp"

namespace netrig::core::tcp {

/// A received range [begin, end) of stream offsets held out of order.
struct stream_range {
    std::uint64_t begin = 0;  ///< first byte
    std::uint64_t end = 0;    ///< one past the last byte
    std::uint64_t stamp = 0;  ///< arrival order of the last segment that touched it (for SACK)
};

/// Receive ring of `capacity()` bytes measured from the first unread byte. Data can be stored
/// anywhere in [read_pos, read_pos + capacity); data beyond is clipped (the peer overran the
/// window). At most `ranges_max` disjoint out-of-order ranges are held; a segment that would
/// need one more is dropped (it is not acknowledged, so the peer sends it again).
class recv_buffer {
public:
    /// Preconditions: 0 < initial_bytes <= max_bytes; ranges_max > 0.
    recv_buffer(std::size_t initial_bytes, std::size_t max_bytes, std::size_t ranges_max);

    recv_buffer(recv_buffer&& other) noexcept;
    recv_buffer& operator=(recv_buffer&& other) noexcept;
    recv_buffer(const recv_buffer&) = delete;
    recv_buffer& operator=(const recv_buffer&) = delete;
    /// Gives the storage back (and takes it off totals()).
    ~recv_buffer();

    /// Stores `data` that starts at stream offset `pos`. Preconditions: pos >= read_pos().
    /// Returns how far the in-order end (ready_end()) advanced. Allocates or grows the storage
    /// when the data lands beyond what is allocated (never beyond capacity()).
    std::size_t insert(std::uint64_t pos, bytes data);
    /// Copies in-order bytes to `out`; returns the count.
    std::size_t read(mut_bytes out);
    /// Raises the capacity (receive-window auto-tuning), up to max(). Never shrinks. Allocates
    /// nothing: the storage follows the data.
    void grow(std::size_t capacity_bytes);
    /// Frees the storage (and the reserved out-of-order list) of a buffer that holds nothing;
    /// capacity(), read_pos() and ready_end() stay. The next insert() allocates
    /// `initial_bytes` again. Preconditions: readable() == 0 and out_of_order() is empty.
    void release();

    /// Offset of the first unread byte.
    [[nodiscard]] std::uint64_t read_pos() const { return read_pos_; }
    /// Offset just after the in-order data (RCV.NXT as a stream offset).
    [[nodiscard]] std::uint64_t ready_end() const { return ready_end_; }
    /// In-order bytes the application can read.
    [[nodiscard]] std::size_t readable() const {
        return static_cast<std::size_t>(ready_end_ - read_pos_);
    }
    /// Room after the in-order data: the most the receive window may offer. Follows the
    /// logical capacity, not the allocated storage.
    [[nodiscard]] std::size_t free() const { return capacity_ - readable(); }
    /// Current logical capacity (the window's basis; auto-tuned).
    [[nodiscard]] std::size_t capacity() const { return capacity_; }
    /// Bytes of ring storage allocated now (0 before the first data and after release()).
    [[nodiscard]] std::size_t allocated_bytes() const { return size_; }
    /// The configured maximum capacity.
    [[nodiscard]] std::size_t max() const { return max_; }
    /// Out-of-order ranges, ascending. Invalidated by insert() and read().
    [[nodiscard]] std::span<const stream_range> out_of_order() const { return ranges_; }

    /// Storage of every receive buffer in the process (all threads).
    [[nodiscard]] static buffer_totals totals();

private:
    void copy_in(std::uint64_t pos, bytes data);
    // Ring index of stream offset pos, (pos - base_) % size_ without a 64-bit division: read()
    // keeps read_pos_ - base_ < size_, and every offset stored lies below read_pos_ + size_
    // (ensure_storage), so pos - base_ < 2 * size_.
    [[nodiscard]] std::size_t index_of(std::uint64_t pos) const {
        auto i = static_cast<std::size_t>(pos - base_);
        if (i >= size_) {
            i -= size_;
        }
        NETRIG_ASSERT(i < size_);
        return i;
    }
    void ensure_storage(std::uint64_t end);

    std::unique_ptr<std::uint8_t[]> storage_;  // ring of size_ bytes; never value-initialised
    std::size_t size_ = 0;                     // index of offset p: (p - base_) % size_
    std::vector<stream_range> ranges_;  // reserved to ranges_max_ + 1 with the storage
    std::uint64_t base_ = 0;            // stream offset stored at storage_[0] (mod size_)
    std::uint64_t read_pos_ = 0;
    std::uint64_t ready_end_ = 0;
    std::uint64_t stamp_ = 0;
    std::size_t initial_;
    std::size_t capacity_;
    std::size_t max_;
    std::size_t ranges_max_;
};

}  // namespace netrig::core::tcp
