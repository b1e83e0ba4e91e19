#!/usr/bin/env bash
# server_test.sh AGENT_SERVER_TSAN - runs agent_server built with
# -fsanitize=thread (the target agent_server_tsan: the host, the generated
# policy and the runtime instrumented; a data race fails the run) on
# server_script.txt (8 workers, 60 requests) and checks its JSON log with check_server_log.py: (a) after the primary's breaker opens,
# requests are served by an alternative (only when the policy has a
# `breaker ... per alternative`), (b) at most N calls in flight (N: the
# policy's `limit concurrent`, else the workers), (c) the admitted rate
# within the policy's `limit rate` (when it has one), (d) one terminal
# event per request; and (--self-test) that each check fails on a copy of
# the log broken for it.  Nothing here depends on machine speed: the agent's behaviour
# is keyed on call counts and every check is an invariant of the log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
srv=$1
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
pol=$here/agent_server.recov
workers=8; requests=60
# what the policy declares (comments stripped)
body=$(sed 's|//.*||' "$pol")
inflight=$workers
if n=$(grep -oE 'limit[[:space:]]+concurrent[[:space:]]+[0-9]+' <<<"$body" | grep -oE '[0-9]+$'); then
  [ "$n" -lt "$inflight" ] && inflight=$n
fi
rate=()
if r=$(grep -oE 'limit[[:space:]]+rate[[:space:]]+[0-9]+[[:space:]]+per[[:space:]]+[0-9]+(ms|s|m)[[:space:]]+burst[[:space:]]+[0-9]+' <<<"$body"); then
  read -r _ _ rn _ rd _ rb <<<"$r"
  case $rd in *ms) rd=${rd%ms} ;; *s) rd=$((${rd%s} * 1000)) ;; *m) rd=$((${rd%m} * 60000)) ;; esac
  rate=(--rate "$rn/$rd/$rb")
elif grep -q 'limit[[:space:]]\+rate' <<<"$body"; then
  echo "FAIL: server_test.sh cannot read the policy's limit rate"; exit 1
fi
alt=()
grep -qE 'breaker[[:space:]]+[A-Za-z_0-9]+[[:space:]]+per[[:space:]]+alternative' <<<"$body" && alt=(--alternatives)

TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$srv" --workers $workers --requests $requests \
  --script "$here/server_script.txt" --time-scale 10 --call-timeout-ms 30000 --log "$w/log.jsonl" --seed 7 || { rc=$?; [ $rc = 1 ] || { echo "FAIL: agent_server exit $rc"; exit 1; }; }
python3 "$here/check_server_log.py" --self-test --requests $requests --max-inflight $inflight "${rate[@]}" "${alt[@]}" "$w/log.jsonl"
if [ ${#alt[@]} = 0 ]; then
  echo "note: (a) not enabled: agent_server.recov has no 'breaker ... per alternative' yet (issue 15)"
fi
echo "agent_server under ThreadSanitizer: log checks hold; each check fails on a broken log"
