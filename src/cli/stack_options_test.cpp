// SPDX-License-Identifier: MIT
#include "cli/stack_options.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace netrig::cli {
namespace {

TEST(parse_link_spec, accepts_the_three_forms) {
    EXPECT_EQ(parse_link_spec("sim")->kind, link_kind::sim);
    const auto tap = parse_link_spec("tap:tap0");
    ASSERT_TRUE(tap.has_value());
    EXPECT_EQ(tap->kind, link_kind::tap);
    EXPECT_EQ(tap->name, "tap0");
    const auto xdp = parse_link_spec("xdp:veth1:3");
    ASSERT_TRUE(xdp.has_value());
    EXPECT_EQ(xdp->kind, link_kind::xdp);
    EXPECT_EQ(xdp->name, "veth1");
    EXPECT_EQ(xdp->queue, 3U);
    EXPECT_EQ(parse_link_spec("xdp:eth0")->queue, 0U);
}

TEST(parse_link_spec, rejects_malformed_values_with_a_reason) {
    for (const char* bad : {"", "tap", "tap:", "ring:x", "xdp:eth0:", "xdp:eth0:q",
                            "xdp:eth0:-1", "tap:a/b", "tap:sixteen_chars_xx", "SIM"}) {
        const auto r = parse_link_spec(bad);
        EXPECT_FALSE(r.has_value()) << bad;
        if (!r) {
            EXPECT_FALSE(r.error().empty()) << bad;
        }
    }
}

TEST(stack_options, flags_parse_into_the_struct) {
    CLI::App app;
    stack_options opts;
    add_stack_options(app, opts);
    std::vector<std::string> args{"--seed",   "9",       "--mtu", "9000", "--link",
                                  "tap:tap7", "--stack", "user",  "--ip", "10.78.0.2/24"};
    std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector.
    app.parse(args);
    EXPECT_EQ(opts.stack, stack_kind::user);
    ASSERT_TRUE(opts.link.has_value());
    EXPECT_EQ(opts.link->name, "tap7");
    EXPECT_EQ(opts.mtu.value(), 9000U);
    EXPECT_EQ(opts.seed, 9U);
    EXPECT_EQ(opts.ip.value(), "10.78.0.2/24");
}

TEST(stack_options, bad_values_are_parse_errors) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--stack", "bsd"}, {"--mtu", "20"}, {"--link", "wifi:0"},
          {"--gateway", "10.0.0.300"}, {"--seed", "x"}, {"--snaplen", "0"},
          {"--snaplen", "262145"}}) {
        CLI::App app;
        stack_options opts;
        add_stack_options(app, opts);
        auto reversed = args;
        std::reverse(reversed.begin(), reversed.end());
        EXPECT_THROW(app.parse(reversed), CLI::ParseError) << args[0] << " " << args[1];
    }
}

TEST(stack_options, contradictions_and_unbuilt_features_are_explained) {
    stack_options kernel_with_link;
    kernel_with_link.link = link_spec{.kind = link_kind::sim};
    const auto why = unsupported_reason(kernel_with_link);
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("--stack user"), std::string::npos);
    EXPECT_FALSE(unsupported_reason(stack_options{}).has_value());
}

TEST(stack_options, snaplen_reaches_the_pcap_config_and_needs_pcap) {
    stack_options opts{.stack = stack_kind::user};
    opts.snaplen = 96;
    const auto without_pcap = user_config(opts);
    ASSERT_FALSE(without_pcap.has_value());
    EXPECT_NE(without_pcap.error().find("--pcap"), std::string::npos);
    opts.pcap = "x.pcap";
    const auto config = user_config(opts);
    ASSERT_TRUE(config.has_value());
    EXPECT_EQ(config->pcap_snaplen.value(), 96U);
    EXPECT_FALSE(user_config(stack_options{.stack = stack_kind::user})->pcap_snaplen.has_value());
}

TEST(stack_options, offload_on_off_reaches_the_config_and_defaults_to_on) {
    for (const auto& [text, expected] :
         {std::pair<std::string, bool>{"on", true}, {"off", false}, {"OFF", false}}) {
        CLI::App app;
        stack_options opts;
        add_stack_options(app, opts);
        std::vector<std::string> args{"--stack", "user", "--offload", text};
        std::reverse(args.begin(), args.end());
        app.parse(args);
        ASSERT_TRUE(opts.offload.has_value()) << text;
        EXPECT_EQ(*opts.offload, expected) << text;
        EXPECT_EQ(user_config(opts)->offloads, expected) << text;
    }
    EXPECT_TRUE(user_config(stack_options{.stack = stack_kind::user})->offloads);
    CLI::App app;
    stack_options opts;
    add_stack_options(app, opts);
    std::vector<std::string> bad{"maybe", "--offload"};
    EXPECT_THROW(app.parse(bad), CLI::ParseError);
    // A user-stack flag: on the kernel stack it is explained, not ignored.
    stack_options kernel;
    kernel.offload = false;
    ASSERT_TRUE(unsupported_reason(kernel).has_value());
    EXPECT_NE(unsupported_reason(kernel)->find("--offload"), std::string::npos);
}

TEST(stack_options, user_stack_on_sim_needs_no_further_flags) {
    EXPECT_FALSE(unsupported_reason(stack_options{.stack = stack_kind::user}).has_value());
}

TEST(stack_options, ip_is_required_on_tap_and_xdp_and_defaults_on_sim) {
    stack_options sim{.stack = stack_kind::user};
    auto config = user_config(sim);
    ASSERT_TRUE(config.has_value()) << config.error();
    EXPECT_EQ(config->link, net::link_type::sim);
    EXPECT_EQ(config->address.to_string(), "10.0.0.1/24");

    for (const char* link : {"tap:tap9", "xdp:veth9:2"}) {
        stack_options o{.stack = stack_kind::user, .link = *parse_link_spec(link)};
        const auto why = unsupported_reason(o);
        ASSERT_TRUE(why.has_value()) << link;
        EXPECT_NE(why->find("--ip"), std::string::npos) << *why;
        o.ip = "10.78.0.2/24";
        o.gateway = "10.78.0.1";
        o.mtu = 1400;
        o.seed = 5;
        EXPECT_FALSE(unsupported_reason(o).has_value()) << link;
        auto c = user_config(o);
        ASSERT_TRUE(c.has_value()) << c.error();
        EXPECT_EQ(c->device, std::string(link).substr(4, 5));
        EXPECT_EQ(c->address.to_string(), "10.78.0.2/24");
        EXPECT_EQ(c->gateway->to_string(), "10.78.0.1");
        EXPECT_EQ(c->mtu.value(), 1400);
        EXPECT_EQ(c->seed, 5U);
    }
    stack_options skb{.stack = stack_kind::user,
                      .link = *parse_link_spec("xdp:veth9"),
                      .ip = "10.78.0.2/24",
                      .xdp = xdp_mode::skb};
    EXPECT_EQ(user_config(skb)->xdp_attach, link::xdp_attach::skb);
    skb.link = *parse_link_spec("tap:tap9");
    ASSERT_TRUE(unsupported_reason(skb).has_value());
    EXPECT_NE(unsupported_reason(skb)->find("--xdp-mode needs"), std::string::npos);
    EXPECT_EQ(user_config(stack_options{.stack = stack_kind::user,
                                        .link = *parse_link_spec("xdp:veth9:2"),
                                        .ip = "10.78.0.2/24"})->queue, 2U);
}

TEST(stack_options, rx_spin_sets_the_xdp_loop_spin_and_needs_an_xdp_link) {
    stack_options o{.stack = stack_kind::user,
                    .link = *parse_link_spec("xdp:veth9"),
                    .ip = "10.78.0.2/24"};
    EXPECT_EQ(user_config(o)->rx_spin, std::chrono::microseconds{20});  // the default
    o.rx_spin = 0;
    EXPECT_EQ(user_config(o)->rx_spin, std::chrono::microseconds{0});
    o.rx_spin = 150;
    EXPECT_EQ(user_config(o)->rx_spin, std::chrono::microseconds{150});
    o.link = *parse_link_spec("tap:tap9");
    ASSERT_TRUE(unsupported_reason(o).has_value());
    EXPECT_NE(unsupported_reason(o)->find("--rx-spin needs"), std::string::npos);
    const stack_options kernel{.stack = stack_kind::kernel, .rx_spin = 10};
    ASSERT_TRUE(unsupported_reason(kernel).has_value());
    EXPECT_NE(unsupported_reason(kernel)->find("--rx-spin"), std::string::npos);
}

TEST(stack_options, malformed_ip_gateway_and_impairments_are_explained) {
    for (const auto& o :
         {stack_options{.stack = stack_kind::user, .ip = "10.0.0.1"},
          stack_options{.stack = stack_kind::user, .ip = "10.0.0.300/24"},
          stack_options{.stack = stack_kind::user, .gateway = "gw"},
          stack_options{.stack = stack_kind::user, .impair = "loss=lots"}}) {
        const auto why = unsupported_reason(o);
        ASSERT_TRUE(why.has_value());
        EXPECT_NE(why->find("bad --"), std::string::npos) << *why;
    }
}

}  // namespace
}  // namespace netrig::cli
