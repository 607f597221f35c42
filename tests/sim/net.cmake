# SPDX-License-Identifier: MIT
# net: user stacks through the net API on the sim link and sim executor (deterministic), and a
# seeded lossy scenario replayable with --seed N.
netrig_test(net_user_stack_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/net_user_stack_test.cpp
    DEPS net runtime core link wire base
    LABELS sim)
