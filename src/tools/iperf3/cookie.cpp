// SPDX-License-Identifier: MIT
// tools/iperf3: cookie generation and validation.
#include "tools/iperf3/cookie.hpp"

namespace netrig::tools::iperf3 {

namespace {
// iperf_util.c make_cookie: "abcdefghijklmnopqrstuvwxyz234567", indexed by byte % 32.
constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz234567";

constexpr bool in_alphabet(std::uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
}
}  // namespace

cookie cookie::generate(rng& random) {
    cookie c;
    for (std::size_t i = 0; i + 1 < cookie_size; ++i) {
        c.raw_[i] = static_cast<std::uint8_t>(alphabet[random.below(alphabet.size())]);
    }
    c.raw_[cookie_size - 1] = 0;
    return c;
}

result<cookie, codec_error> cookie::parse(bytes wire) {
    NETRIG_ASSERT(wire.size() == cookie_size);
    cookie c;
    for (std::size_t i = 0; i + 1 < cookie_size; ++i) {
        if (!in_alphabet(wire[i])) {
            return unexpected(codec_error::cookie_bad_char);
        }
        c.raw_[i] = wire[i];
    }
    if (wire[cookie_size - 1] != 0) {
        return unexpected(codec_error::cookie_no_nul);
    }
    return c;
}

}  // namespace netrig::tools::iperf3
