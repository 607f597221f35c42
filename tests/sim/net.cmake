# SPDX-License-Identifier: MIT
# net: user stacks through the net API on the sim link and sim executor (deterministic), and a
# seeded lossy scenario replayable with --seed N.
netrig_test(net_user_stack_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/net_user_stack_test.cpp
    DEPS net runtime core link wire base
    LABELS sim)

add_executable(net_user_lossy_sim ${CMAKE_CURRENT_LIST_DIR}/net_user_lossy_sim.cpp)
target_compile_options(net_user_lossy_sim PRIVATE ${NETRIG_WARNINGS} ${NETRIG_TEST_WARNINGS})
target_link_libraries(net_user_lossy_sim PRIVATE netrig_net netrig_runtime netrig_core
                      netrig_link netrig_wire netrig_base)
add_test(NAME sim.net_user_lossy COMMAND net_user_lossy_sim)
set_tests_properties(sim.net_user_lossy PROPERTIES LABELS "sim" TIMEOUT 300)

# Steady-state allocation count of the user stack (own binary: it replaces operator new).
netrig_test(net_user_alloc_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/net_user_alloc_test.cpp
    DEPS net runtime core link wire base
    LABELS sim)

# TCP on the user stack: two stacks on the sim link (handshake, 10 MB both ways, half-close,
# refused, timeout, cancellation, 100 connections).
netrig_test(net_user_tcp_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/net_user_tcp_test.cpp
    DEPS net runtime core link wire base
    LABELS sim)
