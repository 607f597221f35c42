// SPDX-License-Identifier: MIT
// sim: TCP through the net API on two user stacks joined by the sim link, on the sim executor
// (virtual time): handshake and endpoints, 10 MB both ways at once with a hash check,
// half-close, refused, connect timeout and cancellation (the attempt is aborted), a cancelled
// read, 100 concurrent connections, option errors, and destroying the stack under a pending read.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "net/errc.hpp"
#include "net/test_support.hpp"
#include "net/user_stack.hpp"
#include "sim_stack_config.hpp"
#include "runtime/sim_executor.hpp"
#include "runtime/sleep.hpp"
#include "runtime/task_group.hpp"
#include "runtime/timeout.hpp"

namespace netrig::net {
namespace {

using namespace std::chrono_literals;
using runtime::task;

using sim_test::cidr;
using sim_test::sim_config;

const wire::ipv4_address addr_a{10, 0, 0, 1};
const wire::ipv4_address addr_b{10, 0, 0, 2};

// The byte at stream offset i of stream `salt`: not periodic in any small window, so a
// duplicated, dropped or reordered chunk changes the hash.
std::uint8_t stream_byte(std::uint64_t i, std::uint8_t salt) {
    std::uint64_t x = (i + salt) * 0x9E3779B97F4A7C15ULL;
    x ^= x >> 29;
    return static_cast<std::uint8_t>(x);
}

// FNV-1a 64.
struct fnv {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    void add(bytes b) {
        for (const std::uint8_t c : b) {
            h = (h ^ c) * 0x100000001b3ULL;
        }
    }
};

std::uint64_t expected_hash(std::size_t total, std::uint8_t salt) {
    fnv f;
    std::vector<std::uint8_t> chunk(64 * 1024);
    for (std::size_t off = 0; off < total; off += chunk.size()) {
        const std::size_t n = std::min(chunk.size(), total - off);
        for (std::size_t i = 0; i < n; ++i) {
            chunk[i] = stream_byte(off + i, salt);
        }
        f.add(std::span{chunk}.first(n));
    }
    return f.h;
}

// Writes `total` bytes of stream `salt`, then shuts down the sending side.
task<void> send_stream(tcp_stream& s, std::size_t total, std::uint8_t salt) {
    std::vector<std::uint8_t> chunk(32 * 1024);
    for (std::size_t off = 0; off < total; off += chunk.size()) {
        const std::size_t n = std::min(chunk.size(), total - off);
        for (std::size_t i = 0; i < n; ++i) {
            chunk[i] = stream_byte(off + i, salt);
        }
        auto r = co_await s.write_all(std::span{chunk}.first(n));
        CO_ASSERT_TRUE(r);
    }
    CO_ASSERT_TRUE(s.shutdown_write());
}

// Reads to EOF; returns the byte count and hash through the out-parameters.
task<void> recv_stream(tcp_stream& s, std::size_t& got, std::uint64_t& hash) {
    std::vector<std::uint8_t> buf(48 * 1024);
    fnv f;
    for (;;) {
        auto r = co_await s.read_some(buf);
        CO_ASSERT_TRUE(r);
        if (*r == 0) {
            break;
        }
        f.add(std::span{buf}.first(*r));
        got += *r;
    }
    hash = f.h;
}

struct tcp_pair : ::testing::Test {
    runtime::sim_executor ex;
    std::unique_ptr<user_stack> a;
    std::unique_ptr<user_stack> b;
    void SetUp() override {
        auto p = make_user_stack_pair(sim_config("10.0.0.1/24", 1), sim_config("10.0.0.2/24", 2));
        ASSERT_TRUE(p) << p.error().message();
        a = std::move(p->first);
        b = std::move(p->second);
    }
};

task<void> handshake(user_stack& a, user_stack& b) {
    auto l = a.listen(endpoint{{}, 5001});
    CO_ASSERT_TRUE(l);
    EXPECT_EQ(l->local().value(), (endpoint{{}, 5001}));
    auto c = co_await b.connect(endpoint{addr_a, 5001});
    CO_ASSERT_TRUE(c);
    auto s = co_await runtime::with_timeout(2s, l->accept());
    CO_ASSERT_TRUE(s);
    EXPECT_EQ(c->remote().value(), (endpoint{addr_a, 5001}));
    EXPECT_EQ(c->local().value().address, addr_b);
    EXPECT_GE(c->local().value().port, 49152);  // RFC 6335 ephemeral range
    EXPECT_EQ(s->remote().value(), c->local().value());
    EXPECT_EQ(s->local().value(), (endpoint{addr_a, 5001}));
    auto info = c->info();
    CO_ASSERT_TRUE(info);
    EXPECT_EQ(info->mss_bytes, 1448U);  // 1500 - 20 - 20 - 12 (timestamps)
    EXPECT_EQ(info->pmtu_bytes, 1500U);
    EXPECT_GT(info->cwnd_segments, 0U);
    EXPECT_EQ(c->mss().value(), info->mss_bytes);
    EXPECT_EQ(c->congestion().value(), "cubic");
    EXPECT_FALSE(c->nodelay().value());
    EXPECT_TRUE(c->set_nodelay(true));
    EXPECT_TRUE(c->nodelay().value());
    EXPECT_EQ(c->set_congestion("bbr").error(), errc::not_supported);
    EXPECT_TRUE(c->set_congestion("reno"));  // nothing sent yet
    EXPECT_EQ(c->congestion().value(), "reno");
    // A few bytes each way.
    const std::array<std::uint8_t, 5> hello{'h', 'e', 'l', 'l', 'o'};
    CO_ASSERT_TRUE(co_await c->write_all(hello));
    std::array<std::uint8_t, 16> buf{};
    auto n = co_await s->read_some(buf);
    CO_ASSERT_TRUE(n);
    EXPECT_EQ(*n, 5U);
    EXPECT_EQ(std::string(buf.begin(), buf.begin() + 5), "hello");
    EXPECT_EQ(s->try_read(buf).error(), errc::would_block);
    auto later = s->info();
    CO_ASSERT_TRUE(later);
    EXPECT_EQ(later->bytes_received, 5U);
    c->close();
    EXPECT_FALSE(c->is_open());
    EXPECT_EQ(c->local().error(), errc::closed);
    // The peer sees EOF after the FIN.
    auto eof = co_await runtime::with_timeout(2s, s->read_some(buf));
    CO_ASSERT_TRUE(eof);
    EXPECT_EQ(*eof, 0U);
}

TEST_F(tcp_pair, handshake_endpoints_options_and_a_few_bytes) { ex.run(handshake(*a, *b)); }

task<void> both_ways(user_stack& a, user_stack& b, std::size_t total) {
    auto l = a.listen(endpoint{{}, 5201});
    CO_ASSERT_TRUE(l);
    auto c = co_await b.connect(endpoint{addr_a, 5201});
    CO_ASSERT_TRUE(c);
    auto s = co_await l->accept();
    CO_ASSERT_TRUE(s);
    std::size_t got_s = 0;
    std::size_t got_c = 0;
    std::uint64_t hash_s = 0;
    std::uint64_t hash_c = 0;
    runtime::task_group g;
    g.spawn(send_stream(*c, total, 1));
    g.spawn(send_stream(*s, total, 2));
    g.spawn(recv_stream(*s, got_s, hash_s));
    g.spawn(recv_stream(*c, got_c, hash_c));
    co_await g.join();
    EXPECT_EQ(got_s, total);
    EXPECT_EQ(got_c, total);
    EXPECT_EQ(hash_s, expected_hash(total, 1));
    EXPECT_EQ(hash_c, expected_hash(total, 2));
    auto info = c->info();
    CO_ASSERT_TRUE(info);
    // The last ACKs may still be on their way (or lost) when the receivers are done.
    EXPECT_GT(info->bytes_acked, 0U);
    EXPECT_LE(info->bytes_acked, total + 1);
    EXPECT_EQ(info->bytes_received, total);
}

TEST_F(tcp_pair, ten_megabytes_both_ways_at_once_with_hash_check) {
    const instant start = ex.now();
    ex.run(both_ways(*a, *b, 10 * 1024 * 1024));
    const duration took = ex.now() - start;
    EXPECT_LT(took, 120s);
    // Virtual time of the sim link (no rate limit): a sanity figure, not a benchmark.
    std::printf("10 MiB each way in %.3f s of virtual time\n",
                std::chrono::duration<double>(took).count());
    EXPECT_EQ(a->core_stats()[core::drop_reason::tcp_bad_checksum], 0U);
    EXPECT_EQ(b->core_stats()[core::drop_reason::tcp_no_socket], 0U);
}

task<void> half_close(user_stack& a, user_stack& b) {
    auto l = a.listen(endpoint{{}, 7});
    CO_ASSERT_TRUE(l);
    auto c = co_await b.connect(endpoint{addr_a, 7});
    CO_ASSERT_TRUE(c);
    auto s = co_await l->accept();
    CO_ASSERT_TRUE(s);
    const std::array<std::uint8_t, 3> req{'r', 'e', 'q'};
    CO_ASSERT_TRUE(co_await c->write_all(req));
    CO_ASSERT_TRUE(c->shutdown_write());
    // Writing after shutdown_write fails like the kernel stack (EPIPE-free: errc::closed).
    EXPECT_EQ(c->try_write(req).error(), errc::closed);
    std::array<std::uint8_t, 16> buf{};
    std::size_t got = 0;
    for (;;) {
        auto r = co_await s->read_some(std::span{buf}.subspan(got));
        CO_ASSERT_TRUE(r);
        if (*r == 0) {
            break;
        }
        got += *r;
    }
    EXPECT_EQ(got, 3U);
    // The server still writes after the client's FIN (CLOSE-WAIT), then closes.
    const std::array<std::uint8_t, 4> resp{'r', 'e', 's', 'p'};
    CO_ASSERT_TRUE(co_await s->write_all(resp));
    s->close();
    got = 0;
    for (;;) {
        auto r = co_await runtime::with_timeout(2s, c->read_some(std::span{buf}.subspan(got)));
        CO_ASSERT_TRUE(r);
        if (*r == 0) {
            break;
        }
        got += *r;
    }
    EXPECT_EQ(got, 4U);
    EXPECT_EQ(std::string(buf.begin(), buf.begin() + 4), "resp");
}

TEST_F(tcp_pair, half_close_both_directions) { ex.run(half_close(*a, *b)); }

task<void> refused(user_stack& b) {
    auto c = co_await runtime::with_timeout(5s, b.connect(endpoint{addr_a, 9}));
    CO_ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), errc::refused) << c.error().message();
}

TEST_F(tcp_pair, connect_to_a_closed_port_is_refused) {
    ex.run(refused(*b));
    EXPECT_LT(ex.now(), instant{} + 1s);  // the RST answers at once, no retries
}

task<void> connect_timeout(user_stack& a, user_stack& b) {
    // 10.0.0.9 does not exist: ARP goes unanswered, the SYN never leaves.
    connect_options o;
    o.timeout = 2s;
    auto c = co_await b.connect(endpoint{wire::ipv4_address{10, 0, 0, 9}, 80}, o);
    CO_ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), errc::timed_out) << c.error().message();
    // A live peer that drops nothing still works afterwards.
    auto l = a.listen(endpoint{{}, 80});
    CO_ASSERT_TRUE(l);
    auto ok = co_await b.connect(endpoint{addr_a, 80}, o);
    EXPECT_TRUE(ok) << ok.error().message();
}

TEST_F(tcp_pair, connect_timeout_is_timed_out) {
    ex.run(connect_timeout(*a, *b));
    EXPECT_GE(ex.now(), instant{} + 2s);
}

task<void> cancel_connect(user_stack& a, user_stack& b) {
    // A listener that never completes handshakes is hard to make; an absent host serves: the
    // attempt is pending when the outer timeout cancels it.
    auto c = co_await runtime::with_timeout(
        500ms, b.connect(endpoint{wire::ipv4_address{10, 0, 0, 9}, 80}));
    CO_ASSERT_FALSE(c);
    EXPECT_EQ(c.error(), std::errc::timed_out);
    // A pending read is cancelled the same way; the stream stays usable.
    auto l = a.listen(endpoint{{}, 81});
    CO_ASSERT_TRUE(l);
    auto s = co_await b.connect(endpoint{addr_a, 81});
    CO_ASSERT_TRUE(s);
    auto peer = co_await l->accept();
    CO_ASSERT_TRUE(peer);
    std::array<std::uint8_t, 8> buf{};
    auto r = co_await runtime::with_timeout(300ms, s->read_some(buf));
    CO_ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), std::errc::timed_out);
    const std::array<std::uint8_t, 2> two{1, 2};
    CO_ASSERT_TRUE(co_await peer->write_all(two));
    auto r2 = co_await runtime::with_timeout(2s, s->read_some(buf));
    CO_ASSERT_TRUE(r2);
    EXPECT_EQ(*r2, 2U);
    // Abort: the peer sees a reset.
    s->abort();
    auto r3 = co_await runtime::with_timeout(2s, peer->read_some(buf));
    CO_ASSERT_FALSE(r3);
    EXPECT_EQ(r3.error(), errc::reset) << r3.error().message();
}

TEST_F(tcp_pair, cancelled_connect_and_read_then_abort_resets_the_peer) {
    ex.run(cancel_connect(*a, *b));
}

task<void> echo_one(tcp_stream s) {
    std::vector<std::uint8_t> buf(4096);
    for (;;) {
        auto r = co_await s.read_some(buf);
        if (!r || *r == 0) {
            break;
        }
        if (!co_await s.write_all(std::span{buf}.first(*r))) {
            break;
        }
    }
    s.close();
}

task<void> echo_server(tcp_listener& l, int count, runtime::task_group& g) {
    for (int i = 0; i < count; ++i) {
        auto s = co_await l.accept();
        CO_ASSERT_TRUE(s);
        g.spawn(echo_one(std::move(*s)));
    }
}

task<void> echo_client(user_stack& b, int id, int& ok) {
    auto c = co_await b.connect(endpoint{addr_a, 6000});
    CO_ASSERT_TRUE(c);
    std::vector<std::uint8_t> out(10000);
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = stream_byte(i, static_cast<std::uint8_t>(id));
    }
    CO_ASSERT_TRUE(co_await c->write_all(out));
    CO_ASSERT_TRUE(c->shutdown_write());
    std::vector<std::uint8_t> in(out.size() + 16);
    std::size_t got = 0;
    for (;;) {
        auto r = co_await c->read_some(std::span{in}.subspan(got));
        CO_ASSERT_TRUE(r);
        if (*r == 0) {
            break;
        }
        got += *r;
    }
    EXPECT_EQ(got, out.size());
    EXPECT_TRUE(std::equal(out.begin(), out.end(), in.begin())) << "connection " << id;
    if (got == out.size()) {
        ++ok;
    }
}

task<void> many(user_stack& a, user_stack& b, int n) {
    auto l = a.listen(endpoint{{}, 6000}, listen_options{.backlog = n});
    CO_ASSERT_TRUE(l);
    runtime::task_group servers;
    runtime::task_group clients;
    int ok = 0;
    servers.spawn(echo_server(*l, n, servers));
    for (int i = 0; i < n; ++i) {
        clients.spawn(echo_client(b, i, ok));
    }
    co_await clients.join();
    co_await servers.join();
    EXPECT_EQ(ok, n);
}

TEST_F(tcp_pair, hundred_concurrent_echo_connections) {
    ex.run(many(*a, *b, 100));
    // The listener (closed by now) counted every handshake; the report keeps its counts.
    const std::string report = a->stats_report();
    EXPECT_NE(report.find("\ncore.tcp_listener.established 100\n"), std::string::npos) << report;
    EXPECT_NE(report.find("\ncore.tcp_listener.drop.syn_queue_full 0\n"), std::string::npos);
}

task<void> bad_options(user_stack& a, user_stack& b) {
    EXPECT_EQ(a.listen(endpoint{addr_b, 80}).error(), errc::address_not_available);
    EXPECT_EQ(a.listen(endpoint{{}, 80}, listen_options{.congestion = "vegas"}).error(),
              errc::not_supported);
    auto first = a.listen(endpoint{{}, 80});
    CO_ASSERT_TRUE(first);
    EXPECT_EQ(a.listen(endpoint{{}, 80}).error(), errc::address_in_use);
    connect_options o;
    o.congestion = "bbr";
    auto c = co_await b.connect(endpoint{addr_a, 80}, o);
    EXPECT_EQ(c.error(), errc::not_supported);
    // Off-link without a gateway.
    auto off = co_await b.connect(endpoint{wire::ipv4_address{192, 0, 2, 1}, 80});
    EXPECT_EQ(off.error(), errc::unreachable);
    // Options that must be set before the handshake are applied.
    connect_options small;
    small.mss_bytes = 1000;
    small.recv_buffer_bytes = 100000;
    small.congestion = "reno";
    small.nodelay = true;
    auto s = co_await b.connect(endpoint{addr_a, 80}, small);
    CO_ASSERT_TRUE(s);
    EXPECT_LE(s->mss().value(), 1000U);
    EXPECT_EQ(s->recv_buffer().value(), 100000U);
    EXPECT_EQ(s->congestion().value(), "reno");
    EXPECT_TRUE(s->nodelay().value());
    first->close();
    EXPECT_EQ(first->local().error(), errc::closed);
}

TEST_F(tcp_pair, option_and_address_errors) { ex.run(bad_options(*a, *b)); }

task<void> pending_read(tcp_stream& s, std::error_code& out) {
    std::array<std::uint8_t, 8> buf{};
    auto r = co_await s.read_some(buf);
    out = r ? std::error_code{} : r.error();
}

task<void> nap(duration d) { (void)co_await runtime::sleep_for(d); }

task<void> connect_pair(user_stack& a, user_stack& b, tcp_stream& c, tcp_listener& l) {
    auto lr = a.listen(endpoint{{}, 82});
    CO_ASSERT_TRUE(lr);
    l = std::move(*lr);
    auto cr = co_await b.connect(endpoint{addr_a, 82});
    CO_ASSERT_TRUE(cr);
    c = std::move(*cr);
}

TEST_F(tcp_pair, destroying_the_stack_ends_a_pending_read_with_closed) {
    tcp_stream c;
    tcp_listener l;
    ex.run(connect_pair(*a, *b, c, l));
    ASSERT_TRUE(c.is_open());
    std::error_code ec;
    ex.spawn(pending_read(c, ec));
    ex.run(nap(100ms));
    b.reset();
    ex.run(nap(100ms));
    EXPECT_EQ(ec, errc::closed);
    EXPECT_FALSE(c.is_open());
    EXPECT_EQ(c.try_write(bytes{}).error(), errc::closed);
}

// Seeded lossy run: 1 MiB each way through loss, duplication, reordering, delay and jitter on
// both ports. Replay a failing seed with NETRIG_TCP_SEED=N (the seed is printed on failure).
TEST(tcp_lossy, one_mebibyte_both_ways_through_an_impaired_link) {
    std::vector<std::uint64_t> seeds{1, 2, 3};
    if (const char* env = std::getenv("NETRIG_TCP_SEED")) {
        seeds = {std::strtoull(env, nullptr, 10)};
    }
    for (const std::uint64_t seed : seeds) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " (replay: NETRIG_TCP_SEED=" +
                     std::to_string(seed) + ")");
        runtime::sim_executor ex;
        user_stack_config ca = sim_config("10.0.0.1/24", seed);
        user_stack_config cb = sim_config("10.0.0.2/24", seed + 1000);
        ca.impairments = "loss=2%,dup=1%,reorder=2%,reorder_delay=3ms,delay=5ms,jitter=1ms";
        cb.impairments = "loss=1%,delay=5ms";
        auto p = make_user_stack_pair(ca, cb);
        ASSERT_TRUE(p) << p.error().message();
        ex.run(both_ways(*p->first, *p->second, 1024 * 1024));
    }
}

}  // namespace
}  // namespace netrig::net
