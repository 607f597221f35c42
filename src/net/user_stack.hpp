// SPDX-License-Identifier: MIT
// net: user_stack, netrig's own TCP/IP stack (core::interface over a link device, driven by the
// runtime) behind the same net::stack API as the kernel stack. Links: the in-process sim
// network, a TAP interface, or an AF_XDP queue; pcap recording and impairments wrap any of them.
//
// Driving (one driver per stack): a runtime::poll_registration on the device fd (if any) and on
// the earliest of core::interface::next_deadline() and the device's next_deadline(). Each turn
// receives a bounded batch of frames into the interface, polls its transmit queue into device tx
// tokens, flushes, and wakes the coroutines whose sockets became ready. Socket sends run the
// same turn inline, so a datagram leaves without waiting for a loop turn. Time is
// runtime::now(), so the stack runs deterministically on the sim_executor.
//
// Threading: a user_stack and all its sockets belong to ONE thread's executor. The driver is
// registered with the executor current when make_user_stack / make_user_stack_pair runs if there
// is one, else on the first bind_udp / open_ping (so a stack may be made before the executor,
// but must then be used on the thread that made the executor). Destroying the stack unregisters
// the driver before the device (and its fd) closes; sockets still held become closed and their
// pending operations end with errc::closed. Destroy the stack before its executor.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "base/result.hpp"
#include "core/counters.hpp"
#include "link/af_xdp.hpp"
#include "link/device.hpp"
#include "net/stack.hpp"
#include "wire/address.hpp"

namespace netrig::net {

/// Which link device a user stack attaches to.
enum class link_type : std::uint8_t {
    sim,  ///< The in-process sim network (virtual time, seeded; no privileges needed).
    tap,  ///< A TAP interface (link::tap_device; needs CAP_NET_ADMIN or a TAP owned by the user).
    xdp,  ///< An AF_XDP socket on an interface queue (link::af_xdp_device; needs root).
};

/// How to build a user stack.
struct user_stack_config {
    /// Which device to attach to.
    link_type link = link_type::sim;
    /// TAP name (link_type::tap) or interface name (link_type::xdp); empty for sim.
    std::string device;
    /// AF_XDP queue id (link_type::xdp).
    std::uint32_t queue = 0;
    /// AF_XDP attach mode (link_type::xdp): automatic tries native, then generic SKB mode.
    link::xdp_attach xdp_attach = link::xdp_attach::automatic;
    /// Our address and prefix, e.g. 10.0.0.1/24 (the prefix makes the on-link subnet).
    wire::ipv4_cidr address;
    /// Default gateway for off-link destinations (none: off-link is errc::unreachable).
    std::optional<wire::ipv4_address> gateway;
    /// L3 MTU. Default: the device's (sim: 1500). Must not exceed the device's MTU.
    std::optional<std::uint16_t> mtu;
    /// Record every frame of the link to this pcap file (libpcap, written off the hot path).
    std::optional<std::string> pcap_path;
    /// Bytes kept of each recorded frame (tcpdump -s); unset: link::pcap_options' default.
    std::optional<std::uint32_t> pcap_snaplen;
    /// Impair the link, link::parse_impairments syntax ("loss=1%,delay=5ms"). Applies to BOTH
    /// directions of this stack's link: a link::fault wrapper on TAP/XDP, the egress and ingress
    /// impairments of this stack's port on the sim network.
    std::optional<std::string> impairments;
    /// Seed of the stack's rng (ephemeral ports, IPv4 ids, ping identifiers), of the fault
    /// wrapper, and (for make_user_stack(sim) and the first config of make_user_stack_pair) of
    /// the sim network. Same seed, same program: same run on the sim executor.
    std::uint64_t seed = 1;
    /// TCP connection slots of the core interface (core::interface_limits::tcp_connections_max,
    /// at most 65535); unset: the core's default (1024). Slots are allocated when the stack is
    /// made, buffers only as connections use them.
    std::optional<std::size_t> tcp_connections_max;
    /// TAP offloads (link_type::tap only; sim and AF_XDP ignore it): a virtio_net_hdr on every
    /// frame, checksum offload both ways (TUN_F_CSUM), TSO send and GRO receive of TCP/IPv4
    /// frames up to 64 KiB (TUN_F_TSO4). false: no vnet header, MTU-sized frames, checksums
    /// computed and verified here. Not used with impairments (the fault wrapper copies frames
    /// of at most the MTU and keeps no offload information).
    bool offloads = true;
    /// AF_XDP (link_type::xdp) only: how long the event loop keeps looking at the rx ring
    /// before it sleeps in epoll_wait once it ran out of work. The ring is memory shared with
    /// the kernel, so looking costs no syscall, and frames that arrive meanwhile spare the
    /// kernel's CPU a wake-up (udp_sink bench over veth, interleaved medians: user/raw 0.83 ->
    /// 0.89 at 64 B and 0.83 -> 0.92 at 1472 B with 20 us; docs/PERFORMANCE.md). The price is
    /// up to this much CPU each time traffic pauses; 0 sleeps at once.
    std::chrono::microseconds rx_spin{20};
};

/// netrig's own stack. name() == "user". TCP (core::interface's connections and listeners),
/// UDP and ping sockets. TCP follows the kernel stack's errors: errc::refused (RST to our SYN),
/// errc::reset, errc::timed_out (connect_options::timeout or the SYN retries), errc::unreachable
/// (no route at connect), errc::closed after close or shutdown_write (writes). A connect that is
/// cancelled or times out aborts the attempt. listen() needs a port (0 is invalid_argument).
/// Buffers: connect/listen buffer options bound the core's buffers (min 4 KiB); set_*_buffer on
/// an open stream is accepted and ignored. set_congestion ("reno", "cubic") works only before
/// data was sent (invalid_argument after). ARP failure is not reported as unreachable: the
/// connect runs into its timeout.
///
/// Differences from the kernel stack callers may see: no loopback (sending to our own address
/// is errc::unreachable); set_send_buffer/set_recv_buffer are accepted but do not resize
/// anything (send_buffer/recv_buffer report the interface's fixed bounds); as on Linux without
/// IP_RECVERR, an unconnected UDP socket ignores ICMP errors and a connected one reports port
/// unreachable as errc::refused (and the "hard" unreachable codes 2, 5-7, 9, 10, 13 as
/// errc::unreachable) once, on its next send or receive; other ICMP errors are not reported.
class user_stack : public stack {
public:
    /// Counters of the core interface and of the link as "name value" lines, in this order:
    /// "link.type sim|tap|xdp", "link.xdp_mode native|skb copy|zero_copy" (xdp only),
    /// "link.mtu N", "link.{rx,tx}_{frames,bytes} N" and "link.drop.<reason> N" for every
    /// link::drop_reason (outermost device: with impairments, the fault wrapper's view),
    /// "pcap.written N" / "pcap.dropped N" / "pcap.writer_cpu_ns N" (with pcap_path), then
    /// "core.<stat> N" and "core.drop.<reason> N" for every core::stat and core::drop_reason.
    /// Zeros are included, so scripts can key on names.
    [[nodiscard]] virtual std::string stats_report() const = 0;
    /// The core interface's counters (drops by reason, events).
    [[nodiscard]] virtual const core::counters& core_stats() const = 0;
    /// The counters of the outermost link device (with impairments: the fault wrapper's view).
    [[nodiscard]] virtual const link::stats& link_stats() const = 0;
    /// Our address and prefix.
    [[nodiscard]] virtual wire::ipv4_cidr address() const = 0;
    /// The L3 MTU in use.
    [[nodiscard]] virtual std::uint16_t mtu() const = 0;
    /// The link type.
    [[nodiscard]] virtual link_type link() const = 0;
};

/// Builds a user stack on config.link.
///
/// link_type::sim: the stack joins a new in-process sim network that also holds a RESPONDER
/// peer: a core::interface at the lowest host address of the subnet that is not ours
/// (10.0.0.1/24 -> 10.0.0.2; 10.0.0.2/24 -> 10.0.0.1), which answers ARP and ping (any size)
/// and echoes every UDP datagram sent to its port 7 back to the sender. See
/// sim_responder_address(). The responder runs on the same executor as the stack.
///
/// Errors: errc::invalid_argument (config: no usable address, device missing for tap/xdp, MTU
/// above the device's, bad impairment string), link::errc codes passed through from the device
/// (no_such_device, permission_denied = CAP_NET_ADMIN/root needed, device_busy, not_supported,
/// invalid_name), std::system_category errors of the pcap file.
[[nodiscard]] result<std::unique_ptr<user_stack>, std::error_code> make_user_stack(
    const user_stack_config& config);

/// Two user stacks on ONE in-process sim network (no responder), for a tool talking to itself
/// (`netrig demo`, tests). Both configs must have link_type::sim and distinct addresses in the
/// same subnet. The network's seed is a.seed; each config's impairments apply to its own port.
/// Either stack may be destroyed first. Errors: errc::invalid_argument, pcap errors.
[[nodiscard]] result<std::pair<std::unique_ptr<user_stack>, std::unique_ptr<user_stack>>,
                     std::error_code>
make_user_stack_pair(const user_stack_config& a, const user_stack_config& b);

/// The responder's address that make_user_stack(sim) creates for our address: the lowest host
/// address of the subnet other than ours. Errors: errc::invalid_argument when the prefix
/// leaves no other host address (/31, /32).
[[nodiscard]] result<wire::ipv4_address, std::error_code> sim_responder_address(
    wire::ipv4_cidr ours);

/// The UDP port the sim responder echoes on (RFC 862 echo).
inline constexpr std::uint16_t sim_responder_echo_port = 7;

}  // namespace netrig::net
