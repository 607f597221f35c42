// SPDX-License-Identifier: MIT
// wire: text parsing and formatting of MAC and IPv4 addresses.
#include "wire/address.hpp"

#include <fmt/format.h>

namespace netrig::wire {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Parses a decimal number of 1..max_digits digits without leading zeros, up to max_value.
// Advances text past the digits.
result<std::uint32_t, parse_error> parse_decimal(std::string_view& text, std::size_t max_digits,
                                                 std::uint32_t max_value) {
    std::size_t n = 0;
    std::uint32_t v = 0;
    while (n < text.size() && text[n] >= '0' && text[n] <= '9') {
        if (n == max_digits) {
            return unexpected(parse_error::bad_address);
        }
        v = v * 10 + static_cast<std::uint32_t>(text[n] - '0');
        ++n;
    }
    if (n == 0 || (n > 1 && text[0] == '0') || v > max_value) {
        return unexpected(parse_error::bad_address);
    }
    text.remove_prefix(n);
    return v;
}

}  // namespace

result<mac_address, parse_error> mac_address::parse(std::string_view text) {
    // "xx:xx:xx:xx:xx:xx" is exactly 17 characters.
    if (text.size() != size_bytes * 3 - 1) {
        return unexpected(parse_error::bad_address);
    }
    std::array<std::uint8_t, size_bytes> octets{};
    const char sep = text[2];
    if (sep != ':' && sep != '-') {
        return unexpected(parse_error::bad_address);
    }
    for (std::size_t i = 0; i < size_bytes; ++i) {
        const int hi = hex_digit(text[i * 3]);
        const int lo = hex_digit(text[i * 3 + 1]);
        if (hi < 0 || lo < 0 || (i + 1 < size_bytes && text[i * 3 + 2] != sep)) {
            return unexpected(parse_error::bad_address);
        }
        octets[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return mac_address{octets};
}

std::string mac_address::to_string() const {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", octets_[0], octets_[1],
                       octets_[2], octets_[3], octets_[4], octets_[5]);
}

result<ipv4_address, parse_error> ipv4_address::parse(std::string_view text) {
    std::uint32_t v = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (text.empty() || text[0] != '.') {
                return unexpected(parse_error::bad_address);
            }
            text.remove_prefix(1);
        }
        NETRIG_TRY_ASSIGN(const std::uint32_t octet, parse_decimal(text, 3, 255));
        v = (v << 8U) | octet;
    }
    if (!text.empty()) {
        return unexpected(parse_error::bad_address);
    }
    return from_u32(v);
}

std::string ipv4_address::to_string() const {
    const auto o = octets();
    return fmt::format("{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
}

result<ipv4_cidr, parse_error> ipv4_cidr::parse(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        return unexpected(parse_error::bad_address);
    }
    NETRIG_TRY_ASSIGN(const ipv4_address address, ipv4_address::parse(text.substr(0, slash)));
    std::string_view rest = text.substr(slash + 1);
    NETRIG_TRY_ASSIGN(const std::uint32_t prefix, parse_decimal(rest, 2, 32));
    if (!rest.empty()) {
        return unexpected(parse_error::bad_address);
    }
    return ipv4_cidr{address, static_cast<std::uint8_t>(prefix)};
}

std::string ipv4_cidr::to_string() const {
    return fmt::format("{}/{}", address.to_string(), prefix_len);
}

}  // namespace netrig::wire
