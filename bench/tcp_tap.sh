#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench (issue 4): single TCP flow, Linux <-> netrig over TAP, against Linux <-> Linux over veth,
# in the same run under the same conditions. Root.
#
#   bench/tcp_tap.sh NETRIG [SECONDS] [RUNS]        e.g. bench/tcp_tap.sh build-D/netrig 5 3
#   env: CC (default cubic), MTU (default 1500: L3 MTU of the TAP, the veth and the user stack),
#        OFFLOAD (on | off | both, default both: which netrig TAP cases run, see below),
#        RPS (off | on, default off: see "Receive steering" below)
#
# Cases, each RUNS times, round-robin so slow drifts of the machine hit all of them:
#   veth       iperf3 3.12 client (ns A) -> iperf3 3.12 server (ns B) over a veth pair
#   veth-R     the same with -R (the server in B sends)
#   tap        iperf3 3.12 client in ns T -> `netrig iperf3 -s --stack user --link tap:DEV
#              --offload on` (netrig receives); the kernel end owns 10.80.N.1 on the TAP,
#              netrig is 10.80.N.2
#   tap-R      the same with -R (netrig sends)
#   tapoff     as tap with --offload off; tapoff-R as tap-R with --offload off
# Servers are pinned to CPU 1 and clients to CPU 0 (taskset); cc is CC on both ends (iperf3 -C;
# the server side of -R uses the cc the client asks for). Reported: receiver Gbit/s (iperf3
# JSON end.sum_received), retransmits, the medians and the ratios tap/veth.
# Offloads: the veth pair keeps its defaults (TSO/GSO/GRO, checksum offload on). With
# --offload on the user stack opens the TAP with IFF_VNET_HDR and TUN_F_CSUM|TUN_F_TSO4: the
# kernel hands it 64 KiB TCP frames with partial checksums and takes 64 KiB TSO frames from it
# (one read()/write() per 64 KiB instead of ~44). With --offload off there is no vnet header:
# every frame is at most MTU + 14 bytes with a full checksum. The script prints the TAP's
# `ethtool -k` view while an offloaded stack has it open, so the run records what was in effect.
# Receive steering: a frame written into a TAP or a veth is processed by the kernel's receive
# path (IP, TCP, the ACK it sends) inside the writer's write()/xmit, on the writer's core. So
# with RPS=off, in tapoff-R netrig's core also runs the Linux peer's TCP receive for every
# 1514-byte frame, while in tapoff the Linux sender pays for its own stack. RPS=on sets
# rps_cpus on every kernel-side receive queue to the core of the process that owns that end
# (TAP and veth A: CPU 0, veth B: CPU 1), as on two hosts where each receives on its own CPU.
# Backlog overflows on that core (net.core.netdev_max_backlog, which we do not change) are
# drops that TCP sees and retransmits; the retransmit column shows them.
# Every process is bounded by `timeout`; trap EXIT kills what we started and deletes the
# namespaces (names carry the PID).
set -uo pipefail
netrig=${1:?usage: $0 NETRIG [SECONDS] [RUNS]}
secs=${2:-5}
runs=${3:-3}
cc=${CC:-cubic}
mtu=${MTU:-1500}
offload=${OFFLOAD:-both}
rps=${RPS:-off}
case $offload in on|off|both) ;; *) echo "OFFLOAD must be on, off or both" >&2; exit 2 ;; esac
case $rps in on|off) ;; *) echo "RPS must be on or off" >&2; exit 2 ;; esac

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, TAP)"
[ -c /dev/net/tun ] || skip "/dev/net/tun missing"
for tool in ip iperf3 taskset timeout python3 ethtool; do
    command -v "$tool" >/dev/null || skip "$tool missing"
done
[ -x "$netrig" ] || { echo "no netrig binary at $netrig" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs for the pinning"

octet=$(( $$ % 200 + 20 ))
nsA="nrtva$$" nsB="nrtvb$$" nsT="nrtt$$" vA="ntva$$" vB="ntvb$$" tap="ntt$$"
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    for n in "$nsA" "$nsB" "$nsT"; do ip netns del "$n" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
limit=$((secs + 20))

# veth pair between two namespaces.
vnet="10.79.$octet"
ip netns add "$nsA" && ip netns add "$nsB" || exit 1
ip link add "$vA" netns "$nsA" type veth peer name "$vB" netns "$nsB" || exit 1
ip -n "$nsA" addr add "$vnet.1/24" dev "$vA"; ip -n "$nsB" addr add "$vnet.2/24" dev "$vB"
for n in "$nsA:$vA" "$nsB:$vB"; do
    ip -n "${n%%:*}" link set lo up
    ip -n "${n%%:*}" link set "${n#*:}" mtu "$mtu" up
done
set_rps() {  # ns dev cpumask
    ip netns exec "$1" sh -c "echo $3 >/sys/class/net/$2/queues/rx-0/rps_cpus" 2>/dev/null
}
# TAP in its own namespace: the kernel end .1, netrig .2.
tnet="10.80.$octet"
ip netns add "$nsT" || exit 1
ip -n "$nsT" link set lo up
ip -n "$nsT" tuntap add dev "$tap" mode tap
ip -n "$nsT" link set "$tap" mtu "$mtu"
ip -n "$nsT" addr add "$tnet.1/24" dev "$tap"
ip -n "$nsT" link set "$tap" up
ip netns exec "$nsT" sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1"
if [ "$rps" = on ]; then
    # Each host's receive processing on that host's core: frames into the kernel's ends (the
    # TAP, veth A: clients on CPU 0) are processed on CPU 0, into veth B (servers) on CPU 1.
    set_rps "$nsT" "$tap" 1 && set_rps "$nsA" "$vA" 1 && set_rps "$nsB" "$vB" 2 ||
        skip "cannot set rps_cpus (kernel without CONFIG_RPS?)"
fi

wait_port() {  # ns port: until something listens there (kernel servers only), <= 5 s
    for _ in $(seq 50); do
        ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

# Prints "gbps retransmits" from an iperf3 client JSON file, or "0 0" if it has no result.
parse() {
    python3 - "$1" <<'EOF'
import json, sys
try:
    e = json.load(open(sys.argv[1]))["end"]
    print("%.3f %d" % (e["sum_received"]["bits_per_second"] / 1e9,
                       e["sum_sent"].get("retransmits", 0)))
except Exception:
    print("0 0")
EOF
}

port=$((15000 + $$ % 20000))
run_case() {  # case run -> "gbps retr" on stdout
    local kind=$1 n=$2 rflag="" server out=$tmp/$1.$2.json
    port=$((port + 1))
    case $kind in *-R) rflag=-R ;; esac
    case $kind in
    veth*)
        timeout "$limit" ip netns exec "$nsB" taskset -c 1 iperf3 -s -1 -p "$port" \
            >/dev/null 2>&1 &
        server=$!; pids+=("$server")
        wait_port "$nsB" "$port" || { echo "0 0"; return; }
        timeout "$limit" ip netns exec "$nsA" taskset -c 0 iperf3 -c "$vnet.2" -p "$port" \
            -C "$cc" -t "$secs" $rflag -J >"$out" 2>/dev/null ;;
    tap*)
        local off=on
        case $kind in tapoff*) off=off ;; esac
        timeout "$limit" ip netns exec "$nsT" taskset -c 1 "$netrig" iperf3 -s -1 -p "$port" \
            --stack user --link "tap:$tap" --ip "$tnet.2/24" --mtu "$mtu" --offload "$off" \
            >"$tmp/server.$kind.$n.txt" 2>&1 &
        server=$!; pids+=("$server")
        sleep 1  # the user stack listens inside the process: no ss to wait on
        timeout "$limit" ip netns exec "$nsT" taskset -c 0 iperf3 -c "$tnet.2" -p "$port" \
            -C "$cc" -t "$secs" $rflag -J >"$out" 2>/dev/null ;;
    esac
    wait "$server" 2>/dev/null
    parse "$out"
}

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }

echo "single TCP flow, cc=$cc, MTU $mtu, RPS $rps, ${secs} s x $runs runs, servers on CPU 1," \
     "clients on CPU 0, receiver Gbit/s (retransmits); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "TAP offload view while netrig holds it with --offload on:"
timeout 10 ip netns exec "$nsT" "$netrig" iperf3 -s -1 -p 9 --stack user --link "tap:$tap" \
    --ip "$tnet.2/24" --mtu "$mtu" --offload on >/dev/null 2>&1 &
viewer=$!; pids+=("$viewer"); sleep 1
ip netns exec "$nsT" ethtool -k "$tap" 2>/dev/null |
    grep -E '^(tx-checksumming|tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload):' |
    sed 's/^/  /'
kill "$viewer" 2>/dev/null; wait "$viewer" 2>/dev/null
echo "veth offloads:"
ip netns exec "$nsA" ethtool -k "$vA" 2>/dev/null |
    grep -E '^(tx-checksumming|tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload):' |
    sed 's/^/  /'
case $offload in
on) cases="veth tap veth-R tap-R" ;;
off) cases="veth tapoff veth-R tapoff-R" ;;
both) cases="veth tap tapoff veth-R tap-R tapoff-R" ;;
esac
printf '%-4s' run; for c in $cases; do printf ' %-16s' "$c"; done; echo
for n in $(seq "$runs"); do
    printf '%-4s' "$n"
    for c in $cases; do
        r=$(run_case "$c" "$n")
        echo "${r% *}" >>"$tmp/$c.list"
        printf ' %-16s' "${r% *} (${r#* })"
    done
    echo
done
printf '%-4s' med
for c in veth tap tapoff veth-R tap-R tapoff-R; do eval "med_${c//-/_}=0"; done
for c in $cases; do
    m=$(median <"$tmp/$c.list"); eval "med_${c//-/_}=$m"
    printf ' %-16s' "$m"
done
echo
awk -v t="$med_tap" -v v="$med_veth" -v tr="$med_tap_R" -v vr="$med_veth_R" \
    -v o="$med_tapoff" -v orr="$med_tapoff_R" 'BEGIN {
    printf "ratio tap/veth, offload on:  Linux -> netrig %.3f, netrig -> Linux (-R) %.3f (target >= 0.5)\n",
        (v > 0 ? t / v : 0), (vr > 0 ? tr / vr : 0)
    printf "ratio tap/veth, offload off: Linux -> netrig %.3f, netrig -> Linux (-R) %.3f (target >= 5 Gbit/s)\n",
        (v > 0 ? o / v : 0), (vr > 0 ? orr / vr : 0) }'
echo "RESULT mtu $mtu rps $rps veth $med_veth tap $med_tap tapoff $med_tapoff veth_R $med_veth_R tap_R $med_tap_R tapoff_R $med_tapoff_R"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
for f in "$tmp"/server.tap*.txt; do
    [ -s "$f" ] && grep -qiE 'error|fail' "$f" && { echo "netrig server said ($f):"; cat "$f"; }
done
exit 0
