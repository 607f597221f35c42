# SPDX-License-Identifier: MIT
"""Helpers shared by the scapy interop suites (user_hostile.py, tcp_hostile.py): run a command,
enter a named network namespace, read a process's resident memory."""
import ctypes
import os
import re
import subprocess


def sh(*args, check=True):
    """Runs a command; with check, a non-zero exit raises with its stderr."""
    r = subprocess.run(list(args), capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r


def enter_netns(name):
    """setns(2) into a named namespace (os.setns needs Python 3.12)."""
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/var/run/netns/{name}", os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), "setns")
    os.close(fd)


def rss_kib(pid):
    """VmRSS of a process in KiB."""
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))
