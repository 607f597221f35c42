#!/usr/bin/env bash
# Enforces the sans-IO rule of DESIGN.md: src/core and src/wire read no clock, make no OS call,
# use no global RNG and do no I/O. Prints each offending line and exits 1 if there is any.
set -euo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root"
banned=(
    'steady_clock' 'system_clock' 'high_resolution_clock' 'clock_gettime' 'gettimeofday'
    '\btime\(' 'std::rand\b' '\brand\(' 'srand' 'random_device' 'mt19937'
    '#include <sys/' '#include <unistd\.h>' '#include <fcntl\.h>' '#include <netinet/'
    '#include <arpa/' '#include <linux/' '#include <thread>' '#include <mutex>'
    '#include <fstream>' '#include <iostream>' '\bfopen\(' '\bprintf\(' '\bsleep\('
    '\bsocket\(' '\bread\(' '\bwrite\(' '\bioctl\(' '\bgetenv\('
)
pattern=$(IFS='|'; echo "${banned[*]}")
status=0
for dir in src/core src/wire; do
    [ -d "$dir" ] || continue
    # Comments may name banned things (to explain why they are absent); code may not.
    if grep -rnE --include='*.hpp' --include='*.cpp' "$pattern" "$dir" \
        | grep -vE '^[^:]+:[0-9]+:\s*//' ; then
        status=1
    fi
done
if [ "$status" -ne 0 ]; then
    echo "check-banned: the lines above use a clock, the OS, I/O or a global RNG in core/wire" >&2
else
    echo "check-banned: src/core and src/wire are free of clocks, OS calls and global RNGs"
fi
exit "$status"
