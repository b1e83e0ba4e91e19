#!/usr/bin/env bash
# tests/embedded/misra.sh RECOVC SRCROOT - MISRA C:2012 (cppcheck --addon=misra)
# on the runtime and on the generated code of every examples/*/*.recov and
# every policy of tests/e2e/policies and tests/reliability/policies; with
# RECOV_MISRA_PREFILTER=1 also of tests/e2e/prefilter (the literal
# prefilter's scan: cppcheck takes minutes over each of their 64 K-entry
# tables, so not in ctest; tests/README.md, "Known gaps").
# Every finding must be covered by a deviation in spec/misra-deviations.md:
# a table row `| <rule> | <location> | <reason> |` where location is
# `path:line`, `path:*` (runtime paths relative to the source root) or
# `generated:*` (any file recovc generated).  Unlisted findings fail.
set -euo pipefail
recovc=$1; root=$2
command -v cppcheck >/dev/null || { echo "SKIP: cppcheck not installed"; exit 77; }
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
# cppcheck's addon writes *.ctu-info next to the sources: work on copies
cp -r "$root/runtime" "$w/runtime"
run() { cppcheck --addon=misra --std=c99 --quiet --error-exitcode=0 "$@" 2>&1 \
        | sed -n 's/^\([^:]*\):\([0-9]*\):[0-9]*: .*\[misra-c2012-\([0-9.]*\)\]$/\3 \1:\2/p'; }
(cd "$w" && run -Iruntime/include runtime/src/*.c) > "$w/findings"
# the examples, and the test policies that reach the emitter's other paths
# (rate breakers, decorrelated jitter, char[N] text fields...); ops.recov
# retries until its deadline on purpose
pols=("$root"/examples/*/*.recov "$root"/tests/e2e/policies/*.recov "$root"/tests/reliability/policies/*.recov)
[ "${RECOV_MISRA_PREFILTER:-0}" = 1 ] && pols+=("$root"/tests/e2e/prefilter/*.recov)
for f in "${pols[@]}"; do
  k=$(basename "$(dirname "$f")")_$(basename "${f%.recov}")
  mkdir -p "$w/gen/$k"
  "$recovc" compile -Wno-error=deadline-never "$f" -o "$w/gen/$k" >/dev/null
  # one preprocessor configuration: the generated code's #if blocks are
  # the runtime's config macros, checked with every configuration above
  # (on ops.c every configuration gave the same findings, at 45% more CPU)
  (cd "$w/gen/$k" && run --max-configs=1 -I"$w/runtime/include" -I"$(dirname "$f")" -I. ./*.c) \
    | sed 's| \(\./\)*| generated:|' >> "$w/findings"
done
# deviations: rule and location glob
sed -n 's/^| *\([0-9][0-9.]*\) *| *`\([^`]*\)` *|.*/\1 \2/p' "$root/spec/misra-deviations.md" > "$w/dev"
bad=0; n=0
while read -r rule loc; do
  n=$((n + 1))
  ok=0
  while read -r drule dloc; do
    # shellcheck disable=SC2053
    if [ "$rule" = "$drule" ] && [[ "$loc" == $dloc ]]; then ok=1; break; fi
  done < "$w/dev"
  if [ $ok = 0 ]; then echo "MISRA C:2012 rule $rule at $loc: not a listed deviation"; bad=1; fi
done < "$w/findings"
echo "misra: $n findings, all covered by spec/misra-deviations.md: $([ $bad = 0 ] && echo yes || echo no)"
exit $bad
