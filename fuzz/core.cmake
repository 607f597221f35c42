# SPDX-License-Identifier: MIT
# core: fuzz_core_iface drives one interface with fuzzer-chosen frames, clock advances, polls and
# UDP sends. Its seed corpus (fuzz/corpus/core_iface) is written by core_iface_corpus.
netrig_fuzz(core_iface SOURCES ${CMAKE_CURRENT_LIST_DIR}/core_iface.cpp DEPS core wire base)
target_include_directories(fuzz_core_iface PRIVATE ${CMAKE_CURRENT_LIST_DIR})
add_executable(core_iface_corpus EXCLUDE_FROM_ALL ${CMAKE_CURRENT_LIST_DIR}/core_iface_corpus.cpp)
target_compile_options(core_iface_corpus PRIVATE ${NETRIG_WARNINGS})
target_include_directories(core_iface_corpus PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(core_iface_corpus PRIVATE netrig_core netrig_wire netrig_base)
