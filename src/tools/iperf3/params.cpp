// SPDX-License-Identifier: MIT
// tools/iperf3: params JSON encode and validated decode.
#include "tools/iperf3/params.hpp"

#include <cstdint>

#include "tools/iperf3/protocol.hpp"

namespace netrig::tools::iperf3 {

using nlohmann::json;

json test_params::to_json() const {
    // send_parameters (iperf_api.c): key order and presence as a 3.12 client emits them.
    json j = json::object();
    j[protocol == transport::udp ? "udp" : "tcp"] = true;
    j["omit"] = omit_s;
    j["time"] = time_s;
    j["num"] = num_bytes;
    j["blockcount"] = block_count;
    if (mss_bytes) {
        j["MSS"] = *mss_bytes;
    }
    if (nodelay) {
        j["nodelay"] = true;
    }
    j["parallel"] = parallel;
    if (reverse) {
        j["reverse"] = true;
    }
    if (bidirectional) {
        j["bidirectional"] = true;
    }
    if (window_bytes) {
        j["window"] = *window_bytes;
    }
    j["len"] = len_bytes;
    if (bandwidth_bps) {
        j["bandwidth"] = *bandwidth_bps;
    }
    j["pacing_timer"] = pacing_timer_us;
    if (title) {
        j["title"] = *title;
    }
    if (extra_data) {
        j["extra_data"] = *extra_data;
    }
    if (congestion) {
        j["congestion"] = *congestion;
    }
    if (get_server_output) {
        j["get_server_output"] = 1;
    }
    if (udp_counters_64bit) {
        j["udp_counters_64bit"] = 1;
    }
    j["client_version"] = client_version;
    if (netrig_extensions) {
        j[netrig_extension_key] = 1;
    }
    return j;
}

namespace {

// A present key must hold an integer within [lo, hi]; absent keys keep their default.
template <class T>
bool read_number(const json& j, const char* key, T lo, T hi, T& out) {
    const auto it = j.find(key);
    if (it == j.end()) {
        return true;
    }
    if (!it->is_number_integer()) {
        return false;
    }
    std::int64_t v = 0;
    if (it->is_number_unsigned()) {
        const auto u = it->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(INT64_MAX)) {
            return false;
        }
        v = static_cast<std::int64_t>(u);
    } else {
        v = it->get<std::int64_t>();
    }
    if (v < static_cast<std::int64_t>(lo) || v > static_cast<std::int64_t>(hi)) {
        return false;
    }
    out = static_cast<T>(v);
    return true;
}

// iperf3 3.12 only checks flag presence; 3.18 requires `true`. Older clients send flags as the
// number 1 (get_server_output, udp_counters_64bit), so accept true or a non-zero number.
bool read_flag(const json& j, const char* key, bool& out) {
    const auto it = j.find(key);
    if (it == j.end()) {
        return true;
    }
    if (it->is_boolean()) {
        out = it->get<bool>();
        return true;
    }
    if (it->is_number_integer()) {
        out = it->get<std::int64_t>() != 0;
        return true;
    }
    return false;
}

bool read_string(const json& j, const char* key, std::size_t max_len,
                 std::optional<std::string>& out) {
    const auto it = j.find(key);
    if (it == j.end()) {
        return true;
    }
    if (!it->is_string() || it->get_ref<const std::string&>().size() > max_len) {
        return false;
    }
    out = it->get<std::string>();
    return true;
}

}  // namespace

result<test_params, codec_error> test_params::from_json(const json& j) {
    if (!j.is_object()) {
        return unexpected(codec_error::bad_param);
    }
    test_params p;
    bool tcp = false;
    bool udp = false;
    bool ok = read_flag(j, "tcp", tcp) && read_flag(j, "udp", udp);
    if (!ok || tcp == udp) {
        // Exactly one protocol; SCTP is not supported.
        return unexpected(codec_error::bad_param);
    }
    p.protocol = udp ? transport::udp : transport::tcp;
    int mss = 0;
    std::uint64_t window = 0;
    std::uint64_t bandwidth = 0;
    const bool has_mss = j.contains("MSS");
    const bool has_window = j.contains("window");
    const bool has_bandwidth = j.contains("bandwidth");
    std::optional<std::string> version;
    ok = read_number<int>(j, "omit", 0, max_omit_s, p.omit_s) &&
         read_number<int>(j, "time", 0, max_time_s, p.time_s) &&
         read_number<std::uint64_t>(j, "num", 0, UINT64_MAX / 2, p.num_bytes) &&
         read_number<std::uint64_t>(j, "blockcount", 0, UINT64_MAX / 2, p.block_count) &&
         read_number<int>(j, "MSS", 0, 9 * 1024, mss) &&
         read_flag(j, "nodelay", p.nodelay) &&
         read_number<int>(j, "parallel", 1, max_streams, p.parallel) &&
         read_flag(j, "reverse", p.reverse) && read_flag(j, "bidirectional", p.bidirectional) &&
         read_number<std::uint64_t>(j, "window", 0, max_window_bytes, window) &&
         read_number<std::uint64_t>(j, "len", 0, max_tcp_len_bytes, p.len_bytes) &&
         read_number<std::uint64_t>(j, "bandwidth", 0, UINT64_MAX / 2, bandwidth) &&
         read_number<int>(j, "pacing_timer", 0, 1000000, p.pacing_timer_us) &&
         read_string(j, "congestion", 15, p.congestion) &&
         read_flag(j, "get_server_output", p.get_server_output) &&
         read_flag(j, "udp_counters_64bit", p.udp_counters_64bit) &&
         read_string(j, "title", 1024, p.title) &&
         read_string(j, "extra_data", 1024, p.extra_data) &&
         read_string(j, "client_version", 64, version) &&
         read_flag(j, netrig_extension_key, p.netrig_extensions);
    if (!ok) {
        return unexpected(codec_error::bad_param);
    }
    if (j.contains("burst")) {
        int burst = 0;
        if (!read_number<int>(j, "burst", 1, max_burst, burst)) {
            return unexpected(codec_error::bad_param);
        }
    }
    if (p.reverse && p.bidirectional) {
        return unexpected(codec_error::bad_param);  // IEREVERSEBIDIR
    }
    if (p.protocol == transport::udp && p.len_bytes != 0 &&
        (p.len_bytes < min_udp_len_bytes || p.len_bytes > max_udp_len_bytes)) {
        return unexpected(codec_error::bad_param);
    }
    if (p.len_bytes == 0) {
        p.len_bytes = p.protocol == transport::udp ? default_udp_len_bytes : default_tcp_len_bytes;
    }
    if (has_mss && mss > 0) {
        p.mss_bytes = mss;
    }
    if (has_window && window > 0) {
        p.window_bytes = window;
    }
    if (has_bandwidth) {
        p.bandwidth_bps = bandwidth;
    }
    if (version) {
        p.client_version = *version;
    }
    return p;
}

}  // namespace netrig::tools::iperf3
