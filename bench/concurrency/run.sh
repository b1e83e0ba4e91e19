#!/usr/bin/env bash
# bench/concurrency/run.sh - the agent_server policy with 1, 8 and 64
# concurrent incidents on one shared part behind one mutex
# (bench_concurrency.c): decisions per second (wall, best of 3) and
# instructions per decision (callgrind, collected only inside the locked
# calls, so the mutex is counted), each as a ratio against 1 incident
# measured in the same run.
#
#   run.sh --recovc PATH [--outcomes N] [--smoke] [--markdown FILE]
# --smoke: build, run each K once on 6,400 outcomes, check the output's
# form and that every K made decisions; never its timing (ctest).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
recovc=""; n=1000000; smoke=0; md=""
while [ $# -gt 0 ]; do
  case "$1" in
    --recovc) recovc=$2; shift 2 ;;
    --outcomes) n=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --markdown) md=$2; shift 2 ;;
    *) echo "usage: $0 --recovc PATH [--outcomes N] [--smoke] [--markdown FILE]" >&2; exit 2 ;;
  esac
done
[ -n "$recovc" ] || { echo "--recovc is required" >&2; exit 2; }
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
"$recovc" compile "$root/examples/agent_call/agent_server.recov" -o "$w" >/dev/null
cc=${CC:-gcc}
$cc -O2 -g -std=c11 -pthread -Wall -Wextra -Werror -I"$root/runtime/include" -I"$w" \
  "$here/bench_concurrency.c" "$w/agent_server.c" "$root"/runtime/src/*.c -o "$w/bc"

ks="1 8 64"
if [ $smoke = 1 ]; then
  for k in $ks; do
    out=$("$w/bc" "$k" 6400)
    echo "$out"
    [[ $out =~ ^incidents\ $k\ decisions\ ([0-9]+)\ ns/decision\ [0-9.]+\ refused\ [0-9]+\ checksum\ [0-9a-f]{8}$ ]] || { echo "FAIL: unexpected output"; exit 1; }
    [ "${BASH_REMATCH[1]}" -ge 6400 ] || { echo "FAIL: fewer decisions than outcomes"; exit 1; }
  done
  if "$w/bc" 0 10 >/dev/null 2>&1; then echo "FAIL: K = 0 accepted"; exit 1; fi
  echo "concurrency smoke: 1, 8 and 64 incidents ran"
  exit 0
fi

declare -A DPS IR REF
for k in $ks; do
  best=""
  for rep in 1 2 3; do
    t=$("$w/bc" "$k" "$n" | sed -n 's/.* ns\/decision \([0-9.]*\) .*/\1/p')
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  DPS[$k]=$(awk "BEGIN{printf \"%.0f\", 1e9 / $best}")
  if command -v valgrind >/dev/null; then
    cn=$((n / 5))
    line=$(valgrind --tool=callgrind --callgrind-out-file="$w/cg.$k" --toggle-collect='bc_locked_*' "$w/bc" "$k" "$cn" 2>/dev/null)
    dec=$(echo "$line" | sed -n 's/.* decisions \([0-9]*\) .*/\1/p')
    REF[$k]=$(echo "$line" | sed -n 's/.* refused \([0-9]*\) .*/\1/p')
    REF[$k]=$(awk "BEGIN{printf \"%.0f%%\", 100 * ${REF[$k]} / ($cn / $k * $k)}")
    tot=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$w/cg.$k" | head -1)
    [ -n "$tot" ] || tot=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$w/cg.$k" | head -1)
    IR[$k]=$(awk "BEGIN{printf \"%.1f\", $tot / $dec}")
  else
    IR[$k]=n/a; REF[$k]=n/a
  fi
done
res=$w/res.md
{
  echo "### Concurrent incidents on one shared part (bench/concurrency, $n outcomes)"
  echo ""
  echo "agent_server.recov; K threads, one incident each, one \`agent_server_shared\` behind one pthread mutex; every"
  echo "policy call made holding it.  Instructions per decision (callgrind, collected inside the locked calls: lock +"
  echo "call + unlock) and decisions per second (wall, best of 3, $(nproc) cores), as ratios against 1 incident in this run."
  echo ""
  echo "| concurrent incidents | instructions / decision | ratio | decisions / s | ratio | admissions refused |"
  echo "|---:|---:|---:|---:|---:|---:|"
  for k in $ks; do
    ri=n/a; [ "${IR[1]}" = n/a ] || ri=$(awk "BEGIN{printf \"%.2fx\", ${IR[$k]} / ${IR[1]}}")
    rd=$(awk "BEGIN{printf \"%.2fx\", ${DPS[$k]} / ${DPS[1]}}")
    echo "| $k | ${IR[$k]} | $ri | ${DPS[$k]} | $rd | ${REF[$k]} |"
  done
} > "$res"
cat "$res"
[ -z "$md" ] || cp "$res" "$md"
