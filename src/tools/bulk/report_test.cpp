// SPDX-License-Identifier: MIT
// tools/bulk: report arithmetic and the printed line.
#include "tools/bulk/report.hpp"

#include <gtest/gtest.h>

namespace netrig::tools::bulk {
namespace {

using namespace std::chrono_literals;

TEST(bulk_report, rate_is_decimal_gigabits_per_second) {
    bulk_report r;
    r.bytes = 1'250'000'000;  // 10 Gbit
    r.seconds = 2.0;
    EXPECT_DOUBLE_EQ(r.gbit_per_s(), 5.0);
    r.seconds = 0;
    EXPECT_DOUBLE_EQ(r.gbit_per_s(), 0.0);
}

TEST(bulk_report, formats_one_line) {
    bulk_report r;
    r.bytes = 2'000'000'000;
    r.seconds = 1.0;
    r.streams = 2;
    r.retransmits = 3;
    r.cwnd_bytes = 1'500'000;
    r.srtt = 25us;
    EXPECT_EQ(format_report("sink", r),
              "sink: 2.000 GB in 1.00 s = 16.00 Gbit/s, 2 streams, retr 3, cwnd 1.50 MB, "
              "srtt 25 us");
}

}  // namespace
}  // namespace netrig::tools::bulk
