// SPDX-License-Identifier: MIT
// core/tcp: the idle buffer release (connection_idle.cpp): two connections over a direct pipe
// (1 ms each way, 100 Mbit/s) in virtual time, polled the way core::interface polls them (when
// a segment arrived, the application called, or their deadline came), plus single-connection
// cases in the segment DSL. Buffer storage is read from send_buffer::totals() and
// recv_buffer::totals() (process-wide; the connection does not expose its buffers), as deltas
// from the start of each test.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <vector>

#include "base/rng.hpp"
#include "core/tcp/connection_test_support.hpp"

namespace netrig::core::tcp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test DSL
using std::chrono::milliseconds;
using std::chrono::seconds;

/// Buffer storage held by every connection of the process, send and receive.
struct held {
    std::size_t send = 0;
    std::size_t recv = 0;
    std::uint64_t allocations = 0;
    std::uint64_t releases = 0;
};

held now_held() {
    const buffer_totals s = send_buffer::totals();
    const buffer_totals r = recv_buffer::totals();
    return held{s.allocated_bytes, r.allocated_bytes, s.allocations + r.allocations,
                s.releases + r.releases};
}

// One direction: serialisation at 100 Mbit/s, then `delay`; `blackhole` drops everything.
struct pipe_dir {
    duration delay = milliseconds{1};
    struct frame {
        instant at;
        std::vector<std::uint8_t> bytes;
    };
    std::deque<frame> q;
    instant link_free;
    bool blackhole = false;

    void push(instant now, const segment_out& seg) {
        if (blackhole) {
            return;
        }
        std::vector<std::uint8_t> f(seg.buffer_len());
        seg.emit(f);
        const instant start = std::max(now, link_free);
        link_free = start + std::chrono::nanoseconds{
                                static_cast<std::int64_t>((f.size() + 40) * 8ULL * 10ULL)};
        q.push_back(frame{link_free + delay, std::move(f)});
    }
    [[nodiscard]] std::optional<instant> next() const {
        return q.empty() ? std::nullopt : std::optional<instant>{q.front().at};
    }
};

/// One end: the connection, what its application still has to write, what it read, and how
/// often it was polled only because its deadline came (a "wake").
struct endpoint {
    std::optional<connection> conn;
    std::vector<std::uint8_t> to_write;
    std::size_t written = 0;
    std::vector<std::uint8_t> got;
    bool auto_read = true;
    std::uint64_t wakes = 0;
};

/// Two connections, A (active, 10.0.0.1:40000) and B (passive), in virtual time.
class pair_harness {
public:
    explicit pair_harness(const conn_config& cfg = conn_config{},
                          duration delay = milliseconds{1})
        : cfg_(cfg) {
        ab_.delay = delay;
        ba_.delay = delay;
        a.conn.emplace(connection::open_active(now, cfg_, open_params{ta_, seq32{0xfffff000U}, 7}));
        run_until_quiet(now + seconds{1});
        EXPECT_TRUE(b.conn.has_value());
        EXPECT_EQ(a.conn->state(), tcp_state::established);
        EXPECT_EQ(b.conn->state(), tcp_state::established);
    }

    /// Runs events up to and including `until` (time ends at `until`).
    void run_until(instant until) {
        bool first = true;
        for (;;) {
            step(first);
            first = false;
            const std::optional<instant> next = next_event();
            if (!next || *next > until) {
                now = until;
                step(true);  // the application may look again at `until`
                return;
            }
            now = std::max(now, *next);
        }
    }

    /// Runs until no segment is in flight and no data waits to be written, or `limit`.
    void run_until_quiet(instant limit) {
        bool first = true;
        for (;;) {
            step(first);
            first = false;
            if (!ab_.next() && !ba_.next() && b.conn && all_acked(a) && all_acked(b)) {
                return;
            }
            const std::optional<instant> next = next_event();
            if (!next || *next > limit) {
                ADD_FAILURE() << "not quiet by " << to_seconds(limit.since_zero()) << " s";
                return;
            }
            now = std::max(now, *next);
        }
    }

    /// Queues `n` pattern bytes for `e` to write.
    void queue(endpoint& e, std::size_t n, std::uint64_t seed) {
        const auto p = pattern(n, seed);
        e.to_write.insert(e.to_write.end(), p.begin(), p.end());
    }

    std::optional<instant> next_event() const {
        std::optional<instant> best;
        for (auto t : {ab_.next(), ba_.next(), a.conn->next_deadline(),
                       b.conn ? b.conn->next_deadline() : std::optional<instant>{}}) {
            if (t && (!best || *t < *best)) {
                best = t;
            }
        }
        return best;
    }

    endpoint a;
    endpoint b;
    instant now{};
    pipe_dir& a_to_b() { return ab_; }
    pipe_dir& b_to_a() { return ba_; }

private:
    // One instant: deliver what arrived, let the applications act, then poll every connection
    // that got a segment, was called by its application, or whose deadline came (`all`: poll
    // both, as after a test's own calls).
    void step(bool all) {
        bool touched_a = all;
        bool touched_b = all;
        const bool due_a = deadline_due(a);
        const bool due_b = deadline_due(b);
        while (ab_.next() && *ab_.next() <= now) {
            deliver(ab_.q.front().bytes, local_ip, remote_ip, true);
            ab_.q.pop_front();
            touched_b = true;
        }
        while (ba_.next() && *ba_.next() <= now) {
            deliver(ba_.q.front().bytes, remote_ip, local_ip, false);
            ba_.q.pop_front();
            touched_a = true;
        }
        touched_a = app(a) || touched_a;
        touched_b = app(b) || touched_b;
        if (!touched_a && due_a) {
            ++a.wakes;
        }
        if (!touched_b && due_b) {
            ++b.wakes;
        }
        if (touched_a || due_a) {
            poll(a, ab_);
        }
        if (touched_b || due_b) {
            poll(b, ba_);
        }
    }

    // The application wrote everything it had and the peer acknowledged all of it.
    static bool all_acked(const endpoint& e) {
        return e.written == e.to_write.size() && e.conn->stats().bytes_acked == e.written;
    }

    bool deadline_due(const endpoint& e) const {
        if (!e.conn) {
            return false;
        }
        const auto d = e.conn->next_deadline();
        return d && *d <= now;
    }

    void deliver(const std::vector<std::uint8_t>& f, wire::ipv4_address src,
                 wire::ipv4_address dst, bool to_b) {
        auto v = wire::tcp::view::parse(f);
        ASSERT_TRUE(v.has_value());
        auto r = wire::tcp::repr::parse(*v, src, dst);
        ASSERT_TRUE(r.has_value());
        const segment_in s{src, dst, *r};
        if (!to_b) {
            a.conn->on_segment(now, s);
        } else if (b.conn) {
            b.conn->on_segment(now, s);
        } else if (r->flags == flag::syn) {
            b.conn.emplace(connection::from_syn(now, cfg_, s, open_params{tb_, seq32{0x7ffffff0U}, 99}));
        }
    }

    // The application: writes what fits, reads everything if auto_read. True if it called.
    static bool app(endpoint& e) {
        if (!e.conn || !e.conn->ready().connected) {
            return false;
        }
        bool called = false;
        if (e.written < e.to_write.size()) {
            if (auto n = e.conn->send(bytes{e.to_write}.subspan(e.written)); n && *n > 0) {
                e.written += *n;
                called = true;
            }
        }
        if (e.auto_read) {
            std::array<std::uint8_t, 16384> buf{};
            for (;;) {
                auto n = e.conn->recv(buf);
                if (!n || *n == 0) {
                    break;
                }
                e.got.insert(e.got.end(), buf.begin(), buf.begin() + static_cast<long>(*n));
                called = true;
            }
        }
        return called;
    }

    void poll(endpoint& e, pipe_dir& out) {
        if (!e.conn) {
            return;
        }
        while (e.conn->poll(now, [&](const segment_out& s) {
            out.push(now, s);
            return true;
        }) > 0) {
        }
    }

    conn_config cfg_;
    four_tuple ta_{local_ip, remote_ip, 40000, 80};
    four_tuple tb_{remote_ip, local_ip, 80, 40000};
    pipe_dir ab_;
    pipe_dir ba_;
};

// Exchanges `n` bytes each way (A first, then B) and returns when both were read.
void exchange(pair_harness& h, std::size_t n, std::uint64_t seed) {
    const std::size_t a_had = h.b.got.size();
    const std::size_t b_had = h.a.got.size();
    h.queue(h.a, n, seed);
    h.queue(h.b, n, seed + 1);
    h.run_until_quiet(h.now + seconds{5});
    ASSERT_EQ(h.b.got.size(), a_had + n);
    ASSERT_EQ(h.a.got.size(), b_had + n);
}

// ------------------------------------------------------------------ release after idling

TEST(tcp_idle_release, storage_released_after_the_idle_period_not_before) {
    const held base = now_held();
    pair_harness h;
    exchange(h, 1000, 1);
    const instant done = h.now;  // the last byte was read now; ACKs may still be in flight
    const held busy = now_held();
    // Each end holds a 16 KiB send ring and a 64 KiB receive ring (sized as at first use).
    EXPECT_EQ(busy.send - base.send, 2 * conn_config{}.send_buffer_initial);
    EXPECT_EQ(busy.recv - base.recv, 2 * conn_config{}.recv_buffer_initial);
    // Let the last ACKs and delayed ACKs land; still well inside idle_release_after.
    h.run_until(done + milliseconds{200});
    const std::uint64_t a_wakes = h.a.wakes;
    const std::uint64_t b_wakes = h.b.wakes;
    h.run_until(done + milliseconds{999});
    EXPECT_EQ(now_held().send - base.send, 2 * conn_config{}.send_buffer_initial);
    EXPECT_EQ(now_held().recv - base.recv, 2 * conn_config{}.recv_buffer_initial);
    h.run_until(done + milliseconds{1100});
    EXPECT_EQ(now_held().send, base.send);
    EXPECT_EQ(now_held().recv, base.recv);
    EXPECT_EQ(now_held().releases - base.releases, 4U);  // two buffers on each end
    // One wake per end did it, and no idle deadline is left behind.
    EXPECT_EQ(h.a.wakes - a_wakes, 1U);
    EXPECT_EQ(h.b.wakes - b_wakes, 1U);
    EXPECT_FALSE(h.a.conn->next_deadline().has_value());
    EXPECT_FALSE(h.b.conn->next_deadline().has_value());
    // An idle connection without storage stays asleep.
    h.run_until(h.now + seconds{30});
    EXPECT_EQ(h.a.wakes - a_wakes, 1U);
    EXPECT_EQ(h.b.wakes - b_wakes, 1U);
}

TEST(tcp_idle_release, a_connection_that_never_carried_data_holds_no_storage_and_sleeps) {
    const held base = now_held();
    pair_harness h;
    h.run_until(h.now + seconds{10});
    EXPECT_EQ(now_held().send, base.send);
    EXPECT_EQ(now_held().recv, base.recv);
    EXPECT_EQ(h.a.wakes, 0U);
    EXPECT_EQ(h.b.wakes, 0U);
    EXPECT_FALSE(h.a.conn->next_deadline().has_value());
}

// ------------------------------------------------------------ what keeps the storage

TEST(tcp_idle_release, unread_data_keeps_the_receive_buffer_without_waking) {
    const held base = now_held();
    pair_harness h;
    h.b.auto_read = false;
    h.queue(h.a, 1000, 3);
    h.run_until_quiet(h.now + seconds{1});
    const std::uint64_t b_wakes = h.b.wakes;
    h.run_until(h.now + seconds{5});
    // A's send ring is empty (acknowledged) and went; B's receive ring holds unread data.
    EXPECT_EQ(now_held().send, base.send);
    EXPECT_EQ(now_held().recv - base.recv, conn_config{}.recv_buffer_initial);
    EXPECT_FALSE(h.b.conn->next_deadline().has_value());
    EXPECT_LE(h.b.wakes - b_wakes, 1U);  // at most its delayed ACK
    // Reading it starts the idle period; a second later the storage goes.
    h.b.auto_read = true;
    const instant read_at = h.now;
    h.run_until(read_at + milliseconds{990});
    EXPECT_EQ(h.b.got, pattern(1000, 3));
    EXPECT_EQ(now_held().recv - base.recv, conn_config{}.recv_buffer_initial);
    h.run_until(read_at + milliseconds{1010});
    EXPECT_EQ(now_held().recv, base.recv);
}

TEST(tcp_idle_release, unacknowledged_data_keeps_the_send_buffer) {
    const held base = now_held();
    pair_harness h;
    h.a_to_b().blackhole = true;  // nothing A sends arrives: its data stays unacknowledged
    h.queue(h.a, 3000, 4);
    h.run_until(h.now + seconds{6});
    EXPECT_EQ(now_held().send - base.send, conn_config{}.send_buffer_initial);
    EXPECT_GT(h.a.conn->stats().rto_expirations, 0U);
    h.a_to_b().blackhole = false;
    h.run_until_quiet(h.now + seconds{30});  // the next retransmission gets through
    EXPECT_EQ(h.b.got, pattern(3000, 4));
    const instant delivered = h.now;
    h.run_until(delivered + milliseconds{1100});
    EXPECT_EQ(now_held().send, base.send);
    EXPECT_EQ(now_held().recv, base.recv);
}

TEST(tcp_idle_release, out_of_order_data_keeps_the_receive_buffer) {
    const held base = now_held();
    connection c = established();
    // Bytes 100..199 arrive, 0..99 are missing: held out of order.
    send(c, at_ms(10),
         seg{.flags = flag::ack, .seq = remote_iss + 101, .ack = local_iss + 1,
             .payload = std::string(100, 'b')});
    (void)recv_all(c, at_ms(10));  // the duplicate ACK
    EXPECT_EQ(now_held().recv - base.recv, plain_config().recv_buffer_initial);
    EXPECT_FALSE(c.next_deadline().has_value());
    (void)recv_all(c, at_ms(5000));
    EXPECT_EQ(now_held().recv - base.recv, plain_config().recv_buffer_initial);
    // The hole fills and the application reads everything: a second later the storage goes.
    send(c, at_ms(6000),
         seg{.flags = flag::ack, .seq = remote_iss + 1, .ack = local_iss + 1,
             .payload = std::string(100, 'a')});
    std::array<std::uint8_t, 256> buf{};
    ASSERT_EQ(c.recv(buf).value(), 200U);
    EXPECT_EQ(std::string(buf.begin(), buf.begin() + 200),
              std::string(100, 'a') + std::string(100, 'b'));
    EXPECT_EQ(recv_all(c, at_ms(6000)).size(), 1U);  // the ACK for the filled gap
    EXPECT_EQ(c.next_deadline(), std::optional<instant>{at_ms(7000)});
    (void)recv_all(c, at_ms(6999));
    EXPECT_EQ(now_held().recv - base.recv, plain_config().recv_buffer_initial);
    (void)recv_all(c, at_ms(7000));
    EXPECT_EQ(now_held().recv, base.recv);
    EXPECT_FALSE(c.next_deadline().has_value());
}

// ---------------------------------------------------------------------- after a release

TEST(tcp_idle_release, data_after_a_release_flows_byte_exact_both_ways) {
    const held base = now_held();
    pair_harness h;
    exchange(h, 1000, 5);
    h.run_until(h.now + seconds{2});
    ASSERT_EQ(now_held().send, base.send);
    ASSERT_EQ(now_held().recv, base.recv);
    for (std::uint64_t round = 0; round < 3; ++round) {
        // Larger than both initial sizes, so the storage also grows (and wraps) again.
        const std::size_t a_from = h.b.got.size();
        const std::size_t b_from = h.a.got.size();
        exchange(h, 300'000 + round * 1000, 10 + 2 * round);
        const auto want_ab = pattern(300'000 + round * 1000, 10 + 2 * round);
        const auto want_ba = pattern(300'000 + round * 1000, 11 + 2 * round);
        EXPECT_TRUE(std::equal(want_ab.begin(), want_ab.end(),
                               h.b.got.begin() + static_cast<long>(a_from)));
        EXPECT_TRUE(std::equal(want_ba.begin(), want_ba.end(),
                               h.a.got.begin() + static_cast<long>(b_from)));
        EXPECT_GT(now_held().send, base.send);
        h.run_until(h.now + seconds{2});
        EXPECT_EQ(now_held().send, base.send) << round;
        EXPECT_EQ(now_held().recv, base.recv) << round;
    }
    EXPECT_FALSE(h.a.conn->error().has_value());
    EXPECT_FALSE(h.b.conn->error().has_value());
}

TEST(tcp_idle_release, release_keeps_the_advertised_window_and_the_tuned_capacity) {
    const held base = now_held();
    pair_harness h{conn_config{}, milliseconds{20}};
    // Enough data, over a path whose bandwidth-delay product (0.5 MB) exceeds the initial
    // 64 KiB, to make B's receive-window auto-tuning raise its capacity.
    h.queue(h.a, 4 * 1024 * 1024, 20);
    h.run_until_quiet(h.now + seconds{10});
    h.run_until(h.now + milliseconds{200});
    const tcp_stats before = h.b.conn->stats();
    const std::uint8_t shift = h.b.conn->negotiated().recv_shift;
    ASSERT_GT(before.recv_buffer, conn_config{}.recv_buffer_initial);
    ASSERT_GT(now_held().recv, base.recv);
    h.run_until(h.now + seconds{2});
    ASSERT_EQ(now_held().recv, base.recv);
    const tcp_stats after = h.b.conn->stats();
    EXPECT_EQ(after.recv_buffer, before.recv_buffer);
    EXPECT_EQ(after.recv_window, before.recv_window);
    EXPECT_EQ(h.b.conn->negotiated().recv_shift, shift);
    // New data after the release: B acknowledges it with the same window as before it.
    h.queue(h.a, 1, 21);
    h.run_until_quiet(h.now + seconds{1});
    h.run_until(h.now + milliseconds{100});
    EXPECT_EQ(h.b.conn->stats().recv_window, before.recv_window);
    EXPECT_EQ(h.b.conn->stats().recv_buffer, before.recv_buffer);
    // The storage came back at the first-use size, not the tuned capacity.
    EXPECT_EQ(now_held().recv - base.recv, conn_config{}.recv_buffer_initial);
}

// ------------------------------------------------------------ moving data never releases

TEST(tcp_idle_release, transfers_with_pauses_shorter_than_the_period_never_release) {
    const held base = now_held();
    pair_harness h;
    // 40 bursts, each emptying and refilling both buffers, with pauses just under the period.
    for (std::uint64_t i = 0; i < 40; ++i) {
        h.queue(h.a, 20'000, 100 + i);
        h.queue(h.b, 5'000, 200 + i);
        h.run_until_quiet(h.now + seconds{1});
        h.run_until(h.now + milliseconds{900});
        if (i == 1) {
            // The buffers reached their working sizes in the first bursts.
            const held warm = now_held();
            EXPECT_GT(warm.send, base.send);
            EXPECT_GT(warm.recv, base.recv);
        }
    }
    const held end_held = now_held();
    EXPECT_EQ(end_held.releases, base.releases);
    // Four rings, each allocated once and grown at most a few times in the first bursts.
    EXPECT_LE(end_held.allocations - base.allocations, 8U);
    EXPECT_EQ(h.b.got.size(), 40U * 20'000U);
    EXPECT_EQ(h.a.got.size(), 40U * 5'000U);
    // The last pause runs past the period: now it goes.
    h.run_until(h.now + milliseconds{200});
    EXPECT_EQ(now_held().send, base.send);
    EXPECT_EQ(now_held().recv, base.recv);
}

TEST(tcp_idle_release, a_bulk_transfer_never_reallocates_once_grown) {
    const held base = now_held();
    pair_harness h;
    h.queue(h.a, 1024 * 1024, 30);
    h.run_until_quiet(h.now + seconds{10});
    const held grown = now_held();
    // Thousands of buffer fills and drains more, the window no longer grows: no allocation.
    h.queue(h.a, 8 * 1024 * 1024, 31);
    h.run_until_quiet(h.now + seconds{20});
    EXPECT_EQ(h.b.got.size(), 9U * 1024 * 1024);
    EXPECT_EQ(now_held().releases, base.releases);
    EXPECT_LE(now_held().allocations - grown.allocations, 2U);  // the last auto-tuning steps
    const held mid = now_held();
    h.queue(h.a, 8 * 1024 * 1024, 32);
    h.run_until_quiet(h.now + seconds{20});
    EXPECT_EQ(now_held().allocations, mid.allocations);
    EXPECT_EQ(now_held().releases, base.releases);
}

// ------------------------------------------------------------------- finished connections

TEST(tcp_idle_release, time_wait_and_closed_connections_have_no_idle_deadline) {
    const held base = now_held();
    pair_harness h;
    exchange(h, 1000, 40);
    h.a.conn->close();  // A closes first: A ends in TIME-WAIT, B in CLOSED
    h.run_until(h.now + milliseconds{10});
    h.b.conn->close();
    h.run_until(h.now + milliseconds{100});
    ASSERT_EQ(h.a.conn->state(), tcp_state::time_wait);
    ASSERT_TRUE(h.b.conn->finished());
    // Storage went as soon as the connections could carry no more data.
    EXPECT_EQ(now_held().send, base.send);
    EXPECT_EQ(now_held().recv, base.recv);
    EXPECT_FALSE(h.b.conn->next_deadline().has_value());
    // TIME-WAIT's only timer is its own 2 MSL.
    ASSERT_TRUE(h.a.conn->next_deadline().has_value());
    EXPECT_GT(*h.a.conn->next_deadline(), h.now + seconds{50});
}

}  // namespace
}  // namespace netrig::core::tcp
