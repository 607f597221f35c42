#!/usr/bin/env bash
# Installs every Debian package netrig needs to build, test, fuzz and benchmark.
# Idempotent and non-interactive; run as root on Debian 12.
set -euo pipefail

packages=(
    # toolchain
    build-essential g++ cmake ninja-build pkg-config clang-14 libclang-rt-14-dev
    clang-format-14 clang-tidy-14
    # libraries
    libexpected-dev libcli11-dev nlohmann-json3-dev libfmt-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    libxdp-dev libbpf-dev libpcap-dev libncurses-dev libssl-dev liburing-dev
    # real peers and test tools
    iperf3 socat tshark tcpdump iproute2 iputils-ping ethtool python3 python3-scapy
    xdp-tools curl wrk procps util-linux
    # profiling (bench/: docs/PERFORMANCE.md hot spots)
    linux-perf
)

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: must run as root (apt-get install)" >&2
    exit 1
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${#missing[@]} packages"
