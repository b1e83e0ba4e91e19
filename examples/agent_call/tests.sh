#!/usr/bin/env bash
# tests.sh AGENT_HOST CASE - runs agent_host (which starts its own agent server
# on 127.0.0.1) and compares its output with the expected lines.  In the
# expected text, `A..B` accepts any number in that inclusive range (jittered
# delays); "task N at T ms" is compared without T unless a case checks it.
set -euo pipefail
H=$1; case=$2
run() { "$H" --clock virtual --time-scale 100 --call-timeout-ms 150 "$@" >out 2>&1 || rc=$?; sed -i 's/^\(task [0-9]*\) at [0-9]* ms$/\1/' out; }
check() {   # check EXPECTED_RC < expected
    local -a want got; mapfile -t want; mapfile -t got <out
    local bad=0 i
    [[ "$rc" == "$1" ]] || { echo "exit $rc, expected $1"; bad=1; }
    (( ${#want[@]} == ${#got[@]} )) || bad=1
    for ((i = 0; i < ${#want[@]}; i++)); do
        local w=${want[$i]} g=${got[$i]:-}
        if [[ $w =~ ^(.*[^0-9])([0-9]+)\.\.([0-9]+)(.*)$ ]]; then
            local pre=${BASH_REMATCH[1]} lo=${BASH_REMATCH[2]} hi=${BASH_REMATCH[3]} post=${BASH_REMATCH[4]}
            if [[ $g =~ ^"$pre"([0-9]+)"$post"$ ]] && (( BASH_REMATCH[1] >= lo && BASH_REMATCH[1] <= hi )); then continue; fi
        elif [[ "$w" == "$g" ]]; then continue; fi
        echo "line $((i + 1)): expected '$w'"; echo "          got      '$g'"; bad=1
    done
    (( bad == 0 )) || { echo "--- whole output:"; cat out; exit 1; }
    echo "ok: $case"
}
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT; cd "$w"
rc=0
case $case in
rate_limit)  # 429: base 1 s x 2^(n-1), x2 for rate limits, +-25% jitter
    run --primary 429,429,429,ok
    check 0 <<'X'
task 1
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 1
  retry in 1500..2500 ms
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 2
  retry in 3000..5000 ms
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 3
  retry in 6000..10000 ms
  primary: 200 answer from primary
done: 1 of 1 tasks answered by an agent
X
    ;;
retry_after)  # Retry-After: 90 floors the delay above the 60 s cap
    run --primary 429/90,ok --time-scale 1000
    check 0 <<'X'
task 1
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 1
  retry in 90000 ms
  primary: 200 answer from primary
done: 1 of 1 tasks answered by an agent
X
    ;;
timeout)  # a server that never answers: x1.5 for timeouts; the third timeout ends the task
    run --primary timeout,timeout,timeout
    check 1 <<'X'
task 1
  primary: 0 read timed out after 150 ms -> network_timeout (medium), attempt 1
  retry in 1125..1875 ms
  primary: 0 read timed out after 150 ms -> network_timeout (medium), attempt 2
  retry in 2250..3750 ms
  primary: 0 read timed out after 150 ms -> network_timeout (medium), attempt 3
  abort
done: 0 of 1 tasks answered by an agent
X
    ;;
reset)  # a TCP reset is a connection_reset, retried
    run --primary reset,reset,ok
    check 0 <<'X'
task 1
  primary: 0 connection reset by peer (Connection reset by peer) -> connection_reset (medium), attempt 1
  retry in 750..1250 ms
  primary: 0 connection reset by peer (Connection reset by peer) -> connection_reset (medium), attempt 2
  retry in 1500..2500 ms
  primary: 200 answer from primary
done: 1 of 1 tasks answered by an agent
X
    ;;
fallback_breaker)  # 503s: retries until the budget (3 per 10 s) is spent, fallback chain,
                   # degraded answer; 5 failures opened the breaker for 60 s; 3 successes close it
    run --primary 503,503,503,503,ok,ok,ok,ok --backup 503 --local 503 --tasks 6 --gap-ms 25000
    check 1 <<'X'
task 1
  primary: 503 Service Unavailable -> temporary_unavailable (medium), attempt 1
  retry in 750..1250 ms
  primary: 503 Service Unavailable -> temporary_unavailable (medium), attempt 2
  retry in 1500..2500 ms
  primary: 503 Service Unavailable -> temporary_unavailable (medium), attempt 3
  retry in 3000..5000 ms
  primary: 503 Service Unavailable -> temporary_unavailable (medium), attempt 4
  fall back to backup_agent
  backup_agent: 503 Service Unavailable -> temporary_unavailable (medium), attempt 5
  fall back to local_model
  local_model: 503 Service Unavailable -> temporary_unavailable (medium), attempt 6
  degraded (cached_answers): Service temporarily unavailable. Please try again later. Estimated recovery: 5-10 minutes. Alternatives: use manual process; try again later; check system status.
task 2
  breaker open: call rejected
  degraded (cached_answers): Service temporarily unavailable. Please try again later. Estimated recovery: 5-10 minutes. Alternatives: use manual process; try again later; check system status.
task 3
  breaker open: call rejected
  degraded (cached_answers): Service temporarily unavailable. Please try again later. Estimated recovery: 5-10 minutes. Alternatives: use manual process; try again later; check system status.
task 4
  primary: 200 answer from primary
task 5
  primary: 200 answer from primary
task 6
  primary: 200 answer from primary
done: 3 of 6 tasks answered by an agent
X
    ;;
half_open_reopen)  # a failure while half-open reopens the breaker at once
    run --primary 503,503,503,503,503,ok --backup 503 --local 503 --tasks 4 --gap-ms 70000,10000,60000 --time-scale 1000
    check 1 <<'X'
task 1
  primary: 503 Service Unavailable -> temporary_unavailable (medium), attempt 1
  retry in 750..1250 ms
  primary: 503 Service Unavailable -> temporary_unavailable (medium), attempt 2
  retry in 1500..2500 ms
  primary: 503 Service Unavailable -> temporary_unavailable (medium), attempt 3
  retry in 3000..5000 ms
  primary: 503 Service Unavailable -> temporary_unavailable (medium), attempt 4
  fall back to backup_agent
  backup_agent: 503 Service Unavailable -> temporary_unavailable (medium), attempt 5
  fall back to local_model
  local_model: 503 Service Unavailable -> temporary_unavailable (medium), attempt 6
  degraded (cached_answers): Service temporarily unavailable. Please try again later. Estimated recovery: 5-10 minutes. Alternatives: use manual process; try again later; check system status.
task 2
  primary: 503 Service Unavailable -> temporary_unavailable (medium), attempt 1
  fall back to backup_agent
  backup_agent: 503 Service Unavailable -> temporary_unavailable (medium), attempt 2
  fall back to local_model
  local_model: 503 Service Unavailable -> temporary_unavailable (medium), attempt 3
  degraded (cached_answers): Service temporarily unavailable. Please try again later. Estimated recovery: 5-10 minutes. Alternatives: use manual process; try again later; check system status.
task 3
  breaker open: call rejected
  degraded (cached_answers): Service temporarily unavailable. Please try again later. Estimated recovery: 5-10 minutes. Alternatives: use manual process; try again later; check system status.
task 4
  primary: 200 answer from primary
done: 1 of 4 tasks answered by an agent
X
    ;;
memory)  # out of memory: reduce the batch, free the server's caches (a real POST), retry
    run --primary oom,oom,ok,oom,oom --free-caches ok,500 --tasks 2
    check 1 <<'X'
task 1
  primary: 500 CUDA error: out of memory -> memory_exhausted (high), attempt 1
  adjust reduce_batch, retry in 0 ms
  primary: 500 CUDA error: out of memory -> memory_exhausted (high), attempt 2
  run free_caches (timeout 30000 ms): ok
  retry in 0 ms
  primary: 200 answer from primary
task 2
  primary: 500 CUDA error: out of memory -> memory_exhausted (high), attempt 1
  adjust reduce_batch, retry in 0 ms
  primary: 500 CUDA error: out of memory -> memory_exhausted (high), attempt 2
  run free_caches (timeout 30000 ms): failed
  escalate high to oncall (SLA 7200000 ms): on-call engineer alerted, high-priority ticket created
done: 1 of 2 tasks answered by an agent
X
    ;;
unresolved_low)  # rate limits are only retried, then logged at low; the breaker
    # (5 failures) rejects later retries; the third unresolved low in a row is
    # escalated at medium instead, and the count restarts
    run --primary 429,429,429,429,429,429,429,429 --tasks 4 --gap-ms 61000
    check 1 <<'X'
task 1
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 1
  retry in 1500..2500 ms
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 2
  retry in 3000..5000 ms
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 3
  retry in 6000..10000 ms
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 4
  retry in 12000..20000 ms
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 5
  escalate low to log (SLA 0 ms): logged, retry recommended, no human intervention
task 2
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 1
  escalate low to log (SLA 0 ms): logged, retry recommended, no human intervention
task 3
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
task 4
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 1
  escalate low to log (SLA 0 ms): logged, retry recommended, no human intervention
done: 0 of 4 tasks answered by an agent
X
    ;;
authentication)  # 401 / 403 (authentication / authorization): high severity, straight to the on-call engineer
    run --primary 401,403,ok --tasks 3 --gap-ms 1000
    check 1 <<'X'
task 1
  primary: 401 missing or expired token -> authentication_failed (high), attempt 1
  escalate high to oncall (SLA 7200000 ms): on-call engineer alerted, high-priority ticket created
task 2
  primary: 403 token lacks the agent scope -> authorization_failed (high), attempt 1
  escalate high to oncall (SLA 7200000 ms): on-call engineer alerted, high-priority ticket created
task 3
  primary: 200 answer from primary
done: 1 of 3 tasks answered by an agent
X
    ;;
escalation)  # a logic error (400) goes to a ticket with the 24 h SLA
    run --primary 400
    check 1 <<'X'
task 1
  primary: 400 invalid tool arguments -> processing_failed (medium), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
done: 0 of 1 tasks answered by an agent
X
    ;;
server_error)  # a 500 or 502 whose text names no known trouble is processing_failed:
               # escalated to a ticket, not retried; the next task is served
    run --primary 500,502,ok --tasks 3 --gap-ms 1000
    check 1 <<'X'
task 1
  primary: 500 invalid tool arguments -> processing_failed (medium), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
task 2
  primary: 502 invalid tool arguments -> processing_failed (medium), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
task 3
  primary: 200 answer from primary
done: 1 of 3 tasks answered by an agent
X
    ;;
*) echo "unknown case $case"; exit 2 ;;
esac
