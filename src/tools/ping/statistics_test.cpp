// SPDX-License-Identifier: MIT
// tools/ping: statistics and output checked against real iputils ping 20221126 runs
// (testdata/*.txt, captured on this machine) and against hand-computed cases.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tools/ping/output.hpp"
#include "tools/ping/statistics.hpp"

namespace netrig::tools::ping {
namespace {

struct captured_run {
    std::string text;
    std::string header;
    std::vector<std::string> reply_lines;
    std::vector<reply_line_info> replies;
    std::vector<std::string> reply_from;
    std::string summary;  // from the empty line before "---" to the end
};

captured_run load(const std::string& name) {
    std::ifstream in(std::string(NETRIG_SOURCE_DIR) + "/src/tools/ping/testdata/" + name);
    EXPECT_TRUE(in.good()) << name;
    std::stringstream ss;
    ss << in.rdbuf();
    captured_run run;
    run.text = ss.str();
    const auto cut = run.text.find("\n--- ");
    run.summary = run.text.substr(cut);
    std::istringstream lines(run.text.substr(0, cut + 1));
    std::getline(lines, run.header);
    run.header += "\n";
    const std::regex reply(
        R"(^(\d+) bytes from ([0-9.]+): icmp_seq=(\d+) ttl=(\d+) time=(\d+)\.(\d{3}) ms$)");
    std::string line;
    while (std::getline(lines, line)) {
        std::smatch m;
        if (!std::regex_match(line, m, reply)) {
            continue;
        }
        run.reply_lines.push_back(line + "\n");
        run.reply_from.push_back(m[2]);
        run.replies.push_back(reply_line_info{
            .icmp_bytes = std::stoul(m[1]),
            .seq = static_cast<std::uint16_t>(std::stoul(m[3])),
            .ttl = std::stoi(m[4]),
            .rtt_us = std::stoll(m[5]) * 1000 + std::stoll(m[6])});
    }
    return run;
}

// Replays a captured run's replies (all below 1 ms, so printed to the microsecond) and expects
// byte-identical reply lines and the same statistics block, apart from the elapsed time, which
// is taken from the capture.
void expect_same_as_iputils(const std::string& name, std::size_t payload) {
    const captured_run run = load(name);
    ASSERT_FALSE(run.replies.empty());
    EXPECT_EQ(header_line("127.0.0.1", "127.0.0.1", payload), run.header);
    statistics stats;
    for (std::size_t i = 0; i < run.replies.size(); ++i) {
        reply_line_info info = run.replies[i];
        info.from = run.reply_from[i];
        stats.on_sent(info.seq);
        EXPECT_EQ(stats.on_reply(info.seq, info.rtt_us), reply_kind::first);
        EXPECT_EQ(reply_line(info), run.reply_lines[i]);
    }
    const std::smatch m = [&] {
        std::smatch r;
        EXPECT_TRUE(std::regex_search(run.summary, r, std::regex(R"(time (\d+)ms)")));
        return r;
    }();
    const summary_info info{.host = "127.0.0.1", .elapsed_ms = std::stoll(m[1])};
    EXPECT_EQ(summary_block(stats, info), run.summary);
}

TEST(ping_output, matches_iputils_loopback_30_replies) {
    expect_same_as_iputils("loopback_c30.txt", 56);
}

TEST(ping_output, matches_iputils_loopback_1000_byte_payload) {
    expect_same_as_iputils("loopback_s1000.txt", 1000);
}

TEST(ping_output, matches_iputils_when_nothing_answers) {
    const captured_run run = load("unreachable_c3.txt");
    statistics stats;
    for (std::uint16_t seq = 1; seq <= 3; ++seq) {
        stats.on_sent(seq);
    }
    EXPECT_EQ(header_line("10.91.0.9", "10.91.0.9", 56), run.header);
    EXPECT_EQ(summary_block(stats, {.host = "10.91.0.9", .elapsed_ms = 410}), run.summary);
    EXPECT_FALSE(stats.rtt().has_value());
}

TEST(ping_output, time_text_rounds_like_iputils) {
    EXPECT_EQ(time_text(0), "0.000 ms");
    EXPECT_EQ(time_text(999), "0.999 ms");
    EXPECT_EQ(time_text(1000), "1.00 ms");
    EXPECT_EQ(time_text(1234), "1.23 ms");
    EXPECT_EQ(time_text(1235), "1.24 ms");
    EXPECT_EQ(time_text(9994), "9.99 ms");
    EXPECT_EQ(time_text(9995), "10.0 ms");  // not "9.100"
    EXPECT_EQ(time_text(12345), "12.3 ms");
    EXPECT_EQ(time_text(99949), "99.9 ms");
    EXPECT_EQ(time_text(99950), "100 ms");
    EXPECT_EQ(time_text(1234567), "1235 ms");
}

TEST(ping_output, reply_line_variants) {
    reply_line_info r{.icmp_bytes = 64, .from = "10.0.0.2", .seq = 7, .ttl = 64, .rtt_us = 250};
    EXPECT_EQ(reply_line(r), "64 bytes from 10.0.0.2: icmp_seq=7 ttl=64 time=0.250 ms\n");
    r.duplicate = true;
    EXPECT_EQ(reply_line(r), "64 bytes from 10.0.0.2: icmp_seq=7 ttl=64 time=0.250 ms (DUP!)\n");
    r.truncated = true;
    EXPECT_EQ(reply_line(r), "64 bytes from 10.0.0.2: icmp_seq=7 ttl=64 (truncated)\n");
    r = {.icmp_bytes = 16, .from = "10.0.0.2", .seq = 1, .ttl = 64};
    EXPECT_EQ(reply_line(r), "16 bytes from 10.0.0.2: icmp_seq=1 ttl=64\n");
}

TEST(ping_statistics, loss_duplicates_errors_and_pipe) {
    statistics s;
    for (std::uint16_t seq = 1; seq <= 3; ++seq) {
        s.on_sent(seq);
    }
    EXPECT_EQ(s.on_reply(1, 100), reply_kind::first);
    EXPECT_EQ(s.on_reply(1, 300), reply_kind::duplicate);
    EXPECT_EQ(s.on_reply(3, 200), reply_kind::first);
    s.on_error();
    EXPECT_EQ(s.received(), 2);
    EXPECT_EQ(s.duplicates(), 1);
    // Seq 1 answered while 3 were out: 3 in flight.
    EXPECT_EQ(s.pipe_size(), 3);
    const auto rtt = s.rtt();
    ASSERT_TRUE(rtt);
    // Duplicates count in the sums (iputils divides by received + duplicates).
    EXPECT_EQ(rtt->min_us, 100);
    EXPECT_EQ(rtt->max_us, 300);
    EXPECT_EQ(rtt->avg_us, 200);
    // var = (140000 - 600*600/3) / 3 = 6666, sqrt -> 81 (floor 81.6).
    EXPECT_EQ(rtt->mdev_us, 81);
    EXPECT_EQ(summary_block(s, {.host = "h", .elapsed_ms = 2003}),
              "\n--- h ping statistics ---\n"
              "3 packets transmitted, 2 received, +1 duplicates, +1 errors, 33.3333% packet "
              "loss, time 2003ms\n"
              "rtt min/avg/max/mdev = 0.100/0.200/0.300/0.081 ms, pipe 3\n");
}

TEST(ping_statistics, resending_a_sequence_number_forgets_its_reply) {
    statistics s;
    s.on_sent(5);
    EXPECT_EQ(s.on_reply(5, std::nullopt), reply_kind::first);
    s.on_sent(5);  // after 65536 more sends the number comes round again
    EXPECT_EQ(s.on_reply(5, std::nullopt), reply_kind::first);
    EXPECT_FALSE(s.rtt().has_value());  // untimed run: no rtt line
}

TEST(ping_statistics, iputils_integer_sqrt) {
    EXPECT_EQ(iputils_sqrt(0), 0);
    EXPECT_EQ(iputils_sqrt(-4), 0);
    EXPECT_EQ(iputils_sqrt(1), 1);
    EXPECT_EQ(iputils_sqrt(3), 2);  // 3 + 1 is a perfect square: iputils' quirk
    EXPECT_EQ(iputils_sqrt(8), 3);
    EXPECT_EQ(iputils_sqrt(15), 4);
    EXPECT_EQ(iputils_sqrt(16), 4);
    EXPECT_EQ(iputils_sqrt(1'000'000'000'000), 1'000'000);
}

TEST(ping_output, ipg_ewma_for_zero_interval_runs) {
    statistics s;
    // Both sent before the first reply: two in flight ("pipe 2").
    s.on_sent(1);
    s.on_sent(2);
    s.on_reply(1, 40);
    s.on_reply(2, 48);
    // ewma: 40*8 = 320, then 320 + 48 - 40 = 328 -> 328/8000 . (328/8)%1000 = 0.041
    EXPECT_EQ(summary_block(s, {.host = "h", .elapsed_ms = 0, .elapsed_us = 120,
                                .show_ipg = true}),
              "\n--- h ping statistics ---\n"
              "2 packets transmitted, 2 received, 0% packet loss, time 0ms\n"
              "rtt min/avg/max/mdev = 0.040/0.044/0.048/0.004 ms, pipe 2, ipg/ewma 0.120/0.041 ms\n");
}

}  // namespace
}  // namespace netrig::tools::ping
