// SPDX-License-Identifier: MIT
// tools/bulk: the outcome of one side of a bulk transfer, and how it is printed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/time.hpp"

namespace netrig::tools::bulk {

/// What one side (source or sink) measured.
struct bulk_report {
    /// Payload bytes written (source) or read (sink), over all streams.
    std::uint64_t bytes = 0;
    /// Source: first write to last write done. Sink: first byte to the last stream's EOF.
    double seconds = 0;
    /// Number of streams.
    unsigned streams = 0;
    /// Segments retransmitted (TCP_INFO total_retrans, summed over streams).
    std::uint64_t retransmits = 0;
    /// Congestion window at the end in bytes, summed over streams (meaningful on the source).
    std::uint64_t cwnd_bytes = 0;
    /// Smoothed RTT at the end, averaged over streams.
    duration srtt{0};

    /// Throughput in Gbit/s (10^9 bits per second); 0 if seconds is 0.
    [[nodiscard]] double gbit_per_s() const;
};

/// One line for humans, e.g. "source: 7.31 GB in 1.00 s = 58.5 Gbit/s, 1 stream, retr 0,
/// cwnd 2.5 MB, srtt 25 us".
[[nodiscard]] std::string format_report(std::string_view role, const bulk_report& r);

}  // namespace netrig::tools::bulk
