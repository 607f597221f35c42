#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# AF_XDP attach fallback: on a veth pair whose MTU (9000) is too large for native XDP, the
# native attach fails with ERANGE after the socket was bound; automatic mode must then bind in
# SKB mode (it used to report device_busy), receive a datagram from the kernel peer, and leave
# no XDP program behind. Forced native mode must fail with not_supported, not device_busy.
#   link_xdp_fallback.sh PROBE
# nsA/vA (10.77.0.1, kernel) <-> nsB/vB (AF_XDP). Names carry the PID; trap EXIT unloads any
# XDP program and deletes both namespaces. Exit 77 = skipped.
set -euo pipefail
probe=$1

if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (netns, veth, XDP)"; exit 77; fi
command -v ip >/dev/null || { echo "SKIP: iproute2 missing"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

nsA="nrlfa$$"
nsB="nrlfb$$"
vA="nfa$$"
vB="nfb$$"
dir=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns exec "$nsB" xdp-loader unload -a "$vB" >/dev/null 2>&1 || true
    ip netns del "$nsA" 2>/dev/null || true
    ip netns del "$nsB" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

ip netns add "$nsA"
ip netns add "$nsB"
ip link add "$vA" netns "$nsA" type veth peer name "$vB" netns "$nsB"
ip -n "$nsA" link set "$vA" mtu 9000
ip -n "$nsB" link set "$vB" mtu 9000
ip -n "$nsA" addr add 10.77.0.1/24 dev "$vA"
for n in "$nsA" "$nsB"; do ip -n "$n" link set lo up; done
ip -n "$nsA" link set "$vA" up
ip -n "$nsB" link set "$vB" up
ip netns exec "$nsA" sysctl -qw "net.ipv6.conf.$vA.disable_ipv6=1"
ip netns exec "$nsB" sysctl -qw "net.ipv6.conf.$vB.disable_ipv6=1"
# The peer computes UDP checksums in software (XDP would see CHECKSUM_PARTIAL otherwise).
ip netns exec "$nsA" ethtool -K "$vA" tx off >/dev/null
macB=$(ip netns exec "$nsB" cat "/sys/class/net/$vB/address")
inA() { ip netns exec "$nsA" "$@"; }
inB() { ip netns exec "$nsB" "$@"; }

no_xdp_left() {
    if ip -n "$nsB" link show "$vB" | grep -q "xdp"; then
        echo "FAIL: an XDP program is still attached to $vB:"; ip -n "$nsB" link show "$vB"
        return 1
    fi
    echo "no XDP program left on $vB"
}

# 1. Forced native: fails, and says not_supported (ERANGE), not device_busy.
rc=0
inB timeout 20 "$probe" rx "$vB" "$dir/ready_native" native "unused" >"$dir/native.out" 2>&1 || rc=$?
cat "$dir/native.out"
if [ "$rc" -eq 0 ]; then
    echo "SKIP: native XDP accepted MTU 9000 on veth here; the fallback is not exercised"
    exit 77
fi
if grep -qi "busy" "$dir/native.out"; then echo "FAIL: native failure reported as busy"; exit 1; fi
no_xdp_left

# 2. Automatic: falls back to SKB mode and receives.
pattern="netrig-xdp-fallback-$$"
inB timeout 20 "$probe" rx "$vB" "$dir/ready" auto "$pattern" >"$dir/probe.out" 2>&1 &
pid=$!
pids+=("$pid")
for ((i = 0; i < 200; i++)); do [ -e "$dir/ready" ] && break; sleep 0.05; done
if [ ! -e "$dir/ready" ]; then
    wait "$pid" || true
    cat "$dir/probe.out"; echo "FAIL: auto mode did not bind"; exit 1
fi
inA ip neigh replace 10.77.0.2 lladdr "$macB" dev "$vA" nud permanent
inA timeout 10 python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(20):
    s.sendto(sys.argv[1].encode(), ("10.77.0.2", 5555)); time.sleep(0.1)
' "$pattern" 2>/dev/null &
pids+=("$!")
rc=0
wait "$pid" || rc=$?
cat "$dir/probe.out"
[ "$rc" -eq 0 ] || { echo "FAIL: auto mode probe failed"; exit 1; }
# (The probe's stdout is a file, so "bound:" is only there once it exited.)
grep -q "^bound: skb" "$dir/probe.out" || { echo "FAIL: not SKB mode"; exit 1; }
no_xdp_left
echo "PASS: native ERANGE -> SKB fallback"
