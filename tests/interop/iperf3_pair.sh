#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# netrig iperf3 client against netrig iperf3 server on loopback: the netrig-only extensions
# (packets per second, UDP loss including the tail, several clients at once while a real iperf3
# client still gets "busy"), and SIGINT on the client (CLIENT_TERMINATE). Bounded runs only.
# Usage: iperf3_pair.sh NETRIG_BINARY
set -u
NETRIG=${1:-netrig}
command -v iperf3 >/dev/null || { echo "SKIP: iperf3 is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
PORT=$((36000 + ($$ % 1500) * 2))
TMP=$(mktemp -d /tmp/netrig-iperf3-pair.XXXXXX)
SRV=""
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail=0
check() { if eval "$2"; then echo "  ok: $1"; else echo "  FAIL: $1"; fail=1; fi; }

timeout 60 "$NETRIG" iperf3 -s -p "$PORT" >"$TMP/server.txt" 2>&1 &
SRV=$!
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
sleep 0.2

echo "== TCP: netrig_packets_per_second in -J"
timeout 20 "$NETRIG" iperf3 -c 127.0.0.1 -p "$PORT" -t 1 -J >"$TMP/tcp.json"
check "client exit 0" "[ $? -eq 0 ]"
check "packets per second reported" "python3 -c 'import json,sys; d=json.load(open(\"$TMP/tcp.json\")); s=d[\"end\"][\"streams\"][0][\"sender\"]; sys.exit(0 if s[\"netrig_packets_per_second\"]>0 else 1)'"

echo "== UDP 64-byte blast: loss accounting that includes the tail"
timeout 20 "$NETRIG" iperf3 -c 127.0.0.1 -p "$PORT" -t 1 -u -l 64 -b 0 -J >"$TMP/udp.json"
check "client exit 0" "[ $? -eq 0 ]"
check "tail-inclusive loss >= gap loss, pps > 0" "python3 -c '
import json,sys
d=json.load(open(\"$TMP/udp.json\")); u=d[\"end\"][\"streams\"][0][\"udp\"]
print(\"    sent\", u[\"packets\"], \"gap-lost\", u[\"lost_packets\"], \"lost incl. tail\", u[\"netrig_lost_packets_with_tail\"], \"pps\", round(u[\"netrig_packets_per_second\"]))
sys.exit(0 if u[\"netrig_lost_packets_with_tail\"] >= u[\"lost_packets\"] >= 0 and u[\"netrig_packets_per_second\"] > 0 else 1)'"

echo "== two netrig clients at once; a real iperf3 client meanwhile is told the server is busy"
timeout 20 "$NETRIG" iperf3 -c 127.0.0.1 -p "$PORT" -t 2 -J >"$TMP/a.json" &
A=$!
sleep 0.3
timeout 20 "$NETRIG" iperf3 -c 127.0.0.1 -p "$PORT" -t 1 -J >"$TMP/b.json" &
B=$!
sleep 0.3
timeout 10 iperf3 -c 127.0.0.1 -p "$PORT" -t 1 >"$TMP/real.txt" 2>&1
check "real iperf3 client: busy" "grep -q 'busy' '$TMP/real.txt'"
wait $A; ra=$?
wait $B; rb=$?
check "both netrig clients finished (rc $ra, $rb)" "[ $ra -eq 0 ] && [ $rb -eq 0 ]"
check "both measured bytes" "python3 -c 'import json; [json.load(open(f))[\"end\"][\"sum_received\"][\"bytes\"] > 0 or exit(1) for f in (\"$TMP/a.json\", \"$TMP/b.json\")]'"

echo "== SIGINT on the client: CLIENT_TERMINATE, the server keeps serving"
timeout 20 "$NETRIG" iperf3 -c 127.0.0.1 -p "$PORT" -t 10 >"$TMP/int.txt" 2>&1 &
C=$!
sleep 1.2
kill -INT $C
wait $C; rc=$?
check "interrupted client exits 1 (rc $rc)" "[ $rc -eq 1 ]"
sleep 0.3
check "server logged the client's termination" "grep -q 'client has terminated' '$TMP/server.txt'"
timeout 20 "$NETRIG" iperf3 -c 127.0.0.1 -p "$PORT" -t 1 >/dev/null
check "server still serves" "[ $? -eq 0 ]"

kill -TERM $SRV; wait $SRV; rs=$?; SRV=""
check "server exits 0 on SIGTERM (rc $rs)" "[ $rs -eq 0 ]"
exit $fail
