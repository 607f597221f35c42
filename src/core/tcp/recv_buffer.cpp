// SPDX-License-Identifier: MIT
// core/tcp: the receive buffer and out-of-order reassembly.
#include "core/tcp/recv_buffer.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>

#include "base/assert.hpp"

namespace netrig::core::tcp {

namespace {
// Process-wide accounting (recv_buffer::totals()); touched only on allocation and release.
std::atomic<std::size_t> g_allocated_bytes{0};
std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_releases{0};
}  // namespace

recv_buffer::recv_buffer(std::size_t initial_bytes, std::size_t max_bytes, std::size_t ranges_max)
    : initial_(initial_bytes),
      capacity_(initial_bytes),
      max_(max_bytes),
      ranges_max_(ranges_max) {
    NETRIG_ASSERT(initial_bytes > 0);
    NETRIG_ASSERT(initial_bytes <= max_bytes);
    NETRIG_ASSERT(ranges_max > 0);
}

recv_buffer::recv_buffer(recv_buffer&& other) noexcept
    : storage_(std::move(other.storage_)),
      size_(std::exchange(other.size_, 0)),
      ranges_(std::move(other.ranges_)),
      base_(other.base_),
      read_pos_(other.read_pos_),
      ready_end_(other.ready_end_),
      stamp_(other.stamp_),
      initial_(other.initial_),
      capacity_(other.capacity_),
      max_(other.max_),
      ranges_max_(other.ranges_max_) {
    other.ranges_.clear();
}

recv_buffer& recv_buffer::operator=(recv_buffer&& other) noexcept {
    if (this != &other) {
        g_allocated_bytes.fetch_sub(size_, std::memory_order_relaxed);
        storage_ = std::move(other.storage_);
        size_ = std::exchange(other.size_, 0);
        ranges_ = std::move(other.ranges_);
        other.ranges_.clear();
        base_ = other.base_;
        read_pos_ = other.read_pos_;
        ready_end_ = other.ready_end_;
        stamp_ = other.stamp_;
        initial_ = other.initial_;
        capacity_ = other.capacity_;
        max_ = other.max_;
        ranges_max_ = other.ranges_max_;
    }
    return *this;
}

recv_buffer::~recv_buffer() { g_allocated_bytes.fetch_sub(size_, std::memory_order_relaxed); }

buffer_totals recv_buffer::totals() {
    return buffer_totals{.allocated_bytes = g_allocated_bytes.load(std::memory_order_relaxed),
                         .allocations = g_allocations.load(std::memory_order_relaxed),
                         .releases = g_releases.load(std::memory_order_relaxed)};
}

void recv_buffer::ensure_storage(std::uint64_t end) {
    NETRIG_ASSERT(end > read_pos_);
    NETRIG_ASSERT(end - read_pos_ <= capacity_);
    const auto needed = static_cast<std::size_t>(end - read_pos_);
    if (needed <= size_) {
        return;
    }
    // First use (or first use after a release) takes `initial_`; later growth doubles. Both
    // happen while the window opens, never per segment once the transfer is in steady state.
    std::size_t next_size = size_ == 0 ? initial_ : size_;
    while (next_size < needed) {
        next_size *= 2;
    }
    next_size = std::min(next_size, capacity_);
    NETRIG_ASSERT(next_size >= needed);
    // Not value-initialised: only bytes stored by insert() are ever read.
    auto next = std::make_unique_for_overwrite<std::uint8_t[]>(next_size);
    if (size_ > 0) {
        // Re-layout so that read_pos_ sits at index 0 of the larger ring. Everything held
        // (in-order and out-of-order) lies in [read_pos_, read_pos_ + size_), the old ring.
        const auto start = static_cast<std::size_t>((read_pos_ - base_) % size_);
        std::memcpy(next.get(), storage_.get() + start, size_ - start);
        std::memcpy(next.get() + (size_ - start), storage_.get(), start);
    }
    g_allocated_bytes.fetch_add(next_size - size_, std::memory_order_relaxed);
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    storage_ = std::move(next);
    size_ = next_size;
    base_ = read_pos_;
}

void recv_buffer::grow(std::size_t capacity_bytes) {
    capacity_ = std::max(capacity_, std::min(capacity_bytes, max_));
}

void recv_buffer::release() {
    NETRIG_ASSERT(readable() == 0);
    NETRIG_ASSERT(ranges_.empty());
    if (size_ == 0) {
        return;
    }
    // Resetting the owners frees the allocations for certain (shrink_to_fit need not).
    storage_.reset();
    std::vector<stream_range>{}.swap(ranges_);
    g_allocated_bytes.fetch_sub(size_, std::memory_order_relaxed);
    g_releases.fetch_add(1, std::memory_order_relaxed);
    size_ = 0;
    base_ = read_pos_;
}

void recv_buffer::copy_in(std::uint64_t pos, bytes data) {
    const std::size_t size = size_;
    const std::size_t at = index_of(pos);
    const std::size_t first = std::min(data.size(), size - at);
    std::memcpy(storage_.get() + at, data.data(), first);
    if (data.size() > first) {
        std::memcpy(storage_.get(), data.data() + first, data.size() - first);
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
    if (begin == ready_end_ && ranges_.empty()) {
        // In order with nothing out of order held (a bulk flow's every segment): the data
        // joins the ready region directly, as the general path below would after inserting
        // and at once absorbing its range.
        ensure_storage(end);
        copy_in(begin, data);
        ready_end_ = end;
        return static_cast<std::size_t>(end - begin);
    }
    if (ranges_.capacity() < ranges_max_ + 1) {
        // First data, or first since a release: reserve once so that insert() never allocates
        // per segment.
        ranges_.reserve(ranges_max_ + 1);
    }
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
    ensure_storage(end);  // leaves ranges_ (and so first, last) untouched
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
    const std::size_t size = size_;
    const std::size_t at = index_of(read_pos_);
    const std::size_t first = std::min(n, size - at);
    std::memcpy(out.data(), storage_.get() + at, first);
    if (n > first) {
        std::memcpy(out.data() + first, storage_.get(), n - first);
    }
    read_pos_ += n;
    // Keeps read_pos_ - base_ < size_ (see index_of): base_ moves by whole rings only, so
    // it still names the stream offset stored at storage_[0] modulo size_.
    if (read_pos_ - base_ >= size_) {
        base_ += size_;
    }
    return n;
}

}  // namespace netrig::core::tcp
