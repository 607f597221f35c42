#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile input against netrig's user stack over a TAP (root, python3-scapy).

    user_hostile.py NETRIG

The kernel side of a TAP in a private namespace sends, with scapy: undersized frames, truncated
IPv4/ARP/UDP headers, bad IPv4/ICMP/UDP checksums, bad IHL and total length, overlapping
fragments, endless fragment streams, ARP floods, and oversized frames, to `netrig udp-echo
--stack user --link tap:...`. After each case: netrig still answers a kernel ping, its counters
(printed on SIGUSR1 and at exit with --stats) show the drops under the expected reasons, and its
RSS (/proc/PID/status VmRSS) stays within a bound of the value before the first case.
Names carry the PID; the namespace is deleted and netrig killed on any exit. Exit 77 = skipped.
"""
import os
import re
import signal
import subprocess
import sys
import time

RSS_GROWTH_MAX_KIB = 64 * 1024  # pools are preallocated; growth means an unbounded structure


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from netns_util import enter_netns, require_root_tap_scapy, rss_kib, sh, skip  # noqa: E402

if len(sys.argv) != 2:
    print(__doc__)
    sys.exit(2)
NETRIG = sys.argv[1]
require_root_tap_scapy()


PID = os.getpid()
NS = f"nruh{PID}"
TAP = f"nruh{PID}"
OCTET = PID % 200 + 20
NET = f"10.79.{OCTET}"
PEER, OURS = f"{NET}.1", f"{NET}.2"
proc = None
out_path = f"/tmp/nruh{PID}.out"


def cleanup():
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()
    sh("ip", "netns", "del", NS, check=False)
    try:
        os.unlink(out_path)
    except OSError:
        pass


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)


def read_out():
    with open(out_path) as f:
        return f.read()


def counters():
    """Asks netrig for its counters (SIGUSR1) and parses the newest block."""
    blocks_before = read_out().count("--- netrig user stack counters ---")
    proc.send_signal(signal.SIGUSR1)
    deadline = time.time() + 10
    while time.time() < deadline:
        text = read_out()
        if text.count("--- netrig user stack counters ---") > blocks_before:
            # The block is written in one write; give the tail a moment anyway.
            time.sleep(0.1)
            block = read_out().split("--- netrig user stack counters ---")[-1]
            values = {}
            for line in block.splitlines():
                m = re.match(r"^([a-z0-9_.]+) (\d+)$", line.strip())
                if m:
                    values[m.group(1)] = int(m.group(2))
            return values
        time.sleep(0.05)
    raise RuntimeError("netrig printed no counters after SIGUSR1")


def ping_ok():
    r = subprocess.run(["ping", "-c", "1", "-W", "2", OURS], capture_output=True, text=True)
    return r.returncode == 0


def main():
    global proc
    sh("ip", "netns", "add", NS)
    sh("ip", "-n", NS, "link", "set", "lo", "up")
    sh("ip", "-n", NS, "tuntap", "add", "dev", TAP, "mode", "tap")
    sh("ip", "-n", NS, "addr", "add", f"{PEER}/24", "dev", TAP)
    sh("ip", "-n", NS, "link", "set", TAP, "mtu", "9000")
    sh("ip", "-n", NS, "link", "set", TAP, "up")
    # Frames up to 9000 bytes may be sent into the TAP (oversized case); the kernel's own
    # traffic to us stays at 1500.
    sh("ip", "-n", NS, "route", "replace", f"{NET}.0/24", "dev", TAP, "mtu", "1500",
       "src", PEER)
    sh("ip", "netns", "exec", NS, "sysctl", "-qw", f"net.ipv6.conf.{TAP}.disable_ipv6=1")
    enter_netns(NS)
    out = open(out_path, "w")
    proc = subprocess.Popen([NETRIG, "udp-echo", "--stack", "user", "--link", f"tap:{TAP}",
                             "--ip", f"{OURS}/24", "--stats"], stdout=out,
                            stderr=subprocess.STDOUT)
    deadline = time.time() + 15
    while "listening on" not in read_out():
        if time.time() > deadline or proc.poll() is not None:
            print(read_out())
            print("FAIL: netrig udp-echo did not start")
            return 1
        time.sleep(0.05)

    from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw, conf, get_if_hwaddr, sendp  # noqa: E402
    conf.verb = 0
    if not ping_ok():
        print(read_out())
        print("FAIL: netrig does not answer ping before any hostile input")
        return 1
    neigh = sh("ip", "neigh", "show", OURS, "dev", TAP).stdout
    mac = re.search(r"lladdr ([0-9a-f:]{17})", neigh).group(1)
    # (/sys/class/net shows the host's namespace, not ours: ask with an ioctl instead.)
    peer_mac = get_if_hwaddr(TAP)
    eth = Ether(src=peer_mac, dst=mac)

    def send(frames):
        sendp(frames, iface=TAP, verbose=False)

    def ip4(**kw):
        return IP(src=PEER, dst=OURS, **kw)

    n = 200
    cases = [
        # (name, frames, reasons that must together count >= expected, expected)
        ("undersized_ipv4", [Ether(src=peer_mac, dst=mac, type=0x0800)
                             / Raw(b"\x45\x00" + bytes(i % 17)) for i in range(n)],
         ["ipv4_truncated"], n),
        ("undersized_arp", [Ether(src=peer_mac, dst=mac, type=0x0806) / Raw(b"\x00\x01\x08")
                            for _ in range(n)], ["arp_truncated"], n),
        ("truncated_udp_header", [eth / ip4(proto=17) / Raw(b"\x12\x34\x00") for _ in range(n)],
         ["udp_truncated"], n),
        ("bad_ipv4_checksum", [eth / ip4(chksum=0x1234) / ICMP() for _ in range(n)],
         ["ipv4_bad_checksum"], n),
        ("bad_ihl", [eth / ip4(ihl=ihl) / ICMP() for ihl in (0, 1, 4) for _ in range(n // 3)]
         + [eth / ip4(ihl=15) / Raw(b"x" * 8) for _ in range(n // 3)],
         ["ipv4_bad_header_len", "ipv4_truncated"], n // 3 * 4),
        ("bad_total_len", [eth / ip4(len=ln) / ICMP() for ln in (12, 19, 1000, 65535)
                           for _ in range(n // 4)],
         ["ipv4_bad_total_len", "ipv4_truncated"], n),
        ("bad_icmp_checksum", [eth / ip4() / ICMP(chksum=0x4242) for _ in range(n)],
         ["icmp_bad_checksum"], n),
        ("bad_udp_checksum", [eth / ip4() / UDP(sport=4000, dport=7, chksum=0x4242) / Raw(b"hi")
                              for _ in range(n)], ["udp_bad_checksum"], n),
        ("overlapping_fragments",
         [f for i in range(n // 2) for f in (
             eth / ip4(id=1000 + i, flags="MF", frag=0, proto=17) / Raw(b"A" * 24),
             eth / ip4(id=1000 + i, flags="MF", frag=1, proto=17) / Raw(b"B" * 24))],
         ["reasm_overlap"], n // 2),
        ("endless_fragments_many_datagrams",
         [eth / ip4(id=20000 + i, flags="MF", frag=0, proto=17) / Raw(b"C" * 1400)
          for i in range(3000)],
         ["reasm_evicted", "reasm_bytes_limit"], 1),
        ("endless_fragments_one_datagram",
         [eth / ip4(id=40000, flags="MF", frag=i * 2, proto=17) / Raw(b"D" * 16)
          for i in range(2000)],
         ["reasm_too_many_fragments", "reasm_bytes_limit", "reasm_evicted"], 1),
        ("arp_flood_for_us",
         [Ether(src=f"02:00:00:{i >> 8 & 255:02x}:{i & 255:02x}:01", dst="ff:ff:ff:ff:ff:ff")
          / ARP(op=1, hwsrc=f"02:00:00:{i >> 8 & 255:02x}:{i & 255:02x}:01",
                psrc=f"{NET}.{3 + i % 250}", pdst=OURS) for i in range(3000)],
         [], 0),
        # Senders never seen before (a cached sender is merged, RFC 826, and not a drop).
        ("arp_flood_not_for_us",
         [Ether(src=peer_mac, dst="ff:ff:ff:ff:ff:ff")
          / ARP(op=1, hwsrc=peer_mac, psrc=f"10.81.{i // 250}.{1 + i % 250}",
                pdst=f"{NET}.{3 + i % 250}")
          for i in range(3000)], ["arp_not_for_us"], 3000),
        ("oversized_frames", [eth / ip4() / UDP(sport=4000, dport=9) / Raw(b"E" * 8900)
                              for _ in range(n)], [], 0),
    ]

    fails = 0
    rss_before = rss_kib(proc.pid)
    print(f"netrig pid {proc.pid}, VmRSS {rss_before} KiB before the first case")
    for name, frames, reasons, expected in cases:
        before = counters()
        t0 = time.time()
        send(frames)
        time.sleep(0.3)
        answered = ping_ok()
        after = counters()
        rss = rss_kib(proc.pid)
        delta = {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}
        drops = {k[len("core.drop."):]: v for k, v in delta.items() if k.startswith("core.drop.")}
        link_drops = {k: v for k, v in delta.items() if k.startswith("link.drop.")}
        counted = sum(drops.get(r, 0) for r in reasons)
        problems = []
        if not answered:
            problems.append("no ping reply afterwards")
        if reasons and counted < expected:
            problems.append(f"{'+'.join(reasons)} counted {counted}, want >= {expected}")
        if rss - rss_before > RSS_GROWTH_MAX_KIB:
            problems.append(f"VmRSS grew {rss - rss_before} KiB (max {RSS_GROWTH_MAX_KIB})")
        status = "FAIL" if problems else "ok"
        rx = delta.get("core.rx_frames", 0)
        print(f"{status}: {name}: {len(frames)} frames in {time.time() - t0:.1f} s, "
              f"core.rx_frames +{rx}; "
              f"drops {drops or '{}'}{' link ' + str(link_drops) if link_drops else ''}; "
              f"VmRSS {rss} KiB; ping {'answered' if answered else 'UNANSWERED'}"
              + (f" -- {'; '.join(problems)}" if problems else ""))
        fails += bool(problems)
        if proc.poll() is not None:
            print(read_out())
            print(f"FAIL: netrig exited ({proc.returncode}) during {name}")
            return 1

    proc.send_signal(signal.SIGINT)
    try:
        rc = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        print("FAIL: netrig did not exit on SIGINT")
        return 1
    text = read_out()
    final = text.split("--- netrig user stack counters ---")[-1]
    if rc != 0 or "core.drop.ipv4_bad_checksum" not in final or "udp-echo:" not in text:
        print(text[-3000:])
        print(f"FAIL: exit {rc}, or no summary / counters at exit")
        fails += 1
    else:
        print("ok: clean exit on SIGINT with the summary and the counters by reason")
    print(f"hostile: {fails} failure(s)")
    return 1 if fails else 0


try:
    status = main()
except Exception as e:  # report, clean up, fail
    import traceback
    traceback.print_exc()
    status = 1
finally:
    if proc is not None and proc.poll() is None:
        print(read_out()[-2000:])
    cleanup()
sys.exit(status)
