// SPDX-License-Identifier: MIT
// tools/iperf3: libFuzzer target for the control codec. The first byte picks the frame script
// (server side: cookie, params JSON, states, results JSON; client side: states only); the rest
// is fed in fuzzer-chosen chunks. Decoded JSON goes through params and results validation, and
// UDP headers are parsed from the same bytes. Nothing may crash, assert or leak.
#include <cstddef>
#include <cstdint>

#include "tools/iperf3/control_codec.hpp"
#include "tools/iperf3/params.hpp"
#include "tools/iperf3/results.hpp"
#include "tools/iperf3/udp_wire.hpp"

namespace iperf3 = netrig::tools::iperf3;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const bool server_side = (data[0] & 1U) != 0;
    const std::size_t chunk = 1 + (data[1] % 64U);
    const netrig::bytes in{data + 2, size - 2};

    (void)iperf3::udp_header::parse(in, false);
    (void)iperf3::udp_header::parse(in, true);
    (void)iperf3::is_udp_connect_reply(in);

    iperf3::control_decoder d;
    int step = 0;
    auto arm = [&] {
        if (!server_side) {
            d.expect_state();
        } else if (step == 0) {
            d.expect_cookie();
        } else if (step == 1) {
            d.expect_json(iperf3::max_params_json_bytes);
        } else if (step % 2 == 1) {
            d.expect_json(64 * 1024);
        } else {
            d.expect_state();
        }
    };
    arm();
    std::size_t off = 0;
    while (off < in.size()) {
        const std::size_t n = chunk < in.size() - off ? chunk : in.size() - off;
        netrig::bytes piece = in.subspan(off, n);
        off += n;
        while (true) {
            piece = piece.subspan(d.feed(piece));
            auto m = d.take();
            if (!m) {
                break;
            }
            if (!*m) {
                return 0;
            }
            if (const auto* j = std::get_if<iperf3::json_message>(&**m)) {
                if (auto p = iperf3::test_params::from_json(j->value)) {
                    (void)iperf3::encode_json(p->to_json());
                }
                if (auto r = iperf3::peer_results::from_json(j->value)) {
                    (void)iperf3::encode_json(r->to_json());
                }
            }
            ++step;
            arm();
        }
    }
    return 0;
}
