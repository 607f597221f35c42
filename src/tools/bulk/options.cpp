// SPDX-License-Identifier: MIT
// tools/bulk: option validation.
#include "tools/bulk/options.hpp"

#include "net/errc.hpp"

namespace netrig::tools::bulk {

result<void, std::error_code> validate(const bulk_options& options) {
    constexpr unsigned streams_max = 128;
    const bool bad = options.write_size_bytes == 0 || options.read_size_bytes == 0 ||
                     options.streams == 0 || options.streams > streams_max ||
                     (options.time_limit && *options.time_limit <= duration::zero()) ||
                     (options.bytes && *options.bytes == 0) ||
                     options.connect_timeout <= duration::zero();
    if (bad) {
        return unexpected(make_error_code(net::errc::invalid_argument));
    }
    return {};
}

}  // namespace netrig::tools::bulk
