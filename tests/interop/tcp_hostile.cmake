# SPDX-License-Identifier: MIT
# interop.tcp.hostile: hostile TCP peers from python3-scapy against netrig_tcp_peer's echo
# listener on the user stack over TAP (tcp_hostile.py): blind RST/SYN/data injection in and
# out of the window (RFC 5961), challenge-ACK limits, a SYN flood (cookies, bounded memory),
# malformed and odd options, PAWS, bogus SACK blocks, zero-window probing. Root and
# python3-scapy, else skipped (77). About 25 s in release; not "heavy" (one netrig process,
# bounded input).
# netrig_tcp_peer is defined in tcp.cmake, which the sorted glob in tests/CMakeLists.txt
# includes before this file.
if(TARGET netrig_tcp_peer)
    find_package(Python3 COMPONENTS Interpreter)
    add_test(NAME interop.tcp.hostile
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/tcp_hostile.py
                $<TARGET_FILE:netrig_tcp_peer>)
    set_tests_properties(interop.tcp.hostile PROPERTIES
        LABELS "interop;root;tcp" SKIP_RETURN_CODE 77 TIMEOUT 300 RUN_SERIAL TRUE)
endif()
