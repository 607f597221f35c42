// SPDX-License-Identifier: MIT
// core/tcp: the send buffer ring.
#include "core/tcp/send_buffer.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <utility>

#include "base/assert.hpp"

namespace netrig::core::tcp {

namespace {
// Process-wide accounting (send_buffer::totals()). Relaxed: only allocation, growth and
// release touch it, never the per-segment path.
std::atomic<std::size_t> g_allocated_bytes{0};
std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_releases{0};

// i mod cap for i < 2 * cap (a ring index plus at most one ring's length).
std::size_t wrap(std::size_t i, std::size_t cap) {
    NETRIG_ASSERT(i < 2 * cap);
    return i >= cap ? i - cap : i;
}
}  // namespace

send_buffer::send_buffer(std::size_t initial_bytes, std::size_t max_bytes)
    : initial_(initial_bytes), max_(max_bytes) {
    NETRIG_ASSERT(initial_bytes > 0);
    NETRIG_ASSERT(initial_bytes <= max_bytes);
}

send_buffer::send_buffer(send_buffer&& other) noexcept
    : storage_(std::move(other.storage_)),
      cap_(std::exchange(other.cap_, 0)),
      head_(std::exchange(other.head_, 0)),
      size_(std::exchange(other.size_, 0)),
      initial_(other.initial_),
      max_(other.max_) {}

send_buffer& send_buffer::operator=(send_buffer&& other) noexcept {
    if (this != &other) {
        g_allocated_bytes.fetch_sub(cap_, std::memory_order_relaxed);
        storage_ = std::move(other.storage_);
        cap_ = std::exchange(other.cap_, 0);
        head_ = std::exchange(other.head_, 0);
        size_ = std::exchange(other.size_, 0);
        initial_ = other.initial_;
        max_ = other.max_;
    }
    return *this;
}

send_buffer::~send_buffer() { g_allocated_bytes.fetch_sub(cap_, std::memory_order_relaxed); }

buffer_totals send_buffer::totals() {
    return buffer_totals{.allocated_bytes = g_allocated_bytes.load(std::memory_order_relaxed),
                         .allocations = g_allocations.load(std::memory_order_relaxed),
                         .releases = g_releases.load(std::memory_order_relaxed)};
}

void send_buffer::grow(std::size_t needed) {
    std::size_t cap = std::max(cap_, initial_);
    while (cap < needed) {
        cap *= 2;
    }
    cap = std::min(cap, max_);
    if (cap == cap_) {
        return;
    }
    NETRIG_ASSERT(cap >= needed);
    // Not value-initialised: only bytes written are ever read, so zero-filling would be pure
    // cost (page faults and a memset of the whole buffer at every first use).
    auto next = std::make_unique_for_overwrite<std::uint8_t[]>(cap);
    // Linearize into the new storage: growth is rare (doubling), so the copy is amortized.
    const auto parts = peek(0, size_);
    if (!parts[0].empty()) {
        std::memcpy(next.get(), parts[0].data(), parts[0].size());
    }
    if (!parts[1].empty()) {
        std::memcpy(next.get() + parts[0].size(), parts[1].data(), parts[1].size());
    }
    g_allocated_bytes.fetch_add(cap - cap_, std::memory_order_relaxed);
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    storage_ = std::move(next);
    cap_ = cap;
    head_ = 0;
}

std::size_t send_buffer::write(bytes data) {
    const std::size_t n = std::min(data.size(), free());
    if (n == 0) {
        return 0;
    }
    if (size_ + n > cap_) {
        grow(size_ + n);
    }
    const std::size_t cap = cap_;
    NETRIG_ASSERT(size_ + n <= cap);
    // head_ < cap and size_ <= cap: a conditional subtraction instead of a 64-bit division.
    const std::size_t tail = wrap(head_ + size_, cap);
    const std::size_t first = std::min(n, cap - tail);
    std::memcpy(storage_.get() + tail, data.data(), first);
    if (n > first) {
        std::memcpy(storage_.get(), data.data() + first, n - first);
    }
    size_ += n;
    return n;
}

std::array<bytes, 2> send_buffer::peek(std::size_t offset, std::size_t len) const {
    NETRIG_ASSERT(offset <= size_);
    NETRIG_ASSERT(len <= size_ - offset);
    if (len == 0) {
        return {};
    }
    const std::size_t cap = cap_;
    const std::size_t start = wrap(head_ + offset, cap);
    const std::size_t first = std::min(len, cap - start);
    const bytes all{storage_.get(), cap};
    return {all.subspan(start, first), all.subspan(0, len - first)};
}

void send_buffer::consume(std::size_t n) {
    NETRIG_ASSERT(n <= size_);
    size_ -= n;
    head_ = size_ == 0 ? 0 : wrap(head_ + n, cap_);
}

void send_buffer::release() {
    NETRIG_ASSERT(size_ == 0);
    if (cap_ == 0) {
        return;
    }
    // Resetting the owner frees the allocation for certain (vector::shrink_to_fit need not).
    storage_.reset();
    g_allocated_bytes.fetch_sub(cap_, std::memory_order_relaxed);
    g_releases.fetch_add(1, std::memory_order_relaxed);
    cap_ = 0;
    head_ = 0;
}

}  // namespace netrig::core::tcp
