# SPDX-License-Identifier: MIT
# core's seeded scenario: two core interfaces over a lossy, duplicating, reordering frame
# shuttle; every UDP datagram that arrives must be intact. Replay a seed with --seed N.
add_executable(core_lossy_sim ${CMAKE_CURRENT_LIST_DIR}/core_lossy_sim.cpp)
target_compile_options(core_lossy_sim PRIVATE ${NETRIG_WARNINGS} ${NETRIG_TEST_WARNINGS})
target_link_libraries(core_lossy_sim PRIVATE netrig_core netrig_wire netrig_base)
add_test(NAME sim.core_lossy_udp COMMAND core_lossy_sim)
set_tests_properties(sim.core_lossy_udp PROPERTIES LABELS "sim" TIMEOUT 300)
