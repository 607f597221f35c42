// SPDX-License-Identifier: MIT
// Tests of pcap recording: a sim run read back with libpcap (and tshark when installed), every
// frame and nanosecond timestamp of a long wrapping run, snap length, drop counting when the
// ring is tiny, open errors, and the writer thread's CPU placement.
#include "link/pcap_recorder.hpp"

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "base/rng.hpp"
#include "link/sim_network.hpp"

using namespace std::chrono_literals;
using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
namespace nl = netrig::link;

namespace {

struct record {
    std::int64_t at_ns;
    std::uint32_t len;  // original length
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
        out.push_back({h->ts.tv_sec * 1'000'000'000LL + h->ts.tv_usec, h->len,
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
    auto sink = nl::pcap_sink::open(path, {.ring_bytes = 4096});
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

// A frame whose bytes and length derive from its index, so the read-back can check each one.
std::vector<std::uint8_t> numbered_frame(std::size_t i) {
    std::vector<std::uint8_t> f(60 + (i * 7919) % 1455);
    for (std::size_t k = 0; k < f.size(); ++k) {
        f[k] = static_cast<std::uint8_t>(i * 31 + k);
    }
    return f;
}

TEST(pcap_recorder, long_run_wraps_the_ring_and_keeps_every_frame_and_ns_timestamp) {
    const std::string path = temp_path("wrap");
    // 64 KiB of ring: 20000 frames of 60..1514 bytes (15 MB) wrap it hundreds of times.
    const std::int64_t base = 1'700'000'000'123'456'789LL;
    auto sink = nl::pcap_sink::open(path, {.realtime_base = base, .ring_bytes = 65536});
    ASSERT_TRUE(sink) << sink.error().message();
    EXPECT_EQ((*sink)->ring_bytes(), 65536U);
    constexpr std::size_t frames = 20000;
    std::uint64_t refused = 0;
    for (std::size_t i = 0; i < frames; ++i) {
        const auto f = numbered_frame(i);
        // Odd nanoseconds: a microsecond file or a lost fraction would show.
        const instant at{std::chrono::nanoseconds(static_cast<std::int64_t>(i) * 1'000'003)};
        while (!(*sink)->offer(at, f)) {
            ++refused;  // full: let the writer catch up, then retry the same frame
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    }
    const nl::pcap_counts c = (*sink)->close();
    EXPECT_EQ(c.offered, frames + refused);
    EXPECT_EQ(c.dropped, refused);
    EXPECT_EQ(c.written, frames);
    EXPECT_EQ(c.failed, 0U);
    EXPECT_GT(c.writer_cpu_ns, 0U);  // the writer's own CPU time is reported

    const auto recs = read_back(path);
    ASSERT_EQ(recs.size(), frames);
    for (std::size_t i = 0; i < frames; ++i) {
        const auto f = numbered_frame(i);
        ASSERT_EQ(recs[i].at_ns, base + static_cast<std::int64_t>(i) * 1'000'003) << i;
        ASSERT_EQ(recs[i].len, f.size()) << i;
        ASSERT_EQ(recs[i].data, f) << i;
    }
    std::remove(path.c_str());
}

TEST(pcap_recorder, snap_length_cuts_frames_and_keeps_the_original_length) {
    const std::string path = temp_path("snap");
    auto sink = nl::pcap_sink::open(path, {.snap_bytes = 100});
    ASSERT_TRUE(sink);
    const auto big = numbered_frame(3);
    std::vector<std::uint8_t> small(60, 0x11);
    EXPECT_TRUE((*sink)->offer(instant{}, big));
    EXPECT_TRUE((*sink)->offer(instant{}, small));
    EXPECT_EQ((*sink)->close().written, 2U);

    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
    ASSERT_NE(p, nullptr) << err;
    EXPECT_EQ(pcap_snapshot(p), 100);
    pcap_close(p);
    const auto recs = read_back(path);
    ASSERT_EQ(recs.size(), 2U);
    EXPECT_EQ(recs[0].len, big.size());
    EXPECT_EQ(recs[0].data, std::vector<std::uint8_t>(big.begin(), big.begin() + 100));
    EXPECT_EQ(recs[1].len, 60U);
    EXPECT_EQ(recs[1].data, small);
    std::remove(path.c_str());
}

// RFC 1071 §4.1's reference loop: big-endian 16-bit words, an odd last byte padded with zero.
std::uint16_t reference_sum(const std::vector<std::uint8_t>& d, std::size_t from) {
    std::uint32_t sum = 0;
    for (std::size_t i = from; i < d.size(); i += 2) {
        sum += (unsigned{d[i]} << 8U) | (i + 1 < d.size() ? d[i + 1] : 0U);
        sum = (sum & 0xffffU) + (sum >> 16U);
    }
    return static_cast<std::uint16_t>(sum);
}

TEST(pcap_recorder, partial_checksums_are_completed_in_the_capture_only) {
    // A UDP frame as a stack with tx checksum offload writes it: the field (offset 34 + 6)
    // holds the pseudo-header sum P. The capture must show ~sum(L4 with P in the field), which
    // verifies with the pseudo-header: sum(L4 with the result) + P == 0xffff. The frame itself
    // is not changed.
    netrig::rng random{9};
    std::vector<std::uint8_t> frame(14 + 20 + 8 + 1473);
    for (auto& b : frame) {
        b = static_cast<std::uint8_t>(random());
    }
    const std::uint16_t pseudo = 0x1234;
    frame[40] = pseudo >> 8U;
    frame[41] = pseudo & 0xffU;
    const auto original = frame;
    const nl::frame_offload off{.needs_checksum = true, .checksum_start = 34, .checksum_offset = 6};
    const auto partial = nl::detail::capture_checksum(frame, off);
    ASSERT_TRUE(partial.has_value());
    EXPECT_EQ(partial->start + partial->offset, 40U);
    EXPECT_FALSE(nl::detail::capture_checksum(frame, nl::frame_offload{}).has_value());

    const std::string path = temp_path("patch");
    // Whole frames; a snap length that keeps the field but cuts the payload (the cut-off bytes
    // still count in the sum); one that cuts the field (the capture keeps the frame's bytes).
    for (std::size_t snap : {std::size_t{65536}, std::size_t{57}, std::size_t{41}}) {
        auto sink = nl::pcap_sink::open(path, {.snap_bytes = snap});
        ASSERT_TRUE(sink);
        EXPECT_TRUE((*sink)->offer(instant{}, frame, partial));
        EXPECT_EQ((*sink)->close().written, 1U);
        const auto recs = read_back(path);
        ASSERT_EQ(recs.size(), 1U);
        EXPECT_EQ(frame, original);
        if (snap == 41) {
            EXPECT_EQ(recs[0].data, std::vector<std::uint8_t>(frame.begin(), frame.begin() + 41));
            continue;
        }
        auto got = recs[0].data;
        ASSERT_EQ(got.size(), std::min(snap, frame.size()));
        const unsigned value = (unsigned{got[40]} << 8U) | got[41];
        // Verify the way a receiver does, over the whole frame: the completed field, the
        // payload as sent, plus P.
        auto whole = frame;
        whole[40] = got[40];
        whole[41] = got[41];
        std::uint32_t sum = reference_sum(whole, 34) + pseudo;
        sum = (sum & 0xffffU) + (sum >> 16U);
        sum = (sum & 0xffffU) + (sum >> 16U);
        EXPECT_EQ(sum, 0xffffU) << "snap " << snap << " field " << value;
        got[40] = frame[40];
        got[41] = frame[41];
        EXPECT_EQ(got, std::vector<std::uint8_t>(frame.begin(), frame.begin() + got.size()))
            << "only the field differs from the frame";
    }
    std::remove(path.c_str());
}

std::vector<std::uint8_t> file_bytes(const std::string& path) {
    std::vector<std::uint8_t> out;
    FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        return out;
    }
    std::uint8_t buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
        out.insert(out.end(), buf, buf + n);
    }
    std::fclose(f);
    return out;
}

// Records frames of 60..1514 bytes with a 65,000-byte GRO frame every 1000 into `path`,
// retrying refused offers, and checks the counts.
void record_mixed(const std::string& path, const nl::pcap_options& o, std::size_t frames,
                  bool* direct) {
    auto sink = nl::pcap_sink::open(path, o);
    ASSERT_TRUE(sink) << sink.error().message();
    *direct = (*sink)->opened_direct();
    std::uint64_t refused = 0;
    for (std::size_t i = 0; i < frames; ++i) {
        auto f = numbered_frame(i);
        if (i % 1000 == 999) {
            f.resize(65000, static_cast<std::uint8_t>(i));
        }
        const instant at{std::chrono::nanoseconds(static_cast<std::int64_t>(i) * 977)};
        while (!(*sink)->offer(at, f)) {
            ++refused;
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    }
    const nl::pcap_counts c = (*sink)->close();
    EXPECT_EQ(c.written, frames);
    EXPECT_EQ(c.dropped, refused);
    EXPECT_EQ(c.failed, 0U);
}

TEST(pcap_recorder, direct_and_buffered_writes_make_the_same_file) {
    // O_DIRECT writes whole 4 KiB blocks and the last partial one without it; the file must
    // be the byte stream a plain writer makes, whatever the ring's wrap points and sizes.
    for (const std::size_t frames :
         {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{5003}}) {
        const std::string pd = temp_path("direct");
        const std::string pb = temp_path("buffered");
        bool direct = false;
        bool buffered_direct = true;
        record_mixed(pd, {.ring_bytes = 256 * 1024, .snap_bytes = 65536, .direct_io = true}, frames,
                     &direct);
        record_mixed(pb, {.ring_bytes = 256 * 1024, .snap_bytes = 65536, .direct_io = false},
                     frames, &buffered_direct);
        EXPECT_FALSE(buffered_direct);
        struct statfs fs {};
        if (::statfs(::testing::TempDir().c_str(), &fs) == 0 && fs.f_type == EXT4_SUPER_MAGIC) {
            EXPECT_TRUE(direct);  // the case under test is really taken
        }
        const auto a = file_bytes(pd);
        const auto b = file_bytes(pb);
        EXPECT_EQ(a.size(), b.size()) << frames;
        EXPECT_TRUE(a == b) << frames << " frames differ (direct: " << direct << ")";
        const auto recs = read_back(pd);
        ASSERT_EQ(recs.size(), frames);
        for (std::size_t i = 0; i < frames; ++i) {
            ASSERT_EQ(recs[i].at_ns, static_cast<std::int64_t>(i) * 977) << i;
        }
        std::remove(pd.c_str());
        std::remove(pb.c_str());
    }
}

// Polls counts() until `written` reaches want or a second passed; returns the last value.
std::uint64_t written_soon(const nl::pcap_sink& sink, std::uint64_t want) {
    std::uint64_t w = 0;
    for (int i = 0; i < 1000 && (w = sink.counts().written) < want; ++i) {
        std::this_thread::sleep_for(1ms);
    }
    return w;
}

TEST(pcap_recorder, written_counts_whole_records_in_the_file_while_capturing) {
    // With O_DIRECT the writer writes whole 4 KiB blocks and counts the records that end at or
    // before the last one from the producer's block marks, not by reading headers back.
    const std::string path = temp_path("marks");
    auto sink = nl::pcap_sink::open(path, {.ring_bytes = 1U << 20U});
    ASSERT_TRUE(sink);
    if (!(*sink)->opened_direct()) {
        (void)(*sink)->close();
        std::remove(path.c_str());
        GTEST_SKIP() << "the temp dir's file system refused O_DIRECT";
    }
    const std::vector<std::uint8_t> small(984, 0x11);  // 1000-byte records
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE((*sink)->offer(instant{std::chrono::nanoseconds(i)}, small));
    }
    // The stream is 24 + 10 * 1000 bytes: 2 whole blocks (8192) hold records 1-8.
    EXPECT_EQ(written_soon(**sink, 8), 8U);
    std::this_thread::sleep_for(20ms);  // nothing more is due: no partial block goes out
    EXPECT_EQ((*sink)->counts().written, 8U);
    // A record spanning two boundaries (10024 to 20024): blocks to 16384 go out, and the
    // records ending by then are the first ten.
    const std::vector<std::uint8_t> big(9984, 0x22);
    ASSERT_TRUE((*sink)->offer(instant{std::chrono::nanoseconds(10)}, big));
    EXPECT_EQ(written_soon(**sink, 10), 10U);
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ((*sink)->counts().written, 10U);
    const nl::pcap_counts c = (*sink)->close();
    EXPECT_EQ(c.written, 11U);
    const auto recs = read_back(path);
    ASSERT_EQ(recs.size(), 11U);
    EXPECT_EQ(recs[10].data, big);
    std::remove(path.c_str());
}

TEST(pcap_recorder, direct_io_is_taken_where_the_file_system_offers_it) {
    // ext4 (this project's CI disk) takes O_DIRECT; a pipe cannot seek and is written plainly.
    struct statfs fs {};
    const std::string path = temp_path("fs");
    auto sink = nl::pcap_sink::open(path, {});
    ASSERT_TRUE(sink);
    if (::statfs(path.c_str(), &fs) == 0 && fs.f_type == EXT4_SUPER_MAGIC) {
        EXPECT_TRUE((*sink)->opened_direct());
    } else {
        std::printf("temp dir is not ext4 (f_type %lx): O_DIRECT %s\n",
                    static_cast<unsigned long>(fs.f_type),
                    (*sink)->opened_direct() ? "taken" : "not taken");
    }
    (void)(*sink)->close();
    std::remove(path.c_str());
    // A 4 KiB ring cannot hold a partial block besides a record: it is written plainly.
    auto tiny = nl::pcap_sink::open(path, {.ring_bytes = 4096});
    ASSERT_TRUE(tiny);
    EXPECT_FALSE((*tiny)->opened_direct());
    (void)(*tiny)->close();
    std::remove(path.c_str());
}

TEST(pcap_recorder, a_fifo_is_written_without_seeking) {
    const std::string path = temp_path("fifo");
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    std::vector<std::uint8_t> got;
    std::thread reader([&] { got = file_bytes(path); });  // opens the read end, reads to EOF
    auto sink = nl::pcap_sink::open(path, {});
    ASSERT_TRUE(sink) << sink.error().message();
    EXPECT_FALSE((*sink)->opened_direct());
    for (std::size_t i = 0; i < 300; ++i) {
        const auto f = numbered_frame(i);
        while (!(*sink)->offer(instant{std::chrono::nanoseconds(i)}, f)) {
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    }
    EXPECT_EQ((*sink)->close().written, 300U);
    reader.join();
    const std::string copy = temp_path("fifo_copy");
    FILE* f = std::fopen(copy.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(got.data(), 1, got.size(), f);
    std::fclose(f);
    const auto recs = read_back(copy);
    ASSERT_EQ(recs.size(), 300U);
    EXPECT_EQ(recs[299].data, numbered_frame(299));
    std::remove(copy.c_str());
    std::remove(path.c_str());
}

TEST(pcap_recorder, offers_after_close_are_dropped_and_counted) {
    const std::string path = temp_path("closed");
    auto sink = nl::pcap_sink::open(path, {});
    ASSERT_TRUE(sink);
    std::vector<std::uint8_t> frame(64, 1);
    EXPECT_TRUE((*sink)->offer(instant{}, frame));
    (void)(*sink)->close();
    EXPECT_FALSE((*sink)->offer(instant{}, frame));
    const nl::pcap_counts c = (*sink)->close();
    EXPECT_EQ(c.offered, 2U);
    EXPECT_EQ(c.written, 1U);
    EXPECT_EQ(c.dropped, 1U);
    EXPECT_EQ(read_back(path).size(), 1U);
    std::remove(path.c_str());
}

TEST(pcap_recorder, full_disk_is_an_error_at_open) {
    // /dev/full refuses every write with ENOSPC, the file header included.
    if (::access("/dev/full", W_OK) != 0) {
        GTEST_SKIP() << "no writable /dev/full";
    }
    auto sink = nl::pcap_sink::open("/dev/full", {});
    ASSERT_FALSE(sink);
    EXPECT_EQ(sink.error(), std::errc::no_space_on_device);
}

TEST(pcap_recorder, unwritable_path_is_an_error) {
    auto sink = nl::pcap_sink::open("/nonexistent-dir-netrig/x.pcap", {});
    ASSERT_FALSE(sink);
    EXPECT_EQ(sink.error(), std::errc::no_such_file_or_directory);
}

// Runs fn on a thread pinned to `cpu` (the test's own affinity is left alone).
template <class Fn>
void on_cpu(std::size_t cpu, Fn&& fn) {
    std::thread t([&] {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        ASSERT_EQ(::pthread_setaffinity_np(::pthread_self(), sizeof one, &one), 0);
        fn();
    });
    t.join();
}

TEST(pcap_recorder, writer_leaves_the_cpu_a_pinned_creator_runs_on) {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    ASSERT_EQ(::sched_getaffinity(0, sizeof allowed, &allowed), 0);
    if (CPU_COUNT(&allowed) < 2 || !CPU_ISSET(0U, &allowed) || !CPU_ISSET(1U, &allowed)) {
        GTEST_SKIP() << "needs CPUs 0 and 1";
    }
    const std::string path = temp_path("cpus");
    on_cpu(1U, [&] {
        auto sink = nl::pcap_sink::open(path, {});
        ASSERT_TRUE(sink) << sink.error().message();
        const std::vector<int> cpus = (*sink)->writer_cpu_list();
        ASSERT_FALSE(cpus.empty());
        EXPECT_EQ(std::count(cpus.begin(), cpus.end(), 1), 0) << "writer shares the pinned CPU";
        EXPECT_EQ(std::count(cpus.begin(), cpus.end(), 0), 1);
        // The capture still works from the pinned thread.
        const std::vector<std::uint8_t> frame(60, 0xab);
        EXPECT_TRUE((*sink)->offer(instant{}, frame));
        EXPECT_EQ((*sink)->close().written, 1U);
        EXPECT_TRUE((*sink)->writer_cpu_list().empty());
    });
    on_cpu(1U, [&] {
        // inherit: the writer stays where the creator is pinned.
        auto sink = nl::pcap_sink::open(path, {.writer_cpus = nl::pcap_writer_cpus::inherit});
        ASSERT_TRUE(sink) << sink.error().message();
        EXPECT_EQ((*sink)->writer_cpu_list(), std::vector<int>{1});
    });
    EXPECT_EQ(read_back(path).size(), 0U);  // the second sink truncated the file
    std::remove(path.c_str());
}

}  // namespace
