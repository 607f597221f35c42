// SPDX-License-Identifier: MIT
// core/tcp: segment_out::emit's checksum, built by summing the payload while copying it.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "core/tcp/segment.hpp"
#include "wire/tcp.hpp"

namespace netrig::core::tcp {
namespace {

// segment_out::emit sums the payload while copying it; the result must be byte for byte what
// wire::tcp::repr::emit writes for the same segment with the payload in one piece.
TEST(segment_out_emit, checksum_matches_repr_emit_with_split_payloads) {
    std::mt19937 rng{11};
    std::vector<std::uint8_t> data(3000);
    for (auto& b : data) {
        b = static_cast<std::uint8_t>(rng());
    }
    segment_out seg;
    seg.source = wire::ipv4_address{10, 0, 0, 1};
    seg.destination = wire::ipv4_address{10, 0, 0, 2};
    seg.tcp.source_port = 40000;
    seg.tcp.destination_port = 5001;
    seg.tcp.seq = wire::seq32{0x12345678};
    seg.tcp.ack = wire::seq32{0x9abcdef0};
    seg.tcp.flags = wire::tcp::flag::ack | wire::tcp::flag::psh;
    seg.tcp.window = 501;
    seg.tcp.options.ts = wire::tcp::timestamps{.value = 77, .echo = 66};
    for (const std::size_t total : {std::size_t{0}, std::size_t{1}, std::size_t{7},
                                    std::size_t{1448}, std::size_t{1449}, std::size_t{2999}}) {
        for (const std::size_t cut :
             {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{8}, total / 2, total}) {
            if (cut > total) {
                continue;
            }
            seg.payload = {bytes{data.data(), cut}, bytes{data.data() + cut, total - cut}};
            std::vector<std::uint8_t> got(seg.buffer_len());
            seg.emit(got);
            wire::tcp::repr whole = seg.tcp;
            whole.payload = bytes{data.data(), total};
            std::vector<std::uint8_t> want(whole.buffer_len());
            whole.emit(want, seg.source, seg.destination);
            ASSERT_EQ(got, want) << total << " cut " << cut;
            const auto v = wire::tcp::view::parse(got);
            ASSERT_TRUE(v.has_value());
            EXPECT_TRUE(v->checksum_ok(seg.source, seg.destination));
        }
    }
}

}  // namespace
}  // namespace netrig::core::tcp
