// SPDX-License-Identifier: MIT
// net: the sim fabric (a sim network shared by user stacks) and its responder peer: a bare core
// interface that answers ARP and ping (the core does that) and echoes UDP port 7 (RFC 862).
#include <vector>

#include "net/errc.hpp"
#include "net/user_stack_impl.hpp"
#include "runtime/scheduler.hpp"

namespace netrig::net::user {

wire::mac_address mac_for(wire::ipv4_address address) {
    const std::uint32_t a = address.to_u32();
    // 0x02 in the first octet: locally administered, unicast (IEEE 802 U/L and I/G bits).
    return wire::mac_address{{0x02, 0x00, static_cast<std::uint8_t>(a >> 24U),
                              static_cast<std::uint8_t>(a >> 16U),
                              static_cast<std::uint8_t>(a >> 8U), static_cast<std::uint8_t>(a)}};
}

/// The responder: owns its interface, its port's device view and its driver.
class sim_responder final : private driver_client {
public:
    sim_responder(link::sim_port& port, const core::interface_config& config, std::uint64_t seed,
                  driver_group& group)
        : rng_(seed),
          iface_(config, rng_),
          device_(link::make_any_device_ref(port)),
          driver_(iface_, *device_, *this),
          buffer_(65535) {
        driver_.set_group(&group);
    }
    sim_responder(const sim_responder&) = delete;
    sim_responder& operator=(const sim_responder&) = delete;
    ~sim_responder() = default;

    result<void, std::error_code> open_echo() {
        auto h = iface_.udp_open();
        if (!h) {
            return unexpected(from_core(h.error()));
        }
        if (auto b = iface_.udp_bind(*h, core::udp_endpoint{{}, sim_responder_echo_port}); !b) {
            return unexpected(from_core(b.error()));
        }
        echo_ = *h;
        return {};
    }

private:
    void on_socket_event(const core::socket_event& ev) override {
        if (ev.kind != core::socket_kind::udp || !echo_ || ev.index != echo_->index) {
            return;
        }
        // RFC 862: "Once a datagram is received, the data from it is sent back in an answering
        // datagram." At most a queue's worth per event; the rest raises the next event.
        for (std::size_t i = 0; i < 64; ++i) {
            auto got = iface_.udp_recv_from(*echo_, buffer_);
            if (!got) {
                break;
            }
            // A full transmit queue drops the echo, as a real echo server's socket would.
            (void)iface_.udp_send_to(runtime::now(), *echo_, got->from,
                                     bytes{buffer_}.first(got->len));
        }
    }
    void on_turn_end() override {}

    rng rng_;
    core::interface iface_;
    std::unique_ptr<link::any_device> device_;
    driver driver_;
    std::optional<core::udp_handle> echo_;
    std::vector<std::uint8_t> buffer_;
};

sim_fabric::sim_fabric(const link::sim_config& config) : network_(config) {}

sim_fabric::~sim_fabric() = default;

result<void, std::error_code> sim_fabric::add_responder(std::size_t port, wire::ipv4_cidr address,
                                                        std::uint64_t seed) {
    core::interface_config cfg;
    cfg.mac = mac_for(address.address);
    cfg.address = address;
    cfg.mtu = static_cast<std::uint16_t>(network_.config().mtu);
    // Seeded apart from the stack so the two do not draw the same ports and identifiers.
    auto r = std::make_unique<sim_responder>(network_.port(port), cfg, seed ^ 0x5eed'0f'5eedULL,
                                             group_);
    NETRIG_TRY(r->open_echo());
    responder_ = std::move(r);
    return {};
}

}  // namespace netrig::net::user
