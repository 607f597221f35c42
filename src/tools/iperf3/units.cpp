// SPDX-License-Identifier: MIT
// tools/iperf3: unit formatting (iperf3 units.c unit_snprintf).
#include "tools/iperf3/units.hpp"

#include <array>
#include <fmt/format.h>
#include <string_view>

namespace netrig::tools::iperf3 {

namespace {

constexpr std::array<std::string_view, 5> byte_labels{"Bytes", "KBytes", "MBytes", "GBytes",
                                                     "TBytes"};
constexpr std::array<std::string_view, 5> bit_labels{"bits", "Kbits", "Mbits", "Gbits", "Tbits"};

int fixed_power(char lower) {
    switch (lower) {
        case 'k': return 1;
        case 'm': return 2;
        case 'g': return 3;
        case 't': return 4;
        default: return -1;
    }
}

std::string render(double value, std::string_view label) {
    // units.c: "%4.2f" below 9.995, "%4.1f" below 99.95, else "%4.0f".
    if (value < 9.995) {
        return fmt::format("{:4.2f} {}", value, label);
    }
    if (value < 99.95) {
        return fmt::format("{:4.1f} {}", value, label);
    }
    return fmt::format("{:4.0f} {}", value, label);
}

std::string scaled(double value, char format, bool value_is_bytes) {
    const bool as_bytes = (format >= 'A' && format <= 'Z');
    const char lower = static_cast<char>(as_bytes ? format - 'A' + 'a' : format);
    const double base = as_bytes ? 1024.0 : 1000.0;
    double v = value;
    if (as_bytes && !value_is_bytes) {
        v /= 8.0;
    } else if (!as_bytes && value_is_bytes) {
        v *= 8.0;
    }
    int power = fixed_power(lower);
    if (power < 0) {
        power = 0;
        while (power < 4 && v >= base) {
            v /= base;
            ++power;
        }
    } else {
        for (int i = 0; i < power; ++i) {
            v /= base;
        }
    }
    const auto idx = static_cast<std::size_t>(power);
    return render(v, as_bytes ? byte_labels[idx] : bit_labels[idx]);
}

}  // namespace

std::string format_bytes(double bytes, char format) {
    // iperf3 prints transfer with 'A' unless -f names a byte unit; a bit unit still shows bytes.
    const char f = (format >= 'A' && format <= 'Z') ? format : 'A';
    return scaled(bytes, f, true);
}

std::string format_rate(double bits_per_second, char format) {
    return scaled(bits_per_second, format, false);
}

bool valid_format(char c) {
    constexpr std::string_view ok = "kmgtaKMGTA";
    return ok.find(c) != std::string_view::npos;
}

}  // namespace netrig::tools::iperf3

#include <charconv>
#include <cmath>

namespace netrig::tools::iperf3 {

namespace {

std::optional<std::uint64_t> parse_scaled(std::string_view text, double base) {
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
        text = text.substr(0, slash);
    }
    if (text.empty()) {
        return std::nullopt;
    }
    double mult = 1;
    const char last = text.back();
    switch (last) {
        case 'k': case 'K': mult = base; break;
        case 'm': case 'M': mult = base * base; break;
        case 'g': case 'G': mult = base * base * base; break;
        case 't': case 'T': mult = base * base * base * base; break;
        default: break;
    }
    if (mult != 1) {
        text.remove_suffix(1);
    }
    double v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size() || v < 0 || !std::isfinite(v)) {
        return std::nullopt;
    }
    const double r = v * mult;
    if (r > 1.8e19) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(r);
}

}  // namespace

std::optional<std::uint64_t> parse_size(std::string_view text) { return parse_scaled(text, 1024); }

std::optional<std::uint64_t> parse_rate(std::string_view text) { return parse_scaled(text, 1000); }

}  // namespace netrig::tools::iperf3
