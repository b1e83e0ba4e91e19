#!/usr/bin/env bash
# stats_saturate.sh RECOVC SRCDIR [CC] - the generated C's `stats;` counters
# saturate (stats_saturate.c, limstats_saturate.c); the simulator's:
# unit.test_sim test_stats.
set -euo pipefail
recovc=$1
src=$2
cc=${3:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$recovc" compile "$src/tests/e2e/policies/stats.recov" -o "$tmp"
$cc -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror -O2 -I"$tmp" -I"$src/runtime/include" -I"$src/tests/e2e" \
  "$src/tests/e2e/stats_saturate.c" "$tmp/stats.c" "$src"/runtime/src/*.c -o "$tmp/sat"
"$tmp/sat"
# the limits' refusal counters (limstats_saturate.c)
"$recovc" compile "$src/tests/e2e/policies/limstats.recov" -o "$tmp" 2>/dev/null
$cc -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror -O2 -I"$tmp" -I"$src/runtime/include" -I"$src/tests/e2e" \
  "$src/tests/e2e/limstats_saturate.c" "$tmp/limstats.c" "$src"/runtime/src/*.c -o "$tmp/limsat"
"$tmp/limsat"
