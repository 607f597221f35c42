#!/usr/bin/env bash
# Builds netrig (release) and runs its main job, `netrig demo`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cmake -S . -B build -G Ninja -Wno-dev -DCMAKE_BUILD_TYPE=RelWithDebInfo > build.configure.log 2>&1 \
    || { cat build.configure.log; exit 1; }
cmake --build build 2>&1 | tail -n 1
exec ./build/netrig demo "$@"
