// SPDX-License-Identifier: MIT
// bench: per-segment costs of TCP demux and the listener (core/tcp/tcp_table, listener).
#include <benchmark/benchmark.h>

#include <vector>

#include "base/rng.hpp"
#include "core/tcp/listener.hpp"
#include "core/tcp/siphash.hpp"
#include "core/tcp/tcp_table.hpp"

namespace {

using namespace netrig;
using namespace netrig::core::tcp;
using namespace std::chrono_literals;

const wire::ipv4_address us{10, 0, 0, 1};

four_tuple tuple_for(std::uint32_t i) {
    return four_tuple{us, wire::ipv4_address::from_u32(0x0a010000U + (i >> 14U)), 80,
                      static_cast<std::uint16_t>(1024 + (i & 0x3fffU))};
}

void bm_siphash_tuple(benchmark::State& state) {
    const siphash_key key{1, 2};
    four_tuple t = tuple_for(5);
    for (auto _ : state) {
        const auto b = t.to_bytes();
        benchmark::DoNotOptimize(siphash24(key, b));
        t.remote_port = static_cast<std::uint16_t>(t.remote_port + 1);
    }
}
BENCHMARK(bm_siphash_tuple);

void bm_demux_connection_hit(benchmark::State& state) {
    const auto n = static_cast<std::uint32_t>(state.range(0));
    rng r{1};
    tcp_table table{{.connections_max = n}, r};
    for (std::uint32_t i = 0; i < n; ++i) {
        (void)table.add_connection(tuple_for(i), i);
    }
    std::uint32_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(table.demux(tuple_for(i)));
        i = (i + 7919) % n;
    }
    state.counters["table_bytes"] = static_cast<double>(table.memory_bytes());
}
BENCHMARK(bm_demux_connection_hit)->Arg(100)->Arg(10'000);

void bm_demux_listener_fallback(benchmark::State& state) {
    rng r{2};
    tcp_table table{{.connections_max = 10'000}, r};
    for (std::uint32_t i = 0; i < 10'000; ++i) {
        (void)table.add_connection(tuple_for(i), i);
    }
    (void)table.add_listener(wire::ipv4_address::any(), 80, 0);
    std::uint32_t i = 20'000;
    for (auto _ : state) {
        // Miss in connections and TIME-WAIT, miss on the exact listener, hit the wildcard.
        benchmark::DoNotOptimize(table.demux(tuple_for(i++)));
    }
}
BENCHMARK(bm_demux_listener_fallback);

void bm_listener_syn(benchmark::State& state) {
    const bool cookies = state.range(0) != 0;
    listener l{{.syn_queue_max = 1024,
                .cookies = cookies ? syn_cookie_mode::always : syn_cookie_mode::never},
               listener_secrets{{1, 2}, {3, 4}, {5, 6}, {7, 8}}};
    wire::tcp::repr syn;
    syn.destination_port = 80;
    syn.flags = wire::tcp::flag::syn;
    syn.options.mss = 1460;
    syn.options.window_scale = 7;
    syn.options.sack_permitted = true;
    syn.options.ts = wire::tcp::timestamps{.value = 1, .echo = 0};
    std::uint32_t i = 0;
    for (auto _ : state) {
        syn.source_port = static_cast<std::uint16_t>(1024 + (i & 0x3ffU));
        syn.seq = wire::seq32{i};
        auto res = l.on_segment(instant{1s}, wire::ipv4_address{10, 9, 0, 1}, us, syn);
        benchmark::DoNotOptimize(res);
        ++i;
        if (!cookies && (i & 0x3ffU) == 0) {
            state.PauseTiming();
            // A fresh listener: the SYN queue is full after 1024 SYNs.
            l = listener{l.config(), listener_secrets{{1, 2}, {3, 4}, {5, 6}, {7, 8}}};
            state.ResumeTiming();
        }
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(bm_listener_syn)->Arg(0)->Arg(1);

void bm_time_wait_churn(benchmark::State& state) {
    time_wait_table tw{{.entries_max = 10'000, .two_msl = 60s}, siphash_key{1, 2}};
    std::uint32_t i = 0;
    for (auto _ : state) {
        // Full table: every insert evicts the oldest record.
        tw.insert(instant{std::chrono::milliseconds{i}}, time_wait_state{.tuple = tuple_for(i)});
        ++i;
    }
    state.counters["bytes_per_record"] = static_cast<double>(tw.memory_bytes()) / 10'000.0;
}
BENCHMARK(bm_time_wait_churn);

}  // namespace

BENCHMARK_MAIN();
