#!/usr/bin/env bash
# tests.sh AGENT_HOST CASE - runs agent_host (which starts its own agent server
# on 127.0.0.1) and compares its output with the expected lines.  In the
# expected text, `A..B` accepts any number in that inclusive range (jittered
# delays); "task N at T ms" is compared without T unless a case checks it.
# The policy's clock is virtual (it moves by the waits, in full, and by call
# timeouts that expired), so decisions do not depend on load; the call
# timeout is real time: 10 s where the server answers (it never expires on
# a loaded machine), 1 s where it never answers or drips.
set -euo pipefail
H=$1; case=$2
run() { "$H" --clock virtual --time-scale 100 --call-timeout-ms 10000 "$@" >out 2>&1 || rc=$?; sed -i 's/^\(task [0-9]*\) at [0-9]* ms$/\1/' out; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
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
  Retry-After: 90 s
  retry in 90000 ms
  primary: 200 answer from primary
done: 1 of 1 tasks answered by an agent
X
    ;;
timeout)  # a server that never answers: x1.5 for timeouts; the third timeout ends the task
    run --primary timeout,timeout,timeout --call-timeout-ms 1000
    check 1 <<'X'
task 1
  primary: 0 call timed out after 1000 ms -> network_timeout (medium), attempt 1
  retry in 1125..1875 ms
  primary: 0 call timed out after 1000 ms -> network_timeout (medium), attempt 2
  retry in 2250..3750 ms
  primary: 0 call timed out after 1000 ms -> network_timeout (medium), attempt 3
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
drip)  # a server that sends one byte every 400 ms: --call-timeout-ms bounds the whole
       # call, so it ends after 1 s (per recv, it went on for the whole 24 s reply)
    t=$(now_ms)
    run --primary drip,ok --call-timeout-ms 1000
    ms=$(( $(now_ms) - t ))
    check 0 <<'X'
task 1
  primary: 0 call timed out after 1000 ms -> network_timeout (medium), attempt 1
  retry in 1125..1875 ms
  primary: 200 answer from primary
done: 1 of 1 tasks answered by an agent
X
    (( ms >= 1000 && ms < 10000 )) || { echo "the call took $ms ms, expected about 1 s"; exit 1; }
    ;;
retry_after_hostile)  # Retry-After that is negative, past 64 bits, or past 2147483 s (24.8 days)
                      # is ignored, said so, and the policy's own backoff applies; never wrapped
    run --primary 429/-1,429/1099511627776,429/18446744073709551616,429/2147484,ok
    check 0 <<'X'
task 1
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 1
  Retry-After '-1' ignored: not a number of seconds from 0 to 2147483
  retry in 1500..2500 ms
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 2
  Retry-After '1099511627776' ignored: not a number of seconds from 0 to 2147483
  retry in 3000..5000 ms
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 3
  Retry-After '18446744073709551616' ignored: not a number of seconds from 0 to 2147483
  retry in 6000..10000 ms
  primary: 429 Too Many Requests -> rate_limit_exceeded (low), attempt 4
  Retry-After '2147484' ignored: not a number of seconds from 0 to 2147483
  retry in 12000..20000 ms
  primary: 200 answer from primary
done: 1 of 1 tasks answered by an agent
X
    run --primary 429/+5,429/1e3,429/0x10,429/Fri,ok
    grep -c "ignored: not a number of seconds from 0 to 2147483" out | grep -qx 4 || { cat out; exit 1; }
    # the largest accepted value is taken (the host would then wait 24.8 days / 10^6: stopped here)
    "$H" --clock virtual --time-scale 1000000 --call-timeout-ms 10000 --primary 429/2147483,ok >out 2>&1 & pid=$!
    for _ in $(seq 1000); do grep -q '^  retry in' out && break; sleep 0.01; done
    kill $pid; wait $pid 2>/dev/null || true
    grep -qx '  Retry-After: 2147483 s' out || { cat out; exit 1; }
    echo "ok: $case"
    ;;
status_hostile)  # statuses outside 100..599 and replies that are not HTTP are protocol errors
                 # (65965 and 66039 used to be cast to 429 and 503): escalated, never retried
                 # (a success after every two keeps the breaker, which counts every
                 # failure and takes one off per success, below its 5)
    run --primary 999,65965,ok,66039,42,ok,0200,garbage,ok,noend,ok --tasks 11 --gap-ms 1000
    check 1 <<'X'
task 1
  primary: 0 protocol error: HTTP status '999' (must be 100 to 599) -> processing_failed (medium), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
task 2
  primary: 0 protocol error: HTTP status '65965' (must be 100 to 599) -> processing_failed (medium), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
task 3
  primary: 200 answer from primary
task 4
  primary: 0 protocol error: HTTP status '66039' (must be 100 to 599) -> processing_failed (medium), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
task 5
  primary: 0 protocol error: HTTP status '42' (must be 100 to 599) -> processing_failed (medium), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
task 6
  primary: 200 answer from primary
task 7
  primary: 0 protocol error: HTTP status '0200' (must be 100 to 599) -> processing_failed (medium), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
task 8
  primary: 0 protocol error: not an HTTP/1.x status line -> processing_failed (medium), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
task 9
  primary: 200 answer from primary
task 10
  primary: 0 protocol error: the reply ends inside its headers -> processing_failed (medium), attempt 1
  escalate medium to ticket (SLA 86400000 ms): team notified and ticket created
task 11
  primary: 200 answer from primary
done: 4 of 11 tasks answered by an agent
X
    ;;
bad_input)  # every option number and script entry is checked; a bad one is a usage error
    while read -r opt val; do
        rc=0; "$H" $opt "$val" >out 2>&1 || rc=$?
        [[ $rc == 2 ]] && grep -q "^agent_host: " out || { echo "$opt '$val': exit $rc"; cat out; exit 1; }
    done <<'X'
--tasks 0
--tasks 10001
--tasks abc
--tasks 4294967297
--call-timeout-ms 0
--call-timeout-ms 600001
--time-scale 0
--time-scale -1
--seed 4294967296
--seed 0x10
--gap-ms 1,,2
--gap-ms 1,2,
--gap-ms 2147483648
--gap-ms 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
--primary bogus
--primary 429/
--primary ok,
--primary 1234567890
--primary 4x9
--backup 1234567890123456789012345678901234567890
X
    rc=0; "$H" --tasks 12 --gap-ms 0 >out 2>&1 || rc=$?   # good values still work (the default script answers ok)
    [[ $rc == 0 && $(tail -1 out) == "done: 12 of 12 tasks answered by an agent" ]] || { cat out; exit 1; }
    echo "ok: $case"
    ;;
*) echo "unknown case $case"; exit 2 ;;
esac
