#!/usr/bin/env bash
# Builds netrig in every configuration CI checks and runs all tests:
#   1. clang-14 + ASan/UBSan: unit and sim tests (not those labelled heavy: 100 MB transfers and
#      the full seed sweep, which run in step 4);
#   2. g++-12 + ASan/UBSan: unit and sim tests (coroutine code must pass under both compilers);
#   3. clang-14 libFuzzer: a smoke run of every fuzz target (NETRIG_FUZZ_SECONDS each, default 20);
#   4. g++-12 release (-O2, asserts on): every test, including interop against real Linux peers
#      (root) and the layering checks. Its ctest summary is the last thing printed.
# Usage: scripts/test-all.sh [--quick]   (--quick: only step 4)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
quick=0
[ "${1:-}" = "--quick" ] && quick=1
start=$(date +%s)
stamp() { echo "== test-all: $* (+$(( $(date +%s) - start ))s)"; }

configure_build() {  # dir, then cmake args; TARGET=name builds only that target
    local dir=$1; shift
    cmake -S . -B "$dir" -G Ninja -Wno-dev "$@" > "$dir.configure.log" 2>&1 \
        || { cat "$dir.configure.log"; return 1; }
    cmake --build "$dir" ${TARGET:+--target "$TARGET"} 2>&1 | tail -n 3
}

bash scripts/check-banned.sh .

if [ "$quick" -eq 0 ]; then
    stamp "clang-14 ASan+UBSan build"
    configure_build build-asan-clang -DCMAKE_BUILD_TYPE=Debug -DNETRIG_SANITIZE=ON \
        -DNETRIG_BENCH=OFF -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14
    stamp "clang-14 ASan+UBSan tests"
    ctest --test-dir build-asan-clang -L 'unit|sim' -LE 'layering|heavy' --output-on-failure \
        -j 2 --timeout 600 | tail -n 25

    stamp "g++-12 ASan+UBSan build"
    configure_build build-asan-gcc -DCMAKE_BUILD_TYPE=Debug -DNETRIG_SANITIZE=ON \
        -DNETRIG_BENCH=OFF -DCMAKE_CXX_COMPILER=g++ -DCMAKE_C_COMPILER=gcc
    stamp "g++-12 ASan+UBSan tests"
    ctest --test-dir build-asan-gcc -L 'unit|sim' -LE 'layering|heavy' --output-on-failure \
        -j 2 --timeout 600 | tail -n 25

    stamp "clang-14 libFuzzer build"
    TARGET=fuzz_all configure_build build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNETRIG_FUZZ=ON \
        -DNETRIG_BENCH=OFF -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14
    stamp "fuzz smoke runs"
    ctest --test-dir build-fuzz -L fuzz --output-on-failure -j 2 | tail -n 25
fi

stamp "g++-12 release build"
configure_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
stamp "all tests (release)"
ctest --test-dir build --output-on-failure -j 2 --timeout 900
