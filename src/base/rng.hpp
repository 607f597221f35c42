// SPDX-License-Identifier: MIT
// base: the seeded random number generator type. There is no global RNG: every component that
// needs randomness (ISNs, ephemeral ports, impairments) is handed an rng, so a run is a pure
// function of its seed.
#pragma once

#include <cstdint>
#include <limits>

namespace netrig {

// 128-bit product for Lemire's bounded draw; __extension__ keeps -Wpedantic quiet about it.
__extension__ using uint128 = unsigned __int128;

/// xoshiro256** (Blackman and Vigna): fast, small state, good statistical quality. Seeded
/// through splitmix64 so that nearby seeds give unrelated streams. Models
/// std::uniform_random_bit_generator.
class rng {
public:
    using result_type = std::uint64_t;

    /// Seeds the generator; equal seeds give equal streams.
    explicit constexpr rng(std::uint64_t seed) {
        for (auto& word : state_) {
            seed += 0x9e3779b97f4a7c15ULL;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
            word = z ^ (z >> 31U);
        }
    }

    static constexpr result_type min() { return 0; }
    static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

    /// Next 64 random bits.
    constexpr result_type operator()() {
        const std::uint64_t out = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17U;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return out;
    }

    /// Uniform integer in [0, bound). Preconditions: bound > 0. (Lemire's multiply-shift; the
    /// tiny bias is irrelevant for simulation and port choice.)
    constexpr std::uint64_t below(std::uint64_t bound) {
        return static_cast<std::uint64_t>(
            (static_cast<uint128>((*this)()) * bound) >> 64U);
    }

    /// Uniform double in [0, 1).
    constexpr double unit() { return static_cast<double>((*this)() >> 11U) * 0x1.0p-53; }

    /// True with probability p.
    constexpr bool chance(double p) { return unit() < p; }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) {
        return (x << static_cast<unsigned>(k)) | (x >> static_cast<unsigned>(64 - k));
    }
    std::uint64_t state_[4]{};
};

}  // namespace netrig
