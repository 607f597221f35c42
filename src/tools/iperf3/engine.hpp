// SPDX-License-Identifier: MIT
// tools/iperf3 (internal): what the client and the server share: per-stream counters, the
// data loops (TCP and UDP, sending and receiving), the control channel, and the reporter that
// turns counters into iperf3-shaped text and JSON.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/time.hpp"
#include "net/stack.hpp"
#include "runtime/task.hpp"
#include "tools/iperf3/control_codec.hpp"
#include "tools/iperf3/params.hpp"
#include "tools/iperf3/report.hpp"
#include "tools/iperf3/results.hpp"
#include "tools/iperf3/session.hpp"
#include "tools/iperf3/udp_stats.hpp"

namespace netrig::tools::iperf3::detail {

/// Receive buffer a UDP data socket asks for when the test gives no -w (the kernel caps it at
/// net.core.rmem_max). iperf3 keeps the default (208 KiB: about 1 ms of 64-byte datagrams at
/// 200 kpps), so a receiver that waits a few ms for a CPU drops; netrig buffers more instead.
inline constexpr std::size_t udp_recv_buffer_bytes = std::size_t{4} << 20;

class control_channel;

/// Counters of one data stream. Monotonic totals plus the bases of the current interval and
/// of the end of the omit period.
struct stream_state {
    int id = 0;          ///< protocol stream id (1, 3, 4, ...)
    int label = 0;       ///< the number shown as [  5]
    bool sender = false; ///< this side sends on it
    bool udp = false;
    std::string_view role;  ///< bidir role tag, else empty

    net::tcp_stream tcp;
    net::udp_socket udp_own;                ///< client: one connected socket per stream
    net::udp_socket* udp_shared = nullptr;  ///< server: the port's socket
    net::endpoint peer;                     ///< server UDP: where to send_to
    net::endpoint local;
    net::endpoint remote;
    std::vector<std::uint8_t> buffer;       ///< receive buffer, or UDP send datagram

    std::uint64_t bytes = 0;      ///< payload bytes sent or received while counting
    std::uint64_t ops = 0;        ///< datagrams, or read/write calls
    std::uint64_t udp_sent = 0;   ///< datagrams sent (the sequence number)
    udp_receive_stats udp_rx;
    std::uint64_t pace_bytes = 0;  ///< bytes sent since the test start, for pacing
    std::uint32_t mss = 0;

    struct snapshot {
        std::uint64_t bytes = 0, ops = 0, udp_sent = 0, highest = 0, ooo = 0, received = 0;
        std::int64_t lost = 0;
        std::uint32_t retrans = 0;
    };
    snapshot interval_base;
    snapshot omit_base;

    // TCP sender statistics over the test (from TCP_INFO samples).
    std::uint64_t max_cwnd = 0, max_snd_wnd = 0, max_rtt_us = 0, min_rtt_us = UINT64_MAX;
    std::uint64_t rtt_sum_us = 0, rtt_samples = 0;
    std::uint32_t last_retrans = 0;

    std::error_code error;  ///< first I/O error seen by the loop
};

/// Shared state of one test run.
struct test_state {
    test_params params;
    bool is_server = false;
    bool extensions = false;   ///< both peers are netrig
    std::vector<std::unique_ptr<stream_state>> streams;
    std::vector<std::uint8_t> tcp_block;  ///< payload written by TCP senders
    bool counting = false;  ///< TEST_RUNNING and not ended: count bytes
    bool sending = false;   ///< senders keep going
    instant start{};
    instant end{};
    instant omit_end{};
    bool omitting = false;
    std::uint64_t total_sent_bytes = 0;
    std::uint64_t total_sent_blocks = 0;
    int active_senders = 0;  ///< sender loops still running
    std::uint64_t total_received_bytes = 0;
    std::uint64_t total_received_blocks = 0;
    double cpu_start_user_s = 0, cpu_start_system_s = 0;
    instant cpu_start{};

    /// Seconds since the test start.
    [[nodiscard]] double since_start(instant t) const { return to_seconds(t - start); }
    /// True if -n/-k is reached by what this side sent.
    [[nodiscard]] bool send_limit_reached() const;
    /// Client end condition for -n/-k (sent or received, as iperf3 3.12 checks).
    [[nodiscard]] bool byte_or_block_limit_reached() const;
};

/// Stream id of the n-th stream (0-based): 1, 3, 4, 5, ... (iperf_add_stream quirk).
[[nodiscard]] constexpr int stream_id(std::size_t n) { return n == 0 ? 1 : static_cast<int>(n) + 2; }

// Data loops: each runs until cancelled, an error, EOF, or (senders) sending stops.
[[nodiscard]] runtime::task<void> tcp_send_loop(test_state& t, stream_state& s);
[[nodiscard]] runtime::task<void> tcp_recv_loop(test_state& t, stream_state& s);
[[nodiscard]] runtime::task<void> udp_send_loop(test_state& t, stream_state& s);
/// Receives on the stream's own connected socket (client).
[[nodiscard]] runtime::task<void> udp_recv_loop(test_state& t, stream_state& s);
/// Receives on the server's port socket and hands each datagram to the stream of its source.
[[nodiscard]] runtime::task<void> udp_demux_loop(test_state& t, net::udp_socket& sock);

/// After sending stopped, waits (at most max) until every sender loop finished its current
/// block. iperf3 reads whole blocks with a blocking Nread, so a block cut short by
/// cancellation would leave a real iperf3 peer waiting forever for its tail.
[[nodiscard]] runtime::task<void> wait_senders_done(test_state& t, duration max);

/// Reads and discards control messages until the peer closes or fails. Used after sending
/// CLIENT_TERMINATE / SERVER_TERMINATE under a timeout, so the peer reads the state byte
/// before our sockets close under its writes.
[[nodiscard]] runtime::task<result<void, std::error_code>> drain_until_closed(
    control_channel& ch);

/// Accounts one received UDP datagram on s (header parse, loss, jitter).
void account_udp_datagram(test_state& t, stream_state& s, bytes datagram, instant arrival);

/// Marks the start of counting: stamps start, pacing and CPU baselines.
void begin_test(test_state& t, instant now);
/// Ends counting at now (senders stop, bytes no longer counted).
void end_test(test_state& t, instant now);
/// At the end of -O: the counters so far are excluded from results.
void end_omit(test_state& t);

/// Reads whole control messages off a TCP stream, with the expectations set automatically from
/// the wire order (client: JSON after EXCHANGE_RESULTS; server: JSON after TEST_END).
class control_channel {
public:
    control_channel(net::tcp_stream& stream, bool server_side);
    /// Sets what the next frame is (for the cookie and the params JSON).
    void expect_cookie() { decoder_.expect_cookie(); }
    /// The params JSON comes next.
    void expect_json(std::size_t limit) { decoder_.expect_json(limit); }
    /// Waits for the next message. Errors: codec_error values (hostile bytes),
    /// errc::control_closed (EOF), net errors, cancellation.
    [[nodiscard]] runtime::task<result<control_message, std::error_code>> next();
    /// Writes bytes (state, JSON) on the control connection.
    [[nodiscard]] runtime::task<result<void, std::error_code>> send(bytes data);
    /// Writes one state byte.
    [[nodiscard]] runtime::task<result<void, std::error_code>> send_state(state s);

private:
    net::tcp_stream& stream_;
    bool server_side_;
    control_decoder decoder_;
    std::array<std::uint8_t, 4096> buf_{};
    std::size_t have_ = 0;
    std::size_t pos_ = 0;
};

/// Renders output: text lines or the JSON document.
class reporter {
public:
    reporter(output_options options, output_sink sink, bool is_server);

    /// True for -J / --json-stream.
    [[nodiscard]] bool is_json() const { return options_.json || options_.json_stream; }
    /// Prints a text line (ignored in JSON mode). Also captured for --get-server-output.
    void text(std::string_view line);
    /// The "start" object being filled.
    nlohmann::ordered_json& start() { return start_; }
    /// Emits the start event (json-stream) once start() is complete.
    void start_done();
    /// Reports the interval [from, to) for all streams and resets the interval bases.
    void interval(test_state& t, instant from, instant to);
    /// Prints the end summary. remote may be null (the peer sent nothing).
    void summary(test_state& t, const peer_results& local, const peer_results* remote);
    /// Finishes output: prints the JSON document (or the end event), with error if given.
    void finish(const std::optional<std::string>& error);
    /// Everything printed so far as text (server output for --get-server-output).
    [[nodiscard]] const std::string& captured_text() const { return captured_; }
    /// The document so far (server_output_json).
    [[nodiscard]] nlohmann::ordered_json document() const;
    /// Sets a top-level key of the JSON document (server_output_text, ...).
    void set_extra(const std::string& key, nlohmann::ordered_json value) { extra_[key] = std::move(value); }
    /// Enables capturing text for --get-server-output.
    void capture(bool on) { capture_ = on; }
    /// Output options in force.
    [[nodiscard]] const output_options& options() const { return options_; }

private:
    void emit_event(const char* name, const nlohmann::ordered_json& data);
    figures stream_interval(test_state& t, stream_state& s, instant from, instant to,
                            bool omitted);

    output_options options_;
    output_sink sink_;
    bool is_server_;
    bool capture_ = false;
    std::string captured_;
    nlohmann::ordered_json start_ = nlohmann::ordered_json::object();
    nlohmann::ordered_json intervals_ = nlohmann::ordered_json::array();
    nlohmann::ordered_json end_ = nlohmann::ordered_json::object();
    nlohmann::ordered_json extra_ = nlohmann::ordered_json::object();
    bool header_printed_ = false;
    std::size_t interval_count_ = 0;
};

/// Builds this side's results message from the counters.
[[nodiscard]] peer_results local_results(const test_state& t, const std::string& congestion);

/// Fills start.connected[], timestamp, version and system_info.
void fill_start_common(nlohmann::ordered_json& start);

/// The "connected" entry for one stream.
[[nodiscard]] nlohmann::ordered_json connected_entry(const stream_state& s);

/// Process CPU time (user, system) in seconds.
void cpu_times(double& user_s, double& system_s);

}  // namespace netrig::tools::iperf3::detail
