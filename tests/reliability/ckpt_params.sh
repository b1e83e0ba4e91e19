#!/usr/bin/env bash
# ckpt_params.sh RECOVC SRCDIR [CC] - parameters in the shared checkpoint
# (ckpt_params.c) on the generated C of tests/e2e/policies/params.recov,
# built with gcc and with clang when there (strict C99 flags, -O2).
set -euo pipefail
recovc=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$recovc" compile "$src/tests/e2e/policies/params.recov" -o "$tmp" 2>/dev/null
for cc in ${3:-gcc clang}; do
  command -v "$cc" >/dev/null || { echo "skip $cc: not installed"; continue; }
  "$cc" -std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror -O2 -I"$tmp" -I"$src/runtime/include" \
    "$src/tests/reliability/ckpt_params.c" "$tmp/params.c" "$src"/runtime/src/*.c -o "$tmp/ckp_$cc"
  echo "$cc:"
  "$tmp/ckp_$cc"
done
