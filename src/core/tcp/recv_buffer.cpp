// SPDX-License-Identifier: MIT
// core/tcp: the receive buffer and out-of-order reassembly.
#include "core/tcp/recv_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace netrig::core::tcp {

recv_buffer::recv_buffer(std::size_t initial_bytes, std::size_t max_bytes, std::size_t ranges_max)
    : capacity_(initial_bytes), max_(max_bytes), ranges_max_(ranges_max) {
    NETRIG_ASSERT(initial_bytes > 0);
    NETRIG_ASSERT(initial_bytes <= max_bytes);
    NETRIG_ASSERT(ranges_max > 0);
    ranges_.reserve(ranges_max + 1);
}

void recv_buffer::ensure_storage() {
    if (storage_.size() >= capacity_) {
        return;
    }
    // Re-layout so that read_pos_ sits at index 0 of the larger ring. Happens on first use and
    // when auto-tuning grows the window, never per segment.
    std::vector<std::uint8_t> next(capacity_);
    const std::size_t old = storage_.size();
    if (old > 0) {
        const std::size_t start = static_cast<std::size_t>((read_pos_ - base_) % old);
        std::memcpy(next.data(), storage_.data() + start, old - start);
        std::memcpy(next.data() + (old - start), storage_.data(), start);
    }
    storage_ = std::move(next);
    base_ = read_pos_;
}

void recv_buffer::grow(std::size_t capacity_bytes) {
    capacity_ = std::max(capacity_, std::min(capacity_bytes, max_));
    if (!storage_.empty()) {
        ensure_storage();
    }
}

void recv_buffer::copy_in(std::uint64_t pos, bytes data) {
    const std::size_t size = storage_.size();
    const std::size_t at = static_cast<std::size_t>((pos - base_) % size);
    const std::size_t first = std::min(data.size(), size - at);
    std::memcpy(storage_.data() + at, data.data(), first);
    if (data.size() > first) {
        std::memcpy(storage_.data(), data.data() + first, data.size() - first);
    }
}

std::size_t recv_buffer::insert(std::uint64_t pos, bytes data) {
    NETRIG_ASSERT(pos >= read_pos_);
    const std::uint64_t limit = read_pos_ + capacity_;
    std::uint64_t begin = std::max(pos, ready_end_);
    std::uint64_t end = std::min(pos + data.size(), limit);
    if (begin >= end) {
        return 0;
    }
    data =
        data.subspan(static_cast<std::size_t>(begin - pos), static_cast<std::size_t>(end - begin));
    ++stamp_;
    // Find the ranges the new one touches (overlaps or abuts): they merge into one.
    auto first = std::find_if(ranges_.begin(), ranges_.end(),
                              [&](const stream_range& r) { return r.end >= begin; });
    auto last = first;
    while (last != ranges_.end() && last->begin <= end) {
        ++last;
    }
    const bool in_order = begin == ready_end_;
    if (!in_order && first == last && ranges_.size() >= ranges_max_) {
        return 0;  // would need one range too many: drop, the peer retransmits
    }
    ensure_storage();
    copy_in(begin, data);
    if (first != last) {
        begin = std::min(begin, first->begin);
        end = std::max(end, std::prev(last)->end);
    }
    const auto at = ranges_.erase(first, last);
    ranges_.insert(at, stream_range{begin, end, stamp_});
    // In-order data: absorb the leading range into the ready region.
    const std::uint64_t before = ready_end_;
    if (!ranges_.empty() && ranges_.front().begin <= ready_end_) {
        ready_end_ = std::max(ready_end_, ranges_.front().end);
        ranges_.erase(ranges_.begin());
    }
    return static_cast<std::size_t>(ready_end_ - before);
}

std::size_t recv_buffer::read(mut_bytes out) {
    const std::size_t n = std::min(out.size(), readable());
    if (n == 0) {
        return 0;
    }
    const std::size_t size = storage_.size();
    const std::size_t at = static_cast<std::size_t>((read_pos_ - base_) % size);
    const std::size_t first = std::min(n, size - at);
    std::memcpy(out.data(), storage_.data() + at, first);
    if (n > first) {
        std::memcpy(out.data() + first, storage_.data(), n - first);
    }
    read_pos_ += n;
    return n;
}

}  // namespace netrig::core::tcp
