#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# TAP backend against the real Linux kernel, one case per run:
#   link_tap.sh PROBE errors|rx_arp|rx_arp_vnet|tx_udp|tx_udp_vnet|pcap_rx|pcap_tx
# Builds a private network namespace with a tap (names suffixed with the PID), always deletes
# it (trap EXIT). Traffic stays inside that namespace. Exit 77 = skipped (no root / no TUN).
set -euo pipefail
probe=$1
case_name=$2

if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces, TUNSETIFF)"; exit 77; fi
if [ ! -c /dev/net/tun ]; then echo "SKIP: /dev/net/tun missing (no TUN/TAP)"; exit 77; fi
command -v ip >/dev/null || { echo "SKIP: iproute2 (ip) missing"; exit 77; }

ns="nrlt$$"
tap="nrt$$"
dir=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add dev "$tap" mode tap
ip -n "$ns" addr add 10.78.0.1/24 dev "$tap"
ip -n "$ns" link set "$tap" up
# No IPv6 on the tap: keeps router solicitations and DAD out of the frame counts.
ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1"
inns() { ip netns exec "$ns" "$@"; }

wait_file() {  # wait_file PATH SECONDS
    local i
    for ((i = 0; i < $2 * 20; i++)); do [ -e "$1" ] && return 0; sleep 0.05; done
    echo "FAIL: $1 did not appear"; return 1
}

rx_arp() {  # rx_arp [probe flags...]
    inns timeout 20 "$probe" rx "$tap" "$dir/ready" 10.78.0.2 "$@" >"$dir/probe.out" 2>&1 &
    local pid=$!
    pids+=("$pid")
    wait_file "$dir/ready" 10
    # The kernel must resolve 10.78.0.2 on the tap subnet: it broadcasts an ARP request.
    inns ping -c 3 -i 0.3 -W 1 10.78.0.2 >/dev/null 2>&1 || true
    local rc=0
    wait "$pid" || rc=$?
    cat "$dir/probe.out"
    return "$rc"
}

tx_udp() {  # tx_udp [probe flags...]
    local payload="netrig-link-tap-$$"
    inns timeout 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.78.0.1", 5555))
open(sys.argv[1], "w").close()
s.settimeout(8)
data, peer = s.recvfrom(2048)
print(data.decode(), peer[0], peer[1])
' "$dir/bound" >"$dir/udp.out" 2>&1 &
    local pid=$!
    pids+=("$pid")
    wait_file "$dir/bound" 10
    inns "$probe" tx "$tap" 10.78.0.2 10.78.0.1 5555 "$payload" "$@"
    local rc=0
    wait "$pid" || rc=$?
    cat "$dir/udp.out"
    [ "$rc" -eq 0 ] || { echo "FAIL: UDP listener got nothing"; return 1; }
    grep -q "^$payload 10.78.0.2 50000$" "$dir/udp.out" || { echo "FAIL: wrong datagram"; return 1; }
    echo "kernel UDP socket received the crafted frame"
}

tshark_count() {  # tshark_count FILE -> number of frames, fails on a damaged file
    command -v tshark >/dev/null || { echo "SKIP: tshark missing"; exit 77; }
    tshark -r "$1" -T fields -e frame.number 2>/dev/null | wc -l
}

case "$case_name" in
errors)
    inns "$probe" errors "nosuch$$" "$tap"
    ;;
permission)
    command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) missing"; exit 77; }
    # As nobody with no capabilities: /dev/net/tun opens (mode 0666) but TUNSETIFF says EPERM.
    inns setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
        --bounding-set=-all "$probe" perm "$tap"
    ;;
rx_checksum_offload)
    ip -n "$ns" neigh replace 10.78.0.2 lladdr 02:00:00:00:00:02 dev "$tap" nud permanent
    inns timeout 20 "$probe" rx-csum "$tap" "$dir/ready" >"$dir/probe.out" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_file "$dir/ready" 10
    inns python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(30):
    s.sendto(b"offload", ("10.78.0.2", 5555)); time.sleep(0.1)
' &
    pids+=("$!")
    rc=0
    wait "$pid" || rc=$?
    cat "$dir/probe.out"
    [ "$rc" -eq 0 ]
    ;;
tx_checksum_offload)
    tx_udp_with() { inns "$probe" tx-csum "$tap" 10.78.0.2 10.78.0.1 5555 "$1"; }
    payload="netrig-link-tap-$$"
    inns timeout 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.78.0.1", 5555))
open(sys.argv[1], "w").close()
s.settimeout(8)
data, peer = s.recvfrom(2048)
print(data.decode(), peer[0], peer[1])
' "$dir/bound" >"$dir/udp.out" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_file "$dir/bound" 10
    tx_udp_with "$payload"
    rc=0
    wait "$pid" || rc=$?
    cat "$dir/udp.out"
    [ "$rc" -eq 0 ] && grep -q "^$payload 10.78.0.2 50000$" "$dir/udp.out" || { echo "FAIL: kernel did not complete our partial checksum"; exit 1; }
    ;;
rx_arp) rx_arp ;;
rx_arp_vnet) rx_arp --vnet ;;
tx_udp) tx_udp ;;
tx_udp_vnet) tx_udp --vnet ;;
pcap_rx)
    rx_arp --pcap "$dir/rx.pcap"
    captured=$(sed -n 's/^pcap: captured=\([0-9]*\) dropped=0$/\1/p' "$dir/probe.out")
    [ -n "$captured" ] && [ "$captured" -ge 1 ] || { echo "FAIL: nothing captured"; exit 1; }
    n=$(tshark_count "$dir/rx.pcap")
    echo "tshark reads $n frames, recorder wrote $captured"
    [ "$n" -eq "$captured" ]
    tshark -r "$dir/rx.pcap" -Y arp 2>/dev/null | grep -q "Who has 10.78.0.2"
    ;;
pcap_tx)
    tx_udp --pcap "$dir/tx.pcap" --count 5 | tee "$dir/tx.out"
    grep -q "pcap: captured=5 dropped=0" "$dir/tx.out"
    n=$(tshark_count "$dir/tx.pcap")
    echo "tshark reads $n frames"
    [ "$n" -eq 5 ]
    # tshark decodes our frame as valid UDP with a good checksum.
    tshark -r "$dir/tx.pcap" -o udp.check_checksum:TRUE -Y "udp.dstport == 5555 && udp.checksum.status == 1" 2>/dev/null | wc -l | grep -qx 5
    ;;
fault_tx_loss)
    # fault<tap_device&> with 50% loss: of 400 frames the kernel socket gets about half, and
    # exactly as many as the wrapper passed on.
    inns timeout 15 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.bind(("10.78.0.1", 5555))
open(sys.argv[1], "w").close()
s.settimeout(2)
n = 0
try:
    while True:
        s.recvfrom(2048); n += 1
except socket.timeout:
    pass
print("received", n)
' "$dir/bound" >"$dir/udp.out" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_file "$dir/bound" 10
    inns "$probe" tx "$tap" 10.78.0.2 10.78.0.1 5555 "fault-$$" --count 400 --impair "loss=50%" | tee "$dir/tx.out"
    wait "$pid"
    cat "$dir/udp.out"
    got=$(sed -n 's/^received \([0-9]*\)$/\1/p' "$dir/udp.out")
    passed=$(sed -n 's/^fault: accepted=400 lost=\([0-9]*\) inner_tx=\([0-9]*\)$/\2/p' "$dir/tx.out")
    [ -n "$got" ] && [ -n "$passed" ] || { echo "FAIL: missing counts"; exit 1; }
    [ "$got" -eq "$passed" ] || { echo "FAIL: kernel got $got, wrapper passed $passed"; exit 1; }
    [ "$got" -gt 150 ] && [ "$got" -lt 250 ] || { echo "FAIL: $got of 400 is not ~50%"; exit 1; }
    ;;
*) echo "unknown case $case_name"; exit 2 ;;
esac
echo "PASS: $case_name"
