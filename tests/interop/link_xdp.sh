#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# AF_XDP backend against the Linux kernel over a veth pair in two private namespaces:
#   link_xdp.sh PROBE rx_native|rx_skb|tx_native|tx_skb|tx_only|busy|sigint_cleanup
# nsA/vA (10.77.0.1, kernel) <-> nsB/vB (AF_XDP). Names carry the PID; trap EXIT unloads any
# XDP program (xdp-loader) and deletes both namespaces. Exit 77 = skipped.
set -euo pipefail
probe=$1
case_name=$2

if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (netns, veth, XDP)"; exit 77; fi
command -v ip >/dev/null || { echo "SKIP: iproute2 missing"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

nsA="nrlxa$$"
nsB="nrlxb$$"
vA="nxa$$"
vB="nxb$$"
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
ip -n "$nsA" addr add 10.77.0.1/24 dev "$vA"
for n in "$nsA" "$nsB"; do ip -n "$n" link set lo up; done
ip -n "$nsA" link set "$vA" up
ip -n "$nsB" link set "$vB" up
ip netns exec "$nsA" sysctl -qw "net.ipv6.conf.$vA.disable_ipv6=1"
ip netns exec "$nsB" sysctl -qw "net.ipv6.conf.$vB.disable_ipv6=1"
# Frames that XDP sends into a veth end vanish unless the peer has GRO on (ENVIRONMENT.md).
ip netns exec "$nsA" ethtool -K "$vA" gro on >/dev/null
macA=$(ip netns exec "$nsA" cat "/sys/class/net/$vA/address")
macB=$(ip netns exec "$nsB" cat "/sys/class/net/$vB/address")
inA() { ip netns exec "$nsA" "$@"; }
inB() { ip netns exec "$nsB" "$@"; }

wait_file() {
    local i
    for ((i = 0; i < $2 * 20; i++)); do [ -e "$1" ] && return 0; sleep 0.05; done
    echo "FAIL: $1 did not appear"; return 1
}

no_xdp_left() {
    if ip -n "$nsB" link show "$vB" | grep -q "xdp"; then
        echo "FAIL: an XDP program is still attached to $vB:"; ip -n "$nsB" link show "$vB"
        return 1
    fi
    echo "no XDP program left on $vB"
}

rx_case() {  # rx_case native|skb
    local pattern="netrig-xdp-rx-$$"
    inB timeout 20 "$probe" rx "$vB" "$dir/ready" "$1" "$pattern" >"$dir/probe.out" 2>&1 &
    local pid=$!
    pids+=("$pid")
    wait_file "$dir/ready" 10
    ip -n "$nsB" link show "$vB" | grep -q xdp || { echo "FAIL: no XDP program while bound"; return 1; }
    # The kernel in nsA sends UDP to 10.77.0.2; a static neighbour skips ARP.
    inA ip neigh replace 10.77.0.2 lladdr "$macB" dev "$vA" nud permanent
    inA python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(20):
    s.sendto(sys.argv[1].encode(), ("10.77.0.2", 5555)); time.sleep(0.1)
' "$pattern" &
    pids+=("$!")
    local rc=0
    wait "$pid" || rc=$?
    cat "$dir/probe.out"
    [ "$rc" -eq 0 ] || return 1
    no_xdp_left
}

tx_case() {  # tx_case native|skb|txonly
    local payload="netrig-xdp-tx-$$"
    inA timeout 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.1", 5555))
open(sys.argv[1], "w").close()
s.settimeout(8)
n = 0
while n < 5:
    data, peer = s.recvfrom(2048)
    if data.decode() == sys.argv[2]:
        n += 1
print("got", n, peer[0])
' "$dir/bound" "$payload" >"$dir/udp.out" 2>&1 &
    local pid=$!
    pids+=("$pid")
    wait_file "$dir/bound" 10
    inB "$probe" tx "$vB" "$1" 10.77.0.2 10.77.0.1 "$macA" 5555 "$payload" 5
    local rc=0
    wait "$pid" || rc=$?
    cat "$dir/udp.out"
    [ "$rc" -eq 0 ] && grep -q "^got 5 10.77.0.2$" "$dir/udp.out" || { echo "FAIL: peer did not get 5 datagrams"; return 1; }
    no_xdp_left
}

case "$case_name" in
rx_native) rx_case native ;;
rx_skb) rx_case skb ;;
tx_native) tx_case native ;;
tx_skb) tx_case skb ;;
tx_only)
    tx_case txonly
    ;;
busy)
    inB "$probe" busy "$vB"
    no_xdp_left
    ;;
sigint_cleanup)
    # Not through the inB function: $! must be the probe itself (ip netns exec execs it).
    ip netns exec "$nsB" "$probe" sigint "$vB" "$dir/ready" >"$dir/probe.out" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_file "$dir/ready" 10
    ip -n "$nsB" link show "$vB" | grep -q xdp || { echo "FAIL: no XDP program while bound"; exit 1; }
    kill -INT "$pid"
    ( sleep 15; kill -9 "$pid" 2>/dev/null ) &  # watchdog: a hung probe must not hang ctest
    pids+=("$!")
    wait "$pid"
    cat "$dir/probe.out"
    no_xdp_left
    ;;
*) echo "unknown case $case_name"; exit 2 ;;
esac
echo "PASS: $case_name"
