#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `netrig ping` and `netrig udp-echo` on the user stack's in-process sim link (no root): the sim
# responder at 10.0.0.2 answers ping (any size) and nothing answers 10.0.0.9. Also the kernel
# stack's ping over loopback against iputils ping, line by line with times masked.
#   user_sim.sh NETRIG
set -u
netrig=$1
fails=0
dir=$(mktemp -d)
bg=""
trap '[ -n "$bg" ] && kill -9 "$bg" 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
sim=(--stack user --link sim)

out=$(timeout 30 "$netrig" ping "${sim[@]}" -c 3 -i 0.2 10.0.0.2 2>&1); rc=$?
if [ "$rc" -eq 0 ] && [ "$(grep -c '^64 bytes from 10.0.0.2: icmp_seq=[1-3] ttl=64 time=[0-9.]* ms$' <<<"$out")" -eq 3 ] &&
   grep -q '^PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.$' <<<"$out" &&
   grep -q '^3 packets transmitted, 3 received, 0% packet loss, time [0-9]*ms$' <<<"$out" &&
   grep -q '^rtt min/avg/max/mdev = [0-9.]*/[0-9.]*/[0-9.]*/[0-9.]* ms$' <<<"$out"; then
    ok "ping the sim responder"
else
    echo "$out"; fail "ping the sim responder (exit $rc)"
fi

out=$(timeout 30 "$netrig" ping "${sim[@]}" -c 2 -i 0.2 -s 5000 10.0.0.2 2>&1); rc=$?
if [ "$rc" -eq 0 ] && [ "$(grep -c '^5008 bytes from 10.0.0.2: icmp_seq=[12] ttl=64 time=' <<<"$out")" -eq 2 ] &&
   grep -q '5000(5028) bytes of data' <<<"$out"; then
    ok "5000-byte ping (fragmented both ways on the sim link)"
else
    echo "$out"; fail "5000-byte ping (exit $rc)"
fi

out=$(timeout 30 "$netrig" ping "${sim[@]}" -c 2 -i 0.2 -W 1 10.0.0.9 2>&1); rc=$?
if [ "$rc" -eq 1 ] && grep -q '^2 packets transmitted, 0 received, 100% packet loss' <<<"$out" &&
   ! grep -q '^rtt' <<<"$out"; then
    ok "absent host: 100% loss, no rtt line, exit 1"
else
    echo "$out"; fail "absent host (exit $rc, want 1)"
fi

out=$(timeout 30 "$netrig" ping "${sim[@]}" -q --stats -c 2 -i 0.1 10.0.0.2 2>&1); rc=$?
if [ "$rc" -eq 0 ] && ! grep -q 'bytes from' <<<"$out" && grep -q '^link.type sim$' <<<"$out" &&
   grep -q '^core.drop.ipv4_bad_checksum 0$' <<<"$out" && grep -q '^2 packets transmitted, 2 received' <<<"$out"; then
    ok "-q hides replies; --stats prints the counters by name"
else
    echo "$out"; fail "-q --stats (exit $rc)"
fi

out=$(timeout 60 "$netrig" ping "${sim[@]}" --impair loss=50% --seed 7 -c 20 -i 0.02 -W 1 10.0.0.2 2>&1); rc=$?
received=$(sed -n 's/^20 packets transmitted, \([0-9]*\) received.*/\1/p' <<<"$out")
if [ "$rc" -eq 0 ] && [ -n "$received" ] && [ "$received" -gt 0 ] && [ "$received" -lt 20 ]; then
    ok "--impair loss=50%: $received of 20 answered"
else
    echo "$out"; fail "--impair loss=50% (exit $rc, received '$received')"
fi

# -c 0 runs until SIGINT, then prints the summary and exits 0 (iputils).
timeout 30 "$netrig" ping "${sim[@]}" -c 0 -i 0.1 10.0.0.2 >"$dir/int.out" 2>&1 &
bg=$!
sleep 1.5
kill -INT "$bg"
wait "$bg"; rc=$?; bg=""
if [ "$rc" -eq 0 ] && grep -q '^--- 10.0.0.2 ping statistics ---$' "$dir/int.out" &&
   grep -Eq '^([3-9]|[1-9][0-9]+) packets transmitted' "$dir/int.out"; then
    ok "-c 0 until SIGINT, then the summary"
else
    cat "$dir/int.out"; fail "-c 0 and SIGINT (exit $rc)"
fi

# udp-echo: serves for -t seconds, SIGUSR1 prints the counters meanwhile, summary at exit.
timeout 30 "$netrig" udp-echo "${sim[@]}" -t 2 --stats >"$dir/echo.out" 2>&1 &
bg=$!
sleep 1
# timeout(1) relays INT/TERM but not USR1: signal netrig itself (the child of timeout).
pkill -USR1 -P "$bg"
wait "$bg"; rc=$?; bg=""
if [ "$rc" -eq 0 ] && grep -q '^udp-echo: listening on 0.0.0.0:7 (10.0.0.1/24), user stack$' "$dir/echo.out" &&
   grep -q '^udp-echo: 0 datagrams, 0 bytes echoed$' "$dir/echo.out" &&
   [ "$(grep -c '^--- netrig user stack counters ---$' "$dir/echo.out")" -eq 2 ]; then
    ok "udp-echo on sim: ready line, SIGUSR1 counters, -t ends it, summary and --stats"
else
    cat "$dir/echo.out"; fail "udp-echo on sim (exit $rc)"
fi

# Kernel stack over loopback: the same lines as iputils ping, times masked.
mask() { sed -E 's/time=[0-9.]+ ms/time=T ms/; s/time [0-9]+ms/time Tms/; s/= [0-9.\/]+ ms/= T ms/'; }
out=$(timeout 30 "$netrig" ping -c 3 -i 0.2 127.0.0.1 2>&1); rc=$?
if grep -q 'ping_group_range\|permission' <<<"$out"; then
    echo "note: kernel ping sockets not permitted here, skipping the iputils comparison"
elif diff <(mask <<<"$out") <(ping -c 3 -i 0.2 127.0.0.1 2>&1 | mask) >"$dir/diff"; then
    ok "kernel stack: same output as iputils ping (times masked)"
else
    cat "$dir/diff"; fail "kernel stack output differs from iputils ping (exit $rc)"
fi

echo "user_sim: $fails failure(s)"
[ "$fails" -eq 0 ]
