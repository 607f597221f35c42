// SPDX-License-Identifier: MIT
// tools/iperf3 (internal): data loops, control channel, reporter.
#include "tools/iperf3/engine.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <span>
#include <vector>
#include <fmt/format.h>

#include "net/errc.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/sleep.hpp"
#include "tools/iperf3/udp_wire.hpp"

namespace netrig::tools::iperf3::detail {

using json = nlohmann::ordered_json;

namespace {
// Long loops that may never suspend (loopback sends that always fit) yield this often so the
// control connection, timers and other streams get their turn.
constexpr unsigned yield_every = 16;

std::uint64_t to_us(duration d) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    return us < 0 ? 0 : static_cast<std::uint64_t>(us);
}
}  // namespace

bool test_state::send_limit_reached() const {
    return (params.num_bytes != 0 && total_sent_bytes >= params.num_bytes) ||
           (params.block_count != 0 && total_sent_blocks >= params.block_count);
}

bool test_state::byte_or_block_limit_reached() const {
    // iperf_run_client 3.12: bytes_sent or bytes_received reached -n, blocks likewise for -k.
    return (params.num_bytes != 0 && (total_sent_bytes >= params.num_bytes ||
                                      total_received_bytes >= params.num_bytes)) ||
           (params.block_count != 0 && (total_sent_blocks >= params.block_count ||
                                        total_received_blocks >= params.block_count));
}

void cpu_times(double& user_s, double& system_s) {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    user_s = static_cast<double>(u.ru_utime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec) / 1e6;
    system_s =
        static_cast<double>(u.ru_stime.tv_sec) + static_cast<double>(u.ru_stime.tv_usec) / 1e6;
}

void begin_test(test_state& t, instant now) {
    t.start = now;
    t.counting = true;
    t.sending = true;
    t.omitting = t.params.omit_s > 0;
    t.omit_end = now + std::chrono::seconds{t.params.omit_s};
    cpu_times(t.cpu_start_user_s, t.cpu_start_system_s);
    t.cpu_start = now;
}

void end_test(test_state& t, instant now) {
    if (!t.counting) {
        return;
    }
    t.counting = false;
    t.sending = false;
    t.end = now;
    // Short tests (-n, -k) may end before any interval sampled TCP_INFO: sample once now.
    for (auto& sp : t.streams) {
        if (!sp->udp && !sp->sender && sp->mss == 0) {
            if (auto info = sp->tcp.info()) {
                sp->mss = info->rcv_mss_bytes != 0 ? info->rcv_mss_bytes : info->mss_bytes;
            }
        }
        if (!sp->udp && sp->sender) {
            if (auto info = sp->tcp.info()) {
                sp->last_retrans = info->total_retrans;
                sp->mss = info->mss_bytes;
                if (sp->rtt_samples == 0) {
                    const std::uint64_t rtt = to_us(info->srtt);
                    sp->max_cwnd = info->cwnd_bytes;
                    sp->max_snd_wnd = info->snd_wnd_bytes.value_or(0);
                    sp->max_rtt_us = rtt;
                    sp->min_rtt_us = rtt;
                    sp->rtt_sum_us = rtt;
                    sp->rtt_samples = 1;
                }
            }
        }
    }
}

void end_omit(test_state& t) {
    t.omitting = false;
    for (auto& sp : t.streams) {
        stream_state& s = *sp;
        s.omit_base = {.bytes = s.bytes, .ops = s.ops, .udp_sent = s.udp_sent,
                       .highest = s.udp_rx.highest_seq(), .ooo = s.udp_rx.out_of_order(),
                       .received = s.udp_rx.received(), .lost = s.udp_rx.lost(),
                       .retrans = s.last_retrans};
        s.interval_base = s.omit_base;
    }
}

runtime::task<void> tcp_send_loop(test_state& t, stream_state& s) {
    ++t.active_senders;
    unsigned n = 0;
    while (t.sending && !t.send_limit_reached()) {
        // Whole blocks (iperf3's Nwrite loops until the block is written); bytes are counted
        // as each write takes them, so a block cut short by an error counts what was sent.
        // A block started while counting counts in full, also the part written after the test
        // ended (a write that waited for buffer space, then the rest of the block): those
        // bytes reach the receiver, which counts what arrives before TEST_END, and iperf3's
        // Nwrite counts every byte it wrote too. So received <= sent holds.
        const bool count_block = t.counting;
        const bytes block{t.tcp_block.data(), t.tcp_block.size()};
        std::size_t done = 0;
        while (done < block.size()) {
            auto r = co_await s.tcp.write_some(block.subspan(done));
            if (!r) {
                s.error = r.error();
                break;
            }
            done += *r;
            if (count_block) {
                s.bytes += *r;
                t.total_sent_bytes += *r;
            }
        }
        if (s.error) {
            break;
        }
        if (count_block) {
            ++s.ops;
            ++t.total_sent_blocks;
        }
        if (++n % yield_every == 0) {
            if (!(co_await runtime::yield())) {
                break;
            }
        }
    }
    --t.active_senders;
}

runtime::task<void> wait_senders_done(test_state& t, duration max) {
    const instant until = runtime::now() + max;
    while (t.active_senders > 0 && runtime::now() < until) {
        if (!(co_await runtime::sleep_for(std::chrono::milliseconds{1}))) {
            co_return;
        }
    }
}

runtime::task<void> tcp_recv_loop(test_state& t, stream_state& s) {
    unsigned n = 0;
    while (true) {
        auto r = co_await s.tcp.read_some(mut_bytes{s.buffer.data(), s.buffer.size()});
        if (!r) {
            s.error = r.error();
            co_return;
        }
        if (*r == 0) {
            co_return;
        }
        // iperf_tcp_recv: bytes count only while TEST_RUNNING; late bytes are drained.
        if (t.counting) {
            s.bytes += *r;
            ++s.ops;
            t.total_received_bytes += *r;
            ++t.total_received_blocks;
        }
        if (++n % yield_every == 0) {
            if (!(co_await runtime::yield())) {
                co_return;
            }
        }
    }
}

namespace {

// How many datagrams the UDP loops hand to the stack per call (sendmmsg/recvmmsg on the kernel
// stack): one system call and one clock read per batch instead of per datagram.
constexpr std::size_t udp_batch = 32;

// How many datagrams of `len` bytes the next batch may hold: the pacing budget (iperf3's
// iperf_check_throttle sends while the average rate since the start is below the target, so a
// batch is the datagrams that keep it there), and the -n / -k limits.
std::size_t udp_batch_size(const test_state& t, const stream_state& s, std::uint64_t rate,
                           instant now, std::size_t len) {
    std::size_t want = s.udp_shared != nullptr ? 1 : udp_batch;  // send_to has no batch form
    if (rate != 0) {
        const double elapsed = std::max(1e-9, to_seconds(now - t.start));
        const double budget =
            static_cast<double>(rate) * elapsed / 8.0 - static_cast<double>(s.pace_bytes);
        if (budget <= 0) {
            return 0;
        }
        want = std::min(want, static_cast<std::size_t>(std::ceil(budget / static_cast<double>(len))));
    }
    if (t.counting && t.params.num_bytes != 0 && t.total_sent_bytes < t.params.num_bytes) {
        const std::uint64_t left = t.params.num_bytes - t.total_sent_bytes;
        want = std::min<std::uint64_t>(want, (left + len - 1) / len);
    }
    if (t.counting && t.params.block_count != 0 && t.total_sent_blocks < t.params.block_count) {
        want = std::min<std::uint64_t>(want, t.params.block_count - t.total_sent_blocks);
    }
    return std::max<std::size_t>(want, 1);
}

}  // namespace

runtime::task<void> udp_send_loop(test_state& t, stream_state& s) {
    const bool c64 = t.params.udp_counters_64bit;
    const std::uint64_t rate = t.params.bandwidth_bps.value_or(0);
    const auto pacing = std::chrono::microseconds{std::max(1, t.params.pacing_timer_us)};
    const std::size_t len = s.buffer.size();
    // One allocation per stream: udp_batch copies of the datagram; only headers change.
    std::vector<std::uint8_t> batch(len * udp_batch);
    std::array<bytes, udp_batch> views{};
    for (std::size_t i = 0; i < udp_batch; ++i) {
        std::copy(s.buffer.begin(), s.buffer.end(), batch.begin() + static_cast<std::ptrdiff_t>(i * len));
        views[i] = bytes{batch.data() + i * len, len};
    }
    unsigned n = 0;
    while (t.sending && !t.send_limit_reached()) {
        const instant now = runtime::now();
        const std::size_t want = udp_batch_size(t, s, rate, now, len);
        if (want == 0) {
            if (!(co_await runtime::sleep_for(pacing))) {
                co_return;
            }
            continue;
        }
        const auto since = now.since_zero();
        const auto sec = std::chrono::duration_cast<std::chrono::seconds>(since);
        const auto usec = std::chrono::duration_cast<std::chrono::microseconds>(since - sec);
        for (std::size_t i = 0; i < want; ++i) {
            udp_header h{.sec = static_cast<std::uint32_t>(sec.count()),
                         .usec = static_cast<std::uint32_t>(usec.count()),
                         .seq = s.udp_sent + 1 + i};
            h.emit(mut_bytes{batch.data() + i * len, len}, c64);
        }
        result<std::size_t, std::error_code> r{0};
        if (s.udp_shared != nullptr) {
            r = (co_await s.udp_shared->send_to(views[0], s.peer)).transform([](std::size_t) {
                return std::size_t{1};
            });
        } else {
            r = co_await s.udp_own.send_batch(std::span<const bytes>{views.data(), want});
        }
        if (!r) {
            // A full queue or an ICMP error from an earlier datagram is not fatal for a UDP
            // blast: iperf3 ignores ENOBUFS too. Anything else ends the stream.
            if (r.error() == net::errc::no_buffer_space || r.error() == net::errc::refused) {
                if (!(co_await runtime::yield())) {
                    co_return;
                }
                continue;
            }
            s.error = r.error();
            co_return;
        }
        const std::size_t sent = *r;
        s.udp_sent += sent;
        s.pace_bytes += sent * len;
        if (t.counting) {
            s.bytes += sent * len;
            s.ops += sent;
            t.total_sent_bytes += sent * len;
            t.total_sent_blocks += sent;
        }
        if (++n % yield_every == 0) {
            if (!(co_await runtime::yield())) {
                co_return;
            }
        }
    }
}

void account_udp_datagram(test_state& t, stream_state& s, bytes datagram, instant arrival) {
    if (!t.counting) {
        return;
    }
    auto h = udp_header::parse(datagram, t.params.udp_counters_64bit);
    if (!h) {
        return;  // shorter than a header: not an iperf3 data datagram (e.g. a repeated connect)
    }
    const double sent_s = static_cast<double>(h->sec) + static_cast<double>(h->usec) / 1e6;
    s.udp_rx.on_datagram(h->seq, sent_s, to_seconds(arrival.since_zero()));
    s.bytes += datagram.size();
    ++s.ops;
    t.total_received_bytes += datagram.size();
    ++t.total_received_blocks;
}

namespace {

// Receive buffers for one batch: udp_batch slots of `len` bytes in one allocation per loop.
struct udp_rx_batch {
    explicit udp_rx_batch(std::size_t len) : storage(len * udp_batch) {
        for (std::size_t i = 0; i < udp_batch; ++i) {
            slots[i].buffer = mut_bytes{storage.data() + i * len, len};
        }
    }
    std::vector<std::uint8_t> storage;
    std::array<net::datagram_slot, udp_batch> slots{};
};

}  // namespace

runtime::task<void> udp_recv_loop(test_state& t, stream_state& s) {
    udp_rx_batch rx(s.buffer.size());
    unsigned n = 0;
    while (true) {
        // A batch that is already queued completes without suspending; yield now and then
        // so the loop neither starves the control connection nor grows the stack where
        // symmetric transfer is not a tail call (sanitizer builds).
        if (++n % yield_every == 0) {
            if (!(co_await runtime::yield())) {
                co_return;
            }
        }
        auto r = co_await s.udp_own.recv_batch(rx.slots);
        if (!r) {
            if (r.error() == net::errc::refused) {
                continue;
            }
            s.error = r.error();
            co_return;
        }
        const instant now = runtime::now();
        for (std::size_t i = 0; i < *r; ++i) {
            const net::datagram_slot& d = rx.slots[i];
            account_udp_datagram(t, s, bytes{d.buffer.data(), d.info.size}, now);
        }
    }
}

runtime::task<void> udp_demux_loop(test_state& t, net::udp_socket& sock) {
    udp_rx_batch rx(max_udp_len_bytes);
    unsigned n = 0;
    while (true) {
        if (++n % yield_every == 0) {  // see udp_recv_loop
            if (!(co_await runtime::yield())) {
                co_return;
            }
        }
        auto r = co_await sock.recv_batch(rx.slots);
        if (!r) {
            if (r.error() == net::errc::refused) {
                continue;
            }
            co_return;
        }
        const instant now = runtime::now();
        stream_state* last = nullptr;  // consecutive datagrams mostly share a stream
        for (std::size_t i = 0; i < *r; ++i) {
            const net::datagram_slot& d = rx.slots[i];
            if (last == nullptr || !(last->peer == d.info.source)) {
                last = nullptr;
                for (auto& sp : t.streams) {
                    if (!sp->sender && sp->peer == d.info.source) {
                        last = sp.get();
                        break;
                    }
                }
            }
            if (last != nullptr) {
                account_udp_datagram(t, *last, bytes{d.buffer.data(), d.info.size}, now);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------

control_channel::control_channel(net::tcp_stream& stream, bool server_side)
    : stream_(stream), server_side_(server_side) {}

runtime::task<result<control_message, std::error_code>> control_channel::next() {
    while (true) {
        if (pos_ < have_) {
            pos_ += decoder_.feed(bytes{buf_.data() + pos_, have_ - pos_});
        }
        if (auto m = decoder_.take()) {
            if (!*m) {
                co_return unexpected(make_error_code(m->error()));
            }
            control_message msg = std::move(**m);
            // Wire order decides what follows: results JSON after EXCHANGE_RESULTS (client
            // reading) or after TEST_END (server reading).
            if (const auto* st = std::get_if<state_message>(&msg)) {
                const state trigger = server_side_ ? state::test_end : state::exchange_results;
                if (st->value == trigger) {
                    decoder_.expect_json(max_results_json_bytes);
                }
            }
            co_return msg;
        }
        if (pos_ == have_) {
            auto r = co_await stream_.read_some(mut_bytes{buf_.data(), buf_.size()});
            if (!r) {
                co_return unexpected(r.error());
            }
            if (*r == 0) {
                co_return unexpected(make_error_code(errc::control_closed));
            }
            have_ = *r;
            pos_ = 0;
        }
    }
}

runtime::task<result<void, std::error_code>> control_channel::send(bytes data) {
    co_return co_await stream_.write_all(data);
}

runtime::task<result<void, std::error_code>> control_channel::send_state(state s) {
    const std::array<std::uint8_t, 1> b{to_byte(s)};
    co_return co_await stream_.write_all(bytes{b.data(), b.size()});
}

runtime::task<result<void, std::error_code>> drain_until_closed(control_channel& ch) {
    while (true) {
        auto m = co_await ch.next();
        if (!m) {
            co_return unexpected(m.error());
        }
    }
}

// ---------------------------------------------------------------------------------------------

void fill_start_common(json& start) {
    start["version"] = "iperf 3.12 (netrig)";
    utsname u{};
    if (::uname(&u) == 0) {
        start["system_info"] = fmt::format("{} {} {} {} {}", u.sysname, u.nodename, u.release,
                                           u.version, u.machine);
    } else {
        start["system_info"] = "";
    }
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    std::array<char, 64> buf{};
    const std::size_t n = std::strftime(buf.data(), buf.size(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    start["timestamp"] = {{"time", std::string(buf.data(), n)},
                          {"timesecs", static_cast<std::int64_t>(now)}};
}

json connected_entry(const stream_state& s) {
    return {{"socket", s.label},
            {"local_host", s.local.address.to_string()},
            {"local_port", s.local.port},
            {"remote_host", s.remote.address.to_string()},
            {"remote_port", s.remote.port}};
}

peer_results local_results(const test_state& t, const std::string& congestion) {
    peer_results r;
    double user = 0;
    double system = 0;
    cpu_times(user, system);
    const double wall = std::max(1e-9, to_seconds(t.end - t.cpu_start));
    r.cpu_util_user = 100.0 * (user - t.cpu_start_user_s) / wall;
    r.cpu_util_system = 100.0 * (system - t.cpu_start_system_s) / wall;
    r.cpu_util_total = r.cpu_util_user + r.cpu_util_system;
    bool any_tcp_sender = false;
    for (const auto& sp : t.streams) {
        any_tcp_sender = any_tcp_sender || (sp->sender && !sp->udp);
    }
    r.sender_has_retransmits = any_tcp_sender ? 1 : -1;
    if (!congestion.empty()) {
        r.congestion_used = congestion;
    }
    r.netrig = true;
    const double end_s = t.since_start(t.end);
    for (const auto& sp : t.streams) {
        const stream_state& s = *sp;
        stream_result sr;
        sr.id = s.id;
        sr.bytes = s.bytes - s.omit_base.bytes;
        sr.start_time_s = 0;
        sr.end_time_s = end_s;
        if (s.udp) {
            if (s.sender) {
                sr.packets = s.udp_sent - s.omit_base.udp_sent;
            } else {
                sr.packets = s.udp_rx.highest_seq() - s.omit_base.highest;
                sr.errors = s.udp_rx.lost() - s.omit_base.lost;
                sr.jitter_s = s.udp_rx.jitter_s();
                sr.received_packets = s.udp_rx.received() - s.omit_base.received;
            }
        } else if (s.sender) {
            sr.retransmits = static_cast<std::int64_t>(s.last_retrans - s.omit_base.retrans);
        }
        // Packets: UDP datagrams; for TCP, segments estimated from bytes and MSS (the socket
        // API does not count segments).
        if (s.udp) {
            sr.netrig_packets = s.ops - s.omit_base.ops;
        } else if (s.mss != 0) {
            sr.netrig_packets = (sr.bytes + s.mss - 1) / s.mss;
        }
        r.streams.push_back(sr);
    }
    return r;
}

// ---------------------------------------------------------------------------------------------

reporter::reporter(output_options options, output_sink sink, bool is_server)
    : options_(options), sink_(std::move(sink)), is_server_(is_server) {}

void reporter::text(std::string_view line) {
    if (capture_) {
        captured_ += line;
    }
    if (!is_json()) {
        sink_(line);
    }
}

void reporter::emit_event(const char* name, const json& data) {
    if (options_.json_stream) {
        json ev = json::object();
        ev["event"] = name;
        ev["data"] = data;
        sink_(ev.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    }
}

void reporter::start_done() { emit_event("start", start_); }

json reporter::document() const {
    json doc = {{"start", start_}, {"intervals", intervals_}, {"end", end_}};
    for (const auto& [k, v] : extra_.items()) {
        doc[k] = v;
    }
    return doc;
}

figures reporter::stream_interval(test_state& t, stream_state& s, instant from, instant to,
                                  bool omitted) {
    figures f;
    f.socket = s.label;
    f.role = s.role;
    f.sender = s.sender;
    f.udp = s.udp;
    f.start_s = t.since_start(from);
    f.end_s = t.since_start(to);
    f.seconds = to_seconds(to - from);
    f.omitted = omitted;
    const auto& b = s.interval_base;
    f.bytes = s.bytes - b.bytes;
    stream_state::snapshot now_snap{.bytes = s.bytes, .ops = s.ops, .udp_sent = s.udp_sent,
                                    .highest = s.udp_rx.highest_seq(),
                                    .ooo = s.udp_rx.out_of_order(),
                                    .received = s.udp_rx.received(), .lost = s.udp_rx.lost(),
                                    .retrans = s.last_retrans};
    if (s.udp) {
        if (s.sender) {
            f.packets = s.udp_sent - b.udp_sent;
        } else {
            f.packets = s.udp_rx.highest_seq() - b.highest;
            f.lost = s.udp_rx.lost() - b.lost;
            f.jitter_ms = s.udp_rx.jitter_s() * 1000.0;
            f.out_of_order = s.udp_rx.out_of_order() - b.ooo;
        }
        if (f.seconds > 0) {
            f.packets_per_second = static_cast<double>(s.ops - b.ops) / f.seconds;
        }
    } else {
        if (s.sender) {
            auto info = s.tcp.info();
            if (info) {
                f.retransmits = static_cast<std::int64_t>(info->total_retrans - b.retrans);
                f.snd_cwnd = info->cwnd_bytes;
                f.snd_wnd = info->snd_wnd_bytes.value_or(0);
                f.rtt_us = to_us(info->srtt);
                f.rttvar_us = to_us(info->rttvar);
                f.pmtu = info->pmtu_bytes;
                s.last_retrans = info->total_retrans;
                now_snap.retrans = info->total_retrans;
                s.mss = info->mss_bytes;
                s.max_cwnd = std::max(s.max_cwnd, info->cwnd_bytes);
                s.max_snd_wnd = std::max<std::uint64_t>(s.max_snd_wnd, *f.snd_wnd);
                s.max_rtt_us = std::max(s.max_rtt_us, *f.rtt_us);
                s.min_rtt_us = std::min(s.min_rtt_us, *f.rtt_us);
                s.rtt_sum_us += *f.rtt_us;
                ++s.rtt_samples;
            } else {
                f.retransmits = 0;
            }
        } else if (s.mss == 0) {
            if (auto info = s.tcp.info()) {
                s.mss = info->rcv_mss_bytes != 0 ? info->rcv_mss_bytes : info->mss_bytes;
            }
        }
        if (f.seconds > 0 && s.mss != 0) {
            // Segments estimated from bytes and MSS: the socket API does not count segments.
            f.packets_per_second =
                std::ceil(static_cast<double>(f.bytes) / s.mss) / f.seconds;
        }
    }
    s.interval_base = now_snap;
    return f;
}

namespace {

figures sum_of(const std::vector<figures>& parts, bool sender) {
    figures sum;
    sum.socket = -1;
    sum.sender = sender;
    double jitter = 0;
    double pps = 0;
    bool have_pps = false;
    for (const auto& f : parts) {
        sum.udp = f.udp;
        sum.start_s = f.start_s;
        sum.end_s = std::max(sum.end_s, f.end_s);
        sum.seconds = std::max(sum.seconds, f.seconds);
        sum.bytes += f.bytes;
        sum.packets += f.packets;
        sum.lost += f.lost;
        sum.out_of_order += f.out_of_order;
        sum.omitted = f.omitted;
        jitter += f.jitter_ms;
        if (f.retransmits) {
            sum.retransmits = sum.retransmits.value_or(0) + *f.retransmits;
        }
        if (f.packets_per_second) {
            pps += *f.packets_per_second;
            have_pps = true;
        }
    }
    // iperf3 averages per-stream jitter in sums.
    if (!parts.empty()) {
        sum.jitter_ms = jitter / static_cast<double>(parts.size());
    }
    if (have_pps) {
        sum.packets_per_second = pps;
    }
    return sum;
}

}  // namespace

void reporter::interval(test_state& t, instant from, instant to) {
    const bool omitted = t.omitting;
    std::vector<figures> forward;
    std::vector<figures> reverse;
    std::vector<figures> all;
    // Forward = what the client sends; on the server that is what it receives.
    for (auto& sp : t.streams) {
        figures f = stream_interval(t, *sp, from, to, omitted);
        const bool client_sends = t.is_server ? !sp->sender : sp->sender;
        (client_sends || !t.params.bidirectional ? forward : reverse).push_back(f);
        all.push_back(f);
    }
    if (options_.interval.count() == 0) {
        return;
    }
    ++interval_count_;
    const bool bidir = t.params.bidirectional;
    const bool udp = t.params.protocol == transport::udp;
    const bool local_sends_fwd = !forward.empty() && forward.front().sender;
    json streams = json::array();
    for (const auto& f : all) {
        streams.push_back(json_interval(f, false));
    }
    json entry = {{"streams", streams}};
    const figures fsum = sum_of(forward, local_sends_fwd);
    entry["sum"] = json_interval(fsum, true);
    if (bidir) {
        const figures rsum = sum_of(reverse, !local_sends_fwd);
        entry["sum_bidir_reverse"] = json_interval(rsum, true);
    }
    if (options_.json && !options_.json_stream) {
        intervals_.push_back(entry);
    }
    emit_event("interval", entry);
    // Text.
    const bool any_tcp_sender = !udp && std::any_of(all.begin(), all.end(),
                                                    [](const figures& f) { return f.sender; });
    if (!header_printed_ || bidir || t.streams.size() > 1) {
        if (!header_printed_ || interval_count_ == 1) {
            const bool udp_sender_only = udp && std::all_of(all.begin(), all.end(),
                                                            [](const figures& f) { return f.sender; });
            text(text_header(udp, bidir, any_tcp_sender && !bidir, false, udp_sender_only));
            header_printed_ = true;
        }
    }
    for (const auto& f : all) {
        text(text_line(f, line_kind::interval, options_.format, any_tcp_sender && !bidir));
    }
    if (all.size() > 1) {
        if (!forward.empty() && forward.size() > 1) {
            text(text_line(fsum, line_kind::interval, options_.format, any_tcp_sender && !bidir));
        }
        if (bidir && reverse.size() > 1) {
            text(text_line(sum_of(reverse, !local_sends_fwd), line_kind::interval,
                           options_.format, false));
        }
        text(text_separator());
    }
}

void reporter::summary(test_state& t, const peer_results& local, const peer_results* remote) {
    const bool udp = t.params.protocol == transport::udp;
    const bool bidir = t.params.bidirectional;
    const double local_end = t.since_start(t.end);
    json streams = json::array();
    std::vector<figures> fwd_sent, fwd_recv, rev_sent, rev_recv;
    std::vector<std::string> lines;
    bool any_tcp_sender_line = false;
    for (std::size_t i = 0; i < t.streams.size(); ++i) {
        const stream_state& s = *t.streams[i];
        const stream_result& mine = local.streams[i];
        const stream_result* theirs = nullptr;
        if (remote != nullptr) {
            for (const auto& rs : remote->streams) {
                if (rs.id == s.id) {
                    theirs = &rs;
                }
            }
        }
        const double remote_end = theirs != nullptr && theirs->end_time_s > 0
                                      ? theirs->end_time_s
                                      : local_end;
        figures snd;
        figures rcv;
        for (figures* f : {&snd, &rcv}) {
            f->socket = s.label;
            f->role = s.role;
            f->sender = s.sender;
            f->udp = s.udp;
        }
        const stream_result* sender_side = s.sender ? &mine : theirs;
        const stream_result* receiver_side = s.sender ? theirs : &mine;
        snd.end_s = s.sender ? local_end : remote_end;
        rcv.end_s = s.sender ? remote_end : local_end;
        snd.seconds = snd.end_s;
        rcv.seconds = rcv.end_s;
        snd.bytes = sender_side != nullptr ? sender_side->bytes : 0;
        rcv.bytes = receiver_side != nullptr ? receiver_side->bytes : 0;
        if (!s.udp) {
            snd.retransmits = sender_side != nullptr ? sender_side->retransmits : -1;
            if (snd.retransmits && *snd.retransmits < 0) {
                snd.retransmits.reset();
            }
        }
        const std::uint64_t sent_pkts = sender_side != nullptr ? sender_side->packets : 0;
        if (sender_side != nullptr && sender_side->netrig_packets && snd.seconds > 0) {
            snd.packets_per_second = static_cast<double>(*sender_side->netrig_packets) / snd.seconds;
        }
        if (receiver_side != nullptr && receiver_side->netrig_packets && rcv.seconds > 0) {
            rcv.packets_per_second =
                static_cast<double>(*receiver_side->netrig_packets) / rcv.seconds;
        }
        std::optional<std::uint64_t> lost_with_tail;
        if (s.udp) {
            // Lost percent uses the sender's datagram count (iperf_print_results).
            snd.packets = sent_pkts;
            rcv.packets = sent_pkts;
            rcv.jitter_ms = receiver_side != nullptr ? receiver_side->jitter_s * 1000.0 : 0;
            rcv.lost = receiver_side != nullptr ? receiver_side->errors : 0;
            if (receiver_side != nullptr) {
                // iperf3 (print_results) adds datagrams never seen after the last one received
                // only through the sender's count; netrig peers report what truly arrived.
                if (receiver_side->received_packets) {
                    lost_with_tail = sent_pkts > *receiver_side->received_packets
                                         ? sent_pkts - *receiver_side->received_packets
                                         : 0;
                }
            }
            figures uf = snd;
            uf.start_s = 0;
            uf.packets = sent_pkts;
            uf.lost = rcv.lost;
            uf.jitter_ms = rcv.jitter_ms;
            json u = json_end_udp(uf, true);
            if (lost_with_tail) {
                u["netrig_lost_packets_with_tail"] = *lost_with_tail;
            }
            streams.push_back({{"udp", u}});
        } else {
            std::optional<tcp_sender_end> extra;
            if (s.sender && s.rtt_samples > 0) {
                extra = tcp_sender_end{.max_snd_cwnd = s.max_cwnd, .max_snd_wnd = s.max_snd_wnd,
                                       .max_rtt_us = s.max_rtt_us, .min_rtt_us = s.min_rtt_us,
                                       .mean_rtt_us = s.rtt_sum_us / s.rtt_samples};
            } else if (!s.sender && theirs != nullptr) {
                extra = tcp_sender_end{};
            }
            streams.push_back({{"sender", json_end_tcp_sender(snd, extra)},
                               {"receiver", json_end_tcp_receiver(rcv)}});
            any_tcp_sender_line = any_tcp_sender_line || !t.is_server || s.sender;
        }
        const bool client_sends = t.is_server ? !s.sender : s.sender;
        const bool fwd = client_sends || !bidir;
        (fwd ? fwd_sent : rev_sent).push_back(snd);
        (fwd ? fwd_recv : rev_recv).push_back(rcv);
        // Text: the client prints both sides; the server prints its own side.
        if (!t.is_server || s.sender) {
            figures sl = snd;
            if (s.udp) {
                sl.jitter_ms = 0;
                sl.lost = 0;
            }
            lines.push_back(text_line(sl, line_kind::summary_sender, options_.format,
                                      !s.udp));
        }
        if (!t.is_server || !s.sender) {
            lines.push_back(text_line(rcv, line_kind::summary_receiver, options_.format, !s.udp));
            if (!t.is_server && snd.packets_per_second && rcv.packets_per_second) {
                lines.push_back(fmt::format(
                    "[{:3d}] netrig: {:.0f} packets/s sent, {:.0f} packets/s received{}\n", s.label,
                    *snd.packets_per_second, *rcv.packets_per_second,
                    s.udp ? "" : " (TCP segments estimated from the MSS)"));
            }
            if (lost_with_tail && !t.is_server) {
                lines.push_back(fmt::format("[{:3d}] netrig: {} of {} datagrams lost, tail included\n",
                                            s.label, *lost_with_tail, sent_pkts));
            }
        }
    }
    end_["streams"] = streams;
    const bool local_fwd_sender = !fwd_sent.empty() && fwd_sent.front().sender;
    figures ss = sum_of(fwd_sent, local_fwd_sender);
    figures sr = sum_of(fwd_recv, local_fwd_sender);
    if (udp) {
        figures legacy = sr;
        legacy.packets = ss.packets;
        end_["sum"] = json_end_udp(legacy, false);
        ss.lost = 0;
        ss.jitter_ms = 0;
        end_["sum_sent"] = json_end_udp(ss, false);
        end_["sum_received"] = json_end_udp(sr, false);
    } else {
        end_["sum_sent"] = json_end_tcp_sender(ss, std::nullopt);
        end_["sum_received"] = json_end_tcp_receiver(sr);
    }
    if (bidir) {
        figures rs = sum_of(rev_sent, !local_fwd_sender);
        figures rr = sum_of(rev_recv, !local_fwd_sender);
        if (udp) {
            end_["sum_bidir_reverse"] = json_end_udp(rr, false);
            end_["sum_sent_bidir_reverse"] = json_end_udp(rs, false);
            end_["sum_received_bidir_reverse"] = json_end_udp(rr, false);
        } else {
            end_["sum_sent_bidir_reverse"] = json_end_tcp_sender(rs, std::nullopt);
            end_["sum_received_bidir_reverse"] = json_end_tcp_receiver(rr);
        }
    }
    end_["cpu_utilization_percent"] = {
        {"host_total", local.cpu_util_total},
        {"host_user", local.cpu_util_user},
        {"host_system", local.cpu_util_system},
        {"remote_total", remote != nullptr ? remote->cpu_util_total : 0.0},
        {"remote_user", remote != nullptr ? remote->cpu_util_user : 0.0},
        {"remote_system", remote != nullptr ? remote->cpu_util_system : 0.0}};
    if (!udp) {
        const std::string mine = local.congestion_used.value_or("");
        const std::string theirs =
            remote != nullptr ? remote->congestion_used.value_or("") : std::string{};
        const bool local_sends = local_fwd_sender;
        if (!mine.empty() || !theirs.empty()) {
            end_["sender_tcp_congestion"] = local_sends ? mine : theirs;
            end_["receiver_tcp_congestion"] = local_sends ? theirs : mine;
        }
    }
    // Text summary.
    // Multi-stream interval blocks end with their own separator already.
    if (interval_count_ == 0 || t.streams.size() == 1) {
        text(text_separator());
    }
    text(text_header(udp, bidir, any_tcp_sender_line, true, false));
    for (const auto& l : lines) {
        text(l);
    }
    if (t.streams.size() > 1) {
        const auto sum_lines = [&](const std::vector<figures>& s_parts,
                                   const std::vector<figures>& r_parts, bool sender_first) {
            (void)sender_first;
            if (s_parts.size() > 1 || (!t.is_server && !s_parts.empty())) {
                figures a = sum_of(s_parts, s_parts.front().sender);
                figures b = sum_of(r_parts, r_parts.front().sender);
                a.role = s_parts.front().role;
                b.role = r_parts.front().role;
                if (udp) {
                    b.packets = a.packets;
                    a.lost = 0;
                    a.jitter_ms = 0;
                }
                if (!t.is_server || a.sender) {
                    text(text_line(a, line_kind::summary_sender, options_.format, !udp));
                }
                if (!t.is_server || !a.sender) {
                    text(text_line(b, line_kind::summary_receiver, options_.format, !udp));
                }
            }
        };
        if (fwd_sent.size() > 1) {
            sum_lines(fwd_sent, fwd_recv, true);
        }
        if (rev_sent.size() > 1) {
            sum_lines(rev_sent, rev_recv, true);
        }
    }
}

void reporter::finish(const std::optional<std::string>& error) {
    if (error) {
        extra_["error"] = *error;
        if (!is_json()) {
            sink_(fmt::format("iperf3: error - {}\n", *error));
        } else {
            emit_event("error", *error);
        }
    }
    if (options_.json_stream) {
        emit_event("end", end_);
        return;
    }
    if (options_.json) {
        sink_(document().dump(1, '\t', false, json::error_handler_t::replace) + "\n");
    }
}

}  // namespace netrig::tools::iperf3::detail
