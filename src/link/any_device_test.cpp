// SPDX-License-Identifier: MIT
// Tests of any_device: a type-erased device behaves like the device it wraps.
#include "link/any_device.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "link/sim_network.hpp"

using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
using netrig::link::any_device;
using netrig::link::make_any_device_ref;
using netrig::link::sim_network;

namespace {

TEST(any_device, round_trip_over_sim_ports) {
    sim_network net({.ports = 2});
    auto a = make_any_device_ref(net.port(0));
    auto b = make_any_device_ref(net.port(1));
    EXPECT_EQ(a->fd(), -1);
    EXPECT_EQ(a->capabilities().mtu, 1500U);

    auto tx = a->transmit(instant{});
    ASSERT_TRUE(tx);
    const int written = tx->consume(60, [](mut_bytes f) {
        std::memset(f.data(), 0xff, 6);
        std::memset(f.data() + 6, 0x02, 6);
        f[59] = 0x42;
        return 60;
    });
    EXPECT_EQ(written, 60);
    a->flush(instant{});
    EXPECT_EQ(a->stats().tx_frames, 1U);

    {
        auto rx = b->receive(instant{});
        ASSERT_TRUE(rx);
        EXPECT_EQ(rx->frame().size(), 60U);
        EXPECT_EQ(rx->frame()[59], 0x42);
        EXPECT_LT(net.pool_available(), net.config().pool_frames);
    }
    // The token released the pool slot.
    EXPECT_EQ(net.pool_available(), net.config().pool_frames);
    EXPECT_FALSE(b->receive(instant{}));
    EXPECT_EQ(b->stats().rx_frames, 1U);

    // Batch path through the virtual boundary; a dropped tx token sends nothing.
    { auto unused = a->transmit(instant{}); }
    for (int i = 0; i < 3; ++i) {
        a->transmit(instant{})->consume(60, [](mut_bytes f) { std::memset(f.data(), 0xff, 12); });
    }
    int seen = 0;
    EXPECT_EQ(b->receive_batch(instant{}, 8, [&](bytes f) { seen += f.size() == 60; }), 3U);
    EXPECT_EQ(seen, 3);
}

}  // namespace
