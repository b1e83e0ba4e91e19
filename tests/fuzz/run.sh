#!/usr/bin/env bash
# run.sh HARNESS WORKDIR SEEDDIR SECONDS [UNIT_TIMEOUT] - one libFuzzer run over a fresh copy
# of the seed corpus; prints the execution count; fails on any finding
# (the crashing input is left in WORKDIR/crash-* and printed as hex).
set -uo pipefail
h=$1 work=$2 seeds=$3 secs=$4 unit_timeout=${5:-10}
rm -rf "$work"; mkdir -p "$work/corpus"
cp "$seeds"/* "$work/corpus/" 2>/dev/null || true
"$h" -max_total_time="$secs" -max_len=65536 -timeout="$unit_timeout" -rss_limit_mb=2048 -print_final_stats=1 \
     -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1
rc=$?
grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$work/log" | tail -2
if [ $rc -ne 0 ]; then
  tail -60 "$work/log"
  for c in "$work"/crash-* "$work"/timeout-* "$work"/leak-*; do [ -f "$c" ] && { echo "finding: $c"; od -An -tx1 "$c" | head -20; }; done
  exit 1
fi
