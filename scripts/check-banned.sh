#!/usr/bin/env bash
# Enforces the sans-IO rule of DESIGN.md: src/core and src/wire read no clock, make no OS call,
# use no global RNG and do no I/O. Prints each offending line and exits 1 if there is any.
# Unit tests (*_test.cpp) are not the product and may print or read the environment (tracing).
# Free read()/write() need <unistd.h>, which is banned; only ::read(/::write( are matched, so
# that members such as send_buffer::write are not.
set -euo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root"
banned=(
    'steady_clock' 'system_clock' 'high_resolution_clock' 'clock_gettime' 'gettimeofday'
    '\btime\(' 'std::rand\b' '\brand\(' 'srand' 'random_device' 'mt19937'
    '#include <sys/' '#include <unistd\.h>' '#include <fcntl\.h>' '#include <netinet/'
    '#include <arpa/' '#include <linux/' '#include <thread>' '#include <mutex>'
    '#include <fstream>' '#include <iostream>' '\bfopen\(' '\bprintf\(' '\bsleep\('
    '\bsocket\(' '(^|[^[:alnum:]_]):: *(read|write)\(' '\bioctl\(' '\bgetenv\('
)
pattern=$(IFS='|'; echo "${banned[*]}")
status=0
for dir in src/core src/wire; do
    [ -d "$dir" ] || continue
    # Comments may name banned things (to explain why they are absent); code may not.
    if grep -rnE --include='*.hpp' --include='*.cpp' --exclude='*_test.cpp' "$pattern" "$dir" \
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
