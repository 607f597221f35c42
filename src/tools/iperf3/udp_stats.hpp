// SPDX-License-Identifier: MIT
// tools/iperf3: the UDP receiver's accounting (spec A.8): loss from sequence gaps,
// out-of-order count, and RFC 1889 jitter, exactly as iperf_udp_recv computes them.
#pragma once

#include <cstdint>

namespace netrig::tools::iperf3 {

/// Receiver-side counters for one UDP stream.
class udp_receive_stats {
public:
    /// Accounts one datagram with sequence number seq, sent at sent_s and received at
    /// arrival_s (seconds on each side's own clock; only differences are used).
    void on_datagram(std::uint64_t seq, double sent_s, double arrival_s);

    /// Highest sequence number seen: iperf3 reports it as the receiver's packet count.
    [[nodiscard]] std::uint64_t highest_seq() const { return highest_; }
    /// Datagrams missing from gaps, minus late arrivals that filled one (iperf3 cnt_error).
    [[nodiscard]] std::int64_t lost() const { return lost_; }
    /// Datagrams that arrived with a sequence number below the highest seen.
    [[nodiscard]] std::uint64_t out_of_order() const { return out_of_order_; }
    /// Datagrams received at all (netrig extra: iperf3 does not keep this).
    [[nodiscard]] std::uint64_t received() const { return received_; }
    /// RFC 1889 interarrival jitter in seconds.
    [[nodiscard]] double jitter_s() const { return jitter_; }

private:
    std::uint64_t highest_ = 0;
    std::int64_t lost_ = 0;
    std::uint64_t out_of_order_ = 0;
    std::uint64_t received_ = 0;
    double jitter_ = 0;
    double prev_transit_ = 0;
    bool have_transit_ = false;
};

}  // namespace netrig::tools::iperf3
