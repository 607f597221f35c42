// SPDX-License-Identifier: MIT
// core/tcp: SYN cookie encoding and checking (RFC 4987 §3.6, Linux syncookies.c layout).
#include "core/tcp/syn_cookie.hpp"

#include "base/assert.hpp"
#include "base/bytes.hpp"

namespace netrig::core::tcp {

namespace {

constexpr std::uint32_t cookie_bits = 24;
constexpr std::uint32_t cookie_mask = (1U << cookie_bits) - 1;
constexpr std::uint32_t ts_mask = (1U << syn_cookie_codec::ts_option_bits) - 1;
constexpr std::uint32_t ts_wscale_mask = 0x0f;  // 15 = "no window scale"
constexpr std::uint32_t ts_sack_bit = 0x10;
constexpr std::uint32_t ts_reserved_bit = 0x20;  // Linux's ECN bit; we do not negotiate ECN
constexpr std::uint8_t max_window_scale = 14;    // RFC 7323 §2.3

}  // namespace

std::uint32_t syn_cookie_codec::counter(instant now) {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(now.since_zero() / period));
}

std::uint32_t syn_cookie_codec::hash(const four_tuple& tuple, std::uint32_t count, wire::seq32 irs,
                                     std::uint8_t which) const {
    // Message: the tuple, the counter, the peer's ISN and a domain byte, so the two hashes are
    // independent. Unlike Linux, hash2 also covers the peer's ISN: an ACK whose SEG.SEQ is off
    // by one then fails instead of decoding to a neighbouring MSS index.
    std::array<std::uint8_t, 21> msg{};
    const auto t = tuple.to_bytes();
    for (std::size_t i = 0; i < t.size(); ++i) {
        msg[i] = t[i];
    }
    store_be32(msg, 12, count);
    store_be32(msg, 16, irs.raw());
    msg[20] = which;
    return static_cast<std::uint32_t>(siphash24(secret_, msg));
}

std::uint8_t syn_cookie_codec::mss_index(std::uint16_t mss) {
    std::uint8_t index = mss_table.size() - 1;
    while (index > 0 && mss < mss_table[index]) {
        --index;
    }
    return index;
}

wire::seq32 syn_cookie_codec::make(instant now, const four_tuple& tuple, wire::seq32 peer_isn,
                                   std::uint16_t mss) const {
    const std::uint32_t count = counter(now);
    const std::uint32_t data = mss_index(mss);
    // RFC 4987 §3.6: the ISN encodes a hash of the connection and a slowly advancing counter
    // so that the returning ACK can be verified without state. Adding the peer's ISN ties the
    // cookie to this SYN.
    const std::uint32_t cookie = hash(tuple, 0, {}, 0) + peer_isn.raw() + (count << cookie_bits) +
                                 ((hash(tuple, count, peer_isn, 1) + data) & cookie_mask);
    return wire::seq32{cookie};
}

std::optional<syn_cookie_decoded> syn_cookie_codec::check(instant now, const four_tuple& tuple,
                                                          wire::seq32 seg_seq,
                                                          wire::seq32 seg_ack) const {
    const wire::seq32 irs = seg_seq - 1U;
    const wire::seq32 iss = seg_ack - 1U;
    const std::uint32_t count = counter(now);
    const std::uint32_t cookie = iss.raw() - (hash(tuple, 0, {}, 0) + irs.raw());
    const std::uint32_t age = (count - (cookie >> cookie_bits)) & (~0U >> cookie_bits);
    if (age >= max_age_periods) {
        return std::nullopt;
    }
    const std::uint32_t data = (cookie - hash(tuple, count - age, irs, 1)) & cookie_mask;
    if (data >= mss_table.size()) {
        return std::nullopt;
    }
    return syn_cookie_decoded{.mss = mss_table[data], .iss = iss, .irs = irs};
}

std::uint32_t syn_cookie_codec::encode_timestamp(std::uint32_t ts_now,
                                                 const syn_cookie_ts_options& options) {
    std::uint32_t bits = ts_wscale_mask;
    if (options.window_scale) {
        NETRIG_ASSERT(*options.window_scale <= max_window_scale);
        bits = *options.window_scale;
    }
    if (options.sack_permitted) {
        bits |= ts_sack_bit;
    }
    std::uint32_t ts = (ts_now & ~ts_mask) | bits;
    // Never send a TSval ahead of our clock: a later real TSval must stay >= this one for the
    // peer's PAWS check (RFC 7323 §5.3).
    if (ts > ts_now) {
        ts -= ts_mask + 1;
    }
    return ts;
}

std::optional<syn_cookie_ts_options> syn_cookie_codec::decode_timestamp(std::uint32_t tsecr) {
    const std::uint32_t bits = tsecr & ts_mask;
    if ((bits & ts_reserved_bit) != 0) {
        return std::nullopt;
    }
    syn_cookie_ts_options out;
    const std::uint32_t wscale = bits & ts_wscale_mask;
    if (wscale != ts_wscale_mask) {
        if (wscale > max_window_scale) {
            return std::nullopt;
        }
        out.window_scale = static_cast<std::uint8_t>(wscale);
    }
    out.sack_permitted = (bits & ts_sack_bit) != 0;
    return out;
}

}  // namespace netrig::core::tcp
