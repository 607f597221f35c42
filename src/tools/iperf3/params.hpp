// SPDX-License-Identifier: MIT
// tools/iperf3: the test parameters the client sends after PARAM_EXCHANGE (spec A.6), with the
// exact JSON types iperf3 3.18+ type-checks, and the server-side validation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "tools/iperf3/errors.hpp"

namespace netrig::tools::iperf3 {

/// Transport of the data streams.
enum class transport : std::uint8_t { tcp, udp };

/// Everything a test is configured by that crosses the wire.
struct test_params {
    transport protocol = transport::tcp;
    int omit_s = 0;                       ///< -O
    int time_s = 10;                      ///< -t (0 when -n/-k end the test)
    std::uint64_t num_bytes = 0;          ///< -n, 0 if unset
    std::uint64_t block_count = 0;        ///< -k, 0 if unset
    std::optional<int> mss_bytes;         ///< -M
    bool nodelay = false;                 ///< -N
    int parallel = 1;                     ///< -P
    bool reverse = false;                 ///< -R
    bool bidirectional = false;           ///< --bidir
    std::optional<std::uint64_t> window_bytes;  ///< -w
    std::uint64_t len_bytes = 0;          ///< -l (block or datagram size)
    std::optional<std::uint64_t> bandwidth_bps;  ///< -b (UDP default 1 Mbit/s)
    int pacing_timer_us = 1000;           ///< pacing tick
    std::optional<std::string> congestion;  ///< -C
    bool get_server_output = false;       ///< --get-server-output
    bool udp_counters_64bit = false;      ///< --udp-counters-64bit
    std::optional<std::string> title;     ///< -T
    std::optional<std::string> extra_data;  ///< --extra-data
    std::string client_version{"3.12"};
    /// netrig extension (ignored by iperf3): the client asks a netrig server for extra
    /// results fields (packet counts, received datagram count for tail-loss accounting).
    bool netrig_extensions = false;

    /// Builds the params object as a 3.12 client does, with iperf3's JSON types (flags are
    /// `true`, numbers are numbers, strings are strings).
    [[nodiscard]] nlohmann::json to_json() const;

    /// Reads and validates a params object as a 3.18+ server does: types checked, ranges
    /// checked (parallel 1..128, time <= 86400, omit <= 600, len, window, burst). Unknown keys
    /// are ignored. Errors: codec_error::bad_param.
    [[nodiscard]] static result<test_params, codec_error> from_json(const nlohmann::json& j);
};

/// The key netrig peers add to params and results to negotiate extensions.
inline constexpr const char* netrig_extension_key = "netrig";

}  // namespace netrig::tools::iperf3
