// SPDX-License-Identifier: MIT
// link: the in-memory network. N hosts (ports) hang off one learning switch; every port has an
// egress (host -> switch) and an ingress (switch -> host) impairment engine, so each direction
// of each link can lose, delay, reorder, duplicate, corrupt and rate-limit frames. Time is
// virtual: the caller passes `now` and asks next_deadline() when the next frame arrives. All
// randomness comes from one seed, so a run is a pure function of it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "base/time.hpp"
#include "link/device.hpp"
#include "link/fill_then.hpp"
#include "link/frame_pool.hpp"
#include "link/impairment.hpp"

namespace netrig::link {

class sim_network;

/// Settings of a sim network.
struct sim_config {
    std::size_t ports = 2;           ///< Number of hosts.
    std::uint64_t seed = 1;          ///< Seed of every impairment decision.
    std::size_t mtu = 1500;          ///< L3 MTU of every port; larger frames are dropped.
    std::size_t pool_frames = 4096;  ///< Frame buffers shared by all ports (bound on in-flight).
    std::size_t mac_table_entries = 256;  ///< Learning table size (oldest entry is replaced).
};

/// Which direction of a port an impairment applies to.
enum class sim_direction : std::uint8_t {
    egress,   ///< Frames the host sends (host -> switch).
    ingress,  ///< Frames delivered to the host (switch -> host).
};

/// One host's attachment to a sim_network. Models link_device. Owned by the network; the
/// reference stays valid for the network's lifetime.
class sim_port {
public:
    /// A received frame held in a pool slot (returned to the pool on destruction).
    using rx_token_type = pooled_frame;

    /// Permission to send one frame from this port.
    class tx_token_type {
    public:
        /// Lets fn write len bytes into the network's frame buffer, then sends the frame
        /// through the switch. Returns what fn returns.
        /// Preconditions: 0 < len <= the port's max frame buffer (capabilities().mtu + 14 or
        /// the configured pool frame size).
        template <class Fn>
        decltype(auto) consume(std::size_t len, Fn&& fn) {
            mut_bytes buf = port_->tx_buffer(len);
            return fill_then(buf, std::forward<Fn>(fn), [&] { port_->send(now_, len); });
        }

    private:
        friend class sim_port;
        tx_token_type(sim_port* port, instant now) : port_(port), now_(now) {}
        sim_port* port_;
        instant now_;
    };

    /// See link_device. Several rx tokens of a sim port may be alive at once.
    [[nodiscard]] std::optional<rx_token_type> receive(instant now);
    /// See link_device.
    template <class Fn>
    std::size_t receive_batch(instant now, std::size_t max, Fn&& fn) {
        std::size_t n = 0;
        for (; n < max; ++n) {
            std::optional<delayed_frame> f = next_due(now);
            if (!f) {
                break;
            }
            fn(pool_->view(f->slot, f->len));
            pool_->release(f->slot);
        }
        return n;
    }
    /// See link_device. Always gives a token: the sim counts drops instead of refusing.
    [[nodiscard]] std::optional<tx_token_type> transmit(instant now) {
        return tx_token_type{this, now};
    }
    /// Nothing is buffered on the send side; frames enter the switch in consume().
    void flush(instant /*now*/) {}
    /// MTU, max frame size; no offloads.
    [[nodiscard]] link::capabilities capabilities() const;
    /// Counters of this port (tx drops from egress, rx drops from ingress impairments).
    [[nodiscard]] const link::stats& stats() const { return stats_; }
    /// -1: the sim has no file descriptor; drive it with next_deadline().
    [[nodiscard]] int fd() const { return -1; }
    /// When the next frame for this port arrives, or nullopt when none is in flight.
    [[nodiscard]] std::optional<instant> next_deadline() const { return inbox_.next_arrival(); }
    /// Index of this port in its network.
    [[nodiscard]] std::size_t index() const { return index_; }

private:
    friend class sim_network;
    sim_port(sim_network& net, std::size_t index, std::uint64_t seed);
    mut_bytes tx_buffer(std::size_t len);
    void send(instant now, std::size_t len);
    std::optional<delayed_frame> next_due(instant now);

    sim_network* net_;
    frame_pool* pool_;
    std::size_t index_;
    impairment_engine egress_;
    impairment_engine ingress_;
    delay_line inbox_;
    link::stats stats_;
    std::optional<frame_slot> tx_slot_;  // the pool slot consume() is writing, if any
};

/// The network: ports, the switch and the shared frame pool.
class sim_network {
public:
    /// Builds config.ports ports with no impairments.
    explicit sim_network(const sim_config& config);
    sim_network(const sim_network&) = delete;
    sim_network& operator=(const sim_network&) = delete;
    ~sim_network();

    /// Port i. Preconditions: i < port_count().
    [[nodiscard]] sim_port& port(std::size_t i);
    /// Number of ports.
    [[nodiscard]] std::size_t port_count() const { return ports_.size(); }
    /// Sets the impairments of one direction of one port (MTU enforcement is always on).
    void impair(std::size_t port, sim_direction direction, const impairment_config& config);
    /// Earliest arrival over all ports, or nullopt when nothing is in flight.
    [[nodiscard]] std::optional<instant> next_deadline() const;
    /// The configuration.
    [[nodiscard]] const sim_config& config() const { return config_; }
    /// Free frame buffers (for leak checks in tests).
    [[nodiscard]] std::size_t pool_available() const { return pool_.available(); }

private:
    friend class sim_port;
    // A MAC address as an integer (its 6 bytes in memory order, zero-extended): one compare
    // per table entry instead of a memcmp call, as this runs twice per frame.
    using mac_key = std::uint64_t;
    struct mac_entry {
        mac_key address;
        std::size_t port;
    };
    // donor: the pool slot holding frame (written in place by consume()), or empty. A single
    // receiver takes it instead of copying the frame (donor is then reset); the caller releases
    // it if nobody took it.
    void forward(std::size_t from, instant now, bytes frame, std::optional<frame_slot>& donor);
    void flood(std::size_t from, instant now, bytes frame, std::optional<frame_slot>& donor);
    void deliver(std::size_t to, instant at, bytes frame, std::optional<frame_slot>& donor);
    // Copies frame out of the donor into tx_scratch_, returns the donor to the pool and points
    // frame at the copy.
    void give_up_donor(bytes& frame, std::optional<frame_slot>& donor);
    void learn(mac_key address, std::size_t port);
    [[nodiscard]] std::optional<std::size_t> lookup(mac_key address) const;

    sim_config config_;
    frame_pool pool_;
    std::vector<std::uint8_t> tx_scratch_;  // consume() writes here before the switch copies
    std::vector<std::uint8_t> egress_scratch_;
    std::vector<std::unique_ptr<sim_port>> ports_;
    std::vector<mac_entry> mac_table_;
    std::size_t mac_next_victim_ = 0;
};

}  // namespace netrig::link
