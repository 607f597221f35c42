// SPDX-License-Identifier: MIT
// core/tcp: copy a block and compute its RFC 1071 sum in the same pass.
#pragma once

#include <cstdint>

#include "base/bytes.hpp"

namespace netrig::core::tcp {

/// Copies source to destination (which must not overlap it and must hold source.size() bytes)
/// and returns wire::ones_sum(source): the same 16-bit partial sum in network order.
/// Why: a segment's payload is copied out of the send buffer and then summed for its checksum;
/// one pass reads each 8-byte word once (the sum adds words that are already in registers)
/// instead of a second pass over the copy.
[[nodiscard]] std::uint16_t copy_and_sum(std::uint8_t* destination, bytes source);

}  // namespace netrig::core::tcp
