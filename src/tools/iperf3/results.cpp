// SPDX-License-Identifier: MIT
// tools/iperf3: results JSON encode and validated decode.
#include "tools/iperf3/results.hpp"

#include <cstdint>

#include "tools/iperf3/params.hpp"

namespace netrig::tools::iperf3 {

using nlohmann::json;

namespace {
constexpr std::size_t max_result_streams = 256;

bool get_double(const json& j, const char* key, double& out) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number()) {
        return false;
    }
    out = it->get<double>();
    return true;
}

bool get_int(const json& j, const char* key, std::int64_t& out) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number()) {
        return false;
    }
    if (it->is_number_float()) {
        out = static_cast<std::int64_t>(it->get<double>());
    } else if (it->is_number_unsigned()) {
        const auto u = it->get<std::uint64_t>();
        out = u > static_cast<std::uint64_t>(INT64_MAX) ? INT64_MAX
                                                          : static_cast<std::int64_t>(u);
    } else {
        out = it->get<std::int64_t>();
    }
    return true;
}

std::uint64_t non_negative(std::int64_t v) { return v < 0 ? 0 : static_cast<std::uint64_t>(v); }

}  // namespace

json peer_results::to_json() const {
    json j = json::object();
    j["cpu_util_total"] = cpu_util_total;
    j["cpu_util_user"] = cpu_util_user;
    j["cpu_util_system"] = cpu_util_system;
    j["sender_has_retransmits"] = sender_has_retransmits;
    if (congestion_used) {
        j["congestion_used"] = *congestion_used;
    }
    json streams_json = json::array();
    for (const auto& s : streams) {
        json sj = {{"id", s.id},          {"bytes", s.bytes},   {"retransmits", s.retransmits},
                   {"jitter", s.jitter_s}, {"errors", s.errors}, {"packets", s.packets},
                   {"start_time", s.start_time_s}, {"end_time", s.end_time_s}};
        if (s.received_packets) {
            sj["netrig_received_packets"] = *s.received_packets;
        }
        if (s.netrig_packets) {
            sj["netrig_packets"] = *s.netrig_packets;
        }
        streams_json.push_back(std::move(sj));
    }
    j["streams"] = std::move(streams_json);
    if (server_output_json) {
        j["server_output_json"] = *server_output_json;
    }
    if (server_output_text) {
        j["server_output_text"] = *server_output_text;
    }
    if (netrig) {
        j[netrig_extension_key] = 1;
    }
    return j;
}

result<peer_results, codec_error> peer_results::from_json(const json& j) {
    peer_results r;
    std::int64_t has_retrans = 0;
    if (!j.is_object() || !get_double(j, "cpu_util_total", r.cpu_util_total) ||
        !get_double(j, "cpu_util_user", r.cpu_util_user) ||
        !get_double(j, "cpu_util_system", r.cpu_util_system) ||
        !get_int(j, "sender_has_retransmits", has_retrans)) {
        return unexpected(codec_error::bad_results);
    }
    r.sender_has_retransmits = has_retrans > 0 ? 1 : (has_retrans == 0 ? 0 : -1);
    const auto streams = j.find("streams");
    if (streams == j.end() || !streams->is_array() || streams->size() > max_result_streams) {
        return unexpected(codec_error::bad_results);
    }
    for (const auto& sj : *streams) {
        stream_result s;
        std::int64_t id = 0;
        std::int64_t bytes = 0;
        std::int64_t packets = 0;
        if (!sj.is_object() || !get_int(sj, "id", id) || !get_int(sj, "bytes", bytes) ||
            !get_int(sj, "retransmits", s.retransmits) || !get_double(sj, "jitter", s.jitter_s) ||
            !get_int(sj, "errors", s.errors) || !get_int(sj, "packets", packets)) {
            return unexpected(codec_error::bad_results);
        }
        if (id < 0 || id > INT32_MAX) {
            return unexpected(codec_error::bad_results);
        }
        s.id = static_cast<int>(id);
        s.bytes = non_negative(bytes);
        s.packets = non_negative(packets);
        (void)get_double(sj, "start_time", s.start_time_s);
        (void)get_double(sj, "end_time", s.end_time_s);
        std::int64_t v = 0;
        if (get_int(sj, "netrig_received_packets", v)) {
            s.received_packets = non_negative(v);
        }
        if (get_int(sj, "netrig_packets", v)) {
            s.netrig_packets = non_negative(v);
        }
        r.streams.push_back(s);
    }
    if (const auto it = j.find("congestion_used"); it != j.end() && it->is_string()) {
        r.congestion_used = it->get<std::string>();
    }
    if (const auto it = j.find("server_output_json"); it != j.end() && it->is_object()) {
        r.server_output_json = *it;
    }
    if (const auto it = j.find("server_output_text"); it != j.end() && it->is_string()) {
        r.server_output_text = it->get<std::string>();
    }
    r.netrig = j.contains(netrig_extension_key);
    return r;
}

}  // namespace netrig::tools::iperf3
