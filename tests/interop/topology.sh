# SPDX-License-Identifier: MIT
# tests/interop: a sourced library that builds the throw-away topologies of the interop suites
# (network namespaces, veth pairs, TAP devices, addresses) and tears them down on EXIT, even on
# failure. Every object it makes is recorded, so cleanup removes exactly what this run made.
#
#   . "$(dirname "$0")/topology.sh"
#   topo_init                          # temp dir in $topo_dir, EXIT trap installed
#   topo_netns nsX                     # namespace with lo up (deleted on exit)
#   topo_veth nsA vA nsB vB            # veth pair across two namespaces, both ends up, no IPv6
#   topo_tap nsT tap0                  # TAP device in a namespace, up, no IPv6
#   topo_addr nsA vA 10.77.1.1/24
#   topo_xdp_cleanup nsB vB            # unload XDP programs from vB on exit
#   topo_bg ns cmd...                  # start cmd in ns in the background, killed on exit;
#                                      # its pid (the timeout(1) wrapper's, if used) in $topo_pid
#   topo_wait_for file pattern secs    # poll a file for a pattern (grep -E)
#   topo_skip "why"                    # print SKIP and exit 77
#
# Names must be unique per run (suffix $$): parallel ctest runs share the host.

topo_dir=""
topo_pid=""
topo_namespaces=()
topo_xdp=()
topo_pids=()

topo_skip() {
    echo "SKIP: $*"
    exit 77
}

topo_cleanup() {
    local p entry
    for p in "${topo_pids[@]}"; do
        kill -9 "$p" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    for entry in "${topo_xdp[@]}"; do
        ip netns exec "${entry%%:*}" xdp-loader unload -a "${entry#*:}" >/dev/null 2>&1 || true
    done
    # Deleting a namespace deletes its veth and TAP devices with it.
    for p in "${topo_namespaces[@]}"; do
        ip netns del "$p" 2>/dev/null || true
    done
    [ -n "$topo_dir" ] && rm -rf "$topo_dir"
    return 0
}

topo_init() {
    topo_dir=$(mktemp -d)
    trap topo_cleanup EXIT
    trap 'exit 130' INT TERM
}

topo_netns() {
    ip netns add "$1" || return 1
    topo_namespaces+=("$1")
    ip -n "$1" link set lo up
}

topo_no_ipv6() {  # ns dev: keeps router solicitations and MLD out of captures
    ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
}

topo_veth() {  # nsA devA nsB devB
    ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
    topo_no_ipv6 "$1" "$2"
    topo_no_ipv6 "$3" "$4"
    ip -n "$1" link set "$2" up
    ip -n "$3" link set "$4" up
}

topo_tap() {  # ns dev
    ip -n "$1" tuntap add dev "$2" mode tap || return 1
    topo_no_ipv6 "$1" "$2"
    ip -n "$1" link set "$2" up
}

topo_addr() {  # ns dev cidr
    ip -n "$1" addr add "$3" dev "$2"
}

topo_xdp_cleanup() {  # ns dev
    topo_xdp+=("$1:$2")
}

topo_bg() {  # ns cmd... (stdout/stderr redirected by the caller's exec context)
    local ns=$1
    shift
    ip netns exec "$ns" "$@" &
    topo_pid=$!
    topo_pids+=("$topo_pid")
}

topo_wait_for() {  # file pattern seconds
    local i
    for ((i = 0; i < $3 * 20; i++)); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
