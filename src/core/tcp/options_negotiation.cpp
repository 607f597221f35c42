// SPDX-License-Identifier: MIT
// core/tcp: SYN options and their negotiation.
#include "core/tcp/options_negotiation.hpp"

#include <algorithm>

namespace netrig::core::tcp {

std::uint8_t window_shift_for(std::size_t recv_buffer_max) {
    std::uint8_t shift = 0;
    while (shift < max_window_shift && (std::size_t{0xffff} << shift) < recv_buffer_max) {
        ++shift;
    }
    return shift;
}

wire::tcp::options syn_options(const conn_config& cfg, std::uint8_t shift, std::uint32_t ts_val) {
    wire::tcp::options o;
    o.mss = cfg.mss;
    o.sack_permitted = cfg.sack;
    if (cfg.timestamps) {
        // RFC 7323 §3.2: TSecr is zero in an initial SYN.
        o.ts = wire::tcp::timestamps{ts_val, 0};
    }
    if (cfg.window_scaling) {
        o.window_scale = shift;
    }
    return o;
}

wire::tcp::options syn_ack_options(const conn_config& cfg, const wire::tcp::options& peer_syn,
                                   std::uint8_t shift, std::uint32_t ts_val) {
    wire::tcp::options o;
    o.mss = cfg.mss;
    // RFC 2018 §2: SACK-permitted "MUST NOT be sent" in a SYN-ACK unless it was in the SYN.
    o.sack_permitted = cfg.sack && peer_syn.sack_permitted;
    if (cfg.timestamps && peer_syn.ts) {
        // RFC 7323 §3.2: a SYN-ACK carries TS only if the SYN did, echoing its TSval.
        o.ts = wire::tcp::timestamps{ts_val, peer_syn.ts->value};
    }
    if (cfg.window_scaling && peer_syn.window_scale) {
        // RFC 7323 §2.2: "a TCP MAY send the Window Scale option in a <SYN,ACK> segment only if
        // it has received a Window Scale option in the <SYN> segment".
        o.window_scale = shift;
    }
    return o;
}

negotiated_options negotiate(const conn_config& cfg, const wire::tcp::options& ours,
                             const wire::tcp::options& peer) {
    negotiated_options n;
    n.timestamps = ours.ts.has_value() && peer.ts.has_value();
    n.sack = ours.sack_permitted && peer.sack_permitted;
    if (ours.window_scale && peer.window_scale) {
        // RFC 7323 §2.3: "If a Window Scale option is received with a shift.cnt value larger
        // than 14, the TCP SHOULD log the error but MUST use 14 instead".
        n.send_shift = std::min(*peer.window_scale, max_window_shift);
        n.recv_shift = *ours.window_scale;
    }
    // RFC 9293 §3.7.1: absent MSS means 536; a present one is clamped to our own MSS and to a
    // sane floor.
    const std::uint16_t peer_mss = peer.mss.value_or(default_mss_ipv4);
    std::uint16_t mss = std::clamp(peer_mss, min_peer_mss, cfg.mss);
    // RFC 9293 §3.7.1: Eff.snd.MSS excludes the TCP options carried on every data segment.
    if (n.timestamps) {
        mss = static_cast<std::uint16_t>(mss - timestamps_option_len);
    }
    n.send_mss = mss;
    return n;
}

}  // namespace netrig::core::tcp
