#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Linux side of tcp_interop.sh: a TCP test peer on plain Linux sockets, written apart from
netrig_tcp_peer so that a bug in one peer cannot hide the same bug in the other. Same CLI and
the same JSON lines (conn, rx_bytes, rx_sha256, tx_bytes, tx_sha256, result; then a summary):

  tcp_interop_linux.py listen PORT --mode M [--bytes N] [--conns K] [--time-limit S]
  tcp_interop_linux.py connect IP:PORT --mode M [--bytes N] [--conns K] [--half-close]

Modes: sink (read to EOF), source (write N bytes, shutdown(SHUT_WR), read to EOF, both at once),
echo (write back until EOF, then close), rst (read N bytes, then close with SO_LINGER 0: RST),
close (read N bytes, then close() with data still arriving: Linux answers it with RST,
RFC 2525 §2.17). A connection whose peer reset it reports "reset" (ECONNRESET, or EPIPE on a
write after the reset). Exit status 0 iff every connection ended as --expect says."""

import argparse
import errno
import hashlib
import json
import os
import socket
import struct
import sys
import threading
import time

CHUNK = 256 * 1024


class Conn:
    def __init__(self, index):
        self.index = index
        self.rx_bytes = 0
        self.tx_bytes = 0
        self.rx_hash = hashlib.sha256()
        self.tx_hash = hashlib.sha256()
        self.error = None  # "reset" or "error: ..."

    def fail(self, where, exc):
        if self.error is not None:
            return
        code = getattr(exc, "errno", None)
        if code in (errno.ECONNRESET, errno.EPIPE):
            self.error = "reset"
        else:
            self.error = f"error: {where}: {exc}"

    def line(self):
        return {"conn": self.index, "rx_bytes": self.rx_bytes,
                "rx_sha256": self.rx_hash.hexdigest(), "tx_bytes": self.tx_bytes,
                "tx_sha256": self.tx_hash.hexdigest(), "result": self.error or "ok"}


def read_to_end(sock, c, limit=None):
    """Reads to EOF (or until limit bytes). Returns False on error."""
    while limit is None or c.rx_bytes < limit:
        want = CHUNK if limit is None else min(CHUNK, limit - c.rx_bytes)
        try:
            data = sock.recv(want)
        except OSError as e:
            c.fail("read", e)
            return False
        if not data:
            return True
        c.rx_hash.update(data)
        c.rx_bytes += len(data)
    return True


def write_source(sock, c, count, seed):
    # A random block per connection; every chunk starts with its own index, so the stream never
    # repeats and a chunk in the wrong place changes the hash.
    block = bytearray(os.urandom(CHUNK))
    chunk_no = 0
    while c.tx_bytes < count:
        struct.pack_into("<QQ", block, 0, seed, chunk_no)
        chunk_no += 1
        n = min(CHUNK, count - c.tx_bytes)
        view = memoryview(block)[:n]
        try:
            sock.sendall(view)
        except OSError as e:
            c.fail("write", e)
            return
        c.tx_hash.update(view)
        c.tx_bytes += n
    try:
        sock.shutdown(socket.SHUT_WR)
    except OSError as e:
        c.fail("shutdown", e)


def run_conn(sock, args, index, results, lock):
    c = Conn(index)
    sock.settimeout(args.time_limit if args.time_limit > 0 else None)
    try:
        if args.mode == "sink":
            if args.half_close:
                sock.shutdown(socket.SHUT_WR)  # our FIN first; the peer still sends
            read_to_end(sock, c)
        elif args.mode == "source":
            writer = threading.Thread(target=write_source,
                                      args=(sock, c, args.bytes, index * 7919 + 1))
            writer.start()
            read_to_end(sock, c)
            writer.join()
        elif args.mode == "echo":
            while True:
                try:
                    data = sock.recv(CHUNK)
                except OSError as e:
                    c.fail("read", e)
                    break
                if not data:
                    break
                c.rx_hash.update(data)
                c.rx_bytes += len(data)
                try:
                    sock.sendall(data)
                except OSError as e:
                    c.fail("write", e)
                    break
                c.tx_hash.update(data)
                c.tx_bytes += len(data)
        elif args.mode in ("rst", "close"):
            limit = max(args.bytes, 1)
            if read_to_end(sock, c, limit) and c.rx_bytes < limit and c.error is None:
                c.error = f"error: EOF after {c.rx_bytes} of {limit} bytes, before the close"
            if args.mode == "rst":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError as e:
        c.fail(args.mode, e)
    finally:
        sock.close()
    with lock:
        results.append(c)
        print(json.dumps(c.line()), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("role", choices=["listen", "connect"])
    p.add_argument("where", help="PORT (listen) or IP:PORT (connect)")
    p.add_argument("--mode", required=True, choices=["sink", "source", "echo", "rst", "close"])
    p.add_argument("--bytes", type=int, default=1 << 20)
    p.add_argument("--conns", type=int, default=1)
    p.add_argument("--time-limit", type=float, default=0)
    p.add_argument("--half-close", action="store_true")
    p.add_argument("--expect", choices=["ok", "reset", "any"], default="ok")
    args = p.parse_args()
    if args.half_close and args.mode != "sink":
        p.error("--half-close needs --mode sink")

    results, lock, threads = [], threading.Lock(), []
    start = time.monotonic()
    deadline = start + args.time_limit if args.time_limit > 0 else None

    def spawn(sock, i):
        t = threading.Thread(target=run_conn, args=(sock, args, i, results, lock), daemon=True)
        t.start()
        threads.append(t)

    if args.role == "listen":
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("0.0.0.0", int(args.where)))
        ls.listen(max(args.conns, 128))
        print(json.dumps({"event": "listening", "port": int(args.where), "stack": "linux"}),
              flush=True)
        ls.settimeout(args.time_limit if args.time_limit > 0 else None)
        for i in range(args.conns):
            try:
                s, _ = ls.accept()
            except OSError as e:
                print(f"accept: {e}", file=sys.stderr)
                break
            spawn(s, i)
        ls.close()
    else:
        host, port = args.where.rsplit(":", 1)

        def connect_one(i):
            try:
                s = socket.create_connection((host, int(port)), timeout=10)
            except OSError as e:
                c = Conn(i)
                c.fail("connect", e)
                with lock:
                    results.append(c)
                    print(json.dumps(c.line()), flush=True)
                return
            run_conn(s, args, i, results, lock)

        for i in range(args.conns):
            t = threading.Thread(target=connect_one, args=(i,), daemon=True)
            t.start()
            threads.append(t)
    for t in threads:
        t.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    with lock:
        done = list(results)
    ok = sum(1 for c in done if c.error is None)
    reset = sum(1 for c in done if c.error == "reset")
    want = {"ok": ok, "reset": reset, "any": len(done)}[args.expect]
    passed = len(done) == args.conns and want == len(done)
    print(json.dumps({"summary": args.role, "stack": "linux", "conns": len(done), "ok": ok,
                      "reset": reset, "errors": len(done) - ok - reset,
                      "rx_bytes": sum(c.rx_bytes for c in done),
                      "tx_bytes": sum(c.tx_bytes for c in done),
                      "seconds": round(time.monotonic() - start, 3), "pass": passed}),
          flush=True)
    sys.stdout.flush()
    os._exit(0 if passed else 1)  # daemon threads may still block on a hung socket


if __name__ == "__main__":
    main()
