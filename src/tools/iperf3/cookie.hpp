// SPDX-License-Identifier: MIT
// tools/iperf3: the 37-byte session cookie that ties data connections to a control connection
// (spec A.2: 36 characters of [a-z2-7] and a NUL).
#pragma once

#include <array>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "base/rng.hpp"
#include "tools/iperf3/errors.hpp"
#include "tools/iperf3/protocol.hpp"

namespace netrig::tools::iperf3 {

/// A validated cookie: 36 alphabet characters followed by NUL.
class cookie {
public:
    /// Draws a fresh cookie as iperf3's make_cookie does (byte % 32 into the alphabet).
    [[nodiscard]] static cookie generate(rng& random);

    /// Validates 37 wire bytes. Errors: codec_error::cookie_bad_char, codec_error::cookie_no_nul.
    /// Preconditions: wire.size() == cookie_size.
    [[nodiscard]] static result<cookie, codec_error> parse(bytes wire);

    /// The 37 bytes to send, NUL included.
    [[nodiscard]] bytes wire() const { return {raw_.data(), raw_.size()}; }

    /// The 36 printable characters (as echoed in JSON start.cookie).
    [[nodiscard]] std::string_view text() const {
        return {reinterpret_cast<const char*>(raw_.data()), cookie_size - 1};
    }

    /// Cookies compare by their bytes (iperf3 uses strcmp on the NUL-terminated text).
    friend bool operator==(const cookie&, const cookie&) = default;

private:
    std::array<std::uint8_t, cookie_size> raw_{};
};

}  // namespace netrig::tools::iperf3
