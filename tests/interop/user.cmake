# SPDX-License-Identifier: MIT
# netrig's user stack through `netrig ping` and `netrig udp-echo`:
# - interop.user.sim: on the in-process sim link (no root), plus kernel-stack ping vs iputils;
# - interop.user.{tap,xdp_native,xdp_skb}: against the Linux kernel (root) over TAP and AF_XDP;
#   interop.user.linux runs the same checks Linux-to-Linux to validate the test itself;
# - interop.user.hostile: scapy hostile input over TAP (root, python3-scapy).
# Root tests exit 77 (skipped) when root or a kernel feature or tool is missing.
if(TARGET netrig)
    find_package(Python3 COMPONENTS Interpreter)
    add_test(NAME interop.user.sim
        COMMAND ${CMAKE_CURRENT_LIST_DIR}/user_sim.sh $<TARGET_FILE:netrig>)
    set_tests_properties(interop.user.sim PROPERTIES LABELS "sim;user" TIMEOUT 300)
    foreach(mode tap xdp-native xdp-skb linux)
        string(REPLACE "-" "_" name ${mode})
        add_test(NAME interop.user.${name}
            COMMAND ${CMAKE_CURRENT_LIST_DIR}/user_interop.sh $<TARGET_FILE:netrig> ${mode})
        set_tests_properties(interop.user.${name} PROPERTIES
            LABELS "interop;root;user" SKIP_RETURN_CODE 77 TIMEOUT 600 RUN_SERIAL TRUE)
    endforeach()
    add_test(NAME interop.user.hostile
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/user_hostile.py
                $<TARGET_FILE:netrig>)
    set_tests_properties(interop.user.hostile PROPERTIES
        LABELS "interop;root;user" SKIP_RETURN_CODE 77 TIMEOUT 600 RUN_SERIAL TRUE)
endif()
