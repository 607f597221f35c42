// SPDX-License-Identifier: MIT
// core/tcp: the connection states of RFC 9293 §3.3.2 (LISTEN lives in the listener).
#pragma once

#include <cstdint>
#include <string_view>

namespace netrig::core::tcp {

/// RFC 9293 §3.3.2 connection states, named as in the RFC.
enum class tcp_state : std::uint8_t {
    closed,
    listen,
    syn_sent,
    syn_received,
    established,
    fin_wait_1,
    fin_wait_2,
    close_wait,
    closing,
    last_ack,
    time_wait,
};

/// The RFC name in upper case ("SYN-SENT", "ESTABLISHED", ...).
[[nodiscard]] std::string_view to_string(tcp_state s);

/// True once the connection is synchronized (RFC 9293 §3.5.2: every state after SYN-RECEIVED).
[[nodiscard]] constexpr bool is_synchronized(tcp_state s) {
    return s != tcp_state::closed && s != tcp_state::listen && s != tcp_state::syn_sent &&
           s != tcp_state::syn_received;
}

}  // namespace netrig::core::tcp
