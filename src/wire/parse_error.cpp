// SPDX-License-Identifier: MIT
// wire: names and error category of parse_error.
#include "wire/parse_error.hpp"

#include <string>

namespace netrig::wire {

std::string_view to_string(parse_error e) {
    switch (e) {
        case parse_error::truncated:
            return "truncated";
        case parse_error::bad_version:
            return "bad_version";
        case parse_error::bad_header_len:
            return "bad_header_len";
        case parse_error::bad_total_len:
            return "bad_total_len";
        case parse_error::bad_checksum:
            return "bad_checksum";
        case parse_error::bad_option:
            return "bad_option";
        case parse_error::bad_address:
            return "bad_address";
        case parse_error::bad_length:
            return "bad_length";
        case parse_error::unsupported:
            return "unsupported";
        case parse_error::bad_value:
            return "bad_value";
    }
    return "unknown";
}

namespace {

class parse_category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "netrig.wire.parse"; }
    [[nodiscard]] std::string message(int ev) const override {
        return std::string{to_string(static_cast<parse_error>(ev))};
    }
};

}  // namespace

const std::error_category& parse_error_category() {
    static const parse_category category;
    return category;
}

std::error_code make_error_code(parse_error e) {
    return {static_cast<int>(e), parse_error_category()};
}

}  // namespace netrig::wire
