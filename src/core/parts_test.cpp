// SPDX-License-Identifier: MIT
// core: unit tests of the small parts: token bucket, datagram queue, frame ring, ARP cache
// eviction, PMTU cache, reassembler, counter names and the error category.
#include <gtest/gtest.h>

#include <set>

#include "core/arp_cache.hpp"
#include "core/counters.hpp"
#include "core/datagram_queue.hpp"
#include "core/error.hpp"
#include "core/frame_ring.hpp"
#include "core/pmtu_cache.hpp"
#include "core/reassembly.hpp"
#include "core/token_bucket.hpp"

namespace netrig::core {
namespace {

using namespace std::chrono_literals;

instant at(duration d) { return instant{d}; }

TEST(token_bucket_test, allows_a_burst_then_one_per_interval) {
    token_bucket b{3, 10ms};
    EXPECT_TRUE(b.try_take(at(0s)));
    EXPECT_TRUE(b.try_take(at(0s)));
    EXPECT_TRUE(b.try_take(at(0s)));
    EXPECT_FALSE(b.try_take(at(9ms)));
    EXPECT_TRUE(b.try_take(at(10ms)));
    EXPECT_FALSE(b.try_take(at(19ms)));
    EXPECT_EQ(b.available(at(1s)), 3U);   // Capped at the burst.
    EXPECT_EQ(b.available(at(500ms)), 3U);  // Time going backwards adds nothing.
}

TEST(datagram_queue_test, wraps_around_the_ring_and_keeps_order) {
    datagram_queue<int> q;
    q.reset(8, 10);
    const std::uint8_t a[] = {1, 2, 3, 4, 5, 6};
    const std::uint8_t b[] = {7, 8, 9, 10};
    EXPECT_EQ(q.push(1, a), push_result::ok);
    EXPECT_EQ(q.push(2, b), push_result::ok);
    EXPECT_EQ(q.push(3, b), push_result::full_bytes);
    std::uint8_t out[8] = {};
    EXPECT_EQ(q.pop_into(out), 6U);
    EXPECT_EQ(q.push(3, a), push_result::ok);  // Stored across the end of the ring.
    EXPECT_EQ(q.front_meta(), 2);
    EXPECT_EQ(q.pop_into(out), 4U);
    EXPECT_EQ(out[0], 7);
    EXPECT_EQ(q.front_meta(), 3);
    EXPECT_EQ(q.pop_into(out), 6U);
    EXPECT_TRUE(std::equal(a, a + 6, out));
    EXPECT_TRUE(q.empty());
    EXPECT_EQ(q.bytes_used(), 0U);
}

TEST(frame_ring_test, is_fifo_and_bounded) {
    frame_ring r{2, 100};
    auto f = r.reserve(10);
    ASSERT_TRUE(f);
    (*f)[0] = 1;
    r.commit();
    f = r.reserve(20);
    (*f)[0] = 2;
    r.commit();
    EXPECT_FALSE(r.reserve(5));
    EXPECT_EQ(r.front().size(), 10U);
    EXPECT_EQ(r.front()[0], 1);
    r.pop();
    EXPECT_EQ(r.front()[0], 2);
    EXPECT_EQ(r.free(), 1U);
}

TEST(arp_cache_test, evicts_the_resolved_entry_closest_to_expiry) {
    arp_cache c{2};
    const wire::mac_address m{{2, 0, 0, 0, 0, 9}};
    ASSERT_TRUE(c.learn(at(0s), {10, 0, 0, 1}, m, 60s));
    ASSERT_TRUE(c.learn(at(5s), {10, 0, 0, 2}, m, 60s));
    ASSERT_TRUE(c.start_resolving({10, 0, 0, 3}));
    EXPECT_EQ(c.find({10, 0, 0, 1}), nullptr);
    EXPECT_NE(c.find({10, 0, 0, 2}), nullptr);
    ASSERT_TRUE(c.start_resolving({10, 0, 0, 4}));
    // Every entry is in progress now: nothing can be evicted.
    EXPECT_EQ(c.start_resolving({10, 0, 0, 5}), nullptr);
    EXPECT_EQ(c.size(), 2U);
}

TEST(pmtu_cache_test, only_decreases_ages_and_is_bounded) {
    pmtu_cache c{2, 600s};
    c.update(at(0s), {10, 0, 0, 1}, 1200);
    c.update(at(1s), {10, 0, 0, 1}, 1400);  // RFC 1191: larger reports do not raise it.
    EXPECT_EQ(c.lookup(at(2s), {10, 0, 0, 1}), 1200);
    c.update(at(3s), {10, 0, 0, 2}, 1000);
    c.update(at(4s), {10, 0, 0, 3}, 900);  // Evicts the oldest (10.0.0.1).
    EXPECT_EQ(c.lookup(at(5s), {10, 0, 0, 1}), std::nullopt);
    EXPECT_EQ(c.lookup(at(5s), {10, 0, 0, 3}), 900);
    EXPECT_EQ(c.size(), 2U);
    EXPECT_EQ(c.lookup(at(604s), {10, 0, 0, 3}), std::nullopt);
}

TEST(reassembler_test, completes_in_any_order_and_rejects_conflicting_lengths) {
    reassembler r{reasm_limits{}};
    const reasm_key k{.source = {1, 1, 1, 1}, .destination = {2, 2, 2, 2}, .ident = 5,
                      .protocol = 17};
    std::vector<std::uint8_t> data(24);
    for (std::size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<std::uint8_t>(i);
    }
    const bytes d{data};
    auto res = r.add(at(0s), {.key = k, .offset = 16, .more = false, .payload = d.subspan(16)});
    ASSERT_TRUE(res && !*res);
    res = r.add(at(0s), {.key = k, .offset = 0, .more = true, .payload = d.first(8)});
    ASSERT_TRUE(res && !*res);
    res = r.add(at(0s), {.key = k, .offset = 8, .more = true, .payload = d.subspan(8, 8)});
    ASSERT_TRUE(res && *res);
    EXPECT_TRUE(std::equal((*res)->begin(), (*res)->end(), data.begin()));
    EXPECT_EQ(r.in_flight(), 0U);
    // Two "last" fragments that disagree on the length discard the datagram.
    ASSERT_TRUE(r.add(at(0s), {.key = k, .offset = 16, .more = false, .payload = d.subspan(16)}));
    res = r.add(at(0s), {.key = k, .offset = 8, .more = false, .payload = d.subspan(8, 8)});
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error(), drop_reason::reasm_bad_length);
    EXPECT_EQ(r.in_flight(), 0U);
    EXPECT_EQ(r.bytes_held(), 0U);
    // A non-final fragment whose length is not a multiple of 8 is malformed (RFC 791).
    res = r.add(at(0s), {.key = k, .offset = 0, .more = true, .payload = d.first(7)});
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error(), drop_reason::reasm_bad_length);
}

TEST(counters_test, every_reason_and_stat_has_a_distinct_name) {
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < drop_reason_count; ++i) {
        names.insert(to_string(static_cast<drop_reason>(i)));
    }
    EXPECT_EQ(names.size(), drop_reason_count);
    EXPECT_EQ(to_string(drop_reason::ipv4_bad_checksum), "ipv4_bad_checksum");
    EXPECT_EQ(to_string(stat::tx_frames), "tx_frames");
    counters c;
    c.drop(drop_reason::udp_no_socket, 2);
    EXPECT_EQ(c[drop_reason::udp_no_socket], 2U);
    EXPECT_EQ(c.total_drops(), 2U);
}

TEST(error_test, has_a_named_category) {
    const std::error_code e = errc::no_route;
    EXPECT_STREQ(e.category().name(), "netrig.core");
    EXPECT_EQ(e.message(), "no_route");
}

}  // namespace
}  // namespace netrig::core
