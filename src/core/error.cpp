// SPDX-License-Identifier: MIT
// core: the error category of core::errc.
#include "core/error.hpp"

#include <string>

namespace netrig::core {

std::string_view to_string(errc e) {
    switch (e) {
        case errc::invalid_handle: return "invalid_handle";
        case errc::table_full: return "table_full";
        case errc::address_in_use: return "address_in_use";
        case errc::no_ephemeral_port: return "no_ephemeral_port";
        case errc::not_connected: return "not_connected";
        case errc::would_block: return "would_block";
        case errc::message_too_long: return "message_too_long";
        case errc::no_route: return "no_route";
        case errc::invalid_argument: return "invalid_argument";
    }
    return "unknown";
}

namespace {

class category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "netrig.core"; }
    [[nodiscard]] std::string message(int ev) const override {
        return std::string{to_string(static_cast<errc>(ev))};
    }
};

}  // namespace

const std::error_category& core_category() {
    static const category instance;
    return instance;
}

std::error_code make_error_code(errc e) { return {static_cast<int>(e), core_category()}; }

}  // namespace netrig::core
