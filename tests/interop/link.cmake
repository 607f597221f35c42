# SPDX-License-Identifier: MIT
# link interop tests: TAP against the Linux kernel in a private network namespace (root).
# Each case builds and deletes its own namespace; they exit 77 (skipped) without root or TUN.
add_executable(link_tap_probe ${CMAKE_CURRENT_LIST_DIR}/link_tap_probe.cpp)
target_compile_options(link_tap_probe PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(link_tap_probe PRIVATE netrig_link)

foreach(case errors permission rx_arp rx_arp_vnet tx_udp tx_udp_vnet pcap_rx pcap_tx fault_tx_loss
        rx_checksum_offload tx_checksum_offload)
    add_test(NAME interop.link.tap.${case}
        COMMAND ${CMAKE_CURRENT_LIST_DIR}/link_tap.sh $<TARGET_FILE:link_tap_probe> ${case})
    set_tests_properties(interop.link.tap.${case} PROPERTIES
        LABELS "interop;root;link" SKIP_RETURN_CODE 77 TIMEOUT 60)
endforeach()

# AF_XDP over a veth pair in two namespaces (root): rx and tx in native and SKB mode, tx-only
# without a program, EBUSY on a second bind, program unloaded on close and on SIGINT cleanup.
add_executable(link_xdp_probe ${CMAKE_CURRENT_LIST_DIR}/link_xdp_probe.cpp)
target_compile_options(link_xdp_probe PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(link_xdp_probe PRIVATE netrig_link)
foreach(case rx_native rx_skb tx_native tx_skb tx_only busy sigint_cleanup)
    add_test(NAME interop.link.xdp.${case}
        COMMAND ${CMAKE_CURRENT_LIST_DIR}/link_xdp.sh $<TARGET_FILE:link_xdp_probe> ${case})
    set_tests_properties(interop.link.xdp.${case} PROPERTIES
        LABELS "interop;root;link" SKIP_RETURN_CODE 77 TIMEOUT 60)
endforeach()
