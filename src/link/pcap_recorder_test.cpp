// SPDX-License-Identifier: MIT
// Tests of pcap recording: a sim run read back with libpcap (and tshark when installed), and
// drop counting when the ring is tiny.
#include "link/pcap_recorder.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "link/sim_network.hpp"

using namespace std::chrono_literals;
using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
namespace nl = netrig::link;

namespace {

struct record {
    std::int64_t at_ns;
    std::vector<std::uint8_t> data;
};

std::vector<record> read_back(const std::string& path) {
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
    EXPECT_NE(p, nullptr) << err;
    std::vector<record> out;
    if (p == nullptr) {
        return out;
    }
    EXPECT_EQ(pcap_datalink(p), DLT_EN10MB);
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    while (pcap_next_ex(p, &h, &d) == 1) {
        out.push_back({h->ts.tv_sec * 1'000'000'000LL + h->ts.tv_usec,
                       std::vector<std::uint8_t>(d, d + h->caplen)});
    }
    pcap_close(p);
    return out;
}

std::string temp_path(const char* tag) {
    return ::testing::TempDir() + "netrig_link_" + tag + "_" + std::to_string(::getpid()) + ".pcap";
}

TEST(pcap_recorder, sim_run_round_trips_with_timestamps) {
    const std::string path = temp_path("sim");
    nl::sim_network net({.ports = 2});
    net.impair(0, nl::sim_direction::egress, {.delay = 1ms});
    auto sink = nl::pcap_sink::open(path, {.realtime_base = 1'700'000'000'000'000'000LL});
    ASSERT_TRUE(sink) << sink.error().message();
    nl::pcap_recorder<nl::sim_port&> a(net.port(0), **sink);
    static_assert(nl::link_device<nl::pcap_recorder<nl::sim_port&>>);

    for (int i = 0; i < 10; ++i) {
        const instant now{std::chrono::microseconds(100 * i)};
        a.transmit(now)->consume(60 + static_cast<std::size_t>(i), [&](mut_bytes f) {
            std::memset(f.data(), 0xff, 6);
            std::memset(f.data() + 6, 0x02, 6);
            f[12] = static_cast<std::uint8_t>(i);
        });
    }
    // Receive through a second recorder on the other port, into the same file? No: one sink
    // has one producer. Port 1 is read raw here; port 0's rx path is covered below.
    EXPECT_EQ(net.port(1).receive_batch(instant{10ms}, 100, [](bytes) {}), 10U);
    const nl::pcap_counts c = (*sink)->close();
    EXPECT_EQ(c.offered, 10U);
    EXPECT_EQ(c.written, 10U);
    EXPECT_EQ(c.dropped, 0U);

    const auto recs = read_back(path);
    ASSERT_EQ(recs.size(), 10U);
    for (std::size_t i = 0; i < recs.size(); ++i) {
        EXPECT_EQ(recs[i].at_ns,
                  1'700'000'000'000'000'000LL + static_cast<std::int64_t>(i) * 100'000);
        EXPECT_EQ(recs[i].data.size(), 60 + i);
        EXPECT_EQ(recs[i].data[12], i);
    }

    // tshark (the interop spec: files must open cleanly) when installed.
    if (::access("/usr/bin/tshark", X_OK) == 0) {
        const std::string cmd = "tshark -r '" + path + "' -T fields -e frame.len 2>/dev/null";
        FILE* f = ::popen(cmd.c_str(), "r");
        ASSERT_NE(f, nullptr);
        int lines = 0;
        char buf[256];
        while (std::fgets(buf, sizeof buf, f) != nullptr) {
            EXPECT_EQ(std::atoi(buf), 60 + lines) << buf;
            ++lines;
        }
        EXPECT_EQ(::pclose(f), 0);
        EXPECT_EQ(lines, 10);
    }
    std::remove(path.c_str());
}

TEST(pcap_recorder, records_receive_side) {
    const std::string path = temp_path("rx");
    nl::sim_network net({.ports = 2});
    auto sink = nl::pcap_sink::open(path, {});
    ASSERT_TRUE(sink);
    nl::pcap_recorder<nl::sim_port&> b(net.port(1), **sink);
    for (int i = 0; i < 5; ++i) {
        net.port(0).transmit(instant{})->consume(
            64, [](mut_bytes f) { std::memset(f.data(), 0xff, 12); });
    }
    {
        auto one = b.receive(instant{});
        ASSERT_TRUE(one);
        EXPECT_EQ(one->frame().size(), 64U);
    }
    EXPECT_EQ(b.receive_batch(instant{}, 10, [](bytes) {}), 4U);
    EXPECT_EQ((*sink)->close().written, 5U);
    EXPECT_EQ(read_back(path).size(), 5U);
    std::remove(path.c_str());
}

TEST(pcap_recorder, tiny_ring_drops_and_counts_never_blocks) {
    const std::string path = temp_path("tiny");
    auto sink = nl::pcap_sink::open(path, {.ring_frames = 2});
    ASSERT_TRUE(sink);
    std::vector<std::uint8_t> frame(1500, 0xab);
    int refused = 0;
    for (int i = 0; i < 20000; ++i) {
        refused += !(*sink)->offer(instant{std::chrono::nanoseconds(i)}, frame);
    }
    const nl::pcap_counts c = (*sink)->close();
    EXPECT_EQ(c.offered, 20000U);
    EXPECT_GT(c.dropped, 0U);
    EXPECT_EQ(c.dropped, static_cast<std::uint64_t>(refused));
    EXPECT_EQ(c.written + c.dropped, c.offered);
    EXPECT_EQ(read_back(path).size(), c.written);
    std::remove(path.c_str());
}

TEST(pcap_recorder, unwritable_path_is_an_error) {
    auto sink = nl::pcap_sink::open("/nonexistent-dir-netrig/x.pcap", {});
    ASSERT_FALSE(sink);
    EXPECT_EQ(sink.error(), std::errc::no_such_file_or_directory);
}

}  // namespace
