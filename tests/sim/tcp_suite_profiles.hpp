// SPDX-License-Identifier: MIT
// tests/sim: the impairment profiles of the TCP sim suite (issue 4): loss 0-20 %, burst loss,
// reordering, duplication, corruption, a bottleneck with a small drop-tail queue, and a mix.
// Each profile is one link::impairment_config applied to both directions of the sim link.
#pragma once

#include <span>
#include <string_view>

#include "link/impairment.hpp"

namespace netrig::sim {

/// A named impairment profile of the TCP suite.
struct tcp_profile {
    std::string_view name;         ///< Command-line name ("loss5", "burst", ...).
    std::string_view description;  ///< One line for --list.
    link::impairment_config link;  ///< Applied to both directions (each host's egress).
    bool corrupts = false;         ///< Frames get bit flips: checksum drops are expected.
    /// The slowest acceptable goodput per direction, bytes per second of virtual time: with a
    /// fixed allowance for the handshake and RTO back-off, it bounds a scenario's virtual time
    /// so that a stall fails. Well below what the profile achieves (see docs/TESTING.md).
    double min_goodput = 1e6;
};

/// Every profile, in the order the suite runs them.
[[nodiscard]] std::span<const tcp_profile> tcp_profiles();

/// The profile called name, or nullptr.
[[nodiscard]] const tcp_profile* find_tcp_profile(std::string_view name);

}  // namespace netrig::sim
