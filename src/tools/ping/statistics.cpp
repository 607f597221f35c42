// SPDX-License-Identifier: MIT
#include "tools/ping/statistics.hpp"

#include <climits>

namespace netrig::tools::ping {

void statistics::on_sent(std::uint16_t seq) {
    ++transmitted_;
    // iputils pinger(): rcvd_clear(seq) so a reused sequence number is not a duplicate.
    answered_.reset(seq);
}

reply_kind statistics::on_reply(std::uint16_t seq, std::optional<std::int64_t> rtt_us) {
    // iputils gather_statistics(): nreceived++ and acknowledge() before the duplicate check.
    ++received_;
    const auto diff = static_cast<std::uint16_t>(static_cast<std::uint16_t>(transmitted_) - seq);
    if (diff <= 0x7fff && static_cast<int>(diff) + 1 > pipe_size_) {
        pipe_size_ = static_cast<int>(diff) + 1;
    }
    if (rtt_us) {
        const std::int64_t t = *rtt_us < 0 ? 0 : *rtt_us;
        sum_us_ += t;
        sum2_us_ += t * t;
        if (!timed_ || t < min_us_) {
            min_us_ = t;
        }
        if (!timed_ || t > max_us_) {
            max_us_ = t;
        }
        ewma_x8_us_ = ewma_x8_us_ == 0 ? t * 8 : ewma_x8_us_ + t - ewma_x8_us_ / 8;
        timed_ = true;
    }
    if (answered_.test(seq)) {
        --received_;
        ++duplicates_;
        return reply_kind::duplicate;
    }
    answered_.set(seq);
    return reply_kind::first;
}

float statistics::loss_percent() const {
    if (transmitted_ == 0) {
        return 0.0F;
    }
    // iputils: (float)((((long long)(ntransmitted - nreceived)) * 100.0) / ntransmitted).
    return static_cast<float>(static_cast<double>(transmitted_ - received_) * 100.0 /
                              static_cast<double>(transmitted_));
}

std::optional<rtt_summary> statistics::rtt() const {
    if (received_ == 0 || !timed_) {
        return std::nullopt;
    }
    const std::int64_t total = received_ + duplicates_;
    const std::int64_t avg = sum_us_ / total;
    std::int64_t var = 0;
    if (sum_us_ < INT_MAX) {
        // iputils: "This slightly clumsy computation order is important to avoid integer
        // rounding errors for small ping times."
        var = (sum2_us_ - ((sum_us_ * sum_us_) / total)) / total;
    } else {
        var = (sum2_us_ / total) - (avg * avg);
    }
    return rtt_summary{.min_us = min_us_,
                       .avg_us = avg,
                       .max_us = max_us_,
                       .mdev_us = iputils_sqrt(var)};
}

std::int64_t iputils_sqrt(std::int64_t a) {
    std::int64_t prev = LLONG_MAX;
    std::int64_t x = a;
    if (x > 0) {
        while (x < prev) {
            prev = x;
            x = (x + (a / x)) / 2;
        }
    }
    return x > 0 ? x : 0;
}

}  // namespace netrig::tools::ping
