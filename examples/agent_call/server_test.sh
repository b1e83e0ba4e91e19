#!/usr/bin/env bash
# server_test.sh RECOVC [CC] - builds agent_server with -fsanitize=thread,
# runs it on server_script.txt (8 workers, 60 requests) and checks its JSON
# log with check_server_log.py: (a) after the primary's breaker opens,
# requests are served by an alternative (only when the policy has a
# `breaker ... per alternative`), (b) at most N calls in flight (N: the
# policy's `limit concurrent`, else the workers), (c) the admitted rate
# within the policy's `limit rate` (when it has one), (d) one terminal
# event per request.  Then the checker must catch a broken log for each of
# (a)..(d).  Nothing here depends on machine speed: the agent's behaviour
# is keyed on call counts and every check is an invariant of the log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
recovc=$1; cc=${2:-gcc}
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
pol=$here/agent_server.recov
"$recovc" compile "$pol" -o "$w" >/dev/null
$cc -std=c11 -O1 -g -fsanitize=thread -pthread -Wall -Wextra -Werror -I"$root/runtime/include" -I"$w" \
  "$here/agent_server.c" "$w/agent_server.c" "$root"/runtime/src/*.c -o "$w/srv"

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

TSAN_OPTIONS="halt_on_error=1 exitcode=66" "$w/srv" --workers $workers --requests $requests \
  --script "$here/server_script.txt" --log "$w/log.jsonl" --seed 7 || { rc=$?; [ $rc = 1 ] || { echo "FAIL: agent_server exit $rc"; exit 1; }; }
chk=(python3 "$here/check_server_log.py" --requests $requests --max-inflight $inflight "${rate[@]}")
"${chk[@]}" "${alt[@]}" "$w/log.jsonl"

# the checker must be able to fail: one broken log per property
must_fail() { # NAME LOG [extra args]
  local name=$1 log=$2; shift 2
  if "${chk[@]}" "$@" "$log" > "$w/out" 2>&1; then echo "FAIL: the checker misses $name"; cat "$w/out"; exit 1; fi
  grep -q "^FAIL ($name)" "$w/out" || { echo "FAIL: the checker reports no ($name)"; cat "$w/out"; exit 1; }
}
python3 - "$w/log.jsonl" "$w" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
def write(name, evs):
    with open(f"{sys.argv[2]}/{name}.jsonl", "w") as f:
        for i, e in enumerate(evs, 1):
            e = dict(e); e["seq"] = i; f.write(json.dumps(e) + "\n")
# (d): the first success is dropped
i = next(i for i, e in enumerate(ev) if e["ev"] == "success")
write("d", ev[:i] + ev[i + 1:])
# (b): one more call starts (and ends) around the first one
i = next(i for i, e in enumerate(ev) if e["ev"] == "call_start")
j = next(j for j, e in enumerate(ev) if e["ev"] == "call_end" and e["req"] == ev[i]["req"])
extra = dict(ev[i], req=10**6)
write("b", ev[:i] + [extra] * 1 + ev[i:j] + [dict(ev[j], req=10**6)] + ev[j:])
# (a): the first request refused by the primary's breaker, if any, degrades
r = next((e["req"] for e in ev if e["ev"] == "refuse" and e["reason"] == "breaker_open"), None)
out = []
for e in ev:
    if r is not None and e.get("req") == r and e["ev"] == "success":
        e = {"ev": "decision", "req": r, "now": e["now"], "kind": "degrade", "error": "not_admitted", "attempt": 1, "ms": 0, "id": "cached_answers"}
    if r is not None and e.get("req") == r and e["ev"] == "reply":
        e = dict(e, outcome="degraded")
    out.append(e)
write("a", out)
PY
must_fail d "$w/d.jsonl"
must_fail b "$w/b.jsonl" --max-inflight 1
must_fail a "$w/a.jsonl" --alternatives
must_fail c "$w/log.jsonl" --rate 1/1000000/1
if [ ${#alt[@]} = 0 ]; then
  echo "note: (a) not enabled: agent_server.recov has no 'breaker ... per alternative' yet (issue 15)"
fi
echo "agent_server under ThreadSanitizer: log checks hold; each check fails on a broken log"
