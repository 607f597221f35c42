# SPDX-License-Identifier: MIT
# core/tcp demux and listener kernels (engineer G): SipHash of a 4-tuple, connection lookup in a
# 10k-entry table, listener fallback, SYN handling with and without cookies, TIME-WAIT churn.
add_executable(core_tcp_demux_bench ${CMAKE_CURRENT_LIST_DIR}/core_tcp_demux_bench.cpp)
target_compile_options(core_tcp_demux_bench PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(core_tcp_demux_bench PRIVATE netrig_core benchmark::benchmark)
