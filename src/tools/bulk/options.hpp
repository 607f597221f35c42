// SPDX-License-Identifier: MIT
// tools/bulk: what a bounded TCP bulk transfer does: how long or how much, how it writes, which
// congestion control, how many parallel streams.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>

#include "base/result.hpp"
#include "base/time.hpp"

namespace netrig::tools::bulk {

/// Options of one bulk transfer; the source and the sink must agree on `streams`.
struct bulk_options {
    /// Stop writing after this long (timed from the first write). Used when `bytes` is unset;
    /// if both are unset the transfer lasts default_duration.
    std::optional<duration> time_limit;
    /// Stop after writing this many bytes in total (over all streams). Takes precedence over
    /// time_limit.
    std::optional<std::uint64_t> bytes;
    /// Bytes per write call (iperf3's -l default for TCP is 128 KiB).
    std::size_t write_size_bytes = 128 * 1024;
    /// Bytes per read call on the sink.
    std::size_t read_size_bytes = 128 * 1024;
    /// Congestion control for the connections ("cubic", "reno", ...); unset = system default.
    std::optional<std::string> congestion;
    /// Disable Nagle's algorithm.
    bool nodelay = false;
    /// Number of parallel TCP connections.
    unsigned streams = 1;
    /// Socket buffer sizes (SO_SNDBUF on the source, SO_RCVBUF on the sink); unset = autotune.
    std::optional<std::size_t> socket_buffer_bytes;
    /// How long the sink waits for all streams to connect, and the source for its connects.
    duration connect_timeout = std::chrono::seconds{10};

    /// The duration used when neither time_limit nor bytes is set.
    static constexpr duration default_duration = std::chrono::seconds{10};
};

/// Checks options: write/read sizes > 0, 1..128 streams, a positive time limit, a non-zero
/// byte count. Errors: net::errc::invalid_argument.
[[nodiscard]] result<void, std::error_code> validate(const bulk_options& options);

}  // namespace netrig::tools::bulk
