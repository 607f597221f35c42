// SPDX-License-Identifier: MIT
// net: the user stack's driver turn, socket wait lists, and the core -> net error mapping.
#include "net/user_driver.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/tcp/tcp_error.hpp"
#include "net/errc.hpp"
#include "runtime/cancel.hpp"

namespace netrig::net::user {

std::error_code from_core(std::error_code ec) {
    if (ec.category() == core::tcp::tcp_category()) {
        // What Linux reports for the same TCP outcome (ECONNREFUSED, ECONNRESET, ETIMEDOUT,
        // EPIPE after shutdown, ENOTCONN).
        switch (static_cast<core::tcp::tcp_errc>(ec.value())) {
            case core::tcp::tcp_errc::connection_refused: return make_error_code(errc::refused);
            case core::tcp::tcp_errc::connection_reset: return make_error_code(errc::reset);
            case core::tcp::tcp_errc::timed_out: return make_error_code(errc::timed_out);
            case core::tcp::tcp_errc::connection_aborted: return make_error_code(errc::aborted);
            case core::tcp::tcp_errc::closing: return make_error_code(errc::closed);
            case core::tcp::tcp_errc::not_established:
                return make_error_code(errc::not_connected);
        }
        return make_error_code(errc::io_error);
    }
    if (ec.category() != core::core_category()) {
        return ec;
    }
    switch (static_cast<core::errc>(ec.value())) {
        case core::errc::invalid_handle: return make_error_code(errc::closed);
        case core::errc::table_full: return make_error_code(errc::no_buffer_space);
        // Linux answers an exhausted ephemeral range with EADDRINUSE too.
        case core::errc::address_in_use:
        case core::errc::no_ephemeral_port: return make_error_code(errc::address_in_use);
        case core::errc::not_connected: return make_error_code(errc::not_connected);
        case core::errc::would_block: return make_error_code(errc::would_block);
        case core::errc::message_too_long: return make_error_code(errc::message_too_long);
        case core::errc::no_route: return make_error_code(errc::unreachable);
        case core::errc::invalid_argument: return make_error_code(errc::invalid_argument);
    }
    return make_error_code(errc::io_error);
}

// ---- wait_list / socket_wait --------------------------------------------------------------

wait_list::~wait_list() { wake_all(make_error_code(errc::closed)); }

void wait_list::push_back(wait_node& n) noexcept {
    NETRIG_ASSERT(n.list_ == nullptr);
    n.list_ = this;
    n.prev_ = tail_;
    n.next_ = nullptr;
    if (tail_ != nullptr) {
        tail_->next_ = &n;
    } else {
        head_ = &n;
    }
    tail_ = &n;
}

void wait_list::remove(wait_node& n) noexcept {
    if (n.list_ != this) {
        return;
    }
    (n.prev_ != nullptr ? n.prev_->next_ : head_) = n.next_;
    (n.next_ != nullptr ? n.next_->prev_ : tail_) = n.prev_;
    n.prev_ = nullptr;
    n.next_ = nullptr;
    n.list_ = nullptr;
}

void wait_list::wake_all(std::error_code ec) noexcept {
    // Detach the whole chain first: on_wake only posts, but a woken waiter that is re-added
    // by a later resume must land in a fresh list.
    wait_node* n = head_;
    head_ = nullptr;
    tail_ = nullptr;
    while (n != nullptr) {
        wait_node* next = n->next_;
        n->prev_ = nullptr;
        n->next_ = nullptr;
        n->list_ = nullptr;
        n->on_wake(ec);
        n = next;
    }
}

namespace {
// socket_wait::pending_wakes(): a stack and its waits belong to one thread's executor.
thread_local std::size_t pending_wakes_ = 0;
}  // namespace

std::size_t socket_wait::pending_wakes() noexcept { return pending_wakes_; }

void socket_wait::post() noexcept {
    if (!posted_ && list_ != nullptr && list_->paces_receive()) {
        posted_ = true;
        ++pending_wakes_;
    }
    sched_->post(h_);
}

socket_wait::~socket_wait() {
    if (posted_) {
        --pending_wakes_;  // destroyed after the wake-up, before it resumed
    }
    // The frame may be destroyed while suspended (its owner task was destroyed).
    stop_cb_.reset();
    if (list_ != nullptr) {
        list_->remove(*this);
    }
}

bool socket_wait::suspend(std::coroutine_handle<> h, const std::stop_token& token) {
    if (list_ == nullptr) {
        ec_ = make_error_code(errc::closed);
        return false;
    }
    if (token.stop_requested()) {
        ec_ = runtime::canceled_error();
        return false;
    }
    sched_ = &runtime::current();
    h_ = h;
    list_->push_back(*this);
    stop_cb_.emplace(token, cancel_fn{this});
    return true;
}

void socket_wait::on_wake(std::error_code ec) {
    ec_ = ec;
    post();
}

void socket_wait::on_cancel() noexcept {
    // If the driver already woke us, the wake-up wins and this is a no-op.
    if (list_ != nullptr && wait_list::linked(*this)) {
        list_->remove(*this);
        ec_ = runtime::canceled_error();
        post();
    }
}

result<void, std::error_code> socket_wait::await_resume() noexcept {
    if (posted_) {
        posted_ = false;
        --pending_wakes_;
    }
    stop_cb_.reset();
    if (ec_) {
        return unexpected<std::error_code>(ec_);
    }
    return {};
}

// ---- driver ---------------------------------------------------------------------------------

driver::driver(core::interface& iface, link::any_device& device, driver_client& client)
    : iface_(iface), device_(device), client_(client) {}

driver::~driver() {
    // Unregister before the owner closes the device's fd (poll.hpp's rule).
    reg_.reset();
    set_group(nullptr);
}

void driver::attach() {
    if (reg_ != nullptr || !runtime::has_current()) {
        return;
    }
    const int fd = device_.fd();
    reg_ = std::make_unique<runtime::poll_registration>(
        fd, runtime::poll_interest{.readable = fd >= 0}, *this);
    if (device_.rx_ready().has_value()) {
        reg_->set_probing(true, rx_spin_);
    }
    // The first turn sends the gratuitous ARP and picks up frames that arrived meanwhile.
    reg_->set_deadline(runtime::now());
}

namespace {

// The core's view of a received frame's vnet header (core does not see link).
core::rx_frame_info to_core_info(const link::rx_offload& o) {
    return core::rx_frame_info{
        .checksum_partial = o.needs_checksum,
        .checksum_valid = o.data_valid,
        // The high bit of gso_type is VIRTIO_NET_HDR_GSO_ECN (CWR seen), not a type.
        .gso_size = (o.gso_type & 0x7FU) == link::gso_tcpv4 ? o.gso_size : std::uint16_t{0}};
}

// The vnet header that asks the device for what the core left to it.
link::tx_offload to_link_offload(const core::tx_frame_info& info) {
    link::tx_offload o;
    o.needs_checksum = info.needs_checksum;
    o.checksum_start = info.checksum_start;
    o.checksum_offset = info.checksum_offset;
    if (info.gso_tcpv4) {
        o.gso_type = link::gso_tcpv4;
        o.gso_size = info.gso_size;
        o.hdr_len = info.hdr_len;
    }
    return o;
}

}  // namespace

void driver::on_poll(runtime::poll_events /*events*/) { turn(); }

bool driver::probe() { return device_.rx_ready().value_or(false); }

void driver::transmit(instant now) {
    bool stalled = false;
    auto emit = [&](std::size_t len, auto&& fill, const core::tx_frame_info& info) -> bool {
        auto token = device_.transmit(now);
        if (!token) {
            stalled = true;
            return false;
        }
        if (info.needs_checksum || info.gso_tcpv4) {
            token->set_offload(to_link_offload(info));
        }
        token->consume(len, fill);
        return true;
    };
    for (std::size_t i = 0; i < tx_polls_per_turn; ++i) {
        // poll() also runs the interface's timers, so it is called at least once per turn.
        const std::size_t sent = iface_.poll(now, emit);
        if (sent == 0 || stalled || iface_.tx_queued() == 0) {
            break;
        }
    }
    tx_stalled_ = stalled;
    device_.flush(now);
}

bool driver::receive(instant now) {
    for (std::size_t b = 0; b < rx_batches_per_turn; ++b) {
        // Readers woken by the last batch run before the next one, so a socket queue of one
        // batch is enough for a reader that keeps up.
        if (socket_wait::pending_wakes() > 0 && rx_yields_ < rx_yields_max) {
            if (b == 0) {
                ++rx_yields_;
            }
            ++rx_yields_total_;
            return true;
        }
        rx_yields_ = 0;
        const std::size_t n =
            device_.receive_batch(now, rx_batch, [&](bytes frame, const link::rx_offload& o) {
                iface_.receive(now, frame, to_core_info(o));
            });
        // Wake the readers of this batch now: that is what makes has_ready() true above.
        iface_.take_events([&](const core::socket_event& ev) { client_.on_socket_event(ev); });
        if (n < rx_batch) {
            break;
        }
    }
    return false;
}

void driver::turn() {
    if (in_turn_) {
        again_ = true;
        return;
    }
    in_turn_ = true;
    const instant now = runtime::now();
    last_now_ = now;
    ++turns_;
    bool yielded = false;
    for (int round = 0; round < 4; ++round) {
        again_ = false;
        yielded = receive(now) || yielded;
        transmit(now);
        iface_.take_events([&](const core::socket_event& ev) { client_.on_socket_event(ev); });
        client_.on_turn_end();
        // A client that sent from on_socket_event (the sim responder) left frames queued.
        if (!again_ && iface_.tx_queued() == 0) {
            break;
        }
    }
    in_turn_ = false;
    // Idle connections released their buffers in this turn's poll(): give the pages back.
    if (heap_trim_.should_trim(tcp_buffer_bytes())) {
        (void)trim_heap();
    }
    rearm();
    if (yielded && reg_ != nullptr) {
        // Frames may be waiting that this turn left for later: turn again once the ready
        // coroutines ran (fd readiness would also do it; a sim port has no fd).
        reg_->set_deadline(now);
    }
    if (group_ != nullptr) {
        group_->rearm_others(this);
    }
}

void driver::rearm() {
    if (reg_ == nullptr) {
        return;
    }
    std::optional<instant> at = iface_.next_deadline();
    const std::optional<instant> dev = device_.next_deadline();
    if (dev && (!at || *dev < *at)) {
        at = dev;
    }
    if (tx_stalled_ && iface_.tx_queued() > 0) {
        // The interface reports "now" while frames are queued; without a tx buffer that would
        // spin, so retry after a short pause instead.
        const instant retry = last_now_ + tx_retry_delay;
        if (!at || *at < retry) {
            at = retry;
        }
    }
    reg_->set_deadline(at ? *at : instant::max());
}

void driver::set_group(driver_group* group) {
    if (group_ != nullptr) {
        group_->remove(*this);
    }
    group_ = group;
    if (group_ != nullptr) {
        group_->add(*this);
    }
}

// ---- driver_group ---------------------------------------------------------------------------

void driver_group::remove(driver& d) {
    members_.erase(std::remove(members_.begin(), members_.end(), &d), members_.end());
}

void driver_group::rearm_others(const driver* except) {
    for (driver* d : members_) {
        if (d != except) {
            d->rearm();
        }
    }
}

void driver_group::attach_all() {
    for (driver* d : members_) {
        d->attach();
    }
}

}  // namespace netrig::net::user
