# SPDX-License-Identifier: MIT
# netrig iperf3 against Debian's iperf3 3.12 on loopback (both ways, -J checked), hostile control
# connections, and signals. Skipped (77) when iperf3 is missing.
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
endif()
