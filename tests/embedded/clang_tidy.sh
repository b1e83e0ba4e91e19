#!/usr/bin/env bash
# tests/embedded/clang_tidy.sh RECOVC SRCROOT - clang-tidy (bugprone-*, cert-*,
# clang-analyzer-*) on the runtime and the generated code of every example:
# zero warnings.  Two checks are off, documented in spec/misra-deviations.md
# ("clang-tidy"): bugprone-easily-swappable-parameters everywhere (the
# documented API takes several uint32_t: now, seed, base, factor...), and
# bugprone-branch-clone in generated code only (open: the step machine's last
# step and `default:` are identical when the last step is abort).
set -euo pipefail
recovc=$1; root=$2
command -v clang-tidy >/dev/null || { echo "SKIP: clang-tidy not installed"; exit 77; }
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
checks='-*,bugprone-*,cert-*,clang-analyzer-*,-bugprone-easily-swappable-parameters'
files=("$root"/runtime/src/*.c)
incs=(-I"$root/runtime/include")
for f in "$root"/examples/*/*.recov; do
  k=$(basename "${f%.recov}")
  mkdir -p "$w/$k"
  "$recovc" compile "$f" -o "$w/$k" >/dev/null
  files+=("$w/$k"/*.c)
done
bad=0
for c in "${files[@]}"; do
  d=$(dirname "$c")
  src=$(dirname "$(ls "$root"/examples/*/"$(basename "$d")".recov 2>/dev/null | head -1)" 2>/dev/null || echo .)
  ck=$checks
  case "$c" in "$w"/*) ck="$checks,-bugprone-branch-clone" ;; esac
  out=$(clang-tidy --quiet -checks="$ck" -warnings-as-errors='*' "$c" -- -std=c99 -ffreestanding "${incs[@]}" -I"$d" -I"$src" 2>&1) || { echo "$out" | grep -E 'warning|error' ; bad=1; }
done
echo "clang-tidy: ${#files[@]} files, $([ $bad = 0 ] && echo clean || echo 'findings above')"
exit $bad
