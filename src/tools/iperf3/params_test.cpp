// SPDX-License-Identifier: MIT
// tools/iperf3: params JSON tests: the keys and types a 3.12 client sends, and the server-side
// type and range checks.
#include "tools/iperf3/params.hpp"

#include <gtest/gtest.h>

namespace netrig::tools::iperf3 {
namespace {

using nlohmann::json;

TEST(params, client_emits_iperf3_keys_with_iperf3_types) {
    test_params p;
    p.time_s = 2;
    p.len_bytes = 131072;
    const json j = p.to_json();
    EXPECT_EQ(j.dump(),
              R"({"blockcount":0,"client_version":"3.12","len":131072,"num":0,"omit":0,)"
              R"("pacing_timer":1000,"parallel":1,"tcp":true,"time":2})");
}

TEST(params, flags_are_true_and_options_appear_only_when_set) {
    test_params p;
    p.protocol = transport::udp;
    p.reverse = true;
    p.nodelay = true;
    p.mss_bytes = 1400;
    p.window_bytes = 65536;
    p.bandwidth_bps = 50'000'000;
    p.congestion = "cubic";
    p.get_server_output = true;
    p.len_bytes = 1460;
    const json j = p.to_json();
    EXPECT_EQ(j["udp"], true);
    EXPECT_FALSE(j.contains("tcp"));
    EXPECT_EQ(j["reverse"], true);
    EXPECT_EQ(j["nodelay"], true);
    EXPECT_EQ(j["MSS"], 1400);
    EXPECT_EQ(j["window"], 65536);
    EXPECT_EQ(j["bandwidth"], 50000000);
    EXPECT_EQ(j["congestion"], "cubic");
    EXPECT_EQ(j["get_server_output"], 1);
    EXPECT_FALSE(j.contains("bidirectional"));
}

TEST(params, round_trip) {
    test_params p;
    p.protocol = transport::udp;
    p.parallel = 4;
    p.bidirectional = true;
    p.len_bytes = 64;
    p.bandwidth_bps = 0;
    p.omit_s = 1;
    p.netrig_extensions = true;
    auto q = test_params::from_json(p.to_json());
    ASSERT_TRUE(q);
    EXPECT_EQ(q->protocol, transport::udp);
    EXPECT_EQ(q->parallel, 4);
    EXPECT_TRUE(q->bidirectional);
    EXPECT_EQ(q->len_bytes, 64U);
    EXPECT_EQ(q->bandwidth_bps, 0U);
    EXPECT_EQ(q->omit_s, 1);
    EXPECT_TRUE(q->netrig_extensions);
}

TEST(params, observed_real_client_params_parse) {
    // From a 3.15 client (spec A.6).
    const auto j = json::parse(
        R"({"tcp":true,"omit":0,"time":10,"num":0,"blockcount":0,"parallel":1,)"
        R"("bidirectional":true,"len":131072,"pacing_timer":1000,"client_version":"3.15"})");
    auto p = test_params::from_json(j);
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->bidirectional);
    EXPECT_EQ(p->client_version, "3.15");
    EXPECT_FALSE(p->netrig_extensions);
}

TEST(params, missing_len_gets_the_protocol_default) {
    auto p = test_params::from_json(json{{"udp", true}});
    ASSERT_TRUE(p);
    EXPECT_EQ(p->len_bytes, 1460U);
}

TEST(params, bad_types_and_ranges_are_rejected) {
    const json base = {{"tcp", true}, {"time", 1}, {"parallel", 1}, {"len", 131072}};
    const std::vector<std::pair<const char*, json>> bad{
        {"parallel", 0},        {"parallel", 129},     {"parallel", "4"},
        {"time", 86401},        {"time", -1},          {"time", 1.5},
        {"omit", 601},          {"len", 2 * 1024 * 1024}, {"window", 1024ULL * 1024 * 1024},
        {"reverse", "yes"},     {"congestion", 5},     {"congestion", std::string(100, 'c')},
        {"burst", 0},           {"burst", 1001},       {"num", -5},
        {"udp", true},  // both tcp and udp
    };
    for (const auto& [key, value] : bad) {
        json j = base;
        j[key] = value;
        const auto r = test_params::from_json(j);
        ASSERT_FALSE(r) << key << "=" << value.dump();
        EXPECT_EQ(r.error(), codec_error::bad_param);
    }
    EXPECT_FALSE(test_params::from_json(json::object()));  // no protocol
    json both = base;
    both["reverse"] = true;
    both["bidirectional"] = true;
    EXPECT_FALSE(test_params::from_json(both));
    json tiny_udp = {{"udp", true}, {"len", 8}};
    EXPECT_FALSE(test_params::from_json(tiny_udp));
}

}  // namespace
}  // namespace netrig::tools::iperf3
