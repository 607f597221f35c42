#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `netrig demo --stack user` as root: after the sim-link run it builds its own namespace and TAP,
# serves the Linux stack's iperf3 client from the user stack over the TAP, and prints both runs
# side by side. Checks: exit 0, both columns filled, the results exchange agrees in both runs,
# and the namespace and TAP are gone afterwards; then a second run is interrupted with SIGINT
# during the TAP part and must still remove them (and exit non-zero). Exit 77 = skipped.
# Usage: iperf3_user_demo.sh NETRIG_BINARY
set -uo pipefail
netrig=$1
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (the demo creates a namespace and a TAP)"
[ -c /dev/net/tun ] || skip "/dev/net/tun missing (no TUN/TAP)"
for tool in ip timeout pgrep; do command -v "$tool" >/dev/null || skip "$tool missing"; done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

namespace_of() { sed -n 's/.*Linux over TAP: namespace \(nrdemo[0-9]*\),.*/\1/p' "$1" | head -n 1; }
gone() {  # gone NS: the namespace (and with it the TAP) no longer exists
    [ -n "$1" ] && ! ip netns list | grep -qw "$1"
}

# --- a full run ------------------------------------------------------------------------------
start=$(date +%s.%N)
timeout 120 "$netrig" demo --stack user --time 1 >"$dir/run.out" 2>&1
rc=$?
cat "$dir/run.out"
[ "$rc" -eq 0 ] && ok "demo exit 0" || fail "demo exit $rc"
ns=$(namespace_of "$dir/run.out")
[ -n "$ns" ] && ok "the TAP part ran in namespace $ns" || fail "no TAP part in the output"
gone "$ns" && ok "namespace $ns removed after the run" || fail "namespace $ns left behind"
grep -q "sim link: the receiver counted [1-9][0-9]* of the [1-9][0-9]* bytes written; the results exchange agrees" "$dir/run.out" \
    && ok "sim link run checked" || fail "sim link run not confirmed"
grep -q "Linux over TAP: the receiver counted [1-9][0-9]* of the [1-9][0-9]* bytes written; the results exchange agrees" "$dir/run.out" \
    && ok "Linux over TAP run checked" || fail "Linux over TAP run not confirmed"
row=$(grep "receiver Gbit/s" "$dir/run.out")
# Both columns hold a positive rate (a skipped or failed part prints "-").
if echo "$row" | awk '{ exit !($3 > 0 && $4 > 0) }'; then ok "side-by-side rates: $row"; else fail "rates row: $row"; fi
grep -q "results exchange .*agrees .*agrees" "$dir/run.out" && ok "both results exchanges agree" \
    || fail "results exchange row"
echo "full run: $(echo "$(date +%s.%N) - $start" | bc) s"

# --- SIGINT during the TAP part ---------------------------------------------------------------
timeout 120 "$netrig" demo --stack user --time 1 -P 1 >"$dir/int.out" 2>&1 &
tpid=$!
for _ in $(seq 200); do
    grep -q "Linux over TAP: namespace" "$dir/int.out" && break
    sleep 0.05
done
ns=$(namespace_of "$dir/int.out")
sleep 0.5
demo_pid=$(pgrep -P "$tpid" | head -n 1)
if [ -n "$ns" ] && [ -n "$demo_pid" ]; then
    kill -INT "$demo_pid"
    wait "$tpid"
    rc=$?
    cat "$dir/int.out"
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && ok "interrupted demo exits $rc (not 0, not killed)" \
        || fail "interrupted demo exit $rc"
    gone "$ns" && ok "namespace $ns removed after SIGINT" || fail "namespace $ns left after SIGINT"
else
    wait "$tpid"
    cat "$dir/int.out"
    fail "the TAP part did not start for the SIGINT check"
fi
# Never leave a namespace behind, whatever happened above.
for n in $(ip netns list | grep -o 'nrdemo[0-9]*'); do
    case "$n" in "$ns") ip netns del "$n" 2>/dev/null ;; esac
done

[ "$fails" -eq 0 ] && echo "all demo checks passed" && exit 0
echo "$fails check(s) failed"
exit 1
