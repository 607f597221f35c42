// SPDX-License-Identifier: MIT
// net: gives the heap pages of released TCP buffers back to the system. Idle connections free
// their buffers (core/tcp/idle_release.hpp), but glibc keeps freed pages resident unless they
// sit at the top of the heap: 10,000 connections that went idle measured 262 MiB of RSS with
// their buffers at 0 B, 53 MiB after malloc_trim(0) (docs/PERFORMANCE.md). The policy trims
// when a large share of the buffer storage went away since the last trim, so a mass release
// costs a handful of trims (each walks the heap) and a bulk transfer, whose buffers are never
// released, costs none.
#pragma once

#include <cstddef>

namespace netrig::net::user {

/// When to trim. Feed it the bytes TCP buffers hold now, after each driver turn.
class heap_trim_policy {
public:
    /// Released bytes that are never worth a trim on their own.
    static constexpr std::size_t min_release_bytes = std::size_t{8} << 20U;

    /// True if the storage dropped, since the last trim (or the start), from its high-water
    /// mark by at least max(min_release_bytes, allocated_now / 4): then the caller trims, and
    /// the mark restarts at allocated_now.
    [[nodiscard]] bool should_trim(std::size_t allocated_now);

private:
    std::size_t high_water_ = 0;
};

/// Bytes the TCP send and receive buffers of every connection in the process hold now.
[[nodiscard]] std::size_t tcp_buffer_bytes();

/// Returns free heap pages to the system (glibc malloc_trim). Returns true if any were.
bool trim_heap();

}  // namespace netrig::net::user
