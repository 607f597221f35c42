#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# net interop smoke: netrig's user stack on a TAP in a private network namespace, against the
# Linux kernel: Linux pings us (ARP + ICMP echo), sends UDP to our port-7 echo, and we ping
# Linux. Optionally records a pcap that tshark must read. Names are suffixed with the PID; the
# namespace is always deleted (trap EXIT). Exit 77 = skipped (no root / no TUN).
#   net_user_tap.sh PROBE
set -euo pipefail
probe=$1

if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (network namespaces, TUNSETIFF)"; exit 77; fi
if [ ! -c /dev/net/tun ]; then echo "SKIP: /dev/net/tun missing (no TUN/TAP)"; exit 77; fi
command -v ip >/dev/null || { echo "SKIP: iproute2 (ip) missing"; exit 77; }
command -v ping >/dev/null || { echo "SKIP: ping missing"; exit 77; }

ns="nrnu$$"
tap="nrnu$$"
dir=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    wait 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" tuntap add dev "$tap" mode tap
ip -n "$ns" addr add 10.79.0.1/24 dev "$tap"
ip -n "$ns" link set "$tap" up
ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1"
inns() { ip netns exec "$ns" "$@"; }

inns timeout 40 "$probe" "tap:$tap" 10.79.0.2/24 10.79.0.1 "$dir/ready" 25 pcap "$dir/user.pcap" \
    >"$dir/probe.out" 2>&1 &
pid=$!
for ((i = 0; i < 200; i++)); do [ -e "$dir/ready" ] && break; sleep 0.05; done
[ -e "$dir/ready" ] || { echo "FAIL: probe did not start"; cat "$dir/probe.out"; exit 1; }

fail=0
if ! inns ping -c 3 -i 0.2 -W 1 10.79.0.2 >"$dir/ping.out" 2>&1; then
    echo "FAIL: Linux ping to the user stack"; fail=1
fi
cat "$dir/ping.out"
if ! inns ping -c 2 -s 3000 -W 1 10.79.0.2 >"$dir/ping_big.out" 2>&1; then
    echo "FAIL: Linux 3000-byte (fragmented) ping to the user stack"; fail=1
fi
payload="netrig-user-tap-$$"
got=$(inns timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(sys.argv[1].encode(), ("10.79.0.2", 7))
print(s.recvfrom(65535)[0].decode())
' "$payload" 2>&1 || true)
if [ "$got" != "$payload" ]; then echo "FAIL: UDP echo via the user stack: '$got'"; fail=1; fi

touch "$dir/ready.done"
rc=0
wait "$pid" || rc=$?
pid=""
cat "$dir/probe.out"
if [ "$rc" -ne 0 ]; then echo "FAIL: the user stack's own pings to Linux (rc $rc)"; fail=1; fi
if command -v tshark >/dev/null; then
    n=$(tshark -r "$dir/user.pcap" -Y icmp 2>/dev/null | wc -l)
    if [ "$n" -lt 6 ]; then echo "FAIL: pcap has $n ICMP packets"; fail=1; fi
fi
[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
