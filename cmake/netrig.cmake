# SPDX-License-Identifier: MIT
# Helpers that every layer uses: warnings, sanitizers, per-layer include roots, tests.

set(NETRIG_WARNINGS
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow -Wcast-qual
    -Wnon-virtual-dtor -Wmissing-declarations -Wundef -Wvla -Wformat=2
    -Wimplicit-fallthrough -Werror
    # g++ 12 warns when a designated initializer omits a member that has a default member
    # initializer, which is exactly how STYLE.md wants options structs to be written.
    -Wno-missing-field-initializers)
# Tests relax what gtest macros trip over, as Abseil does for its tests.
set(NETRIG_TEST_WARNINGS -Wno-sign-conversion -Wno-conversion -Wno-missing-declarations)

if(NETRIG_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        # clang 14's -fsanitize=function crashes its backend on coroutine frames ("Cannot
        # represent a difference across sections"); every other UBSan check stays on.
        add_compile_options(-fno-sanitize=function)
    endif()
endif()
if(NETRIG_ASSERTS)
    add_compile_definitions(NETRIG_ASSERTS=1)
endif()

# Each layer's headers are reachable only through a private include root that holds a single
# symlink, <root>/<layer> -> src/<layer>. A target therefore sees "<layer>/x.hpp" only for the
# layers it links, and a forbidden include (core -> link, core -> runtime) fails to compile.
function(netrig_layer_include_root layer out_var)
    set(root "${CMAKE_BINARY_DIR}/include_roots/${layer}")
    file(MAKE_DIRECTORY "${root}")
    if(NOT EXISTS "${root}/${layer}")
        file(CREATE_LINK "${CMAKE_SOURCE_DIR}/src/${layer}" "${root}/${layer}" SYMBOLIC)
    endif()
    set(${out_var} "${root}" PARENT_SCOPE)
endfunction()

# netrig_layer(<layer> SOURCES ... DEPS ... [LIBS ...])
# Defines target netrig_<layer>, alias netrig::<layer>. DEPS are other layers (names only),
# LIBS are external libraries.
function(netrig_layer layer)
    cmake_parse_arguments(A "" "" "SOURCES;DEPS;LIBS" ${ARGN})
    netrig_layer_include_root(${layer} root)
    if(A_SOURCES)
        add_library(netrig_${layer} STATIC ${A_SOURCES})
        target_include_directories(netrig_${layer} PUBLIC "${root}")
        target_compile_options(netrig_${layer} PRIVATE ${NETRIG_WARNINGS})
        set(scope PUBLIC)
    else()
        add_library(netrig_${layer} INTERFACE)
        target_include_directories(netrig_${layer} INTERFACE "${root}")
        set(scope INTERFACE)
    endif()
    foreach(dep IN LISTS A_DEPS)
        target_link_libraries(netrig_${layer} ${scope} netrig_${dep})
    endforeach()
    if(A_LIBS)
        target_link_libraries(netrig_${layer} ${scope} ${A_LIBS})
    endif()
    add_library(netrig::${layer} ALIAS netrig_${layer})
endfunction()

# netrig_test(<name> SOURCES ... DEPS ... [LABELS ...])
# A GoogleTest binary registered with ctest (one ctest entry per TEST via gtest_discover_tests).
include(GoogleTest)
function(netrig_test name)
    cmake_parse_arguments(A "" "" "SOURCES;DEPS;LIBS;LABELS" ${ARGN})
    add_executable(${name} ${A_SOURCES})
    target_compile_options(${name} PRIVATE ${NETRIG_WARNINGS} ${NETRIG_TEST_WARNINGS})
    foreach(dep IN LISTS A_DEPS)
        target_link_libraries(${name} PRIVATE netrig_${dep})
    endforeach()
    target_link_libraries(${name} PRIVATE ${A_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
    target_compile_definitions(${name} PRIVATE
        NETRIG_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
    set(labels unit ${A_LABELS})
    gtest_discover_tests(${name} PROPERTIES LABELS "${labels}" DISCOVERY_TIMEOUT 60)
endfunction()

# Fuzzing: clang-14 libFuzzer. Every library is instrumented; each target links the fuzzer main.
if(NETRIG_FUZZ)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                        -fno-sanitize=function)
    add_link_options(-fsanitize=address,undefined)
    # Lets checksum verification pass so fuzzers reach code behind it (smoltcp's cfg!(fuzzing)).
    add_compile_definitions(NETRIG_FUZZING=1)
endif()

# netrig_fuzz(<name> SOURCES ... DEPS ...)
# A libFuzzer target fuzz_<name> with its committed corpus in fuzz/corpus/<name>/, and a ctest
# smoke run (fuzz.smoke.<name>) of NETRIG_FUZZ_SECONDS seconds that must find no crash.
set(NETRIG_FUZZ_SECONDS 20 CACHE STRING "Length of each fuzz smoke run in ctest")
function(netrig_fuzz name)
    cmake_parse_arguments(A "" "" "SOURCES;DEPS;LIBS" ${ARGN})
    add_executable(fuzz_${name} ${A_SOURCES})
    # fuzz_all builds every fuzz target and nothing else (the CI fuzz stage needs no tests).
    if(NOT TARGET fuzz_all)
        add_custom_target(fuzz_all)
    endif()
    add_dependencies(fuzz_all fuzz_${name})
    target_compile_options(fuzz_${name} PRIVATE ${NETRIG_WARNINGS})
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
    foreach(dep IN LISTS A_DEPS)
        target_link_libraries(fuzz_${name} PRIVATE netrig_${dep})
    endforeach()
    target_link_libraries(fuzz_${name} PRIVATE ${A_LIBS})
    set(corpus "${CMAKE_SOURCE_DIR}/fuzz/corpus/${name}")
    # Work on a copy so that a smoke run never rewrites the committed corpus.
    set(work "${CMAKE_BINARY_DIR}/fuzz_work/${name}")
    add_test(NAME fuzz.smoke.${name}
        COMMAND sh -c "rm -rf '${work}' && mkdir -p '${work}' && cp -r '${corpus}'/. '${work}'/ && \
exec '$<TARGET_FILE:fuzz_${name}>' -max_total_time=${NETRIG_FUZZ_SECONDS} -rss_limit_mb=2048 \
-print_final_stats=1 -artifact_prefix='${CMAKE_BINARY_DIR}/fuzz_work/${name}-' '${work}'")
    set_tests_properties(fuzz.smoke.${name} PROPERTIES LABELS "fuzz"
        TIMEOUT 300)
endfunction()
