// SPDX-License-Identifier: MIT
// core/tcp: the send buffer, a byte ring that holds data from SND.UNA onwards (sent but not
// acknowledged, then not yet sent). It grows on demand, doubling, up to a per-connection
// maximum, so an idle connection holds no memory and a busy one allocates only while growing.
// Storage is never zero-filled (only bytes written are ever read) and can be given back when
// the buffer is empty (release(), the idle policy of connection_idle.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/bytes.hpp"
#include "core/tcp/idle_release.hpp"

namespace netrig::core::tcp {

/// A growable byte ring with a hard maximum. Segments are read as up to two spans (the ring may
/// wrap), so data is copied only once, into the outgoing frame.
class send_buffer {
public:
    /// An empty buffer that allocates `initial_bytes` at the first write and grows up to
    /// `max_bytes`. Preconditions: 0 < initial_bytes <= max_bytes.
    send_buffer(std::size_t initial_bytes, std::size_t max_bytes);

    send_buffer(send_buffer&& other) noexcept;
    send_buffer& operator=(send_buffer&& other) noexcept;
    send_buffer(const send_buffer&) = delete;
    send_buffer& operator=(const send_buffer&) = delete;
    /// Gives the storage back (and takes it off totals()).
    ~send_buffer();

    /// Appends as much of `data` as fits under the maximum; returns the count copied.
    /// Allocates `initial_bytes` (or more, doubling) if no storage is held, e.g. after release().
    std::size_t write(bytes data);
    /// Up to two spans covering [offset, offset + len) of the buffered bytes.
    /// Preconditions: offset + len <= size(). Invalidated by write(), consume() and release().
    [[nodiscard]] std::array<bytes, 2> peek(std::size_t offset, std::size_t len) const;
    /// Drops the first n bytes (they were acknowledged). Preconditions: n <= size().
    void consume(std::size_t n);
    /// Frees the storage of an empty buffer; the next write() allocates `initial_bytes` again.
    /// Preconditions: size() == 0.
    void release();

    /// Bytes held.
    [[nodiscard]] std::size_t size() const { return size_; }
    /// Bytes that write() could still accept.
    [[nodiscard]] std::size_t free() const { return max_ - size_; }
    /// Bytes currently allocated (same as allocated_bytes()).
    [[nodiscard]] std::size_t capacity() const { return cap_; }
    /// Bytes of storage allocated now (0 before the first write and after release()).
    [[nodiscard]] std::size_t allocated_bytes() const { return cap_; }
    /// The configured maximum.
    [[nodiscard]] std::size_t max() const { return max_; }

    /// Storage of every send buffer in the process (all threads).
    [[nodiscard]] static buffer_totals totals();

private:
    void grow(std::size_t needed);

    std::unique_ptr<std::uint8_t[]> storage_;  // cap_ bytes, never value-initialised
    std::size_t cap_ = 0;
    std::size_t head_ = 0;  // index of the first byte
    std::size_t size_ = 0;
    std::size_t initial_;
    std::size_t max_;
};

}  // namespace netrig::core::tcp
