// SPDX-License-Identifier: MIT
// tools/ping: the counts and round-trip statistics of one ping run, kept and computed exactly as
// iputils ping 20221126 does (integer microseconds, its integer square root), so `netrig ping`
// prints the same numbers as Debian's ping for the same replies. Sans-IO: no clock, no sockets.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>

namespace netrig::tools::ping {

/// min/avg/max/mdev of the round-trip times, in microseconds, as iputils prints them.
struct rtt_summary {
    std::int64_t min_us = 0;   ///< Smallest round-trip time.
    std::int64_t avg_us = 0;   ///< tsum / (received + duplicates), integer division.
    std::int64_t max_us = 0;   ///< Largest round-trip time.
    std::int64_t mdev_us = 0;  ///< Integer square root of the variance, iputils' llsqrt.
};

/// Whether a reply was the first one for its sequence number.
enum class reply_kind { first, duplicate };

/// The counters of one run. iputils' rules, kept here so they are tested once:
/// - every timed reply (duplicates included) adds to the sums, min and max;
/// - a duplicate counts in duplicates(), not in received();
/// - sending a sequence number forgets an earlier reply to it (the 64 Ki table wraps).
class statistics {
public:
    /// Records that an echo request with sequence number seq was sent.
    void on_sent(std::uint16_t seq);

    /// Records that sending failed (shown as "+N errors").
    void on_error() { ++errors_; }

    /// Records a reply to seq. rtt_us is its round-trip time, or nullopt when the run is not
    /// timed (payload shorter than a timestamp, as in iputils). Negative times count as 0.
    reply_kind on_reply(std::uint16_t seq, std::optional<std::int64_t> rtt_us);

    /// Echo requests sent.
    [[nodiscard]] std::int64_t transmitted() const { return transmitted_; }
    /// Distinct replies received.
    [[nodiscard]] std::int64_t received() const { return received_; }
    /// Replies to a sequence number that had already been answered.
    [[nodiscard]] std::int64_t duplicates() const { return duplicates_; }
    /// Failed sends.
    [[nodiscard]] std::int64_t errors() const { return errors_; }
    /// Largest number of requests in flight when a reply arrived (iputils' "pipe N"; 1 when
    /// every reply came before the next request).
    [[nodiscard]] int pipe_size() const { return pipe_size_; }
    /// Largest round-trip time so far, 0 before the first timed reply.
    [[nodiscard]] std::int64_t max_us() const { return timed_ ? max_us_ : 0; }
    /// iputils' smoothed RTT, 8 times scaled (rtt += t - rtt / 8), for "ipg/ewma".
    [[nodiscard]] std::int64_t ewma_x8_us() const { return ewma_x8_us_; }

    /// Packet loss as iputils prints it with %g: (transmitted - received) * 100 / transmitted
    /// computed in double and narrowed to float. 0 when nothing was sent.
    [[nodiscard]] float loss_percent() const;

    /// min/avg/max/mdev, or nullopt when no timed reply arrived.
    [[nodiscard]] std::optional<rtt_summary> rtt() const;

private:
    std::int64_t transmitted_ = 0;
    std::int64_t received_ = 0;
    std::int64_t duplicates_ = 0;
    std::int64_t errors_ = 0;
    int pipe_size_ = 1;
    bool timed_ = false;
    std::int64_t min_us_ = 0;
    std::int64_t max_us_ = 0;
    std::int64_t sum_us_ = 0;
    std::int64_t sum2_us_ = 0;
    std::int64_t ewma_x8_us_ = 0;
    // iputils' rcvd_tbl: one bit per sequence number.
    std::bitset<65536> answered_;
};

/// iputils' llsqrt: Newton's method on integers, returning the last iterate (which is
/// floor(sqrt(a)) except when a + 1 is a perfect square, then sqrt(a + 1)). 0 for a <= 0.
[[nodiscard]] std::int64_t iputils_sqrt(std::int64_t a);

}  // namespace netrig::tools::ping
