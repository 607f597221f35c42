#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# UDP-sink benchmark (root). Usage: bench/udp_sink.sh BUILD_DIR [SECONDS per run, default 2]
#   [RUNS, default 3] [PCAP_DIR, default /dev/shm]
# The kernel in a netns floods UDP (link_bench flood: sendmmsg, pinned to CPU 0) at a receiver
# pinned to CPU 1, which is in turn:
#   raw   link_bench's minimal reader: frames read off the TAP fd / AF_XDP rx ring, discarded
#   sink  udp_sink_bench: core::interface over the link device, one bound UDP socket drained
#         with udp_recv_from (datagrams delivered to the socket are counted)
#   pcap  the same sink with the device wrapped in pcap_recorder (file in PCAP_DIR)
# over TAP and AF_XDP (native XDP, copy mode, on veth), at 64 B and 1472 B payloads. Each run
# does raw, sink and pcap back to back; medians over RUNS are printed with sink/raw and
# pcap/sink. Namespaces are PID-suffixed and deleted on exit; every process is time-bounded.
set -euo pipefail
build=$1
secs=${2:-2}
runs=${3:-3}
pcap_dir=${4:-/dev/shm}
lb="$build/bench/link_bench"
us="$build/bench/udp_sink_bench"
[ -x "$lb" ] || lb="$build/link_bench"
[ -x "$us" ] || us="$build/udp_sink_bench"
[ "$(id -u)" -eq 0 ] || { echo "needs root"; exit 77; }
[ -x "$lb" ] && [ -x "$us" ] || { echo "build link_bench and udp_sink_bench first"; exit 1; }

nsT="nrust$$"; tap="nrut$$"
nsA="nrusa$$"; nsB="nrusb$$"; vA="nua$$"; vB="nub$$"
log=$(mktemp)
cleanup() {
    ip netns exec "$nsB" xdp-loader unload -a "$vB" >/dev/null 2>&1 || true
    for n in "$nsT" "$nsA" "$nsB"; do ip netns del "$n" 2>/dev/null || true; done
    rm -f "$log" "$pcap_dir"/netrig_udp_sink_bench_$$.pcap
}
trap cleanup EXIT

# kernel (10.78.0.1) --TAP--> sink (10.78.0.2, MAC 02:00:00:00:00:02)
ip netns add "$nsT"
ip -n "$nsT" link set lo up
ip -n "$nsT" tuntap add dev "$tap" mode tap
ip -n "$nsT" addr add 10.78.0.1/24 dev "$tap"
ip -n "$nsT" link set "$tap" up
ip netns exec "$nsT" sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1"
ip -n "$nsT" neigh replace 10.78.0.2 lladdr 02:00:00:00:00:02 dev "$tap" nud permanent

# kernel (nsA, 10.77.0.1) --veth--> sink on vB by AF_XDP (10.77.0.2, vB's MAC, no kernel IP)
ip netns add "$nsA"; ip netns add "$nsB"
ip link add "$vA" netns "$nsA" type veth peer name "$vB" netns "$nsB"
ip -n "$nsA" addr add 10.77.0.1/24 dev "$vA"
for n in "$nsA" "$nsB"; do ip -n "$n" link set lo up; done
ip -n "$nsA" link set "$vA" up; ip -n "$nsB" link set "$vB" up
ip netns exec "$nsA" sysctl -qw "net.ipv6.conf.$vA.disable_ipv6=1"
ip netns exec "$nsB" sysctl -qw "net.ipv6.conf.$vB.disable_ipv6=1"
# veth offloads the UDP checksum (CHECKSUM_PARTIAL): XDP would see a partial checksum that the
# sink rightly drops, so the sender computes it in software (as it must for a real NIC peer).
ip netns exec "$nsA" ethtool -K "$vA" tx off >/dev/null
macB=$(ip netns exec "$nsB" cat "/sys/class/net/$vB/address")
ip -n "$nsA" neigh replace 10.77.0.2 lladdr "$macB" dev "$vA" nud permanent

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# one_run NS FLOOD_NS FLOOD_DST PAYLOAD -- MEASURED COMMAND...
one_run() {
    local ns=$1 fns=$2 dst=$3 payload=$4; shift 5
    timeout $((secs + 10)) ip netns exec "$fns" taskset -c 0 \
        "$lb" flood "$dst" 9999 "$payload" $((secs + 2)) >/dev/null 2>&1 &
    local fpid=$!
    sleep 0.3
    timeout $((secs + 10)) ip netns exec "$ns" taskset -c 1 "$@" 2>>"$log" | tee -a "$log" |
        awk '/^fps/ {print $2}'
    kill "$fpid" 2>/dev/null || true
    wait "$fpid" 2>/dev/null || true
}

pcap_file="$pcap_dir/netrig_udp_sink_bench_$$.pcap"
declare -A res
for path in tap xdp; do
    for payload in 64 1472; do
        for r in $(seq "$runs"); do
            for mode in raw sink pcap; do
                echo "# $path $payload $mode run $r" >>"$log"
                if [ "$path" = tap ]; then
                    ns=$nsT fns=$nsT dst=10.78.0.2 dev=$tap
                    raw=("$lb" tap-rx raw "$tap" "$secs")
                else
                    ns=$nsB fns=$nsA dst=10.77.0.2 dev=$vB
                    raw=("$lb" xdp-rx raw "$vB" "$secs")
                fi
                if [ "$mode" = raw ]; then
                    v=$(one_run "$ns" "$fns" "$dst" "$payload" -- "${raw[@]}")
                else
                    v=$(one_run "$ns" "$fns" "$dst" "$payload" -- \
                        "$us" "$path" "$mode" "$dev" "$dst" 9999 "$secs" "$pcap_file")
                    rm -f "$pcap_file"
                fi
                res[$path,$payload,$mode]+="${v:-0} "
            done
        done
    done
done

printf "%-7s %-8s %11s %11s %11s %9s %10s\n" path payload "raw fps" "sink dps" "pcap dps" \
    sink/raw pcap/sink
for path in tap xdp; do
    for payload in 64 1472; do
        raw=$(echo "${res[$path,$payload,raw]}" | tr ' ' '\n' | grep . | median)
        snk=$(echo "${res[$path,$payload,sink]}" | tr ' ' '\n' | grep . | median)
        pcp=$(echo "${res[$path,$payload,pcap]}" | tr ' ' '\n' | grep . | median)
        printf "%-7s %-8s %11s %11s %11s %9s %10s\n" "$path" "$payload" "$raw" "$snk" "$pcp" \
            "$(awk -v a="$snk" -v b="$raw" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}')" \
            "$(awk -v a="$pcp" -v b="$snk" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}')"
    done
done
echo "all runs (raw | sink | pcap):"
for k in "${!res[@]}"; do echo "  $k: ${res[$k]}"; done | sort
echo "pcap capture counts:"
grep "^pcap" "$log" | sed 's/^/  /' | head -12 || true
if grep -q "core_drops [1-9]" "$log"; then
    echo "core drops seen:"; grep "core_drops [1-9]" "$log" | sed 's/^/  /' | head -5
fi
grep -v "^#\|^fps\|^pcap" "$log" | sort | uniq -c | head -5 || true
