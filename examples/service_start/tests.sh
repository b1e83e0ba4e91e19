#!/usr/bin/env bash
# tests.sh SERVICE_START CASE - runs the startup manager for real in a fresh
# folder: the service is a child process on 127.0.0.1, port conflicts are real
# sockets held by `service_start hold`, config and dependency files are real.
set -euo pipefail
S=$(realpath "$1"); case=$2
w=$(mktemp -d); holders=()
cleanup() { for h in "${holders[@]}"; do kill "$h" 2>/dev/null || true; done; rm -rf "$w"; }
trap cleanup EXIT; cd "$w"
free_port() { local p; while :; do p=$((20000 + RANDOM % 30000)); "$S" hold $p >/dev/null 2>&1 & local h=$!; sleep 0.05
    if kill -0 $h 2>/dev/null; then kill $h; wait $h 2>/dev/null || true; echo $p; return; fi; done; }
hold() { "$S" hold "$1" >/dev/null & holders+=($!); for _ in $(seq 50); do (echo >/dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.02; done; echo "hold $1 failed"; exit 1; }
run() { rc=0; "$S" start --config svc.conf --time-scale 100 "$@" >out 2>&1 || rc=$?; }
check() { local want; want=$(cat)
    if [[ "$rc" != "$1" || "$(cat out)" != "$want" ]]; then echo "exit $rc (expected $1)"; diff -u <(echo "$want") out || true; exit 1; fi
    echo "ok: $case"; }
P=$(free_port); printf 'port=%s\n' $P >svc.conf
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
    [[ $(head -1 out) == "checkpoint learn.ckpt: rejected" ]] || { cat out; exit 1; }
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
timeout)  # ready after 300 ms real; timeout 10 s at scale 100 = 100 ms, doubled twice
    printf 'port=%s\nstartup_delay_ms=300\n' $P >svc.conf
    run --timeout-ms 10000
    check 0 <<X
start 1: failed: service not ready: startup timed out after 10000 ms -> timeout_error
  recover: increase_timeout, startup timeout now 20000 ms
start 2: failed: service not ready: startup timed out after 20000 ms -> timeout_error
  recover: increase_timeout, startup timeout now 40000 ms
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
*) echo "unknown case $case"; exit 2 ;;
esac
