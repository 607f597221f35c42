// SPDX-License-Identifier: MIT
// tools/iperf3: results JSON tests.
#include "tools/iperf3/results.hpp"

#include <gtest/gtest.h>

namespace netrig::tools::iperf3 {
namespace {

using nlohmann::json;

TEST(results, round_trip_keeps_mandatory_and_extension_fields) {
    peer_results r;
    r.cpu_util_total = 12.5;
    r.sender_has_retransmits = 1;
    r.congestion_used = "cubic";
    r.netrig = true;
    r.streams.push_back({.id = 1, .bytes = 5'000'000'000ULL, .retransmits = 3, .jitter_s = 0.001,
                         .errors = 2, .packets = 10, .start_time_s = 0, .end_time_s = 1.0,
                         .received_packets = 8, .netrig_packets = 40});
    const json j = r.to_json();
    for (const char* k : {"cpu_util_total", "cpu_util_user", "cpu_util_system",
                          "sender_has_retransmits", "streams"}) {
        EXPECT_TRUE(j.contains(k)) << k;
    }
    auto back = peer_results::from_json(j);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->streams.size(), 1U);
    EXPECT_EQ(back->streams[0].bytes, 5'000'000'000ULL);  // 64-bit counts survive
    EXPECT_EQ(back->streams[0].retransmits, 3);
    EXPECT_EQ(back->streams[0].received_packets, 8U);
    EXPECT_EQ(back->streams[0].netrig_packets, 40U);
    EXPECT_TRUE(back->netrig);
    EXPECT_EQ(back->congestion_used, "cubic");
}

TEST(results, real_iperf3_results_without_times_parse) {
    const auto j = json::parse(
        R"({"cpu_util_total":1,"cpu_util_user":0.5,"cpu_util_system":0.5,)"
        R"("sender_has_retransmits":-1,"streams":[{"id":1,"bytes":100,"retransmits":-1,)"
        R"("jitter":0,"errors":0,"packets":0}]})");
    auto r = peer_results::from_json(j);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->netrig);
    EXPECT_EQ(r->streams[0].end_time_s, 0.0);
    EXPECT_FALSE(r->streams[0].received_packets);
}

TEST(results, missing_mandatory_keys_are_rejected) {
    const json good = peer_results{}.to_json();
    for (const char* k : {"cpu_util_total", "cpu_util_user", "cpu_util_system",
                          "sender_has_retransmits", "streams"}) {
        json j = good;
        j.erase(k);
        const auto r = peer_results::from_json(j);
        ASSERT_FALSE(r) << k;
        EXPECT_EQ(r.error(), codec_error::bad_results);
    }
    json bad_stream = good;
    bad_stream["streams"] = json::array({json{{"id", 1}}});
    EXPECT_FALSE(peer_results::from_json(bad_stream));
    json not_array = good;
    not_array["streams"] = "x";
    EXPECT_FALSE(peer_results::from_json(not_array));
}

}  // namespace
}  // namespace netrig::tools::iperf3
