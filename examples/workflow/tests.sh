#!/usr/bin/env bash
# tests.sh CASE RUNNER RUNNER_V1 RUNNER_OTHER - run the real workflow_runner on
# real workflow files (shell steps, real files, a real TCP connect to
# 127.0.0.1) and check what it did exactly: every failure, handler and
# decision in order, the metrics, the checkpoint.  Retry delays are scaled
# down with --time-scale (the policy's clock counts them in full) and so are
# handler timeouts, but never below 2 s of real time; a step's own timeout=
# is real time.  Every real wait a case relies on has seconds of margin.
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
# reseal FILE: make a checkpoint's last line the right CRC-32 of the rest
# (to reach the checks behind the CRC with crafted files)
reseal() {
  python3 - "$1" <<'PY'
import sys, zlib
p = sys.argv[1]
b = open(p, 'rb').read()
i = b.rstrip(b'\n').rfind(b'\n') + 1
assert b[i:i + 4] == b'crc ', b[i:]
open(p, 'wb').write(b[:i] + b'crc %08x\n' % zlib.crc32(b[:i]))
PY
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
  # a handler that hangs past its timeout (10 s / 10, raised to the 2 s
  # minimum) and one that crashes: neither stops the workflow; the chain
  # ends in escalation
  cat >w <<'EOF'
step build: echo "No space left on device"; exit 1
handler free_disk: echo $$ >>pids; echo "freeing"; sleep 60
handler prune_cache: echo "about to crash"; kill -9 $$
notify oncall: echo "paged: $WF_STEP $WF_ERROR $WF_LEVEL $WF_SLA_MS" >>alerts
EOF
  run "$WR" --time-scale 10 w
  expect_rc 4
  expect_trace 'fail build exit=1 attempt=1 disk_full
handler free_disk timeout
handler prune_cache crashed
escalate to oncall (high)'
  [ "$ms" -ge 2000 ] || fail "the 2 s handler limit ended after $ms ms"
  [ "$ms" -lt 30000 ] || fail "the hung handler was not stopped ($ms ms)"
  grep -q 'handler free_disk: timeout in [0-9]* ms (limit 2000 ms)' err.log || fail "free_disk's limit is not 2000 ms"
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
  # retried attempts that hang: the policy's attempt limit (step_retry's
  # `timeout 10m`, 2 s of real time at --time-scale 300) stops each one, and
  # the runner reports it with timed_out set: step_timeout
  cat >w <<'EOF'
step fetch retryable=1: [ -f once ] && exec sleep 60; touch once; echo "Connection refused"; exit 1
EOF
  rm -f once
  run "$WR" --time-scale 300 w
  expect_rc 4
  expect_trace 'fail fetch exit=1 attempt=1 network_error
retry in 1000 ms
fail fetch exit=124 attempt=2 step_timeout
retry in 2000 ms
fail fetch exit=124 attempt=3 step_timeout
retry in 4000 ms
fail fetch exit=124 attempt=4 step_timeout
handler restart_service missing
escalate to team (medium)'
  has 'decision: retry in 1000 ms (attempt 1), for at most 2000 ms' err.log
  [ "$ms" -ge 6000 ] || fail "three attempts stopped at 2 s each take 6 s; took $ms ms"
  [ "$ms" -lt 40000 ] || fail "the attempt limit was not enforced ($ms ms)"
  ;;

essential_optional)
  # essential: after 3 retries `attempt <= 3 || !essential` fails: rollback,
  # then on call.  The rollback succeeds and the step is not run again
  # (`run rollback then next`: before version 3 its success re-ran the step,
  # and this test had to make the rollback fail to reach the escalation)
  cat >w <<'EOF'
step migrate retryable=1 essential=1: echo migrate >>log; echo "psql: could not connect: Connection refused"; exit 2
handler restart_service: echo never >>log
handler rollback: echo rollback >>log
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
handler rollback ok
escalate to oncall (high)'
  expect_file log 'migrate
migrate
migrate
migrate
rollback'
  # a rollback that fails: on call all the same
  sed -i 's/^handler rollback: .*/handler rollback: echo rollback >>log; exit 1/' w
  rm -f log
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
handler notify_lock: echo "deploy waits for the lock: $WF_ERROR attempt $WF_ATTEMPT" >>alerts
EOF
  run "$WR" --time-scale 10 w
  expect_rc 4
  # the notification succeeds and the chain goes on to the wait (`then
  # next`); a handler without it would have meant "retry now"
  expect_trace 'fail deploy exit=75 attempt=1 lock_held
handler clear_lock ok
retry in 0 ms
fail deploy exit=75 attempt=2 lock_held
handler notify_lock ok
retry in 500 ms
fail deploy exit=75 attempt=3 lock_held
retry in 500 ms
fail deploy exit=75 attempt=4 lock_held
escalate to log (low)'
  expect_file alerts 'deploy waits for the lock: lock_held attempt 2'
  ;;

output_and_context)
  # handlers see the error context and step variables; the next step sees the
  # handler's output; a step's own timeout= is enforced
  cat >w <<'EOF'
set APP=shop
step upload region=eu-west: [ -f fixed ] && exit 0; echo "disk full on /var"; exit 3
step report: echo "after: $WF_HANDLER_OUTPUT" >>ctx
step slow timeout=300ms: sleep 60
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
] 2000
after: freed 2 GB'
  [ "$ms" -lt 30000 ] || fail "the step timeout was not enforced ($ms ms)"
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
  has '    if it times out (step_timeout): retry after 1000 ms for at most 600000 ms; retry after 2000 ms for at most 600000 ms; retry after 4000 ms for at most 600000 ms; run restart_service [touch ran] (timeout 5000 ms), if it fails: escalate to team (medium, SLA 14400000 ms) [no notify command].'
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
  # unscaled: the kill lands inside a 2 s wait however slow the machine
  "$WR" --checkpoint ck w >out.json 2>err.log &
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
  run "$WR" --time-scale 20 --checkpoint ck w
  expect_rc 4
  has 'workflow_runner: checkpoint ck: recovery state restored (policy workflow version 3)' err.log
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
  has 'migrated to version 3' err.log
  expect_trace 'fail check exit=1 attempt=1 step_failed
escalate to oncall (high)'
  has 'policy workflow 3 ' ck
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
  "$WR1" --checkpoint ck3 w3 >out.json 2>err.log &   # unscaled: killed inside a 2 s wait
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
  has 'rejected: written by a different policy (RECOV_LOAD_FOREIGN); it says policy workflow_other version 3' err.log
  cmp -s ck ck.orig || fail "a rejected checkpoint was changed"
  hasnt '"result"'
  # one flipped bit in the policy state: the file's CRC refuses it; with the
  # file's CRC made right again, the policy's own CRC does
  run "$WR" --checkpoint good w
  sed -i -E '/^state /{s/^(state .{40})0/\1f/;t;s/^(state .{40})./\10/}' good
  run "$WR" --checkpoint good w
  expect_rc 2
  has 'rejected: not a workflow checkpoint or damaged (checksum mismatch)' err.log
  reseal good
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
  has 'w:2: the policy has no handler '"'"'no_such_handler'"'"'; it has: clear_lock, notify_lock, free_disk, prune_cache, restart_service, rollback' err.log
  printf 'stp a: true\n' >w
  run "$WR" w; expect_rc 2
  has 'w:1: cannot read this line' err.log
  # numbers and names in the workflow file are range checked, each naming its line
  while IFS='|' read -r line want; do
    printf '%s\n' "$line" >w
    run "$WR" w; expect_rc 2
    has "w:1: $want" err.log
  done <<'X'
step a timeout=86400001: true|timeout must be 0..86400000 ms (N, Nms or Ns)
step a timeout=86401s: true|timeout must be 0..86400000 ms (N, Nms or Ns)
step a timeout=4294968s: true|timeout must be 0..86400000 ms (N, Nms or Ns)
step a timeout=-1: true|timeout must be 0..86400000 ms (N, Nms or Ns)
step a timeout=5m: true|timeout must be 0..86400000 ms (N, Nms or Ns)
step a retryable=yes: true|retryable must be 0 or 1
step a essential=2: true|essential must be 0 or 1
step a optional=: true|optional must be 0 or 1
step a a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9: true|a step has at most 8 variables
step a$b: true|step: NAME must be 1..63 of A-Z a-z 0-9 _ . -
step a:|step: the command must be 1..2047 bytes
set A-B=1|set: NAME must be 1..100 of A-Z a-z 0-9 _
X
  for scale in 0 -1 1000001 1e3 ' 5'; do
    run "$WR" --time-scale "$scale" w; expect_rc 2
    has "workflow_runner: --time-scale: '$scale' is not a number in 1..1000000" err.log
  done
  ;;

checkpoint_damage)
  # a checkpoint with every kind of line (a skipped step, a handler output, a
  # handler in progress): the second handler kills the runner, so no timing
  cat >w <<'EOF'
step lint optional=1: echo "3 warnings"; exit 1
step build: [ -f space ] || { echo "No space left on device"; exit 1; }; echo built >>log
handler free_disk: echo "nothing to free"; exit 1
handler prune_cache: kill -9 $PPID
EOF
  run "$WR" --checkpoint ck w
  expect_rc 137
  has 'phase handler prune_cache' ck
  has 'skipped 1' ck
  has 'handler free_disk failed ' ck
  cp ck good
  # it resumes: the interrupted handler failed, the chain goes on
  cp good resume
  run "$WR" --checkpoint resume w
  expect_rc 4
  expect_trace 'interrupted prune_cache
escalate to oncall (high)'
  # damaged copies, made in one go: every byte flipped (all 8 bits), and
  # files crafted behind the CRC (edited, then resealed) with values out of
  # range for the workflow (2 steps) and the policy, each with the reason
  # the runner must give
  mkdir flips crafted
  python3 - good <<'PY'
import re, sys, zlib
good = open(sys.argv[1], 'rb').read().decode()
for i in range(len(good)):
    bad = bytearray(good.encode()); bad[i] ^= 0xff
    open('flips/%d' % i, 'wb').write(bad)
def seal(text):
    body = text[:text.rstrip('\n').rfind('\n') + 1]
    return body + 'crc %08x\n' % zlib.crc32(body.encode())
cases = [
    (r'^step 1$', 'step 9', "line 6: step '9' is not 0..1 (the workflow has 2 steps)"),
    (r'^step 1$', 'step 2', "line 6: step '2' is not 0..1 (the workflow has 2 steps)"),
    (r'^step 1$', 'step 4294967295', "line 6: step '4294967295' is not 0..1 (the workflow has 2 steps)"),
    (r'^step 1$', 'step 18446744073709551617', "line 6: step '18446744073709551617' is not 0..1 (the workflow has 2 steps)"),
    (r'^step 1$', 'step -1', "line 6: step '-1' is not 0..1 (the workflow has 2 steps)"),
    (r'^step 1$', 'step  1', "line 6: step ' 1' is not 0..1 (the workflow has 2 steps)"),
    (r'^recov-workflow-checkpoint 3$', 'recov-workflow-checkpoint 2', 'line 1: format is not 3'),
    (r'^status running$', 'status done', 'line 5: status is not running or finished'),
    (r'^phase handler prune_cache$', 'phase handler no_such_handler', "line 7: phase is not 'step -', 'wait -' or 'handler NAME' of a policy handler"),
    (r'^phase handler prune_cache$', 'phase wait x', "line 7: phase is not 'step -', 'wait -' or 'handler NAME' of a policy handler"),
    (r'^last_error disk_full$', 'last_error no_such_error', 'line 8: last_error is not an error of the policy'),
    (r'^skipped 1$', 'skipped 11', 'line 9: skipped is not 0/1 per step before the current one'),
    (r'^skipped 1$', 'skipped 2', 'line 9: skipped is not 0/1 per step before the current one'),
    (r'^skipped 1$', 'skipped -', 'line 10: the metrics do not add up'),
    (r'^metrics ([0-9]+) ', r'metrics 4294967296 ', 'line 10: not 10 numbers of 0..4294967295'),
    (r'^metrics (.*) ([0-9]+)$', r'metrics \1', 'line 10: not 10 numbers of 0..4294967295'),
    (r'^handler free_disk failed ', 'handler free_disk bogus ', "line 11: not 'handler NAME RESULT MS HEX'"),
    (r'^handler free_disk failed ([0-9]+) .*$', r'handler free_disk failed \1 abc', "line 11: not 'handler NAME RESULT MS HEX'"),
    (r'^handler free_disk ', 'handler no_such_handler ', "line 11: not 'handler NAME RESULT MS HEX'"),
    (r'^(handler free_disk failed [0-9]+ )', r'\g<1>00', "line 11: not 'handler NAME RESULT MS HEX'"),
    (r'^(state .*)..$', r'\1', 'line 12: not one policy state image'),
    (r'^(state .*)$', r'\g<1>00', 'line 12: not one policy state image'),
    (r'^clock [0-9]+$', 'clock 9007199254740993', 'line 4: clock out of range'),
    (r'^(incident .*)..$', r'\1', 'line 13: not one incident image'),
    (r'^(state .*)$', r'\1\nextra', "line 13 is not 'incident ...'"),
    (r'^(incident .*)$', r'\1\nextra', 'line 14: lines after the incident'),
    (r'^(step 1)$', r'\1\n\1', "line 7 is not 'phase ...'"),
]
for k, (pat, rep, want) in enumerate(cases):
    text, n = re.subn(pat, rep, good, count=1, flags=re.M)
    assert n == 1, pat
    open('crafted/%02d' % k, 'w').write(seal(text))
    open('crafted/%02d.want' % k, 'w').write(want)
open('edge', 'w').write(seal(re.sub(r'^clock [0-9]+$', 'clock 9007199254740992', good, flags=re.M)))
PY
  # (--check reads each exactly as a resume does, in one process; the
  # runner itself refuses some of them below)
  run "$WR" --check w flips/*
  expect_rc 2
  [ ! -s out.json ] || fail "a flipped checkpoint passed the check: $(head -3 out.json)"
  n=$(grep -c "^workflow_runner: checkpoint flips/[0-9]* rejected: .*; remove it to start over\$" err.log)
  [ "$n" -eq "$(stat -c %s good)" ] || fail "$n of $(stat -c %s good) flips refused"
  [ "$(wc -l <err.log)" -eq "$n" ] || fail "unexpected messages: $(grep -v 'rejected: ' err.log | head -3)"
  for i in 0 1 100 $((n - 14)) $((n - 1)); do
    cp flips/$i one
    run "$WR" --checkpoint one w
    expect_rc 2
    has "workflow_runner: checkpoint one rejected: not a workflow checkpoint or damaged (" err.log
    cmp -s one flips/$i || fail "a refused checkpoint was changed"
  done
  [ ! -e log ] || fail "a damaged checkpoint ran a step"
  echo "$n one-byte flips of a $n-byte checkpoint: all refused"
  run "$WR" --check w good
  expect_rc 0
  has "good: ok (running, step 2, phase handler prune_cache)"
  # truncated, or with a byte more: refused
  for len in 0 1 13 $((n / 2)) $((n - 1)); do
    head -c $len good >cut
    run "$WR" --checkpoint cut w
    expect_rc 2
    has "rejected: not a workflow checkpoint or damaged (" err.log
  done
  { cat good; echo; } >long
  run "$WR" --checkpoint long w
  expect_rc 2
  # the crafted ones, each refused by the runner with its reason, left as they were
  for f in crafted/??; do
    cp "$f" one
    run "$WR" --checkpoint one w
    expect_rc 2
    has "rejected: not a workflow checkpoint or damaged ($(cat "$f.want")); remove it to start over" err.log
    cmp -s one "$f" || fail "crafted checkpoint $f changed"
    [ ! -e log ] || fail "crafted checkpoint $f ran a step"
  done
  # the largest values that are in range still load (the step the runner resumes at is real)
  run "$WR" --checkpoint edge w
  expect_rc 4
  has 'workflow_runner: resuming at step 2 (build), phase handler prune_cache' err.log
  ;;

*) echo "unknown case $CASE" >&2; exit 2 ;;
esac
echo "ok [$CASE]"
