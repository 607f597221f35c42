#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Interop (root): netrig iperf3 on the USER stack over TAP against Debian's real iperf3 3.12 on
# the Linux stack in a network namespace, both roles:
#   serve:  netrig iperf3 -s --stack user --link tap:DEV --ip NET.2/24   <- iperf3 -c NET.2
#   client: netrig iperf3 -c NET.1 --stack user --link tap:DEV ...       -> iperf3 -s -B NET.1
# Scenarios: TCP, UDP at a set rate, -R, --bidir, -P 4, -n; the -J output of the side that
# prints the full report is checked with iperf3_interop.py's consistency checks (bytes,
# durations, stream counts) and its key set against a real iperf3 pair's. Every process is
# bounded by timeout(1); the namespace (and the TAP in it) is deleted on every exit path.
# Usage: iperf3_user_tap.py NETRIG_BINARY     Exit 77 = skipped (no root, TUN/TAP or iperf3).
import json
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import iperf3_interop as base  # noqa: E402  (consistency checks and key sets)

NETRIG = sys.argv[1] if len(sys.argv) > 1 else "netrig"
IPERF3 = shutil.which("iperf3")
PID = os.getpid()
NS = f"nri3u{PID}"
DEV = f"nri3t{PID}"[:15]
NET = f"10.79.{PID % 200 + 20}"
KERNEL_IP = f"{NET}.1"
USER_IP = f"{NET}.2"
USER_FLAGS = ["--stack", "user", "--link", f"tap:{DEV}", "--ip", f"{USER_IP}/24"]
PORT = 5201
# What one TCP stream can hold unsent or unread when the test ends (iperf3 counts bytes written
# by the sender but stops the receiver's count at TEST_END): the sender's buffer (4 MiB: Linux
# tcp_wmem max here, and core's send_buffer_max) plus the receiver's window (core's
# recv_buffer_max is 6 MiB; Linux autotunes toward tcp_rmem's 32 MiB, but in 1-2 s tests here
# the total stayed under 8.5 MiB at ~1 Gbit/s). Over TAP that is a large share of a short test,
# so the loopback rule (received >= 90% of sent) does not apply.
TCP_SLACK = 12 << 20
children = []

# Checks switched off because of a diagnosed bug outside tools/iperf3 (owner named); each is
# printed as "KNOWN BUG: ..." on every run so it is not forgotten. (role, name) -> reason.
# Empty since f0a8d16: the user-stack client with -P 4 used to end a -t 1 test at 1.2-1.9 s (the
# executor got no turn for up to 2 s); it now ends at 1.05-1.2 s, within the check's 0.5 s.
KNOWN_BUGS = {}


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


def sh(*cmd, check=True):
    return subprocess.run(list(cmd), check=check, capture_output=True, text=True)


def in_ns(*cmd):
    return ["ip", "netns", "exec", NS] + list(cmd)


def cleanup():
    for p in children:
        if p.poll() is None:
            p.kill()
            p.wait()
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


def setup():
    sh("ip", "netns", "add", NS)
    sh("ip", "-n", NS, "link", "set", "lo", "up")
    sh("ip", "-n", NS, "tuntap", "add", "dev", DEV, "mode", "tap")
    sh("ip", "-n", NS, "addr", "add", f"{KERNEL_IP}/24", "dev", DEV)
    sh("ip", "-n", NS, "link", "set", DEV, "up")
    # The kernel queues frames for us on the TAP (txqueuelen 500 by default) while netrig waits
    # for a CPU; on a loaded 2-vCPU machine a UDP burst can outlast that (seen once: > 5% loss
    # at 20 Mbit/s with load 13). A deeper queue keeps the UDP loss check about netrig.
    sh("ip", "-n", NS, "link", "set", DEV, "txqueuelen", "5000")
    sh(*in_ns("sysctl", "-qw", f"net.ipv6.conf.{DEV}.disable_ipv6=1"))


def start_bg(cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children.append(p)
    return p


def finish(p, timeout=20):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    return p.returncode, out, err


def wait_user_stack_up(seconds=10.0):
    """The user stack answers ping once it is attached to the TAP."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        r = subprocess.run(in_ns("ping", "-c", "1", "-W", "0.2", USER_IP), capture_output=True)
        if r.returncode == 0:
            return True
        time.sleep(0.05)
    return False


def run_serve(name, args, check_duration=True):
    """netrig server on the user stack, the real iperf3 client on the kernel stack."""
    label = f"{name}[iperf3 -> netrig user/TAP]"
    srv = start_bg(in_ns("timeout", "40", NETRIG, "iperf3", "-s", "-1", "-p", str(PORT), "-J",
                         *USER_FLAGS))
    if not base.check(wait_user_stack_up(), f"{label}: netrig's user stack answers ping"):
        finish(srv, 1)
        return
    time.sleep(0.2)  # the listener is up right after the stack; leave it a moment
    r = subprocess.run(in_ns("timeout", "30", IPERF3, "-c", USER_IP, "-p", str(PORT), *args,
                             "-J"), capture_output=True, text=True)
    src, sout, serr = finish(srv)
    doc = evaluate(label, args, r.returncode, r.stdout, r.stderr, check_duration)
    base.check(src == 0, f"{label}: netrig server exit 0 (got {src}: {serr.strip()[:300]})")
    try:
        sdoc = json.loads(sout)
        rb = sdoc["end"]["sum_received"]["bytes"]
        sb = sdoc["end"]["sum_sent"]["bytes"]
        base.check(rb > 0 or sb > 0, f"{label}: netrig server JSON counts bytes")
    except (ValueError, KeyError) as e:
        base.check(False, f"{label}: netrig server -J output parses ({e})")
        return
    if doc is not None and "-u" not in args and "--bidir" not in args:
        # The results exchange: the real client's receiver figures are the ones our server
        # sent it (-R: its sender figures), so both documents must agree to the byte.
        side = "sum_sent" if "-R" in args else "sum_received"
        mine = sdoc["end"][side]["bytes"]
        theirs = doc["end"][side]["bytes"]
        base.check(mine == theirs, f"{label}: results exchange agrees on {side} "
                                   f"(server {mine}, client {theirs})")


def run_client(name, args, check_duration=True):
    """Real iperf3 server on the kernel stack, netrig client on the user stack."""
    label = f"{name}[netrig user/TAP -> iperf3]"
    srv = start_bg(in_ns("timeout", "40", IPERF3, "-s", "-1", "-p", str(PORT), "-B", KERNEL_IP))
    time.sleep(0.3)  # no connect probe: iperf3 -1 would take it for its one client
    r = subprocess.run(in_ns("timeout", "30", NETRIG, "iperf3", "-c", KERNEL_IP, "-p", str(PORT),
                             *args, "-J", *USER_FLAGS), capture_output=True, text=True)
    src, _, serr = finish(srv)
    evaluate(label, args, r.returncode, r.stdout, r.stderr, check_duration)
    base.check(src == 0, f"{label}: iperf3 server exit 0 (got {src}: {serr.strip()[:300]})")


def evaluate(label, args, rc, out, err, check_duration=True):
    if not base.check(rc == 0, f"{label}: client exit 0 (got {rc}: {err.strip()[:300]})"):
        return None
    try:
        doc = json.loads(out)
    except ValueError as e:
        base.check(False, f"{label}: client -J output parses ({e})")
        return None
    base.consistency(label, doc, args, tcp_slack_bytes=TCP_SLACK, check_duration=check_duration)
    ref = REFS.get(tuple(args))
    if ref is not None:
        missing = base.key_paths(ref) - base.key_paths(doc) - base.OPTIONAL_KEYS
        base.check(not missing, f"{label}: key set covers iperf3's (missing {sorted(missing)})")
    ss = doc.get("end", {}).get("sum_sent", {})
    sr = doc.get("end", {}).get("sum_received", {})
    print(f"  sent {ss.get('bytes')} B in {ss.get('seconds', 0):.2f} s, received "
          f"{sr.get('bytes')} B in {sr.get('seconds', 0):.2f} s, "
          f"{sr.get('bits_per_second', 0) / 1e6:.1f} Mbit/s"
          + (f", lost {doc['end']['sum'].get('lost_percent', 0):.2f}%" if "-u" in args else ""))
    return doc


REFS = {}


def reference(args):
    """A real iperf3 pair on the namespace's loopback: the key set netrig must cover."""
    srv = start_bg(in_ns("timeout", "30", IPERF3, "-s", "-1", "-p", str(PORT + 1)))
    time.sleep(0.3)
    r = subprocess.run(in_ns("timeout", "30", IPERF3, "-c", "127.0.0.1", "-p", str(PORT + 1),
                             *args, "-J"), capture_output=True, text=True)
    finish(srv)
    if r.returncode == 0:
        REFS[tuple(args)] = json.loads(r.stdout)


SCENARIOS = [
    ("tcp", ["-t", "2"]),
    ("udp20M", ["-t", "2", "-u", "-b", "20M"]),
    ("reverse", ["-t", "1", "-R"]),
    ("bidir", ["-t", "1", "--bidir"]),
    ("parallel4", ["-t", "1", "-P", "4"]),
    ("bytes", ["-n", "20M"]),
]


def main():
    if os.geteuid() != 0:
        skip("needs root (network namespace and TAP)")
    if not os.path.exists("/dev/net/tun"):
        skip("/dev/net/tun missing (no TUN/TAP)")
    if IPERF3 is None:
        skip("iperf3 is not installed")
    for tool in ("ip", "ping", "timeout"):
        if shutil.which(tool) is None:
            skip(f"{tool} missing")
    if not os.path.exists(NETRIG):
        skip(f"netrig binary not found at {NETRIG}")
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    started = time.time()
    try:
        setup()
        only = os.environ.get("NETRIG_IPERF3_CASES")  # e.g. "tcp,bytes" to rerun a few
        for name, args in SCENARIOS:
            if only and name not in only.split(","):
                continue
            reference(args)
            for role, fn in (("serve", run_serve), ("client", run_client)):
                why = KNOWN_BUGS.get((role, name))
                print(f"== {name} ({role}): {' '.join(args)}", flush=True)
                if why:
                    print(f"KNOWN BUG: {name} ({role}): {why}")
                fn(name, args, check_duration=why is None)
    finally:
        cleanup()
    print(f"wall time {time.time() - started:.1f} s")
    if base.failures:
        print(f"{len(base.failures)} check(s) failed")
        return 1
    print("all user-stack TAP interop checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
