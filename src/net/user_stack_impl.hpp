// SPDX-License-Identifier: MIT
// net (internal to the user stack): the stack object behind user_stack, the socket base that
// ties a core socket handle to its wait lists, and the sim fabric (a sim network shared by the
// stacks on it, plus the optional responder peer). Only user_*.cpp include it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/rng.hpp"
#include "core/interface.hpp"
#include "link/af_xdp.hpp"
#include "link/any_device.hpp"
#include "link/pcap_recorder.hpp"
#include "link/sim_network.hpp"
#include "net/user_driver.hpp"
#include "net/user_stack.hpp"

namespace netrig::net::user {

class stack_impl;
class sim_fabric;
class sim_responder;

/// A user-stack socket as the stack sees it: readers and writers parked on it, and detach()
/// for when the stack goes away first.
class socket_base {
public:
    socket_base() = default;
    socket_base(const socket_base&) = delete;
    socket_base& operator=(const socket_base&) = delete;

    /// Wakes every waiter so it retries its operation.
    void wake_all() {
        readers_.wake_all({});
        writers_.wake_all({});
    }
    /// Wakes the writers only.
    void wake_writers() { writers_.wake_all({}); }
    /// Releases the core socket and wakes waiters with errc::closed; the socket is closed from
    /// now on. Called by close() and by the stack's destructor.
    virtual void detach() = 0;
    virtual ~socket_base() = default;

protected:
    wait_list readers_;
    wait_list writers_;
};

/// Everything one user stack owns. Sockets hold a plain pointer to it and are detached by its
/// destructor, so a socket outliving its stack is closed, not dangling.
class stack_impl final : public user_stack, private driver_client {
public:
    /// The link devices, innermost first; the last one is what the interface talks to.
    struct link_parts {
        link_type type = link_type::sim;
        std::shared_ptr<sim_fabric> fabric;  ///< sim only; kept alive by every stack on it
        std::unique_ptr<link::pcap_sink> sink;     ///< must outlive the recorder layer
        std::vector<std::unique_ptr<link::any_device>> layers;
        std::optional<link::af_xdp_mode> xdp_mode;
        duration rx_spin{};  ///< user_stack_config::rx_spin
    };

    stack_impl(link_parts link, const core::interface_config& config, std::uint64_t seed);
    stack_impl(const stack_impl&) = delete;
    stack_impl& operator=(const stack_impl&) = delete;
    stack_impl(stack_impl&&) = delete;
    stack_impl& operator=(stack_impl&&) = delete;
    ~stack_impl() override;

    // net::stack
    [[nodiscard]] runtime::task<result<tcp_stream, std::error_code>> connect(
        endpoint remote, const connect_options& options) override;
    [[nodiscard]] result<tcp_listener, std::error_code> listen(
        endpoint local, const listen_options& options) override;
    [[nodiscard]] result<udp_socket, std::error_code> bind_udp(endpoint local) override;
    [[nodiscard]] result<ping_socket, std::error_code> open_ping() override;
    [[nodiscard]] std::string_view name() const override { return "user"; }

    // user_stack
    [[nodiscard]] std::string stats_report() const override;
    [[nodiscard]] const core::counters& core_stats() const override { return iface_.stats(); }
    [[nodiscard]] const link::stats& link_stats() const override { return device().stats(); }
    [[nodiscard]] wire::ipv4_cidr address() const override { return iface_.config().address; }
    [[nodiscard]] std::uint16_t mtu() const override { return iface_.config().mtu; }
    [[nodiscard]] link_type link() const override { return link_.type; }

    // For the sockets.
    /// The interface.
    [[nodiscard]] core::interface& iface() { return iface_; }
    /// Registers the driver (and the fabric's) with the current executor, if not yet.
    void attach();
    /// Runs a driver turn now (after a send, so the frames leave at once).
    void kick() { driver_.turn(); }
    /// Records which socket object owns a core UDP / ping slot (nullptr to clear).
    void set_udp_owner(std::uint16_t index, socket_base* s);
    void set_ping_owner(std::uint16_t index, socket_base* s);
    /// Records which socket object owns a core TCP connection / listener slot (nullptr clears).
    void set_tcp_owner(std::uint16_t index, socket_base* s);
    void set_tcp_listen_owner(std::uint16_t index, socket_base* s);

private:
    void on_socket_event(const core::socket_event& ev) override;
    void on_turn_end() override;
    [[nodiscard]] const link::any_device& device() const { return *link_.layers.back(); }

    link_parts link_;
    rng rng_;
    core::interface iface_;
    driver driver_;
    std::vector<socket_base*> udp_owners_;
    std::vector<socket_base*> ping_owners_;
    std::vector<socket_base*> tcp_owners_;
    std::vector<socket_base*> tcp_listen_owners_;
};

/// Makes the user stack's UDP socket for a core handle bound by the caller.
[[nodiscard]] udp_socket make_udp_socket(stack_impl& stack, core::udp_handle h);
/// Makes the user stack's ping socket for an open core ping handle.
[[nodiscard]] ping_socket make_ping_socket(stack_impl& stack, core::ping_handle h);

/// Opens an active TCP connection and waits for the handshake (user_tcp.cpp). The stack must
/// outlive the task.
[[nodiscard]] runtime::task<result<tcp_stream, std::error_code>> tcp_connect(
    stack_impl& stack, endpoint remote, connect_options options);
/// Opens a listening TCP socket (user_tcp.cpp).
[[nodiscard]] result<tcp_listener, std::error_code> tcp_listen(stack_impl& stack, endpoint local,
                                                             const listen_options& options);

/// A sim network shared by the stacks on it, with an optional responder peer.
class sim_fabric {
public:
    /// A network of config.ports ports and no responder.
    explicit sim_fabric(const link::sim_config& config);
    sim_fabric(const sim_fabric&) = delete;
    sim_fabric& operator=(const sim_fabric&) = delete;
    ~sim_fabric();

    /// The network.
    [[nodiscard]] link::sim_network& network() { return network_; }
    /// The drivers of every stack on this network.
    [[nodiscard]] driver_group& group() { return group_; }
    /// Puts the responder (see make_user_stack) on port `port` with address `address`.
    /// Errors: errc::no_buffer_space (socket table), from_core errors.
    [[nodiscard]] result<void, std::error_code> add_responder(std::size_t port,
                                                              wire::ipv4_cidr address,
                                                              std::uint64_t seed);

private:
    link::sim_network network_;
    driver_group group_;
    std::unique_ptr<sim_responder> responder_;
};

/// The MAC address netrig uses for an IPv4 address on a link: locally administered unicast
/// 02:00:a.b.c.d, so every host of a subnet gets a distinct one.
[[nodiscard]] wire::mac_address mac_for(wire::ipv4_address address);

}  // namespace netrig::net::user
