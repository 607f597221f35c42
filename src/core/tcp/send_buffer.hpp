// SPDX-License-Identifier: MIT
// core/tcp: the send buffer, a byte ring that holds data from SND.UNA onwards (sent but not
// acknowledged, then not yet sent). It grows on demand, doubling, up to a per-connection
// maximum, so an idle connection holds no memory and a busy one allocates only while growing.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "base/bytes.hpp"

namespace netrig::core::tcp {

/// A growable byte ring with a hard maximum. Segments are read as up to two spans (the ring may
/// wrap), so data is copied only once, into the outgoing frame.
class send_buffer {
public:
    /// An empty buffer that allocates `initial_bytes` at the first write and grows up to
    /// `max_bytes`. Preconditions: 0 < initial_bytes <= max_bytes.
    send_buffer(std::size_t initial_bytes, std::size_t max_bytes);

    /// Appends as much of `data` as fits under the maximum; returns the count copied.
    std::size_t write(bytes data);
    /// Up to two spans covering [offset, offset + len) of the buffered bytes.
    /// Preconditions: offset + len <= size(). Invalidated by write() and consume().
    [[nodiscard]] std::array<bytes, 2> peek(std::size_t offset, std::size_t len) const;
    /// Drops the first n bytes (they were acknowledged). Preconditions: n <= size().
    void consume(std::size_t n);

    /// Bytes held.
    [[nodiscard]] std::size_t size() const { return size_; }
    /// Bytes that write() could still accept.
    [[nodiscard]] std::size_t free() const { return max_ - size_; }
    /// Bytes currently allocated.
    [[nodiscard]] std::size_t capacity() const { return storage_.size(); }
    /// The configured maximum.
    [[nodiscard]] std::size_t max() const { return max_; }

private:
    void grow(std::size_t needed);

    std::vector<std::uint8_t> storage_;
    std::size_t head_ = 0;  // index of the first byte
    std::size_t size_ = 0;
    std::size_t initial_;
    std::size_t max_;
};

}  // namespace netrig::core::tcp
