// SPDX-License-Identifier: MIT
// link: fault<D>, the sim link's impairments over any device (the kernel here has no netem).
// Received frames pass an rx impairment engine, transmitted frames a tx engine; survivors wait
// in delay lines until due. Same engine and delay line as the sim link: one implementation,
// two users. Costs one copy per frame (frames must outlive the inner device's buffers while
// delayed), so it is a test and measurement tool, not a fast path.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/assert.hpp"
#include "base/bytes.hpp"
#include "base/time.hpp"
#include "link/device.hpp"
#include "link/fill_then.hpp"
#include "link/frame_pool.hpp"
#include "link/impairment.hpp"

namespace netrig::link {

/// Settings of a fault wrapper.
struct fault_config {
    impairment_config rx{};          ///< Impairments of frames the device receives.
    impairment_config tx{};          ///< Impairments of frames the caller transmits.
    std::uint64_t seed = 1;          ///< Seed of both engines.
    std::size_t pool_frames = 4096;  ///< Frames held (delayed) in both directions together.
    std::size_t rx_batch = 64;       ///< Inner frames pulled per receive call (bounded work).
};

/// Wraps device D (Holder = D owns it, D& borrows it). Models link_device. Its stats count the
/// caller's view (frames delivered and accepted, impairment drops); inner().stats() the
/// device's. fd() is the inner fd: a delayed frame does not make it readable, so callers also
/// wake at next_deadline().
template <class Holder>
class fault {
    using device = std::remove_reference_t<Holder>;
    static_assert(link_device<device>);

public:
    /// A delayed received frame in the wrapper's pool.
    using rx_token_type = pooled_frame;

    /// Permission to send one (impaired) frame.
    class tx_token_type {
    public:
        /// fn writes the frame into the wrapper's scratch buffer; the tx engine then decides
        /// its fate and the survivors are sent when due (at transmit() or flush()).
        template <class Fn>
        decltype(auto) consume(std::size_t len, Fn&& fn) {
            NETRIG_ASSERT(len > 0 && len <= owner_->scratch_.size());
            mut_bytes buf = mut_bytes{owner_->scratch_}.first(len);
            return fill_then(buf, std::forward<Fn>(fn), [&] { owner_->accept_tx(now_, buf); });
        }

    private:
        friend class fault;
        tx_token_type(fault* owner, instant now) : owner_(owner), now_(now) {}
        fault* owner_;
        instant now_;
    };

    /// Wraps dev with the given impairments.
    template <class D>
    fault(D&& dev, const fault_config& config)
        : dev_(std::forward<D>(dev)),
          config_(config),
          pool_(config.pool_frames, dev_.capabilities().max_frame_bytes),
          rx_engine_(config.rx, config.seed * 2 + 1),
          tx_engine_(config.tx, config.seed * 2 + 2),
          rx_line_(pool_, config.pool_frames),
          tx_line_(pool_, config.pool_frames),
          scratch_(dev_.capabilities().max_frame_bytes) {}
    // Not movable: the delay lines point at the pool member.
    fault(const fault&) = delete;
    fault& operator=(const fault&) = delete;
    ~fault() = default;

    /// See link_device: pulls up to rx_batch inner frames through the rx engine, then hands out
    /// the earliest due one.
    [[nodiscard]] std::optional<rx_token_type> receive(instant now) {
        pump_rx(now);
        std::optional<delayed_frame> f = rx_line_.pop_due(now);
        if (!f) {
            return std::nullopt;
        }
        count_rx(*f);
        return rx_token_type{&pool_, f->slot, f->len};
    }
    /// See link_device.
    template <class Fn>
    std::size_t receive_batch(instant now, std::size_t max, Fn&& fn) {
        pump_rx(now);
        std::size_t n = 0;
        for (; n < max; ++n) {
            std::optional<delayed_frame> f = rx_line_.pop_due(now);
            if (!f) {
                break;
            }
            count_rx(*f);
            fn(pool_.view(f->slot, f->len));
            pool_.release(f->slot);
        }
        return n;
    }
    /// See link_device. Sends due delayed frames first; always gives a token (drops are
    /// counted, not refused).
    [[nodiscard]] std::optional<tx_token_type> transmit(instant now) {
        pump_tx(now);
        return tx_token_type{this, now};
    }
    /// Sends due delayed frames and flushes the inner device.
    void flush(instant now) {
        pump_tx(now);
        dev_.flush(now);
    }
    /// The inner device's capabilities.
    [[nodiscard]] link::capabilities capabilities() const { return dev_.capabilities(); }
    /// The wrapper's counters (see class comment).
    [[nodiscard]] const link::stats& stats() const { return stats_; }
    /// The inner fd.
    [[nodiscard]] int fd() const { return dev_.fd(); }
    /// Earliest of: a delayed rx frame due, a delayed tx frame due, the inner deadline.
    [[nodiscard]] std::optional<instant> next_deadline() const {
        std::optional<instant> t = dev_.next_deadline();
        for (const std::optional<instant> u : {rx_line_.next_arrival(), tx_line_.next_arrival()}) {
            if (u && (!t || *u < *t)) {
                t = u;
            }
        }
        return t;
    }
    /// See peeks_rx: whether the inner device holds frames (delayed ones are due at
    /// next_deadline()).
    [[nodiscard]] std::optional<bool> rx_ready() const { return rx_ready_of(dev_); }
    /// The wrapped device.
    [[nodiscard]] device& inner() { return dev_; }
    /// Changes the impairments; engine state (rng, queue) carries over.
    void reconfigure(const impairment_config& rx, const impairment_config& tx) {
        rx_engine_.reconfigure(rx);
        tx_engine_.reconfigure(tx);
    }

private:
    void count_rx(const delayed_frame& f) {
        ++stats_.rx_frames;
        stats_.rx_bytes += f.len;
    }
    void pump_rx(instant now) {
        dev_.receive_batch(now, config_.rx_batch, [&](bytes f) {
            if (!f.empty()) {
                (void)impair_and_queue(rx_engine_, rx_line_, now, f, stats_);
            }
        });
    }
    void accept_tx(instant now, bytes frame) {
        ++stats_.tx_frames;
        stats_.tx_bytes += frame.size();
        (void)impair_and_queue(tx_engine_, tx_line_, now, frame, stats_);
        pump_tx(now);
    }
    void pump_tx(instant now) {
        while (tx_line_.next_arrival() && *tx_line_.next_arrival() <= now) {
            auto token = dev_.transmit(now);
            if (!token) {
                return;  // inner ring full: frames stay queued until the next pump
            }
            const std::optional<delayed_frame> f = tx_line_.pop_due(now);
            NETRIG_ASSERT(f.has_value());
            token->consume(f->len, [&](mut_bytes b) {
                const bytes src = pool_.view(f->slot, f->len);
                std::copy(src.begin(), src.end(), b.begin());
            });
            pool_.release(f->slot);
        }
    }

    Holder dev_;
    fault_config config_;
    frame_pool pool_;
    impairment_engine rx_engine_;
    impairment_engine tx_engine_;
    delay_line rx_line_;
    delay_line tx_line_;
    std::vector<std::uint8_t> scratch_;
    link::stats stats_;
};

}  // namespace netrig::link
