// SPDX-License-Identifier: MIT
// tools/iperf3: rendering of measurements as iperf3 prints them: text lines (iperf_locale.c
// formats) and JSON objects with iperf3 3.12's keys (iperf_print_intervals/iperf_print_results).
// Pure functions over plain structs; the sessions compute the figures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace netrig::tools::iperf3 {

/// One stream's (or a sum's) figures over a time span.
struct figures {
    int socket = 0;            ///< label shown as [  5]; -1 for [SUM]
    std::string_view role;     ///< "TX-C", "RX-C", "TX-S", "RX-S" in bidir, else empty
    bool sender = false;       ///< this side sends on the stream
    double start_s = 0;        ///< span start relative to the test start
    double end_s = 0;          ///< span end relative to the test start
    double seconds = 0;        ///< span length used for the rate
    std::uint64_t bytes = 0;
    bool omitted = false;
    bool udp = false;
    // TCP sender extras (TCP_INFO), when known.
    std::optional<std::int64_t> retransmits;
    std::optional<std::uint64_t> snd_cwnd;
    std::optional<std::uint64_t> snd_wnd;
    std::optional<std::uint64_t> rtt_us;
    std::optional<std::uint64_t> rttvar_us;
    std::optional<std::uint64_t> pmtu;
    // UDP
    std::uint64_t packets = 0;       ///< sender: sent; receiver: expected (highest seq delta)
    std::int64_t lost = 0;           ///< receiver: lost (gaps)
    double jitter_ms = 0;            ///< receiver: RFC 1889 jitter
    std::uint64_t out_of_order = 0;  ///< receiver
    /// netrig extension: packets per second (UDP datagrams, TCP segments estimated by MSS).
    std::optional<double> packets_per_second;

    /// bytes * 8 / seconds, 0 for an empty span.
    [[nodiscard]] double bits_per_second() const {
        return seconds > 0 ? static_cast<double>(bytes) * 8.0 / seconds : 0.0;
    }
    /// 100 * lost / packets, 0 when no packets.
    [[nodiscard]] double lost_percent() const {
        return packets > 0 ? 100.0 * static_cast<double>(lost) / static_cast<double>(packets)
                           : 0.0;
    }
};

/// What kind of line to print.
enum class line_kind : std::uint8_t {
    interval,        ///< periodic line; TCP sender shows Retr and Cwnd
    summary_sender,  ///< end line tagged "sender"
    summary_receiver ///< end line tagged "receiver"
};

/// The column header for a table of lines.
[[nodiscard]] std::string text_header(bool udp, bool bidir, bool tcp_sender_interval,
                                      bool summary, bool udp_sender_only);

/// One text line (with trailing newline) like iperf3's report formats.
[[nodiscard]] std::string text_line(const figures& f, line_kind kind, char format,
                                    bool show_retr_column);

/// The "- - - -" separator between interval blocks.
[[nodiscard]] std::string_view text_separator();

/// An intervals[].streams[] (or .sum) object with iperf3 3.12's keys.
[[nodiscard]] nlohmann::ordered_json json_interval(const figures& f, bool is_sum);

/// An end.streams[].sender/.receiver object (TCP) or end.streams[].udp (UDP).
/// max/min/mean rtt go in through tcp extras on the sender: rtt_us = mean.
struct tcp_sender_end {
    std::uint64_t max_snd_cwnd = 0;
    std::uint64_t max_snd_wnd = 0;
    std::uint64_t max_rtt_us = 0;
    std::uint64_t min_rtt_us = 0;
    std::uint64_t mean_rtt_us = 0;
};
/// end.streams[i].sender for TCP.
[[nodiscard]] nlohmann::ordered_json json_end_tcp_sender(const figures& f,
                                                 const std::optional<tcp_sender_end>& extra);
/// end.streams[i].receiver for TCP (and sum_received).
[[nodiscard]] nlohmann::ordered_json json_end_tcp_receiver(const figures& f);
/// end.streams[i].udp, end.sum (UDP); with_ooo adds "out_of_order".
[[nodiscard]] nlohmann::ordered_json json_end_udp(const figures& f, bool with_ooo);

}  // namespace netrig::tools::iperf3
