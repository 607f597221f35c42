// SPDX-License-Identifier: MIT
// tools/ping: run_ping on the user stack's sim link and the sim executor (virtual time, so end
// conditions are checked to the millisecond): replies and statistics from the sim responder,
// -W after the last request when nothing answers, -w with no count, untimed short payloads.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>

#include "net/user_stack.hpp"
#include "runtime/sim_executor.hpp"
#include "tools/ping/session.hpp"

namespace netrig::tools::ping {
namespace {

using namespace std::chrono_literals;

struct sim_run {
    std::string text;
    ping_run run;
    instant end{};
    int status = -1;
};

sim_run ping_on_sim(ping_options o) {
    runtime::sim_executor ex;
    net::user_stack_config c;
    c.link = net::link_type::sim;
    c.address = wire::ipv4_cidr::parse("10.0.0.1/24").value();
    auto stack = net::make_user_stack(c);
    EXPECT_TRUE(stack) << stack.error().message();
    sim_run r;
    auto done = ex.run(run_ping(**stack, o, r.run, [&r](std::string_view s) { r.text += s; }));
    EXPECT_TRUE(done) << done.error().message();
    r.end = ex.now();
    r.text += summary_text(o, r.run);
    r.status = exit_status(o, r.run);
    return r;
}

ping_options to(std::string_view host) {
    ping_options o;
    o.host = std::string(host);
    o.target = wire::ipv4_address::parse(host).value();
    return o;
}

TEST(ping_session, sim_responder_answers_every_request) {
    ping_options o = to("10.0.0.2");
    o.count = 3;
    const sim_run r = ping_on_sim(o);
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(std::regex_search(
        r.text, std::regex("^PING 10.0.0.2 \\(10.0.0.2\\) 56\\(84\\) bytes of data.\n"
                           "64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=[0-9.]+ ms\n"
                           "64 bytes from 10.0.0.2: icmp_seq=2 ttl=64 time=[0-9.]+ ms\n"
                           "64 bytes from 10.0.0.2: icmp_seq=3 ttl=64 time=[0-9.]+ ms\n\n"
                           "--- 10.0.0.2 ping statistics ---\n"
                           "3 packets transmitted, 3 received, 0% packet loss, time 200[0-9]ms\n"
                           "rtt min/avg/max/mdev = [0-9./]+ ms\n$")))
        << r.text;
    EXPECT_FALSE(r.run.interrupted);
    // Ends with the third reply, two intervals after the first request.
    EXPECT_LT(r.end - instant{}, 2100ms);
}

TEST(ping_session, nothing_answers_waits_the_linger_time_after_the_last_request) {
    ping_options o = to("10.0.0.9");
    o.count = 2;
    o.interval = 500ms;
    o.linger = 1500ms;
    const sim_run r = ping_on_sim(o);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.text.find("2 packets transmitted, 0 received, 100% packet loss"),
              std::string::npos) << r.text;
    EXPECT_EQ(r.text.find("rtt"), std::string::npos);
    // Second request at 0.5 s, then 1.5 s of linger.
    EXPECT_GE(r.end - instant{}, 2000ms);
    EXPECT_LT(r.end - instant{}, 2100ms);
}

TEST(ping_session, deadline_without_count_sends_until_it_passes) {
    ping_options o = to("10.0.0.2");
    o.count = 0;
    o.deadline = 2500ms;
    const sim_run r = ping_on_sim(o);
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.run.stats.transmitted(), 3);  // at 0, 1 and 2 s
    EXPECT_EQ(r.run.stats.received(), 3);
    EXPECT_GE(r.end - instant{}, 2500ms);
    EXPECT_LT(r.end - instant{}, 2600ms);
}

TEST(ping_session, payload_shorter_than_a_timestamp_is_not_timed) {
    ping_options o = to("10.0.0.2");
    o.count = 2;
    o.size = 8;
    o.interval = 100ms;
    const sim_run r = ping_on_sim(o);
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.text.find("16 bytes from 10.0.0.2: icmp_seq=1 ttl=64\n"), std::string::npos)
        << r.text;
    EXPECT_EQ(r.text.find("time="), std::string::npos);
    EXPECT_EQ(r.text.find("rtt"), std::string::npos);
}

TEST(ping_session, payload_carries_the_send_time_and_iputils_pattern) {
    std::vector<std::uint8_t> p(40);
    fill_payload(p, instant{123456789ns});
    EXPECT_EQ(payload_timestamp(p), instant{123456789ns});
    EXPECT_EQ(p[16], 16);
    EXPECT_EQ(p[39], 39);
    std::vector<std::uint8_t> short_payload(15);
    fill_payload(short_payload, instant{5ns});
    EXPECT_EQ(short_payload[0], 0);
    EXPECT_EQ(short_payload[14], 14);
    EXPECT_FALSE(payload_timestamp(short_payload).has_value());
}

}  // namespace
}  // namespace netrig::tools::ping
