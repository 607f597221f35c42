// SPDX-License-Identifier: MIT
// tests/sim: one scenario of the TCP sim suite. Two core::interface instances (client
// 10.66.0.1, server 10.66.0.2) on a two-port link::sim_network whose egress directions carry
// the profile's impairments, driven in virtual time (no sleeping, no clock). The sender writes a
// deterministic byte pattern derived from the seed; the receiver hashes what it reads; both
// sides half-close after their data and then close. A scenario is a pure function of its
// parameters, so a failing seed replays exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/time.hpp"
#include "core/tcp/congestion/congestion.hpp"
#include "tcp_suite_profiles.hpp"

namespace netrig::sim {

/// Which way the data flows.
enum class tcp_direction : std::uint8_t {
    client_to_server,  ///< "c2s"
    server_to_client,  ///< "s2c"
    both,              ///< "both": both at once
};

/// "c2s", "s2c" or "both".
[[nodiscard]] std::string_view to_string(tcp_direction d);

/// Everything a scenario depends on.
struct tcp_scenario {
    const tcp_profile* profile = nullptr;                ///< Impairments (not null).
    tcp_direction direction = tcp_direction::both;       ///< Data direction(s).
    std::uint64_t bytes = 0;                             ///< Bytes each sending side writes.
    std::uint64_t seed = 1;                              ///< Link, ISNs, data pattern.
    std::uint16_t mss = 1460;                            ///< Both sides' conn_config.mss.
    std::size_t send_buffer_max = 4 * 1024 * 1024;       ///< Both sides.
    std::size_t recv_buffer_max = 6 * 1024 * 1024;       ///< Both sides.
    core::tcp::cc_algorithm cc = core::tcp::cc_algorithm::cubic;  ///< Both sides.
    std::size_t app_chunk = 64 * 1024;  ///< Largest tcp_send/tcp_recv call of the application.
};

/// What a scenario observed. error is empty when every check passed.
struct tcp_outcome {
    std::string error;              ///< First failed check, in plain words.
    duration virtual_time{0};       ///< Virtual time from connect to both connections gone.
    std::uint64_t frames = 0;       ///< Frames sent by both hosts.
    std::uint64_t retransmits = 0;  ///< Segments retransmitted, both sides.
    std::uint64_t rtos = 0;         ///< Retransmission timeouts, both sides.
    std::uint64_t checksum_drops = 0;  ///< Frames dropped for a bad IPv4/TCP checksum.
    std::uint64_t fingerprint = 0;     ///< Hash of every observable result (determinism check).
};

/// Runs one scenario to completion (or to its first failure).
[[nodiscard]] tcp_outcome run_tcp_scenario(const tcp_scenario& s);

/// The virtual-time bound of a scenario: generous, but finite, so that a stall fails.
[[nodiscard]] duration tcp_scenario_time_bound(const tcp_scenario& s);

}  // namespace netrig::sim
