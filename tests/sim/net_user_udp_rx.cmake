# SPDX-License-Identifier: MIT
# net: the user stack's UDP receive path under a flood on the sim link (virtual time): a reader
# that keeps up loses nothing to the socket queue bound (issue 3).
netrig_test(net_user_udp_rx_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/net_user_udp_rx_test.cpp
    DEPS net runtime core link wire base
    LABELS sim)
