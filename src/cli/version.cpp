// SPDX-License-Identifier: MIT
#include "cli/version.hpp"

namespace netrig::cli {

std::string_view version_text() {
#if defined(__clang__)
#define NETRIG_COMPILER "clang " __clang_version__
#else
#define NETRIG_COMPILER "g++ " __VERSION__
#endif
    return "netrig " NETRIG_VERSION " (built with " NETRIG_COMPILER ")";
}

}  // namespace netrig::cli
