// SPDX-License-Identifier: MIT
// core/tcp: the send buffer ring.
#include "core/tcp/send_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace netrig::core::tcp {

send_buffer::send_buffer(std::size_t initial_bytes, std::size_t max_bytes)
    : initial_(initial_bytes), max_(max_bytes) {
    NETRIG_ASSERT(initial_bytes > 0);
    NETRIG_ASSERT(initial_bytes <= max_bytes);
}

void send_buffer::grow(std::size_t needed) {
    std::size_t cap = std::max(storage_.size(), initial_);
    while (cap < needed) {
        cap *= 2;
    }
    cap = std::min(cap, max_);
    if (cap == storage_.size()) {
        return;
    }
    // Linearize into the new storage: growth is rare (doubling), so the copy is amortized.
    std::vector<std::uint8_t> next(cap);
    const auto parts = peek(0, size_);
    if (!parts[0].empty()) {
        std::memcpy(next.data(), parts[0].data(), parts[0].size());
    }
    if (!parts[1].empty()) {
        std::memcpy(next.data() + parts[0].size(), parts[1].data(), parts[1].size());
    }
    storage_ = std::move(next);
    head_ = 0;
}

std::size_t send_buffer::write(bytes data) {
    const std::size_t n = std::min(data.size(), free());
    if (n == 0) {
        return 0;
    }
    if (size_ + n > storage_.size()) {
        grow(size_ + n);
    }
    const std::size_t cap = storage_.size();
    NETRIG_ASSERT(size_ + n <= cap);
    const std::size_t tail = (head_ + size_) % cap;
    const std::size_t first = std::min(n, cap - tail);
    std::memcpy(storage_.data() + tail, data.data(), first);
    if (n > first) {
        std::memcpy(storage_.data(), data.data() + first, n - first);
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
    const std::size_t cap = storage_.size();
    const std::size_t start = (head_ + offset) % cap;
    const std::size_t first = std::min(len, cap - start);
    const bytes all{storage_.data(), cap};
    return {all.subspan(start, first), all.subspan(0, len - first)};
}

void send_buffer::consume(std::size_t n) {
    NETRIG_ASSERT(n <= size_);
    size_ -= n;
    head_ = size_ == 0 ? 0 : (head_ + n) % storage_.size();
}

}  // namespace netrig::core::tcp
