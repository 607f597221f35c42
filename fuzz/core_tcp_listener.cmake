# SPDX-License-Identifier: MIT
# core/tcp (engineer G): fuzz_core_tcp_listener drives a listener and a TIME-WAIT table with
# fuzzer-chosen segments (flags, sequence numbers near or far, options), clock advances, polls
# and accepts, and checks every bound after each step.
netrig_fuzz(core_tcp_listener SOURCES ${CMAKE_CURRENT_LIST_DIR}/core_tcp_listener.cpp
    DEPS core wire base)
