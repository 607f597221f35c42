// SPDX-License-Identifier: MIT
// fuzz: core_iface. Fuzzer-chosen frames, TCP segments, clock advances, polls, UDP sends and
// TCP calls drive one core interface that has open UDP sockets, a ping socket, a datagram half
// reassembled, a TCP listener (port 80) and a TCP client connection (40000 -> 10.0.0.2:9). It
// must never crash, trip an assertion or sanitizer, or let a pool grow past its bound.
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
    auto listener = iface.tcp_listen(instant{}, {{}, in::tcp_listen_port}, in::listen_config());
    check(static_cast<bool>(listener));
    std::vector<tcp_handle> conns;  // conns[0]: the client (may be stale), then accepted ones
    const auto connect = [&](instant t) {
        auto c = iface.tcp_connect(t, {in::peer_ip, in::tcp_peer_port},
                                   udp_endpoint{{}, in::tcp_client_port}, in::conn_config());
        return c ? *c : tcp_handle{};
    };
    conns.push_back(connect(instant{}));

    instant now{};
    const bytes input{data, size};
    std::size_t off = 0;
    std::vector<std::uint8_t> buf(70000);
    while (off + 3 <= input.size()) {
        const std::uint8_t op = input[off] % 8;
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
            case in::op_send: {
                const bytes payload = bytes{buf}.first(len);
                (void)iface.udp_send(now, *client, payload);
                break;
            }
            case in::op_tcp_send: {
                const std::size_t which = rec.empty() ? 0 : rec[0] % conns.size();
                (void)iface.tcp_send(now, conns[which], rec);
                break;
            }
            case in::op_tcp_call: {
                const std::size_t which = rec.empty() ? 0 : rec[0] % conns.size();
                switch (rec.size() >= 2 ? rec[1] % 4 : 0) {
                    case 0:
                        iface.tcp_shutdown(now, conns[which]);
                        break;
                    case 1:
                        iface.tcp_close(now, conns[which]);
                        break;
                    case 2:
                        iface.tcp_abort(now, conns[which]);
                        break;
                    default:
                        conns[0] = connect(now);
                        break;
                }
                break;
            }
            case in::op_tcp_segment:
                iface.receive(now, in::from_peer(in::peer_header(wire::ipv4::protocol::tcp), rec));
                break;
            default:
                now += std::chrono::milliseconds{rec.size() >= 2 ? load_be16(rec, 0) : 1};
                break;
        }
        while (conns.size() < 8) {
            auto a = iface.tcp_accept(*listener);
            if (!a) {
                break;
            }
            conns.push_back(*a);
        }
        for (const auto h : conns) {
            while (true) {
                auto r = iface.tcp_recv(now, h, buf);
                if (!r || *r == 0) {
                    break;
                }
            }
            (void)iface.tcp_take_soft_error(h);
            (void)iface.tcp_info(h);
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
        check(iface.tcp_connection_count() <= cfg.limits.tcp_connections_max);
        check(iface.tcp_time_wait_count() <= cfg.limits.tcp_time_wait_max);
        const auto d = iface.next_deadline();
        check(!d || *d >= instant{});
    }
    return 0;
}
