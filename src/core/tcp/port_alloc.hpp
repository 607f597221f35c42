// SPDX-License-Identifier: MIT
// core/tcp: ephemeral port selection for connect(), RFC 6056 §3.3.4 "Algorithm 4: Double-Hash
// Port Selection Algorithm".
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "base/rng.hpp"
#include "core/tcp/siphash.hpp"
#include "wire/address.hpp"

namespace netrig::core::tcp {

/// The ephemeral port range. RFC 6056 §3.2: "use the range 1024-65535"; the default is the
/// IANA dynamic range 49152-65535 (RFC 6335 §6), as core's UDP uses.
struct port_range {
    std::uint16_t first = 49152;  ///< lowest port handed out
    std::uint16_t last = 65535;   ///< highest port handed out (inclusive)
};

/// RFC 6056 Algorithm 4. Ports for different (local address, remote address, remote port)
/// destinations follow unrelated sequences (F() offset), so an off-path attacker cannot infer
/// one connection's port from another's; per destination consecutive connections get
/// consecutive ports (the table[] counter), which keeps port reuse, and so TIME-WAIT
/// collisions, rare. Secrets and the table's initial values come from an rng at construction.
class port_allocator {
public:
    /// Length of table[] (RFC 6056 suggests "e.g., 10" or more; Linux uses 2^16).
    static constexpr std::size_t table_length = 256;

    /// An allocator over `range`, keyed and initialised from `r`.
    /// Preconditions: range.first <= range.last, range.first > 0.
    port_allocator(port_range range, rng& r);

    /// Picks a port for a connection from `local` to `remote`:`remote_port`, trying each port
    /// of the range at most once in RFC 6056 order until `suitable(port)` is true (the caller
    /// checks its tables: no connection, TIME-WAIT record or listener with that tuple).
    /// Returns nothing if no port is suitable.
    template <class Suitable>
    [[nodiscard]] std::optional<std::uint16_t> allocate(wire::ipv4_address local,
                                                        wire::ipv4_address remote,
                                                        std::uint16_t remote_port,
                                                        Suitable&& suitable) {
        const std::uint32_t num_ephemeral = std::uint32_t{range_.last} - range_.first + 1;
        const hash_pair h = hashes(local, remote, remote_port);
        std::uint16_t& counter = table_[h.index];
        // RFC 6056 §3.3.4:
        //   port = min_ephemeral + (offset + table[index]) % num_ephemeral;
        //   table[index]++;
        //   if (check_suitable_port(port)) return port;
        for (std::uint32_t count = num_ephemeral; count > 0; --count) {
            const auto port =
                static_cast<std::uint16_t>(range_.first + (h.offset + counter) % num_ephemeral);
            ++counter;
            if (suitable(port)) {
                return port;
            }
        }
        return std::nullopt;
    }

    /// The range ports are taken from.
    [[nodiscard]] port_range range() const { return range_; }

private:
    struct hash_pair {
        std::uint32_t offset;  // F(local_IP, remote_IP, remote_port, secret_key1)
        std::size_t index;     // G(local_IP, remote_IP, remote_port, secret_key2) % TABLE_LENGTH
    };
    [[nodiscard]] hash_pair hashes(wire::ipv4_address local, wire::ipv4_address remote,
                                   std::uint16_t remote_port) const;

    port_range range_;
    siphash_key key1_;
    siphash_key key2_;
    std::array<std::uint16_t, table_length> table_{};
};

}  // namespace netrig::core::tcp
