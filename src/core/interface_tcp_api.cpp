// SPDX-License-Identifier: MIT
// core: the TCP socket API of the interface (listen, accept, connect, send, receive, close),
// the connection and listener slot tables and their readiness events.
#include <algorithm>

#include "core/interface.hpp"
#include "core/tcp/options_negotiation.hpp"
#include "core/tcp/tcp_error.hpp"

namespace netrig::core {

namespace {
std::error_code err(errc e) { return make_error_code(e); }

// RFC 9293 §3.7.1 + RFC 791: MSS = MTU - 20 (IPv4) - 20 (TCP), both without options.
constexpr std::uint16_t tcp_ip_headers = 40;

readiness to_core(const tcp::readiness& r) {
    return readiness{.readable = r.readable,
                     .writable = r.writable,
                     .error = r.error,
                     .connected = r.connected};
}
}  // namespace

void interface::tcp_init() {
    tcp_free_.reserve(tcp_.size());
    for (std::size_t i = tcp_.size(); i > 0; --i) {
        tcp_free_.push_back(static_cast<std::uint16_t>(i - 1));
    }
    tcp_run_.resize(std::max<std::size_t>(tcp_.size(), 1));
    tcp_timers_.reserve(4 * tcp_.size() + 16);
}

// ------------------------------------------------------------------------------ slots

std::optional<std::uint16_t> interface::tcp_alloc() {
    if (tcp_free_.empty()) {
        return std::nullopt;
    }
    const std::uint16_t i = tcp_free_.back();
    tcp_free_.pop_back();
    auto& s = tcp_[i];
    ++s.generation;
    s.user_open = false;
    s.in_table = false;
    s.accept_pending = false;
    s.scheduled.reset();
    s.soft_error.reset();
    s.hard_error.reset();
    s.last_ready = {};
    ++tcp_count_;
    // `queued` and `event_pending` are kept: a stale run-queue entry or event of the previous
    // occupant stays valid for the new one (so each slot is queued at most once).
    return i;
}

void interface::tcp_release(std::uint16_t i) {
    auto& s = tcp_[i];
    NETRIG_ASSERT(s.conn.has_value());
    if (s.in_table) {
        tcp_table_.remove_connection(s.conn->tuple());
        s.in_table = false;
    }
    s.conn.reset();
    s.user_open = false;
    s.accept_pending = false;
    s.scheduled.reset();
    ++s.generation;
    tcp_free_.push_back(i);
    --tcp_count_;
}

interface::tcp_slot* interface::tcp_get(tcp_handle h) {
    if (h.index >= tcp_.size() || !tcp_[h.index].user_open ||
        tcp_[h.index].generation != h.generation || !tcp_[h.index].conn) {
        return nullptr;
    }
    return &tcp_[h.index];
}

const interface::tcp_slot* interface::tcp_get(tcp_handle h) const {
    return const_cast<interface*>(this)->tcp_get(h);
}

interface::tcp_listen_slot* interface::tcp_listen_get(tcp_listen_handle h) {
    if (h.index >= tcp_listeners_.size() || !tcp_listeners_[h.index].listener ||
        tcp_listeners_[h.index].generation != h.generation) {
        return nullptr;
    }
    return &tcp_listeners_[h.index];
}

const interface::tcp_listen_slot* interface::tcp_listen_get(tcp_listen_handle h) const {
    return const_cast<interface*>(this)->tcp_listen_get(h);
}

void interface::mark_tcp(std::size_t index) {
    auto& s = tcp_[index];
    if (!s.event_pending) {
        s.event_pending = true;
        events_.push_back({.kind = socket_kind::tcp,
                           .index = static_cast<std::uint16_t>(index),
                           .generation = s.generation,
                           .ready = {}});
    }
}

void interface::mark_tcp_listener(std::size_t index) {
    auto& s = tcp_listeners_[index];
    if (!s.event_pending) {
        s.event_pending = true;
        events_.push_back({.kind = socket_kind::tcp_listener,
                           .index = static_cast<std::uint16_t>(index),
                           .generation = s.generation,
                           .ready = {}});
    }
}

namespace {
// The MSS for a link MTU. conn_config::mss left at its default (1460) means "not set": the MSS
// is the MTU's, as Linux does without TCP_MAXSEG, so a 9000-byte link carries 8960-byte
// segments. Any other value caps it. (Known ambiguity: an explicit 1460 on a link above 1500
// reads as "not set"; conn_config has no separate flag.)
std::uint16_t mss_for_mtu(std::uint16_t configured, std::uint16_t mtu) {
    const auto from_mtu =
        static_cast<std::uint16_t>(mtu > tcp_ip_headers ? mtu - tcp_ip_headers : 1);
    return configured == tcp::conn_config{}.mss ? from_mtu : std::min(configured, from_mtu);
}
}  // namespace

tcp::conn_config interface::tcp_clamp(instant now, wire::ipv4_address remote,
                                      tcp::conn_config cfg) const {
    // RFC 9293 §3.7.1: the MSS we announce derives from the MTU of our interface (here the
    // path MTU towards remote, which is at most that).
    cfg.mss = mss_for_mtu(cfg.mss, path_mtu(now, remote));
    return cfg;
}

// ---------------------------------------------------------------------------- listeners

result<tcp_listen_handle, std::error_code> interface::tcp_listen(
    instant now, udp_endpoint local, const tcp_listen_config& config) {
    if (local.port == 0 ||
        (!local.address.is_unspecified() && local.address != config_.address.address) ||
        config.listener.backlog == 0 || config.listener.syn_queue_max == 0) {
        return unexpected(err(errc::invalid_argument));
    }
    const auto it = std::find_if(tcp_listeners_.begin(), tcp_listeners_.end(),
                                 [](const tcp_listen_slot& s) { return !s.listener; });
    if (it == tcp_listeners_.end()) {
        return unexpected(err(errc::table_full));
    }
    const auto li = static_cast<std::uint16_t>(it - tcp_listeners_.begin());
    NETRIG_TRY(tcp_table_.add_listener(local.address, local.port, li));
    tcp_listen_slot& s = *it;
    s.conn = config.conn;
    s.conn.mss = mss_for_mtu(s.conn.mss, config_.mtu);
    tcp::listener_config lc = config.listener;
    lc.mss = s.conn.mss;
    lc.sack = s.conn.sack;
    lc.timestamps = s.conn.timestamps;
    lc.window_scale = s.conn.window_scaling
                          ? std::optional<std::uint8_t>{tcp::window_shift_for(
                                s.conn.recv_buffer_max)}
                          : std::nullopt;
    lc.window = static_cast<std::uint16_t>(
        std::min<std::size_t>(65535, s.conn.recv_buffer_initial));
    s.listener.emplace(lc, tcp_secrets_);
    ++s.generation;
    s.local = local;
    s.accept_ring.assign(lc.backlog, 0);
    s.accept_head = 0;
    s.accept_count = 0;
    (void)now;
    return tcp_listen_handle{li, s.generation};
}

result<tcp_handle, std::error_code> interface::tcp_accept(tcp_listen_handle h) {
    tcp_listen_slot* ls = tcp_listen_get(h);
    if (ls == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (ls->accept_count == 0) {
        return unexpected(err(errc::would_block));
    }
    const std::uint16_t i = ls->accept_ring[ls->accept_head];
    ls->accept_head = (ls->accept_head + 1) % ls->accept_ring.size();
    --ls->accept_count;
    ls->listener->on_accepted();
    auto& s = tcp_[i];
    NETRIG_ASSERT(s.conn.has_value() && s.accept_pending);
    s.accept_pending = false;
    s.user_open = true;
    s.last_ready = {};
    tcp_settle(last_now_, i);  // reports readiness (data may already be queued)
    return tcp_handle{i, s.generation};
}

readiness interface::tcp_listen_readiness(tcp_listen_handle h) const {
    const tcp_listen_slot* ls = tcp_listen_get(h);
    if (ls == nullptr) {
        return {};
    }
    return readiness{.readable = ls->accept_count > 0};
}

result<udp_endpoint, std::error_code> interface::tcp_listen_local(tcp_listen_handle h) const {
    const tcp_listen_slot* ls = tcp_listen_get(h);
    if (ls == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    return ls->local;
}

result<tcp::listener_counters, std::error_code> interface::tcp_listen_stats(
    tcp_listen_handle h) const {
    const tcp_listen_slot* ls = tcp_listen_get(h);
    if (ls == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    return ls->listener->counters();
}

namespace {

void add_counters(tcp::listener_counters& to, const tcp::listener_counters& from) {
    for (std::size_t i = 0; i < to.drops.size(); ++i) {
        to.drops[i] += from.drops[i];
    }
    for (std::size_t i = 0; i < to.events.size(); ++i) {
        to.events[i] += from.events[i];
    }
}

}  // namespace

tcp::listener_counters interface::tcp_listeners_total() const {
    tcp::listener_counters total = tcp_closed_listeners_;
    for (const auto& ls : tcp_listeners_) {
        if (ls.listener) {
            add_counters(total, ls.listener->counters());
        }
    }
    return total;
}

void interface::tcp_listen_close(tcp_listen_handle h) {
    tcp_listen_slot* ls = tcp_listen_get(h);
    if (ls == nullptr) {
        return;
    }
    // RFC 9293 §3.10.4 CLOSE in LISTEN: "Any outstanding RECEIVEs are returned with
    // "error: closing" responses"; connections nobody accepted are reset, as Linux does.
    while (ls->accept_count > 0) {
        const std::uint16_t i = ls->accept_ring[ls->accept_head];
        ls->accept_head = (ls->accept_head + 1) % ls->accept_ring.size();
        --ls->accept_count;
        auto& s = tcp_[i];
        s.accept_pending = false;
        s.conn->abort();
        tcp_enqueue(i);
        tcp_settle(last_now_, i);
    }
    tcp_table_.remove_listener(ls->local.address, ls->local.port);
    add_counters(tcp_closed_listeners_, ls->listener->counters());
    ls->listener.reset();
    ls->accept_ring.clear();
    ls->accept_ring.shrink_to_fit();
    ++ls->generation;
}

// -------------------------------------------------------------------------- connections

result<tcp_handle, std::error_code> interface::tcp_connect(instant now, udp_endpoint remote,
                                                           std::optional<udp_endpoint> local,
                                                           const tcp::conn_config& config) {
    last_now_ = std::max(last_now_, now);
    const wire::ipv4_address ours = config_.address.address;
    if (remote.port == 0 || remote.address.is_unspecified() || remote.address.is_broadcast() ||
        remote.address.is_multicast() || remote.address == ours ||
        (config_.address.prefix_len < 31 && remote.address == config_.address.broadcast())) {
        return unexpected(err(errc::invalid_argument));
    }
    if (local && !local->address.is_unspecified() && local->address != ours) {
        return unexpected(err(errc::invalid_argument));
    }
    if (!config_.address.contains(remote.address) && !config_.gateway) {
        return unexpected(err(errc::no_route));
    }
    std::uint16_t port = local ? local->port : 0;
    if (port == 0) {
        // RFC 6056 §3.3.4 Algorithm 4, in TCP's own port space.
        NETRIG_TRY_ASSIGN(port, tcp_table_.allocate_port(ours, remote.address, remote.port));
    }
    const auto slot = tcp_alloc();
    if (!slot) {
        return unexpected(err(errc::table_full));
    }
    const tcp::four_tuple tuple{.local_address = ours,
                                .remote_address = remote.address,
                                .local_port = port,
                                .remote_port = remote.port};
    if (auto added = tcp_table_.add_connection(tuple, *slot); !added) {
        --tcp_count_;
        ++tcp_[*slot].generation;
        tcp_free_.push_back(*slot);
        return unexpected(added.error());
    }
    auto& s = tcp_[*slot];
    s.in_table = true;
    s.user_open = true;
    // RFC 6528 ISN. RFC 7323 §7.1: a TSval offset per 4-tuple from a keyed hash (not a random
    // value per connection), so a new incarnation of a tuple continues the old one's TSval
    // clock and a peer's TIME-WAIT record accepts its SYN by timestamp (RFC 6191 §2).
    const tcp::isn_generator isn(tcp_secrets_.isn);
    const auto tuple_bytes = tuple.to_bytes();
    const auto ts_offset = static_cast<std::uint32_t>(tcp::siphash24(tcp_secrets_.ts_offset,
                                                                     bytes{tuple_bytes}));
    s.conn.emplace(tcp::connection::open_active(
        now, tcp_clamp(now, remote.address, config),
        tcp::open_params{.tuple = tuple,
                         .iss = isn.generate(now, tuple),
                         .ts_offset = ts_offset}));
    counters_.count(stat::tcp_active_opens);
    tcp_enqueue(*slot);
    tcp_settle(now, *slot);
    return tcp_handle{*slot, s.generation};
}

result<std::size_t, std::error_code> interface::tcp_send(instant now, tcp_handle h, bytes data) {
    tcp_slot* s = tcp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (s->hard_error) {
        return unexpected(*s->hard_error);
    }
    auto r = s->conn->send(data);
    if (r && *r > 0) {
        tcp_enqueue(h.index);
    }
    tcp_settle(now, h.index);
    return r;
}

result<std::size_t, std::error_code> interface::tcp_recv(instant now, tcp_handle h,
                                                         mut_bytes out) {
    tcp_slot* s = tcp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (s->hard_error) {
        return unexpected(*s->hard_error);
    }
    auto r = s->conn->recv(out);
    if (r && *r > 0) {
        tcp_enqueue(h.index);  // the window opened: a window update may be due
    }
    tcp_settle(now, h.index);
    return r;
}

void interface::tcp_shutdown(instant now, tcp_handle h) {
    if (tcp_slot* s = tcp_get(h); s != nullptr) {
        s->conn->shutdown_write();
        tcp_enqueue(h.index);
        tcp_settle(now, h.index);
    }
}

void interface::tcp_close(instant now, tcp_handle h) {
    if (tcp_slot* s = tcp_get(h); s != nullptr) {
        s->conn->close();
        s->user_open = false;
        ++s->generation;  // the handle dies now; the connection finishes on its own
        tcp_enqueue(h.index);
        tcp_settle(now, h.index);
    }
}

void interface::tcp_abort(instant now, tcp_handle h) {
    if (tcp_slot* s = tcp_get(h); s != nullptr) {
        s->conn->abort();
        s->user_open = false;
        ++s->generation;
        tcp_enqueue(h.index);  // the RST
        tcp_settle(now, h.index);
    }
}

readiness interface::tcp_readiness(tcp_handle h) const {
    const tcp_slot* s = tcp_get(h);
    if (s == nullptr) {
        return {};
    }
    readiness r = to_core(s->conn->ready());
    if (s->hard_error) {
        r.readable = r.writable = r.error = true;
    }
    if (s->soft_error) {
        r.error = true;
    }
    return r;
}

std::optional<std::error_code> interface::tcp_error(tcp_handle h) const {
    const tcp_slot* s = tcp_get(h);
    if (s == nullptr) {
        return std::nullopt;
    }
    if (s->hard_error) {
        return s->hard_error;
    }
    return s->conn->error();
}

std::optional<icmp_error_report> interface::tcp_take_soft_error(tcp_handle h) {
    tcp_slot* s = tcp_get(h);
    if (s == nullptr) {
        return std::nullopt;
    }
    auto e = s->soft_error;
    s->soft_error.reset();
    return e;
}

result<tcp::tcp_stats, std::error_code> interface::tcp_info(tcp_handle h) const {
    const tcp_slot* s = tcp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    return s->conn->stats();
}

result<tcp_endpoint_pair, std::error_code> interface::tcp_endpoints(tcp_handle h) const {
    const tcp_slot* s = tcp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    const tcp::four_tuple& t = s->conn->tuple();
    return tcp_endpoint_pair{.local = {t.local_address, t.local_port},
                             .remote = {t.remote_address, t.remote_port}};
}

result<void, std::error_code> interface::tcp_set_nodelay(tcp_handle h, bool on) {
    tcp_slot* s = tcp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    s->conn->set_nodelay(on);
    tcp_enqueue(h.index);  // Nagle may have held a small segment back
    return {};
}

result<void, std::error_code> interface::tcp_set_congestion(tcp_handle h,
                                                            tcp::cc_algorithm algo) {
    tcp_slot* s = tcp_get(h);
    if (s == nullptr) {
        return unexpected(err(errc::invalid_handle));
    }
    if (!s->conn->set_congestion(last_now_, algo)) {
        return unexpected(err(errc::invalid_argument));
    }
    return {};
}

std::size_t interface::tcp_connection_count() const { return tcp_count_; }
std::size_t interface::tcp_time_wait_count() const { return tcp_table_.time_wait().size(); }

}  // namespace netrig::core
