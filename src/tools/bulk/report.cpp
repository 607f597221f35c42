// SPDX-License-Identifier: MIT
// tools/bulk: report arithmetic and formatting.
#include "tools/bulk/report.hpp"

#include <fmt/format.h>

#include <chrono>

namespace netrig::tools::bulk {

double bulk_report::gbit_per_s() const {
    if (seconds <= 0) {
        return 0;
    }
    return static_cast<double>(bytes) * 8.0 / seconds / 1e9;
}

std::string format_report(std::string_view role, const bulk_report& r) {
    const auto srtt_us = std::chrono::duration_cast<std::chrono::microseconds>(r.srtt).count();
    return fmt::format(
        "{}: {:.3f} GB in {:.2f} s = {:.2f} Gbit/s, {} stream{}, retr {}, cwnd {:.2f} MB, "
        "srtt {} us",
        role, static_cast<double>(r.bytes) / 1e9, r.seconds, r.gbit_per_s(), r.streams,
        r.streams == 1 ? "" : "s", r.retransmits, static_cast<double>(r.cwnd_bytes) / 1e6,
        srtt_us);
}

}  // namespace netrig::tools::bulk
