// SPDX-License-Identifier: MIT
// link: names of drop reasons and stats helpers.
#include "link/device.hpp"

#include <numeric>

namespace netrig::link {

std::string_view to_string(drop_reason reason) {
    switch (reason) {
        case drop_reason::loss:
            return "loss";
        case drop_reason::burst_loss:
            return "burst_loss";
        case drop_reason::queue_full:
            return "queue_full";
        case drop_reason::oversize:
            return "oversize";
        case drop_reason::pool_exhausted:
            return "pool_exhausted";
        case drop_reason::no_port:
            return "no_port";
        case drop_reason::ring_full:
            return "ring_full";
        case drop_reason::io_error:
            return "io_error";
        case drop_reason::truncated:
            return "truncated";
        case drop_reason::capture_full:
            return "capture_full";
        case drop_reason::count_:
            break;
    }
    return "unknown";
}

std::uint64_t stats::dropped_total() const {
    return std::accumulate(drops.begin(), drops.end(), std::uint64_t{0});
}

}  // namespace netrig::link
