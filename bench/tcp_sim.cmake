# SPDX-License-Identifier: MIT
# TCP benchmarks of issue 4 (engineer D), run by hand, not by ctest:
#   tcp_sim_bench:   two user stacks on the sim link, one thread: goodput per CPU-second.
#   tcp_idle_conns:  RSS of 10,000 idle established connections (user stacks on the sim link,
#                    and the kernel stack on loopback as a reference).
#   tcp_tap.sh:      single flow Linux <-> netrig over TAP vs Linux <-> Linux over veth (root).
add_executable(tcp_sim_bench ${CMAKE_CURRENT_LIST_DIR}/tcp_sim_bench.cpp)
target_compile_options(tcp_sim_bench PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(tcp_sim_bench PRIVATE netrig_tools_bulk netrig_net netrig_runtime
    netrig_base CLI11::CLI11 fmt::fmt)

add_executable(tcp_idle_conns ${CMAKE_CURRENT_LIST_DIR}/tcp_idle_conns.cpp)
target_compile_options(tcp_idle_conns PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(tcp_idle_conns PRIVATE netrig_net netrig_runtime netrig_base CLI11::CLI11
    fmt::fmt)
