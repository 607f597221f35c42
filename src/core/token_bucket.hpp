// SPDX-License-Identifier: MIT
// core: an integer token bucket driven by `now`, used to rate-limit ICMP errors.
#pragma once

#include <cstdint>

#include "base/assert.hpp"
#include "base/time.hpp"

namespace netrig::core {

/// Holds up to `burst` tokens and gains one per `interval`. Pure integer arithmetic on instants,
/// so it is deterministic under virtual time.
class token_bucket {
public:
    /// A full bucket. Preconditions: burst > 0; interval > 0.
    token_bucket(std::uint32_t burst, duration interval)
        : burst_(burst), tokens_(burst), interval_(interval) {
        NETRIG_ASSERT(burst > 0);
        NETRIG_ASSERT(interval.count() > 0);
    }

    /// Takes a token if one is available at `now`. Time going backwards adds nothing.
    [[nodiscard]] bool try_take(instant now) {
        refill(now);
        if (tokens_ == 0) {
            return false;
        }
        --tokens_;
        return true;
    }

    /// Tokens available at `now` (after refilling).
    [[nodiscard]] std::uint32_t available(instant now) {
        refill(now);
        return tokens_;
    }

private:
    void refill(instant now) {
        if (!started_) {
            started_ = true;
            last_ = now;
            return;
        }
        if (now <= last_) {
            return;
        }
        const auto gained = static_cast<std::uint64_t>((now - last_) / interval_);
        if (gained == 0) {
            return;
        }
        if (gained >= burst_ - tokens_) {
            tokens_ = burst_;
            last_ = now;  // A full bucket does not bank time.
        } else {
            tokens_ += static_cast<std::uint32_t>(gained);
            last_ += interval_ * static_cast<std::int64_t>(gained);
        }
    }

    std::uint32_t burst_;
    std::uint32_t tokens_;
    duration interval_;
    instant last_{};
    bool started_ = false;
};

}  // namespace netrig::core
