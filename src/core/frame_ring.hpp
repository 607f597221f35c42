// SPDX-License-Identifier: MIT
// core: the transmit queue, a FIFO of frames allocated once. Producers reserve room, write the
// frame in place and commit it; poll() hands the oldest to the device with its offload request.
//
// Frames are packed back to back in one byte ring (a frame never wraps: if it does not fit
// before the end it starts over at offset 0), with a bounded number of entries. Why bytes and
// not fixed slots: with TSO a TCP frame may be 64 KiB while most frames (ACKs, ARP) are tiny;
// slots sized for the largest frame would multiply the queue's memory by ~44 (256 x 64 KiB =
// 16 MiB). Without TSO the ring holds `slots` MTU-sized frames as before (two frames of slack
// cover the space lost where a frame did not fit before the end); with TSO (large_frame_bytes)
// it adds room for two 64 KiB frames, and fits(len) tells whether a frame of len fits now.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/assert.hpp"
#include "base/bytes.hpp"

namespace netrig::core {

/// What the device must do with a queued frame (link::tx_offload, virtio_net_hdr semantics;
/// core does not see link). All zero: send as is.
struct tx_frame_info {
    /// The L4 checksum field holds the pseudo-header sum: the device completes it over
    /// [checksum_start, end of frame) and stores it at checksum_start + checksum_offset
    /// (virtio 1.1 §5.1.6.2 VIRTIO_NET_HDR_F_NEEDS_CSUM; Linux CHECKSUM_PARTIAL).
    bool needs_checksum = false;
    /// A TCP/IPv4 frame larger than the MTU that the device cuts into gso_size pieces (TSO,
    /// VIRTIO_NET_HDR_GSO_TCPV4).
    bool gso_tcpv4 = false;
    std::uint16_t checksum_start = 0;   ///< Frame offset of the L4 header.
    std::uint16_t checksum_offset = 0;  ///< Offset of the checksum field in the L4 header.
    std::uint16_t gso_size = 0;         ///< Payload bytes per piece (the effective MSS).
    std::uint16_t hdr_len = 0;          ///< Ethernet + IPv4 + TCP header bytes.
};

/// A bounded ring of frames of at most max_frame_bytes(). No allocation after construction.
class frame_ring {
public:
    /// Room for `slots` frames of slot_bytes, and, when large_frame_bytes > slot_bytes, frames
    /// up to large_frame_bytes (TSO). Preconditions: slots > 0; slot_bytes > 0.
    frame_ring(std::size_t slots, std::size_t slot_bytes, std::size_t large_frame_bytes = 0)
        : storage_(slots * slot_bytes + 2 * std::max(slot_bytes, large_frame_bytes)),
          entries_(slots),
          max_frame_(std::max(slot_bytes, large_frame_bytes)) {
        NETRIG_ASSERT(slots > 0);
        NETRIG_ASSERT(slot_bytes > 0);
    }

    /// Frames queued.
    [[nodiscard]] std::size_t size() const { return count_; }
    /// Frames that may still be queued (entries; see fits() for bytes).
    [[nodiscard]] std::size_t free() const { return entries_.size() - count_; }
    /// Largest frame the ring takes.
    [[nodiscard]] std::size_t slot_bytes() const { return max_frame_; }
    /// Bytes of frame storage (for memory accounting).
    [[nodiscard]] std::size_t capacity_bytes() const { return storage_.size(); }
    [[nodiscard]] bool empty() const { return count_ == 0; }
    /// True if reserve(len) would succeed now.
    [[nodiscard]] bool fits(std::size_t len) const {
        return len <= max_frame_ && free() > 0 && place(len).has_value();
    }
    /// True if `frames` frames of len bytes each would fit now.
    [[nodiscard]] bool fits(std::size_t frames, std::size_t len) const {
        if (frames == 0) {
            return true;
        }
        if (len > max_frame_ || free() < frames) {
            return false;
        }
        // Simulate the placements (frames is small: fragments of one datagram).
        std::size_t write = write_;
        std::size_t count = count_;
        const std::size_t read = count_ > 0 ? entries_[head_].offset : 0;
        for (std::size_t i = 0; i < frames; ++i) {
            const auto at = place_from(write, count, read, len);
            if (!at) {
                return false;
            }
            write = *at + len;
            ++count;
        }
        return true;
    }

    /// The buffer for the next frame, `len` bytes long, or nullopt when the ring is full
    /// (entries or bytes). It becomes a queued frame only by commit(), with `info`.
    /// Preconditions: len <= slot_bytes().
    [[nodiscard]] std::optional<mut_bytes> reserve(std::size_t len,
                                                   const tx_frame_info& info = {}) {
        NETRIG_ASSERT(len <= max_frame_);
        if (free() == 0) {
            return std::nullopt;
        }
        const auto at = place(len);
        if (!at) {
            return std::nullopt;
        }
        entry& e = entries_[(head_ + count_) % entries_.size()];
        e.offset = *at;
        e.len = len;
        e.info = info;
        return mut_bytes{storage_.data() + *at, len};
    }
    /// Changes the offload request of the frame last reserved (before commit()).
    void set_info(const tx_frame_info& info) {
        NETRIG_ASSERT(free() > 0);
        entries_[(head_ + count_) % entries_.size()].info = info;
    }
    /// Queues the frame last reserved. Preconditions: reserve() succeeded just before.
    void commit() {
        NETRIG_ASSERT(free() > 0);
        const entry& e = entries_[(head_ + count_) % entries_.size()];
        write_ = e.offset + e.len;
        ++count_;
    }
    /// The oldest queued frame. Preconditions: !empty().
    [[nodiscard]] bytes front() const {
        NETRIG_ASSERT(!empty());
        const entry& e = entries_[head_];
        return bytes{storage_.data() + e.offset, e.len};
    }
    /// The oldest queued frame's offload request. Preconditions: !empty().
    [[nodiscard]] const tx_frame_info& front_info() const {
        NETRIG_ASSERT(!empty());
        return entries_[head_].info;
    }
    /// Removes the oldest frame. Preconditions: !empty().
    void pop() {
        NETRIG_ASSERT(!empty());
        head_ = (head_ + 1) % entries_.size();
        --count_;
        if (count_ == 0) {
            write_ = 0;  // empty: start packing at the beginning again
        }
    }

private:
    struct entry {
        std::size_t offset = 0;
        std::size_t len = 0;
        tx_frame_info info;
    };

    [[nodiscard]] std::optional<std::size_t> place(std::size_t len) const {
        return place_from(write_, count_, count_ > 0 ? entries_[head_].offset : 0, len);
    }
    // Where a frame of len goes given the write position, the number of queued frames and the
    // oldest frame's offset (read): after the newest frame, or at 0 if it does not fit before
    // the end; never over the oldest frame.
    [[nodiscard]] std::optional<std::size_t> place_from(std::size_t write, std::size_t count,
                                                        std::size_t read, std::size_t len) const {
        if (count == 0) {
            return len <= storage_.size() ? std::optional<std::size_t>{0} : std::nullopt;
        }
        if (write > read) {
            if (write + len <= storage_.size()) {
                return write;
            }
            if (len <= read) {
                return std::size_t{0};
            }
            return std::nullopt;
        }
        if (write < read && write + len <= read) {
            return write;
        }
        return std::nullopt;  // write == read with frames queued: no room
    }

    std::vector<std::uint8_t> storage_;
    std::vector<entry> entries_;
    std::size_t max_frame_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    std::size_t write_ = 0;  // end of the newest frame
};

}  // namespace netrig::core
