// SPDX-License-Identifier: MIT
// core/tcp: releasing the empty buffers of an idle connection (see idle_release.hpp).
//
// Policy: once the send buffer is empty (everything acknowledged), the receive buffer holds
// neither unread nor out-of-order data, and no data moved either way for
// conn_config::idle_release_after, both buffers give their storage back. Linux does the same
// for an idle socket (its skbs are freed once read or acknowledged). The storage returns at the
// next write or the next received data, sized as at first use; the receive window, the window
// scale and the auto-tuned capacity are logical and do not change.
//
// Timers: the check is armed only while storage is held and both buffers are empty, at
// last data movement + idle_release_after; a connection without storage, with data waiting,
// in TIME-WAIT or CLOSED has no idle deadline, so an idle connection is woken once per release
// and a finished one is never kept alive by it.
#include "core/tcp/connection.hpp"

namespace netrig::core::tcp {

namespace {
// States in which no more data can flow: the buffers go as soon as they are empty.
bool over(tcp_state s) { return s == tcp_state::closed || s == tcp_state::time_wait; }
}  // namespace

std::optional<instant> connection::idle_deadline() const {
    if (over(state_)) {
        return std::nullopt;
    }
    return idle_.check_at;
}

void connection::on_idle_timer(instant now) {
    // Every counter here only grows, so the sum changes exactly when one of them does, i.e.
    // when data moved: queued by the application, sent, acknowledged, received (in order or
    // not) or read.
    const std::uint64_t activity = idle_.bytes_written + stats_.bytes_sent + stats_.bytes_acked +
                                   stats_.bytes_received + stats_.ooo_segments + recv_.read_pos();
    if (activity != idle_.activity) {
        idle_.activity = activity;
        idle_.last_activity = now;
    }
    idle_.check_at.reset();
    const bool holds = send_.allocated_bytes() > 0 || recv_.allocated_bytes() > 0;
    // Out-of-order data is held too: releasing it would renege on what we SACKed.
    const bool empty =
        send_.size() == 0 && recv_.readable() == 0 && recv_.out_of_order().empty();
    if (!holds || !empty) {
        // Nothing to free, or data waits: the poll that moves it (an ACK arrives, the
        // application reads) comes back here and re-arms the check.
        return;
    }
    const instant due = idle_.last_activity + cfg_.idle_release_after;
    if (!over(state_) && now < due) {
        idle_.check_at = due;
        return;
    }
    send_.release();
    recv_.release();
    ++idle_.releases;
}

}  // namespace netrig::core::tcp
