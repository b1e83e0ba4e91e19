#!/usr/bin/env bash
# bench/check_scaling/run.sh [--smoke] RECOVC
# Times `recovc check` (parse, check and every analysis) on generated policies
# of 100, 1000 and 10000 classify rules and prints a table.  --smoke: only
# 1000 rules, and fail unless it takes under 2 s (CI runs this).
set -eu
smoke=0
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi
recovc=${1:?usage: run.sh [--smoke] RECOVC}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sizes="100 1000 10000"
[ $smoke = 1 ] && sizes=1000
printf '%8s  %10s  %s\n' rules seconds exit
for n in $sizes; do
  python3 "$here/gen.py" "$n" > "$tmp/p$n.recov"
  start=$(date +%s.%N)
  set +e
  "$recovc" check -Wno-unhandled-error -Wno-unused-error "$tmp/p$n.recov" > "$tmp/out$n" 2>&1
  rc=$?
  set -e
  end=$(date +%s.%N)
  secs=$(echo "$end - $start" | bc 2>/dev/null || python3 -c "print(round($end - $start, 3))")
  printf '%8s  %10s  %s\n' "$n" "$secs" "$rc"
  if [ $rc -gt 1 ]; then cat "$tmp/out$n"; exit 1; fi
  if [ $smoke = 1 ]; then
    python3 -c "import sys; sys.exit(0 if $end - $start < 2.0 else 1)" || { echo "FAIL: 1000 rules took ${secs}s (limit 2s)"; exit 1; }
  fi
done
