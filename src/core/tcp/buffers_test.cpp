// SPDX-License-Identifier: MIT
// core/tcp: send ring and receive reassembly buffers, including split-point reassembly.
#include <gtest/gtest.h>

#include <deque>
#include <numeric>
#include <string>
#include <vector>

#include "base/rng.hpp"
#include "core/tcp/recv_buffer.hpp"
#include "core/tcp/send_buffer.hpp"

namespace netrig::core::tcp {
namespace {

bytes as_bytes(const std::string& s) {
    return bytes{reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string joined(const std::array<bytes, 2>& parts) {
    std::string s;
    for (const bytes p : parts) {
        s.append(reinterpret_cast<const char*>(p.data()), p.size());
    }
    return s;
}

TEST(tcp_send_buffer, allocates_lazily_grows_and_stops_at_max) {
    send_buffer b{4, 10};
    EXPECT_EQ(b.capacity(), 0U);
    EXPECT_EQ(b.write(as_bytes("abc")), 3U);
    EXPECT_EQ(b.capacity(), 4U);
    EXPECT_EQ(b.write(as_bytes("defgh")), 5U);
    EXPECT_EQ(b.capacity(), 8U);
    EXPECT_EQ(b.write(as_bytes("ijklmn")), 2U);  // capped at max 10
    EXPECT_EQ(b.capacity(), 10U);
    EXPECT_EQ(b.free(), 0U);
    EXPECT_EQ(joined(b.peek(0, 10)), "abcdefghij");
}

TEST(tcp_send_buffer, wraps_into_two_spans) {
    send_buffer b{8, 8};
    ASSERT_EQ(b.write(as_bytes("abcdefgh")), 8U);
    b.consume(5);
    ASSERT_EQ(b.write(as_bytes("ijkl")), 4U);
    const auto parts = b.peek(1, 6);
    EXPECT_FALSE(parts[1].empty());
    EXPECT_EQ(joined(parts), "ghijkl");
    b.consume(7);
    EXPECT_EQ(b.size(), 0U);
}

TEST(tcp_send_buffer, growth_keeps_wrapped_data_in_order) {
    send_buffer b{4, 64};
    ASSERT_EQ(b.write(as_bytes("abcd")), 4U);
    b.consume(3);
    ASSERT_EQ(b.write(as_bytes("efg")), 3U);    // wraps
    ASSERT_EQ(b.write(as_bytes("hijkl")), 5U);  // grows while wrapped
    EXPECT_EQ(joined(b.peek(0, b.size())), "defghijkl");
}

TEST(tcp_recv_buffer, in_order_and_out_of_order_merge) {
    recv_buffer r{16, 16, 4};
    EXPECT_EQ(r.insert(4, as_bytes("efgh")), 0U);
    EXPECT_EQ(r.out_of_order().size(), 1U);
    EXPECT_EQ(r.insert(10, as_bytes("kl")), 0U);
    EXPECT_EQ(r.out_of_order().size(), 2U);
    EXPECT_EQ(r.insert(8, as_bytes("ij")), 0U);  // bridges the two ranges
    ASSERT_EQ(r.out_of_order().size(), 1U);
    EXPECT_EQ(r.out_of_order()[0].begin, 4U);
    EXPECT_EQ(r.out_of_order()[0].end, 12U);
    EXPECT_EQ(r.insert(0, as_bytes("abcd")), 12U);
    EXPECT_TRUE(r.out_of_order().empty());
    std::array<std::uint8_t, 16> out{};
    ASSERT_EQ(r.read(out), 12U);
    EXPECT_EQ(std::string(out.begin(), out.begin() + 12), "abcdefghijkl");
}

TEST(tcp_recv_buffer, clips_to_capacity_and_bounds_ranges) {
    recv_buffer r{8, 8, 2};
    EXPECT_EQ(r.insert(0, as_bytes("abcdefghij")), 8U);  // only 8 fit
    EXPECT_EQ(r.free(), 0U);
    std::array<std::uint8_t, 4> out{};
    ASSERT_EQ(r.read(out), 4U);
    EXPECT_EQ(r.free(), 4U);
    recv_buffer q{64, 64, 2};
    EXPECT_EQ(q.insert(10, as_bytes("a")), 0U);
    EXPECT_EQ(q.insert(20, as_bytes("b")), 0U);
    EXPECT_EQ(q.insert(30, as_bytes("c")), 0U);  // third range: dropped
    EXPECT_EQ(q.out_of_order().size(), 2U);
    EXPECT_EQ(q.insert(11, as_bytes("x")), 0U);  // extends an existing range: kept
    EXPECT_EQ(q.out_of_order()[0].end, 12U);
}

TEST(tcp_recv_buffer, most_recent_range_has_highest_stamp) {
    recv_buffer r{64, 64, 4};
    (void)r.insert(10, as_bytes("a"));
    (void)r.insert(20, as_bytes("b"));
    (void)r.insert(11, as_bytes("c"));
    ASSERT_EQ(r.out_of_order().size(), 2U);
    EXPECT_GT(r.out_of_order()[0].stamp, r.out_of_order()[1].stamp);
}

TEST(tcp_recv_buffer, every_split_point_both_orders_reassembles) {
    const std::string msg = "The quick brown fox jumps over the lazy dog";
    for (std::size_t i = 1; i < msg.size(); ++i) {
        for (const bool reversed : {false, true}) {
            recv_buffer r{32, 64, 4};
            const auto a = as_bytes(msg).subspan(0, i);
            const auto b = as_bytes(msg).subspan(i);
            std::size_t advanced = 0;
            if (reversed) {
                advanced += r.insert(i, b);
                advanced += r.insert(0, a);
            } else {
                advanced += r.insert(0, a);
                advanced += r.insert(i, b);
            }
            // Capacity 32 at first; grow to take the rest, as auto-tuning would.
            r.grow(64);
            advanced += r.insert(0, as_bytes(msg));
            EXPECT_EQ(advanced, msg.size()) << i << " " << reversed;
            std::vector<std::uint8_t> out(msg.size());
            ASSERT_EQ(r.read(out), msg.size());
            EXPECT_EQ(std::string(out.begin(), out.end()), msg);
        }
    }
}

TEST(tcp_recv_buffer, ring_wraps_over_many_reads) {
    recv_buffer r{7, 7, 2};
    std::string all;
    std::string got;
    std::uint64_t pos = 0;
    for (int i = 0; i < 50; ++i) {
        const std::string piece = std::to_string(i % 10) + "xy";
        all += piece;
        ASSERT_EQ(r.insert(pos, as_bytes(piece)), 3U);
        pos += 3;
        std::array<std::uint8_t, 3> out{};
        ASSERT_EQ(r.read(out), 3U);
        got.append(out.begin(), out.end());
    }
    EXPECT_EQ(got, all);
}

// ---------------------------------------------------------- storage: growth and release

TEST(tcp_send_buffer, release_frees_the_storage_and_the_next_write_allocates_the_initial_size) {
    const buffer_totals t0 = send_buffer::totals();
    send_buffer b{16, 256};
    EXPECT_EQ(b.allocated_bytes(), 0U);
    ASSERT_EQ(b.write(as_bytes(std::string(40, 'x'))), 40U);
    EXPECT_EQ(b.allocated_bytes(), 64U);  // 16 doubled to fit
    EXPECT_EQ(send_buffer::totals().allocated_bytes - t0.allocated_bytes, 64U);
    b.consume(40);
    b.release();
    EXPECT_EQ(b.allocated_bytes(), 0U);
    EXPECT_EQ(b.size(), 0U);
    EXPECT_EQ(b.free(), 256U);
    EXPECT_EQ(send_buffer::totals().allocated_bytes, t0.allocated_bytes);
    EXPECT_EQ(send_buffer::totals().releases - t0.releases, 1U);
    b.release();  // nothing held: a no-op
    EXPECT_EQ(send_buffer::totals().releases - t0.releases, 1U);
    ASSERT_EQ(b.write(as_bytes("abc")), 3U);
    EXPECT_EQ(b.allocated_bytes(), 16U);  // as at first use, not the 64 it had grown to
    EXPECT_EQ(joined(b.peek(0, 3)), "abc");
}

TEST(tcp_send_buffer, moving_transfers_the_storage_and_its_accounting) {
    const buffer_totals t0 = send_buffer::totals();
    {
        send_buffer a{8, 64};
        ASSERT_EQ(a.write(as_bytes("hello")), 5U);
        send_buffer b{std::move(a)};
        EXPECT_EQ(joined(b.peek(0, 5)), "hello");
        send_buffer c{4, 4};
        ASSERT_EQ(c.write(as_bytes("abcd")), 4U);
        c = std::move(b);
        EXPECT_EQ(joined(c.peek(0, 5)), "hello");
        EXPECT_EQ(send_buffer::totals().allocated_bytes - t0.allocated_bytes, 8U);
    }
    EXPECT_EQ(send_buffer::totals().allocated_bytes, t0.allocated_bytes);
}

TEST(tcp_send_buffer, matches_a_model_through_growth_wraps_and_releases) {
    rng r{7};
    send_buffer b{8, 1000};
    std::deque<std::uint8_t> model;
    std::uint8_t next = 0;
    std::size_t grew_wrapped = 0;
    for (int op = 0; op < 20000; ++op) {
        const std::uint64_t what = r.below(10);
        if (what < 5) {
            std::vector<std::uint8_t> in(r.below(80));
            for (auto& c : in) {
                c = next++;
            }
            const std::size_t before_cap = b.allocated_bytes();
            const std::size_t n = b.write(in);
            ASSERT_EQ(n, std::min(in.size(), 1000 - model.size()));
            model.insert(model.end(), in.begin(), in.begin() + static_cast<long>(n));
            if (b.allocated_bytes() > before_cap && before_cap > 0) {
                ++grew_wrapped;
            }
        } else if (what < 9) {
            const std::size_t n = r.below(model.size() + 1);
            b.consume(n);
            model.erase(model.begin(), model.begin() + static_cast<long>(n));
        } else if (model.empty()) {
            b.release();
            ASSERT_EQ(b.allocated_bytes(), 0U);
        }
        ASSERT_EQ(b.size(), model.size());
        if (!model.empty()) {
            const std::size_t off = r.below(model.size());
            const std::size_t len = r.below(model.size() - off + 1);
            const auto parts = b.peek(off, len);
            std::vector<std::uint8_t> got(parts[0].begin(), parts[0].end());
            got.insert(got.end(), parts[1].begin(), parts[1].end());
            ASSERT_TRUE(std::equal(got.begin(), got.end(),
                                   model.begin() + static_cast<long>(off)))
                << op;
        }
    }
    EXPECT_GT(grew_wrapped, 0U);
}

TEST(tcp_recv_buffer, storage_follows_the_data_not_the_capacity) {
    const buffer_totals t0 = recv_buffer::totals();
    recv_buffer r{16, 1024, 4};
    r.grow(512);  // auto-tuning raises the window; nothing is allocated for it
    EXPECT_EQ(r.capacity(), 512U);
    EXPECT_EQ(r.free(), 512U);
    EXPECT_EQ(r.allocated_bytes(), 0U);
    EXPECT_EQ(r.insert(0, as_bytes("abc")), 3U);
    EXPECT_EQ(r.allocated_bytes(), 16U);  // first use: the initial size
    EXPECT_EQ(r.insert(100, as_bytes("z")), 0U);  // lands at 100: the ring doubles to 128
    EXPECT_EQ(r.allocated_bytes(), 128U);
    EXPECT_EQ(r.free(), 509U);  // the window follows the capacity
    EXPECT_EQ(recv_buffer::totals().allocated_bytes - t0.allocated_bytes, 128U);
    EXPECT_EQ(recv_buffer::totals().allocations - t0.allocations, 2U);
    EXPECT_EQ(r.insert(600, as_bytes("q")), 0U);  // beyond the capacity: clipped, no growth
    EXPECT_EQ(r.allocated_bytes(), 128U);
}

TEST(tcp_recv_buffer, growth_keeps_wrapped_in_order_and_out_of_order_data) {
    recv_buffer r{8, 64, 4};
    r.grow(64);
    ASSERT_EQ(r.insert(0, as_bytes("abcdef")), 6U);
    std::array<std::uint8_t, 5> first{};
    ASSERT_EQ(r.read(first), 5U);                    // read_pos 5: the ring's head is at 5
    ASSERT_EQ(r.insert(6, as_bytes("ghij")), 4U);    // wraps around the 8-byte ring
    ASSERT_EQ(r.insert(12, as_bytes("m")), 0U);      // out of order, still inside the ring
    ASSERT_EQ(r.allocated_bytes(), 8U);
    ASSERT_EQ(r.insert(30, as_bytes("XY")), 0U);     // far ahead: grows while wrapped
    EXPECT_EQ(r.allocated_bytes(), 32U);
    ASSERT_EQ(r.insert(10, as_bytes("kl")), 3U);     // joins "m"
    std::array<std::uint8_t, 64> out{};
    ASSERT_EQ(r.read(out), 8U);
    EXPECT_EQ(std::string(out.begin(), out.begin() + 8), "fghijklm");
    ASSERT_EQ(r.insert(13, as_bytes(std::string(17, '.'))), 19U);
    ASSERT_EQ(r.read(out), 19U);
    EXPECT_EQ(std::string(out.begin(), out.begin() + 19), std::string(17, '.') + "XY");
}

TEST(tcp_recv_buffer, release_keeps_positions_capacity_and_window) {
    const buffer_totals t0 = recv_buffer::totals();
    recv_buffer r{16, 256, 4};
    r.grow(128);
    ASSERT_EQ(r.insert(0, as_bytes(std::string(50, 'a'))), 50U);
    std::array<std::uint8_t, 64> out{};
    ASSERT_EQ(r.read(out), 50U);
    ASSERT_GT(r.allocated_bytes(), 0U);
    const std::size_t free_before = r.free();
    r.release();
    EXPECT_EQ(r.allocated_bytes(), 0U);
    EXPECT_EQ(r.read_pos(), 50U);
    EXPECT_EQ(r.ready_end(), 50U);
    EXPECT_EQ(r.capacity(), 128U);
    EXPECT_EQ(r.free(), free_before);
    EXPECT_EQ(recv_buffer::totals().allocated_bytes, t0.allocated_bytes);
    EXPECT_EQ(recv_buffer::totals().releases - t0.releases, 1U);
    // Data after the release: out of order first, then the gap; positions carry on.
    ASSERT_EQ(r.insert(60, as_bytes("klm")), 0U);
    EXPECT_EQ(r.allocated_bytes(), 16U);
    ASSERT_EQ(r.insert(50, as_bytes("abcdefghij")), 13U);
    ASSERT_EQ(r.read(out), 13U);
    EXPECT_EQ(std::string(out.begin(), out.begin() + 13), "abcdefghijklm");
}

TEST(tcp_recv_buffer, matches_a_model_with_random_segments_growth_and_releases) {
    const buffer_totals t0 = recv_buffer::totals();
    {
        rng rnd{11};
        recv_buffer r{32, 4096, 8};
        std::vector<std::uint8_t> stream(200'000);
        for (auto& c : stream) {
            c = static_cast<std::uint8_t>(rnd());
        }
        std::vector<std::uint8_t> got;
        std::size_t releases = 0;
        while (got.size() < stream.size()) {
            const std::uint64_t what = rnd.below(20);
            if (what == 0) {
                r.grow(r.capacity() * 2);
            } else if (what < 14) {
                // A segment somewhere in (or a little past) the window, maybe overlapping.
                const std::uint64_t pos =
                    r.read_pos() + rnd.below(r.capacity() + r.capacity() / 4 + 1);
                if (pos < stream.size()) {
                    const std::size_t len = std::min<std::size_t>(
                        1 + rnd.below(300), stream.size() - static_cast<std::size_t>(pos));
                    (void)r.insert(pos, bytes{stream}.subspan(static_cast<std::size_t>(pos), len));
                }
            } else if (what < 19) {
                std::vector<std::uint8_t> out(rnd.below(500));
                const std::size_t n = r.read(out);
                got.insert(got.end(), out.begin(), out.begin() + static_cast<long>(n));
            } else {
                // Fill every hole, read everything, and give the storage back.
                const std::uint64_t to = r.out_of_order().empty()
                                             ? r.ready_end()
                                             : r.out_of_order().back().end;
                const auto from = static_cast<std::size_t>(r.ready_end());
                (void)r.insert(from, bytes{stream}.subspan(from, static_cast<std::size_t>(to) - from));
                std::vector<std::uint8_t> out(r.readable());
                ASSERT_EQ(r.read(out), out.size());
                got.insert(got.end(), out.begin(), out.end());
                ASSERT_TRUE(r.out_of_order().empty());
                r.release();
                ASSERT_EQ(r.allocated_bytes(), 0U);
                ++releases;
            }
            ASSERT_LE(r.allocated_bytes(), r.capacity());
            for (const stream_range& range : r.out_of_order()) {
                ASSERT_GT(range.begin, r.ready_end());
                ASSERT_LE(range.end, r.read_pos() + r.capacity());
            }
        }
        EXPECT_TRUE(got == stream);
        EXPECT_GT(releases, 0U);
    }
    EXPECT_EQ(recv_buffer::totals().allocated_bytes, t0.allocated_bytes);
}

}  // namespace
}  // namespace netrig::core::tcp
