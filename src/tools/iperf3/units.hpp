// SPDX-License-Identifier: MIT
// tools/iperf3: number formatting as iperf3's unit_snprintf does it (-f k/m/g/t for bits with
// 1000 steps, K/M/G/T for bytes with 1024 steps, a/A adaptive).
#pragma once

#include <cstdint>
#include <string>

namespace netrig::tools::iperf3 {

/// Formats a byte count adaptively in 1024 steps: "1.21 GBytes", " 644 MBytes".
[[nodiscard]] std::string format_bytes(double bytes, char format = 'A');

/// Formats a rate in bit/s for the bitrate column: "10.4 Gbits" (caller adds "/sec").
/// format: 'a' adaptive (1000 steps), 'k','m','g','t' fixed bits, 'K','M','G','T' bytes.
[[nodiscard]] std::string format_rate(double bits_per_second, char format = 'a');

/// True if c is a valid -f letter.
[[nodiscard]] bool valid_format(char c);

}  // namespace netrig::tools::iperf3

#include <optional>
#include <string_view>

namespace netrig::tools::iperf3 {

/// Parses a byte count with an optional K/M/G/T suffix in 1024 steps (iperf3 unit_atoi):
/// "128K" = 131072. Returns nullopt for anything else.
[[nodiscard]] std::optional<std::uint64_t> parse_size(std::string_view text);

/// Parses a rate in bit/s with an optional k/m/g/t suffix in 1000 steps (iperf3
/// unit_atof_rate): "50M" = 50000000. A "/N" burst suffix is accepted and ignored.
[[nodiscard]] std::optional<std::uint64_t> parse_rate(std::string_view text);

}  // namespace netrig::tools::iperf3
