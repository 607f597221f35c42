// SPDX-License-Identifier: MIT
// tools/bulk: the write budget (sans-IO) and option validation.
#include "tools/bulk/budget.hpp"

#include <gtest/gtest.h>

#include "net/errc.hpp"

namespace netrig::tools::bulk {
namespace {

using namespace std::chrono_literals;

TEST(send_budget, byte_count_is_split_over_streams_and_ends_exactly) {
    bulk_options o;
    o.bytes = 10;
    o.streams = 3;
    o.write_size_bytes = 3;
    std::uint64_t total = 0;
    for (unsigned i = 0; i < 3; ++i) {
        send_budget b(o, i, instant{});
        EXPECT_EQ(b.byte_limit(), i == 0 ? 4U : 3U);
        while (const std::size_t n = b.next_write(instant{1h})) {
            EXPECT_LE(n, 3U);
            b.on_written(n);
        }
        total += b.sent();
    }
    EXPECT_EQ(total, 10U);
}

TEST(send_budget, time_limit_ends_at_the_deadline) {
    bulk_options o;
    o.time_limit = 1s;
    o.write_size_bytes = 100;
    send_budget b(o, 0, instant{5s});
    EXPECT_EQ(b.next_write(instant{5s}), 100U);
    EXPECT_EQ(b.next_write(instant{5s} + 999ms), 100U);
    EXPECT_EQ(b.next_write(instant{6s}), 0U);
    EXPECT_FALSE(b.byte_limit());
}

TEST(send_budget, bytes_take_precedence_over_time) {
    bulk_options o;
    o.time_limit = 1ms;
    o.bytes = 5;
    send_budget b(o, 0, instant{});
    EXPECT_EQ(b.next_write(instant{1h}), 5U);
}

TEST(send_budget, default_duration_applies_when_unbounded) {
    bulk_options o;
    send_budget b(o, 0, instant{});
    EXPECT_GT(b.next_write(instant{} + bulk_options::default_duration - 1ns), 0U);
    EXPECT_EQ(b.next_write(instant{} + bulk_options::default_duration), 0U);
}

TEST(validate, rejects_nonsense) {
    EXPECT_TRUE(validate(bulk_options{}));
    const auto bad = [](auto mutate) {
        bulk_options o;
        mutate(o);
        auto r = validate(o);
        return !r && r.error() == net::errc::invalid_argument;
    };
    EXPECT_TRUE(bad([](bulk_options& o) { o.streams = 0; }));
    EXPECT_TRUE(bad([](bulk_options& o) { o.streams = 1000; }));
    EXPECT_TRUE(bad([](bulk_options& o) { o.write_size_bytes = 0; }));
    EXPECT_TRUE(bad([](bulk_options& o) { o.read_size_bytes = 0; }));
    EXPECT_TRUE(bad([](bulk_options& o) { o.time_limit = 0s; }));
    EXPECT_TRUE(bad([](bulk_options& o) { o.bytes = 0; }));
}

}  // namespace
}  // namespace netrig::tools::bulk
