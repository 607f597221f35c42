// SPDX-License-Identifier: MIT
// core: a socket's bounded receive queue: datagrams (with per-datagram metadata) in a byte ring
// of fixed capacity, bounded both in count and in bytes. Storage is sized once, when the socket
// opens; queueing a datagram copies it and allocates nothing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/assert.hpp"
#include "base/bytes.hpp"

namespace netrig::core {

/// Outcome of datagram_queue::push.
enum class push_result : std::uint8_t { ok, full_count, full_bytes };

/// FIFO of datagrams with metadata Meta. Bytes wrap around the ring, so a datagram may be
/// stored in two pieces; pop_into() reassembles it.
template <class Meta>
class datagram_queue {
public:
    /// An unusable empty queue (for a closed socket slot).
    datagram_queue() = default;

    /// (Re)sizes the queue and empties it. Reuses earlier storage when large enough.
    void reset(std::size_t datagrams_max, std::size_t bytes_max) {
        entries_.resize(datagrams_max);
        ring_.resize(bytes_max);
        head_ = count_ = byte_head_ = bytes_used_ = 0;
    }

    [[nodiscard]] bool empty() const { return count_ == 0; }
    [[nodiscard]] std::size_t size() const { return count_; }
    [[nodiscard]] std::size_t bytes_used() const { return bytes_used_; }

    /// Copies a datagram in. Errors: full_count when datagrams_max are queued, full_bytes when
    /// its bytes do not fit.
    push_result push(const Meta& meta, bytes data) {
        if (count_ == entries_.size()) {
            return push_result::full_count;
        }
        if (data.size() > ring_.size() - bytes_used_) {
            return push_result::full_bytes;
        }
        const std::size_t at = (byte_head_ + bytes_used_) % std::max<std::size_t>(ring_.size(), 1);
        const std::size_t first = std::min(data.size(), ring_.size() - at);
        std::copy_n(data.begin(), first, ring_.begin() + static_cast<std::ptrdiff_t>(at));
        std::copy(data.begin() + static_cast<std::ptrdiff_t>(first), data.end(), ring_.begin());
        entries_[(head_ + count_) % entries_.size()] = entry{meta, data.size()};
        ++count_;
        bytes_used_ += data.size();
        return push_result::ok;
    }

    /// Metadata of the oldest datagram. Preconditions: !empty().
    [[nodiscard]] const Meta& front_meta() const {
        NETRIG_ASSERT(!empty());
        return entries_[head_].meta;
    }
    /// Length of the oldest datagram. Preconditions: !empty().
    [[nodiscard]] std::size_t front_len() const {
        NETRIG_ASSERT(!empty());
        return entries_[head_].len;
    }

    /// Copies the oldest datagram into out (truncating to out.size()), removes it, and returns
    /// the bytes copied. Preconditions: !empty().
    std::size_t pop_into(mut_bytes out) {
        NETRIG_ASSERT(!empty());
        const std::size_t len = entries_[head_].len;
        const std::size_t n = std::min(len, out.size());
        const std::size_t first = std::min(n, ring_.size() - byte_head_);
        std::copy_n(ring_.begin() + static_cast<std::ptrdiff_t>(byte_head_), first, out.begin());
        std::copy_n(ring_.begin(), n - first, out.begin() + static_cast<std::ptrdiff_t>(first));
        if (len > 0) {
            byte_head_ = (byte_head_ + len) % ring_.size();
        }
        bytes_used_ -= len;
        head_ = (head_ + 1) % entries_.size();
        --count_;
        return n;
    }

private:
    struct entry {
        Meta meta{};
        std::size_t len = 0;
    };
    std::vector<entry> entries_;
    std::vector<std::uint8_t> ring_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    std::size_t byte_head_ = 0;
    std::size_t bytes_used_ = 0;
};

}  // namespace netrig::core
