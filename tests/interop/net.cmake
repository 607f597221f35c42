# SPDX-License-Identifier: MIT
# net interop smoke (root): the user stack on a TAP in a private namespace, pinged by Linux,
# echoing Linux's UDP, pinging Linux, with a pcap that tshark reads. Exit 77 without root/TUN.
# (The full user-stack interop suite is tests/interop/user_*.)
add_executable(net_user_tap_probe ${CMAKE_CURRENT_LIST_DIR}/net_user_tap_probe.cpp)
target_compile_options(net_user_tap_probe PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(net_user_tap_probe PRIVATE netrig_net)
add_test(NAME interop.net.user_tap_smoke
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/net_user_tap.sh $<TARGET_FILE:net_user_tap_probe>)
set_tests_properties(interop.net.user_tap_smoke PROPERTIES
    LABELS "interop;root;net" SKIP_RETURN_CODE 77 TIMEOUT 60)

# The same against AF_XDP on a veth end (root; skipped where AF_XDP is unavailable).
add_test(NAME interop.net.user_xdp_smoke
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/net_user_xdp.sh $<TARGET_FILE:net_user_tap_probe>)
set_tests_properties(interop.net.user_xdp_smoke PROPERTIES
    LABELS "interop;root;net" SKIP_RETURN_CODE 77 TIMEOUT 90)
