// SPDX-License-Identifier: MIT
// tools/iperf3: the server (iperf_run_server): one listener for control and data connections,
// cookie routing, per-test sessions, hostile-input handling and graceful termination.
#include <csignal>
#include <list>
#include <random>

#include <fmt/format.h>

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

namespace {

using detail::stream_state;
using detail::test_state;

/// Connections being read for their cookie at once; more are closed at once (bounded memory).
constexpr std::size_t max_pending_connections = 64;

/// A test waiting for its data connections.
struct stream_inbox {
    cookie ck;
    std::vector<net::tcp_stream> streams;
    std::size_t wanted = 0;
};

/// State shared by the whole server.
struct server_shared {
    net::stack& stack;
    server_options o;
    output_sink out;
    net::tcp_listener listener;
    std::list<stream_inbox*> inboxes;
    int active_tests = 0;
    bool udp_in_use = false;
    std::size_t pending = 0;
    int test_number = 1;
    int finished_tests = 0;
    bool stopping = false;
    std::optional<run_failure> one_off_failure;
};

run_failure failure(std::error_code ec, std::string detail) {
    return run_failure{.code = ec, .server_i_errno = std::nullopt, .server_errno = std::nullopt,
                       .detail = std::move(detail)};
}

void banner(server_shared& sh) {
    if (sh.o.output.json || sh.o.output.json_stream) {
        return;
    }
    sh.out(fmt::format("-----------------------------------------------------------\n"
                       "Server listening on {} (test #{})\n"
                       "-----------------------------------------------------------\n",
                       sh.o.listen.port, sh.test_number));
}

// Not a coroutine: a braced list inside a coroutine frame trips GCC 12.
runtime::task<result<int, std::error_code>> stop_signals() {
    return runtime::wait_for_signal({SIGINT, SIGTERM, SIGHUP});
}

runtime::task<void> watch_signals(server_shared& sh) {
    auto r = co_await stop_signals();
    if (r) {
        sh.stopping = true;
    }
}

runtime::task<void> deny_and_close(net::tcp_stream s) {
    const std::array<std::uint8_t, 1> b{to_byte(state::access_denied)};
    (void)co_await runtime::with_timeout(std::chrono::seconds{1},
                                         s.write_all(bytes{b.data(), b.size()}));
    s.close();
}

runtime::task<void> send_server_error(net::tcp_stream& s, std::int32_t i_errno_value) {
    const auto e = encode_server_error({.i_errno = i_errno_value, .sys_errno = 0});
    (void)co_await runtime::with_timeout(std::chrono::seconds{1},
                                         s.write_all(bytes{e.data(), e.size()}));
}

std::uint64_t random_seed() {
    std::random_device rd;
    return (std::uint64_t{rd()} << 32U) ^ rd();
}

/// One test on the server.
struct server_test {
    server_shared& sh;
    net::tcp_stream ctrl;
    detail::control_channel ch;
    detail::reporter rep;
    test_state t;
    cookie ck;
    net::udp_socket udp;
    bool owns_udp = false;
    std::optional<peer_results> remote;
    std::string congestion;
    net::endpoint client;

    server_test(server_shared& shared, net::tcp_stream c, cookie k)
        : sh(shared), ctrl(std::move(c)), ch(ctrl, true),
          rep(shared.o.output, shared.out, true), ck(k) {
        t.is_server = true;
    }
    server_test(const server_test&) = delete;
    server_test& operator=(const server_test&) = delete;
};

runtime::task<result<void, run_failure>> gather_tcp_streams(server_test& st, std::size_t wanted) {
    stream_inbox inbox{.ck = st.ck, .streams = {}, .wanted = wanted};
    st.sh.inboxes.push_back(&inbox);
    const instant deadline = runtime::now() + st.sh.o.step_timeout;
    result<void, run_failure> r = result<void, run_failure>{};
    while (inbox.streams.size() < wanted) {
        if (runtime::now() >= deadline || st.sh.stopping) {
            r = unexpected(failure(make_error_code(errc::timed_out), "waiting for data streams"));
            break;
        }
        if (!(co_await runtime::sleep_for(std::chrono::milliseconds{2}))) {
            r = unexpected(failure(runtime::canceled_error(), "waiting for data streams"));
            break;
        }
    }
    st.sh.inboxes.remove(&inbox);
    if (!r) {
        co_return r;
    }
    for (std::size_t i = 0; i < inbox.streams.size(); ++i) {
        auto sp = std::make_unique<stream_state>();
        sp->tcp = std::move(inbox.streams[i]);
        st.t.streams.push_back(std::move(sp));
    }
    co_return r;
}

runtime::task<result<void, run_failure>> gather_udp_streams(server_test& st, std::size_t wanted) {
    std::array<std::uint8_t, 64> buf{};
    const instant deadline = runtime::now() + st.sh.o.step_timeout;
    while (st.t.streams.size() < wanted) {
        // Queued datagrams complete without suspending: yield so a flood cannot starve the
        // loop or grow the stack.
        if (!(co_await runtime::yield())) {
            co_return unexpected(failure(runtime::canceled_error(), "waiting for UDP streams"));
        }
        const instant now = runtime::now();
        if (now >= deadline || st.sh.stopping) {
            co_return unexpected(failure(make_error_code(errc::timed_out), "waiting for UDP streams"));
        }
        auto r = co_await runtime::with_timeout(deadline - now,
                                                st.udp.recv_from(mut_bytes{buf.data(), buf.size()}));
        if (!r) {
            if (r.error() == net::errc::refused) {
                continue;
            }
            co_return unexpected(failure(r.error(), "waiting for UDP streams"));
        }
        // iperf_udp_accept: the content of the connect datagram is not checked; one stream per
        // new source.
        bool known = false;
        for (const auto& s : st.t.streams) {
            known = known || s->peer == r->source;
        }
        if (known) {
            continue;
        }
        auto sp = std::make_unique<stream_state>();
        sp->peer = r->source;
        sp->udp_shared = &st.udp;
        sp->remote = r->source;
        // The port socket is bound to the wildcard; show the address the client reached.
        sp->local = net::endpoint{st.ctrl.local().value_or(net::endpoint{}).address,
                                  st.udp.local().value_or(net::endpoint{}).port};
        auto w = co_await st.udp.send_to(bytes{udp_connect_reply.data(), udp_connect_reply.size()},
                                         r->source);
        if (!w) {
            co_return unexpected(failure(w.error(), "answering a UDP connect"));
        }
        st.t.streams.push_back(std::move(sp));
    }
    co_return result<void, run_failure>{};
}

void fill_server_start(server_test& st) {
    json& s = st.rep.start();
    const test_params& p = st.t.params;
    s["accepted_connection"] = {{"host", st.client.address.to_string()}, {"port", st.client.port}};
    s["cookie"] = std::string{st.ck.text()};
    if (p.protocol == transport::tcp) {
        if (p.mss_bytes) {
            s["tcp_mss"] = *p.mss_bytes;
        } else {
            s["tcp_mss_default"] = st.ctrl.mss().value_or(0);
        }
    }
    s["target_bitrate"] = p.bandwidth_bps.value_or(0);
    s["sock_bufsize"] = p.window_bytes.value_or(0);
    std::size_t snd = 0;
    std::size_t rcv = 0;
    if (p.protocol == transport::udp) {
        snd = st.udp.send_buffer().value_or(0);
        rcv = st.udp.recv_buffer().value_or(0);
    } else if (!st.t.streams.empty()) {
        snd = st.t.streams.front()->tcp.send_buffer().value_or(0);
        rcv = st.t.streams.front()->tcp.recv_buffer().value_or(0);
    }
    s["sndbuf_actual"] = snd;
    s["rcvbuf_actual"] = rcv;
    s["test_start"] = {{"protocol", p.protocol == transport::udp ? "UDP" : "TCP"},
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

// Receives params, creates streams. On a protocol error answers SERVER_ERROR/ACCESS_DENIED.
runtime::task<result<void, run_failure>> setup_test(server_test& st, bool must_be_netrig) {
    auto w = co_await st.ch.send_state(state::param_exchange);
    if (!w) {
        co_return unexpected(failure(w.error(), "sending PARAM_EXCHANGE"));
    }
    st.ch.expect_json(max_params_json_bytes);
    auto m = co_await runtime::with_timeout(st.sh.o.step_timeout, st.ch.next());
    if (!m) {
        // Malformed, oversized or missing params: iperf_exchange_parameters answers
        // SERVER_ERROR with IERECVPARAMS.
        co_await send_server_error(st.ctrl, i_errno::recv_params);
        co_return unexpected(failure(m.error(), "reading parameters"));
    }
    const auto* jm = std::get_if<json_message>(&*m);
    if (jm == nullptr) {
        co_await send_server_error(st.ctrl, i_errno::recv_params);
        co_return unexpected(failure(make_error_code(errc::protocol_violation),
                                     "reading parameters"));
    }
    auto params = test_params::from_json(jm->value);
    if (!params) {
        co_await send_server_error(st.ctrl, i_errno::recv_params);
        co_return unexpected(failure(make_error_code(params.error()), "reading parameters"));
    }
    st.t.params = *params;
    st.t.extensions = params->netrig_extensions;
    const test_params& p = st.t.params;
    // A second concurrent test is only for netrig clients; an iperf3 client gets "busy" as
    // from a real iperf3 server. UDP tests own the port's UDP socket, so one at a time.
    if ((must_be_netrig && !p.netrig_extensions) ||
        (p.protocol == transport::udp && st.sh.udp_in_use)) {
        const std::array<std::uint8_t, 1> b{to_byte(state::access_denied)};
        (void)co_await st.ctrl.write_all(bytes{b.data(), b.size()});
        co_return unexpected(failure(make_error_code(errc::server_busy), "admitting a client"));
    }
    if (p.protocol == transport::udp) {
        auto u = st.sh.stack.bind_udp(st.sh.o.listen);
        if (!u) {
            co_await send_server_error(st.ctrl, i_errno::stream_listen);
            co_return unexpected(failure(u.error(), "binding the UDP port"));
        }
        st.udp = std::move(*u);
        st.owns_udp = true;
        st.sh.udp_in_use = true;
        if (p.window_bytes) {
            (void)st.udp.set_send_buffer(*p.window_bytes);
            (void)st.udp.set_recv_buffer(*p.window_bytes);
        } else {
            (void)st.udp.set_recv_buffer(detail::udp_recv_buffer_bytes);
        }
    }
    auto cs = co_await st.ch.send_state(state::create_streams);
    if (!cs) {
        co_return unexpected(failure(cs.error(), "sending CREATE_STREAMS"));
    }
    const std::size_t total = static_cast<std::size_t>(p.bidirectional ? 2 * p.parallel : p.parallel);
    auto g = p.protocol == transport::udp ? co_await gather_udp_streams(st, total)
                                          : co_await gather_tcp_streams(st, total);
    if (!g) {
        co_return g;
    }
    // iperf_run_server: accepted streams are assigned receive first, then send.
    const std::size_t n_recv = p.bidirectional ? static_cast<std::size_t>(p.parallel)
                                               : (p.reverse ? 0 : total);
    rng fill{random_seed()};
    st.t.tcp_block.resize(p.protocol == transport::tcp ? p.len_bytes : 0);
    for (auto& b : st.t.tcp_block) {
        b = static_cast<std::uint8_t>(fill());
    }
    for (std::size_t i = 0; i < st.t.streams.size(); ++i) {
        stream_state& s = *st.t.streams[i];
        s.id = detail::stream_id(i);
        s.label = 5 + static_cast<int>(i);
        s.sender = i >= n_recv;
        s.udp = p.protocol == transport::udp;
        if (p.bidirectional) {
            s.role = s.sender ? "TX-S" : "RX-S";
        }
        s.buffer.resize(p.len_bytes);
        if (s.udp && s.sender) {
            for (auto& b : s.buffer) {
                b = static_cast<std::uint8_t>(fill());
            }
        }
        if (!s.udp) {
            s.local = s.tcp.local().value_or(net::endpoint{});
            s.remote = s.tcp.remote().value_or(net::endpoint{});
            if (p.nodelay) {
                (void)s.tcp.set_nodelay(true);
            }
            if (p.window_bytes) {
                (void)s.tcp.set_send_buffer(*p.window_bytes);
                (void)s.tcp.set_recv_buffer(*p.window_bytes);
            }
            if (p.congestion) {
                if (!s.tcp.set_congestion(*p.congestion)) {
                    co_await send_server_error(st.ctrl, i_errno::set_congestion);
                    co_return unexpected(failure(make_error_code(net::errc::not_supported),
                                                 "setting congestion control"));
                }
            }
            if (st.congestion.empty()) {
                st.congestion = s.tcp.congestion().value_or("");
            }
        }
        st.rep.text(fmt::format("[{:3d}] local {} port {} connected to {} port {}\n", s.label,
                                s.local.address.to_string(), s.local.port,
                                s.remote.address.to_string(), s.remote.port));
        st.rep.start()["connected"].push_back(detail::connected_entry(s));
    }
    fill_server_start(st);
    st.rep.start_done();
    co_return result<void, run_failure>{};
}

void start_data(server_test& st, runtime::task_group& data) {
    bool demux = false;
    for (auto& sp : st.t.streams) {
        stream_state& s = *sp;
        if (s.udp) {
            if (s.sender) {
                data.spawn(detail::udp_send_loop(st.t, s));
            } else {
                demux = true;
            }
        } else {
            data.spawn(s.sender ? detail::tcp_send_loop(st.t, s) : detail::tcp_recv_loop(st.t, s));
        }
    }
    if (demux) {
        data.spawn(detail::udp_demux_loop(st.t, st.udp));
    }
}

runtime::task<result<void, run_failure>> run_test_body(server_test& st,
                                                       runtime::task_group& data) {
    test_state& t = st.t;
    // TEST_START and TEST_RUNNING back to back (iperf_run_server).
    const std::array<std::uint8_t, 2> go{to_byte(state::test_start), to_byte(state::test_running)};
    auto started = co_await st.ch.send(bytes{go.data(), go.size()});
    if (!started) {
        co_return unexpected(failure(started.error(), "starting the test"));
    }
    detail::begin_test(t, runtime::now());
    start_data(st, data);
    detail::interval_clock clock(st.sh.o.output.interval);
    clock.restart(t.start);
    const auto report = [&](instant from, instant to) { st.rep.interval(t, from, to); };
    // create_server_timers: duration + omit + 40 s, after which the test is abandoned.
    const instant watchdog =
        t.params.time_s > 0
            ? t.start + std::chrono::seconds{t.params.time_s + t.params.omit_s + 40}
            : instant::max();
    bool ended = false;
    while (true) {
        const instant now = runtime::now();
        if (st.sh.stopping) {
            (void)co_await st.ch.send_state(state::server_terminate);
            if (!ended) {
                end_test(t, now);
                report(clock.last_tick(), now);
            }
            // iperf_got_sigend exits at once; waiting a moment for the client to read the
            // byte and close keeps it from seeing a reset data stream first.
            (void)co_await runtime::with_timeout(std::chrono::seconds{1},
                                                 detail::drain_until_closed(st.ch));
            co_return unexpected(failure(make_error_code(errc::interrupted), ""));
        }
        if (now >= watchdog) {
            co_return unexpected(failure(make_error_code(errc::timed_out), "running the test"));
        }
        if (!ended) {
            clock.advance(t, now, report);
        }
        duration wait = std::chrono::milliseconds{100};
        if (!ended) {
            wait = std::min<duration>(wait, clock.until_next(now));
        }
        auto m = co_await runtime::with_timeout(wait, st.ch.next());
        if (!m) {
            if (m.error() == std::errc::timed_out) {
                continue;
            }
            if (m.error() == errc::control_closed) {
                // 3.12: "the client has unexpectedly closed the connection", treated as done.
                st.rep.text("iperf3: the client has unexpectedly closed the connection\n");
                co_return unexpected(failure(m.error(), "running the test"));
            }
            if (m.error().category() == codec_error_category()) {
                co_await send_server_error(st.ctrl, i_errno::message);
            }
            co_return unexpected(failure(m.error(), "reading the control connection"));
        }
        if (const auto* jm = std::get_if<json_message>(&*m)) {
            auto r = peer_results::from_json(jm->value);
            if (!r) {
                co_await send_server_error(st.ctrl, i_errno::recv_results);
                co_return unexpected(failure(make_error_code(r.error()), "reading client results"));
            }
            st.remote = std::move(*r);
            // Results: summary first, so --get-server-output carries it.
            const peer_results local_pre = detail::local_results(t, st.congestion);
            st.rep.summary(t, local_pre, &*st.remote);
            peer_results local = local_pre;
            if (st.t.params.get_server_output) {
                if (st.rep.is_json()) {
                    local.server_output_json = nlohmann::json::parse(
                        st.rep.document().dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace),
                        nullptr, false);
                } else {
                    local.server_output_text = st.rep.captured_text();
                }
            }
            auto w = co_await st.ch.send(encode_json(local.to_json()));
            if (w) {
                w = co_await st.ch.send_state(state::display_results);
            }
            if (!w) {
                co_return unexpected(failure(w.error(), "sending results"));
            }
            continue;
        }
        const auto* sm = std::get_if<state_message>(&*m);
        if (sm == nullptr) {
            co_await send_server_error(st.ctrl, i_errno::message);
            co_return unexpected(failure(make_error_code(errc::protocol_violation), ""));
        }
        switch (sm->value) {
            case state::test_end: {
                if (ended) {
                    co_await send_server_error(st.ctrl, i_errno::message);
                    co_return unexpected(failure(make_error_code(errc::protocol_violation), ""));
                }
                ended = true;
                end_test(t, now);
                clock.finish(t, now, report);
                co_await detail::wait_senders_done(t, std::chrono::seconds{2});
                data.cancel();
                co_await data.join();
                // iperf_handle_message_server, TEST_END: the server closes the data sockets.
                // A 3.12 client in -R drains with a blocking Nread of whole blocks and needs
                // the EOF to get back to the control connection.
                for (auto& sp : t.streams) {
                    sp->tcp.close();
                }
                auto w = co_await st.ch.send_state(state::exchange_results);
                if (!w) {
                    co_return unexpected(failure(w.error(), "sending EXCHANGE_RESULTS"));
                }
                break;
            }
            case state::iperf_done:
                if (!ended || !st.remote) {
                    co_return unexpected(failure(make_error_code(errc::protocol_violation), ""));
                }
                co_return result<void, run_failure>{};
            case state::client_terminate:
                if (!ended) {
                    end_test(t, now);
                    report(clock.last_tick(), now);
                }
                st.rep.text("iperf3: the client has terminated\n");
                co_return unexpected(failure(make_error_code(errc::client_terminated), ""));
            default:
                // A state a client never sends, or one out of order: IEMESSAGE.
                co_await send_server_error(st.ctrl, i_errno::message);
                co_return unexpected(failure(make_error_code(errc::protocol_violation),
                                             fmt::format("handling {}", to_string(sm->value))));
        }
    }
}

runtime::task<void> run_test(server_shared& sh, net::tcp_stream ctrl, cookie ck,
                             bool must_be_netrig) {
    ++sh.active_tests;
    server_test st(sh, std::move(ctrl), ck);
    st.client = st.ctrl.remote().value_or(net::endpoint{});
    detail::fill_start_common(st.rep.start());
    st.rep.start()["connected"] = json::array();
    st.rep.capture(true);
    st.rep.text(fmt::format("Accepted connection from {}, port {}\n",
                            st.client.address.to_string(), st.client.port));
    runtime::task_group data;
    auto r = co_await setup_test(st, must_be_netrig);
    bool admitted = true;
    if (r) {
        r = co_await run_test_body(st, data);
    } else {
        admitted = r.error().code != errc::server_busy;
    }
    data.cancel();
    co_await data.join();
    for (auto& s : st.t.streams) {
        s->tcp.close();
    }
    if (st.owns_udp) {
        st.udp.close();
        sh.udp_in_use = false;
    }
    st.ctrl.close();
    if (admitted) {
        std::optional<std::string> err;
        if (!r && r.error().code != errc::interrupted) {
            err = describe(r.error());
        }
        st.rep.finish(err);
        if (!r && sh.o.one_off) {
            sh.one_off_failure = r.error();
        }
        ++sh.finished_tests;
        ++sh.test_number;
        if (!sh.o.one_off && !sh.stopping) {
            banner(sh);
        }
        if (sh.o.one_off) {
            sh.stopping = true;
        }
    }
    --sh.active_tests;
}

runtime::task<void> handle_connection(server_shared& sh, net::tcp_stream conn) {
    ++sh.pending;
    std::array<std::uint8_t, cookie_size> raw{};
    std::size_t got = 0;
    const instant deadline = runtime::now() + sh.o.step_timeout;
    bool ok = true;
    while (got < raw.size()) {
        const instant now = runtime::now();
        if (now >= deadline) {
            ok = false;
            break;
        }
        auto r = co_await runtime::with_timeout(
            deadline - now, conn.read_some(mut_bytes{raw.data() + got, raw.size() - got}));
        if (!r || *r == 0) {
            ok = false;
            break;
        }
        got += *r;
    }
    --sh.pending;
    if (!ok) {
        conn.close();  // stalled or closed before a whole cookie: nothing to answer
        co_return;
    }
    auto ck = cookie::parse(bytes{raw.data(), raw.size()});
    if (ck) {
        for (stream_inbox* in : sh.inboxes) {
            if (in->ck == *ck && in->streams.size() < in->wanted) {
                (void)conn.set_nodelay(true);
                in->streams.push_back(std::move(conn));
                co_return;
            }
        }
    }
    // Not a data stream of a test being set up: a new control connection, or a data
    // connection with a wrong cookie (iperf_tcp_accept answers ACCESS_DENIED to those).
    if (!ck || sh.stopping || sh.active_tests >= sh.o.max_concurrent_tests ||
        (sh.active_tests > 0 && sh.o.max_concurrent_tests <= 1) || !sh.inboxes.empty()) {
        co_await deny_and_close(std::move(conn));
        co_return;
    }
    (void)conn.set_nodelay(true);
    co_await run_test(sh, std::move(conn), *ck, sh.active_tests > 0);
}

}  // namespace

runtime::task<result<void, run_failure>> run_server(net::stack& stack, server_options options,
                                                    output_sink out) {
    server_shared sh{.stack = stack,
                     .o = std::move(options),
                     .out = std::move(out),
                     .listener = {},
                     .inboxes = {},
                     .active_tests = 0,
                     .udp_in_use = false,
                     .pending = 0,
                     .test_number = 1,
                     .finished_tests = 0,
                     .stopping = false,
                     .one_off_failure = std::nullopt};
    auto l = stack.listen(sh.o.listen, net::listen_options{.backlog = 128,
                                                           .reuse_address = true,
                                                           .recv_buffer_bytes = std::nullopt,
                                                           .send_buffer_bytes = std::nullopt,
                                                           .congestion = std::nullopt});
    if (!l) {
        co_return unexpected(failure(l.error(), fmt::format("listening on port {}",
                                                            sh.o.listen.port)));
    }
    sh.listener = std::move(*l);
    banner(sh);
    runtime::task_group signals;
    signals.spawn(watch_signals(sh));
    runtime::task_group handlers;
    while (!sh.stopping) {
        auto c = co_await runtime::with_timeout(std::chrono::milliseconds{100},
                                                sh.listener.accept());
        if (!c) {
            if (c.error() == std::errc::timed_out) {
                continue;
            }
            if (c.error() == std::errc::operation_canceled) {
                break;
            }
            // Out of descriptors and the like: back off and keep serving.
            (void)co_await runtime::sleep_for(std::chrono::milliseconds{10});
            continue;
        }
        if (sh.pending >= max_pending_connections) {
            c->close();
            continue;
        }
        handlers.spawn(handle_connection(sh, std::move(*c)));
    }
    sh.listener.close();
    // Tests see `stopping` within 100 ms and send SERVER_TERMINATE; give them a moment before
    // cancelling what is left (handshakes of silent peers).
    const instant give_up = runtime::now() + std::chrono::seconds{2};
    while (sh.active_tests > 0 && runtime::now() < give_up) {
        if (!(co_await runtime::sleep_for(std::chrono::milliseconds{10}))) {
            break;
        }
    }
    handlers.cancel();
    co_await handlers.join();
    signals.cancel();
    co_await signals.join();
    if (sh.one_off_failure) {
        co_return unexpected(*sh.one_off_failure);
    }
    co_return result<void, run_failure>{};
}

}  // namespace netrig::tools::iperf3
