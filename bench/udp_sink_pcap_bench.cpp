// SPDX-License-Identifier: MIT
// Google Benchmark of the pcap recorder's whole cost per frame: the producer's offer() plus the
// writer thread's work (record walk, write(2) into the page cache). Run it pinned to ONE CPU
// (`taskset -c 1 udp_sink_pcap_bench`) so that both sides share it, as in the UDP sink: then
// items/s is the most frames one core can record, and 1e9 / items_per_second the ns of CPU a
// recorded frame costs; the counter cpu_ns_per_frame measures the same with the process CPU
// clock (both threads, user + system), which stays meaningful on a loaded machine. When the ring is full the producer yields the CPU to the writer and
// offers the same frame again, so every frame is recorded. The file goes to $PCAP_DIR
// (default /dev/shm), so disk speed is not measured.
#include <benchmark/benchmark.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "link/pcap_recorder.hpp"

namespace nl = netrig::link;

namespace {

double process_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

std::string pcap_path() {
    const char* dir = std::getenv("PCAP_DIR");
    return std::string(dir != nullptr ? dir : "/dev/shm") + "/netrig_pcap_bench_" +
           std::to_string(::getpid()) + ".pcap";
}

void bm_pcap_record(benchmark::State& state) {
    const auto frame_bytes = static_cast<std::size_t>(state.range(0));
    std::vector<std::uint8_t> frame(frame_bytes, 0x5a);
    const std::string path = pcap_path();
    auto sink = nl::pcap_sink::open(
        path, {.realtime_base = 1'700'000'000'000'000'000LL,
               .ring_bytes = static_cast<std::size_t>(state.range(1)) << 10U,
               .snap_bytes = static_cast<std::size_t>(state.range(2))});
    if (!sink) {
        state.SkipWithError(sink.error().message().c_str());
        return;
    }
    std::int64_t ns = 0;
    std::uint64_t yields = 0;
    const double cpu_start = process_cpu_ns();
    for (auto _ : state) {
        const netrig::instant at{std::chrono::nanoseconds(++ns)};
        while (!(*sink)->offer(at, frame)) {
            ++yields;
            ::sched_yield();
        }
    }
    const nl::pcap_counts c = (*sink)->close();  // includes the final drain
    const double cpu_ns = process_cpu_ns() - cpu_start;
    ::unlink(path.c_str());
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame_bytes));
    state.counters["written"] = static_cast<double>(c.written);
    state.counters["cpu_ns_per_frame"] = cpu_ns / static_cast<double>(state.iterations());
    state.counters["full_retries"] = static_cast<double>(yields);
}

// Arguments: frame bytes, ring KiB, snap length.
BENCHMARK(bm_pcap_record)
    ->ArgNames({"frame", "ring_kib", "snap"})
    ->Args({106, 8192, 65536})
    ->Args({1514, 8192, 65536})
    ->Args({106, 1024, 65536})
    ->Args({1514, 1024, 65536})
    ->Args({1514, 8192, 128})
    ->UseRealTime()
    ->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
