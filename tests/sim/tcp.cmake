# SPDX-License-Identifier: MIT
# The deterministic TCP sim suite (issue 4): two core interfaces on a seeded, impaired sim link
# in virtual time; every transfer is hash-compared and must close cleanly. A failure prints its
# replay command (tcp_sim_suite --profile P --seed S ...). See docs/TESTING.md.
add_executable(tcp_sim_suite
    ${CMAKE_CURRENT_LIST_DIR}/tcp_suite.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tcp_suite_scenario.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tcp_suite_profiles.cpp)
target_compile_options(tcp_sim_suite PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(tcp_sim_suite PRIVATE netrig_core netrig_link netrig_wire netrig_base)

# 100 MB each way (both directions at once), one seed, for every profile: release stage only.
foreach(profile loss0 loss1 loss5 loss10 loss20 burst reorder dup corrupt bottleneck mix)
    add_test(NAME sim.tcp_suite.100mb.${profile}
             COMMAND tcp_sim_suite --profile ${profile} --bytes 100M --seed 1)
    set_tests_properties(sim.tcp_suite.100mb.${profile} PROPERTIES
        LABELS "sim;heavy" TIMEOUT 600)
endforeach()

# 100 seeds x 11 profiles = 1100 scenarios of 256 KiB - 2 MiB with seeded direction, MSS, buffer
# sizes, application chunk and congestion control.
add_test(NAME sim.tcp_suite.seeds COMMAND tcp_sim_suite --profile all --seeds 100)
set_tests_properties(sim.tcp_suite.seeds PROPERTIES LABELS "sim;heavy" TIMEOUT 900)

# The ASan stages' share: 5 seeds x 11 profiles, each run twice (determinism check).
add_test(NAME sim.tcp_suite.seeds_quick
         COMMAND tcp_sim_suite --profile all --seeds 5 --check-determinism)
set_tests_properties(sim.tcp_suite.seeds_quick PROPERTIES LABELS "sim" TIMEOUT 900)
