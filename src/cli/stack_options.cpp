// SPDX-License-Identifier: MIT
#include "cli/stack_options.hpp"

#include <charconv>
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include "link/impairment.hpp"
#include "net/kernel_stack.hpp"
#include "wire/address.hpp"

namespace netrig::cli {

result<link_spec, std::string> parse_link_spec(const std::string& text) {
    if (text == "sim") {
        return link_spec{.kind = link_kind::sim};
    }
    const auto colon = text.find(':');
    const std::string kind = text.substr(0, colon);
    if (colon == std::string::npos || (kind != "tap" && kind != "xdp")) {
        return unexpected("expected sim, tap:NAME or xdp:IFACE[:QUEUE], got '" + text + "'");
    }
    std::string rest = text.substr(colon + 1);
    link_spec spec{.kind = kind == "tap" ? link_kind::tap : link_kind::xdp};
    if (spec.kind == link_kind::xdp) {
        const auto queue_colon = rest.find(':');
        if (queue_colon != std::string::npos) {
            const std::string queue = rest.substr(queue_colon + 1);
            const auto* end = queue.data() + queue.size();
            const auto [ptr, ec] = std::from_chars(queue.data(), end, spec.queue);
            if (queue.empty() || ec != std::errc{} || ptr != end) {
                return unexpected("bad AF_XDP queue number '" + queue + "' in '" + text + "'");
            }
            rest.resize(queue_colon);
        }
    }
    // IFNAMSIZ is 16 including the terminating NUL.
    if (rest.empty() || rest.size() > 15 || rest.find('/') != std::string::npos) {
        return unexpected("bad interface name '" + rest + "' in '" + text +
                          "' (1 to 15 characters, no '/')");
    }
    spec.name = rest;
    return spec;
}

void add_stack_options(CLI::App& app, stack_options& out) {
    const std::map<std::string, stack_kind> stacks{{"kernel", stack_kind::kernel},
                                                   {"user", stack_kind::user}};
    app.add_option("--stack", out.stack, "Socket stack: kernel (Linux) or user (netrig's own)")
        ->transform(CLI::CheckedTransformer(stacks, CLI::ignore_case))
        ->group("Stack and link");
    app.add_option_function<std::string>(
           "--link",
           [&out](const std::string& text) {
               auto spec = parse_link_spec(text);
               if (!spec) {
                   throw CLI::ValidationError("--link", spec.error());
               }
               out.link = *spec;
           },
           "Link of the user stack: sim | tap:NAME | xdp:IFACE[:QUEUE]")
        ->type_name("LINK")
        ->group("Stack and link");
    app.add_option("--ip", out.ip, "Address and prefix of the user stack, e.g. 10.78.0.2/24")
        ->type_name("A/P")
        ->group("Stack and link");
    app.add_option("--gateway", out.gateway, "Default gateway of the user stack")
        ->check(CLI::ValidIPV4)
        ->group("Stack and link");
    app.add_option("--mtu", out.mtu, "MTU of the user stack's link, in bytes")
        ->check(CLI::Range(68U, 65535U))
        ->group("Stack and link");
    app.add_option("--pcap", out.pcap, "Record every frame of the link to this pcap file")
        ->type_name("FILE")
        ->group("Stack and link");
    // tcpdump -s: a short snap length records headers only, which costs less per frame.
    app.add_option("--snaplen", out.snaplen,
                   "Bytes kept of each recorded frame (like tcpdump -s; default 262144: whole "
                   "frames)")
        ->check(CLI::Range(1U, 262144U))
        ->type_name("BYTES")
        ->group("Stack and link");
    app.add_option("--impair", out.impair,
                   "Impair the link, e.g. loss=1%,delay=10ms,jitter=2ms,rate=100Mbit")
        ->type_name("LIST")
        ->group("Stack and link");
    const std::map<std::string, xdp_mode> xdp_modes{
        {"auto", xdp_mode::automatic}, {"native", xdp_mode::native}, {"skb", xdp_mode::skb}};
    app.add_option("--xdp-mode", out.xdp,
                   "AF_XDP attach mode with --link xdp: auto (native, else SKB), native, skb")
        ->transform(CLI::CheckedTransformer(xdp_modes, CLI::ignore_case))
        ->group("Stack and link");
    const std::map<std::string, bool> on_off{{"on", true}, {"off", false}};
    app.add_option("--offload", out.offload,
                   "TAP offloads: on (default: vnet header, checksum offload, TSO send and GRO "
                   "receive of 64 KiB TCP frames) or off (plain MTU-sized frames). Ignored by "
                   "sim and xdp links, and off with --impair")
        ->transform(CLI::CheckedTransformer(on_off, CLI::ignore_case))
        ->type_name("on|off")
        ->group("Stack and link");
    app.add_option("--rx-spin", out.rx_spin,
                   "With --link xdp: microseconds the event loop keeps reading the AF_XDP rx ring "
                   "after traffic pauses, before it sleeps (default 20; 0 sleeps at once)")
        ->check(CLI::Range(0U, 1'000'000U))
        ->type_name("US")
        ->group("Stack and link");
    app.add_option("--seed", out.seed, "Seed of the sim link and impairments (replays a run)")
        ->capture_default_str()
        ->group("Stack and link");
}

std::optional<std::string> unsupported_reason(const stack_options& options) {
    if (options.stack == stack_kind::kernel) {
        const bool user_only = options.link || options.ip || options.gateway || options.mtu ||
                               options.pcap || options.snaplen || options.impair ||
                               options.xdp || options.offload || options.rx_spin;
        if (user_only) {
            return "--link, --ip, --gateway, --mtu, --pcap, --snaplen, --impair, --offload and "
                   "--rx-spin configure netrig's own "
                   "stack; add --stack user (the kernel stack uses the host's interfaces)";
        }
        return std::nullopt;
    }
    if (auto config = user_config(options); !config) {
        return config.error();
    }
    if (options.impair) {
        if (auto parsed = link::parse_impairments(*options.impair); !parsed) {
            return "bad --impair '" + *options.impair + "': " + parsed.error();
        }
    }
    return std::nullopt;
}

result<net::user_stack_config, std::string> user_config(const stack_options& options) {
    net::user_stack_config config;
    const link_spec link = options.link.value_or(link_spec{.kind = link_kind::sim});
    switch (link.kind) {
        case link_kind::sim:
            config.link = net::link_type::sim;
            break;
        case link_kind::tap:
            config.link = net::link_type::tap;
            break;
        case link_kind::xdp:
            config.link = net::link_type::xdp;
            break;
    }
    config.device = link.name;
    config.queue = link.queue;
    config.offloads = options.offload.value_or(true);
    if (options.xdp) {
        if (link.kind != link_kind::xdp) {
            return unexpected(std::string{"--xdp-mode needs --link xdp:IFACE[:QUEUE]"});
        }
        config.xdp_attach = *options.xdp == xdp_mode::native ? link::xdp_attach::native
                            : *options.xdp == xdp_mode::skb  ? link::xdp_attach::skb
                                                              : link::xdp_attach::automatic;
    }
    if (options.rx_spin) {
        if (link.kind != link_kind::xdp) {
            return unexpected(std::string{"--rx-spin needs --link xdp:IFACE[:QUEUE]"});
        }
        config.rx_spin = std::chrono::microseconds{*options.rx_spin};
    }
    if (!options.ip && link.kind != link_kind::sim) {
        return unexpected(std::string{
            "--ip A/P is required with --link tap:NAME or xdp:IFACE (the address netrig's stack "
            "owns on that link, e.g. --ip 10.78.0.2/24)"});
    }
    const std::string ip = options.ip.value_or(std::string{default_sim_address});
    auto cidr = wire::ipv4_cidr::parse(ip);
    if (!cidr) {
        return unexpected("bad --ip '" + ip + "': expected an IPv4 address and prefix such as " +
                          "10.78.0.2/24");
    }
    config.address = *cidr;
    if (options.gateway) {
        auto gw = wire::ipv4_address::parse(*options.gateway);
        if (!gw) {
            return unexpected("bad --gateway '" + *options.gateway +
                              "': expected an IPv4 address");
        }
        config.gateway = *gw;
    }
    if (options.mtu) {
        config.mtu = static_cast<std::uint16_t>(*options.mtu);
    }
    if (options.snaplen && !options.pcap) {
        return unexpected(std::string{"--snaplen needs --pcap FILE"});
    }
    config.pcap_path = options.pcap;
    config.pcap_snaplen = options.snaplen;
    config.impairments = options.impair;
    config.seed = options.seed;
    return config;
}

result<built_stack, std::string> make_stack(const stack_options& options) {
    if (options.stack == stack_kind::kernel) {
        return built_stack{.stack = net::make_kernel_stack()};
    }
    auto config = user_config(options);
    if (!config) {
        return unexpected(config.error());
    }
    auto made = net::make_user_stack(*config);
    if (!made) {
        std::string why = made.error().message();
        if (made.error() == std::errc::permission_denied ||
            made.error() == std::errc::operation_not_permitted ||
            made.error().message().find("ermission") != std::string::npos) {
            why += " (TAP needs CAP_NET_ADMIN or a TAP owned by this user; AF_XDP needs root)";
        }
        const std::string what = config->link == net::link_type::sim
                                     ? std::string{"the sim link"}
                                     : "'" + config->device + "'";
        return unexpected("cannot start netrig's stack on " + what + ": " + why);
    }
    built_stack built;
    built.user = made->get();
    built.stack = std::move(*made);
    return built;
}

void print_now(std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

void print_user_stack_counters(const net::user_stack* user) {
    if (user != nullptr) {
        print_now(fmt::format("--- netrig user stack counters ---\n{}", user->stats_report()));
    }
}

}  // namespace netrig::cli
