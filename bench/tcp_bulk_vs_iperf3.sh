#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench: TCP bulk over loopback, netrig's socket API (kernel stack, tools/bulk) vs real iperf3,
# in the same run under the same conditions: congestion control cubic, server/sink pinned to
# CPU 1 and client/source to CPU 0 (taskset; iperf3 -A too), 128 KiB writes, SECONDS s each,
# RUNS runs alternating the two. Reports receiver-side Gbit/s (iperf3 sum_received, netrig
# sink), the median of each, and the ratio netrig/iperf3.
#
# Usage: bench/tcp_bulk_vs_iperf3.sh [path/to/tcp_bulk_bench]
#   env: RUNS (default 5), SECONDS_EACH (default 5), CC (default cubic)
# Traffic stays on 127.0.0.1; every process is bounded by `timeout`.
set -euo pipefail

bin=${1:-$(dirname "$0")/../build-net/bench/tcp_bulk_bench}
runs=${RUNS:-5}
secs=${SECONDS_EACH:-5}
cc=${CC:-cubic}
[ -x "$bin" ] || { echo "no tcp_bulk_bench at $bin (build target tcp_bulk_bench)" >&2; exit 1; }
command -v iperf3 >/dev/null || { echo "iperf3 not installed" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs for the pinning" >&2; exit 1; }

# Ports unique to this run so parallel runs do not collide.
port_iperf=$((20000 + $$ % 20000))
port_netrig=$((port_iperf + 1))
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
limit=$((secs + 20))

wait_listen() {  # port: wait until something listens there (at most 5 s)
    for _ in $(seq 50); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}

run_iperf3() {
    timeout "$limit" taskset -c 1 iperf3 -s -1 -p "$port_iperf" -A 1 >/dev/null 2>&1 &
    local server=$!
    pids+=("$server")
    wait_listen "$port_iperf"
    timeout "$limit" taskset -c 0 iperf3 -c 127.0.0.1 -p "$port_iperf" -A 0 -C "$cc" \
        -t "$secs" -l 128K -J >"$tmp/iperf3.json"
    wait "$server" || true
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["end"]
print("%.3f %d" % (e["sum_received"]["bits_per_second"]/1e9, e["sum_sent"].get("retransmits",0)))' \
        "$tmp/iperf3.json"
}

run_netrig() {
    timeout "$limit" taskset -c 1 "$bin" sink -p "$port_netrig" -C "$cc" >"$tmp/sink.txt" &
    local sink=$!
    pids+=("$sink")
    wait_listen "$port_netrig"
    timeout "$limit" taskset -c 0 "$bin" source -c "127.0.0.1:$port_netrig" -C "$cc" \
        -t "$secs" -l 131072 >"$tmp/source.txt"
    wait "$sink"
    local gbps retr
    gbps=$(awk '$1=="RESULT" && $2=="sink" {print $5}' "$tmp/sink.txt")
    retr=$(awk '$1=="RESULT" && $2=="source" {print $6}' "$tmp/source.txt")
    printf '%.3f %d\n' "$gbps" "$retr"
}

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }

echo "TCP bulk over loopback: cc=$cc, sink/server CPU 1, source/client CPU 0, 128 KiB writes," \
     "${secs} s x $runs runs each, alternating; receiver Gbit/s"
printf '%-4s %-16s %-16s\n' run "iperf3 (retr)" "netrig (retr)"
: >"$tmp/i"; : >"$tmp/n"
for run in $(seq "$runs"); do
    # Alternate which goes first so slow drifts of the machine hit both equally.
    if [ $((run % 2)) -eq 1 ]; then
        i=$(run_iperf3); n=$(run_netrig)
    else
        n=$(run_netrig); i=$(run_iperf3)
    fi
    echo "${i% *}" >>"$tmp/i"; echo "${n% *}" >>"$tmp/n"
    printf '%-4s %-16s %-16s\n' "$run" "${i% *} (${i#* })" "${n% *} (${n#* })"
done
mi=$(median <"$tmp/i"); mn=$(median <"$tmp/n")
printf '%-4s %-16s %-16s\n' med "$mi" "$mn"
awk -v a="$mn" -v b="$mi" 'BEGIN {printf "ratio netrig/iperf3 = %.3f (target >= 0.9)\n", a/b}'
