# SPDX-License-Identifier: MIT
# udp_sink_bench + udp_sink.sh: UDP datagrams/s into a netrig UDP sink (core::interface over
# TAP and AF_XDP, optionally recorded to pcap) vs the raw minimal reader of link_bench, in the
# same run. Run by hand as root: bench/udp_sink.sh BUILD_DIR [SECONDS] [RUNS].
add_executable(udp_sink_bench ${CMAKE_CURRENT_LIST_DIR}/udp_sink_bench.cpp)
target_compile_options(udp_sink_bench PRIVATE ${NETRIG_WARNINGS})
target_include_directories(udp_sink_bench PRIVATE ${CMAKE_SOURCE_DIR}/tests/interop)
target_link_libraries(udp_sink_bench PRIVATE netrig_net netrig_core netrig_link)

# udp_sink_pcap_bench: CPU cost of recording one frame (producer + writer on one CPU).
add_executable(udp_sink_pcap_bench ${CMAKE_CURRENT_LIST_DIR}/udp_sink_pcap_bench.cpp)
target_compile_options(udp_sink_pcap_bench PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(udp_sink_pcap_bench PRIVATE netrig_link benchmark::benchmark)
