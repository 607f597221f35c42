// SPDX-License-Identifier: MIT
// tools/iperf3: the results each side sends at EXCHANGE_RESULTS (spec A.9), client first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.hpp"
#include "tools/iperf3/errors.hpp"

namespace netrig::tools::iperf3 {

/// One stream's figures as seen by the side that sends them.
struct stream_result {
    int id = 0;                   ///< stream id (1, 3, 4, 5, ...)
    std::uint64_t bytes = 0;      ///< sent (sender side) or received (receiver side), omit excluded
    std::int64_t retransmits = -1;  ///< TCP_INFO total retransmits for senders, else -1
    double jitter_s = 0;          ///< UDP receiver jitter, seconds
    std::int64_t errors = 0;      ///< UDP receiver lost count (cnt_error)
    std::uint64_t packets = 0;    ///< UDP: sent count (sender) or highest seq (receiver)
    double start_time_s = 0;      ///< relative to the test start
    double end_time_s = 0;        ///< relative to the test start
    /// netrig extension: datagrams actually received (receiver) so the peer can see tail loss.
    std::optional<std::uint64_t> received_packets;
    /// netrig extension: TCP/UDP send/receive call count, for packets per second.
    std::optional<std::uint64_t> netrig_packets;
};

/// One side's results message.
struct peer_results {
    double cpu_util_total = 0;
    double cpu_util_user = 0;
    double cpu_util_system = 0;
    int sender_has_retransmits = -1;  ///< 1 if this side sent TCP and knows retransmits, -1 else
    std::optional<std::string> congestion_used;
    std::optional<nlohmann::json> server_output_json;
    std::optional<std::string> server_output_text;
    std::vector<stream_result> streams;
    /// netrig extension marker: the sender is a netrig peer and filled the netrig_* fields.
    bool netrig = false;

    /// Builds the object as iperf3's send_results does (mandatory keys always present).
    [[nodiscard]] nlohmann::json to_json() const;

    /// Reads a results object as iperf3's get_results does: the cpu keys, sender_has_retransmits,
    /// streams and each stream's id/bytes/retransmits/jitter/errors/packets are mandatory;
    /// start_time/end_time optional. At most 256 streams. Errors: codec_error::bad_results.
    [[nodiscard]] static result<peer_results, codec_error> from_json(const nlohmann::json& j);
};

}  // namespace netrig::tools::iperf3
