// SPDX-License-Identifier: MIT
// core/tcp: SYN cookies (RFC 4987 §3.6), laid out as Linux lays them out, for answering SYNs
// statelessly while the SYN queue is full.
//
// The cookie is our ISS. Bits, after subtracting hash1(tuple) + the peer's ISN:
//   [31..24] a 64 s time counter (low 8 bits)   [23..0] hash2(tuple, counter, ISN) + MSS index
// The peer echoes ISS + 1 in its ACK and its own ISN + 1 in the sequence number, so the
// returning ACK carries everything needed to recreate the connection: no state is kept.
// What a cookie cannot carry (window scale, SACK-permitted) is encoded in the low 6 bits of our
// TSval when the peer sent timestamps, and comes back in its TSecr; without timestamps the
// connection loses window scaling and SACK (RFC 4987 §3.6 names this trade-off).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "base/time.hpp"
#include "core/tcp/four_tuple.hpp"
#include "core/tcp/siphash.hpp"
#include "wire/seq32.hpp"

namespace netrig::core::tcp {

/// Options that survive a cookie round trip through the timestamp (see file comment).
struct syn_cookie_ts_options {
    std::optional<std::uint8_t> window_scale;  ///< the peer's shift count (0..14), if it sent one
    bool sack_permitted = false;               ///< the peer sent SACK-permitted
    friend constexpr bool operator==(const syn_cookie_ts_options&,
                                     const syn_cookie_ts_options&) = default;
};

/// What a cookie decodes to.
struct syn_cookie_decoded {
    std::uint16_t mss = 0;  ///< the MSS from the table that the cookie encoded
    wire::seq32 iss;        ///< our ISS (the cookie), i.e. SEG.ACK - 1
    wire::seq32 irs;        ///< the peer's ISN, i.e. SEG.SEQ - 1
};

/// Encodes and checks SYN cookies. Stateless apart from its secret; `now` comes in per call.
class syn_cookie_codec {
public:
    /// Length of one tick of the time counter (Linux: 60 s; a power of two here).
    static constexpr duration period = std::chrono::seconds{64};
    /// A cookie is accepted while the counter has advanced by less than this (so for 64 to
    /// 128 s after it was made): the current and the previous counter value.
    static constexpr std::uint32_t max_age_periods = 2;
    /// The MSS values a cookie can carry (Linux's IPv4 msstab): the index takes 2 bits.
    static constexpr std::array<std::uint16_t, 4> mss_table{536, 1300, 1440, 1460};
    /// Low bits of TSval that carry syn_cookie_ts_options (Linux TSBITS).
    static constexpr std::uint32_t ts_option_bits = 6;

    /// A codec keyed with `secret` (drawn once by the caller; see isn_generator).
    explicit constexpr syn_cookie_codec(const siphash_key& secret) : secret_(secret) {}

    /// The largest table MSS that is <= mss (the first entry if mss is below all of them).
    [[nodiscard]] static std::uint8_t mss_index(std::uint16_t mss);

    /// The cookie (our ISS) for a SYN with sequence number `peer_isn` on `tuple`, encoding
    /// mss_table[mss_index(mss)] and the time counter at `now`. `mss` is the MSS we would use
    /// (the peer's MSS option, or 536 without one, clamped to ours).
    [[nodiscard]] wire::seq32 make(instant now, const four_tuple& tuple, wire::seq32 peer_isn,
                                   std::uint16_t mss) const;

    /// Checks the ACK that completes a cookie handshake (SEG.SEQ = peer ISN + 1, SEG.ACK =
    /// cookie + 1). Returns nothing if the hash does not match, the counter is too old (or
    /// from the future), or the MSS index is out of range: the caller drops and counts it.
    [[nodiscard]] std::optional<syn_cookie_decoded> check(instant now, const four_tuple& tuple,
                                                          wire::seq32 seg_seq,
                                                          wire::seq32 seg_ack) const;

    /// Our TSval for the SYN-ACK: `ts_now` with its low 6 bits replaced by the options (and
    /// moved back by 64 if that would make it exceed ts_now, so our clock never runs ahead).
    /// Preconditions: options.window_scale <= 14 if set.
    [[nodiscard]] static std::uint32_t encode_timestamp(std::uint32_t ts_now,
                                                        const syn_cookie_ts_options& options);
    /// The options from the peer's TSecr on the completing ACK; nothing if they are invalid
    /// (window scale 15 is "none"; 14 < shift < 15 cannot be encoded; bit 5 must be clear).
    [[nodiscard]] static std::optional<syn_cookie_ts_options> decode_timestamp(std::uint32_t tsecr);

private:
    [[nodiscard]] std::uint32_t hash(const four_tuple& tuple, std::uint32_t counter,
                                     wire::seq32 irs, std::uint8_t which) const;
    [[nodiscard]] static std::uint32_t counter(instant now);

    siphash_key secret_;
};

}  // namespace netrig::core::tcp
