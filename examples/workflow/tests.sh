#!/usr/bin/env bash
# tests.sh CASE RUNNER RUNNER_V1 RUNNER_OTHER - run the real workflow_runner on
# real workflow files (shell steps, real files, a real TCP connect to
# 127.0.0.1) and check what it did exactly: every failure, handler and
# decision in order, the metrics, the checkpoint.  Delays and handler
# timeouts are scaled down with --time-scale; the decisions are not.
set -u
CASE=$1
WR=$2
WR1=$3
WRX=$4
T=$(mktemp -d "${TMPDIR:-/tmp}/workflow-test-XXXXXX")
cleanup() {
  [ -f pids ] && while read -r p; do kill -9 "$p" 2>/dev/null; done <pids
  cd / && rm -rf "$T"
}
trap cleanup EXIT
cd "$T"

fail() { echo "FAIL [$CASE]: $*" >&2; echo "--- stdout" >&2; cat out.json >&2; echo "--- stderr" >&2; cat err.log >&2; exit 1; }

run() { # run BINARY ARGS...
  local t0 t1
  t0=$(date +%s%N)
  "$@" >out.json 2>err.log
  rc=$?
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
}

# what the runner did, one line per event, without timings
trace() {
  sed -n \
    -e 's/^workflow_runner: step [0-9]* \([^:]*\): ok$/ok \1/p' \
    -e 's/^workflow_runner: step [0-9]* \([^:]*\): failed (exit \([0-9]*\)[^)]*), attempt \([0-9]*\), \([a-z_]*\):.*/fail \1 exit=\2 attempt=\3 \4/p' \
    -e 's/^workflow_runner:   handler \([a-z_]*\): \([a-z]*\) in .*/handler \1 \2/p' \
    -e 's/^workflow_runner: handler \([a-z_]*\) was interrupted.*/interrupted \1/p' \
    -e 's/^workflow_runner:   decision: \(retry in [0-9]* ms\).*/\1/p' \
    -e 's/^workflow_runner:   decision: \(escalate to [a-z]* ([a-z]*\).*/\1)/p' \
    -e 's/^workflow_runner:   decision: \([a-z_]*\): .*/degrade \1/p' \
    -e 's/^workflow_runner:   decision: abort/abort/p' err.log
}
expect_trace() {
  local got
  got=$(trace)
  [ "$got" = "$1" ] || fail "trace:
expected:
$1
got:
$got"
}
expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"; }
has() { grep -qF -- "$1" "${2:-out.json}" || fail "${2:-out.json} lacks: $1"; }
hasnt() { ! grep -qF -- "$1" "${2:-out.json}" || fail "${2:-out.json} has: $1"; }
expect_file() { # expect_file FILE CONTENT
  local got
  got=$(cat "$1" 2>/dev/null)
  [ "$got" = "$2" ] || fail "$1:
expected:
$2
got:
$got"
}
# wait (up to 10 s) for a line in a file
wait_for() {
  for _ in $(seq 1 1000); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.01; done
  fail "timed out waiting for '$2' in $1"
}

case $CASE in
chain_short_circuit)
  # disk full: free_disk fails, prune_cache fixes it (the step then passes)
  cat >w <<'EOF'
step build: [ -f space ] || { echo "cp: write error: No space left on device"; exit 1; }; echo built >>log
handler free_disk: echo free_disk >>log; echo "nothing to free"; exit 1
handler prune_cache: echo prune_cache >>log; touch space; echo "pruned 3 files"
EOF
  run "$WR" --time-scale 10 w
  expect_rc 0
  expect_trace 'fail build exit=1 attempt=1 disk_full
handler free_disk failed
handler prune_cache ok
retry in 0 ms
ok build'
  expect_file log 'free_disk
prune_cache
built'
  has '"result": "done"'
  has '"handlers_run": 2, "handlers_succeeded": 1, "handlers_failed": 1, "handlers_timed_out": 0, "handler_success_pct": 50'
  has '{"handler": "free_disk", "result": "failed", "ms": '
  has ', "output": "nothing to free"}'
  has ', "output": "pruned 3 files"}'
  # the first handler succeeds: the chain stops there
  rm -f log space
  sed -i 's/^handler free_disk: .*/handler free_disk: echo free_disk >>log; touch space/' w
  run "$WR" --time-scale 10 w
  expect_rc 0
  expect_trace 'fail build exit=1 attempt=1 disk_full
handler free_disk ok
retry in 0 ms
ok build'
  expect_file log 'free_disk
built'
  ;;

handler_failures)
  # a handler that hangs past its timeout (10 s / 10) and one that crashes:
  # neither stops the workflow; the chain ends in escalation
  cat >w <<'EOF'
step build: echo "No space left on device"; exit 1
handler free_disk: echo $$ >>pids; echo "freeing"; sleep 30
handler prune_cache: echo "about to crash"; kill -9 $$
notify oncall: echo "paged: $WF_STEP $WF_ERROR $WF_LEVEL $WF_SLA_MS" >>alerts
EOF
  run "$WR" --time-scale 10 w
  expect_rc 4
  expect_trace 'fail build exit=1 attempt=1 disk_full
handler free_disk timeout
handler prune_cache crashed
escalate to oncall (high)'
  [ "$ms" -ge 1000 ] || fail "the 1 s handler limit ended after $ms ms"
  [ "$ms" -lt 5000 ] || fail "the hung handler was not stopped ($ms ms)"
  expect_file alerts 'paged: build disk_full high 1800000'
  has '"handlers_run": 2, "handlers_succeeded": 0, "handlers_failed": 2, "handlers_timed_out": 1, "handler_success_pct": 0, "escalations": 1'
  has ', "output": "freeing"}'
  has '"result": "escalated"'
  # handlers the workflow gives no command for fail the same way
  printf 'step build: echo "No space left on device"; exit 1\n' >w2
  run "$WR" --time-scale 10 w2
  expect_rc 4
  expect_trace 'fail build exit=1 attempt=1 disk_full
handler free_disk missing
handler prune_cache missing
escalate to oncall (high)'
  has ', "output": "no command for handler free_disk in w2"}'
  ;;

retry_conditions)
  # a real TCP connect to a closed port on 127.0.0.1: connection refused
  cat >w <<'EOF'
step fetch retryable=1: bash -c 'exec 3<>/dev/tcp/127.0.0.1/1'
handler restart_service: echo restarted >>log
EOF
  run "$WR" --time-scale 20 w
  expect_rc 4
  expect_trace 'fail fetch exit=1 attempt=1 network_error
retry in 1000 ms
fail fetch exit=1 attempt=2 network_error
retry in 2000 ms
fail fetch exit=1 attempt=3 network_error
retry in 4000 ms
fail fetch exit=1 attempt=4 network_error
handler restart_service ok
retry in 0 ms
fail fetch exit=1 attempt=5 network_error
escalate to team (medium)'
  [ "$ms" -ge 350 ] || fail "1 s + 2 s + 4 s at scale 20 is 350 ms; took $ms ms"
  has '"steps_succeeded": 0, "step_failures": 5, "steps_skipped": 0, "retries": 4'
  # not retryable: the condition `retryable && ...` fails, the catch-all escalates
  sed -i 's/retryable=1/retryable=0/' w
  run "$WR" --time-scale 20 w
  expect_trace 'fail fetch exit=1 attempt=1 network_error
escalate to team (medium)'
  ;;

essential_optional)
  # essential: after 3 retries `attempt <= 3 || !essential` fails: rollback, then on call
  cat >w <<'EOF'
step migrate retryable=1 essential=1: echo "psql: could not connect: Connection refused"; exit 2
handler restart_service: echo never >>log
handler rollback: echo rollback >>log; exit 1
EOF
  run "$WR" --time-scale 20 w
  expect_rc 4
  expect_trace 'fail migrate exit=2 attempt=1 network_error
retry in 1000 ms
fail migrate exit=2 attempt=2 network_error
retry in 2000 ms
fail migrate exit=2 attempt=3 network_error
retry in 4000 ms
fail migrate exit=2 attempt=4 network_error
handler rollback failed
escalate to oncall (high)'
  expect_file log 'rollback'
  # optional: skipped, the workflow goes on
  cat >w <<'EOF'
step lint optional=1: echo "3 warnings"; exit 1
step build: echo built >>log
EOF
  rm -f log
  run "$WR" --time-scale 20 w
  expect_rc 0
  expect_trace 'fail lint exit=1 attempt=1 step_failed
degrade skip_step
ok build'
  expect_file log 'built'
  has '"steps_succeeded": 1, "step_failures": 1, "steps_skipped": 1'
  ;;

lock)
  cat >w <<'EOF'
step deploy: echo "lock held by pid 4242"; exit 75
handler clear_lock: echo "removed stale lock"
EOF
  run "$WR" --time-scale 10 w
  expect_rc 4
  expect_trace 'fail deploy exit=75 attempt=1 lock_held
handler clear_lock ok
retry in 0 ms
fail deploy exit=75 attempt=2 lock_held
retry in 500 ms
fail deploy exit=75 attempt=3 lock_held
retry in 500 ms
fail deploy exit=75 attempt=4 lock_held
escalate to log (low)'
  ;;

output_and_context)
  # handlers see the error context and step variables; the next step sees the
  # handler's output; a step's own timeout= is enforced
  cat >w <<'EOF'
set APP=shop
step upload region=eu-west: [ -f fixed ] && exit 0; echo "disk full on /var"; exit 3
step report: echo "after: $WF_HANDLER_OUTPUT" >>ctx
step slow timeout=300ms: sleep 20
handler free_disk: echo "ctx $APP $WF_STEP $WF_STEP_INDEX $WF_EXIT_CODE $WF_ATTEMPT $WF_ERROR $WF_SEVERITY $WF_VAR_region [$WF_OUTPUT] $WF_HANDLER_TIMEOUT_MS" >>ctx; touch fixed; echo "freed 2 GB"
EOF
  run "$WR" --time-scale 10 w
  expect_rc 4
  expect_trace 'fail upload exit=3 attempt=1 disk_full
handler free_disk ok
retry in 0 ms
ok upload
ok report
fail slow exit=124 attempt=1 step_timeout
escalate to team (medium)'
  expect_file ctx 'ctx shop upload 1 3 1 disk_full high eu-west [disk full on /var
] 1000
after: freed 2 GB'
  [ "$ms" -lt 5000 ] || fail "the step timeout was not enforced ($ms ms)"
  ;;

dry_run)
  cat >w <<'EOF'
step fetch retryable=1: touch ran
step apply essential=1: touch ran
handler restart_service: touch ran
EOF
  run "$WR" --dry-run --checkpoint ck w
  expect_rc 0
  [ ! -e ran ] || fail "dry run executed a command"
  [ ! -e ck ] || fail "dry run wrote a checkpoint"
  has 'step 1 fetch retryable: touch ran'
  has '    if it times out (step_timeout): retry after 1000 ms; retry after 2000 ms; retry after 4000 ms; run restart_service [touch ran] (timeout 5000 ms), if it fails: escalate to team (medium, SLA 14400000 ms) [no notify command].'
  has '    if it fails (step_failed): run rollback [no command] (timeout 30000 ms), if it fails: escalate to oncall (high, SLA 1800000 ms) [no notify command].'
  has 'note: handler rollback has no command in this workflow; it would fail'
  ;;

kill_resume)
  # SIGKILL while waiting for the second retry; the restarted runner goes on
  # with attempt 3 (4 s), not with a fresh incident (1 s)
  cat >w <<'EOF'
step prepare: echo prepare >>log
step fetch retryable=1: echo fetch >>log; bash -c 'exec 3<>/dev/tcp/127.0.0.1/1'
step finish: echo finish >>log
handler restart_service: echo restart >>log; echo "service restarted"
notify team: echo "escalated $WF_STEP $WF_ERROR attempt $WF_ATTEMPT" >>alerts
EOF
  "$WR" --time-scale 2 --checkpoint ck w >out.json 2>err.log &
  pid=$!
  wait_for err.log 'decision: retry in 2000 ms'
  # the runner logs the decision, then saves the checkpoint: kill only once
  # the checkpoint says it is waiting (slow machines, sanitizers)
  wait_for ck 'phase wait -'
  kill -9 $pid
  wait $pid 2>/dev/null
  has 'status running' ck
  has 'phase wait -' ck
  [ ! -e ck.tmp ] || fail "a temporary checkpoint was left behind"
  cp err.log err1.log
  run "$WR" --time-scale 2 --checkpoint ck w
  expect_rc 4
  has 'workflow_runner: checkpoint ck: recovery state restored (policy workflow version 2)' err.log
  has 'workflow_runner: resuming at step 2 (fetch), phase wait' err.log
  expect_trace 'fail fetch exit=1 attempt=3 network_error
retry in 4000 ms
fail fetch exit=1 attempt=4 network_error
handler restart_service ok
retry in 0 ms
fail fetch exit=1 attempt=5 network_error
escalate to team (medium)'
  expect_file log 'prepare
fetch
fetch
fetch
fetch
restart
fetch'
  expect_file alerts 'escalated fetch network_error attempt 5'
  # the metrics count both runs
  has '"steps_succeeded": 1, "step_failures": 5, "steps_skipped": 0, "retries": 4'
  has '"resumes": 1'
  has 'status finished' ck
  ;;

kill_in_handler)
  # SIGKILL while a handler runs: on restart that handler counts as failed and
  # the chain goes on with the next one (the pending handler was saved)
  cat >w <<'EOF'
step build: [ -f space ] || { echo "No space left on device"; exit 1; }; echo built >>log
handler free_disk: echo $$ >>pids; echo free_disk >>log; sleep 30
handler prune_cache: echo prune_cache >>log; touch space
EOF
  "$WR" --time-scale 1 --checkpoint ck w >out.json 2>err.log &
  pid=$!
  wait_for log 'free_disk'
  kill -9 $pid
  wait $pid 2>/dev/null
  has 'phase handler free_disk' ck
  run "$WR" --time-scale 1 --checkpoint ck w
  expect_rc 0
  expect_trace 'interrupted free_disk
handler prune_cache ok
retry in 0 ms
ok build'
  expect_file log 'free_disk
prune_cache
built'
  has '{"handler": "free_disk", "result": "interrupted", "ms": 0, "output": ""}'
  ;;

migrate)
  printf 'step check: echo "3 tests failed"; exit 1\nnotify team: echo team >>alerts\nnotify oncall: echo oncall >>alerts\n' >w
  # the previous policy escalates a failed run at medium: unresolved.medium = 1
  run "$WR1" --checkpoint ck w
  expect_rc 4
  expect_trace 'fail check exit=1 attempt=1 step_failed
escalate to team (medium)'
  has 'policy workflow 1 ' ck
  # the new policy migrates that checkpoint by stable ids: the count survives,
  # so this second failed run in a row is promoted to high
  run "$WR" --checkpoint ck w
  expect_rc 4
  has 'was written by policy workflow version 1' err.log
  has 'migrated to version 2' err.log
  expect_trace 'fail check exit=1 attempt=1 step_failed
escalate to oncall (high)'
  has 'policy workflow 2 ' ck
  # without the old checkpoint it would have gone to the team
  run "$WR" --checkpoint fresh w
  expect_trace 'fail check exit=1 attempt=1 step_failed
escalate to team (medium)'
  expect_file alerts 'team
oncall
team'
  # an incident interrupted under the old policy starts over under the new one
  cat >w3 <<'EOF'
step fetch retryable=1: bash -c 'exec 3<>/dev/tcp/127.0.0.1/1'
EOF
  "$WR1" --time-scale 2 --checkpoint ck3 w3 >out.json 2>err.log &
  pid=$!
  wait_for err.log 'decision: retry in 2000 ms'
  wait_for ck3 'phase wait -'   # the checkpoint is saved after the log line
  kill -9 $pid
  wait $pid 2>/dev/null
  run "$WR" --time-scale 20 --checkpoint ck3 w3
  has 'the incident in progress starts over' err.log
  expect_trace 'fail fetch exit=1 attempt=1 network_error
retry in 1000 ms
fail fetch exit=1 attempt=2 network_error
retry in 2000 ms
fail fetch exit=1 attempt=3 network_error
retry in 4000 ms
fail fetch exit=1 attempt=4 network_error
handler restart_service missing
escalate to team (medium)'
  ;;

reject)
  printf 'step check: exit 1\n' >w
  # a checkpoint of another policy: FOREIGN, rejected, left as it was
  run "$WRX" --checkpoint ck w
  expect_rc 4
  cp ck ck.orig
  run "$WR" --checkpoint ck w
  expect_rc 2
  has 'rejected: written by a different policy (RECOV_LOAD_FOREIGN); it says policy workflow_other version 2' err.log
  cmp -s ck ck.orig || fail "a rejected checkpoint was changed"
  hasnt '"result"'
  # one flipped bit in the policy state: CRC
  run "$WR" --checkpoint good w
  sed -i -E '/^state /{s/^(state .{40})0/\1f/;t;s/^(state .{40})./\10/}' good
  run "$WR" --checkpoint good w
  expect_rc 2
  has 'rejected: checksum mismatch, the file is corrupt (RECOV_LOAD_CRC)' err.log
  # not a checkpoint at all
  echo "hello" >junk
  run "$WR" --checkpoint junk w
  expect_rc 2
  has 'rejected: not a workflow checkpoint or damaged' err.log
  # the checkpoint of another workflow file
  run "$WR" --checkpoint other w
  printf 'step check: exit 0\n' >w
  run "$WR" --checkpoint other w
  expect_rc 2
  has 'belongs to another workflow file' err.log
  ;;

usage)
  run "$WR"; expect_rc 2
  run "$WR" --time-scale 0 w; expect_rc 2
  run "$WR" no-such-file; expect_rc 2
  printf 'step a: true\nhandler no_such_handler: true\n' >w
  run "$WR" w; expect_rc 2
  has 'w:2: the policy has no handler '"'"'no_such_handler'"'"'; it has: clear_lock, free_disk, prune_cache, restart_service, rollback' err.log
  printf 'stp a: true\n' >w
  run "$WR" w; expect_rc 2
  has 'w:1: cannot read this line' err.log
  ;;

*) echo "unknown case $CASE" >&2; exit 2 ;;
esac
echo "ok [$CASE]"
