// SPDX-License-Identifier: MIT
// link: the error category of link backends.
#include "link/error.hpp"

namespace netrig::link {
namespace {

class category final : public std::error_category {
public:
    [[nodiscard]] const char* name() const noexcept override { return "netrig.link"; }
    [[nodiscard]] std::string message(int value) const override {
        switch (static_cast<errc>(value)) {
            case errc::permission_denied:
                return "permission denied: run as root or grant CAP_NET_ADMIN";
            case errc::no_tun_device:
                return "/dev/net/tun is missing: the kernel has no TUN/TAP support (modprobe tun)";
            case errc::device_busy:
                return "device busy: another program is attached to this interface or queue";
            case errc::no_such_device:
                return "no such network interface";
            case errc::invalid_name:
                return "invalid interface name (empty or too long)";
            case errc::not_supported:
                return "not supported by this kernel or driver";
            case errc::system_error:
                return "system call failed";
        }
        return "unknown link error";
    }
};

}  // namespace

const std::error_category& link_category() noexcept {
    static const category instance;
    return instance;
}

std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), link_category()};
}

}  // namespace netrig::link
