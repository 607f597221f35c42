// SPDX-License-Identifier: MIT
// net: building user stacks from a user_stack_config: validation, the link device chain
// (device -> pcap recorder -> fault wrapper, so the capture shows what really crossed the link),
// the interface configuration, and the sim fabric for sim links.
#include <algorithm>
#include <fstream>
#include <string>

#include "link/fault.hpp"
#include "link/impairment.hpp"
#include "link/tap.hpp"
#include "net/errc.hpp"
#include "net/user_stack_impl.hpp"
#include "runtime/scheduler.hpp"

namespace netrig::net {
namespace {

using user::stack_impl;

std::error_code invalid() { return make_error_code(errc::invalid_argument); }

// Our address must be a unicast host address of its subnet (not the network or broadcast
// address, which RFC 1122 §3.2.1.3 reserves, except on /31 and /32).
result<void, std::error_code> check_address(wire::ipv4_cidr a) {
    if (a.prefix_len > 32 || a.address.is_unspecified() || a.address.is_broadcast() ||
        a.address.is_multicast() || a.address.is_loopback()) {
        return unexpected(invalid());
    }
    if (a.prefix_len < 31 && (a.address == a.network() || a.address == a.broadcast())) {
        return unexpected(invalid());
    }
    return {};
}

result<link::impairment_config, std::error_code> parse_impairment_option(
    const std::optional<std::string>& text) {
    if (!text || text->empty()) {
        return link::impairment_config{};
    }
    auto r = link::parse_impairments(*text);
    if (!r) {
        return unexpected(invalid());
    }
    return *r;
}

// Adds the pcap recorder over the current outermost layer.
result<void, std::error_code> add_pcap(const user_stack_config& config,
                                       stack_impl::link_parts& parts) {
    if (!config.pcap_path) {
        return {};
    }
    link::pcap_options options;
    // Sim runs start at the epoch (deterministic files); real links get wall-clock stamps.
    if (config.link != link_type::sim) {
        options.realtime_base =
            link::realtime_base_now(runtime::has_current() ? runtime::now() : instant{});
    }
    if (config.pcap_snaplen) {
        options.snap_bytes = *config.pcap_snaplen;
    }
    // The writer thread stays on the CPUs the stack was given (taskset): recording must not
    // take a core from whatever else runs here. On TAP and on AF_XDP over veth that is the
    // peer, the kernel, whose transmit path delivers into our device on its own core; a writer
    // there slowed the peer and so our receive rate (udp_sink bench, 1472 B, avoid_pinned_cpu ->
    // inherit: TAP user-pcap/user 0.73 -> 0.96, AF_XDP 0.65-0.75 -> 0.76-0.89;
    // docs/PERFORMANCE.md, UDP sink). O_DIRECT keeps the writer's own cost small.
    options.writer_cpus = link::pcap_writer_cpus::inherit;
    NETRIG_TRY_ASSIGN(parts.sink, link::pcap_sink::open(*config.pcap_path, options));
    link::any_device& inner = *parts.layers.back();
    parts.layers.push_back(
        link::make_any_device<link::pcap_recorder<link::any_device&>>(inner, *parts.sink));
    return {};
}

// On AF_XDP the stack IS the interface: a NIC drops unicast frames to other MACs before XDP
// sees them, so use the interface's own address. (A TAP or sim stack is a host of its own.)
std::optional<wire::mac_address> interface_mac(const std::string& name) {
    std::ifstream in{"/sys/class/net/" + name + "/address"};
    std::string text;
    if (!(in >> text)) {
        return std::nullopt;
    }
    auto mac = wire::mac_address::parse(text);
    if (!mac) {
        return std::nullopt;
    }
    return *mac;
}

core::interface_config make_iface_config(const user_stack_config& config,
                                         const link::capabilities& caps) {
    core::interface_config cfg;
    cfg.mac = user::mac_for(config.address.address);
    if (config.link == link_type::xdp) {
        cfg.mac = interface_mac(config.device).value_or(cfg.mac);
    }
    cfg.address = config.address;
    cfg.gateway = config.gateway;
    cfg.mtu = config.mtu.value_or(static_cast<std::uint16_t>(std::min<std::size_t>(caps.mtu, 65535)));
    // With a vnet header the device reports per frame which checksums need no verifying
    // (interface::receive's rx_frame_info); without one, caps.checksum.rx means all of them.
    cfg.checksum.rx_verify = caps.checksum.rx && !caps.vnet_hdr;
    cfg.checksum.tx_fill = caps.checksum.tx;
    cfg.segmentation.tso = caps.tso;
    cfg.segmentation.gro = caps.gro;
    if (config.tcp_connections_max) {
        cfg.limits.tcp_connections_max = *config.tcp_connections_max;
    }
    return cfg;
}

result<void, std::error_code> check_common(const user_stack_config& config) {
    NETRIG_TRY(check_address(config.address));
    if (config.gateway) {
        const auto g = *config.gateway;
        const bool on_link = (g.to_u32() & config.address.netmask().to_u32()) ==
                             config.address.network().to_u32();
        if (!on_link || g == config.address.address) {
            return unexpected(invalid());
        }
    }
    if (config.mtu && *config.mtu < 68) {  // RFC 791: every host must take 68-octet datagrams
        return unexpected(invalid());
    }
    // core::interface asserts on more slots than its 16-bit slot ids can name.
    if (config.tcp_connections_max &&
        (*config.tcp_connections_max == 0 || *config.tcp_connections_max > 0xffff)) {
        return unexpected(invalid());
    }
    return {};
}

// A stack on port `port` of an existing fabric.
result<std::unique_ptr<user_stack>, std::error_code> stack_on_fabric(
    const user_stack_config& config, const std::shared_ptr<user::sim_fabric>& fabric,
    std::size_t port) {
    NETRIG_TRY_ASSIGN(const link::impairment_config imp,
                      parse_impairment_option(config.impairments));
    link::sim_network& net = fabric->network();
    if (config.mtu && *config.mtu > net.config().mtu) {
        return unexpected(invalid());
    }
    if (!imp.is_none()) {
        net.impair(port, link::sim_direction::egress, imp);
        net.impair(port, link::sim_direction::ingress, imp);
    }
    stack_impl::link_parts parts;
    parts.type = link_type::sim;
    parts.fabric = fabric;
    parts.layers.push_back(link::make_any_device_ref(net.port(port)));
    NETRIG_TRY(add_pcap(config, parts));
    const core::interface_config cfg = make_iface_config(config, parts.layers.back()->capabilities());
    return std::unique_ptr<user_stack>(
        std::make_unique<stack_impl>(std::move(parts), cfg, config.seed));
}

result<std::unique_ptr<user_stack>, std::error_code> make_sim_stack(
    const user_stack_config& config) {
    NETRIG_TRY_ASSIGN(const wire::ipv4_address peer, sim_responder_address(config.address));
    link::sim_config sc;
    sc.ports = 2;
    sc.seed = config.seed;
    sc.mtu = config.mtu.value_or(1500);
    auto fabric = std::make_shared<user::sim_fabric>(sc);
    NETRIG_TRY(fabric->add_responder(1, wire::ipv4_cidr{peer, config.address.prefix_len},
                                     config.seed));
    return stack_on_fabric(config, fabric, 0);
}

result<std::unique_ptr<user_stack>, std::error_code> make_real_stack(
    const user_stack_config& config) {
    if (config.device.empty()) {
        return unexpected(invalid());
    }
    NETRIG_TRY_ASSIGN(const link::impairment_config imp,
                      parse_impairment_option(config.impairments));
    stack_impl::link_parts parts;
    parts.type = config.link;
    if (config.link == link_type::tap) {
        link::tap_options options;
        options.name = config.device;
        // Offloads: the kernel hands us (and takes) 64 KiB TCP frames with partial checksums,
        // one read()/write() each instead of ~44 (docs/PERFORMANCE.md, TAP single flow).
        const bool offloads = config.offloads && imp.is_none();
        options.vnet_hdr = offloads;
        options.offload_checksum = offloads;
        options.offload_tso = offloads;
        NETRIG_TRY_ASSIGN(link::tap_device tap, link::tap_device::open(options));
        parts.layers.push_back(link::make_any_device<link::tap_device>(std::move(tap)));
    } else {
        link::af_xdp_options options;
        options.interface = config.device;
        options.queue = config.queue;
        options.attach = config.xdp_attach;
        NETRIG_TRY_ASSIGN(link::af_xdp_device xdp, link::af_xdp_device::open(options));
        parts.xdp_mode = xdp.mode();
        parts.rx_spin = config.rx_spin;
        parts.layers.push_back(link::make_any_device<link::af_xdp_device>(std::move(xdp)));
    }
    const link::capabilities caps = parts.layers.back()->capabilities();
    if (config.mtu && *config.mtu > caps.mtu) {
        return unexpected(invalid());
    }
    NETRIG_TRY(add_pcap(config, parts));
    if (!imp.is_none()) {
        link::fault_config fc;
        fc.rx = imp;
        fc.tx = imp;
        fc.seed = config.seed;
        link::any_device& inner = *parts.layers.back();
        parts.layers.push_back(
            link::make_any_device<link::fault<link::any_device&>>(inner, fc));
    }
    const core::interface_config cfg = make_iface_config(config, caps);
    return std::unique_ptr<user_stack>(
        std::make_unique<stack_impl>(std::move(parts), cfg, config.seed));
}

}  // namespace

result<wire::ipv4_address, std::error_code> sim_responder_address(wire::ipv4_cidr ours) {
    if (ours.prefix_len > 30) {
        return unexpected(invalid());
    }
    const std::uint32_t network = ours.network().to_u32();
    for (std::uint32_t host = 1; host <= 2; ++host) {
        const auto candidate = wire::ipv4_address::from_u32(network + host);
        if (candidate != ours.address) {
            return candidate;
        }
    }
    return unexpected(invalid());  // unreachable: two candidates, one is not ours
}

result<std::unique_ptr<user_stack>, std::error_code> make_user_stack(
    const user_stack_config& config) {
    NETRIG_TRY(check_common(config));
    if (config.link == link_type::sim) {
        return make_sim_stack(config);
    }
    return make_real_stack(config);
}

result<std::pair<std::unique_ptr<user_stack>, std::unique_ptr<user_stack>>, std::error_code>
make_user_stack_pair(const user_stack_config& a, const user_stack_config& b) {
    NETRIG_TRY(check_common(a));
    NETRIG_TRY(check_common(b));
    if (a.link != link_type::sim || b.link != link_type::sim ||
        a.address.address == b.address.address || a.address.network() != b.address.network() ||
        a.address.prefix_len != b.address.prefix_len) {
        return unexpected(invalid());
    }
    link::sim_config sc;
    sc.ports = 2;
    sc.seed = a.seed;
    sc.mtu = std::max<std::size_t>(a.mtu.value_or(1500), b.mtu.value_or(1500));
    auto fabric = std::make_shared<user::sim_fabric>(sc);
    NETRIG_TRY_ASSIGN(auto sa, stack_on_fabric(a, fabric, 0));
    NETRIG_TRY_ASSIGN(auto sb, stack_on_fabric(b, fabric, 1));
    return std::pair{std::move(sa), std::move(sb)};
}

}  // namespace netrig::net
