// SPDX-License-Identifier: MIT
// core/tcp: test helpers for connection tests in the style of smoltcp's socket tests: craft a
// segment, feed it with an explicit time, and collect (emit + re-parse) what the connection
// sends. Test-only: allocates per segment.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/rng.hpp"
#include "core/tcp/connection.hpp"
#include "wire/tcp.hpp"

namespace netrig::core::tcp::testing {

namespace flag = wire::tcp::flag;
using wire::seq32;

inline const wire::ipv4_address local_ip{10, 0, 0, 1};
inline const wire::ipv4_address remote_ip{10, 0, 0, 2};
inline constexpr std::uint16_t local_port = 80;
inline constexpr std::uint16_t remote_port = 49152;
inline constexpr seq32 local_iss{1000};
inline constexpr seq32 remote_iss{5000};

/// The time `ms` milliseconds after the origin.
inline instant at_ms(std::int64_t ms) {
    return instant{std::chrono::milliseconds{ms}};
}

/// A segment as sent or received, with owned payload.
struct seg {
    std::uint8_t flags = flag::ack;
    seq32 seq;
    seq32 ack;
    std::uint16_t window = 65535;
    wire::tcp::options options{};
    std::string payload;

    friend bool operator==(const seg&, const seg&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const seg& s) {
    os << "{flags=0x" << std::hex << unsigned{s.flags} << std::dec << " seq=" << s.seq.raw()
       << " ack=" << s.ack.raw() << " win=" << s.window << " len=" << s.payload.size();
    if (s.options.mss) {
        os << " mss=" << *s.options.mss;
    }
    if (s.options.window_scale) {
        os << " ws=" << unsigned{*s.options.window_scale};
    }
    if (s.options.ts) {
        os << " ts=" << s.options.ts->value << "/" << s.options.ts->echo;
    }
    if (s.options.sack_permitted) {
        os << " sackok";
    }
    for (std::size_t i = 0; i < s.options.sack_count; ++i) {
        os << " sack=" << s.options.sack_blocks[i].left.raw() << "-"
           << s.options.sack_blocks[i].right.raw();
    }
    return os << "}";
}

/// The tuple of the connection under test.
/// n bytes of seeded pseudo-random data (payloads whose corruption or reordering shows).
inline std::vector<std::uint8_t> pattern(std::size_t n, std::uint64_t seed) {
    rng r{seed};
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) {
        b = static_cast<std::uint8_t>(r());
    }
    return v;
}

inline four_tuple test_tuple() {
    return four_tuple{local_ip, remote_ip, local_port, remote_port};
}

/// Config without options, so exact segment comparisons stay short (tests that need options
/// turn them on).
inline conn_config plain_config() {
    conn_config c;
    c.window_scaling = false;
    c.timestamps = false;
    c.sack = false;
    c.recv_buffer_initial = 64 * 1024;
    c.recv_buffer_max = 64 * 1024;
    c.quickack_segments = 0;
    return c;
}

/// Wraps a crafted segment (from the remote to us) for on_segment. Valid while `s` lives.
inline segment_in to_in(const seg& s) {
    segment_in in;
    in.source = remote_ip;
    in.destination = local_ip;
    in.tcp.source_port = remote_port;
    in.tcp.destination_port = local_port;
    in.tcp.seq = s.seq;
    in.tcp.ack = (s.flags & flag::ack) != 0 ? s.ack : seq32{};
    in.tcp.flags = s.flags;
    in.tcp.window = s.window;
    in.tcp.options = s.options;
    in.tcp.payload =
        bytes{reinterpret_cast<const std::uint8_t*>(s.payload.data()), s.payload.size()};
    return in;
}

/// Emits `out` into bytes and parses it back (so every test also checks emit).
inline seg from_out(const segment_out& out) {
    std::vector<std::uint8_t> buf(out.buffer_len());
    out.emit(buf);
    auto v = wire::tcp::view::parse(buf);
    EXPECT_TRUE(v.has_value());
    auto r = wire::tcp::repr::parse(*v, out.source, out.destination);
    EXPECT_TRUE(r.has_value());
    seg s;
    s.flags = r->flags;
    s.seq = r->seq;
    s.ack = r->ack;
    s.window = r->window;
    s.options = r->options;
    s.payload.assign(reinterpret_cast<const char*>(r->payload.data()), r->payload.size());
    return s;
}

/// Feeds a segment at `now`.
inline void send(connection& c, instant now, const seg& s) {
    c.on_segment(now, to_in(s));
}

/// Everything the connection emits at `now` (timers run first).
inline std::vector<seg> recv_all(connection& c, instant now) {
    std::vector<seg> out;
    (void)c.poll(now, [&](const segment_out& o) {
        out.push_back(from_out(o));
        return true;
    });
    return out;
}

/// Asserts that exactly `want` is emitted at `now`.
inline void expect_recv(connection& c, instant now, const std::vector<seg>& want) {
    EXPECT_EQ(recv_all(c, now), want);
}

/// Asserts that nothing is emitted at `now`.
inline void expect_nothing(connection& c, instant now) {
    EXPECT_EQ(recv_all(c, now), std::vector<seg>{});
}

/// A SYN from the remote (no options unless given).
inline seg remote_syn(wire::tcp::options o = {}) {
    return seg{.flags = flag::syn, .seq = remote_iss, .ack = {}, .window = 65535, .options = o};
}

/// A passive connection in SYN-RECEIVED after the remote SYN (SYN-ACK not yet polled).
inline connection passive(const conn_config& cfg, wire::tcp::options syn_options = {},
                          instant now = at_ms(0)) {
    const seg syn = remote_syn(syn_options);
    return connection::from_syn(now, cfg, to_in(syn), open_params{test_tuple(), local_iss, 0});
}

/// A passive connection driven to ESTABLISHED at t=0 (SYN-ACK sent and acknowledged).
inline connection established(const conn_config& cfg = plain_config()) {
    connection c = passive(cfg);
    (void)recv_all(c, at_ms(0));
    send(c, at_ms(0), seg{.flags = flag::ack, .seq = remote_iss + 1, .ack = local_iss + 1});
    EXPECT_EQ(c.state(), tcp_state::established);
    return c;
}

/// The payload as bytes.
inline bytes as_bytes(const std::string& s) {
    return bytes{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace netrig::core::tcp::testing
