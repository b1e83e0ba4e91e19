#!/usr/bin/env bash
# tests.sh SERVICE_START CASE - runs the startup manager for real in a fresh
# folder: the service is a child process on 127.0.0.1, port conflicts are real
# sockets held by `service_start hold`, config and dependency files are real.
set -euo pipefail
S=$(realpath "$1"); case=$2
w=$(mktemp -d); holders=()
cleanup() { for h in "${holders[@]}"; do kill "$h" 2>/dev/null || true; done; rm -rf "$w"; }
trap cleanup EXIT; cd "$w"
# No wait here depends on how fast the machine is: a holder is waited for
# until it says it holds the port or exits (port taken), up to 10 s; the
# manager's startup timeout is real time (10 s unless a case sets it), and
# --time-scale only shortens the policy's retry delays.
# try_hold PORT: 0 and $held = the holder's pid once it holds PORT; 1 if PORT is taken
try_hold() {
    local f=hold.$1.$BASHPID
    "$S" hold "$1" >"$f" 2>/dev/null & held=$!
    for _ in $(seq 1000); do
        grep -q '^holding' "$f" 2>/dev/null && return 0
        kill -0 $held 2>/dev/null || { wait $held 2>/dev/null || true; return 1; }
        sleep 0.01
    done
    echo "hold $1: no answer within 10 s"; exit 1
}
hold() { try_hold "$1" || { echo "port $1 is taken"; exit 1; }; holders+=($held); }
# a port P with P..P+3 free, from a block of 800 ports of this case's own
# (cases running in parallel never pick the same ports)
cases=(port_conflict port_unresolved adaptive_order permission dependency config_invalid process_failed
       timeout network_error firewall venv unknown port_last bad_input checkpoint_damage)
idx=0; for i in "${!cases[@]}"; do [[ ${cases[$i]} == "$case" ]] && idx=$i; done
free_port() { local p i ok hs
    while :; do p=$((20000 + idx * 800 + RANDOM % 790)); hs=(); ok=1
        for i in 0 1 2 3; do if try_hold $((p + i)); then hs+=($held); else ok=0; break; fi; done
        for h in "${hs[@]}"; do kill $h; wait $h 2>/dev/null || true; done
        ((ok)) && { echo $p; return; }
    done; }
run() { rc=0; "$S" start --config svc.conf --timeout-ms 10000 --time-scale 100 "$@" >out 2>&1 || rc=$?; }
check() { local want; want=$(cat)
    if [[ "$rc" != "$1" || "$(cat out)" != "$want" ]]; then echo "exit $rc (expected $1)"; diff -u <(echo "$want") out || true; exit 1; fi
    echo "ok: $case"; }
P=$(free_port); [[ -n $P ]] || { echo "no free port"; exit 1; }
printf 'port=%s\n' $P >svc.conf
case $case in
port_conflict)  # the port is held: another port is found and written to the config
    hold $P
    run
    check 0 <<X
start 1: failed: bind 127.0.0.1:$P: Address already in use -> port_conflict
  recover: alternative_port
  action: port $((P + 1)) is free, config now uses it
start 2: running on 127.0.0.1:$((P + 1))
X
    grep -qx "port=$((P + 1))" svc.conf
    ;;
port_unresolved)  # every alternative port is held and stopping the owner is not allowed
    hold $P; hold $((P + 1)); hold $((P + 2))
    run --alt-ports 2
    check 1 <<X
start 1: failed: bind 127.0.0.1:$P: Address already in use -> port_conflict
  recover: alternative_port
  action: no free port in $((P + 1))..$((P + 2))
  unresolved: manual intervention needed (The port is already in use by another process.)
  suggestion 1: Stop the process using the port.
  suggestion 2: Choose another port in the config file.
X
    ;;
adaptive_order)  # actions learn: the one that worked is tried first next run (checkpoint file)
    hold $P; hold $((P + 1)); hold $((P + 2))
    run --alt-ports 2 --allow-kill --checkpoint learn.ckpt
    check 0 <<X
start 1: failed: bind 127.0.0.1:$P: Address already in use -> port_conflict
  recover: alternative_port
  action: no free port in $((P + 1))..$((P + 2))
  recover: kill_port_owner
  action: stopped the process holding port $P
start 2: running on 127.0.0.1:$P
X
    [[ $(stat -c %s learn.ckpt) -gt 24 ]] || { echo "no checkpoint written"; exit 1; }
    hold $P
    run --alt-ports 2 --allow-kill --checkpoint learn.ckpt
    check 0 <<X
checkpoint learn.ckpt: loaded
start 1: failed: bind 127.0.0.1:$P: Address already in use -> port_conflict
  recover: kill_port_owner
  action: stopped the process holding port $P
start 2: running on 127.0.0.1:$P
X
    hold $P   # without the checkpoint nothing is learned: list order again
    run --alt-ports 3 --allow-kill
    check 0 <<X
start 1: failed: bind 127.0.0.1:$P: Address already in use -> port_conflict
  recover: alternative_port
  action: port $((P + 3)) is free, config now uses it
start 2: running on 127.0.0.1:$((P + 3))
X
    echo garbage >learn.ckpt; hold $((P + 3))   # a damaged checkpoint is rejected, not trusted
    run --alt-ports 2 --checkpoint learn.ckpt
    [[ $(head -1 out) == "checkpoint learn.ckpt: rejected (truncated), learning starts over" ]] || { cat out; exit 1; }
    ;;
permission)  # config not readable: chmod
    chmod 000 svc.conf
    run
    check 0 <<X
start 1: failed: cannot read config svc.conf: Permission denied -> permission_denied
  recover: fix_permissions
  action: chmod 0644 svc.conf: done
start 2: running on 127.0.0.1:$P
X
    ;;
dependency)  # missing dependency: not in the wheelhouse, but in the virtual environment
    printf 'port=%s\nrequires=libgen.so\n' $P >svc.conf
    mkdir wheels venv; touch venv/libgen.so
    run --wheelhouse wheels --venv venv
    check 0 <<X
start 1: failed: missing dependency: libgen.so not installed -> dependency_missing
  recover: install_dependencies
  action: install libgen.so: not in the wheelhouse
  recover: activate_venv
  action: activated virtual environment venv
start 2: running on 127.0.0.1:$P
X
    touch wheels/libgen.so   # with the wheel present, installing alone fixes it
    run --wheelhouse wheels
    check 0 <<X
start 1: failed: missing dependency: libgen.so not installed -> dependency_missing
  recover: install_dependencies
  action: install libgen.so: installed
start 2: running on 127.0.0.1:$P
X
    [[ -e deps/libgen.so ]]
    ;;
config_invalid)
    printf 'port=%s\nthis is not a setting\n' $P >svc.conf
    run
    check 0 <<X
start 1: failed: invalid config: svc.conf:2: expected key=value -> config_invalid
  recover: repair_config
  action: config rewritten with defaults (port $P)
start 2: running on 127.0.0.1:$P
X
    ;;
process_failed)  # the service dies with 8 workers; restarted with 1
    printf 'port=%s\nworkers=8\n' $P >svc.conf
    run
    check 0 <<X
start 1: failed: service process exited with status 70 -> process_failed
  recover: restart_different_params
  action: restart with workers=1
start 2: running on 127.0.0.1:$P
X
    ;;
timeout)  # ready after 3 s of real time: the 1 s timeout fails, 2 s fails, 4 s is enough
          # (real time, not scaled: each margin is a second or more whatever the load)
    printf 'port=%s\nstartup_delay_ms=3000\n' $P >svc.conf
    run --timeout-ms 1000
    check 0 <<X
start 1: failed: service not ready: startup timed out after 1000 ms -> timeout_error
  recover: increase_timeout, startup timeout now 2000 ms
start 2: failed: service not ready: startup timed out after 2000 ms -> timeout_error
  recover: increase_timeout, startup timeout now 4000 ms
start 3: running on 127.0.0.1:$P
X
    ;;
network_error)  # RetryStrategy: 3 retries, 1 s, 2 s, 4 s; then manual intervention
    f=(); for i in 1 2 3 4; do f+=(--fail "network unreachable"); done
    start=$(date +%s%N); run "${f[@]}"; ms=$(( ($(date +%s%N) - start) / 1000000 ))
    (( ms >= 70 )) || { echo "retries took $ms ms, expected >= 70 (7000 ms / 100)"; exit 1; }
    check 1 <<X
start 1: failed: network unreachable -> network_error
  recover: retry in 1000 ms
start 2: failed: network unreachable -> network_error
  recover: retry in 2000 ms
start 3: failed: network unreachable -> network_error
  recover: retry in 4000 ms
start 4: failed: network unreachable -> network_error
  unresolved: manual intervention needed (A network error stopped the service from starting.)
  suggestion 1: Check that the loopback interface is up.
  suggestion 2: Retry in a minute.
X
    ;;
firewall)  # cannot be automated: both checks fail at once (no extra start), then the suggestions
    run --fail "blocked by firewall" --fail "blocked by firewall"
    check 1 <<X
start 1: failed: blocked by firewall -> firewall_blocked
  recover: check_firewall_exceptions
  action: check_firewall_exceptions: cannot be automated here, see the steps below
  recover: suggest_firewall_exception
  action: suggest_firewall_exception: cannot be automated here, see the steps below
  unresolved: manual intervention needed (The firewall blocks the service's port.)
  suggestion 1: Add a firewall exception for the port.
  suggestion 2: Or use a port the firewall allows.
X
    ;;
venv)  # environment error: activate fails (none), create succeeds; a second failure of the
      # same incident resumes with the actions not yet run (none left: the suggestions)
    run --venv env1 --fail "virtual environment not found"
    check 0 <<X
start 1: failed: virtual environment not found -> virtual_env_error
  recover: activate_venv
  action: no virtual environment to activate
  recover: create_venv
  action: create virtual environment env1: created
start 2: running on 127.0.0.1:$P
X
    [[ -d env1 ]] || { echo "env1 not created"; exit 1; }
    rm -rf env1
    run --venv env1 --fail "virtual environment not found" --fail "venv broken"
    check 1 <<X
start 1: failed: virtual environment not found -> virtual_env_error
  recover: activate_venv
  action: no virtual environment to activate
  recover: create_venv
  action: create virtual environment env1: created
start 2: failed: venv broken -> virtual_env_error
  unresolved: manual intervention needed (The virtual environment is missing or broken.)
  suggestion 1: Create the virtual environment.
  suggestion 2: Activate it before starting.
X
    ;;
unknown)
    run --fail "something odd happened"
    check 1 <<X
start 1: failed: something odd happened -> unknown
  unresolved: manual intervention needed (The service failed to start for an unknown reason.)
  suggestion 1: Read the service log.
  suggestion 2: Report the problem with the log attached.
X
    ;;
port_last)  # with 65535 taken there is no port above it: never (uint16_t)65536 = port 0
    try_hold 65535 || { echo "SKIP: port 65535 is in use on this machine; this case needs to hold it"; exit 77; }
    holders+=($held)
    printf 'port=65535\n' >svc.conf
    run
    check 1 <<X
start 1: failed: bind 127.0.0.1:65535: Address already in use -> port_conflict
  recover: alternative_port
  action: no free port: 65535 is the last port
  unresolved: manual intervention needed (The port is already in use by another process.)
  suggestion 1: Stop the process using the port.
  suggestion 2: Choose another port in the config file.
X
    grep -qx 'port=65535' svc.conf || { echo "config changed:"; cat svc.conf; exit 1; }
    # 65534 taken too: the 10 alternatives are cut at 65535
    try_hold 65534 || { echo "SKIP: port 65534 is in use on this machine; this case needs to hold it"; exit 77; }
    holders+=($held)
    printf 'port=65534\n' >svc.conf
    run
    check 1 <<X
start 1: failed: bind 127.0.0.1:65534: Address already in use -> port_conflict
  recover: alternative_port
  action: no free port in 65535..65535
  unresolved: manual intervention needed (The port is already in use by another process.)
  suggestion 1: Stop the process using the port.
  suggestion 2: Choose another port in the config file.
X
    grep -qx 'port=65534' svc.conf || { echo "config changed:"; cat svc.conf; exit 1; }
    ;;
bad_input)  # every number from outside is range checked: config values, options, hold's port
    printf 'port=%s\nworkers=-1\n' $P >svc.conf
    run
    check 0 <<X
start 1: failed: invalid config: svc.conf:2: workers must be 1..1024, not '-1' -> config_invalid
  recover: repair_config
  action: config rewritten with defaults (port $P)
start 2: running on 127.0.0.1:$P
X
    for bad in "port=0" "port=65536" "port=99999999999999999999" "port=8080x" "port= 8080" "port=+8080" "port=" \
               "workers=0" "workers=4294967297" "startup_delay_ms=600001" "startup_delay_ms=-5" "requires=../x"; do
        printf '%s\n' "$bad" >svc.conf
        "$S" serve svc.conf >out 2>&1 && { echo "serve accepted '$bad'"; exit 1; }
        grep -q "^ERROR 0 invalid config: svc.conf:1: .*, not '" out || { echo "'$bad':"; cat out; exit 1; }
    done
    printf 'port=%s\n' $P >svc.conf
    for args in "--alt-ports abc" "--alt-ports 0" "--alt-ports 1001" "--timeout-ms 0" "--timeout-ms 18446744073709551617" \
                "--time-scale -1" "--time-scale 0" "--time-scale 1000001" "--time-scale 1e3"; do
        rc=0; "$S" start --config svc.conf $args >out 2>&1 || rc=$?
        [[ $rc == 2 ]] && grep -q "^service_start: ${args%% *}: '${args#* }' is not a number in " out || { echo "$args: exit $rc"; cat out; exit 1; }
    done
    for port in 0 65536 4294967296 -1 x; do
        rc=0; "$S" hold $port >out 2>&1 || rc=$?
        [[ $rc == 2 ]] && grep -q "^service_start: hold: bad port '$port' (1..65535)" out || { echo "hold $port: exit $rc"; cat out; exit 1; }
    done
    echo "ok: $case"
    ;;
checkpoint_damage)  # every byte of a real checkpoint flipped: each copy is rejected with a
                    # reason (P_load's CRC covers bytes 0..20+L, the host refuses bytes after it)
    run --fail "network unreachable" --checkpoint learn.ckpt
    [[ -s learn.ckpt ]] || { echo "no checkpoint written"; exit 1; }
    cp learn.ckpt good.ckpt
    run --fail "something odd happened" --checkpoint learn.ckpt
    [[ $(head -1 out) == "checkpoint learn.ckpt: loaded" ]] || { cat out; exit 1; }
    cp good.ckpt long.ckpt; printf 'x' >>long.ckpt
    run --fail "something odd happened" --checkpoint long.ckpt
    [[ $(head -1 out) == "checkpoint long.ckpt: rejected (bytes after the checkpoint), learning starts over" ]] || { cat out; exit 1; }
    mkdir flips
    python3 - good.ckpt flips <<'PY'
import sys
good = open(sys.argv[1], 'rb').read()
for i in range(len(good)):
    bad = bytearray(good); bad[i] ^= 0xff
    open('%s/%d' % (sys.argv[2], i), 'wb').write(bad)
PY
    n=0
    for f in flips/*; do
        "$S" start --config svc.conf --checkpoint "$f" --fail "something odd happened" >out 2>&1 || true
        read -r first <out
        [[ $first == "checkpoint $f: rejected ("*"), learning starts over" ]] || { echo "byte ${f#flips/} flipped: $first"; exit 1; }
        n=$((n + 1))
    done
    (( n == $(stat -c %s good.ckpt) && n > 24 )) || { echo "$n flips"; exit 1; }
    echo "$n damaged copies (each byte of the checkpoint flipped), all rejected"
    echo "ok: $case"
    ;;
*) echo "unknown case $case"; exit 2 ;;
esac
