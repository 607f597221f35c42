// SPDX-License-Identifier: MIT
// net: heap trimming after TCP buffers were released (see heap_trim.hpp).
#include "net/heap_trim.hpp"

#include <malloc.h>

#include <algorithm>

#include "core/tcp/recv_buffer.hpp"
#include "core/tcp/send_buffer.hpp"

namespace netrig::net::user {

bool heap_trim_policy::should_trim(std::size_t allocated_now) {
    high_water_ = std::max(high_water_, allocated_now);
    const std::size_t released = high_water_ - allocated_now;
    if (released < std::max(min_release_bytes, allocated_now / 4)) {
        return false;
    }
    high_water_ = allocated_now;
    return true;
}

std::size_t tcp_buffer_bytes() {
    return core::tcp::send_buffer::totals().allocated_bytes +
           core::tcp::recv_buffer::totals().allocated_bytes;
}

bool trim_heap() { return ::malloc_trim(0) != 0; }

}  // namespace netrig::net::user
