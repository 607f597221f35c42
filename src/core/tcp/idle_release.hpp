// SPDX-License-Identifier: MIT
// core/tcp: the state a connection keeps to give the memory of its empty send and receive
// buffers back once it has been idle for a while (conn_config::idle_release_after), so that
// thousands of idle connections cost their slots, not their buffers, while a bulk transfer,
// whose buffers empty and refill many times a second, never reallocates. Also the process-wide
// totals of buffer storage that send_buffer and recv_buffer keep (memory accounting, tests).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/time.hpp"

namespace netrig::core::tcp {

/// Process-wide totals of one kind of buffer storage (send_buffer::totals(),
/// recv_buffer::totals()), over every thread. Like Linux's tcp_memory_allocated, it lets a
/// stack or a benchmark see what the buffers hold, and tests see a release without reaching
/// into a connection.
struct buffer_totals {
    /// Bytes of storage held now.
    std::size_t allocated_bytes = 0;
    /// Storage allocations so far: first use, growth, and first use again after a release.
    std::uint64_t allocations = 0;
    /// Storage given back by release().
    std::uint64_t releases = 0;
};

/// Per-connection bookkeeping of the idle buffer release (connection_idle.cpp).
///
/// "Data moved" is read from monotonic counters (bytes written by the application, sent,
/// acknowledged, received in order or out of order, read by the application): their sum is
/// `activity`. The connection is polled whenever a segment arrives, the application calls it
/// or a timer fires, so a change of the sum is seen at the instant it happens.
struct idle_release_state {
    /// When the buffers are next looked at for release; nullopt: nothing to release (no
    /// storage held, or data waits in a buffer: the next poll that moves it re-arms this).
    std::optional<instant> check_at;
    /// When data last moved (as seen by the idle timer).
    instant last_activity;
    /// The sum of the data counters at the last look.
    std::uint64_t activity = 0;
    /// Bytes the application queued with send() (one of the data counters).
    std::uint64_t bytes_written = 0;
    /// Times this connection gave its buffers' storage back.
    std::uint64_t releases = 0;
};

}  // namespace netrig::core::tcp
