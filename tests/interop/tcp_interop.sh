#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# TCP interop between netrig's user stack and the Linux kernel (issue 4), one topology per run:
#   tcp_interop.sh NETRIG_TCP_PEER tap|tap-offload|xdp-native|xdp-skb|linux
#   tap         Linux 10.78.N.1 on a TAP in namespace nrtt<pid>; netrig attaches to it as .2
#               with --offload off (no vnet header: MTU-sized frames, full checksums)
#   tap-offload the same with --offload on: vnet header, checksum offload both ways, TSO
#               frames from netrig and GRO/TSO frames from Linux of up to 64 KiB. Bulk is
#               TCP_INTEROP_OFFLOAD_BYTES (default 300000000) to keep CI time down; hashes are
#               compared as in every mode. It also records a 2 s pcap of an offloaded bulk
#               transfer and checks that tshark reads it without malformed packets (frames
#               above the MTU are expected there: they are the 64 KiB TSO/GRO frames the
#               kernel and netrig exchange before the kernel cuts or after it merged them).
#   xdp-native  Linux nrta<pid>/vA 10.77.N.1 <-veth-> nrtb<pid>/vB: netrig on AF_XDP (native) as .2
#   xdp-skb     the same in generic SKB mode
#   linux       the same veth pair, the kernel on both ends (netrig_tcp_peer --stack kernel as .2):
#               every check against Linux itself, which validates the test (DESIGN.md)
# The Linux peer is tcp_interop_linux.py (plain sockets, hashlib), written apart from
# netrig_tcp_peer. Checks, each in both directions (who listens, who connects):
#   bulk        TCP_INTEROP_BYTES (default 1000000000) one way, SHA-256 of both ends compared;
#   many        100 concurrent connections (TCP_INTEROP_CONNS), each TCP_INTEROP_CONN_BYTES
#               (default 1000000): Linux sources to a netrig echo peer and back; netrig sources
#               to a Linux sink and to a Linux echo peer (the latter deadlocked in mutual zero
#               windows until core/tcp c4fa82c); every hash compared;
#   half-close  the receiver sends FIN first, the sender still sends everything (hashes compared);
#               "many" also half-closes: the echo peer keeps sending after the source's FIN;
#   rst         the receiver aborts (RST, SO_LINGER 0) while the sender is still sending: the
#               sender reports reset (Linux: ECONNRESET), netrig's counters show the RST;
#   close       the receiver close()s with data still arriving (abrupt close): RST, as above.
# Every process runs under timeout(1); names carry the PID; topology.sh's EXIT trap kills our
# processes, unloads XDP programs and deletes the namespaces. Exit 77 = skipped.
set -uo pipefail
peer_bin=$1
mode=$2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/interop/topology.sh
. "$here/topology.sh"

[ "$(id -u)" -eq 0 ] || topo_skip "needs root (network namespaces, TAP, AF_XDP)"
for tool in ip timeout python3; do
    command -v "$tool" >/dev/null || topo_skip "$tool missing"
done
case "$mode" in
    tap|tap-offload) [ -c /dev/net/tun ] || topo_skip "/dev/net/tun missing (no TUN/TAP)" ;;
    xdp-native|xdp-skb|linux) command -v ethtool >/dev/null || topo_skip "ethtool missing"
        [ "$mode" = linux ] || command -v xdp-loader >/dev/null ||
            topo_skip "xdp-loader (xdp-tools) missing" ;;
    *) echo "usage: $0 NETRIG_TCP_PEER tap|tap-offload|xdp-native|xdp-skb|linux"; exit 2 ;;
esac

big=${TCP_INTEROP_BYTES:-1000000000}
[ "$mode" = tap-offload ] && big=${TCP_INTEROP_OFFLOAD_BYTES:-300000000}
conns=${TCP_INTEROP_CONNS:-100}
conn_bytes=${TCP_INTEROP_CONN_BYTES:-1000000}
# Seconds each side of a check may run; 1 GB needs far less than this unless something hangs.
limit=${TCP_INTEROP_LIMIT:-150}

topo_init
dir=$topo_dir
octet=$(( $$ % 200 + 20 ))
if [ "$mode" = tap ] || [ "$mode" = tap-offload ]; then
    nsA="nrtt$$"; nsB=$nsA; dev="nrtt$$"
    net="10.78.$octet"
    topo_netns "$nsA" || exit 1
    topo_tap "$nsA" "$dev" || exit 1
    topo_addr "$nsA" "$dev" "$net.1/24"
    link="tap:$dev"
else
    nsA="nrta$$"; nsB="nrtb$$"; vA="nrta$$"; dev="nrtb$$"
    net="10.77.$octet"
    topo_netns "$nsA" || exit 1
    topo_netns "$nsB" || exit 1
    topo_veth "$nsA" "$vA" "$nsB" "$dev" || exit 1
    topo_addr "$nsA" "$vA" "$net.1/24"
    topo_xdp_cleanup "$nsB" "$dev"
    # Frames that XDP sends into a veth end vanish unless the peer has GRO on (ENVIRONMENT.md),
    # and XDP sees no checksum-offload metadata, so Linux must complete its checksums (tx off,
    # which also turns TSO off: AF_XDP frames are at most one MTU).
    ip netns exec "$nsA" ethtool -K "$vA" gro on >/dev/null
    ip netns exec "$nsA" ethtool -K "$vA" tx off >/dev/null
    link="xdp:$dev"
    if [ "$mode" = linux ]; then
        topo_addr "$nsB" "$dev" "$net.2/24"
    fi
fi
linux_ip="$net.1"
netrig_ip="$net.2"
case "$mode" in
    linux) n_flags=(--stack kernel) ;;
    tap) n_flags=(--stack user --link "$link" --ip "$netrig_ip/24" --offload off) ;;
    tap-offload) n_flags=(--stack user --link "$link" --ip "$netrig_ip/24" --offload on) ;;
    xdp-native) n_flags=(--stack user --link "$link" --ip "$netrig_ip/24" --xdp-mode native) ;;
    xdp-skb) n_flags=(--stack user --link "$link" --ip "$netrig_ip/24" --xdp-mode skb) ;;
esac

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# side_cmd N|L: the command (array `cmd`) of netrig's peer (in nsB) or Linux's (in nsA).
# TCP_INTEROP_PCAP=DIR keeps a pcap of netrig's link per check in DIR (local debugging).
side_cmd() {
    if [ "$1" = N ]; then
        cmd=(ip netns exec "$nsB" timeout -s INT -k 5 "$limit" "$peer_bin" "${n_flags[@]}")
        if [ -n "${TCP_INTEROP_PCAP:-}" ] && [ "$mode" != linux ]; then
            cmd+=(--pcap "$TCP_INTEROP_PCAP/$name.pcap")
        fi
    else
        cmd=(ip netns exec "$nsA" timeout -k 5 "$limit" python3 "$here/tcp_interop_linux.py")
    fi
}

# Compares the two ends' JSON lines: every connection present, the multiset of hashes one side
# sent equals the multiset the other side received (both directions), and the bytes sent in
# total are as expected. For reset cases (want_tx = -) only the line counts are checked.
compare_ends() {  # server.out client.out conns want_tx
    python3 - "$@" <<'EOF'
import json, sys
srv, cli, conns, want = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def load(path):
    lines = [json.loads(l) for l in open(path) if l.startswith("{")]
    return [l for l in lines if "conn" in l], [l for l in lines if "summary" in l]
s, s_sum = load(srv)
c, c_sum = load(cli)
errs = []
if len(s) != conns or len(c) != conns:
    errs.append(f"connections reported: server {len(s)}, client {len(c)}, want {conns}")
if len(s_sum) != 1 or len(c_sum) != 1:
    errs.append("a summary line is missing")
if want != "-":
    for a, an, b, bn in ((c, "client", s, "server"), (s, "server", c, "client")):
        if sorted(x["tx_sha256"] for x in a) != sorted(x["rx_sha256"] for x in b):
            errs.append(f"{an} -> {bn}: SHA-256 of what was sent != what arrived")
        if sorted(x["tx_bytes"] for x in a) != sorted(x["rx_bytes"] for x in b):
            errs.append(f"{an} -> {bn}: byte counts differ")
    tx = sum(x["tx_bytes"] for x in s + c)
    if tx != int(want):
        errs.append(f"{tx} bytes sent in total, want {want}")
for e in errs:
    print("   ", e)
# Last line: both ends' summaries in one line (python starts slowly on a loaded machine, so
# one interpreter does both jobs).
print("; ".join("{stack} {summary}: {conns} conns, ok {ok}, reset {reset}, rx {rx_bytes}, "
                "tx {tx_bytes}, {seconds:.1f}s".format(**d) for d in s_sum + c_sum))
sys.exit(1 if errs else 0)
EOF
}

# run_case NAME SERVER_SIDE "server args" CLIENT_SIDE "client args" WANT_TX [stats-regex]
# Starts the listener, waits until it listens, runs the client, waits for the listener; both
# must exit 0 (each checks its own --expect), then compare_ends. With a stats regex, netrig's
# counters (stderr of the N side) must match it.
run_case() {
    local name=$1 sside=$2 sargs=$3 cside=$4 cargs=$5 want=$6 stats=${7:-}
    local port=$((5000 + case_no)) target srv_rc cli_rc t0 t1 nerr
    case_no=$((case_no + 1))
    # TCP_INTEROP_ONLY=regex runs only the matching checks (local debugging).
    [[ "$name" =~ ${TCP_INTEROP_ONLY:-.} ]] || return 0
    if [ "$sside" = N ]; then target="$netrig_ip:$port"; else target="$linux_ip:$port"; fi
    t0=$(date +%s%N)
    side_cmd "$sside"
    # shellcheck disable=SC2086  # the args strings are word lists by design
    "${cmd[@]}" listen "$port" $sargs >"$dir/$name.srv" 2>"$dir/$name.srv.err" &
    local spid=$!
    topo_pids+=("$spid")
    if ! topo_wait_for "$dir/$name.srv" '"event": ?"listening"' 15; then
        fail "$name: listener did not start"; cat "$dir/$name.srv" "$dir/$name.srv.err"
        kill -INT "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
        return
    fi
    side_cmd "$cside"
    # shellcheck disable=SC2086
    "${cmd[@]}" connect "$target" $cargs >"$dir/$name.cli" 2>"$dir/$name.cli.err"
    cli_rc=$?
    # The listener ends on its own once its connections finish; if it does not within a grace
    # period after the connector, it hangs: stop it (timeout(1) relays SIGINT to the peer).
    local i
    for ((i = 0; i < 200; i++)); do
        kill -0 "$spid" 2>/dev/null || break
        sleep 0.1
    done
    kill -INT "$spid" 2>/dev/null
    wait "$spid"
    srv_rc=$?
    t1=$(date +%s%N)
    local secs=$(( (t1 - t0) / 1000000000 )).$(( (t1 - t0) / 100000000 % 10 ))
    local bad=0
    [ "$srv_rc" -eq 0 ] || { echo "    listener exited $srv_rc"; bad=1; }
    [ "$cli_rc" -eq 0 ] || { echo "    connector exited $cli_rc"; bad=1; }
    local compared
    compared=$(compare_ends "$dir/$name.srv" "$dir/$name.cli" "$conns_of_case" "$want") || bad=1
    [ "$bad" -eq 0 ] || echo "$compared" | head -n -1
    if [ -n "$stats" ] && [ "$mode" != linux ]; then
        nerr="$dir/$name.srv.err"
        [ "$sside" = N ] || nerr="$dir/$name.cli.err"
        grep -Eq "$stats" "$nerr" || { echo "    netrig counters do not match /$stats/"; bad=1; }
    fi
    if [ "$bad" -eq 0 ]; then
        ok "$name (${secs}s): $(echo "$compared" | tail -n 1)"
    else
        fail "$name (${secs}s)"
        for f in "$dir/$name.srv" "$dir/$name.srv.err" "$dir/$name.cli" "$dir/$name.cli.err"; do
            echo "--- $f"; grep -v '^core\.\|^link\.\|^pcap\.' "$f" | tail -n 8
            grep -E '^(core\.(tcp|drop\.tcp)[a-z_.]* [1-9]|link\.drop\.[a-z_]* [1-9])' "$f"
        done
    fi
}

case_no=0
echo "--- tcp interop, mode $mode: netrig ${n_flags[*]} at $netrig_ip, Linux at $linux_ip"
echo "--- bulk $big bytes, $conns connections x $conn_bytes bytes"
start_all=$(date +%s)

# bulk, both directions
conns_of_case=1
run_case bulk_linux_to_netrig N "--mode sink --conns 1" L "--mode source --bytes $big" "$big"
run_case bulk_netrig_to_linux L "--mode sink --conns 1" N "--mode source --bytes $big" "$big"

# many concurrent connections, both directions (echo: every byte crosses twice)
conns_of_case=$conns
run_case many_linux_to_netrig N "--mode echo --conns $conns" \
    L "--mode source --conns $conns --bytes $conn_bytes" $((2 * conns * conn_bytes))
run_case many_netrig_to_linux L "--mode sink --conns $conns" \
    N "--mode source --conns $conns --bytes $conn_bytes" $((conns * conn_bytes))
run_case many_netrig_to_linux_echo L "--mode echo --conns $conns" \
    N "--mode source --conns $conns --bytes $conn_bytes" $((2 * conns * conn_bytes))

# half-close: the receiving side's FIN goes first, the sender still delivers everything
conns_of_case=1
hc_bytes=4000000
run_case halfclose_netrig_fin_first L "--mode source --bytes $hc_bytes" \
    N "--mode sink --half-close" "$hc_bytes"
run_case halfclose_linux_fin_first N "--mode source --conns 1 --bytes $hc_bytes" \
    L "--mode sink --half-close" "$hc_bytes"

# RST and abrupt close: the receiver reads 1 MB of a far longer stream, then aborts or closes.
reset_bytes=200000000
for how in rst close; do
    run_case "${how}_by_netrig" N "--mode $how --conns 1 --bytes 1000000" \
        L "--mode source --bytes $reset_bytes --expect reset" - '^core\.tcp_rsts_sent [1-9]'
    run_case "${how}_by_linux" L "--mode $how --bytes 1000000" \
        N "--mode source --bytes $reset_bytes --expect reset" -
done

# Capture check (tap-offload): a short pcap (30 MB echoed, ~1 s) of netrig receiving and sending with offloads
# must open in tshark without malformed packets, and hold frames above the MTU (the TSO/GRO
# frames as netrig's link saw them; on the wire below the TAP they would be cut to the MTU).
if [ "$mode" = tap-offload ] && [[ "pcap" =~ ${TCP_INTEROP_ONLY:-.} ]]; then
    if ! command -v tshark >/dev/null; then
        echo "skip: pcap check (tshark missing)"
    else
        pcap="$dir/offload.pcap"
        port=$((5000 + case_no)); case_no=$((case_no + 1))
        ip netns exec "$nsB" timeout -s INT -k 5 30 "$peer_bin" "${n_flags[@]}" --pcap "$pcap" \
            listen "$port" --mode echo --conns 1 >"$dir/pcap.srv" 2>"$dir/pcap.srv.err" &
        ppid=$!; topo_pids+=("$ppid")
        if topo_wait_for "$dir/pcap.srv" '"event": ?"listening"' 15; then
            ip netns exec "$nsA" timeout -k 5 25 python3 "$here/tcp_interop_linux.py" connect \
                "$netrig_ip:$port" --mode source --bytes 30000000 >/dev/null 2>&1
        fi
        wait "$ppid" 2>/dev/null
        stats=$(timeout 60 tshark -r "$pcap" -q -z expert,error 2>&1)
        frames=$(timeout 60 tshark -r "$pcap" -T fields -e frame.len 2>/dev/null |
                 awk -v m=1514 '{n++} $1 > m {big++} END {printf "%d %d", n, big}')
        # Partial checksums are recorded completed (pcap_recorder), so every one verifies.
        badsum=$(timeout 60 tshark -r "$pcap" -o tcp.check_checksum:TRUE \
                 -Y 'tcp.checksum.status == 0' 2>/dev/null | wc -l)
        if [ ! -s "$pcap" ] || echo "$stats" | grep -qi malformed || [ "${frames#* }" -eq 0 ] ||
           [ "$badsum" -ne 0 ]; then
            fail "pcap of an offloaded run: frames/above MTU ${frames:-none}, bad TCP checksums $badsum"
            echo "$stats" | head -n 20
        else
            ok "pcap of an offloaded run: ${frames% *} frames, ${frames#* } above the MTU, none malformed, all TCP checksums good"
        fi
    fi
fi

echo "$mode: $fails failure(s), $(( $(date +%s) - start_all )) s"
[ "$fails" -eq 0 ]
