// SPDX-License-Identifier: MIT
// tools/iperf3: UDP loss, reordering and jitter accounting.
#include "tools/iperf3/udp_stats.hpp"

#include <cmath>

namespace netrig::tools::iperf3 {

void udp_receive_stats::on_datagram(std::uint64_t seq, double sent_s, double arrival_s) {
    ++received_;
    // iperf_udp_recv: a datagram at or beyond highest+1 advances; a gap counts as loss.
    if (seq >= highest_ + 1) {
        if (seq > highest_ + 1) {
            lost_ += static_cast<std::int64_t>(seq - 1 - highest_);
        }
        highest_ = seq;
    } else {
        // Late arrival: it was counted as lost when the gap opened, so take it back.
        ++out_of_order_;
        if (lost_ > 0) {
            --lost_;
        }
    }
    // RFC 1889 §6.3.1 / A.8: J += (|D(i-1,i)| - J) / 16, with D from transit times, so the two
    // clocks need not agree.
    const double transit = arrival_s - sent_s;
    if (have_transit_) {
        const double d = std::fabs(transit - prev_transit_);
        jitter_ += (d - jitter_) / 16.0;
    }
    prev_transit_ = transit;
    have_transit_ = true;
}

}  // namespace netrig::tools::iperf3
