#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Path-MTU discovery of netrig's user-stack TCP through a real Linux router (issues 3 and 4):
#   tcp_pmtu.sh NETRIG_TCP_PEER
# Topology (names carry the PID; topology.sh deletes everything on exit):
#   netrig (user stack, TAP, --offload off) 10.86.N.2/24, gateway .1
#     <-TAP-> namespace R (Linux router, ip_forward=1): TAP 10.86.N.1/24, veth 10.87.N.1/24 MTU 1000
#     <-veth-> namespace S (Linux server): veth 10.87.N.2/24 MTU 1500, route to 10.86.N.0/24 via R
# S's MTU is deliberately larger than R's end of the link: S advertises MSS 1460, so netrig sends
# 1500-byte segments with DF set, and R must answer them with ICMP destination unreachable,
# fragmentation needed, next-hop MTU 1000 (RFC 1191 §4; RFC 792). netrig must then lower its
# path MTU to 1000 and resend in smaller segments (RFC 1191 §6.3).
#
# Two transfers of TCP_PMTU_BYTES (default 20000000) from netrig (source) to a kernel-stack sink
# in S, each a fresh netrig process (empty path-MTU cache). Each passes if both processes exit 0
# within TCP_PMTU_LIMIT seconds (default 60), the SHA-256 and byte count the sink received equal
# what netrig sent, and netrig's counters show core.pmtu_updates >= 1.
#   router  only the real router's ICMP: a real router quotes a segment in flight, so also
#           core.drop.icmp_tcp_seq_not_in_flight must be 0 (RFC 5927 §4.1), and R's kernel must
#           have counted ICMP destination unreachable sent (/proc/net/snmp, printed with nstat).
#   forged  (needs python3-scapy, else skipped alone) as above, and a packet socket on the TAP in
#           R, once netrig sends 1000-byte segments, writes a forged fragmentation-needed (next-hop
#           MTU 576) to netrig from R's address, quoting the connection's 4-tuple with a
#           sequence number 2^31 away from the segment it just saw: far outside the flight.
#           netrig must drop it (core.drop.icmp_tcp_seq_not_in_flight >= 1; the drop also proves
#           the connection still existed: without one the check lets it through) and keep its
#           path MTU (RFC 5927 §7.2): no 576-byte IP packet after the forgery, 1000-byte ones.
# Exit 0 pass, 1 fail, 77 skipped (not root, no /dev/net/tun, tools missing).
set -uo pipefail
peer_bin=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/interop/topology.sh
. "$here/topology.sh"

[ "$(id -u)" -eq 0 ] || topo_skip "needs root (network namespaces, TAP)"
[ -c /dev/net/tun ] || topo_skip "/dev/net/tun missing (no TUN/TAP)"
for tool in ip timeout python3; do
    command -v "$tool" >/dev/null || topo_skip "$tool missing"
done

bytes=${TCP_PMTU_BYTES:-20000000}
limit=${TCP_PMTU_LIMIT:-60}
router_mtu=1000
forged_mtu=576

topo_init
dir=$topo_dir
octet=$(( $$ % 200 + 20 ))
nsR="nrpr$$"; nsS="nrps$$"
tap="nrpt$$"; vR="nrpr$$"; vS="nrps$$"
tap_net="10.86.$octet"; s_net="10.87.$octet"
r_tap_ip="$tap_net.1"; netrig_ip="$tap_net.2"
r_veth_ip="$s_net.1"; s_ip="$s_net.2"

topo_netns "$nsR" || exit 1
topo_netns "$nsS" || exit 1
topo_tap "$nsR" "$tap" || exit 1
topo_addr "$nsR" "$tap" "$r_tap_ip/24"
topo_veth "$nsR" "$vR" "$nsS" "$vS" || exit 1
topo_addr "$nsR" "$vR" "$r_veth_ip/24"
topo_addr "$nsS" "$vS" "$s_ip/24"
ip -n "$nsR" link set "$vR" mtu "$router_mtu"
ip -n "$nsS" link set "$vS" mtu 1500
ip -n "$nsS" route add "$tap_net.0/24" via "$r_veth_ip"
ip netns exec "$nsR" sysctl -qw net.ipv4.ip_forward=1
# R keeps Linux's default ICMP rate limits: netrig must cope with a real router's, which answers
# a burst of oversized segments with a few ICMP errors, not one per segment.

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# The forger (run in R with Debian's python3, where python3-scapy lives): reads every frame
# netrig writes to the TAP; after the AFTER-th 1000-byte data segment of the connection to
# S_IP:PORT it writes the forged ICMP, then counts the IP lengths of netrig's data segments
# until netrig's FIN, or 2 s without a segment (the FIN may be among the frames a busy python
# misses), or LIMIT seconds. Prints one JSON line.
cat >"$dir/forge.py" <<'EOF'
import collections, json, socket, struct, sys, time
from scapy.all import ICMP, IP, TCP, Ether, Raw, conf
conf.verb = 0
tap, r_ip, netrig_ip, s_ip = sys.argv[1:5]
port, after, mtu, limit = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8])
PACKET_OUTGOING = 4
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
sock.bind((tap, 0))
sock.settimeout(0.2)
src, dst = socket.inet_aton(netrig_ip), socket.inet_aton(s_ip)
print(json.dumps({"event": "ready"}), flush=True)
out = {"forged": None, "seen_1000_before": 0, "after": collections.Counter(), "fin": False}
end = time.monotonic() + limit
last = time.monotonic()
while time.monotonic() < end and (out["forged"] is None or time.monotonic() - last < 2):
    try:
        frame, addr = sock.recvfrom(65536)
    except socket.timeout:
        continue
    # Only what netrig wrote (the kernel's frames to netrig show as outgoing), IPv4 TCP to S.
    if (addr[2] == PACKET_OUTGOING or len(frame) < 54 or frame[12:14] != b"\x08\x00"
            or frame[23] != 6 or frame[26:30] != src or frame[30:34] != dst):
        continue
    ihl = (frame[14] & 15) * 4
    total = struct.unpack("!H", frame[16:18])[0]
    t = 14 + ihl
    sport, dport, seq, ack = struct.unpack("!HHII", frame[t:t + 12])
    if dport != port:
        continue
    last = time.monotonic()
    if frame[t + 13] & 1:  # FIN: the transfer is over
        out["fin"] = True
        break
    if total - ihl - (frame[t + 12] >> 4) * 4 <= 0:
        continue
    if out["forged"] is not None:
        out["after"][total] += 1
        continue
    if total == 1000:
        out["seen_1000_before"] += 1
    if out["seen_1000_before"] < after:
        continue
    # RFC 792 / RFC 1191 §4: type 3 code 4, next-hop MTU in the low 16 bits of the unused
    # field; the quote is the original IP header plus the TCP header, as Linux quotes.
    far = (seq + (1 << 31)) & 0xFFFFFFFF
    quote = bytes(IP(src=netrig_ip, dst=s_ip, flags="DF", len=1500, ttl=64)
                  / TCP(sport=sport, dport=dport, seq=far, ack=ack, flags="A"))[:40]
    icmp = (Ether(src=frame[0:6], dst=frame[6:12]) / IP(src=r_ip, dst=netrig_ip, ttl=64)
            / ICMP(type=3, code=4, nexthopmtu=mtu) / Raw(quote))
    sock.send(bytes(icmp))
    out["forged"] = {"seen_seq": seq, "quoted_seq": far, "sport": sport, "mtu": mtu}
out["after"] = {str(k): v for k, v in sorted(out["after"].items())}
print(json.dumps(out), flush=True)
EOF

# transfer NAME PORT [forge]: one netrig -> Linux transfer; sets n_pmtu and n_not_in_flight.
transfer() {
    local name=$1 port=$2 forge=${3:-} src_rc sink_rc t0 t1 secs compared forge_pid=""
    local fails_before=$fails
    n_pmtu=missing
    n_not_in_flight=missing
    ip netns exec "$nsS" timeout -s INT -k 5 "$limit" "$peer_bin" listen "$port" --mode sink \
        --conns 1 >"$dir/$name.sink" 2>"$dir/$name.sink.err" &
    local sink_pid=$!
    topo_pids+=("$sink_pid")
    if ! topo_wait_for "$dir/$name.sink" '"event": ?"listening"' 15; then
        fail "$name: the sink in $nsS did not start listening"
        cat "$dir/$name.sink" "$dir/$name.sink.err"
        return
    fi
    if [ -n "$forge" ]; then
        ip netns exec "$nsR" timeout -k 5 "$limit" /usr/bin/python3 "$dir/forge.py" "$tap" \
            "$r_tap_ip" "$netrig_ip" "$s_ip" "$port" 50 "$forged_mtu" "$((limit - 5))" \
            >"$dir/$name.forge" 2>"$dir/$name.forge.err" &
        forge_pid=$!
        topo_pids+=("$forge_pid")
        if ! topo_wait_for "$dir/$name.forge" '"event": ?"ready"' 30; then
            fail "$name: the forger did not start"
            cat "$dir/$name.forge.err"
            return
        fi
    fi
    t0=$(date +%s%N)
    ip netns exec "$nsR" timeout -s INT -k 5 "$limit" "$peer_bin" --stack user --link "tap:$tap" \
        --ip "$netrig_ip/24" --gateway "$r_tap_ip" --offload off \
        connect "$s_ip:$port" --mode source --bytes "$bytes" >"$dir/$name.src" 2>"$dir/$name.src.err"
    src_rc=$?
    # The sink ends on its own once the connection closed; wait for it (bounded by its timeout).
    wait "$sink_pid"
    sink_rc=$?
    t1=$(date +%s%N)
    secs=$(( (t1 - t0) / 1000000000 )).$(( (t1 - t0) / 100000000 % 10 ))
    [ "$src_rc" -eq 0 ] || fail "$name: netrig source exited $src_rc"
    [ "$sink_rc" -eq 0 ] || fail "$name: Linux sink exited $sink_rc"

    # What netrig sent is what the Linux sink received, and it is all of it.
    if compared=$(python3 - "$dir/$name.src" "$dir/$name.sink" "$bytes" <<'EOF'
import json, sys
def conns(path):
    return [l for l in (json.loads(x) for x in open(path) if x.startswith("{")) if "conn" in l]
src, sink, want = conns(sys.argv[1]), conns(sys.argv[2]), int(sys.argv[3])
if len(src) != 1 or len(sink) != 1:
    print(f"connections reported: source {len(src)}, sink {len(sink)}, want 1 each")
    sys.exit(1)
s, k = src[0], sink[0]
errs = []
if s["tx_bytes"] != want or k["rx_bytes"] != want:
    errs.append(f"bytes: netrig sent {s['tx_bytes']}, Linux received {k['rx_bytes']}, want {want}")
if s["tx_sha256"] != k["rx_sha256"]:
    errs.append(f"SHA-256: netrig sent {s['tx_sha256']}, Linux received {k['rx_sha256']}")
if s["result"] != "ok" or k["result"] != "ok":
    errs.append(f"results: netrig {s['result']}, Linux {k['result']}")
print("; ".join(errs) if errs else f"{want} bytes, SHA-256 {s['tx_sha256'][:16]}... on both ends")
sys.exit(1 if errs else 0)
EOF
    ); then
        ok "$name: transfer (${secs}s): $compared"
    else
        fail "$name: transfer (${secs}s): $compared"
    fi

    # netrig's counters (stderr at exit): the router's ICMP fed the path-MTU cache.
    counter() {  # name: its value in netrig's report, or "missing"
        awk -v n="$1" '$1 == n { print $2; found = 1 } END { if (!found) print "missing" }' \
            "$dir/$name.src.err"
    }
    n_pmtu=$(counter core.pmtu_updates)
    n_not_in_flight=$(counter core.drop.icmp_tcp_seq_not_in_flight)
    echo "    $name: netrig core.icmp_errors_received $(counter core.icmp_errors_received)," \
         "core.pmtu_updates $n_pmtu, core.drop.icmp_tcp_seq_not_in_flight $n_not_in_flight"
    if [[ "$n_pmtu" =~ ^[0-9]+$ ]] && [ "$n_pmtu" -ge 1 ]; then
        ok "$name: netrig learnt the path MTU from R's fragmentation-needed ($n_pmtu update(s))"
    else
        fail "$name: core.pmtu_updates is $n_pmtu, want >= 1"
    fi

    if [ -n "$forge_pid" ]; then
        wait "$forge_pid"
        local seen
        if ! seen=$(python3 - "$dir/$name.forge" "$router_mtu" "$forged_mtu" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
res = [l for l in lines if "forged" in l]
good, bad = sys.argv[2], sys.argv[3]
if not res or res[0]["forged"] is None:
    print("the forger saw no data segment to quote (no forged ICMP sent)")
    sys.exit(1)
r = res[0]
after = r["after"]
n = sum(after.values())
desc = (f"forged seq {r['forged']['quoted_seq']} (seen {r['forged']['seen_seq']}), "
        f"then {n} data segments seen, IP lengths {after}, FIN {'seen' if r['fin'] else 'missed'}")
print(desc)
# Thousands follow in a 20 MB transfer; a few tens prove the connection went on sending.
ok = n >= 20 and after.get(bad, 0) == 0 and after.get(good, 0) >= 1 and \
    max(int(k) for k in after) <= int(good)
sys.exit(0 if ok else 1)
EOF
        ); then
            fail "$name: path MTU after the forged ICMP: $seen"
            cat "$dir/$name.forge.err"
        else
            ok "$name: netrig kept path MTU $router_mtu after the forgery: $seen"
        fi
    fi
    if [ "$fails" -ne "$fails_before" ]; then
        local f
        for f in "$name.src" "$name.src.err" "$name.sink" "$name.sink.err"; do
            echo "--- $f"
            grep -Ev '^(core|link|pcap)\.' "$dir/$f" | tail -n 8
            grep -E '^(core\.(tcp|drop\.tcp|pmtu|icmp|drop\.icmp)[a-z_.]* [1-9]|link\.drop\.[a-z_]* [1-9])' \
                "$dir/$f"
        done
    fi
}

echo "--- tcp pmtu: netrig $netrig_ip (TAP $tap in $nsR, MTU 1500) -> R ($nsR, $vR MTU $router_mtu)" \
     "-> Linux sink $s_ip (in $nsS, $vS MTU 1500), $bytes bytes"

transfer router 5100
# RFC 5927 §4.1: a real router quotes a segment in flight, so none may be rejected.
if [ "$n_not_in_flight" = 0 ]; then
    ok "router: no ICMP from the real router was dropped as quoting a segment not in flight"
else
    fail "router: core.drop.icmp_tcp_seq_not_in_flight is $n_not_in_flight, want 0"
fi

# R's side: the kernel sent ICMP destination unreachable (only fragmentation-needed can arise
# in this topology); Ip FragFails counts the DF packets too large to forward.
snmp() {  # group field: the value in R's /proc/net/snmp
    ip netns exec "$nsR" awk -v g="$1:" -v f="$2" '
        $1 == g && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
        $1 == g && hdr { print $col[f]; exit }' /proc/net/snmp
}
out_unreach=$(snmp Icmp OutDestUnreachs)
echo "    R ($nsR) /proc/net/snmp: Icmp OutDestUnreachs $out_unreach, Ip FragFails" \
     "$(snmp Ip FragFails), Ip ForwDatagrams $(snmp Ip ForwDatagrams)"
if command -v nstat >/dev/null; then
    # -s: leave nstat's history file (shared by every namespace) alone.
    ip netns exec "$nsR" nstat -asz IcmpOutDestUnreachs IcmpMsgOutType3 IpFragFails |
        sed -n '2,$s/^/    R nstat: /p'
fi
if [[ "$out_unreach" =~ ^[0-9]+$ ]] && [ "$out_unreach" -ge 1 ]; then
    ok "router: R sent $out_unreach ICMP destination unreachable (fragmentation needed)"
else
    fail "router: R sent no ICMP destination unreachable (OutDestUnreachs ${out_unreach:-missing})"
fi

if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then
    echo "skip: forged: python3-scapy missing"
else
    transfer forged 5101 forge
    if [[ "$n_not_in_flight" =~ ^[0-9]+$ ]] && [ "$n_not_in_flight" -ge 1 ]; then
        ok "forged: netrig dropped the forged ICMP ($n_not_in_flight not in flight)"
    else
        fail "forged: core.drop.icmp_tcp_seq_not_in_flight is $n_not_in_flight, want >= 1"
    fi
fi

echo "tcp pmtu: $fails failure(s)"
[ "$fails" -eq 0 ]
