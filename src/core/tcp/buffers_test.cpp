// SPDX-License-Identifier: MIT
// core/tcp: send ring and receive reassembly buffers, including split-point reassembly.
#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

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

}  // namespace
}  // namespace netrig::core::tcp
