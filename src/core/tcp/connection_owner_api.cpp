// SPDX-License-Identifier: MIT
// core/tcp: what the owner of connections (core::interface) needs beyond the TCB's own API:
// the TIME-WAIT record a connection leaves behind (the interface keeps TIME-WAIT as compact
// records in tcp_table, not as connections) and socket options on a live connection.
// Added by engineer H.
#include "core/tcp/connection.hpp"

namespace netrig::core::tcp {

time_wait_state connection::time_wait_record() const {
    // RFC 9293 §3.10.7.4 TIME-WAIT: ACKs of retransmitted FINs carry <SEQ=SND.NXT><ACK=RCV.NXT>;
    // our FIN is acknowledged there, so SND.NXT is SND.MAX.
    return time_wait_state{.tuple = tuple_,
                           .snd_nxt = snd_max_,
                           .rcv_nxt = rcv_nxt(),
                           .ts_recent = neg_.timestamps ? std::optional<std::uint32_t>{ts_recent_}
                                                        : std::nullopt,
                           .ts_offset = ts_offset_};
}

bool connection::set_congestion(instant now, cc_algorithm algo) {
    if (stats_.bytes_sent != 0) {
        return false;
    }
    cfg_.cc = algo;
    cc_ = congestion_control(algo, neg_.send_mss, now);
    return true;
}

}  // namespace netrig::core::tcp
