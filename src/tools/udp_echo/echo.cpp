// SPDX-License-Identifier: MIT
#include "tools/udp_echo/echo.hpp"

#include <fmt/core.h>

#include <vector>

#include "net/errc.hpp"
#include "runtime/cancel.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/timeout.hpp"

namespace netrig::tools::udp_echo {
namespace {

bool is_cancel(const std::error_code& ec) {
    return ec == runtime::canceled_error() || ec == net::errc::canceled;
}

}  // namespace

runtime::task<result<void, std::error_code>> run_udp_echo(net::stack& stack,
                                                          echo_options options,
                                                          echo_counters& counters) {
    auto bound = stack.bind_udp(options.local);
    if (!bound) {
        co_return unexpected(bound.error());
    }
    net::udp_socket sock = std::move(*bound);
    if (options.on_ready) {
        options.on_ready(sock.local().value_or(options.local));
    }
    // One buffer for the whole run (DESIGN.md: no per-packet allocation in steady state).
    std::vector<std::uint8_t> buffer(max_datagram_bytes);
    const instant start = runtime::now();
    while (true) {
        result<net::datagram_info, std::error_code> got;
        if (options.time_limit) {
            const duration left = start + *options.time_limit - runtime::now();
            if (left <= duration::zero()) {
                co_return result<void, std::error_code>{};
            }
            auto recv = sock.recv_from(buffer);
            got = co_await runtime::with_timeout(left, std::move(recv));
            if (!got && got.error() == std::errc::timed_out) {
                co_return result<void, std::error_code>{};
            }
        } else {
            got = co_await sock.recv_from(buffer);
        }
        if (!got) {
            if (is_cancel(got.error())) {
                co_return result<void, std::error_code>{};
            }
            co_return unexpected(got.error());
        }
        if (got->truncated) {
            ++counters.truncated;
        }
        // RFC 862: "When a datagram is received, the data from it is sent back in an answering
        // datagram."
        auto sent = co_await sock.send_to(bytes{buffer.data(), got->size}, got->source);
        if (!sent) {
            if (is_cancel(sent.error())) {
                co_return result<void, std::error_code>{};
            }
            ++counters.send_errors;
            continue;
        }
        ++counters.datagrams;
        counters.bytes += got->size;
    }
}

std::string summary_line(const echo_counters& c) {
    std::string line = fmt::format("udp-echo: {} datagrams, {} bytes echoed", c.datagrams,
                                   c.bytes);
    if (c.send_errors != 0) {
        line += fmt::format(", {} send errors", c.send_errors);
    }
    if (c.truncated != 0) {
        line += fmt::format(", {} truncated", c.truncated);
    }
    return line + "\n";
}

}  // namespace netrig::tools::udp_echo
