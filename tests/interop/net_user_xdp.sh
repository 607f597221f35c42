#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# net interop smoke: netrig's user stack on AF_XDP (veth end vB in nsB, no kernel address
# there) against the Linux kernel on vA in nsA: Linux pings us, sends UDP to our port-7 echo, we
# ping Linux. Names carry the PID; trap EXIT unloads XDP and deletes both namespaces.
# Exit 77 = skipped (no root / no AF_XDP).
#   net_user_xdp.sh PROBE
set -euo pipefail
probe=$1

if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (netns, veth, XDP)"; exit 77; fi
command -v ip >/dev/null || { echo "SKIP: iproute2 missing"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

nsA="nrnxa$$"
nsB="nrnxb$$"
vA="nnxa$$"
vB="nnxb$$"
dir=$(mktemp -d)
pid=""
cleanup() {
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
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
ip -n "$nsA" addr add 10.81.0.1/24 dev "$vA"
for n in "$nsA" "$nsB"; do ip -n "$n" link set lo up; done
ip -n "$nsA" link set "$vA" up
ip -n "$nsB" link set "$vB" up
ip netns exec "$nsA" sysctl -qw "net.ipv6.conf.$vA.disable_ipv6=1"
ip netns exec "$nsB" sysctl -qw "net.ipv6.conf.$vB.disable_ipv6=1"
# Frames that XDP sends into a veth end vanish unless the peer has GRO on (ENVIRONMENT.md).
ip netns exec "$nsA" ethtool -K "$vA" gro on >/dev/null
# veth hands XDP the kernel's partial (offloaded) UDP checksums; the user stack verifies them,
# so the kernel must fill them in.
ip netns exec "$nsA" ethtool -K "$vA" tx off >/dev/null
inA() { ip netns exec "$nsA" "$@"; }

ip netns exec "$nsB" timeout 40 "$probe" "xdp:$vB" 10.81.0.2/24 10.81.0.1 "$dir/ready" 25 \
    >"$dir/probe.out" 2>&1 &
pid=$!
for ((i = 0; i < 300; i++)); do [ -e "$dir/ready" ] && break; sleep 0.05; done
if [ ! -e "$dir/ready" ]; then
    wait "$pid" || true; pid=""
    if grep -q "not supported\|Operation not supported" "$dir/probe.out"; then
        echo "SKIP: AF_XDP unavailable: $(cat "$dir/probe.out")"; exit 77
    fi
    echo "FAIL: probe did not start"; cat "$dir/probe.out"; exit 1
fi

fail=0
inA ping -c 3 -i 0.2 -W 1 10.81.0.2 || { echo "FAIL: Linux ping to the user stack"; fail=1; }
payload="netrig-user-xdp-$$"
got=$(inA timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
s.sendto(sys.argv[1].encode(), ("10.81.0.2", 7))
print(s.recvfrom(65535)[0].decode())
' "$payload" 2>&1 || true)
if [ "$got" != "$payload" ]; then echo "FAIL: UDP echo via the user stack: '$got'"; fail=1; fi
touch "$dir/ready.done"
rc=0
wait "$pid" || rc=$?
pid=""
cat "$dir/probe.out"
if [ "$rc" -ne 0 ]; then echo "FAIL: the user stack's own pings to Linux (rc $rc)"; fail=1; fi
grep -q "^link.xdp_mode " "$dir/probe.out" || { echo "FAIL: no link.xdp_mode in stats"; fail=1; }
[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
