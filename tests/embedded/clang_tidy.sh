#!/usr/bin/env bash
# tests/embedded/clang_tidy.sh RECOVC SRCROOT - clang-tidy (bugprone-*, cert-*,
# clang-analyzer-*) on the runtime and the generated code of every example
# and of the test policies (tests/e2e/policies, tests/reliability/policies):
# zero warnings.  One check is off, documented in spec/misra-deviations.md
# ("clang-tidy"): bugprone-easily-swappable-parameters (the documented API
# takes several uint32_t: now, seed, base, factor...).
set -euo pipefail
recovc=$1; root=$2
command -v clang-tidy >/dev/null || { echo "SKIP: clang-tidy not installed"; exit 77; }
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
checks='-*,bugprone-*,cert-*,clang-analyzer-*,-bugprone-easily-swappable-parameters'
files=("$root"/runtime/src/*.c)
incs=(-I"$root/runtime/include")
declare -A srcdir
for f in "$root"/examples/*/*.recov "$root"/tests/e2e/policies/*.recov "$root"/tests/reliability/policies/*.recov; do
  k=$(basename "$(dirname "$f")")_$(basename "${f%.recov}")
  mkdir -p "$w/$k"
  "$recovc" compile -Wno-error=deadline-never "$f" -o "$w/$k" >/dev/null
  files+=("$w/$k"/*.c)
  srcdir[$k]=$(dirname "$f")
done
bad=0
for c in "${files[@]}"; do
  d=$(dirname "$c")
  src=${srcdir[$(basename "$d")]:-.}
  out=$(clang-tidy --quiet -checks="$checks" -warnings-as-errors='*' "$c" -- -std=c99 -ffreestanding "${incs[@]}" -I"$d" -I"$src" 2>&1) || { echo "$out" | grep -E 'warning|error' ; bad=1; }
done
echo "clang-tidy: ${#files[@]} files, $([ $bad = 0 ] && echo clean || echo 'findings above')"
exit $bad
