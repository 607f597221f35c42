// SPDX-License-Identifier: MIT
// Tests of any_device: a type-erased device behaves like the device it wraps.
#include "link/any_device.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "link/pcap_recorder.hpp"
#include "link/sim_network.hpp"

using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
using netrig::link::any_device;
using netrig::link::make_any_device_ref;
using netrig::link::sim_network;
using netrig::link::rx_offload;
using netrig::link::tx_offload;

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

// A device that reports offloads (as tap_device does) without a kernel: one queued frame
// with its vnet information, and the last tx offload request it was given.
class offload_device {
public:
    static constexpr bool reports_rx_offload = true;
    struct rx_token_type {
        bytes f;
        [[nodiscard]] bytes frame() const { return f; }
    };
    struct tx_token_type {
        offload_device* dev;
        void set_offload(const tx_offload& o) { dev->last_tx = o; }
        template <class Fn>
        decltype(auto) consume(std::size_t len, Fn&& fn) {
            dev->tx_buf.assign(len, 0);
            return fn(mut_bytes{dev->tx_buf});
        }
    };
    std::optional<rx_token_type> receive(instant /*now*/) { return rx_token_type{frame_}; }
    template <class Fn>
    std::size_t receive_batch(instant /*now*/, std::size_t /*max*/, Fn&& fn) {
        netrig::link::call_rx(fn, bytes{frame_}, rx);
        return 1;
    }
    std::optional<tx_token_type> transmit(instant /*now*/) { return tx_token_type{this}; }
    void flush(instant /*now*/) {}
    [[nodiscard]] netrig::link::capabilities capabilities() const { return {}; }
    [[nodiscard]] const netrig::link::stats& stats() const { return stats_; }
    [[nodiscard]] int fd() const { return -1; }
    [[nodiscard]] std::optional<instant> next_deadline() const { return std::nullopt; }

    rx_offload rx{.needs_checksum = true, .gso_type = netrig::link::gso_tcpv4, .gso_size = 1448};
    std::optional<tx_offload> last_tx;
    std::vector<std::uint8_t> tx_buf;

private:
    std::vector<std::uint8_t> frame_ = std::vector<std::uint8_t>(3000, 7);
    netrig::link::stats stats_;
};

TEST(any_device, offload_information_crosses_the_erasure_and_the_pcap_recorder) {
    offload_device dev;
    const std::string path =
        ::testing::TempDir() + "netrig_any_offload_" + std::to_string(::getpid()) + ".pcap";
    auto sink = netrig::link::pcap_sink::open(path, {});
    ASSERT_TRUE(sink);
    auto any = netrig::link::make_any_device<netrig::link::pcap_recorder<offload_device&>>(
        dev, **sink);
    // Two-argument callbacks get the vnet information; one-argument ones still compile.
    std::optional<rx_offload> got;
    std::size_t len = 0;
    EXPECT_EQ(any->receive_batch(instant{}, 1,
                                 [&](bytes f, const rx_offload& o) {
                                     len = f.size();
                                     got = o;
                                 }),
              1U);
    ASSERT_TRUE(got);
    EXPECT_EQ(len, 3000U);
    EXPECT_TRUE(got->needs_checksum);
    EXPECT_EQ(got->gso_type, netrig::link::gso_tcpv4);
    EXPECT_EQ(got->gso_size, 1448U);
    EXPECT_EQ(any->receive_batch(instant{}, 1, [&](bytes f) { len = f.size() + 1; }), 1U);
    EXPECT_EQ(len, 3001U);
    // A device without offload reporting gives all-zero information.
    sim_network net({.ports = 2});
    auto sim = make_any_device_ref(net.port(0));
    net.port(1).transmit(instant{})->consume(
        60, [](mut_bytes f) { std::memset(f.data(), 0xff, 12); });
    got.reset();
    sim->receive_batch(instant{}, 8, [&](bytes /*f*/, const rx_offload& o) { got = o; });
    ASSERT_TRUE(got);
    EXPECT_FALSE(got->needs_checksum);
    EXPECT_EQ(got->gso_size, 0U);
    // Tx requests reach the inner token through both wrappers.
    auto tx = any->transmit(instant{});
    ASSERT_TRUE(tx);
    tx->set_offload(
        tx_offload{.needs_checksum = true, .checksum_start = 34, .checksum_offset = 16});
    tx->consume(100, [](mut_bytes f) { f[0] = 1; });
    ASSERT_TRUE(dev.last_tx);
    EXPECT_TRUE(dev.last_tx->needs_checksum);
    EXPECT_EQ(dev.last_tx->checksum_start, 34U);
    EXPECT_EQ(dev.last_tx->checksum_offset, 16U);
    EXPECT_EQ((*sink)->close().offered, 3U);  // two received frames, one sent
    std::remove(path.c_str());
}

}  // namespace
