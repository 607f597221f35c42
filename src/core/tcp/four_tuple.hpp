// SPDX-License-Identifier: MIT
// core/tcp: the 4-tuple that names a TCP connection (RFC 9293 §3.3.2: "a pair of sockets"),
// seen from our side: local address and port, remote address and port. Used as the demux key,
// the ISN/cookie hash input and the TIME_WAIT key.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.hpp"
#include "wire/address.hpp"

namespace netrig::core::tcp {

/// A connection's identity from the local side. 12 bytes of payload; no padding.
struct four_tuple {
    wire::ipv4_address local_address;   ///< our address
    wire::ipv4_address remote_address;  ///< the peer's address
    std::uint16_t local_port = 0;       ///< our port
    std::uint16_t remote_port = 0;      ///< the peer's port

    /// The 12 bytes hashed by ISN, SYN cookies, demux and port selection: local address,
    /// remote address, local port, remote port, each big-endian. A fixed layout so that hash
    /// values do not depend on struct padding or host byte order.
    [[nodiscard]] constexpr std::array<std::uint8_t, 12> to_bytes() const {
        std::array<std::uint8_t, 12> out{};
        store_be32(out, 0, local_address.to_u32());
        store_be32(out, 4, remote_address.to_u32());
        store_be16(out, 8, local_port);
        store_be16(out, 10, remote_port);
        return out;
    }

    friend constexpr bool operator==(const four_tuple&, const four_tuple&) = default;
};

static_assert(sizeof(four_tuple) == 12, "four_tuple is a compact table key");

}  // namespace netrig::core::tcp
