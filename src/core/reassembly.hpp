// SPDX-License-Identifier: MIT
// core: IPv4 reassembly (RFC 791 §3.2, RFC 1122 §3.3.2) from a fixed pool of buffers, with
// bounds on datagrams in flight, bytes held, fragments per datagram, and a timeout. Overlapping
// fragments discard the whole datagram (the rule RFC 5722 makes for IPv6, applied to IPv4 as
// Linux and the BSDs do for security); an exact duplicate is dropped alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/time.hpp"
#include "core/counters.hpp"
#include "wire/address.hpp"

namespace netrig::core {

/// RFC 791: a datagram is identified by source, destination, protocol and identification.
struct reasm_key {
    wire::ipv4_address source;       ///< source address
    wire::ipv4_address destination;  ///< destination address
    std::uint16_t ident = 0;         ///< identification
    std::uint8_t protocol = 0;       ///< protocol

    friend bool operator==(const reasm_key&, const reasm_key&) = default;
};

/// One received fragment.
struct reasm_fragment {
    reasm_key key;               ///< which datagram
    std::uint16_t offset = 0;    ///< fragment offset in bytes
    bool more = false;           ///< MF flag
    bytes payload;               ///< fragment data
};

/// Bounds of a reassembler.
struct reasm_limits {
    std::size_t datagrams_max = 8;      ///< datagrams in flight
    std::size_t bytes_max = 192 * 1024; ///< fragment bytes held across all datagrams
    std::size_t fragments_max = 64;     ///< fragments per datagram
    duration timeout = std::chrono::seconds{30};  ///< from the first fragment
};

/// The reassembly pool. Buffers (datagrams_max x 65535 bytes) are allocated once.
class reassembler {
public:
    explicit reassembler(const reasm_limits& limits);

    /// Adds a fragment. When every slot is busy, the oldest datagram is evicted to make room
    /// (counted by take_evictions()). Returns the reassembled payload when this fragment completes its
    /// datagram (valid until the next call to add), nullopt while incomplete.
    /// Errors (the fragment, and for some the datagram, is dropped): reasm_bytes_limit, reasm_overlap, reasm_duplicate, reasm_too_many_fragments,
    /// reasm_bad_length.
    [[nodiscard]] result<std::optional<bytes>, drop_reason> add(instant now,
                                                                const reasm_fragment& f);

    /// Discards datagrams whose timeout passed; returns how many (RFC 1122 §3.3.2).
    std::size_t expire(instant now);

    /// The earliest timeout, if any datagram is in flight.
    [[nodiscard]] std::optional<instant> next_deadline() const;

    /// Datagrams in flight.
    [[nodiscard]] std::size_t in_flight() const;
    /// Datagrams evicted to make room since the last call; resets the count.
    [[nodiscard]] std::uint64_t take_evictions() { return std::exchange(evictions_, 0); }
    /// Fragment bytes held.
    [[nodiscard]] std::size_t bytes_held() const { return bytes_held_; }

private:
    struct range {
        std::uint32_t begin = 0;
        std::uint32_t end = 0;
    };
    struct slot {
        bool in_use = false;
        reasm_key key;
        instant deadline{};
        std::optional<std::uint32_t> total_len;  // known once the last fragment arrived
        std::size_t held = 0;                    // bytes received
        std::size_t range_count = 0;
        std::vector<range> ranges;               // fragments_max entries, allocated once
        std::vector<std::uint8_t> buffer;        // 65535 bytes, allocated once
    };
    void release(slot& s);
    slot* find_or_claim(instant now, const reasm_key& key);

    reasm_limits limits_;
    std::vector<slot> slots_;
    std::size_t bytes_held_ = 0;
    std::uint64_t evictions_ = 0;
};

}  // namespace netrig::core
