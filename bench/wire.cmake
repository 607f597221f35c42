# SPDX-License-Identifier: MIT
# wire benchmarks: RFC 1071 sum vs memcpy at 64..65536 bytes, and TCP/IPv4 frame parsing.
# Run pinned: taskset -c 1 bench/checksum_bench --benchmark_repetitions=5
#             --benchmark_report_aggregates_only
add_executable(checksum_bench ${CMAKE_CURRENT_LIST_DIR}/checksum_bench.cpp)
target_compile_options(checksum_bench PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(checksum_bench PRIVATE netrig_wire netrig_base benchmark::benchmark)
