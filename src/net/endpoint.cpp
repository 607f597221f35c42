// SPDX-License-Identifier: MIT
// net: endpoint parsing and formatting.
#include "net/endpoint.hpp"

#include <charconv>

#include "net/errc.hpp"

namespace netrig::net {

result<endpoint, std::error_code> endpoint::parse(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return unexpected(make_error_code(errc::invalid_argument));
    }
    const std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    auto address = wire::ipv4_address::parse(host);
    if (!address) {
        return unexpected(make_error_code(errc::invalid_argument));
    }
    // from_chars accepts neither a sign nor spaces, which is what we want; an empty port or
    // trailing characters are rejected by the end-pointer check.
    unsigned port = 0;
    const char* end = port_text.data() + port_text.size();
    const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
    if (port_text.empty() || ec != std::errc{} || ptr != end || port > 65535U) {
        return unexpected(make_error_code(errc::invalid_argument));
    }
    return endpoint{*address, static_cast<std::uint16_t>(port)};
}

std::string endpoint::to_string() const {
    return address.to_string() + ':' + std::to_string(port);
}

endpoint loopback(std::uint16_t port) {
    return endpoint{wire::ipv4_address::from_u32(0x7f000001U), port};
}

endpoint any_address(std::uint16_t port) {
    return endpoint{wire::ipv4_address::from_u32(0), port};
}

}  // namespace netrig::net
