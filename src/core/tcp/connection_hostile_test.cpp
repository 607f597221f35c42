// SPDX-License-Identifier: MIT
// core/tcp: hostile input: random segments (flags, sequence and acknowledgment numbers near and
// far from the window, windows, options, payloads) and time jumps fed to a connection in each
// state. Nothing may assert, crash or loop; every poll stays bounded; a closed connection stays
// closed. Seeded, so a failure replays.
#include <gtest/gtest.h>

#include "base/rng.hpp"
#include "core/tcp/connection_test_support.hpp"

namespace netrig::core::tcp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test DSL

seq32 near(rng& r, seq32 base) {
    switch (r.below(4)) {
        case 0:
            return seq32{static_cast<std::uint32_t>(r())};
        case 1:
            return base + static_cast<std::uint32_t>(r.below(70000));
        case 2:
            return base - static_cast<std::uint32_t>(r.below(70000));
        default:
            return base + static_cast<std::uint32_t>(r.below(3));
    }
}

seg random_seg(rng& r) {
    seg s;
    s.flags = static_cast<std::uint8_t>(r.below(64));
    s.seq = near(r, remote_iss + 1);
    s.ack = near(r, local_iss + 1);
    s.window = static_cast<std::uint16_t>(r.chance(0.2) ? 0 : r.below(65536));
    if (r.chance(0.3)) {
        s.options.ts = wire::tcp::timestamps{static_cast<std::uint32_t>(r.below(5000)),
                                             static_cast<std::uint32_t>(r.below(5000))};
    }
    if (r.chance(0.2)) {
        s.options.sack_count = static_cast<std::uint8_t>(1 + r.below(3));
        for (std::size_t i = 0; i < s.options.sack_count; ++i) {
            const seq32 left = near(r, local_iss + 1);
            s.options.sack_blocks[i] = {left, left + static_cast<std::uint32_t>(r.below(5000))};
        }
    }
    if (r.chance(0.2)) {
        s.options.mss = static_cast<std::uint16_t>(r.below(65536));
        s.options.window_scale = static_cast<std::uint8_t>(r.below(20));
        s.options.sack_permitted = r.chance(0.5);
    }
    if (r.chance(0.4)) {
        s.payload.assign(r.below(3000), 'h');
    }
    return s;
}

void drive(connection& c, rng& r, instant start, int segments) {
    instant now = start;
    std::array<std::uint8_t, 4096> buf{};
    for (int i = 0; i < segments; ++i) {
        const bool was_closed = c.state() == tcp_state::closed;
        send(c, now, random_seg(r));
        if (was_closed) {
            EXPECT_EQ(c.state(), tcp_state::closed);
        }
        if (r.chance(0.1)) {
            (void)c.send(as_bytes(std::string(r.below(5000), 'd')));
        }
        if (r.chance(0.1)) {
            (void)c.recv(buf);
        }
        std::size_t emitted = 0;
        (void)c.poll(now, [&](const segment_out& o) {
            ++emitted;
            EXPECT_LE(o.buffer_len(), 65535U);
            (void)from_out(o);
            return true;
        });
        EXPECT_LE(emitted, connection::poll_segments_max);
        now += std::chrono::milliseconds{r.below(r.chance(0.01) ? 100000 : 50)};
    }
}

class tcp_hostile : public ::testing::TestWithParam<int> {};

TEST_P(tcp_hostile, random_segments_in_every_state_never_break_invariants) {
    rng r{static_cast<std::uint64_t>(GetParam())};
    conn_config cfg;
    cfg.recv_buffer_initial = 8192;
    cfg.recv_buffer_max = 65536;
    // SYN-SENT.
    {
        connection c =
            connection::open_active(at_ms(0), cfg, open_params{test_tuple(), local_iss, 0});
        (void)recv_all(c, at_ms(0));
        drive(c, r, at_ms(1), 3000);
    }
    // SYN-RECEIVED.
    {
        wire::tcp::options o;
        o.ts = wire::tcp::timestamps{100, 0};
        o.sack_permitted = true;
        o.window_scale = 7;
        connection c = passive(cfg, o);
        (void)recv_all(c, at_ms(0));
        drive(c, r, at_ms(1), 3000);
    }
    // ESTABLISHED, FIN-WAIT-1, CLOSE-WAIT.
    for (int variant = 0; variant < 3; ++variant) {
        conn_config plain = plain_config();
        plain.sack = true;
        connection c = established(plain);
        if (variant == 1) {
            (void)c.send(as_bytes("pending"));
            c.shutdown_write();
        } else if (variant == 2) {
            send(c, at_ms(0),
                 seg{.flags = flag::fin | flag::ack, .seq = remote_iss + 1, .ack = local_iss + 1});
        }
        (void)recv_all(c, at_ms(0));
        drive(c, r, at_ms(1), 3000);
    }
}

INSTANTIATE_TEST_SUITE_P(seeds, tcp_hostile, ::testing::Range(1, 6));

}  // namespace
}  // namespace netrig::core::tcp
