// SPDX-License-Identifier: MIT
// core/tcp: demux tables: connection / TIME-WAIT / listener precedence, wildcard listeners,
// bounds, ephemeral ports avoiding busy tuples, memory.
#include "core/tcp/tcp_table.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace netrig::core::tcp {
namespace {

using namespace std::chrono_literals;

const wire::ipv4_address local{10, 0, 0, 1};
const wire::ipv4_address local2{10, 0, 0, 9};
const wire::ipv4_address peer{10, 0, 0, 2};

four_tuple tuple_n(std::uint16_t remote_port, std::uint16_t local_port = 80) {
    return four_tuple{local, peer, local_port, remote_port};
}

TEST(tcp_rfc9293, s3_10_7_demux_connection_before_time_wait_before_listener) {
    rng r{1};
    tcp_table t{{.connections_max = 8}, r};
    EXPECT_EQ(t.demux(tuple_n(1000)).kind, demux_kind::none);
    ASSERT_TRUE(t.add_listener(wire::ipv4_address::any(), 80, 7));
    EXPECT_EQ(t.demux(tuple_n(1000)).kind, demux_kind::listener);
    EXPECT_EQ(t.demux(tuple_n(1000)).id, 7U);
    t.time_wait().insert(instant{0s}, time_wait_state{.tuple = tuple_n(1000)});
    EXPECT_EQ(t.demux(tuple_n(1000)).kind, demux_kind::time_wait);
    // A TIME-WAIT tuple cannot be registered as a connection until the record goes.
    EXPECT_EQ(t.add_connection(tuple_n(1000), 3).error(), make_error_code(errc::address_in_use));
    ASSERT_TRUE(t.time_wait().erase(tuple_n(1000)));
    ASSERT_TRUE(t.add_connection(tuple_n(1000), 3));
    EXPECT_EQ(t.demux(tuple_n(1000)).kind, demux_kind::connection);
    EXPECT_EQ(t.demux(tuple_n(1000)).id, 3U);
    EXPECT_EQ(t.demux(tuple_n(1001)).kind, demux_kind::listener);
    EXPECT_TRUE(t.remove_connection(tuple_n(1000)));
    EXPECT_FALSE(t.remove_connection(tuple_n(1000)));
    EXPECT_EQ(t.demux(tuple_n(1000)).kind, demux_kind::listener);
}

TEST(tcp_table, exact_listener_beats_wildcard) {
    rng r{2};
    tcp_table t{{}, r};
    ASSERT_TRUE(t.add_listener(wire::ipv4_address::any(), 80, 1));
    ASSERT_TRUE(t.add_listener(local2, 80, 2));
    EXPECT_EQ(t.find_listener(local, 80), 1U);
    EXPECT_EQ(t.find_listener(local2, 80), 2U);
    EXPECT_FALSE(t.find_listener(local, 81));
    EXPECT_EQ(t.add_listener(local2, 80, 3).error(), make_error_code(errc::address_in_use));
    EXPECT_TRUE(t.remove_listener(local2, 80));
    EXPECT_EQ(t.find_listener(local2, 80), 1U);
}

TEST(tcp_table, bounded_tables_report_table_full) {
    rng r{3};
    tcp_table t{{.connections_max = 2, .listeners_max = 1}, r};
    ASSERT_TRUE(t.add_connection(tuple_n(1), 1));
    ASSERT_TRUE(t.add_connection(tuple_n(2), 2));
    EXPECT_EQ(t.add_connection(tuple_n(3), 3).error(), make_error_code(errc::table_full));
    EXPECT_EQ(t.add_connection(tuple_n(1), 9).error(), make_error_code(errc::address_in_use));
    ASSERT_TRUE(t.add_listener(local, 80, 1));
    EXPECT_EQ(t.add_listener(local, 81, 2).error(), make_error_code(errc::table_full));
    EXPECT_EQ(t.connection_count(), 2U);
}

TEST(tcp_rfc6056, s3_3_4_allocated_port_avoids_busy_tuples_time_wait_and_listeners) {
    rng r{4};
    tcp_table t{{.ephemeral = port_range{.first = 40000, .last = 40003}}, r};
    // Busy: a connection on 40000, TIME-WAIT on 40001, a listener on 40002.
    ASSERT_TRUE(t.add_connection(four_tuple{local, peer, 40000, 80}, 1));
    t.time_wait().insert(instant{0s}, time_wait_state{.tuple = four_tuple{local, peer, 40001, 80}});
    ASSERT_TRUE(t.add_listener(wire::ipv4_address::any(), 40002, 1));
    const auto p = t.allocate_port(local, peer, 80);
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, 40003);
    ASSERT_TRUE(t.add_connection(four_tuple{local, peer, *p, 80}, 2));
    EXPECT_EQ(t.allocate_port(local, peer, 80).error(), make_error_code(errc::no_ephemeral_port));
    // Another destination may reuse the same local ports (the tuple differs).
    EXPECT_TRUE(t.allocate_port(local, peer, 443));
}

TEST(tcp_table, ten_thousand_connections_fit_compactly) {
    rng r{5};
    tcp_table t{{.connections_max = 10'000, .time_wait = {.entries_max = 10'000}}, r};
    for (std::uint32_t i = 0; i < 10'000; ++i) {
        const four_tuple tuple{local, wire::ipv4_address::from_u32(0x0a000100U + i / 50000), 80,
                               static_cast<std::uint16_t>(10000 + i)};
        ASSERT_TRUE(t.add_connection(tuple, i));
    }
    EXPECT_EQ(t.connection_count(), 10'000U);
    // Index for 10k connections plus 10k TIME-WAIT records: about 1 MiB, far inside the
    // 100 MiB budget for 10k connections with their buffers.
    EXPECT_LE(t.memory_bytes(), 1536U * 1024U);
}

}  // namespace
}  // namespace netrig::core::tcp
