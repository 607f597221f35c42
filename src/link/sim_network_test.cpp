// SPDX-License-Identifier: MIT
// Tests of the sim network: switching, virtual time, impairments end to end, pool bounds.
#include "link/sim_network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <queue>
#include <tuple>
#include <vector>

#include "base/rng.hpp"

using namespace std::chrono_literals;
using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
using netrig::link::delay_line;
using netrig::link::delayed_frame;
using netrig::link::drop_reason;
using netrig::link::frame_pool;
using netrig::link::frame_slot;
using netrig::link::impairment_config;
using netrig::link::link_device;
using netrig::link::sim_config;
using netrig::link::sim_direction;
using netrig::link::sim_network;
using netrig::link::sim_port;

static_assert(link_device<sim_port>);

namespace {

using mac = std::array<std::uint8_t, 6>;
constexpr mac broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr mac mac_a{0x02, 0, 0, 0, 0, 0xa};
constexpr mac mac_b{0x02, 0, 0, 0, 0, 0xb};
constexpr mac mac_c{0x02, 0, 0, 0, 0, 0xc};

// Sends an Ethernet-like frame: dst, src, 2 bytes type, then payload bytes = tag.
void send(sim_port& p, instant now, const mac& dst, const mac& src, std::uint8_t tag,
          std::size_t len = 64) {
    auto tx = p.transmit(now);
    ASSERT_TRUE(tx);
    tx->consume(len, [&](mut_bytes b) {
        std::memcpy(b.data(), dst.data(), 6);
        std::memcpy(b.data() + 6, src.data(), 6);
        std::fill(b.begin() + 12, b.end(), tag);
    });
}

std::vector<std::uint8_t> drain_tags(sim_port& p, instant now) {
    std::vector<std::uint8_t> tags;
    while (auto rx = p.receive(now)) {
        tags.push_back(rx->frame()[20]);
    }
    return tags;
}

TEST(sim_network, broadcast_floods_to_all_other_ports) {
    sim_network net({.ports = 3});
    send(net.port(0), instant{}, broadcast, mac_a, 1);
    EXPECT_TRUE(drain_tags(net.port(0), instant{}).empty());
    EXPECT_EQ(drain_tags(net.port(1), instant{}), std::vector<std::uint8_t>{1});
    EXPECT_EQ(drain_tags(net.port(2), instant{}), std::vector<std::uint8_t>{1});
    EXPECT_EQ(net.port(0).stats().tx_frames, 1U);
    EXPECT_EQ(net.port(1).stats().rx_frames, 1U);
    EXPECT_EQ(net.pool_available(), net.config().pool_frames);
}

TEST(sim_network, learned_unicast_goes_to_one_port_unknown_floods) {
    sim_network net({.ports = 3});
    // Unknown destination B: flooded.
    send(net.port(0), instant{}, mac_b, mac_a, 1);
    EXPECT_EQ(drain_tags(net.port(1), instant{}).size(), 1U);
    EXPECT_EQ(drain_tags(net.port(2), instant{}).size(), 1U);
    // B answers from port 1: the switch learns B on port 1 and already knows A on port 0.
    send(net.port(1), instant{}, mac_a, mac_b, 2);
    EXPECT_EQ(drain_tags(net.port(0), instant{}), std::vector<std::uint8_t>{2});
    EXPECT_TRUE(drain_tags(net.port(2), instant{}).empty());
    send(net.port(0), instant{}, mac_b, mac_a, 3);
    EXPECT_EQ(drain_tags(net.port(1), instant{}), std::vector<std::uint8_t>{3});
    EXPECT_TRUE(drain_tags(net.port(2), instant{}).empty());
    // C is still unknown.
    send(net.port(0), instant{}, mac_c, mac_a, 4);
    EXPECT_EQ(drain_tags(net.port(1), instant{}).size(), 1U);
    EXPECT_EQ(drain_tags(net.port(2), instant{}).size(), 1U);
}

TEST(sim_network, delay_in_virtual_time_and_next_deadline) {
    sim_network net({.ports = 2});
    net.impair(0, sim_direction::egress, {.delay = 3ms});
    net.impair(1, sim_direction::ingress, {.delay = 2ms});
    EXPECT_FALSE(net.next_deadline());
    send(net.port(0), instant{1ms}, broadcast, mac_a, 7);
    ASSERT_TRUE(net.next_deadline());
    EXPECT_EQ(*net.next_deadline(), instant{6ms});
    EXPECT_EQ(*net.port(1).next_deadline(), instant{6ms});
    EXPECT_FALSE(net.port(1).receive(instant{6ms - 1ns}));
    auto rx = net.port(1).receive(instant{6ms});
    ASSERT_TRUE(rx);
    EXPECT_EQ(rx->frame().size(), 64U);
    EXPECT_EQ(rx->frame()[20], 7);
}

TEST(sim_network, oversize_frames_dropped_and_counted_at_sender) {
    sim_network net({.ports = 2, .mtu = 1500});
    send(net.port(0), instant{}, broadcast, mac_a, 1, 1514);
    send(net.port(0), instant{}, broadcast, mac_a, 2, 1515);
    EXPECT_EQ(drain_tags(net.port(1), instant{}), std::vector<std::uint8_t>{1});
    EXPECT_EQ(net.port(0).stats().dropped(drop_reason::oversize), 1U);
    EXPECT_EQ(net.port(0).capabilities().max_frame_bytes, 1514U);
}

TEST(sim_network, corruption_flips_exactly_one_bit) {
    sim_network net({.ports = 2, .seed = 3});
    net.impair(1, sim_direction::ingress, {.corrupt = 1.0});
    for (int i = 0; i < 50; ++i) {
        send(net.port(0), instant{}, broadcast, mac_a, 0x55, 100);
        auto rx = net.port(1).receive(instant{});
        ASSERT_TRUE(rx);
        int flipped = 0;
        for (std::size_t j = 0; j < 100; ++j) {
            const std::uint8_t expected = j < 6 ? 0xff : j < 12 ? mac_a[j - 6] : 0x55;
            flipped += __builtin_popcount(static_cast<unsigned>(rx->frame()[j] ^ expected));
        }
        EXPECT_EQ(flipped, 1);
    }
}

TEST(sim_network, loss_duplication_counted_per_direction) {
    sim_network net({.ports = 2, .seed = 9, .pool_frames = 10000});
    net.impair(0, sim_direction::egress, {.loss = 0.25});
    net.impair(1, sim_direction::ingress, {.duplicate = 0.5});
    for (int i = 0; i < 4000; ++i) {
        send(net.port(0), instant{}, broadcast, mac_a, 1);
    }
    const auto lost = net.port(0).stats().dropped(drop_reason::loss);
    EXPECT_NEAR(lost / 4000.0, 0.25, 0.03);
    EXPECT_EQ(net.port(1).stats().dropped(drop_reason::pool_exhausted), 0U);
    const auto received = drain_tags(net.port(1), instant{}).size();
    EXPECT_NEAR(double(received) / double(4000 - lost), 1.5, 0.05);
}

TEST(sim_network, bounded_pool_drops_when_receiver_does_not_drain) {
    sim_network net({.ports = 2, .pool_frames = 16});
    for (int i = 0; i < 20; ++i) {
        send(net.port(0), instant{}, broadcast, mac_a, 1);
    }
    EXPECT_EQ(net.port(1).stats().dropped(drop_reason::pool_exhausted), 4U);
    EXPECT_EQ(drain_tags(net.port(1), instant{}).size(), 16U);
    EXPECT_EQ(net.pool_available(), 16U);
}

TEST(sim_network, receive_batch_hands_out_due_frames_in_order) {
    sim_network net({.ports = 2});
    net.impair(0, sim_direction::egress, {.rate_bits_per_second = 8'000'000});
    for (std::uint8_t i = 0; i < 5; ++i) {
        send(net.port(0), instant{}, broadcast, mac_a, i, 1000);
    }
    std::vector<std::uint8_t> tags;
    auto collect = [&](bytes f) { tags.push_back(f[20]); };
    EXPECT_EQ(net.port(1).receive_batch(instant{2500us}, 10, collect), 2U);
    EXPECT_EQ(net.port(1).receive_batch(instant{10ms}, 2, collect), 2U);
    EXPECT_EQ(net.port(1).receive_batch(instant{10ms}, 10, collect), 1U);
    EXPECT_EQ(tags, (std::vector<std::uint8_t>{0, 1, 2, 3, 4}));
}

// A whole run as text: every frame's arrival and a byte sum, per port.
std::vector<std::int64_t> run(std::uint64_t seed) {
    sim_network net({.ports = 3, .seed = seed});
    const impairment_config c{.loss = 0.05,
                              .duplicate = 0.05,
                              .reorder = 0.1,
                              .reorder_delay = 2ms,
                              .delay = 1ms,
                              .jitter = 300us,
                              .corrupt = 0.05,
                              .rate_bits_per_second = 50'000'000,
                              .queue_bytes = 20000};
    for (std::size_t p = 0; p < 3; ++p) {
        net.impair(p, sim_direction::egress, c);
        net.impair(p, sim_direction::ingress, c);
    }
    std::vector<std::int64_t> out;
    instant now{};
    for (int i = 0; i < 3000; ++i) {
        now += 20us;
        send(net.port(static_cast<std::size_t>(i % 3)), now, broadcast,
             mac{0x02, 0, 0, 0, 0, static_cast<std::uint8_t>(i % 3)}, static_cast<std::uint8_t>(i),
             64 + static_cast<std::size_t>(i % 1000));
        for (std::size_t p = 0; p < 3; ++p) {
            while (auto rx = net.port(p).receive(now)) {
                std::uint64_t sum = 0;
                for (auto b : rx->frame()) {
                    sum = sum * 31 + b;
                }
                out.push_back(static_cast<std::int64_t>(p));
                out.push_back(now.since_zero().count());
                out.push_back(static_cast<std::int64_t>(sum));
            }
        }
    }
    return out;
}

TEST(sim_network, same_seed_same_trace) {
    const auto a = run(1234);
    EXPECT_GT(a.size(), 3000U);
    EXPECT_EQ(a, run(1234));
    EXPECT_NE(a, run(1235));
}

// A golden digest of run(1234), taken from the code before the FIFO delay line, the
// passthrough engine and the copy-free egress (commit 07b458d): the sim's event order and
// bytes must not change.
TEST(sim_network, trace_unchanged_by_fast_paths) {
    std::uint64_t digest = 1469598103934665603ULL;
    for (const std::int64_t v : run(1234)) {
        digest = (digest ^ static_cast<std::uint64_t>(v)) * 1099511628211ULL;
    }
    EXPECT_EQ(digest, 15298823228382492616ULL);
}

// Duplicated frames with egress corruption: each corrupted copy has exactly one flipped bit and
// never leaks it into its sibling (the unflipped copy is forwarded without a private buffer).
TEST(sim_network, egress_duplicate_with_corruption_keeps_copies_apart) {
    sim_network net({.ports = 2, .seed = 5});
    net.impair(0, sim_direction::egress, {.duplicate = 1.0, .corrupt = 0.5});
    int clean = 0;
    int flipped_one = 0;
    for (int i = 0; i < 200; ++i) {
        send(net.port(0), instant{}, broadcast, mac_a, 0x33, 200);
        int copies = 0;
        while (auto rx = net.port(1).receive(instant{})) {
            ++copies;
            int flipped = 0;
            for (std::size_t j = 0; j < 200; ++j) {
                const std::uint8_t expected = j < 6 ? 0xff : j < 12 ? mac_a[j - 6] : 0x33;
                flipped += __builtin_popcount(static_cast<unsigned>(rx->frame()[j] ^ expected));
            }
            ASSERT_LE(flipped, 1);
            (flipped == 0 ? clean : flipped_one) += 1;
        }
        ASSERT_LE(copies, 2);
    }
    // Corruption may hit the MAC bytes (then the copy can be dropped or flooded as unknown), so
    // only check that both outcomes occur often.
    EXPECT_GT(clean, 100);
    EXPECT_GT(flipped_one, 100);
    EXPECT_EQ(net.pool_available(), net.config().pool_frames);
}

// The FIFO + heap delay line pops exactly what a single (arrival, push order) heap pops.
TEST(delay_line, same_order_as_one_heap_for_any_arrivals) {
    for (const double out_of_order : {0.0, 0.05, 0.5}) {
        frame_pool pool(64, 16);
        delay_line line(pool, 48);
        using key = std::tuple<std::int64_t, std::uint64_t, frame_slot>;  // arrival, order, slot
        std::priority_queue<key, std::vector<key>, std::greater<>> ref;
        netrig::rng r{static_cast<std::uint64_t>(out_of_order * 100) + 1};
        std::int64_t clock = 0;
        std::int64_t last_arrival = 0;
        std::uint64_t order = 0;
        for (int step = 0; step < 50000; ++step) {
            clock += static_cast<std::int64_t>(r.below(3));
            if (r.chance(0.55)) {
                auto slot = pool.acquire();
                if (!slot) {
                    continue;
                }
                // Mostly non-decreasing arrivals (a FIFO link), some earlier ones.
                std::int64_t arrival = std::max(clock, last_arrival) +
                                       static_cast<std::int64_t>(r.below(2));
                if (r.chance(out_of_order)) {
                    arrival = clock + static_cast<std::int64_t>(r.below(5));
                }
                last_arrival = std::max(last_arrival, arrival);
                const bool full = line.size() >= 48;
                ASSERT_EQ(line.push(instant{netrig::duration{arrival}}, *slot, 16), !full);
                if (!full) {
                    ref.emplace(arrival, order++, *slot);
                } else {
                    ++order;
                }
            } else {
                const auto got = line.pop_due(instant{netrig::duration{clock}});
                const bool due = !ref.empty() && std::get<0>(ref.top()) <= clock;
                ASSERT_EQ(got.has_value(), due) << step;
                if (got) {
                    ASSERT_EQ(got->arrival.since_zero().count(), std::get<0>(ref.top())) << step;
                    ASSERT_EQ(got->slot, std::get<2>(ref.top())) << step;
                    ref.pop();
                    pool.release(got->slot);
                }
            }
            ASSERT_EQ(line.size(), ref.size());
            const auto next = line.next_arrival();
            ASSERT_EQ(next.has_value(), !ref.empty());
            if (next) {
                ASSERT_EQ(next->since_zero().count(), std::get<0>(ref.top()));
            }
            if (out_of_order == 0.0) {
                ASSERT_EQ(line.heap_size(), 0U) << "in-order arrivals must not use the heap";
            }
        }
    }
}

// Moving a line hands its frames over once: the pool gets every slot back exactly once.
TEST(delay_line, move_transfers_slots_and_destructors_release_them) {
    frame_pool pool(8, 16);
    {
        delay_line a(pool, 8);
        for (int i = 0; i < 5; ++i) {
            auto slot = pool.acquire();
            ASSERT_TRUE(slot);
            ASSERT_TRUE(a.push(instant{netrig::duration{5 - i}}, *slot, 16));  // 3 in the heap
        }
        EXPECT_EQ(pool.available(), 3U);
        delay_line b(std::move(a));
        EXPECT_EQ(b.size(), 5U);
        const auto first = b.pop_due(instant{netrig::duration{100}});
        ASSERT_TRUE(first);
        EXPECT_EQ(first->arrival, instant{netrig::duration{1}});
        pool.release(first->slot);
    }
    EXPECT_EQ(pool.available(), 8U);
}

// The slab is not zero-filled, so a frame must read back exactly the bytes written into it.
TEST(frame_pool, buffers_are_disjoint_and_read_back_what_was_written) {
    frame_pool pool(32, 100);
    std::vector<frame_slot> slots;
    while (auto s = pool.acquire()) {
        const auto buf = pool.buffer(*s);
        std::fill(buf.begin(), buf.end(), static_cast<std::uint8_t>(*s + 1));
        slots.push_back(*s);
    }
    ASSERT_EQ(slots.size(), 32U);
    for (const frame_slot s : slots) {
        const bytes v = pool.view(s, 100);
        EXPECT_TRUE(std::all_of(v.begin(), v.end(), [&](std::uint8_t b) { return b == s + 1; }));
        pool.release(s);
    }
    EXPECT_EQ(pool.available(), 32U);
}

}  // namespace
