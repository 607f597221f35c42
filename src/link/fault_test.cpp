// SPDX-License-Identifier: MIT
// Tests of fault<D>: the shared impairment engine over another device (a sim port with no
// impairments of its own stands in for TAP or AF_XDP).
#include "link/fault.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <vector>

#include "link/any_device.hpp"
#include "link/sim_network.hpp"

using namespace std::chrono_literals;
using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
namespace nl = netrig::link;

static_assert(nl::link_device<nl::fault<nl::sim_port&>>);

namespace {

template <class Device>
void send_broadcast(Device& dev, instant now, std::uint8_t tag) {
    auto tx = dev.transmit(now);
    ASSERT_TRUE(tx);
    tx->consume(64, [&](mut_bytes f) {
        std::memset(f.data(), 0xff, 6);
        std::memset(f.data() + 6, 0x02, 6);
        f[20] = tag;
    });
}

TEST(fault, tx_delay_holds_frames_until_due) {
    nl::sim_network net({.ports = 2});
    nl::fault<nl::sim_port&> f(net.port(0), {.tx = {.delay = 5ms}});
    send_broadcast(f, instant{}, 1);
    f.flush(instant{});
    EXPECT_FALSE(net.port(1).receive(instant{}));
    ASSERT_TRUE(f.next_deadline());
    EXPECT_EQ(*f.next_deadline(), instant{5ms});
    f.flush(instant{5ms});
    auto rx = net.port(1).receive(instant{5ms});
    ASSERT_TRUE(rx);
    EXPECT_EQ(rx->frame()[20], 1);
    EXPECT_FALSE(f.next_deadline());
}

TEST(fault, rx_loss_counted_and_rate_respected) {
    nl::sim_network net({.ports = 2, .pool_frames = 8192});
    nl::fault<nl::sim_port&> f(net.port(0), {.rx = {.loss = 0.5}, .seed = 3});
    for (int i = 0; i < 4000; ++i) {
        send_broadcast(net.port(1), instant{}, 0);
    }
    std::size_t got = 0;
    while (const std::size_t n = f.receive_batch(instant{}, 100, [](bytes) {})) {
        got += n;
    }
    // The last pulls may leave inner frames: keep pumping until the inner port is empty.
    while (f.receive(instant{})) {
        ++got;
    }
    EXPECT_EQ(got + f.stats().dropped(nl::drop_reason::loss), 4000U);
    EXPECT_NEAR(got / 4000.0, 0.5, 0.03);
    EXPECT_EQ(f.stats().rx_frames, got);
}

TEST(fault, rx_reorder_and_duplicate_over_any_device) {
    nl::sim_network net({.ports = 2});
    nl::fault<nl::sim_port&> f(
        net.port(0), {.rx = {.duplicate = 1.0, .reorder = 0.5, .reorder_delay = 1ms}, .seed = 5});
    auto dev = nl::make_any_device_ref(f);
    for (std::uint8_t i = 0; i < 20; ++i) {
        send_broadcast(net.port(1), instant{}, i);
    }
    std::vector<std::uint8_t> tags;
    dev->receive_batch(instant{}, 100, [&](bytes b) { tags.push_back(b[20]); });
    dev->receive_batch(instant{2ms}, 100, [&](bytes b) { tags.push_back(b[20]); });
    EXPECT_EQ(tags.size(), 40U);  // every frame twice
    EXPECT_FALSE(std::is_sorted(tags.begin(), tags.end()));
}

std::vector<int> trace(std::uint64_t seed) {
    nl::sim_network net({.ports = 2});
    nl::fault<nl::sim_port&> f(net.port(0),
                               {.tx = {.loss = 0.2, .delay = 1ms, .jitter = 1ms}, .seed = seed});
    std::vector<int> out;
    for (int i = 0; i < 500; ++i) {
        const instant now{std::chrono::microseconds(i * 10)};
        send_broadcast(f, now, static_cast<std::uint8_t>(i));
        f.flush(now);
        net.port(1).receive_batch(now, 100, [&](bytes b) { out.push_back(b[20]); });
    }
    return out;
}

TEST(fault, same_seed_same_trace) {
    EXPECT_EQ(trace(8), trace(8));
    EXPECT_NE(trace(8), trace(9));
}

}  // namespace
