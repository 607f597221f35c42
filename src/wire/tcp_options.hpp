// SPDX-License-Identifier: MIT
// wire: TCP options: MSS (RFC 9293 §3.2), window scale and timestamps (RFC 7323), SACK-permitted
// and SACK blocks (RFC 2018), NOP and EOL. Unknown options are skipped by their length.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "wire/parse_error.hpp"
#include "wire/seq32.hpp"

namespace netrig::wire::tcp {

/// Option kinds (IANA "TCP Option Kind Numbers").
namespace option_kind {
inline constexpr std::uint8_t eol = 0;
inline constexpr std::uint8_t nop = 1;
inline constexpr std::uint8_t mss = 2;
inline constexpr std::uint8_t window_scale = 3;
inline constexpr std::uint8_t sack_permitted = 4;
inline constexpr std::uint8_t sack = 5;
inline constexpr std::uint8_t timestamps = 8;
}  // namespace option_kind

/// TCP allows at most 40 option bytes (data offset is at most 15 words).
inline constexpr std::size_t max_options_len = 40;
/// RFC 2018 §3: at most 4 SACK blocks fit in 40 bytes.
inline constexpr std::size_t max_sack_blocks = 4;

/// One SACK block (RFC 2018 §3): [left, right) of received data.
struct sack_block {
    seq32 left;   ///< first sequence number of the block
    seq32 right;  ///< sequence number just after the block
    friend constexpr bool operator==(const sack_block&, const sack_block&) = default;
};

/// TSval and TSecr (RFC 7323 §3).
struct timestamps {
    std::uint32_t value = 0;  ///< TSval
    std::uint32_t echo = 0;   ///< TSecr
    friend constexpr bool operator==(const timestamps&, const timestamps&) = default;
};

/// One option as found on the wire, for walking options in order (the pretty printer does).
struct option {
    std::uint8_t kind = 0;  ///< option kind
    bytes data;             ///< the bytes after kind and length (empty for EOL/NOP)
};

/// Walks the options in order. Each next() gives the next option, or nothing at the end
/// (after EOL or the last byte), or parse_error::bad_option for a malformed length (below 2,
/// past the end, or wrong for a known kind: MSS 4, WS 3, SACK-permitted 2, TS 10, SACK 2+8n
/// with n in 1..4).
class option_reader {
public:
    /// Reads the given option bytes. Valid while they are.
    explicit option_reader(bytes options) : options_(options) {}
    /// The next option; see the class comment.
    [[nodiscard]] result<std::optional<option>, parse_error> next();

private:
    bytes options_;
    std::size_t pos_ = 0;
};

/// True if raw is exactly NOP, NOP, TS (12 bytes): the layout RFC 7323 Appendix A recommends
/// and the one on nearly every segment after the handshake, so parsers take a fast path for it.
[[nodiscard]] constexpr bool is_nop_nop_timestamps(bytes raw) {
    return raw.size() == 12 && raw[0] == option_kind::nop && raw[1] == option_kind::nop &&
           raw[2] == option_kind::timestamps && raw[3] == 10;
}

/// The options TCP understands, decoded. Unknown options are not kept.
struct options {
    std::optional<std::uint16_t> mss;          ///< maximum segment size (SYN only)
    std::optional<std::uint8_t> window_scale;  ///< shift count (SYN only; RFC 7323 caps at 14)
    bool sack_permitted = false;               ///< SACK-permitted (SYN only)
    std::optional<timestamps> ts;              ///< timestamps
    std::uint8_t sack_count = 0;               ///< number of valid entries in sack_blocks
    std::array<sack_block, max_sack_blocks> sack_blocks{};  ///< SACK blocks, first sack_count

    /// Decodes option bytes. A repeated option keeps the last value. Errors: bad_option (see
    /// option_reader).
    [[nodiscard]] static result<options, parse_error> parse(bytes raw);
    /// Bytes emit() writes: a multiple of 4. Preconditions: the options fit in 40 bytes.
    [[nodiscard]] std::size_t buffer_len() const;
    /// Writes the options, NOP-aligned as Linux lays them out (MSS, SACK-permitted, TS, NOP,
    /// window scale, NOP NOP SACK), or packed with EOL padding if that layout would exceed 40
    /// bytes. Preconditions: buffer.size() == buffer_len().
    void emit(mut_bytes buffer) const;

    /// Equal if every decoded option is equal (SACK blocks beyond sack_count are ignored).
    friend bool operator==(const options& a, const options& b);
};

}  // namespace netrig::wire::tcp
