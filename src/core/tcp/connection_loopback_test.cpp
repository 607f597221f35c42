// SPDX-License-Identifier: MIT
// core/tcp: two connections exchanging segments directly over a seeded, impaired pipe (loss,
// reordering, duplication, corruption, a rate-limited drop-tail queue) in virtual time. Moves
// megabytes both ways, with a half-close at the end, and compares the bytes. The sim suite
// builds on this harness.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <vector>

#include "base/rng.hpp"
#include "core/tcp/connection_test_support.hpp"

namespace netrig::core::tcp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test DSL

struct impairment {
    double loss = 0;
    double reorder = 0;  // probability a segment is delayed by up to 3x the base delay
    double duplicate = 0;
    double corrupt = 0;
    std::uint64_t rate_bps = 100'000'000;
    duration delay = std::chrono::milliseconds{5};
    duration queue_max = std::chrono::milliseconds{40};
};

const bool trace = std::getenv("NETRIG_TCP_TRACE") != nullptr;

seg seg_of(const wire::tcp::repr& r) {
    seg s;
    s.flags = r.flags;
    s.seq = r.seq;
    s.ack = r.ack;
    s.window = r.window;
    s.options = r.options;
    s.payload.assign(r.payload.size(), 'x');
    return s;
}

struct in_flight {
    instant at;
    std::vector<std::uint8_t> frame;
};

// One direction of the pipe: a drop-tail queue at `rate_bps`, then `delay`.
class pipe_dir {
public:
    pipe_dir(const impairment& imp, rng& r) : imp_(imp), rng_(r) {}

    void push(instant now, const segment_out& seg) {
        std::vector<std::uint8_t> f(seg.buffer_len());
        seg.emit(f);
        const instant start = std::max(now, link_free_);
        if (start - now > imp_.queue_max) {
            ++queue_drops;
            return;
        }
        const auto tx = std::chrono::nanoseconds{
            static_cast<std::int64_t>((f.size() + 40) * 8ULL * 1'000'000'000ULL / imp_.rate_bps)};
        link_free_ = start + tx;
        if (rng_.chance(imp_.loss)) {
            ++losses;
            return;
        }
        if (rng_.chance(imp_.corrupt)) {
            f[rng_.below(f.size())] ^= static_cast<std::uint8_t>(1U + rng_.below(255));
        }
        duration d = imp_.delay;
        if (rng_.chance(imp_.reorder)) {
            d += std::chrono::nanoseconds{static_cast<std::int64_t>(
                rng_.below(static_cast<std::uint64_t>(3 * imp_.delay.count())))};
        }
        if (rng_.chance(imp_.duplicate)) {
            q_.push_back(in_flight{link_free_ + d + std::chrono::microseconds{50}, f});
        }
        q_.push_back(in_flight{link_free_ + d, std::move(f)});
    }

    std::optional<instant> next() const {
        std::optional<instant> best;
        for (const auto& p : q_) {
            if (!best || p.at < *best) {
                best = p.at;
            }
        }
        return best;
    }

    // Delivers every frame due at `now` (in arrival-time order) to `to`, parsing it as the
    // interface will: frames that fail the checksum are dropped.
    template <class Deliver>
    void deliver(instant now, wire::ipv4_address src, wire::ipv4_address dst, Deliver&& to) {
        std::stable_sort(q_.begin(), q_.end(),
                         [](const in_flight& a, const in_flight& b) { return a.at < b.at; });
        while (!q_.empty() && q_.front().at <= now) {
            const in_flight p = std::move(q_.front());
            q_.pop_front();
            auto v = wire::tcp::view::parse(p.frame);
            if (!v) {
                ++bad;
                continue;
            }
            auto r = wire::tcp::repr::parse(*v, src, dst);
            if (!r) {
                ++bad;
                continue;
            }
            if (trace) {
                std::fprintf(stderr, "%.6f %s->%s %s\n", to_seconds(now.since_zero()),
                             src == local_ip ? "A" : "B", dst == local_ip ? "A" : "B",
                             ::testing::PrintToString(seg_of(*r)).c_str());
            }
            to(segment_in{src, dst, *r});
        }
    }

    std::uint64_t queue_drops = 0;
    std::uint64_t losses = 0;
    std::uint64_t bad = 0;

private:
    impairment imp_;
    rng& rng_;
    instant link_free_;
    std::deque<in_flight> q_;
};

struct scenario {
    std::uint64_t seed = 1;
    impairment imp;
    bool options = true;
    std::size_t a_to_b = 2 * 1024 * 1024;
    std::size_t b_to_a = 512 * 1024;
};

struct result_summary {
    bool done = false;
    instant end;
    std::optional<instant> data_done;
    tcp_stats a;
    tcp_stats b;
};

result_summary run(const scenario& sc) {
    rng r{sc.seed};
    conn_config cfg;
    if (!sc.options) {
        cfg.window_scaling = false;
        cfg.timestamps = false;
        cfg.sack = false;
    }
    cfg.recv_buffer_initial = 64 * 1024;
    cfg.recv_buffer_max = 1024 * 1024;
    cfg.send_buffer_max = 512 * 1024;
    const four_tuple ta{local_ip, remote_ip, 40000, 80};
    const four_tuple tb{remote_ip, local_ip, 80, 40000};
    pipe_dir ab{sc.imp, r};
    pipe_dir ba{sc.imp, r};
    connection a = connection::open_active(instant{}, cfg, open_params{ta, seq32{0xfffff000U}, 7});
    std::optional<connection> b;
    const auto data_ab = pattern(sc.a_to_b, sc.seed * 2 + 1);
    const auto data_ba = pattern(sc.b_to_a, sc.seed * 2 + 2);
    std::vector<std::uint8_t> got_ab;
    std::vector<std::uint8_t> got_ba;
    std::size_t sent_ab = 0;
    std::size_t sent_ba = 0;
    bool a_shut = false;
    bool b_shut = false;
    std::array<std::uint8_t, 16384> buf{};
    instant now{};
    result_summary res;
    for (int step = 0; step < 2'000'000; ++step) {
        ab.deliver(now, local_ip, remote_ip, [&](const segment_in& s) {
            if (!b) {
                if (s.tcp.flags == flag::syn) {
                    b.emplace(
                        connection::from_syn(now, cfg, s, open_params{tb, seq32{0x7ffffff0U}, 99}));
                }
                return;
            }
            b->on_segment(now, s);
        });
        ba.deliver(now, remote_ip, local_ip, [&](const segment_in& s) { a.on_segment(now, s); });
        // Applications: write what fits, read what is there, half-close when done.
        if (!a_shut) {
            if (auto n = a.send(bytes{data_ab}.subspan(sent_ab)); n) {
                sent_ab += *n;
            }
            if (sent_ab == data_ab.size()) {
                a.shutdown_write();
                a_shut = true;
            }
        }
        for (;;) {
            auto n = a.recv(buf);
            if (!n || *n == 0) {
                break;
            }
            got_ba.insert(got_ba.end(), buf.begin(), buf.begin() + static_cast<long>(*n));
        }
        if (b) {
            if (!b_shut && b->ready().connected) {
                if (auto n = b->send(bytes{data_ba}.subspan(sent_ba)); n) {
                    sent_ba += *n;
                }
                if (sent_ba == data_ba.size()) {
                    b->shutdown_write();
                    b_shut = true;
                }
            }
            for (;;) {
                auto n = b->recv(buf);
                if (!n || *n == 0) {
                    break;
                }
                got_ab.insert(got_ab.end(), buf.begin(), buf.begin() + static_cast<long>(*n));
            }
        }
        while (a.poll(now, [&](const segment_out& s) {
            ab.push(now, s);
            return true;
        }) > 0) {
        }
        if (b) {
            while (b->poll(now, [&](const segment_out& s) {
                ba.push(now, s);
                return true;
            }) > 0) {
            }
        }
        const bool a_done = a.state() == tcp_state::time_wait || a.state() == tcp_state::closed;
        const bool b_done =
            b && (b->state() == tcp_state::time_wait || b->state() == tcp_state::closed);
        if (!res.data_done && got_ab.size() == data_ab.size() && got_ba.size() == data_ba.size()) {
            res.data_done = now;
        }
        if (a_done && b_done) {
            res.done = true;
            break;
        }
        std::optional<instant> next;
        for (auto t : {ab.next(), ba.next(), a.next_deadline(),
                       b ? b->next_deadline() : std::optional<instant>{}}) {
            if (t && (!next || *t < *next)) {
                next = t;
            }
        }
        if (!next) {
            ADD_FAILURE() << "stuck at " << to_seconds(now.since_zero()) << " s: a "
                          << to_string(a.state()) << " b " << (b ? to_string(b->state()) : "-");
            break;
        }
        now = std::max(now, *next);
        if (now > instant{std::chrono::seconds{600}}) {
            ADD_FAILURE() << "did not finish in 600 s of virtual time";
            break;
        }
    }
    res.end = now;
    res.a = a.stats();
    std::printf(
        "seed %llu loss %.2f: data done %.3f s, A rtx %u (rto %u, fast %u) B rtx %u, "
        "drops q%llu l%llu bad%llu, A cwnd %u srtt %.1f ms, B rcvbuf %zu\n",
        static_cast<unsigned long long>(sc.seed), sc.imp.loss,
        res.data_done ? to_seconds(res.data_done->since_zero()) : -1.0, res.a.retransmits,
        res.a.rto_expirations, res.a.fast_retransmits, b ? b->stats().retransmits : 0U,
        static_cast<unsigned long long>(ab.queue_drops + ba.queue_drops),
        static_cast<unsigned long long>(ab.losses + ba.losses),
        static_cast<unsigned long long>(ab.bad + ba.bad), res.a.cwnd,
        res.a.srtt ? to_seconds(*res.a.srtt) * 1000 : -1.0, b ? b->stats().recv_buffer : 0U);
    if (b) {
        res.b = b->stats();
        EXPECT_FALSE(b->error().has_value()) << b->error()->message();
    }
    EXPECT_FALSE(a.error().has_value()) << a.error()->message();
    EXPECT_EQ(got_ab.size(), data_ab.size());
    EXPECT_TRUE(got_ab == data_ab) << "A->B bytes differ";
    EXPECT_EQ(got_ba.size(), data_ba.size());
    EXPECT_TRUE(got_ba == data_ba) << "B->A bytes differ";
    return res;
}

class tcp_loopback : public ::testing::TestWithParam<std::tuple<int, double, bool>> {};

TEST_P(tcp_loopback, transfers_byte_exact_both_ways_and_closes) {
    const auto [seed, loss, options] = GetParam();
    scenario sc;
    sc.seed = static_cast<std::uint64_t>(seed);
    sc.options = options;
    sc.imp.loss = loss;
    sc.imp.reorder = loss > 0 ? 0.02 : 0;
    sc.imp.duplicate = loss > 0 ? 0.01 : 0;
    sc.imp.corrupt = loss > 0 ? 0.005 : 0;
    const auto res = run(sc);
    EXPECT_TRUE(res.done) << "seed " << seed;
    RecordProperty("virtual_seconds", std::to_string(to_seconds(res.end.since_zero())));
    if (loss == 0) {
        EXPECT_EQ(res.a.retransmits, 0U);
        EXPECT_EQ(res.b.retransmits, 0U);
    }
}

INSTANTIATE_TEST_SUITE_P(seeds, tcp_loopback,
                         ::testing::Combine(::testing::Values(1, 2, 3),
                                            ::testing::Values(0.0, 0.01, 0.05, 0.2),
                                            ::testing::Bool()));

TEST(tcp_loopback_clean, fills_a_100_mbit_pipe) {
    scenario sc;
    sc.a_to_b = 8 * 1024 * 1024;
    sc.b_to_a = 0;
    sc.imp.queue_max = std::chrono::seconds{1};  // no drops: the windows alone limit
    const auto res = run(sc);
    ASSERT_TRUE(res.done);
    // 8 MiB at 100 Mbit/s is 0.67 s; slow start and auto-tuning must keep the pipe mostly full.
    ASSERT_TRUE(res.data_done.has_value());
    EXPECT_LT(to_seconds(res.data_done->since_zero()), 1.5);
    EXPECT_GT(res.b.recv_buffer, 64U * 1024U);  // auto-tuning grew the receive buffer
}

}  // namespace
}  // namespace netrig::core::tcp
