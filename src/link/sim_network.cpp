// SPDX-License-Identifier: MIT
// link: the sim network's switch and ports.
#include "link/sim_network.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "base/assert.hpp"

namespace netrig::link {

namespace {
// Distinct, unrelated streams per port and direction from one seed (rng seeds via splitmix64).
std::uint64_t stream_seed(std::uint64_t seed, std::size_t port, sim_direction direction) {
    return seed * 0x100000001b3ULL + (port * 2 + static_cast<std::size_t>(direction)) + 1;
}
}  // namespace

// ---- port ------------------------------------------------------------------------------------

sim_port::sim_port(sim_network& net, std::size_t index, std::uint64_t seed)
    : net_(&net),
      pool_(&net.pool_),
      index_(index),
      egress_(impairment_config{}, stream_seed(seed, index, sim_direction::egress)),
      ingress_(impairment_config{}, stream_seed(seed, index, sim_direction::ingress)),
      inbox_(net.pool_, net.pool_.count()) {}

std::optional<delayed_frame> sim_port::next_due(instant now) {
    std::optional<delayed_frame> f = inbox_.pop_due(now);
    if (f) {
        ++stats_.rx_frames;
        stats_.rx_bytes += f->len;
    }
    return f;
}

std::optional<sim_port::rx_token_type> sim_port::receive(instant now) {
    std::optional<delayed_frame> f = next_due(now);
    if (!f) {
        return std::nullopt;
    }
    return rx_token_type{pool_, f->slot, f->len};
}

mut_bytes sim_port::tx_buffer(std::size_t len) {
    NETRIG_ASSERT(len > 0);
    NETRIG_ASSERT(len <= net_->tx_scratch_.size());
    NETRIG_ASSERT(!tx_slot_);  // one consume() at a time
    // The frame is written straight into a pool slot, which send() hands on to the receiving
    // port's queue when nothing needs a second copy (the common unicast case): one copy per
    // frame fewer. Frames that do not fit a slot (oversize: the MTU check drops them) or find
    // the pool empty are written to the scratch buffer and copied as before.
    if (len <= pool_->frame_bytes()) {
        tx_slot_ = pool_->acquire();
        if (tx_slot_) {
            return pool_->buffer(*tx_slot_).first(len);
        }
    }
    return mut_bytes{net_->tx_scratch_}.first(len);
}

void sim_port::send(instant now, std::size_t len) {
    ++stats_.tx_frames;
    stats_.tx_bytes += len;
    std::optional<frame_slot> donor = std::exchange(tx_slot_, std::nullopt);
    bytes frame = donor ? pool_->view(*donor, len) : bytes{net_->tx_scratch_}.first(len);
    const verdict v = egress_.decide(now, len);
    if (v.dropped) {
        stats_.drop(*v.dropped);
        if (donor) {
            pool_->release(*donor);
        }
        return;
    }
    if (donor && (v.count != 1 || v.copies[0].flip_bit)) {
        // Several or corrupted copies: take the copying path, with the slot back in the pool
        // before any copy is made (so the pool sees what it saw before the zero-copy path).
        net_->give_up_donor(frame, donor);
    }
    for (std::size_t i = 0; i < v.count; ++i) {
        if (!v.copies[i].flip_bit) {
            // forward() only copies out of frame (or takes the donor holding it), so an
            // unmodified copy needs no private buffer.
            net_->forward(index_, v.copies[i].arrival, frame, donor);
            continue;
        }
        // A corrupted copy gets its own buffer: its flipped bit must not reach a sibling.
        mut_bytes copy = mut_bytes{net_->egress_scratch_}.first(len);
        std::memcpy(copy.data(), frame.data(), len);
        flip_bit(copy, *v.copies[i].flip_bit);
        std::optional<frame_slot> none;
        net_->forward(index_, v.copies[i].arrival, copy, none);
    }
    if (donor) {
        pool_->release(*donor);  // not delivered (no port, or back to the sender)
    }
}

capabilities sim_port::capabilities() const {
    return {.mtu = net_->config_.mtu,
            .max_frame_bytes = net_->config_.mtu + ethernet_header_bytes,
            .checksum = {},
            .tso = false,
            .gro = false,
            .vnet_hdr = false};
}

// ---- network ---------------------------------------------------------------------------------

sim_network::sim_network(const sim_config& config)
    : config_(config),
      pool_(config.pool_frames, config.mtu + ethernet_header_bytes),
      tx_scratch_(std::max<std::size_t>(config.mtu + ethernet_header_bytes, 65536)),
      egress_scratch_(tx_scratch_.size()) {
    NETRIG_ASSERT(config.ports > 0);
    NETRIG_ASSERT(config.mac_table_entries > 0);
    ports_.reserve(config.ports);
    for (std::size_t i = 0; i < config.ports; ++i) {
        ports_.push_back(std::unique_ptr<sim_port>(new sim_port(*this, i, config.seed)));
        impair(i, sim_direction::egress, {});
        impair(i, sim_direction::ingress, {});
    }
    mac_table_.reserve(config.mac_table_entries);
}

sim_network::~sim_network() = default;

sim_port& sim_network::port(std::size_t i) {
    NETRIG_ASSERT(i < ports_.size());
    return *ports_[i];
}

void sim_network::impair(std::size_t port, sim_direction direction,
                         const impairment_config& config) {
    NETRIG_ASSERT(port < ports_.size());
    impairment_config c = config;
    // MTU enforcement (oversize frames are dropped and counted) on the host's uplink; the
    // stricter of the port MTU and a configured limit wins.
    const std::size_t max_frame = config_.mtu + ethernet_header_bytes;
    if (c.max_frame_bytes == 0 || c.max_frame_bytes > max_frame) {
        c.max_frame_bytes = max_frame;
    }
    sim_port& p = *ports_[port];
    (direction == sim_direction::egress ? p.egress_ : p.ingress_).reconfigure(c);
}

std::optional<instant> sim_network::next_deadline() const {
    std::optional<instant> earliest;
    for (const auto& p : ports_) {
        const std::optional<instant> t = p->next_deadline();
        if (t && (!earliest || *t < *earliest)) {
            earliest = t;
        }
    }
    return earliest;
}

void sim_network::learn(mac_key address, std::size_t port) {
    for (mac_entry& e : mac_table_) {
        if (e.address == address) {
            e.port = port;
            return;
        }
    }
    if (mac_table_.size() < config_.mac_table_entries) {
        mac_table_.push_back({address, port});
        return;
    }
    // Full: replace entries round robin (a bounded table, as in a real switch's CAM).
    mac_table_[mac_next_victim_] = {address, port};
    mac_next_victim_ = (mac_next_victim_ + 1) % mac_table_.size();
}

std::optional<std::size_t> sim_network::lookup(mac_key address) const {
    for (const mac_entry& e : mac_table_) {
        if (e.address == address) {
            return e.port;
        }
    }
    return std::nullopt;
}

void sim_network::give_up_donor(bytes& frame, std::optional<frame_slot>& donor) {
    mut_bytes copy = mut_bytes{tx_scratch_}.first(frame.size());
    std::memcpy(copy.data(), frame.data(), frame.size());
    pool_.release(*donor);
    donor.reset();
    frame = copy;
}

void sim_network::forward(std::size_t from, instant now, bytes frame,
                          std::optional<frame_slot>& donor) {
    if (frame.size() < 2 * 6) {
        // Too short to carry two MACs: flood it (a hub would), nothing to learn.
        flood(from, now, frame, donor);
        return;
    }
    mac_key destination = 0;
    mac_key source = 0;
    std::memcpy(&destination, frame.data(), 6);
    std::memcpy(&source, frame.data() + 6, 6);
    // IEEE 802.3 §3.2.3: the I/G bit (LSB of the first octet) marks group addresses, which a
    // switch floods; a unicast source is learned.
    if ((frame[6] & 1U) == 0) {
        learn(source, from);
    }
    const bool group = (frame[0] & 1U) != 0;
    const std::optional<std::size_t> to = group ? std::nullopt : lookup(destination);
    if (to) {
        if (*to == from) {
            ports_[from]->stats_.drop(drop_reason::no_port);
            return;
        }
        deliver(*to, now, frame, donor);
        return;
    }
    flood(from, now, frame, donor);
}

void sim_network::flood(std::size_t from, instant now, bytes frame,
                        std::optional<frame_slot>& donor) {
    if (donor && ports_.size() > 2) {
        // Several receivers copy the frame, and one receiver's ingress bit flip must not reach
        // the others: no zero-copy here.
        give_up_donor(frame, donor);
    }
    for (std::size_t i = 0; i < ports_.size(); ++i) {
        if (i != from) {
            deliver(i, now, frame, donor);
        }
    }
}

void sim_network::deliver(std::size_t to, instant at, bytes frame,
                          std::optional<frame_slot>& donor) {
    sim_port& p = *ports_[to];
    if (donor) {
        // The one receiver keeps the slot the sender wrote (impair_and_queue takes it).
        (void)impair_and_queue(p.ingress_, p.inbox_, at, frame, p.stats_, *donor);
        donor.reset();
        return;
    }
    (void)impair_and_queue(p.ingress_, p.inbox_, at, frame, p.stats_);
}

}  // namespace netrig::link
