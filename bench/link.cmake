# SPDX-License-Identifier: MIT
# link benchmarks. link_sim_bench: Google Benchmark kernels (impairment decisions, sim port
# round trip, fault wrapper). link_bench + link_bench.sh: system ratios on TAP and AF_XDP (raw
# loop vs device API vs API + pcap), run by hand as root: bench/link_bench.sh BUILD_DIR.
add_executable(link_sim_bench ${CMAKE_CURRENT_LIST_DIR}/link_sim_bench.cpp)
target_compile_options(link_sim_bench PRIVATE ${NETRIG_WARNINGS})
target_link_libraries(link_sim_bench PRIVATE netrig_link benchmark::benchmark)

add_executable(link_bench ${CMAKE_CURRENT_LIST_DIR}/link_bench.cpp)
target_compile_options(link_bench PRIVATE ${NETRIG_WARNINGS})
target_include_directories(link_bench PRIVATE ${CMAKE_SOURCE_DIR}/tests/interop)
# liburing directly as well: tap-rx raw drives its own io_uring, as src/link/CMakeLists.txt finds it.
pkg_check_modules(LINK_BENCH_LIBURING REQUIRED IMPORTED_TARGET liburing)
target_link_libraries(link_bench PRIVATE netrig_link PkgConfig::LINK_BENCH_LIBURING)
