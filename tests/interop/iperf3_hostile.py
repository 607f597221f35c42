#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Hostile control connections against `netrig iperf3 -s` on loopback: wrong cookie, garbage
# JSON, oversized length, unexpected state bytes, connect-and-stall. The server must answer per
# protocol (ACCESS_DENIED 0xFF, or SERVER_ERROR 0xFE + i_errno + errno) and keep serving the
# next real iperf3 client, with bounded memory. Also checks SIGTERM handling (SERVER_TERMINATE).
# Usage: iperf3_hostile.py NETRIG_BINARY
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

NETRIG = sys.argv[1] if len(sys.argv) > 1 else "netrig"
IPERF3 = shutil.which("iperf3")
PORT = 33000 + (os.getpid() % 1500) * 3
COOKIE = b"abcdefghijklmnopqrstuvwxyz2345672345\0"
failures = []


def check(cond, what):
    print(("  ok: " if cond else "  FAIL: ") + what)
    if not cond:
        failures.append(what)
    return cond


def conn():
    s = socket.create_connection(("127.0.0.1", PORT), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            break
        out += chunk
    return out


def closed_after(s):
    try:
        return s.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        return True


def send_json(s, obj):
    t = json.dumps(obj, separators=(",", ":")).encode()
    s.sendall(struct.pack(">I", len(t)) + t)


def expect_server_error(s, want_errno, what):
    b = recv_exact(s, 9)
    ok = len(b) == 9 and b[0] == 0xFE
    check(ok, f"{what}: SERVER_ERROR (got {b.hex()})")
    if ok:
        i_errno, sys_errno = struct.unpack(">ii", b[1:])
        check(i_errno == want_errno, f"{what}: i_errno {i_errno} == {want_errno}")
    check(closed_after(s), f"{what}: connection closed")


def real_client(what):
    r = subprocess.run(["timeout", "20", IPERF3, "-c", "127.0.0.1", "-p", str(PORT), "-t", "1",
                        "-J"], capture_output=True, text=True)
    ok = r.returncode == 0
    if ok:
        ok = json.loads(r.stdout)["end"]["sum_received"]["bytes"] > 0
    check(ok, f"{what}: a real iperf3 client is served next (rc {r.returncode} {r.stderr[:120]})")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    if IPERF3 is None:
        print("SKIP: iperf3 is not installed")
        return 77
    srv = subprocess.Popen(["timeout", "120", NETRIG, "iperf3", "-s", "-p", str(PORT)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        time.sleep(0.2)
        server_pid = int(subprocess.check_output(["pgrep", "-P", str(srv.pid)]).split()[0])

        print("== wrong cookie (characters outside the cookie alphabet)")
        s = conn()
        s.sendall(b"X" * 36 + b"\0")
        check(recv_exact(s, 1) == b"\xff", "wrong cookie: ACCESS_DENIED")
        check(closed_after(s), "wrong cookie: closed")
        s.close()

        print("== garbage JSON")
        s = conn()
        s.sendall(COOKIE)
        check(recv_exact(s, 1) == b"\x09", "PARAM_EXCHANGE")
        s.sendall(struct.pack(">I", 11) + b"{\"tcp\":tru}")
        expect_server_error(s, 114, "garbage JSON")
        s.close()

        print("== oversized length prefix")
        s = conn()
        s.sendall(COOKIE)
        check(recv_exact(s, 1) == b"\x09", "PARAM_EXCHANGE")
        s.sendall(b"\xff\xff\xff\xf0" + b"{" * 1000)
        expect_server_error(s, 114, "oversized JSON")
        s.close()

        print("== params with wrong types")
        s = conn()
        s.sendall(COOKIE)
        recv_exact(s, 1)
        send_json(s, {"tcp": True, "time": "ten", "parallel": 1})
        expect_server_error(s, 114, "params with a string time")
        s.close()

        print("== unexpected state byte during a test, and a data stream with a wrong cookie")
        s = conn()
        s.sendall(COOKIE)
        recv_exact(s, 1)
        send_json(s, {"tcp": True, "omit": 0, "time": 2, "num": 0, "blockcount": 0,
                      "parallel": 1, "len": 1024, "pacing_timer": 1000,
                      "client_version": "3.12"})
        check(recv_exact(s, 1) == b"\x0a", "CREATE_STREAMS")
        bad = conn()
        bad.sendall(COOKIE.replace(b"a", b"b", 1))
        check(recv_exact(bad, 1) == b"\xff", "data stream with a wrong cookie: ACCESS_DENIED")
        bad.close()
        d = conn()
        d.sendall(COOKIE)
        check(recv_exact(s, 2) == b"\x01\x02", "TEST_START, TEST_RUNNING")
        s.sendall(b"\x07")  # STREAM_END: "not used", never sent by clients
        expect_server_error(s, 110, "unexpected state byte")
        d.close()
        s.close()

        print("== connect and stall (no cookie, half a cookie)")
        stall1 = conn()
        stall2 = conn()
        stall2.sendall(COOKIE[:10])
        time.sleep(0.2)
        real_client("while two connections stall")
        stall1.close()
        stall2.close()

        print("== many idle connections, memory stays bounded")
        before = rss_kb(server_pid)
        idle = []
        for _ in range(200):
            try:
                idle.append(conn())
            except OSError:
                break
        time.sleep(0.5)
        after = rss_kb(server_pid)
        check(after - before < 64 * 1024, f"RSS grew {after - before} KiB for 200 idle peers")
        for c in idle:
            c.close()
        time.sleep(0.3)
        real_client("after the flood")

        print("== SIGTERM during a test: SERVER_TERMINATE to the client")
        c = subprocess.Popen(["timeout", "20", IPERF3, "-c", "127.0.0.1", "-p", str(PORT), "-t",
                              "10"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(1.5)
        os.kill(server_pid, signal.SIGTERM)
        out, _ = c.communicate(timeout=15)
        check("server has terminated" in out,
              f"client saw 'the server has terminated' (output ends: {out[-200:]!r})")
        srv.wait(timeout=10)
        check(srv.returncode == 0, f"server exit 0 after SIGTERM (got {srv.returncode})")
    finally:
        if srv.poll() is None:
            srv.kill()
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all hostile-input checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
