// SPDX-License-Identifier: MIT
// Google Benchmark kernels of the link layer's in-memory parts: one impairment decision, a
// frame through a sim port pair, and through a fault wrapper.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>

#include "link/fault.hpp"
#include "link/impairment.hpp"
#include "link/sim_network.hpp"

using netrig::bytes;
using netrig::instant;
using netrig::mut_bytes;
namespace nl = netrig::link;
using namespace std::chrono_literals;

namespace {

void bm_impairment_decide(benchmark::State& state) {
    nl::impairment_engine e({.loss = 0.01,
                             .burst = {.p_good_to_bad = 0.001, .p_bad_to_good = 0.3},
                             .duplicate = 0.01,
                             .delay = 1ms,
                             .jitter = 100us,
                             .corrupt = 0.001,
                             .rate_bits_per_second = 10'000'000'000,
                             .queue_bytes = 1'000'000},
                            1);
    instant now{};
    for (auto _ : state) {
        now += 100ns;
        benchmark::DoNotOptimize(e.decide(now, 1500));
    }
}
BENCHMARK(bm_impairment_decide);

template <class Tx>
void send_one(Tx& dev, instant now, std::size_t len) {
    dev.transmit(now)->consume(len, [](mut_bytes f) {
        std::memset(f.data(), 0xff, 6);
        std::memset(f.data() + 6, 0x02, 6);
    });
}

void bm_sim_round_trip(benchmark::State& state) {
    nl::sim_network net({.ports = 2});
    const auto len = static_cast<std::size_t>(state.range(0));
    std::uint64_t sum = 0;
    for (auto _ : state) {
        send_one(net.port(0), instant{}, len);
        net.port(1).receive_batch(instant{}, 1, [&](bytes f) { sum += f[0]; });
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(bm_sim_round_trip)->Arg(106)->Arg(1514);

void bm_fault_over_sim(benchmark::State& state) {
    nl::sim_network net({.ports = 2});
    nl::fault<nl::sim_port&> f(net.port(0), {.tx = {.loss = 0.01}});
    const auto len = static_cast<std::size_t>(state.range(0));
    std::uint64_t sum = 0;
    for (auto _ : state) {
        send_one(f, instant{}, len);
        net.port(1).receive_batch(instant{}, 1, [&](bytes b) { sum += b[0]; });
    }
    benchmark::DoNotOptimize(sum);
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_fault_over_sim)->Arg(106)->Arg(1514);

}  // namespace

BENCHMARK_MAIN();
