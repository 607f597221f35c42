// SPDX-License-Identifier: MIT
// core: per-interface counters. Every frame the core drops is counted under exactly one reason,
// and every notable event (frames sent, ARP replies, fragments) under a stat, so tools can print
// why traffic vanished.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace netrig::core {

// The X-macro keeps enumerators and their printed names in one list.
#define NETRIG_CORE_DROP_REASONS(X)                                                         \
    X(eth_truncated) X(eth_not_for_us) X(eth_unknown_type)                                  \
    X(arp_truncated) X(arp_bad_hw_type) X(arp_bad_proto_type) X(arp_bad_length)             \
    X(arp_bad_operation) X(arp_bad_sender) X(arp_not_for_us) X(arp_cache_full)             \
    X(arp_queue_full) X(arp_unresolved)                                                     \
    X(ipv4_truncated) X(ipv4_bad_version) X(ipv4_bad_header_len) X(ipv4_bad_total_len)      \
    X(ipv4_bad_checksum) X(ipv4_bad_option) X(ipv4_reserved_flag) X(ipv4_bad_source)        \
    X(ipv4_not_for_us) X(ipv4_ttl_zero)                                                     \
    X(ipv4_unknown_protocol) X(ipv4_no_route) X(ipv4_too_long) X(tx_queue_full)             \
    X(reasm_evicted) X(reasm_bytes_limit) X(reasm_timeout) X(reasm_overlap)                 \
    X(reasm_duplicate) X(reasm_too_many_fragments) X(reasm_bad_length)                      \
    X(icmp_truncated) X(icmp_bad_checksum) X(icmp_unknown_type) X(icmp_bad_code)            \
    X(icmp_rate_limited)                                                                    \
    X(icmp_echo_to_broadcast) X(icmp_error_no_socket) X(icmp_bad_quote) X(ping_no_socket)   \
    X(ping_queue_full) X(icmp_tcp_seq_not_in_flight)                                        \
    X(udp_truncated) X(udp_bad_length) X(udp_bad_checksum) X(udp_no_socket)                 \
    X(udp_queue_full_count) X(udp_queue_full_bytes)                                        \
    X(tcp_truncated) X(tcp_bad_header) X(tcp_bad_checksum) X(tcp_not_unicast)              \
    X(tcp_no_socket) X(tcp_listener_drop) X(tcp_time_wait_drop) X(tcp_conn_table_full)     \
    X(tcp_tx_failed)

#define NETRIG_CORE_STATS(X)                                                                \
    X(rx_frames) X(rx_bytes) X(tx_frames) X(tx_bytes)                                       \
    X(arp_requests_sent) X(arp_replies_sent) X(arp_gratuitous_sent) X(arp_learned)          \
    X(ipv4_delivered) X(ipv4_sent) X(ipv4_fragments_sent) X(reasm_fragments_received)       \
    X(reasm_completed) X(icmp_echo_replies_sent) X(icmp_errors_sent) X(icmp_errors_received) \
    X(pmtu_updates) X(ping_requests_sent) X(ping_replies_received)                          \
    X(udp_received) X(udp_sent)                                                             \
    X(tcp_segments_received) X(tcp_segments_sent) X(tcp_rsts_sent) X(tcp_active_opens)      \
    X(tcp_passive_opens) X(tcp_time_wait_entered) X(tcp_time_wait_reused)                   \
    X(tcp_icmp_soft_errors) X(tcp_icmp_hard_errors)

#define NETRIG_CORE_ENUMERATOR_(name) name,

/// Why a frame or packet was dropped. Names are stable: tools print them and tests key on them.
enum class drop_reason : std::uint8_t { NETRIG_CORE_DROP_REASONS(NETRIG_CORE_ENUMERATOR_) };

/// Events counted for visibility (not drops).
enum class stat : std::uint8_t { NETRIG_CORE_STATS(NETRIG_CORE_ENUMERATOR_) };

#undef NETRIG_CORE_ENUMERATOR_

#define NETRIG_CORE_COUNT_(name) +1
/// Number of drop reasons, for sizing arrays and iterating.
inline constexpr std::size_t drop_reason_count = 0 NETRIG_CORE_DROP_REASONS(NETRIG_CORE_COUNT_);
/// Number of stats.
inline constexpr std::size_t stat_count = 0 NETRIG_CORE_STATS(NETRIG_CORE_COUNT_);
#undef NETRIG_CORE_COUNT_

/// The printed name of a drop reason ("ipv4_bad_checksum").
[[nodiscard]] std::string_view to_string(drop_reason r);
/// The printed name of a stat ("tx_frames").
[[nodiscard]] std::string_view to_string(stat s);

/// All counters of one interface. Plain values: copy it to take a snapshot.
struct counters {
    /// Drops, indexed by drop_reason.
    std::array<std::uint64_t, drop_reason_count> drops{};
    /// Events, indexed by stat.
    std::array<std::uint64_t, stat_count> stats{};

    /// The count of one drop reason.
    [[nodiscard]] std::uint64_t operator[](drop_reason r) const {
        return drops[static_cast<std::size_t>(r)];
    }
    /// The count of one stat.
    [[nodiscard]] std::uint64_t operator[](stat s) const {
        return stats[static_cast<std::size_t>(s)];
    }
    /// Adds n to a drop reason.
    void drop(drop_reason r, std::uint64_t n = 1) { drops[static_cast<std::size_t>(r)] += n; }
    /// Adds n to a stat.
    void count(stat s, std::uint64_t n = 1) { stats[static_cast<std::size_t>(s)] += n; }
    /// Sum of all drops.
    [[nodiscard]] std::uint64_t total_drops() const;
};

}  // namespace netrig::core
