#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the kernel ping socket tests in a private network namespace whose
# net.ipv4.ping_group_range admits every group, so the unprivileged SOCK_DGRAM path is tested
# even where the host forbids it (Debian's default "1 0"). The setting is per namespace: the
# host is untouched. Exit 77 = skipped (no root / no unshare).
#   kernel_ping_netns.sh NET_TEST
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root (unshare -n)"; exit 77; fi
command -v unshare >/dev/null || { echo "SKIP: unshare missing"; exit 77; }
out=$(unshare -n sh -c '
    ip link set lo up &&
    sysctl -qw net.ipv4.ping_group_range="0 2147483647" &&
    exec "$0" --gtest_filter="kernel_ping.*"' "$1" 2>&1) || { echo "$out"; exit 1; }
echo "$out"
# Here every mode is permitted: a skipped test means the datagram path was not exercised.
if echo "$out" | grep -q "SKIPPED"; then echo "FAIL: a ping test was skipped"; exit 1; fi
