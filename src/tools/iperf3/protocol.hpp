// SPDX-License-Identifier: MIT
// tools/iperf3: protocol constants of iperf3 3.12 (control state bytes, sizes, defaults, limits)
// shared by the codec, the client and the server. See /work/shared/specs/iperf3-protocol.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace netrig::tools::iperf3 {

/// Default control and data port (iperf.h `PORT`).
inline constexpr std::uint16_t default_port = 5201;
/// Cookie length on the wire: 36 characters and a NUL (iperf.h `COOKIE_SIZE`).
inline constexpr std::size_t cookie_size = 37;
/// Default TCP block (read/write) size (`DEFAULT_TCP_BLKSIZE`).
inline constexpr std::size_t default_tcp_len_bytes = 128 * 1024;
/// Default UDP datagram size when the control connection's MSS is unknown.
inline constexpr std::size_t default_udp_len_bytes = 1460;
/// Smallest UDP datagram iperf3 accepts (`MIN_UDP_BLOCKSIZE`): room for the 16-byte header.
inline constexpr std::size_t min_udp_len_bytes = 16;
/// Largest UDP datagram (`MAX_UDP_BLOCKSIZE`).
inline constexpr std::size_t max_udp_len_bytes = 65507;
/// Largest TCP block (`MAX_BLOCKSIZE`, 1 MiB).
inline constexpr std::size_t max_tcp_len_bytes = 1024 * 1024;
/// Largest socket buffer a peer may ask for (`MAX_TCP_BUFFER`, 512 MiB).
inline constexpr std::uint64_t max_window_bytes = 512ULL * 1024 * 1024;
/// Most parallel streams (`MAX_STREAMS`).
inline constexpr int max_streams = 128;
/// Default UDP rate in bit/s (`UDP_RATE`, 1024*1024).
inline constexpr std::uint64_t default_udp_rate_bps = 1024 * 1024;
/// Default pacing tick in microseconds (`DEFAULT_PACING_TIMER`).
inline constexpr int default_pacing_timer_us = 1000;
/// Longest test a server accepts (`MAX_TIME`, one day).
inline constexpr int max_time_s = 86400;
/// Longest omit period (3.18 range check).
inline constexpr int max_omit_s = 600;
/// Largest burst (`MAX_BURST`).
inline constexpr int max_burst = 1000;
/// Cap on the params JSON (`MAX_PARAMS_JSON_STRING`, iperf3 3.18+). We apply it to params.
inline constexpr std::size_t max_params_json_bytes = 8 * 1024;
/// Cap on the results JSON. iperf3 reads results uncapped; we bound memory anyway. 128 streams
/// with server_output_text of a long test fit easily.
inline constexpr std::size_t max_results_json_bytes = 4 * 1024 * 1024;
/// Version we announce as `client_version` and in `start.version`.
inline constexpr std::string_view version_string = "3.12";

/// Control connection states: one signed byte each on the wire (iperf_api.h).
enum class state : std::int8_t {
    test_start = 1,
    test_running = 2,
    test_end = 4,
    param_exchange = 9,
    create_streams = 10,
    server_terminate = 11,
    client_terminate = 12,
    exchange_results = 13,
    display_results = 14,
    iperf_done = 16,
    access_denied = -1,
    server_error = -2,
};

/// The byte that carries s on the wire.
[[nodiscard]] constexpr std::uint8_t to_byte(state s) {
    return static_cast<std::uint8_t>(static_cast<std::int8_t>(s));
}

/// The state a byte names, or nullopt for values iperf3 never sends (3, 5-8, 15 are "not used"
/// or local only, and everything else is undefined).
[[nodiscard]] std::optional<state> state_from_byte(std::uint8_t b);

/// Short upper-case name ("TEST_START", "ACCESS_DENIED") for logs and messages.
[[nodiscard]] std::string_view to_string(state s);

/// iperf3's i_errno values that cross the wire after SERVER_ERROR (iperf_api.h). Only the ones
/// netrig sends or explains are listed.
namespace i_errno {
inline constexpr std::int32_t recv_cookie = 106;     ///< IERECVCOOKIE
inline constexpr std::int32_t ctrl_close = 109;      ///< IECTRLCLOSE
inline constexpr std::int32_t message = 110;         ///< IEMESSAGE: unknown state byte
inline constexpr std::int32_t recv_params = 114;     ///< IERECVPARAMS
inline constexpr std::int32_t recv_results = 117;    ///< IERECVRESULTS
inline constexpr std::int32_t access_denied = 121;   ///< IEACCESSDENIED
inline constexpr std::int32_t set_congestion = 134;  ///< IESETCONGESTION
inline constexpr std::int32_t stream_listen = 202;   ///< IESTREAMLISTEN
inline constexpr std::int32_t stream_accept = 204;   ///< IESTREAMACCEPT
inline constexpr std::int32_t num_streams = 6;       ///< IENUMSTREAMS
inline constexpr std::int32_t block_size = 7;        ///< IEBLOCKSIZE
inline constexpr std::int32_t duration = 5;          ///< IEDURATION
}  // namespace i_errno

/// iperf3's wording for an i_errno value (iperf_strerror), or a generic text for others.
[[nodiscard]] std::string_view describe_i_errno(std::int32_t value);

}  // namespace netrig::tools::iperf3
