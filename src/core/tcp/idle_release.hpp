// SPDX-License-Identifier: MIT
// core/tcp: the state a connection keeps to give the memory of its empty send and receive
// buffers back once it has been idle for a while (conn_config::idle_release_after), so that
// thousands of idle connections cost their slots, not their buffers, while a bulk transfer,
// whose buffers empty and refill many times a second, never reallocates.
#pragma once

#include <optional>

#include "base/time.hpp"

namespace netrig::core::tcp {

/// Per-connection bookkeeping of the idle buffer release (connection_idle.cpp).
struct idle_release_state {
    /// When the buffers are next looked at for release; nullopt: nothing to release.
    std::optional<instant> check_at;
};

}  // namespace netrig::core::tcp
