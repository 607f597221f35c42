// SPDX-License-Identifier: MIT
// tools/iperf3: text and JSON rendering tests (key sets of iperf3 3.12, line shapes).
#include "tools/iperf3/report.hpp"

#include <gtest/gtest.h>

#include <set>

namespace netrig::tools::iperf3 {
namespace {

std::set<std::string> keys(const nlohmann::ordered_json& j) {
    std::set<std::string> out;
    for (const auto& [k, v] : j.items()) {
        out.insert(k);
    }
    return out;
}

TEST(report, tcp_sender_interval_has_iperf3_keys) {
    figures f;
    f.socket = 5;
    f.sender = true;
    f.end_s = 1;
    f.seconds = 1;
    f.bytes = 1000;
    f.retransmits = 1;
    f.snd_cwnd = 100;
    const auto j = json_interval(f, false);
    EXPECT_EQ(keys(j), (std::set<std::string>{"socket", "start", "end", "seconds", "bytes",
                                              "bits_per_second", "retransmits", "snd_cwnd",
                                              "snd_wnd", "rtt", "rttvar", "pmtu", "omitted",
                                              "sender"}));
    EXPECT_DOUBLE_EQ(j["bits_per_second"].get<double>(), 8000.0);
}

TEST(report, udp_receiver_interval_has_iperf3_keys) {
    figures f;
    f.socket = 5;
    f.seconds = 1;
    f.bytes = 10;
    f.udp = true;
    f.packets = 10;
    f.lost = 1;
    const auto j = json_interval(f, false);
    EXPECT_EQ(keys(j), (std::set<std::string>{"socket", "start", "end", "seconds", "bytes",
                                              "bits_per_second", "jitter_ms", "lost_packets",
                                              "packets", "lost_percent", "omitted", "sender"}));
    EXPECT_DOUBLE_EQ(j["lost_percent"].get<double>(), 10.0);
}

TEST(report, text_lines_read_like_iperf3) {
    figures f;
    f.socket = 5;
    f.sender = true;
    f.end_s = 1.0;
    f.seconds = 1.0;
    f.bytes = 675282944;
    f.retransmits = 3;
    f.snd_cwnd = 1835008;
    EXPECT_EQ(text_line(f, line_kind::interval, 'a', true),
              "[  5]   0.00-1.00   sec   644 MBytes  5.40 Gbits/sec    3   1.75 MBytes       \n");
    EXPECT_EQ(text_line(f, line_kind::summary_sender, 'a', true),
              "[  5]   0.00-1.00   sec   644 MBytes  5.40 Gbits/sec    3             sender\n");
    figures r;
    r.socket = 5;
    r.end_s = 1.0;
    r.seconds = 1.0;
    r.bytes = 1277952;
    r.udp = true;
    r.packets = 39;
    r.jitter_ms = 0.068;
    EXPECT_EQ(text_line(r, line_kind::summary_receiver, 'a', false),
              "[  5]   0.00-1.00   sec  1.22 MBytes  10.2 Mbits/sec  0.068 ms  0/39 (0%)  receiver\n");
}

}  // namespace
}  // namespace netrig::tools::iperf3
