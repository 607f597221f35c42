// SPDX-License-Identifier: MIT
// bench: the RFC 1071 sum against memcpy of the same sizes (the ratio is what matters: memcpy
// is the speed of light for touching every byte once), and the parse cost of a TCP/IPv4 frame.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "base/rng.hpp"
#include "wire/checksum.hpp"
#include "wire/ethernet.hpp"
#include "wire/ipv4.hpp"
#include "wire/tcp.hpp"

namespace {

using namespace netrig;
using namespace netrig::wire;

std::vector<std::uint8_t> random_bytes(std::size_t n) {
    rng r{n};
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) {
        b = static_cast<std::uint8_t>(r());
    }
    return v;
}

void bm_checksum(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto buf = random_bytes(n);
    for (auto _ : state) {
        benchmark::DoNotOptimize(buf.data());
        std::uint16_t s = ones_sum(buf);
        benchmark::DoNotOptimize(s);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

// The textbook 16-bit loop of RFC 1071 §4.1, to show what the wide kernel buys.
void bm_checksum_naive16(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto buf = random_bytes(n);
    for (auto _ : state) {
        benchmark::DoNotOptimize(buf.data());
        std::uint32_t sum = 0;
        for (std::size_t i = 0; i + 1 < n; i += 2) {
            sum += static_cast<std::uint32_t>((buf[i] << 8U) | buf[i + 1]);
        }
        while ((sum >> 16U) != 0) {
            sum = (sum & 0xffffU) + (sum >> 16U);
        }
        benchmark::DoNotOptimize(sum);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void bm_memcpy(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto src = random_bytes(n);
    std::vector<std::uint8_t> dst(n);
    for (auto _ : state) {
        benchmark::DoNotOptimize(src.data());
        std::memcpy(dst.data(), src.data(), n);
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

// An Ethernet/IPv4/TCP frame like a bulk-transfer segment: TS option, range(0) payload bytes.
std::vector<std::uint8_t> tcp_frame(std::size_t payload_len) {
    const auto payload = random_bytes(payload_len);
    tcp::repr t;
    t.source_port = 5201;
    t.destination_port = 40000;
    t.seq = seq32{1000};
    t.ack = seq32{2000};
    t.flags = tcp::flag::ack | tcp::flag::psh;
    t.window = 502;
    t.options.ts = tcp::timestamps{1, 2};
    t.payload = payload;
    ipv4::repr ip;
    ip.source = ipv4_address(10, 0, 0, 1);
    ip.destination = ipv4_address(10, 0, 0, 2);
    ip.protocol = ipv4::protocol::tcp;
    ip.payload_len = static_cast<std::uint16_t>(t.buffer_len());
    const ethernet::repr eth{mac_address::broadcast(), mac_address{}, ethernet::ethertype::ipv4,
                             std::nullopt};
    std::vector<std::uint8_t> f(eth.buffer_len() + ip.buffer_len());
    eth.emit(f);
    auto ip_bytes = mut_bytes{f}.subspan(eth.buffer_len());
    ip.emit(ip_bytes);
    t.emit(ip_bytes.subspan(ip.header_len()), ip.source, ip.destination);
    return f;
}

void bm_parse_tcp_frame(benchmark::State& state) {
    const auto frame = tcp_frame(static_cast<std::size_t>(state.range(0)));
    const auto policy = state.range(1) != 0 ? checksum_policy::compute : checksum_policy::skip;
    for (auto _ : state) {
        benchmark::DoNotOptimize(frame.data());
        auto eth = ethernet::view::parse(frame);
        auto ipv = ipv4::view::parse(eth->payload());
        auto ip = ipv4::repr::parse(*ipv, policy);
        auto tv = tcp::view::parse(ipv->payload());
        auto t = tcp::repr::parse(*tv, ip->source, ip->destination, policy);
        if (!t) {
            state.SkipWithError("parse failed");
            break;
        }
        benchmark::DoNotOptimize(t->seq);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(frame.size()));
}

}  // namespace

BENCHMARK(bm_checksum)->Arg(64)->Arg(512)->Arg(1500)->Arg(9000)->Arg(65536);
BENCHMARK(bm_memcpy)->Arg(64)->Arg(512)->Arg(1500)->Arg(9000)->Arg(65536);
BENCHMARK(bm_checksum_naive16)->Arg(1500)->Arg(65536);
// Args: payload bytes, verify checksums (1) or skip them as with rx offload (0).
BENCHMARK(bm_parse_tcp_frame)->Args({0, 1})->Args({1448, 1})->Args({0, 0})->Args({1448, 0});

BENCHMARK_MAIN();
