# SPDX-License-Identifier: MIT
"""Helpers shared by the scapy interop suites (user_hostile.py, tcp_hostile.py): run a command,
enter a named network namespace, read a process's resident memory."""
import ctypes
import os
import re
import shutil
import subprocess
import sys


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


SKIP = 77  # ctest SKIP_RETURN_CODE


def skip(why):
    """Exits as skipped (77), saying why."""
    print(f"SKIP: {why}")
    sys.exit(SKIP)


def require_root_tap_scapy(tools=("ip", "ping")):
    """Skips unless root, /dev/net/tun and `tools` are present; without scapy in this python,
    re-executes the script under Debian's /usr/bin/python3 (python3-scapy lives in its path;
    a pyenv python3 lacks it), or skips if that has none either."""
    if os.geteuid() != 0:
        skip("needs root (network namespace, TAP)")
    if not os.path.exists("/dev/net/tun"):
        skip("/dev/net/tun missing (no TUN/TAP)")
    for tool in tools:
        if shutil.which(tool) is None:
            skip(f"{tool} missing")
    try:
        import scapy  # noqa: F401  (imported for real by the caller)
    except ImportError:
        if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        skip("python3-scapy missing")
