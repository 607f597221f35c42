// SPDX-License-Identifier: MIT
#include "tools/ping/output.hpp"

#include <fmt/core.h>

#include <array>
#include <cstdio>

namespace netrig::tools::ping {
namespace {

// "%ld.%03ld" of a microsecond value, as iputils prints min/avg/max/mdev.
std::string ms3(std::int64_t us) { return fmt::format("{}.{:03}", us / 1000, us % 1000); }

}  // namespace

std::string header_line(std::string_view host, std::string_view address,
                        std::size_t payload_bytes) {
    // RFC 792 echo: 8 bytes of ICMP header; RFC 791: 20 bytes of IPv4 header without options.
    return fmt::format("PING {} ({}) {}({}) bytes of data.\n", host, address, payload_bytes,
                       payload_bytes + 8 + 20);
}

std::string time_text(std::int64_t t) {
    // iputils 20221126 gather_statistics(): the rounding thresholds move by half a unit so a
    // value never prints as the next range's "10.00" or "100.0".
    if (t >= 100000 - 50) {
        return fmt::format("{} ms", (t + 500) / 1000);
    }
    if (t >= 10000 - 5) {
        return fmt::format("{}.{:01} ms", (t + 50) / 1000, ((t + 50) % 1000) / 100);
    }
    if (t >= 1000) {
        return fmt::format("{}.{:02} ms", (t + 5) / 1000, ((t + 5) % 1000) / 10);
    }
    return fmt::format("{}.{:03} ms", t / 1000, t % 1000);
}

std::string reply_line(const reply_line_info& info) {
    std::string line =
        fmt::format("{} bytes from {}: icmp_seq={}", info.icmp_bytes, info.from, info.seq);
    if (info.ttl) {
        line += fmt::format(" ttl={}", *info.ttl);
    }
    if (info.truncated) {
        return line + " (truncated)\n";
    }
    if (info.rtt_us) {
        line += " time=" + time_text(*info.rtt_us);
    }
    if (info.duplicate) {
        line += " (DUP!)";
    }
    return line + "\n";
}

std::string summary_block(const statistics& stats, const summary_info& info) {
    std::string out = fmt::format("\n--- {} ping statistics ---\n", info.host);
    out += fmt::format("{} packets transmitted, {} received", stats.transmitted(),
                       stats.received());
    if (stats.duplicates() != 0) {
        out += fmt::format(", +{} duplicates", stats.duplicates());
    }
    if (stats.errors() != 0) {
        out += fmt::format(", +{} errors", stats.errors());
    }
    if (stats.transmitted() != 0) {
        // printf's %g (6 significant digits, no trailing zeros), exactly as iputils.
        std::array<char, 32> loss{};
        std::snprintf(loss.data(), loss.size(), "%g", static_cast<double>(stats.loss_percent()));
        out += fmt::format(", {}% packet loss, time {}ms", loss.data(), info.elapsed_ms);
    }
    out += "\n";
    const char* comma = "";
    if (auto rtt = stats.rtt()) {
        out += fmt::format("rtt min/avg/max/mdev = {}/{}/{}/{} ms", ms3(rtt->min_us),
                           ms3(rtt->avg_us), ms3(rtt->max_us), ms3(rtt->mdev_us));
        comma = ", ";
    }
    if (stats.pipe_size() > 1) {
        out += fmt::format("{}pipe {}", comma, stats.pipe_size());
        comma = ", ";
    }
    if (stats.received() != 0 && info.show_ipg && stats.transmitted() > 1) {
        const std::int64_t ipg = info.elapsed_us / (stats.transmitted() - 1);
        const std::int64_t ewma = stats.ewma_x8_us();
        out += fmt::format("{}ipg/ewma {}.{:03}/{}.{:03} ms", comma, ipg / 1000, ipg % 1000,
                           ewma / 8000, (ewma / 8) % 1000);
    }
    return out + "\n";
}

}  // namespace netrig::tools::ping
