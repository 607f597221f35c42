#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# System benchmark: netrig iperf3 client+server vs the iperf3 3.12 pair, kernel stack, loopback.
#   TCP: -C cubic, 5 s, server pinned to CPU 1 and client to CPU 0, receiver bitrate.
#   UDP: -l 64 -b 0, 5 s, same pinning, sender packets/s, receiver packets/s and loss.
# Runs alternate (iperf3, netrig, iperf3, netrig, ...) so drift hits both alike; the median of
# RUNS runs is reported with the netrig/iperf3 ratio.
# Usage: bench/iperf3_bench.sh NETRIG_BINARY [RUNS=3] [SECONDS=5]
#   env MODES (default "tcp udp"): which of the two comparisons run.
set -euo pipefail
NETRIG=${1:?usage: iperf3_bench.sh NETRIG_BINARY [RUNS] [SECONDS]}
RUNS=${2:-3}
SECS=${3:-5}
command -v iperf3 >/dev/null || { echo "iperf3 is not installed"; exit 77; }
PORT=$((38000 + ($$ % 1000) * 2))
TMP=$(mktemp -d /tmp/netrig-iperf3-bench.XXXXXX)
SRV=""
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

tool() {  # tool KIND -> command prefix
    if [ "$1" = iperf3 ]; then echo "iperf3"; else echo "$NETRIG iperf3"; fi
}

run_one() {  # run_one KIND MODE -> prints metrics line
    local kind=$1 mode=$2 args
    if [ "$mode" = tcp ]; then args="-C cubic"; else args="-u -l 64 -b 0"; fi
    timeout $((SECS + 30)) taskset -c 1 $(tool "$kind") -s -1 -p "$PORT" >/dev/null 2>&1 &
    SRV=$!
    # No connect probe: a real iperf3 -1 server would take it for its one client.
    sleep 0.5
    timeout $((SECS + 30)) taskset -c 0 $(tool "$kind") -c 127.0.0.1 -p "$PORT" -t "$SECS" \
        $args -J >"$TMP/out.json"
    wait "$SRV" || true
    SRV=""
    python3 - "$TMP/out.json" "$mode" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); e = d["end"]
if sys.argv[2] == "tcp":
    print(e["sum_received"]["bits_per_second"] / 1e9)
else:
    s = e["sum"] if "sum" in e else e["sum_received"]
    sent = e["sum_sent"]["packets"]; secs = e["sum_sent"]["seconds"]
    lost = s["lost_packets"]
    print(sent / secs, (sent - lost) / secs, 100.0 * lost / max(sent, 1))
PY
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2)? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

MODES=${MODES:-tcp udp}
for mode in $MODES; do
    : >"$TMP/iperf3.$mode"; : >"$TMP/netrig.$mode"
    for i in $(seq "$RUNS"); do
        for kind in iperf3 netrig; do
            line=$(run_one "$kind" "$mode")
            echo "$mode run $i $kind: $line" >&2
            echo "$line" >>"$TMP/$kind.$mode"
            sleep 1
        done
    done
done

echo "netrig iperf3 vs iperf3 3.12, kernel stack, loopback, server CPU 1 / client CPU 0, ${SECS} s, median of ${RUNS} alternating runs"
if [[ " $MODES " == *" tcp "* ]]; then
ti=$(cut -d' ' -f1 "$TMP/iperf3.tcp" | median); tn=$(cut -d' ' -f1 "$TMP/netrig.tcp" | median)
printf "TCP cubic receiver Gbit/s: iperf3 %.2f  netrig %.2f  ratio %.2f\n" "$ti" "$tn" "$(echo "$tn / $ti" | bc -l)"
fi
[[ " $MODES " == *" udp "* ]] || exit 0
for col in 1 2 3; do
    name=$(case $col in 1) echo "UDP 64 B sender pps";; 2) echo "UDP 64 B received pps";; 3) echo "UDP 64 B loss %";; esac)
    ui=$(cut -d' ' -f$col "$TMP/iperf3.udp" | median); un=$(cut -d' ' -f$col "$TMP/netrig.udp" | median)
    printf "%s: iperf3 %.0f  netrig %.0f  ratio %.2f\n" "$name" "$ui" "$un" "$(echo "$un / ($ui + 0.000001)" | bc -l)"
done
