// SPDX-License-Identifier: MIT
// fuzz: the TCP listener side (core/tcp/listener, time_wait) under hostile segment sequences.
// Input: records of 12 bytes: op, port, flags, seq mode, ack mode, option bits, then 6 bytes of
// values (seq/ack/TSval material, or a clock step). Every step re-checks the queue bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/tcp/listener.hpp"
#include "core/tcp/time_wait.hpp"

namespace {

using namespace netrig;
using namespace netrig::core::tcp;

constexpr std::size_t record_len = 12;
constexpr std::uint32_t syn_queue_max = 8;
constexpr std::uint32_t backlog = 4;
constexpr std::size_t ports = 16;

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

std::uint32_t load32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24U) | (std::uint32_t{p[1]} << 16U) |
           (std::uint32_t{p[2]} << 8U) | std::uint32_t{p[3]};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const wire::ipv4_address us{10, 0, 0, 1};
    const wire::ipv4_address peer{10, 0, 0, 2};
    listener l{{.backlog = backlog,
                .syn_queue_max = syn_queue_max,
                .synack_retries = 3,
                .cookies = syn_cookie_mode::when_full},
               listener_secrets{{1, 2}, {3, 4}, {5, 6}, {7, 8}}};
    time_wait_table tw{{.entries_max = 4}, siphash_key{9, 9}};
    std::array<wire::seq32, ports> synack_seq{};
    std::array<std::uint32_t, ports> synack_ts{};
    instant now{std::chrono::seconds{1}};

    for (std::size_t off = 0; off + record_len <= size; off += record_len) {
        const std::uint8_t* r = data + off;
        const std::uint8_t op = r[0] % 5;
        const std::size_t port_index = r[1] % ports;
        const auto from_port = static_cast<std::uint16_t>(40000 + port_index);
        const four_tuple tuple{us, peer, 80, from_port};
        if (op == 1) {
            now += std::chrono::milliseconds{load32(r + 6) % 200'000};
            (void)tw.expire(now);
            continue;
        }
        if (op == 2) {
            (void)l.poll(now, [&](const listener_reply& reply) {
                require(reply.tcp.flags == (wire::tcp::flag::syn | wire::tcp::flag::ack));
                return (r[2] & 1U) == 0;
            });
            continue;
        }
        if (op == 3) {
            if (l.accept_queue_len() > 0) {
                l.on_accepted();
            }
            if ((r[2] & 1U) != 0) {
                tw.insert(now, time_wait_state{
                                   .tuple = tuple,
                                   .snd_nxt = wire::seq32{load32(r + 6)},
                                   .rcv_nxt = wire::seq32{load32(r + 8)},
                                   .ts_recent = (r[5] & 1U) ? std::optional{r[4]} : std::nullopt});
            }
            continue;
        }
        wire::tcp::repr seg;
        seg.source_port = from_port;
        seg.destination_port = 80;
        seg.flags = r[2];
        const std::uint32_t v = load32(r + 6);
        // Sequence numbers near the ones that matter (the peer's ISN 1000 + small), or anywhere.
        seg.seq = (r[3] & 1U) ? wire::seq32{v} : wire::seq32{1000U + (v & 0xffU)};
        seg.ack =
            (r[4] & 1U) ? wire::seq32{load32(r + 8)} : synack_seq[port_index] + ((r[4] >> 1U) & 3U);
        seg.window = static_cast<std::uint16_t>(v);
        const std::uint8_t opt = r[5];
        if (opt & 1U) {
            seg.options.mss = static_cast<std::uint16_t>(v >> 8U);
        }
        if (opt & 2U) {
            seg.options.window_scale = static_cast<std::uint8_t>(r[11] & 0x1fU);
        }
        seg.options.sack_permitted = (opt & 4U) != 0;
        if (opt & 8U) {
            seg.options.ts = wire::tcp::timestamps{
                .value = (opt & 16U) ? v : 500U + r[11],
                .echo = (opt & 32U) ? load32(r + 8) : synack_ts[port_index] ^ (r[10] & 0x3fU)};
        }
        std::optional<wire::seq32> iss;
        if (tw.find(tuple) != nullptr) {
            const auto action = tw.on_segment(now, tuple, seg);
            if (action != time_wait_action::reuse) {
                continue;
            }
            iss = tw.on_syn(tuple, seg, l.would_use_timestamps(seg), l.isn(now, tuple));
            if (!iss) {
                continue;
            }
        }
        const auto res = l.on_segment(now, peer, us, seg, iss);
        if (res.reply) {
            require(res.reply->destination == peer);
            require(res.reply->tcp.destination_port == from_port);
            if (res.reply->tcp.flags == (wire::tcp::flag::syn | wire::tcp::flag::ack)) {
                synack_seq[port_index] = res.reply->tcp.seq + 1U;
                synack_ts[port_index] =
                    res.reply->tcp.options.ts ? res.reply->tcp.options.ts->value : 0;
            }
        }
        if (res.established) {
            require(res.established->tuple == tuple);
            require(!res.established->window_scale || *res.established->window_scale <= 14);
            require(!res.established->peer_window_scale ||
                    *res.established->peer_window_scale <= 14);
        }
        require(l.syn_queue_len() <= syn_queue_max);
        require(l.accept_queue_len() <= backlog);
        require(tw.size() <= 4);
        if (const auto d = l.next_deadline()) {
            require(l.syn_queue_len() > 0);
        }
    }
    return 0;
}
