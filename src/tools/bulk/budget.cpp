// SPDX-License-Identifier: MIT
// tools/bulk: the per-stream write budget.
#include "tools/bulk/budget.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace netrig::tools::bulk {

send_budget::send_budget(const bulk_options& options, unsigned index, instant start)
    : write_size_(options.write_size_bytes) {
    NETRIG_ASSERT(options.streams > 0);
    NETRIG_ASSERT(index < options.streams);
    NETRIG_ASSERT(write_size_ > 0);
    if (options.bytes) {
        const std::uint64_t share = *options.bytes / options.streams;
        const std::uint64_t extra = *options.bytes % options.streams;
        byte_limit_ = share + (index < extra ? 1 : 0);
    } else {
        deadline_ = start + options.time_limit.value_or(bulk_options::default_duration);
    }
}

std::size_t send_budget::next_write(instant now) const {
    if (byte_limit_) {
        const std::uint64_t left = *byte_limit_ - sent_;
        return static_cast<std::size_t>(std::min<std::uint64_t>(left, write_size_));
    }
    return now < deadline_ ? write_size_ : 0;
}

}  // namespace netrig::tools::bulk
