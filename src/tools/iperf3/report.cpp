// SPDX-License-Identifier: MIT
// tools/iperf3: text and JSON rendering of figures.
#include "tools/iperf3/report.hpp"

#include <fmt/format.h>

#include "tools/iperf3/units.hpp"

namespace netrig::tools::iperf3 {

using json = nlohmann::ordered_json;

namespace {

std::string id_column(const figures& f) {
    std::string id = f.socket < 0 ? std::string{"[SUM]"} : fmt::format("[{:3d}]", f.socket);
    if (!f.role.empty()) {
        id += fmt::format("[{}]", f.role);
    }
    return id;
}

std::string_view tag(line_kind kind) {
    switch (kind) {
        case line_kind::interval: return "";
        case line_kind::summary_sender: return "sender";
        case line_kind::summary_receiver: return "receiver";
    }
    return "";
}

}  // namespace

std::string text_header(bool udp, bool bidir, bool tcp_sender_interval, bool summary,
                        bool udp_sender_only) {
    const std::string_view id = bidir ? "[ ID][Role]" : "[ ID]";
    if (udp) {
        if (udp_sender_only && !summary) {
            return fmt::format("{} Interval           Transfer     Bitrate         Total Datagrams\n",
                               id);
        }
        return fmt::format(
            "{} Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams\n", id);
    }
    if (summary && tcp_sender_interval) {
        return fmt::format("{} Interval           Transfer     Bitrate         Retr\n", id);
    }
    if (tcp_sender_interval) {
        return fmt::format("{} Interval           Transfer     Bitrate         Retr  Cwnd\n", id);
    }
    return fmt::format("{} Interval           Transfer     Bitrate\n", id);
}

std::string text_line(const figures& f, line_kind kind, char format, bool show_retr_column) {
    const std::string head =
        fmt::format("{} {:6.2f}-{:<6.2f} sec  {}  {}/sec", id_column(f), f.start_s, f.end_s,
                    format_bytes(static_cast<double>(f.bytes), format),
                    format_rate(f.bits_per_second(), format));
    std::string omit = f.omitted ? "  (omitted)" : "";
    if (f.udp) {
        if (kind == line_kind::interval && f.sender) {
            // report_bw_udp_sender_format: datagram count only.
            return fmt::format("{}  {:<18}{}{}\n", head, f.packets, omit, "");
        }
        // report_bw_udp_format: jitter, lost/total, (percent as %.2g).
        return fmt::format("{}  {:5.3f} ms  {}/{} ({:.2g}%)  {}{}\n", head, f.jitter_ms, f.lost,
                           f.packets, f.lost_percent(), tag(kind), omit);
    }
    // Retr: the local sender's intervals, and every "sender" summary line (in -R the count
    // comes from the peer's results).
    const bool retr_here = kind == line_kind::summary_sender ||
                           (kind == line_kind::interval && f.sender);
    if (show_retr_column && retr_here && f.retransmits) {
        const std::int64_t retr = f.retransmits.value_or(0);
        if (kind == line_kind::interval && f.socket >= 0) {
            // report_bw_retrans_cwnd_format.
            return fmt::format("{}  {:3d}   {}       {}\n", head, retr,
                               format_bytes(static_cast<double>(f.snd_cwnd.value_or(0)), 'A'),
                               omit);
        }
        return fmt::format("{}  {:3d}             {}{}\n", head, retr, tag(kind), omit);
    }
    return fmt::format("{}                  {}{}\n", head, tag(kind), omit);
}

std::string_view text_separator() {
    return "- - - - - - - - - - - - - - - - - - - - - - - - -\n";
}

json json_interval(const figures& f, bool is_sum) {
    json j = json::object();
    if (!is_sum) {
        j["socket"] = f.socket;
    }
    j["start"] = f.start_s;
    j["end"] = f.end_s;
    j["seconds"] = f.seconds;
    j["bytes"] = f.bytes;
    j["bits_per_second"] = f.bits_per_second();
    if (f.udp) {
        if (f.sender) {
            j["packets"] = f.packets;
        } else {
            j["jitter_ms"] = f.jitter_ms;
            j["lost_packets"] = f.lost;
            j["packets"] = f.packets;
            j["lost_percent"] = f.lost_percent();
        }
    } else if (f.sender && f.retransmits) {
        j["retransmits"] = *f.retransmits;
        if (!is_sum) {
            j["snd_cwnd"] = f.snd_cwnd.value_or(0);
            j["snd_wnd"] = f.snd_wnd.value_or(0);
            j["rtt"] = f.rtt_us.value_or(0);
            j["rttvar"] = f.rttvar_us.value_or(0);
            j["pmtu"] = f.pmtu.value_or(0);
        }
    }
    j["omitted"] = f.omitted;
    j["sender"] = f.sender;
    if (f.packets_per_second) {
        j["netrig_packets_per_second"] = *f.packets_per_second;
    }
    return j;
}

json json_end_tcp_sender(const figures& f, const std::optional<tcp_sender_end>& extra) {
    json j = {{"socket", f.socket}, {"start", f.start_s}, {"end", f.end_s},
              {"seconds", f.seconds}, {"bytes", f.bytes},
              {"bits_per_second", f.bits_per_second()}};
    if (f.socket < 0) {
        j.erase("socket");
    }
    if (f.retransmits) {
        j["retransmits"] = *f.retransmits;
    }
    if (extra) {
        j["max_snd_cwnd"] = extra->max_snd_cwnd;
        j["max_snd_wnd"] = extra->max_snd_wnd;
        j["max_rtt"] = extra->max_rtt_us;
        j["min_rtt"] = extra->min_rtt_us;
        j["mean_rtt"] = extra->mean_rtt_us;
    }
    j["sender"] = f.sender;
    if (f.packets_per_second) {
        j["netrig_packets_per_second"] = *f.packets_per_second;
    }
    return j;
}

json json_end_tcp_receiver(const figures& f) {
    json j = {{"socket", f.socket}, {"start", f.start_s}, {"end", f.end_s},
              {"seconds", f.seconds}, {"bytes", f.bytes},
              {"bits_per_second", f.bits_per_second()}, {"sender", f.sender}};
    if (f.socket < 0) {
        j.erase("socket");
    }
    if (f.packets_per_second) {
        j["netrig_packets_per_second"] = *f.packets_per_second;
    }
    return j;
}

json json_end_udp(const figures& f, bool with_ooo) {
    json j = {{"socket", f.socket},
              {"start", f.start_s},
              {"end", f.end_s},
              {"seconds", f.seconds},
              {"bytes", f.bytes},
              {"bits_per_second", f.bits_per_second()},
              {"jitter_ms", f.jitter_ms},
              {"lost_packets", f.lost},
              {"packets", f.packets},
              {"lost_percent", f.lost_percent()}};
    if (f.socket < 0) {
        j.erase("socket");
    }
    if (with_ooo) {
        j["out_of_order"] = f.out_of_order;
    }
    j["sender"] = f.sender;
    if (f.packets_per_second) {
        j["netrig_packets_per_second"] = *f.packets_per_second;
    }
    return j;
}

}  // namespace netrig::tools::iperf3
