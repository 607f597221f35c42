// SPDX-License-Identifier: MIT
// cli: the version string printed by --version (from CMake's project version).
#pragma once

#include <string_view>

namespace netrig::cli {

/// "netrig X.Y.Z" plus the compiler that built it.
[[nodiscard]] std::string_view version_text();

}  // namespace netrig::cli
