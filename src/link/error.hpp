// SPDX-License-Identifier: MIT
// link: operational errors of the link backends (attach, bind, I/O) as std::error_code, with
// plain-words messages a tool can print as is.
#pragma once

#include <string>
#include <system_error>

namespace netrig::link {

/// Operational errors a backend reports when opening or running a device.
enum class errc {
    permission_denied = 1,  ///< Needs root or CAP_NET_ADMIN.
    no_tun_device,          ///< /dev/net/tun is missing (no TUN/TAP support).
    device_busy,            ///< The interface or queue is already attached by someone else.
    no_such_device,         ///< The named interface does not exist.
    invalid_name,           ///< Interface name empty or longer than IFNAMSIZ-1.
    not_supported,          ///< The kernel or driver lacks a required feature.
    system_error,           ///< Another syscall failure; see the log for errno.
};

/// The category of errc ("netrig.link").
[[nodiscard]] const std::error_category& link_category() noexcept;

/// Makes an error_code from an errc (found by ADL, enables error_code ec = errc::x).
[[nodiscard]] std::error_code make_error_code(errc e) noexcept;

}  // namespace netrig::link

template <>
struct std::is_error_code_enum<netrig::link::errc> : std::true_type {};
