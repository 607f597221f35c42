// SPDX-License-Identifier: MIT
// tools/iperf3: the client run (iperf_run_client): control handshake, stream creation, the
// timed test, results exchange and the summary.
#include <csignal>
#include <cstring>
#include <random>

#include <fmt/format.h>
#include <netdb.h>
#include <arpa/inet.h>

#include "net/errc.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/signal.hpp"
#include "runtime/sleep.hpp"
#include "runtime/task_group.hpp"
#include "runtime/timeout.hpp"
#include "tools/iperf3/cookie.hpp"
#include "tools/iperf3/engine.hpp"
#include "tools/iperf3/interval_clock.hpp"
#include "tools/iperf3/session.hpp"
#include "tools/iperf3/udp_wire.hpp"

namespace netrig::tools::iperf3 {

using json = nlohmann::ordered_json;

std::string describe(const run_failure& f) {
    std::string words;
    if (f.code == errc::server_error && f.server_i_errno) {
        words = fmt::format("the server reported an error: {} (i_errno {}",
                            describe_i_errno(*f.server_i_errno), *f.server_i_errno);
        if (f.server_errno && *f.server_errno != 0) {
            words += fmt::format(", errno {}", *f.server_errno);
        }
        words += ")";
    } else if (f.code == net::errc::refused) {
        words = "connection refused (is a server running on that port?)";
    } else if (f.code == net::errc::timed_out || f.code == std::errc::timed_out ||
               f.code == errc::timed_out) {
        words = "timed out";
    } else {
        words = f.code.message();
    }
    if (!f.detail.empty()) {
        words += " while " + f.detail;
    }
    return words;
}

result<wire::ipv4_address, std::string> resolve_host(const std::string& host) {
    if (auto a = wire::ipv4_address::parse(host)) {
        return *a;
    }
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0 || res == nullptr) {
        return unexpected(fmt::format("cannot resolve host '{}': {}", host, ::gai_strerror(rc)));
    }
    sockaddr_in sin{};
    std::memcpy(&sin, res->ai_addr, sizeof sin);
    ::freeaddrinfo(res);
    return wire::ipv4_address::from_u32(ntohl(sin.sin_addr.s_addr));
}

namespace {

using detail::stream_state;
using detail::test_state;

run_failure failure(std::error_code ec, std::string detail) {
    return run_failure{.code = ec, .server_i_errno = std::nullopt, .server_errno = std::nullopt,
                       .detail = std::move(detail)};
}

// Not a coroutine: a braced list inside a coroutine frame trips GCC 12.
runtime::task<result<int, std::error_code>> stop_signals() {
    return runtime::wait_for_signal({SIGINT, SIGTERM, SIGHUP});
}

runtime::task<void> watch_signals(bool& flag) {
    auto r = co_await stop_signals();
    if (r) {
        flag = true;
    }
}

std::uint64_t random_seed() {
    std::random_device rd;
    return (std::uint64_t{rd()} << 32U) ^ rd();
}

// Opens one UDP stream: a connected socket, the connect datagram, and the reply (spec A.8).
runtime::task<result<void, std::error_code>> open_udp_stream(net::stack& stack,
                                                             const client_options& o,
                                                             stream_state& s,
                                                             std::uint16_t local_port) {
    auto sock = stack.bind_udp(net::endpoint{
        o.bind ? o.bind->address : wire::ipv4_address::any(), local_port});
    if (!sock) {
        co_return unexpected(sock.error());
    }
    s.udp_own = std::move(*sock);
    if (o.params.window_bytes) {
        (void)s.udp_own.set_send_buffer(*o.params.window_bytes);
        (void)s.udp_own.set_recv_buffer(*o.params.window_bytes);
    } else {
        (void)s.udp_own.set_recv_buffer(detail::udp_recv_buffer_bytes);
    }
    if (auto c = s.udp_own.connect(o.server); !c) {
        co_return unexpected(c.error());
    }
    auto sent = co_await s.udp_own.send(bytes{udp_connect_msg.data(), udp_connect_msg.size()});
    if (!sent) {
        co_return unexpected(sent.error());
    }
    // iperf_udp_connect: in -R the server may already send data; tolerate a few datagrams.
    for (int tolerated = 0; tolerated <= 2 + 1000; ++tolerated) {
        auto r = co_await runtime::with_timeout(
            std::chrono::seconds{10}, s.udp_own.recv(mut_bytes{s.buffer.data(), s.buffer.size()}));
        if (!r) {
            co_return unexpected(r.error());
        }
        if (is_udp_connect_reply(bytes{s.buffer.data(), *r})) {
            break;
        }
    }
    s.local = s.udp_own.local().value_or(net::endpoint{});
    s.remote = o.server;
    co_return result<void, std::error_code>{};
}

struct client_run {
    net::stack& stack;
    client_options o;
    detail::reporter rep;
    test_state t;
    cookie ck;
    std::optional<peer_results> remote;
    std::string congestion;
};

runtime::task<result<void, run_failure>> create_streams(client_run& c) {
    test_state& t = c.t;
    const test_params& p = t.params;
    const int n_send = p.bidirectional ? p.parallel : (p.reverse ? 0 : p.parallel);
    const int n_total = p.bidirectional ? 2 * p.parallel : p.parallel;
    for (int i = 0; i < n_total; ++i) {
        auto sp = std::make_unique<stream_state>();
        stream_state& s = *sp;
        s.id = detail::stream_id(static_cast<std::size_t>(i));
        s.label = 5 + 2 * i;
        s.sender = i < n_send;
        s.udp = p.protocol == transport::udp;
        if (p.bidirectional) {
            s.role = s.sender ? "TX-C" : "RX-C";
        }
        s.buffer.resize(s.udp ? p.len_bytes : std::max<std::size_t>(p.len_bytes, 1));
        if (s.udp && s.sender) {
            // Payload: random bytes, as iperf3 fills its buffer once.
            rng fill{random_seed()};
            for (auto& b : s.buffer) {
                b = static_cast<std::uint8_t>(fill());
            }
        }
        const std::uint16_t port =
            c.o.cport ? static_cast<std::uint16_t>(*c.o.cport + i) : std::uint16_t{0};
        if (s.udp) {
            auto r = co_await open_udp_stream(c.stack, c.o, s, port);
            if (!r) {
                co_return unexpected(failure(r.error(), "opening a UDP data stream"));
            }
        } else {
            net::connect_options co;
            if (c.o.bind || c.o.cport) {
                co.local = net::endpoint{c.o.bind ? c.o.bind->address : wire::ipv4_address::any(),
                                         port};
            }
            co.timeout = c.o.connect_timeout;
            co.nodelay = p.nodelay;
            if (p.window_bytes) {
                co.send_buffer_bytes = *p.window_bytes;
                co.recv_buffer_bytes = *p.window_bytes;
            }
            co.congestion = p.congestion;
            if (p.mss_bytes) {
                co.mss_bytes = static_cast<std::uint32_t>(*p.mss_bytes);
            }
            auto conn = co_await c.stack.connect(c.o.server, co);
            if (!conn) {
                co_return unexpected(failure(conn.error(), "opening a TCP data stream"));
            }
            s.tcp = std::move(*conn);
            auto w = co_await s.tcp.write_all(c.ck.wire());
            if (!w) {
                co_return unexpected(failure(w.error(), "sending the cookie on a data stream"));
            }
            s.local = s.tcp.local().value_or(net::endpoint{});
            s.remote = s.tcp.remote().value_or(c.o.server);
            if (c.congestion.empty()) {
                c.congestion = s.tcp.congestion().value_or("");
            }
        }
        c.rep.text(fmt::format("[{:3d}] local {} port {} connected to {} port {}\n", s.label,
                               s.local.address.to_string(), s.local.port,
                               s.remote.address.to_string(), s.remote.port));
        c.rep.start()["connected"].push_back(detail::connected_entry(s));
        t.streams.push_back(std::move(sp));
    }
    co_return result<void, run_failure>{};
}

void fill_client_start(client_run& c, net::tcp_stream& ctrl) {
    json& st = c.rep.start();
    const test_params& p = c.t.params;
    st["connecting_to"] = {{"host", c.o.host_text}, {"port", c.o.server.port}};
    st["cookie"] = std::string{c.ck.text()};
    if (p.protocol == transport::tcp) {
        if (p.mss_bytes) {
            st["tcp_mss"] = *p.mss_bytes;
        } else {
            st["tcp_mss_default"] = ctrl.mss().value_or(0);
        }
    }
    st["target_bitrate"] = p.bandwidth_bps.value_or(0);
    st["sock_bufsize"] = p.window_bytes.value_or(0);
    std::size_t snd = 0;
    std::size_t rcv = 0;
    if (!c.t.streams.empty()) {
        const stream_state& s = *c.t.streams.front();
        if (s.udp) {
            snd = s.udp_own.send_buffer().value_or(0);
            rcv = s.udp_own.recv_buffer().value_or(0);
        } else {
            snd = s.tcp.send_buffer().value_or(0);
            rcv = s.tcp.recv_buffer().value_or(0);
        }
    }
    st["sndbuf_actual"] = snd;
    st["rcvbuf_actual"] = rcv;
    st["test_start"] = {{"protocol", p.protocol == transport::udp ? "UDP" : "TCP"},
                        {"num_streams", p.parallel},
                        {"blksize", p.len_bytes},
                        {"omit", p.omit_s},
                        {"duration", p.time_s},
                        {"bytes", p.num_bytes},
                        {"blocks", p.block_count},
                        {"reverse", p.reverse ? 1 : 0},
                        {"tos", 0},
                        {"target_bitrate", p.bandwidth_bps.value_or(0)}};
}

void start_data(client_run& c, runtime::task_group& data) {
    for (auto& sp : c.t.streams) {
        stream_state& s = *sp;
        if (s.udp) {
            data.spawn(s.sender ? detail::udp_send_loop(c.t, s) : detail::udp_recv_loop(c.t, s));
        } else {
            data.spawn(s.sender ? detail::tcp_send_loop(c.t, s) : detail::tcp_recv_loop(c.t, s));
        }
    }
}

runtime::task<result<void, run_failure>> client_main(client_run& c, net::tcp_stream& ctrl,
                                                     detail::control_channel& ch,
                                                     bool& interrupted,
                                                     runtime::task_group& data) {
    test_state& t = c.t;
    bool running = false;
    bool ended = false;
    detail::interval_clock clock(c.o.output.interval);
    const auto report = [&](instant from, instant to) { c.rep.interval(t, from, to); };
    while (true) {
        const instant now = runtime::now();
        if (interrupted) {
            (void)co_await ch.send_state(state::client_terminate);
            (void)co_await runtime::with_timeout(std::chrono::milliseconds{500},
                                                 detail::drain_until_closed(ch));
            if (running) {
                end_test(t, now);
                report(clock.last_tick(), now);
            }
            co_return unexpected(failure(make_error_code(errc::interrupted), ""));
        }
        if (running && !ended) {
            clock.advance(t, now, report);
            const bool time_up = t.params.time_s > 0 && !t.omitting &&
                                 now >= t.start + std::chrono::seconds{t.params.time_s};
            if (time_up || (!t.omitting && t.byte_or_block_limit_reached())) {
                ended = true;
                end_test(t, now);
                clock.finish(t, now, report);
                co_await detail::wait_senders_done(t, std::chrono::seconds{2});
                auto w = co_await ch.send_state(state::test_end);
                if (!w) {
                    co_return unexpected(failure(w.error(), "sending TEST_END"));
                }
            }
        }
        duration wait = std::chrono::milliseconds{100};
        if (running && !ended) {
            wait = std::min<duration>(wait, clock.until_next(now));
            if (t.params.num_bytes != 0 || t.params.block_count != 0) {
                wait = std::min<duration>(wait, std::chrono::milliseconds{2});
            }
            if (t.params.time_s > 0) {
                const instant end_at = t.start + std::chrono::seconds{t.params.time_s};
                wait = std::min<duration>(wait, std::max<duration>(end_at - now, duration{0}));
            }
        }
        auto m = co_await runtime::with_timeout(wait, ch.next());
        if (!m) {
            if (m.error() == std::errc::timed_out) {
                continue;
            }
            if (m.error() == errc::control_closed) {
                co_return unexpected(failure(m.error(), running ? "running the test"
                                                                : "setting up the test"));
            }
            co_return unexpected(failure(m.error(), "reading the control connection"));
        }
        if (const auto* err = std::get_if<server_error_info>(&*m)) {
            run_failure f = failure(make_error_code(errc::server_error), "");
            f.server_i_errno = err->i_errno;
            f.server_errno = err->sys_errno;
            co_return unexpected(f);
        }
        if (std::holds_alternative<json_message>(*m)) {
            auto r = peer_results::from_json(std::get<json_message>(*m).value);
            if (!r) {
                co_return unexpected(failure(make_error_code(r.error()), "reading server results"));
            }
            c.remote = std::move(*r);
            continue;
        }
        const auto* sm = std::get_if<state_message>(&*m);
        if (sm == nullptr) {
            co_return unexpected(failure(make_error_code(errc::protocol_violation), ""));
        }
        switch (sm->value) {
            case state::param_exchange: {
                auto w = co_await ch.send(encode_json(t.params.to_json()));
                if (!w) {
                    co_return unexpected(failure(w.error(), "sending parameters"));
                }
                break;
            }
            case state::create_streams: {
                auto r = co_await create_streams(c);
                if (!r) {
                    co_return unexpected(r.error());
                }
                fill_client_start(c, ctrl);
                c.rep.start_done();
                if (t.params.reverse) {
                    c.rep.text(fmt::format("Reverse mode, remote host {} is sending\n",
                                           c.o.host_text));
                }
                break;
            }
            case state::test_start:
                // iperf_init_test: every stream's clock starts at TEST_START.
                detail::begin_test(t, runtime::now());
                break;
            case state::test_running:
                if (!t.counting) {
                    detail::begin_test(t, runtime::now());
                }
                running = true;
                clock.restart(t.start);
                start_data(c, data);
                break;
            case state::exchange_results: {
                if (!ended) {
                    end_test(t, runtime::now());
                    ended = true;
                }
                auto w = co_await ch.send(
                    encode_json(detail::local_results(t, c.congestion).to_json()));
                if (!w) {
                    co_return unexpected(failure(w.error(), "sending results"));
                }
                break;
            }
            case state::display_results: {
                const peer_results local = detail::local_results(t, c.congestion);
                c.rep.summary(t, local, c.remote ? &*c.remote : nullptr);
                (void)co_await ch.send_state(state::iperf_done);
                co_return result<void, run_failure>{};
            }
            case state::access_denied:
                co_return unexpected(failure(
                    make_error_code(running || !t.streams.empty() ? errc::access_denied
                                                                  : errc::server_busy),
                    ""));
            case state::server_terminate:
                if (running) {
                    end_test(t, runtime::now());
                    report(clock.last_tick(), runtime::now());
                }
                co_return unexpected(failure(make_error_code(errc::server_terminated), ""));
            default:
                co_return unexpected(failure(make_error_code(errc::protocol_violation),
                                             fmt::format("handling {}", to_string(sm->value))));
        }
    }
}

}  // namespace

runtime::task<result<void, run_failure>> run_client(net::stack& stack, client_options options,
                                                    output_sink out) {
    rng random{random_seed()};
    const output_options output = options.output;
    client_run c{.stack = stack,
                 .o = std::move(options),
                 .rep = detail::reporter(output, std::move(out), false),
                 .t = {},
                 .ck = cookie::generate(random),
                 .remote = std::nullopt,
                 .congestion = {}};
    c.t.params = c.o.params;
    c.t.params.netrig_extensions = c.o.extensions;
    c.t.is_server = false;
    test_params& p = c.t.params;
    detail::fill_start_common(c.rep.start());
    c.rep.start()["connected"] = json::array();
    c.rep.text(fmt::format("Connecting to host {}, port {}\n", c.o.host_text, c.o.server.port));

    net::connect_options co;
    if (c.o.bind) {
        co.local = net::endpoint{c.o.bind->address, 0};
    }
    co.timeout = c.o.connect_timeout;
    co.nodelay = true;  // iperf_connect sets TCP_NODELAY on the control connection
    auto ctrl_r = co_await stack.connect(c.o.server, co);
    if (!ctrl_r) {
        run_failure f = failure(ctrl_r.error(), "connecting to the server");
        c.rep.finish(describe(f));
        co_return unexpected(f);
    }
    net::tcp_stream ctrl = std::move(*ctrl_r);
    if (p.len_bytes == 0) {
        // iperf_connect: UDP blksize defaults to the control connection's MSS.
        if (p.protocol == transport::udp) {
            const auto mss = ctrl.mss();
            p.len_bytes = mss && *mss >= min_udp_len_bytes ? *mss : default_udp_len_bytes;
        } else {
            p.len_bytes = default_tcp_len_bytes;
        }
    }
    if (p.protocol == transport::udp && !p.bandwidth_bps) {
        p.bandwidth_bps = default_udp_rate_bps;
    }
    c.t.tcp_block.resize(p.protocol == transport::tcp ? p.len_bytes : 0);
    {
        rng fill{random_seed()};
        for (auto& b : c.t.tcp_block) {
            b = static_cast<std::uint8_t>(fill());
        }
    }
    detail::control_channel ch(ctrl, false);
    bool interrupted = false;
    runtime::task_group signals;
    signals.spawn(watch_signals(interrupted));
    runtime::task_group data;
    result<void, run_failure> r = result<void, run_failure>{};
    auto w = co_await ch.send(c.ck.wire());
    if (!w) {
        r = unexpected(failure(w.error(), "sending the cookie"));
    } else {
        r = co_await client_main(c, ctrl, ch, interrupted, data);
    }
    data.cancel();
    co_await data.join();
    signals.cancel();
    co_await signals.join();
    for (auto& s : c.t.streams) {
        s->tcp.close();
        s->udp_own.close();
    }
    ctrl.close();
    if (!r) {
        c.rep.finish(describe(r.error()));
        co_return r;
    }
    if (c.remote && c.remote->server_output_text && !c.rep.is_json()) {
        c.rep.text("\nServer output:\n");
        c.rep.text(*c.remote->server_output_text);
    }
    if (c.remote && c.remote->server_output_json) {
        c.rep.set_extra("server_output_json",
                        json::parse(c.remote->server_output_json->dump(), nullptr, false));
    } else if (c.remote && c.remote->server_output_text) {
        c.rep.set_extra("server_output_text", *c.remote->server_output_text);
    }
    c.rep.text("\niperf Done.\n");
    c.rep.finish(std::nullopt);
    co_return r;
}

}  // namespace netrig::tools::iperf3
