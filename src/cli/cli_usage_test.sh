#!/usr/bin/env bash
# Checks netrig's command-line contract: help and version exit 0, bad usage exits 2 with a
# message in plain words on stderr, and nothing crashes on hostile flag values.
set -u
netrig=$1
fails=0
total=0
check() {  # expected-status, grep-pattern (stdout+stderr), args...
    local want=$1 pattern=$2; shift 2
    local out status
    total=$((total+1))
    out=$(timeout 20 "$netrig" "$@" 2>&1); status=$?
    if [ "$status" -ne "$want" ]; then
        echo "FAIL: netrig $* exited $status, want $want"; echo "$out" | head -n 5; fails=$((fails+1))
    elif ! grep -qiE -- "$pattern" <<<"$out"; then
        echo "FAIL: netrig $* output lacks /$pattern/"; echo "$out" | head -n 5; fails=$((fails+1))
    else
        echo "ok: netrig $* -> $status"
    fi
}
check 0 'Usage:.*netrig'                --help
check 0 'demo'                          --help
check 0 '^netrig [0-9]+\.[0-9]+\.[0-9]+' --version
check 2 'subcommand'                    # no command at all
check 2 'nosuch|not.*expected|extra|subcommand is required' nosuch
check 2 'unrecognized|not expected|extra|--bogus|subcommand is required' --bogus
check 0 'Stack and link'                demo --help
check 2 'stack'                         demo --stack bsd
check 2 'sim, tap:NAME or xdp'          demo --link wifi:0
check 2 'queue'                         demo --link xdp:eth0:q
check 2 'mtu|range'                     demo --mtu 10
check 2 'stack user'                    demo --link sim
check 0 'HOST'                          ping --help
check 0 'udp-echo|port'                 udp-echo --help
check 2 'HOST.*required|required'       ping
check 2 'size|range'                    ping -s 70000 10.0.0.2
check 2 'interval|range|number'         ping -i -1 10.0.0.2
check 2 'count|number|COUNT'            ping -c x 10.0.0.2
check 2 'stack user'                    ping --link sim 10.0.0.2
check 2 '--ip'                          ping --stack user --link tap:nrtap0 10.0.0.2
check 2 '--ip'                          udp-echo --stack user --link xdp:nrveth0
check 2 'bad --ip'                      udp-echo --stack user --ip 10.0.0.1
check 2 'bad --impair'                  udp-echo --stack user --impair loss=lots
check 2 'port|range'                    udp-echo -p 0
check 2 'xdp-mode|not in'               udp-echo --stack user --link xdp:nrveth0 --ip 10.9.0.2/24 --xdp-mode turbo
check 2 'xdp-mode needs'                udp-echo --stack user --link sim --xdp-mode skb
check 2 'Name or service not known'     ping --stack user no-such-host.invalid
check 2 'time|seconds|range|number'     demo --time -3
check 2 'time|seconds|range|number'     demo --time abc
# A long hostile argument must be rejected, not crash.
check 2 'sim, tap:NAME or xdp'          demo --link "$(head -c 100000 /dev/zero | tr '\0' 'x')"
echo "$(( total - fails )) passed, $fails failed"
[ "$fails" -eq 0 ]
