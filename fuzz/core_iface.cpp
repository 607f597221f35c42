// SPDX-License-Identifier: MIT
// fuzz: core_iface. Fuzzer-chosen frames, clock advances, polls and UDP sends drive one core
// interface that has open UDP sockets, a ping socket and a datagram half reassembled. It must
// never crash, trip an assertion or sanitizer, or let a pool grow past its bound.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/test_support.hpp"
#include "core_iface_input.hpp"

namespace {

using namespace netrig;
using namespace netrig::core;
using namespace std::chrono_literals;
namespace in = netrig::fuzz::core_iface;

void check(bool ok) {
    if (!ok) {
        __builtin_trap();  // A bound was exceeded: make libFuzzer report it.
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const interface_config cfg = in::config();
    rng random{1};
    interface iface{cfg, random};
    auto server = iface.udp_open();
    auto client = iface.udp_open();
    auto ping = iface.ping_open(0x1234);
    check(server && client && ping);
    check(static_cast<bool>(iface.udp_bind(*server, {{}, 7})));
    check(static_cast<bool>(iface.udp_connect(*client, {{10, 0, 0, 2}, 9})));
    // A pending reassembly: the first fragment of a datagram from 10.0.0.2.
    iface.receive(instant{}, in::first_fragment());

    instant now{};
    const bytes input{data, size};
    std::size_t off = 0;
    std::vector<std::uint8_t> buf(70000);
    while (off + 3 <= input.size()) {
        const std::uint8_t op = input[off] % 4;
        const std::size_t len = std::min<std::size_t>(load_be16(input, off + 1), input.size() - off - 3);
        const bytes rec = input.subspan(off + 3, len);
        off += 3 + len;
        switch (op) {
            case in::op_frame:
                iface.receive(now, rec);
                break;
            case in::op_advance:
                now += std::chrono::milliseconds{10 * (rec.size() >= 2 ? load_be16(rec, 0) : 1)};
                break;
            case in::op_poll:
                (void)testing::drain(iface, now);
                break;
            default: {
                const bytes payload = bytes{buf}.first(len);
                (void)iface.udp_send(now, *client, payload);
                break;
            }
        }
        while (iface.udp_recv_from(*server, buf)) {
        }
        while (iface.ping_recv(*ping, buf)) {
        }
        (void)iface.udp_take_error(*client);
        iface.take_events([](const socket_event&) {});
        check(iface.reassembly().bytes_held() <= cfg.limits.reasm_bytes_max);
        check(iface.reassembly().in_flight() <= cfg.limits.reasm_datagrams_max);
        check(iface.tx_queued() <= cfg.limits.tx_frames_max);
        check(iface.arp_pending() <= cfg.limits.arp_pending_max);
        check(iface.arp().size() <= cfg.limits.arp_entries_max);
        check(iface.pmtu().size() <= cfg.limits.pmtu_entries_max);
        const auto d = iface.next_deadline();
        check(!d || *d >= instant{});
    }
    return 0;
}
