# SPDX-License-Identifier: MIT
# bench/net: TCP bulk throughput through netrig's socket API, compared with real iperf3 by
# bench/tcp_bulk_vs_iperf3.sh (which runs this program and iperf3 alternately).
add_executable(tcp_bulk_bench ${CMAKE_CURRENT_LIST_DIR}/tcp_bulk_bench.cpp)
target_compile_options(tcp_bulk_bench PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(tcp_bulk_bench PRIVATE netrig_tools_bulk netrig_net netrig_runtime
    netrig_base CLI11::CLI11)
