// SPDX-License-Identifier: MIT
#include "tools/ping/session.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <vector>

#include "net/errc.hpp"
#include "net/ping_socket.hpp"
#include "runtime/cancel.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/timeout.hpp"
#include "tools/ping/output.hpp"

namespace netrig::tools::ping {
namespace {

bool is_cancel(const std::error_code& ec) {
    return ec == runtime::canceled_error() || ec == net::errc::canceled;
}

std::int64_t to_us(duration d) {
    return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

// iputils schedule_exit(): after the last request, wait 2 * tmax (at least one interval) if
// anything answered, else the linger time.
duration exit_wait(const ping_options& o, const ping_run& run) {
    if (run.stats.received() != 0) {
        const duration twice_max = std::chrono::microseconds{2 * run.stats.max_us()};
        return std::max(twice_max, o.interval);
    }
    return o.linger.value_or(default_linger);
}

void on_reply(const ping_options& o, ping_run& run, const net::echo_reply& reply,
              bytes payload, const output_sink& out) {
    run.last_event = reply.arrival;
    std::optional<std::int64_t> rtt_us;
    if (o.size >= timestamp_bytes) {
        if (auto sent = payload_timestamp(payload)) {
            rtt_us = std::max<std::int64_t>(0, to_us(reply.arrival - *sent));
        }
    }
    // iputils: a reply shorter than the request is "(truncated)" and does not count its time.
    const bool truncated = reply.truncated || reply.size < o.size;
    const reply_kind kind = run.stats.on_reply(reply.seq, truncated ? std::nullopt : rtt_us);
    if (o.quiet) {
        return;
    }
    const std::string from = reply.from.to_string();
    out(reply_line({.icmp_bytes = reply.size + 8,
                    .from = from,
                    .seq = reply.seq,
                    .ttl = reply.ttl != 0 ? std::optional<int>(reply.ttl) : std::nullopt,
                    .rtt_us = rtt_us,
                    .duplicate = kind == reply_kind::duplicate,
                    .truncated = truncated}));
}

}  // namespace

void fill_payload(mut_bytes payload, instant sent) {
    for (std::size_t i = 0; i < payload.size(); ++i) {
        payload[i] = static_cast<std::uint8_t>(i & 0xffU);
    }
    if (payload.size() < timestamp_bytes) {
        return;
    }
    const auto ns = static_cast<std::uint64_t>(sent.since_zero().count());
    store_be32(payload, 0, static_cast<std::uint32_t>(ns >> 32U));
    store_be32(payload, 4, static_cast<std::uint32_t>(ns & 0xffffffffU));
    std::fill(payload.begin() + 8, payload.begin() + timestamp_bytes, std::uint8_t{0});
}

std::optional<instant> payload_timestamp(bytes payload) {
    if (payload.size() < timestamp_bytes) {
        return std::nullopt;
    }
    const std::uint64_t ns =
        (std::uint64_t{load_be32(payload, 0)} << 32U) | load_be32(payload, 4);
    return instant{duration{static_cast<duration::rep>(ns & 0x7fffffffffffffffULL)}};
}

runtime::task<result<void, std::error_code>> run_ping(net::stack& stack,
                                                      const ping_options& o, ping_run& run,
                                                      output_sink out) {
    auto opened = stack.open_ping();
    if (!opened) {
        co_return unexpected(opened.error());
    }
    net::ping_socket sock = std::move(*opened);
    out(header_line(o.host, o.target.to_string(), o.size));
    // Two buffers for the whole run (DESIGN.md: no per-packet allocation in steady state).
    std::vector<std::uint8_t> request(o.size);
    std::vector<std::uint8_t> reply(max_payload_bytes);

    run.start = runtime::now();
    run.last_event = run.start;
    const instant deadline_at = o.deadline ? run.start + *o.deadline : instant::max();
    std::optional<instant> exit_at;
    instant next_send = run.start;
    std::uint16_t seq = 0;
    while (true) {
        // iputils main_loop(): "npackets && nreceived + nerrors >= npackets".
        if (o.count != 0 && run.stats.received() + run.stats.errors() >= o.count) {
            break;
        }
        const instant now = runtime::now();
        if (now >= deadline_at || (exit_at && now >= *exit_at)) {
            break;
        }
        // iputils pinger(): with a deadline, requests go on until count replies came.
        const bool more = o.count == 0 || o.deadline ||
                          run.stats.transmitted() < static_cast<std::int64_t>(o.count);
        if (more && now >= next_send) {
            ++seq;
            fill_payload(request, now);
            run.stats.on_sent(seq);
            run.last_event = now;
            auto sent = co_await sock.send(o.target, seq, request);
            if (!sent) {
                if (is_cancel(sent.error())) {
                    run.interrupted = true;
                    break;
                }
                run.stats.on_error();
                out(fmt::format("ping: sendmsg: {}\n", sent.error().message()));
            }
            next_send += o.interval;
            if (o.count != 0 && !o.deadline &&
                run.stats.transmitted() >= static_cast<std::int64_t>(o.count)) {
                exit_at = runtime::now() + exit_wait(o, run);
            }
            continue;
        }
        instant wake = std::min(deadline_at, exit_at.value_or(instant::max()));
        if (more) {
            wake = std::min(wake, next_send);
        }
        auto receive = sock.recv(reply);
        auto got = co_await runtime::with_timeout(wake - now, std::move(receive));
        if (got) {
            const std::size_t stored = std::min(got->size, reply.size());
            on_reply(o, run, *got, bytes{reply.data(), stored}, out);
            continue;
        }
        if (got.error() == std::errc::timed_out) {
            continue;
        }
        if (is_cancel(got.error())) {
            run.interrupted = true;
            break;
        }
        co_return unexpected(got.error());
    }
    co_return result<void, std::error_code>{};
}

std::string summary_text(const ping_options& o, const ping_run& run) {
    const std::int64_t us = to_us(run.last_event - run.start);
    return summary_block(run.stats, {.host = o.host,
                                     .elapsed_ms = (us + 500) / 1000,
                                     .elapsed_us = us,
                                     .show_ipg = o.interval == duration::zero()});
}

int exit_status(const ping_options& o, const ping_run& run) {
    const bool short_of_count =
        o.deadline && o.count != 0 && run.stats.received() < static_cast<std::int64_t>(o.count);
    return run.stats.received() == 0 || short_of_count ? 1 : 0;
}

}  // namespace netrig::tools::ping
