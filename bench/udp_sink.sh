#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# UDP-sink benchmark (root). Usage: bench/udp_sink.sh BUILD_DIR [SECONDS per run, default 2]
#   [RUNS, default 3] [PCAP_DIR, default /var/tmp]
# The kernel in a netns floods UDP (link_bench flood: sendmmsg, pinned to CPU 0) at a receiver
# pinned to CPU 1; with SENDER=xdp the AF_XDP path is flooded instead by udp_sink_bench
# xdp-flood (a tx-only AF_XDP socket on the veth peer, copy mode, batches of 64; faster than the
# kernel's UDP stack). The receiver is in turn:
#   raw   link_bench's minimal reader: frames read off the TAP fd / AF_XDP rx ring, discarded;
#         on TAP batches of RWF_NOWAIT reads through io_uring, the kernel facility the device
#         uses (link_bench tap-rx raw); TAP_RAW=read: one read() per frame (tap-rx read). The
#         raw TAP reader opens the TAP as the user stack does (vnet header, checksum and TSO
#         offloads: the kernel sender then skips the UDP checksum); TAP_RAW_OFFLOAD=0 opens it
#         plain, as the sink and pcap modes do
#         on AF_XDP the reader spins on its rx ring (link_bench xdp-rx spin), so the sender never
#         pays a wake-up and raw is the path's limit; XDP_RAW=raw sleeps in poll() when the
#         ring is empty (the old reader, which fell below the user stack at times)
#   sink  udp_sink_bench: core::interface over the link device, one bound UDP socket drained
#         with udp_recv_from (datagrams delivered to the socket are counted)
#   pcap  the same sink with the device wrapped in pcap_recorder (file in PCAP_DIR)
#   user  net::user_stack + net::udp_socket: a coroutine co_awaits recv_from per datagram
#   user-pcap  the same with the stack's --pcap recording
# over TAP and AF_XDP (native XDP, copy mode, on veth), at 64 B and 1472 B payloads. Each run
# does every mode back to back (MODES="raw sink pcap" to skip the user stack); medians over
# RUNS are printed with sink/raw, pcap/sink, user/raw and user-pcap/user. SNAPLEN=N records
# N bytes of each frame in the pcap modes (tcpdump -s N; default whole frames). Namespaces are PID-suffixed and deleted on exit; every process is time-bounded.
# UDP_SINK_SPIN_US=N: the user stack's AF_XDP spin before it sleeps (default 20 us, --rx-spin).
set -euo pipefail
build=$1
secs=${2:-2}
runs=${3:-3}
pcap_dir=${4:-/var/tmp}
modes=${MODES:-raw sink pcap user user-pcap}
sender=${SENDER:-kernel}
paths=${PATHS:-tap xdp}
payloads=${PAYLOADS:-64 1472}
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
    [ -n "${KEEP_LOG:-}" ] && cp "$log" "$KEEP_LOG"
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

# one_run NS FLOOD_NS FLOOD_DST PAYLOAD DST_MAC -- MEASURED COMMAND...
one_run() {
    local ns=$1 fns=$2 dst=$3 payload=$4 dmac=$5; shift 6
    if [ "$sender" = xdp ] && [ "$fns" = "$nsA" ]; then
        timeout $((secs + 10)) ip netns exec "$fns" taskset -c 0 \
            "$us" xdp-flood "$vA" 10.77.0.1 "$dst" "$dmac" 9999 "$payload" $((secs + 2)) \
            >>"$log" 2>&1 &
    else
        timeout $((secs + 10)) ip netns exec "$fns" taskset -c 0 \
            "$lb" flood "$dst" 9999 "$payload" $((secs + 2)) >>"$log" 2>&1 &
    fi
    local fpid=$!
    sleep 0.3
    timeout $((secs + 10)) ip netns exec "$ns" taskset -c 1 "$@" 2>>"$log" | tee -a "$log" |
        awk '/^fps/ {c = 0; for (i = 3; i < NF; i++) if ($i ~ /^cpu_ns_per/) c = $(i + 1);
                     print $2, c}'
    kill "$fpid" 2>/dev/null || true
    wait "$fpid" 2>/dev/null || true
}

pcap_file="$pcap_dir/netrig_udp_sink_bench_$$.pcap"
declare -A res cpu
echo "uptime at start: $(uptime); snap length: ${SNAPLEN:-whole frames}"
# pcap files go to a disk by default, as a user's would: there the writer uses O_DIRECT and
# copies nothing (link/pcap_recorder.hpp, direct_io); on tmpfs (/dev/shm) it copies every byte.
echo "pcap directory: $pcap_dir ($(stat -f -c %T "$pcap_dir"))"
for path in $paths; do
    for payload in $payloads; do
        for r in $(seq "$runs"); do
            for mode in $modes; do
                echo "# $path $payload $mode run $r" >>"$log"
                if [ "$path" = tap ]; then
                    ns=$nsT fns=$nsT dst=10.78.0.2 dev=$tap
                    raw=(env LINK_BENCH_TAP_OFFLOAD="${TAP_RAW_OFFLOAD:-1}" "$lb" tap-rx
                        "${TAP_RAW:-raw}" "$tap" "$secs")
                    mac=02:00:00:00:00:02 umac=02:00:0a:4e:00:02 nsn=$nsT ndev=$tap
                else
                    ns=$nsB fns=$nsA dst=10.77.0.2 dev=$vB
                    raw=("$lb" xdp-rx "${XDP_RAW:-spin}" "$vB" "$secs")
                    mac=$macB umac=$macB nsn=$nsA ndev=$vA
                fi
                # net::user_stack picks its own MAC on TAP (02:00 + IPv4 address); on AF_XDP it
                # takes the interface's.
                case $mode in user*) mac=$umac ;; esac
                ip -n "$nsn" neigh replace "$dst" lladdr "$mac" dev "$ndev" nud permanent
                if [ "$mode" = raw ]; then
                    out=$(one_run "$ns" "$fns" "$dst" "$payload" "$mac" -- "${raw[@]}")
                else
                    out=$(one_run "$ns" "$fns" "$dst" "$payload" "$mac" -- \
                        "$us" "$path" "$mode" "$dev" "$dst" 9999 "$secs" "$pcap_file")
                    rm -f "$pcap_file"
                fi
                read -r v c <<<"${out:-0 0}"
                res[$path,$payload,$mode]+="${v:-0} "
                cpu[$path,$payload,$mode]+="${c:-0} "
            done
        done
    done
done

med() { echo "${res[$1]:-0}" | tr ' ' '\n' | grep . | median; }
medcpu() { echo "${cpu[$1]:-0}" | tr ' ' '\n' | grep . | median; }
echo "uptime at end: $(uptime)"
echo "sender: $sender (AF_XDP path); datagrams (raw: frames) per second, median of $runs runs of $secs s"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}'; }
printf "%-5s %-7s %9s %9s %9s %9s %9s | %8s %9s %8s %9s\n" path payload raw sink pcap user \
    user-pcap sink/raw pcap/sink user/raw upcap/user
for path in $paths; do
    for payload in $payloads; do
        raw=$(med "$path,$payload,raw"); snk=$(med "$path,$payload,sink")
        pcp=$(med "$path,$payload,pcap"); usr=$(med "$path,$payload,user")
        upc=$(med "$path,$payload,user-pcap")
        printf "%-5s %-7s %9s %9s %9s %9s %9s | %8s %9s %8s %9s\n" "$path" "$payload" \
            "$raw" "$snk" "$pcp" "$usr" "$upc" "$(ratio "$snk" "$raw")" "$(ratio "$pcp" "$snk")" \
            "$(ratio "$usr" "$raw")" "$(ratio "$upc" "$usr")"
    done
done
echo
echo "process CPU ns per datagram (raw: per frame; all threads, pcap close included), medians;"
echo "ratios as above but from CPU cost (raw/sink = sink efficiency, sink/pcap = 1 - pcap cost)"
printf "%-5s %-7s %9s %9s %9s %9s %9s | %8s %9s %8s %9s\n" path payload raw sink pcap user \
    user-pcap raw/sink sink/pcap raw/user user/upcap
for path in $paths; do
    for payload in $payloads; do
        raw=$(medcpu "$path,$payload,raw"); snk=$(medcpu "$path,$payload,sink")
        pcp=$(medcpu "$path,$payload,pcap"); usr=$(medcpu "$path,$payload,user")
        upc=$(medcpu "$path,$payload,user-pcap")
        printf "%-5s %-7s %9s %9s %9s %9s %9s | %8s %9s %8s %9s\n" "$path" "$payload" \
            "$raw" "$snk" "$pcp" "$usr" "$upc" "$(ratio "$raw" "$snk")" "$(ratio "$snk" "$pcp")" \
            "$(ratio "$raw" "$usr")" "$(ratio "$usr" "$upc")"
    done
done
echo "all runs, rate:"
for k in "${!res[@]}"; do echo "  $k: ${res[$k]}"; done | sort
echo "all runs, CPU ns:"
for k in "${!cpu[@]}"; do echo "  $k: ${cpu[$k]}"; done | sort
echo "pcap capture counts:"
awk '/^# / {h = $2 " " $3 " " $4 " run " $6} /^pcap/ {print "  " h ": " $0}' "$log"
if grep -q "core_drops [1-9]" "$log"; then
    echo "core drops seen:"
    awk '/^# / {h = $2 " " $3 " " $4 " run " $6} /core_drops [1-9]/ {print "  " h ": " $0}' "$log"
fi
grep -v "^#\|^fps\|^pcap\|^flood\|^libbpf\|^libxdp" "$log" | sort | uniq -c | head -5 || true
