#!/usr/bin/env bash
# tests.sh TOOL_RUNNER CASE - run the real tool_runner on real commands and
# check its recovery record exactly (attempts, errors, actions, delays,
# parameters, exit status).  The policy's delays are scaled down with
# --time-scale (its clock is real time plus the skipped part of each delay);
# the runner's own --timeout is real time, and every time bound a case checks
# has margins of seconds, so a loaded machine passes as an idle one does.
set -u
TR=$1
CASE=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/tool_runner-test-XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"

fail() { echo "FAIL [$CASE]: $*" >&2; echo "--- stdout" >&2; cat out.json >&2; echo "--- stderr" >&2; cat err.log >&2; exit 1; }

# run ARGS...: runs tool_runner, sets $rc and $ms (wall time in ms)
run() {
  local t0 t1
  t0=$(date +%s%N)
  "$TR" "$@" >out.json 2>err.log
  rc=$?
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
}

# history: one line per failed attempt: attempt tool error exit signal action delay "detail"
history() {
  sed -n 's/^ *{"attempt": \([0-9]*\), "tool": "\([^"]*\)", "error": "\([^"]*\)", "message": .*, "exit_code": \(-\{0,1\}[0-9]*\), "signal": \([0-9]*\), "recovery_action": "\([^"]*\)", "delay_ms": \([0-9]*\), "detail": "\([^"]*\)", "timestamp": "[0-9T:.Z-]*"}.*/\1 \2 \3 \4 \5 \6 \7 "\8"/p' out.json
}

expect_history() {
  local got
  got=$(history)
  [ "$got" = "$1" ] || fail "history:
expected:
$1
got:
$got"
}
expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"; }
has() { grep -qF -- "$1" out.json || fail "record lacks: $1"; }
hasnt() { ! grep -qF -- "$1" out.json || fail "record has: $1"; }
# every history entry carries an ISO-8601 UTC time stamp
stamps() {
  local n
  n=$(grep -c '"timestamp": "20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9][0-9][0-9]Z"' out.json)
  [ "$n" -eq "$1" ] || fail "$n time stamps, expected $1"
}

case $CASE in
success)
  run --time-scale 100 --tool echo -- sh -c 'echo all good'
  expect_rc 0
  expect_history ""
  has '"success": true'
  has '"stdout": "all good\n"'
  has '"attempts_made": 1,'
  has '"recovery_applied": false,'
  has '"final_action": "success"'
  hasnt '"error"'
  ;;

timeout)
  # exits 124 (timeout(1)) every time; the scope halves before attempt 3
  run --time-scale 100 --tool nmap --target 127.0.0.1 --scope 64 -- \
      sh -c 'echo "scanned {scope} of {target} (env $TOOL_RUNNER_SCOPE, attempt $TOOL_RUNNER_ATTEMPT)"; echo "scan timed out" >&2; exit 124'
  expect_rc 3
  expect_history '1 nmap timeout 124 0 retry_with_backoff 5000 ""
2 nmap timeout 124 0 retry_with_reduced_scope 10000 "scope 64 -> 32"
3 nmap timeout 124 0 graceful_degradation 0 "partial_results"'
  stamps 3
  has '"attempts_made": 3,'
  has '"final_action": "graceful_degradation"'
  has '"degraded": {"mode": "partial_results", "failed_tools": ["nmap"], "partial_stdout": "scanned 32 of 127.0.0.1 (env 32, attempt 3)\n"}'
  has '"error_type": "timeout"'
  # 5 s + 10 s of backoff at scale 100 is 150 ms of real waiting
  [ "$ms" -ge 150 ] || fail "waited only $ms ms"
  [ "$ms" -lt 30000 ] || fail "took $ms ms"
  ;;

oom_scope)
  # killed by SIGKILL (what the OOM killer does), then "Out of memory", then fine
  run --time-scale 100 --tool hashcat --scope 100 -- sh -c '
      case $TOOL_RUNNER_ATTEMPT in
      1) kill -9 $$ ;;
      2) echo "fatal: Out of memory" >&2; exit 1 ;;
      *) echo "cracked with scope {scope}" ;;
      esac'
  expect_rc 0
  expect_history '1 hashcat out_of_memory -1 9 retry_with_reduced_scope 5000 "scope 100 -> 50"
2 hashcat out_of_memory 1 0 retry_with_reduced_scope 10000 "scope 50 -> 25"'
  has '"stdout": "cracked with scope 25\n"'
  has '"parameters": {"target": "unknown", "scope": 25, "rate": null, "timeout_ms": 0}'
  has '"recovery_applied": true,'
  has '"final_action": "success"'
  ;;

rate)
  run --time-scale 100 --tool ffuf --rate 1000 -- \
      sh -c 'echo "rate $TOOL_RUNNER_RATE"; echo "HTTP 429 Too Many Requests (rate {rate})" >&2; exit 1'
  expect_rc 3
  expect_history '1 ffuf rate_limited 1 0 retry_with_backoff 5000 ""
2 ffuf rate_limited 1 0 adjust_parameters 10000 "rate 1000 -> 500"
3 ffuf rate_limited 1 0 graceful_degradation 0 "partial_results"'
  has '"stderr": "HTTP 429 Too Many Requests (rate 500)\n"'
  has '"partial_stdout": "rate 500\n"'
  ;;

conn_refused)
  # a real TCP connect to a closed port on 127.0.0.1 (bash's /dev/tcp)
  port=1
  run --time-scale 100 --tool probe --target 127.0.0.1 -- bash -c "exec 3<>/dev/tcp/{target}/$port"
  expect_rc 1
  expect_history '1 probe connection_refused 1 0 retry_with_backoff 5000 ""
2 probe connection_refused 1 0 retry_with_backoff 10000 ""
3 probe connection_refused 1 0 abort_operation 0 ""'
  has '"error": "bash: line 1: /dev/tcp/127.0.0.1/1: Connection refused"'
  has '"final_action": "abort_operation"'
  [ "$ms" -ge 150 ] || fail "waited only $ms ms"
  ;;

not_found_alts)
  # not installed (posix_spawnp: ENOENT), the first alternative neither (sh: 127),
  # the second works and gets the current parameters
  run --time-scale 100 --tool nmap --target 127.0.0.1 --scope 8 \
      --alt masscan='recov-test-no-such-masscan {target}' \
      --alt rustscan='echo "rustscan {target} scope {scope} attempt $TOOL_RUNNER_ATTEMPT"' \
      -- recov-test-no-such-nmap -p1-1000 127.0.0.1
  expect_rc 0
  expect_history '1 nmap tool_not_found 127 0 switch_to_alternative_tool 0 "nmap -> masscan"
2 masscan tool_not_found 127 0 switch_to_alternative_tool 0 "masscan -> rustscan"'
  has '"tool": "rustscan",'
  has '"stdout": "rustscan 127.0.0.1 scope 8 attempt 3\n"'
  has '"final_action": "success"'
  ;;

not_found_escalate)
  # no alternative: a person, at once, with the whole context
  run --time-scale 100 --tool nuclei --target 10.1.2.3 --scope 5 -- recov-test-no-such-nuclei -u '{target}'
  expect_rc 4
  expect_history '1 nuclei tool_not_found 127 0 escalate_to_human 0 "operator (medium)"'
  has '"channel": "operator",'
  has '"priority": "medium",'
  has '"sla_ms": 86400000,'
  has '"tool_name": "nuclei",'
  has '"target": "10.1.2.3",'
  has '"command": ["recov-test-no-such-nuclei", "-u", "10.1.2.3"],'
  has '"error_type": "tool_not_found",'
  has '"error_message": "tool_runner: recov-test-no-such-nuclei: command not found",'
  has '"attempt_count": 1,'
  has '"steps": ["Install the tool or put it on PATH.", "Or give an alternative with --alt NAME=COMMAND."]'
  grep -q '"timestamp": "20' out.json || fail "escalation has no time stamp"
  # one alternative that is missing too: escalated on the second attempt
  run --time-scale 100 --tool nuclei --alt jaeles='recov-test-no-such-jaeles' -- recov-test-no-such-nuclei
  expect_rc 4
  expect_history '1 nuclei tool_not_found 127 0 switch_to_alternative_tool 0 "nuclei -> jaeles"
2 jaeles tool_not_found 127 0 escalate_to_human 0 "operator (medium)"'
  has '"command": ["/bin/sh", "-c", "recov-test-no-such-jaeles"],'
  has '"attempt_count": 2,'
  ;;

permission)
  # a file that exists but may not be executed (posix_spawnp: EACCES)
  printf '#!/bin/sh\necho never\n' >tool.sh
  chmod 644 tool.sh
  run --time-scale 100 --tool raw-scan -- ./tool.sh
  expect_rc 4
  expect_history '1 raw-scan permission_denied 126 0 escalate_to_human 0 "oncall (high)"'
  has '"channel": "oncall",'
  has '"priority": "high",'
  has '"sla_ms": 3600000,'
  # with an unprivileged alternative
  run --time-scale 100 --tool raw-scan --alt connect-scan='echo connect scan ok' -- ./tool.sh
  expect_rc 0
  expect_history '1 raw-scan permission_denied 126 0 switch_to_alternative_tool 0 "raw-scan -> connect-scan"'
  has '"stdout": "connect scan ok\n"'
  ;;

wall_clock)
  # the runner's own limit (real time, not scaled): each attempt is killed
  # after 1 s, with its children; the command would run for 60 s
  run --time-scale 1000 --timeout 1s --tool slow -- sh -c 'echo started; sleep 60 & echo $! >>sleepers; wait'
  expect_rc 3
  expect_history '1 slow timeout 124 15 retry_with_backoff 5000 ""
2 slow timeout 124 15 retry_with_reduced_scope 10000 "no --scope to reduce"
3 slow timeout 124 15 graceful_degradation 0 "partial_results"'
  has '"error": "tool_runner: timed out after 1000 ms"'
  has '"partial_stdout": "started\n"'
  [ "$ms" -ge 3000 ] || fail "3 attempts of 1 s took only $ms ms"
  [ "$ms" -lt 30000 ] || fail "took $ms ms: the limit was not enforced"
  [ "$(wc -l <sleepers)" -eq 3 ] || fail "expected 3 sleepers"
  while read -r p; do
    # gone, or a zombie waiting for its new parent to reap it
    st=$(sed -n 's/^[0-9]* ([^)]*) \(.\).*/\1/p' "/proc/$p/stat" 2>/dev/null)
    [ -z "$st" ] || [ "$st" = Z ] || fail "child $p of a timed-out attempt is still alive (state $st)"
  done <sleepers
  ;;

spawn_failure)
  # an executable that is not a program: posix_spawnp fails with ENOEXEC
  printf 'not a program\001\002\n' >broken
  chmod 755 broken
  run --time-scale 100 --tool broken -- ./broken
  expect_rc 4
  expect_history '1 broken runner_failure 0 0 retry_with_backoff 5000 ""
2 broken runner_failure 0 0 retry_with_backoff 10000 ""
3 broken runner_failure 0 0 escalate_to_human 0 "oncall (high)"'
  has '"priority": "high",'
  has '"attempt_count": 3,'
  has '"error_message": "tool_runner: cannot start ./broken: Exec format error",'
  ;;

unknown)
  run --time-scale 100 --tool sqlmap -- sh -c 'echo "unexpected parser state" >&2; exit 3'
  expect_rc 1
  expect_history '1 sqlmap unknown 3 0 retry_with_backoff 5000 ""
2 sqlmap unknown 3 0 retry_with_backoff 10000 ""
3 sqlmap unknown 3 0 abort_operation 0 ""'
  has '"error": "unexpected parser state",'
  has '"error_type": "unknown",'
  # succeeds on the second attempt: one retry, recovery applied
  run --time-scale 100 --tool sqlmap -- sh -c '[ "$TOOL_RUNNER_ATTEMPT" -ge 2 ] || exit 3; echo found'
  expect_rc 0
  expect_history '1 sqlmap unknown 3 0 retry_with_backoff 5000 ""'
  has '"attempts_made": 2,'
  ;;

limits)
  # the policy's parameters from the command line: 4 attempts, 1 s doubling, capped at 30 s
  run --time-scale 100 --max-attempts 4 --base-delay 1s --max-delay 30s --tool sqlmap -- sh -c 'echo "unexpected parser state" >&2; exit 3'
  expect_rc 1
  expect_history '1 sqlmap unknown 3 0 retry_with_backoff 1000 ""
2 sqlmap unknown 3 0 retry_with_backoff 2000 ""
3 sqlmap unknown 3 0 retry_with_backoff 4000 ""
4 sqlmap unknown 3 0 abort_operation 0 ""'
  # two attempts: the second failure is the last
  run --time-scale 100 --max-attempts 2 --tool sqlmap -- sh -c 'echo "unexpected parser state" >&2; exit 3'
  expect_rc 1
  expect_history '1 sqlmap unknown 3 0 retry_with_backoff 5000 ""
2 sqlmap unknown 3 0 abort_operation 0 ""'
  # outside the declared ranges: refused by tool_runner_set_params, a usage error
  run --max-attempts 11 -- true; expect_rc 2
  grep -q -- '--max-attempts is outside the range the policy allows' err.log || fail "no range message"
  run --max-attempts 1 -- true; expect_rc 2
  run --base-delay 31s -- true; expect_rc 2
  grep -q -- '--base-delay is outside' err.log || fail "no base-delay message"
  run --max-delay 29s -- true; expect_rc 2
  ;;

usage)
  run -- ; expect_rc 2
  run --time-scale 0 -- true; expect_rc 2
  run --scope x -- true; expect_rc 2
  run --alt a=1 --alt b=2 --alt c=3 -- true; expect_rc 2
  run --alt noequals -- true; expect_rc 2
  run --bogus 1 -- true; expect_rc 2
  grep -q '^usage: tool_runner' err.log || fail "no usage text"
  # numbers are range checked, never wrapped (18446744073709552 s used to wrap to 384 ms)
  while read -r opt val range; do
    run "$opt" "$val" -- true; expect_rc 2
    grep -qxF "tool_runner: bad $opt '$val' $range" err.log || fail "$opt $val: $(head -1 err.log)"
  done <<'X'
--timeout 86401s (0..86400000 ms, or N s)
--timeout 86400001 (0..86400000 ms, or N s)
--timeout 18446744073709552s (0..86400000 ms, or N s)
--timeout 18446744073709551617 (0..86400000 ms, or N s)
--timeout 5x (0..86400000 ms, or N s)
--timeout -1 (0..86400000 ms, or N s)
--scope 1e3 (1..1000000000)
--scope +5 (1..1000000000)
--scope 5s (1..1000000000)
--rate 0 (1..1000000000)
--rate 1000000001 (1..1000000000)
--time-scale 1000001 (1..1000000)
--time-scale 0x10 (1..1000000)
X
  run --timeout 86400s --time-scale 1000000 -- true; expect_rc 0
  run --help; expect_rc 0
  ;;

*) echo "unknown case $CASE" >&2; exit 2 ;;
esac
echo "ok [$CASE]"
