// SPDX-License-Identifier: MIT
// tools/iperf3: control codec tests: whole conversations fed at every split point, and each
// rejection pinned by name.
#include "tools/iperf3/control_codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace netrig::tools::iperf3 {
namespace {

using bytes_vec = std::vector<std::uint8_t>;

bytes_vec cat(std::initializer_list<bytes_vec> parts) {
    bytes_vec out;
    for (const auto& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

bytes_vec to_vec(bytes b) { return {b.begin(), b.end()}; }

// The script of what a server reads: cookie, params JSON, then a state byte (TEST_END),
// then the client's results JSON, then IPERF_DONE.
struct step {
    frame_kind kind;
};

// Feeds `stream` in chunks split at `cuts` and decodes per `script`; returns a printable trace.
std::vector<std::string> decode(const bytes_vec& stream, const std::vector<frame_kind>& script,
                                const std::vector<std::size_t>& cuts, std::size_t limit = 8192) {
    std::vector<std::string> trace;
    control_decoder d;
    std::size_t step_i = 0;
    auto arm = [&] {
        if (step_i < script.size()) {
            switch (script[step_i]) {
                case frame_kind::cookie: d.expect_cookie(); break;
                case frame_kind::state: d.expect_state(); break;
                case frame_kind::json: d.expect_json(limit); break;
            }
        }
    };
    arm();
    std::vector<std::pair<std::size_t, std::size_t>> chunks;
    std::size_t prev = 0;
    for (auto c : cuts) {
        chunks.emplace_back(prev, c);
        prev = c;
    }
    chunks.emplace_back(prev, stream.size());
    for (auto [from, to] : chunks) {
        bytes rest{stream.data() + from, to - from};
        while (true) {
            const std::size_t used = d.feed(rest);
            rest = rest.subspan(used);
            auto m = d.take();
            if (!m) {
                break;
            }
            if (!*m) {
                trace.push_back("error:" + std::string{to_string(m->error())});
                return trace;
            }
            std::visit(
                [&](const auto& v) {
                    using V = std::decay_t<decltype(v)>;
                    if constexpr (std::is_same_v<V, cookie>) {
                        trace.push_back("cookie:" + std::string{v.text()});
                    } else if constexpr (std::is_same_v<V, state_message>) {
                        trace.push_back("state:" + std::string{to_string(v.value)});
                    } else if constexpr (std::is_same_v<V, server_error_info>) {
                        trace.push_back("server_error:" + std::to_string(v.i_errno) + "/" +
                                        std::to_string(v.sys_errno));
                    } else {
                        trace.push_back("json:" + v.value.dump());
                    }
                },
                **m);
            ++step_i;
            arm();
        }
    }
    return trace;
}

const std::string cookie_text = "abcdefghijklmnopqrstuvwxyz2345672345";

bytes_vec cookie_bytes() {
    bytes_vec c(cookie_text.begin(), cookie_text.end());
    c.push_back(0);
    return c;
}

TEST(control_codec, server_side_conversation_decodes_at_every_split) {
    const nlohmann::json params = {{"tcp", true}, {"omit", 0}, {"time", 1}, {"parallel", 1}};
    const nlohmann::json results = {{"cpu_util_total", 1.5}, {"streams", nlohmann::json::array()}};
    const bytes_vec stream = cat({cookie_bytes(), encode_json(params),
                                  {encode_state(state::test_end)}, encode_json(results),
                                  {encode_state(state::iperf_done)}});
    const std::vector<frame_kind> script{frame_kind::cookie, frame_kind::json, frame_kind::state,
                                         frame_kind::json, frame_kind::state};
    const std::vector<std::string> want{"cookie:" + cookie_text, "json:" + params.dump(),
                                        "state:TEST_END", "json:" + results.dump(),
                                        "state:IPERF_DONE"};
    EXPECT_EQ(decode(stream, script, {}), want);
    for (std::size_t i = 0; i <= stream.size(); ++i) {
        EXPECT_EQ(decode(stream, script, {i}), want) << "split at " << i;
    }
    // Byte by byte: the most fragmented delivery possible.
    std::vector<std::size_t> all;
    for (std::size_t i = 1; i < stream.size(); ++i) {
        all.push_back(i);
    }
    EXPECT_EQ(decode(stream, script, all), want);
}

TEST(control_codec, client_side_states_and_server_error_at_every_split) {
    const auto err = encode_server_error({.i_errno = 114, .sys_errno = -3});
    const bytes_vec stream = cat({{encode_state(state::param_exchange),
                                   encode_state(state::create_streams),
                                   encode_state(state::test_start),
                                   encode_state(state::test_running)},
                                  to_vec(err)});
    const std::vector<frame_kind> script(5, frame_kind::state);
    const std::vector<std::string> want{"state:PARAM_EXCHANGE", "state:CREATE_STREAMS",
                                        "state:TEST_START", "state:TEST_RUNNING",
                                        "server_error:114/-3"};
    for (std::size_t i = 0; i <= stream.size(); ++i) {
        for (std::size_t k = i; k <= stream.size(); ++k) {
            EXPECT_EQ(decode(stream, script, {i, k}), want) << "splits " << i << "," << k;
        }
    }
}

TEST(control_codec, server_error_wire_bytes_are_big_endian) {
    const auto err = encode_server_error({.i_errno = 121, .sys_errno = 0});
    EXPECT_EQ(to_vec(err), (bytes_vec{0xFE, 0, 0, 0, 121, 0, 0, 0, 0}));
}

TEST(control_codec, json_encoding_is_length_prefixed_and_unformatted) {
    const auto wire = encode_json({{"a", 1}});
    const std::string text = R"({"a":1})";
    ASSERT_EQ(wire.size(), 4 + text.size());
    EXPECT_EQ(load_be32(wire, 0), text.size());
    EXPECT_EQ(std::string(wire.begin() + 4, wire.end()), text);
}

TEST(control_codec, json_encoding_replaces_invalid_utf8_instead_of_throwing) {
    const auto wire = encode_json({{"s", std::string("\xff\xfe")}});
    EXPECT_GT(wire.size(), 4U);
}

struct rejection {
    const char* name;
    bytes_vec stream;
    frame_kind kind;
    std::size_t limit;
    codec_error want;
};

TEST(control_codec, rejections_are_named) {
    bytes_vec bad_char = cookie_bytes();
    bad_char[3] = 'A';
    bytes_vec digit_1 = cookie_bytes();
    digit_1[0] = '1';
    bytes_vec no_nul = cookie_bytes();
    no_nul[36] = 'a';
    const std::string garbage = "{\"tcp\":tru";
    bytes_vec malformed{0, 0, 0, static_cast<std::uint8_t>(garbage.size())};
    malformed.insert(malformed.end(), garbage.begin(), garbage.end());
    const std::string arr = "[1,2]";
    bytes_vec not_object{0, 0, 0, static_cast<std::uint8_t>(arr.size())};
    not_object.insert(not_object.end(), arr.begin(), arr.end());
    const std::vector<rejection> cases{
        {"bad char", bad_char, frame_kind::cookie, 0, codec_error::cookie_bad_char},
        {"digit 1", digit_1, frame_kind::cookie, 0, codec_error::cookie_bad_char},
        {"no nul", no_nul, frame_kind::cookie, 0, codec_error::cookie_no_nul},
        {"state 0", {0x00}, frame_kind::state, 0, codec_error::unknown_state},
        {"state 3 unused", {0x03}, frame_kind::state, 0, codec_error::unknown_state},
        {"state 15 local", {0x0F}, frame_kind::state, 0, codec_error::unknown_state},
        {"state 0x7f", {0x7F}, frame_kind::state, 0, codec_error::unknown_state},
        {"json len 0", {0, 0, 0, 0}, frame_kind::json, 8192, codec_error::json_empty},
        {"json 4 GiB", {0xFF, 0xFF, 0xFF, 0xFF}, frame_kind::json, 8192,
         codec_error::json_too_large},
        {"json limit+1", {0, 0, 0x20, 0x01}, frame_kind::json, 8192, codec_error::json_too_large},
        {"json garbage", malformed, frame_kind::json, 8192, codec_error::json_malformed},
        {"json array", not_object, frame_kind::json, 8192, codec_error::json_not_object},
    };
    for (const auto& c : cases) {
        for (std::size_t i = 0; i <= c.stream.size(); ++i) {
            const auto trace = decode(c.stream, {c.kind}, {i}, c.limit);
            ASSERT_EQ(trace.size(), 1U) << c.name;
            EXPECT_EQ(trace[0], "error:" + std::string{to_string(c.want)}) << c.name << " @" << i;
        }
    }
}

TEST(control_codec, oversized_length_is_rejected_before_the_body_arrives) {
    control_decoder d;
    d.expect_json(8192);
    const bytes_vec prefix{0x7F, 0, 0, 0};
    EXPECT_EQ(d.feed(prefix), 4U);
    auto m = d.take();
    ASSERT_TRUE(m.has_value());
    ASSERT_FALSE(*m);
    EXPECT_EQ(m->error(), codec_error::json_too_large);
    // Errors are sticky; nothing more is consumed.
    const bytes_vec more{1, 2, 3};
    EXPECT_EQ(d.feed(more), 0U);
    EXPECT_FALSE(*d.take());
}

TEST(control_codec, exact_limit_is_accepted) {
    std::string text = "{\"k\":\"";
    text += std::string(100 - text.size() - 2, 'x');
    text += "\"}";
    ASSERT_EQ(text.size(), 100U);
    bytes_vec wire{0, 0, 0, 100};
    wire.insert(wire.end(), text.begin(), text.end());
    const auto trace = decode(wire, {frame_kind::json}, {}, 100);
    ASSERT_EQ(trace.size(), 1U);
    EXPECT_EQ(trace[0].rfind("json:", 0), 0U);
}

TEST(control_codec, mid_frame_reports_a_partial_message) {
    control_decoder d;
    d.expect_json(100);
    EXPECT_FALSE(d.mid_frame());
    const bytes_vec part{0, 0};
    EXPECT_EQ(d.feed(part), 2U);
    EXPECT_TRUE(d.mid_frame());
}

}  // namespace
}  // namespace netrig::tools::iperf3
