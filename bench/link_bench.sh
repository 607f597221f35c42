#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# System-ratio benchmark of the link backends (root). Usage: bench/link_bench.sh BUILD_DIR
#   [SECONDS per run, default 2] [RUNS, default 3]
# Builds its own namespaces (PID-suffixed), pins the measured program to CPU 1 and the kernel
# traffic generator/sink to CPU 0, runs each case RUNS times and prints the median frames/s:
#   TAP tx   (program writes -> kernel UDP socket)   raw write() loop | device API | API+pcap
#   TAP rx   (kernel UDP flood -> program)           raw io_uring reader (link_bench tap-rx raw:
#            batches of RWF_NOWAIT reads, as the device does; `tap-rx read` is one read() per
#            frame) | device API | API+pcap
#   AF_XDP tx on veth (native, copy; peer GRO on)    raw libxdp loop  | device API | API+pcap
#   AF_XDP rx on veth (native, copy; kernel flood)   raw libxdp loop  | device API | API+pcap
# at 64 B and 1472 B UDP payload (106 and 1514 B frames).
set -euo pipefail
build=$1
secs=${2:-2}
runs=${3:-3}
bin="$build/link_bench"
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }

nsT="nrlbt$$"; tap="nrbt$$"
nsA="nrlba$$"; nsB="nrlbb$$"; vA="nba$$"; vB="nbb$$"
cleanup() {
    ip netns exec "$nsB" xdp-loader unload -a "$vB" >/dev/null 2>&1 || true
    for n in "$nsT" "$nsA" "$nsB"; do ip netns del "$n" 2>/dev/null || true; done
}
trap cleanup EXIT

ip netns add "$nsT"
ip -n "$nsT" link set lo up
ip -n "$nsT" tuntap add dev "$tap" mode tap
ip -n "$nsT" addr add 10.78.0.1/24 dev "$tap"
ip -n "$nsT" link set "$tap" up
ip netns exec "$nsT" sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1"
ip -n "$nsT" neigh replace 10.78.0.2 lladdr 02:00:00:00:00:02 dev "$tap" nud permanent

ip netns add "$nsA"; ip netns add "$nsB"
ip link add "$vA" netns "$nsA" type veth peer name "$vB" netns "$nsB"
ip -n "$nsA" addr add 10.77.0.1/24 dev "$vA"
for n in "$nsA" "$nsB"; do ip -n "$n" link set lo up; done
ip -n "$nsA" link set "$vA" up; ip -n "$nsB" link set "$vB" up
ip netns exec "$nsA" sysctl -qw "net.ipv6.conf.$vA.disable_ipv6=1"
ip netns exec "$nsB" sysctl -qw "net.ipv6.conf.$vB.disable_ipv6=1"
ip netns exec "$nsA" ethtool -K "$vA" gro on >/dev/null
macA=$(ip netns exec "$nsA" cat "/sys/class/net/$vA/address")
macB=$(ip netns exec "$nsB" cat "/sys/class/net/$vB/address")
ip -n "$nsA" neigh replace 10.77.0.2 lladdr "$macB" dev "$vA" nud permanent

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# one_run NS_MEASURED HELPER_NS HELPER_ARGS... -- MEASURED_ARGS...
one_run() {
    local ns=$1 hns=$2; shift 2
    local helper=()
    while [ "$1" != "--" ]; do helper+=("$1"); shift; done
    shift
    ip netns exec "$hns" taskset -c 0 "$bin" "${helper[@]}" >/dev/null 2>&1 &
    local hpid=$!
    sleep 0.3
    ip netns exec "$ns" taskset -c 1 "$bin" "$@" 2>/dev/null | tee -a "$log" | awk '/^fps/ {print $2}'
    kill "$hpid" 2>/dev/null || true
    wait "$hpid" 2>/dev/null || true
}

log=$(mktemp)
printf "%-8s %-5s %-6s %12s\n" path dir mode "median fps"
for payload in 64 1472; do
    for mode in raw api pcap; do
        r=$(for _ in $(seq "$runs"); do
            one_run "$nsT" "$nsT" sink 10.78.0.1 9999 $((secs + 2)) -- tap-tx "$mode" "$tap" "$payload" "$secs"
        done | median)
        printf "%-8s %-5s %-6s %12s  (payload %s)\n" tap tx "$mode" "$r" "$payload"
    done
    for mode in raw api pcap; do
        r=$(for _ in $(seq "$runs"); do
            one_run "$nsT" "$nsT" flood 10.78.0.2 9999 "$payload" $((secs + 2)) -- tap-rx "$mode" "$tap" "$secs"
        done | median)
        printf "%-8s %-5s %-6s %12s  (payload %s)\n" tap rx "$mode" "$r" "$payload"
    done
    for mode in raw api pcap; do
        r=$(for _ in $(seq "$runs"); do
            one_run "$nsB" "$nsA" sink 10.77.0.1 9999 $((secs + 2)) -- xdp-tx "$mode" "$vB" "$macA" "$payload" "$secs"
        done | median)
        printf "%-8s %-5s %-6s %12s  (payload %s)\n" af_xdp tx "$mode" "$r" "$payload"
    done
    for mode in raw api pcap; do
        r=$(for _ in $(seq "$runs"); do
            one_run "$nsB" "$nsA" flood 10.77.0.2 9999 "$payload" $((secs + 2)) -- xdp-rx "$mode" "$vB" "$secs"
        done | median)
        printf "%-8s %-5s %-6s %12s  (payload %s)\n" af_xdp rx "$mode" "$r" "$payload"
    done
done
echo "pcap capture counts (written/dropped per pcap run):"
grep "^pcap" "$log" | sort | uniq -c | sort -rn | head -5 || true
rm -f "$log"
