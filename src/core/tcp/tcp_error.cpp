// SPDX-License-Identifier: MIT
// core/tcp: the error category of tcp_errc.
#include "core/tcp/tcp_error.hpp"

#include <string>

namespace netrig::core::tcp {

std::string_view to_string(tcp_errc e) {
    switch (e) {
        case tcp_errc::connection_reset:
            return "connection_reset";
        case tcp_errc::connection_refused:
            return "connection_refused";
        case tcp_errc::timed_out:
            return "timed_out";
        case tcp_errc::connection_aborted:
            return "connection_aborted";
        case tcp_errc::closing:
            return "closing";
        case tcp_errc::not_established:
            return "not_established";
    }
    return "unknown";
}

namespace {

class category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "netrig.tcp"; }
    [[nodiscard]] std::string message(int ev) const override {
        return std::string{to_string(static_cast<tcp_errc>(ev))};
    }
};

}  // namespace

const std::error_category& tcp_category() {
    static const category instance;
    return instance;
}

std::error_code make_error_code(tcp_errc e) {
    return {static_cast<int>(e), tcp_category()};
}

}  // namespace netrig::core::tcp
