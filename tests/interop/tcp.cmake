# SPDX-License-Identifier: MIT
# TCP interop with the Linux kernel (issue 4):
# - netrig_tcp_peer: a TCP test peer (listen/connect; sink, source, echo, rst; JSON lines with
#   SHA-256 of both directions) on --stack kernel or --stack user, built in the build root so
#   other suites (scapy hostile peers) find it beside `netrig`;
# - interop.tcp.{tap,xdp_native,xdp_skb}: the user stack against Linux over TAP (--offload off)
#   and AF_XDP on veth, both directions; interop.tcp.tap_offload the same over TAP with offloads
#   (vnet header, checksum offload, TSO/GRO; a shorter bulk, plus a tshark check of a pcap);
#   interop.tcp.linux runs the same checks Linux-to-Linux (root).
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
add_executable(netrig_tcp_peer ${CMAKE_CURRENT_LIST_DIR}/tcp_peer.cpp)
target_compile_options(netrig_tcp_peer PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(netrig_tcp_peer PRIVATE netrig_cli OpenSSL::Crypto)
set_target_properties(netrig_tcp_peer PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})

# One ctest per topology. Each moves 2 x 1 GB plus 100 connections, so they are labelled heavy
# (not run under ASan). Measured wall time per mode: see the commit message / engineer B report.
foreach(mode tap tap-offload xdp-native xdp-skb linux)
    string(REPLACE "-" "_" name ${mode})
    add_test(NAME interop.tcp.${name}
        COMMAND ${CMAKE_CURRENT_LIST_DIR}/tcp_interop.sh $<TARGET_FILE:netrig_tcp_peer> ${mode})
    set_tests_properties(interop.tcp.${name} PROPERTIES
        LABELS "interop;root;tcp;heavy" SKIP_RETURN_CODE 77 TIMEOUT 900 RUN_SERIAL TRUE)
endforeach()

# interop.tcp.pmtu: netrig (TAP, --offload off) sends 20 MB through a Linux router whose next
# link has MTU 1000 to a Linux sink; the router's ICMP fragmentation-needed must feed netrig's
# path-MTU cache (RFC 1191) and pass the RFC 5927 §4.1 in-flight check; then a forged
# fragmentation-needed quoting a sequence number outside the flight must change nothing
# (scapy). About 5 s, not heavy; it owns namespaces and a TAP like the others: serial.
add_test(NAME interop.tcp.pmtu
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/tcp_pmtu.sh $<TARGET_FILE:netrig_tcp_peer>)
set_tests_properties(interop.tcp.pmtu PROPERTIES
    LABELS "interop;root;tcp" SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
