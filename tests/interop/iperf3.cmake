# SPDX-License-Identifier: MIT
# netrig iperf3 against Debian's iperf3 3.12 on loopback (both ways, -J checked), hostile control
# connections, and signals. Skipped (77) when iperf3 is missing.
# interop.iperf3.user_tap (root): netrig on the USER stack over TAP against the real iperf3 on
# the Linux stack in a namespace, both roles. Skipped (77) without root, TUN/TAP or iperf3.
# cli.demo_user_tap (root): `netrig demo --stack user` with its Linux-over-TAP part, including
# cleanup after SIGINT. Skipped (77) without root or TUN/TAP.
# Both are labelled heavy (release stage only): about 50 s and 15 s of real-time TCP/UDP whose
# rate and duration checks were not validated under ASan.
if(TARGET netrig)
    find_package(Python3 COMPONENTS Interpreter)
    add_test(NAME interop.iperf3.against_real_iperf3
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/iperf3_interop.py
                $<TARGET_FILE:netrig>)
    add_test(NAME interop.iperf3.hostile_peers
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/iperf3_hostile.py
                $<TARGET_FILE:netrig>)
    add_test(NAME interop.iperf3.netrig_pair
        COMMAND ${CMAKE_CURRENT_LIST_DIR}/iperf3_pair.sh $<TARGET_FILE:netrig>)
    set_tests_properties(interop.iperf3.against_real_iperf3 interop.iperf3.hostile_peers
                         interop.iperf3.netrig_pair
        PROPERTIES LABELS "interop" SKIP_RETURN_CODE 77 TIMEOUT 600 RUN_SERIAL TRUE)
    add_test(NAME interop.iperf3.user_tap
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/iperf3_user_tap.py
                $<TARGET_FILE:netrig>)
    set_tests_properties(interop.iperf3.user_tap
        PROPERTIES LABELS "interop;root;iperf3;heavy" SKIP_RETURN_CODE 77 TIMEOUT 300 RUN_SERIAL TRUE)
    add_test(NAME cli.demo_user_tap
        COMMAND ${CMAKE_CURRENT_LIST_DIR}/iperf3_user_demo.sh $<TARGET_FILE:netrig>)
    set_tests_properties(cli.demo_user_tap
        PROPERTIES LABELS "interop;root;heavy" SKIP_RETURN_CODE 77 TIMEOUT 300 RUN_SERIAL TRUE)
endif()
