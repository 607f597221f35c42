// SPDX-License-Identifier: MIT
// link: the impairment engine, the one implementation of link faults shared by the sim link
// (per port and direction) and the fault wrapper (over any device). It decides, per frame, from
// a seeded rng: MTU drop, Bernoulli loss, Gilbert-Elliott burst loss, drop-tail queue over a
// bandwidth limit, delay with jitter, reordering, duplication and bit corruption. It stores no
// frames: users keep them in a delay_line (frame_pool.hpp). The kernel here has no netem, so
// this is also how real links (TAP, AF_XDP) get impaired.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "base/rng.hpp"
#include "base/time.hpp"
#include "link/device.hpp"

namespace netrig::link {

/// Gilbert-Elliott two-state loss model (as in netem's "loss gemodel p r 1-h 1-k"): a good and
/// a bad state with their own loss probabilities; the state changes before each frame.
struct gilbert_elliott {
    double p_good_to_bad = 0.0;  ///< Probability of moving good -> bad per frame (0 = off).
    double p_bad_to_good = 1.0;  ///< Probability of moving bad -> good per frame.
    double loss_good = 0.0;      ///< Loss probability in the good state.
    double loss_bad = 1.0;       ///< Loss probability in the bad state.
};

/// Impairments of one direction of one link. All default to "none".
struct impairment_config {
    double loss = 0.0;          ///< Independent loss probability per frame.
    gilbert_elliott burst{};    ///< Burst loss; applied when burst.p_good_to_bad > 0.
    double duplicate = 0.0;     ///< Probability that a frame is delivered twice.
    double reorder = 0.0;       ///< Probability that a frame is held back by reorder_delay.
    duration reorder_delay{0};  ///< Extra delay of reordered frames (later frames pass them).
    duration delay{0};          ///< Fixed one-way delay.
    duration jitter{0};         ///< Extra delay drawn uniformly from [0, jitter].
    double corrupt = 0.0;       ///< Probability that one random bit of a frame is flipped.
    std::uint64_t rate_bits_per_second = 0;  ///< Bandwidth limit (0 = unlimited).
    std::size_t queue_bytes = 0;      ///< Drop-tail queue before the rate limit (0 = unbounded).
    std::size_t max_frame_bytes = 0;  ///< Frames longer than this are dropped (0 = no limit).

    /// True when no impairment is configured (the engine passes frames straight through).
    [[nodiscard]] bool is_none() const;
};

/// Parses an impairment list such as "loss=1%,delay=10ms,jitter=2ms,rate=10mbit,queue=64k,
/// dup=0.5%,reorder=1%,reorder_delay=5ms,corrupt=0.1%,burst=p:r:h:k,mtu=1514". Percentages or
/// plain fractions are accepted; times take ns/us/ms/s; rates bit/kbit/mbit/gbit; sizes k/m.
/// Returns a plain-words message on error.
[[nodiscard]] result<impairment_config, std::string> parse_impairments(std::string_view text);

/// One copy of a frame that survived: when it arrives and which bit (if any) to flip.
struct delivery {
    instant arrival;                        ///< When the copy becomes receivable.
    std::optional<std::uint32_t> flip_bit;  ///< Bit index (0 = MSB of byte 0) to invert.
};

/// The engine's decision for one frame: either a drop reason or one or two deliveries.
struct verdict {
    std::optional<drop_reason> dropped;  ///< Set when the frame is lost.
    std::array<delivery, 2> copies{};    ///< copies[0..count).
    std::uint8_t count = 0;              ///< 0 when dropped, 2 when duplicated.
};

/// Stateful, deterministic impairment decisions for one direction.
class impairment_engine {
public:
    /// An engine with the given config; equal seeds and inputs give equal verdicts.
    impairment_engine(const impairment_config& config, std::uint64_t seed);

    /// Decides the fate of a frame of len bytes offered at now.
    /// Preconditions: len > 0.
    [[nodiscard]] verdict decide(instant now, std::size_t len);

    /// The configuration in use.
    [[nodiscard]] const impairment_config& config() const { return config_; }
    /// Replaces the configuration; rng and queue state carry over.
    void reconfigure(const impairment_config& config) {
        config_ = config;
        passthrough_ = only_mtu_limit(config);
    }
    /// Whether the Gilbert-Elliott model is in its bad state (for tests).
    [[nodiscard]] bool in_bad_state() const { return bad_state_; }

private:
    [[nodiscard]] bool lost_to_burst();
    [[nodiscard]] std::optional<instant> pass_rate_limit(instant now, std::size_t len);
    [[nodiscard]] delivery make_copy(instant depart, std::size_t len);
    [[nodiscard]] static bool only_mtu_limit(const impairment_config& config);

    impairment_config config_;
    // No impairment but the MTU limit (the sim's default): decide() then consumes no
    // randomness and touches no state, so it can skip the per-frame steps and give the same
    // verdict (one copy, arriving at now) without running them.
    bool passthrough_ = false;
    rng rng_;
    bool bad_state_ = false;
    instant link_free_at_{};  // when the rate-limited link finishes its backlog
};

}  // namespace netrig::link
