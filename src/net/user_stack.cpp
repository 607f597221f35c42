// SPDX-License-Identifier: MIT
// net: the user stack object: socket factories, the socket-owner tables that turn core readiness
// events into wake-ups, orderly destruction, and the stats report.
#include <sstream>

#include "net/errc.hpp"
#include "net/user_stack_impl.hpp"

namespace netrig::net::user {

stack_impl::stack_impl(link_parts link, const core::interface_config& config, std::uint64_t seed)
    : link_(std::move(link)),
      rng_(seed),
      iface_(config, rng_),
      driver_(iface_, *link_.layers.back(), *this),
      udp_owners_(config.limits.udp_sockets_max, nullptr),
      ping_owners_(config.limits.ping_sockets_max, nullptr),
      tcp_owners_(config.limits.tcp_connections_max, nullptr),
      tcp_listen_owners_(config.limits.tcp_listeners_max, nullptr) {
    if (link_.fabric) {
        driver_.set_group(&link_.fabric->group());
    }
    driver_.set_rx_spin(link_.rx_spin);
    attach();
}

stack_impl::~stack_impl() {
    // Order: no more turns (unregister), then every socket closed with its waiters told
    // errc::closed, then (members, in reverse) the interface and the devices and their fds.
    driver_.set_group(nullptr);
    for (std::vector<socket_base*>* owners :
         {&udp_owners_, &ping_owners_, &tcp_owners_, &tcp_listen_owners_}) {
        for (socket_base*& s : *owners) {
            if (s != nullptr) {
                socket_base* victim = s;
                victim->detach();  // clears s through set_*_owner
            }
        }
    }
}

void stack_impl::attach() {
    if (link_.fabric) {
        link_.fabric->group().attach_all();
    } else {
        driver_.attach();
    }
}

runtime::task<result<tcp_stream, std::error_code>> stack_impl::connect(
    endpoint remote, const connect_options& options) {
    attach();
    return tcp_connect(*this, remote, options);
}

result<tcp_listener, std::error_code> stack_impl::listen(endpoint local,
                                                         const listen_options& options) {
    attach();
    return tcp_listen(*this, local, options);
}

result<udp_socket, std::error_code> stack_impl::bind_udp(endpoint local) {
    attach();
    // Same answer as the kernel for an address that is not ours.
    if (!local.address.is_unspecified() && local.address != iface_.config().address.address) {
        return unexpected(make_error_code(errc::address_not_available));
    }
    auto h = iface_.udp_open();
    if (!h) {
        return unexpected(from_core(h.error()));
    }
    if (auto bound = iface_.udp_bind(*h, core::udp_endpoint{local.address, local.port}); !bound) {
        iface_.udp_close(*h);
        return unexpected(from_core(bound.error()));
    }
    return make_udp_socket(*this, *h);
}

result<ping_socket, std::error_code> stack_impl::open_ping() {
    attach();
    auto h = iface_.ping_open();
    if (!h) {
        return unexpected(from_core(h.error()));
    }
    return make_ping_socket(*this, *h);
}

void stack_impl::set_udp_owner(std::uint16_t index, socket_base* s) {
    NETRIG_ASSERT(index < udp_owners_.size());
    udp_owners_[index] = s;
}

void stack_impl::set_ping_owner(std::uint16_t index, socket_base* s) {
    NETRIG_ASSERT(index < ping_owners_.size());
    ping_owners_[index] = s;
}

void stack_impl::set_tcp_owner(std::uint16_t index, socket_base* s) {
    NETRIG_ASSERT(index < tcp_owners_.size());
    tcp_owners_[index] = s;
}

void stack_impl::set_tcp_listen_owner(std::uint16_t index, socket_base* s) {
    NETRIG_ASSERT(index < tcp_listen_owners_.size());
    tcp_listen_owners_[index] = s;
}

void stack_impl::on_socket_event(const core::socket_event& ev) {
    // The handle's generation is not checked: a slot has one owner at a time, and a spurious
    // wake-up only makes a waiter retry.
    const std::vector<socket_base*>& owners = [&]() -> const std::vector<socket_base*>& {
        switch (ev.kind) {
            case core::socket_kind::udp: return udp_owners_;
            case core::socket_kind::ping: return ping_owners_;
            case core::socket_kind::tcp: return tcp_owners_;
            case core::socket_kind::tcp_listener: return tcp_listen_owners_;
        }
        return udp_owners_;
    }();
    if (ev.index < owners.size() && owners[ev.index] != nullptr) {
        owners[ev.index]->wake_all();
    }
}

void stack_impl::on_turn_end() {
    // A send that failed with would_block because the ARP queue was full gets no readiness
    // event from the core (only transmit-queue drains raise one), so blocked writers retry
    // after every turn; a turn runs when anything (an ARP reply, a timer) happened.
    for (std::vector<socket_base*>* owners : {&udp_owners_, &ping_owners_}) {
        for (socket_base* s : *owners) {
            if (s != nullptr) {
                s->wake_writers();
            }
        }
    }
}

namespace {

const char* link_name(link_type t) {
    switch (t) {
        case link_type::sim: return "sim";
        case link_type::tap: return "tap";
        case link_type::xdp: return "xdp";
    }
    return "?";
}

}  // namespace

std::string stack_impl::stats_report() const {
    std::ostringstream out;
    out << "link.type " << link_name(link_.type) << '\n';
    if (link_.xdp_mode) {
        out << "link.xdp_mode " << (link_.xdp_mode->native ? "native" : "skb") << ' '
            << (link_.xdp_mode->zero_copy ? "zero_copy" : "copy") << '\n';
    }
    out << "link.mtu " << iface_.config().mtu << '\n';
    const link::stats& ls = device().stats();
    out << "link.rx_frames " << ls.rx_frames << '\n'
        << "link.rx_bytes " << ls.rx_bytes << '\n'
        << "link.tx_frames " << ls.tx_frames << '\n'
        << "link.tx_bytes " << ls.tx_bytes << '\n';
    for (std::size_t i = 0; i < link::drop_reason_count; ++i) {
        const auto r = static_cast<link::drop_reason>(i);
        out << "link.drop." << link::to_string(r) << ' ' << ls.dropped(r) << '\n';
    }
    if (link_.sink) {
        const link::pcap_counts c = link_.sink->counts();
        out << "pcap.written " << c.written << '\n'
            << "pcap.dropped " << c.dropped << '\n'
            << "pcap.writer_cpu_ns " << c.writer_cpu_ns << '\n';
    }
    const core::counters& cs = iface_.stats();
    for (std::size_t i = 0; i < core::stat_count; ++i) {
        out << "core." << core::to_string(static_cast<core::stat>(i)) << ' ' << cs.stats[i]
            << '\n';
    }
    for (std::size_t i = 0; i < core::drop_reason_count; ++i) {
        out << "core.drop." << core::to_string(static_cast<core::drop_reason>(i)) << ' '
            << cs.drops[i] << '\n';
    }
    // Every TCP listener's handshakes, SYN cookies and discards, closed listeners included
    // (core.drop.tcp_listener_drop counts the segments; these say why).
    const core::tcp::listener_counters ls_total = iface_.tcp_listeners_total();
    for (std::size_t i = 0; i < ls_total.events.size(); ++i) {
        out << "core.tcp_listener."
            << core::tcp::to_string(static_cast<core::tcp::listener_event>(i)) << ' '
            << ls_total.events[i] << '\n';
    }
    for (std::size_t i = 0; i < ls_total.drops.size(); ++i) {
        out << "core.tcp_listener.drop."
            << core::tcp::to_string(static_cast<core::tcp::listener_drop>(i)) << ' '
            << ls_total.drops[i] << '\n';
    }
    return out.str();
}

}  // namespace netrig::net::user
