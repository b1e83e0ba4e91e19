#!/usr/bin/env bash
# fmt is idempotent on every example and test policy, and keeps the meaning:
# a policy that checks has the same hash after formatting, and every comment
# of the source is still in the output.
set -u
recovc=$1 root=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for f in "$root"/examples/*/*.recov "$root"/tests/e2e/policies/*.recov $(find "$root/tests/golden" -name '*.recov' | sort); do
  if ! "$recovc" fmt -o - "$f" > "$tmp/a.recov" 2>/dev/null; then
    # only policies with syntax errors may be refused: check must reject them too
    "$recovc" check "$f" >/dev/null 2>&1
    [ $? -eq 1 ] || { echo "FAIL: fmt refused $f, which checks"; fail=1; }
    continue
  fi
  n=$((n+1))
  "$recovc" fmt -o - "$tmp/a.recov" > "$tmp/b.recov" 2>&1
  if ! cmp -s "$tmp/a.recov" "$tmp/b.recov"; then echo "FAIL: fmt not idempotent on $f"; diff "$tmp/a.recov" "$tmp/b.recov" | head; fail=1; fi
  # (policies that import C headers name them relative to their folder: not
  # checkable from the temporary copy)
  if ! grep -q '^[[:space:]]*import' "$f" && "$recovc" check "$f" >/dev/null 2>&1; then
    h1=$("$recovc" explain "$f" 2>/dev/null | head -1 | sed 's/^policy [^ ]* //')
    h2=$("$recovc" explain "$tmp/a.recov" 2>/dev/null | head -1 | sed 's/^policy [^ ]* //')
    [ "$h1" = "$h2" ] || { echo "FAIL: fmt changed the meaning of $f ($h1 / $h2)"; fail=1; }
  fi
  # comments survive (compare the comment text, ignoring white space)
  c1=$(grep -o '//.*' "$f" | tr -d ' \t' | sort | md5sum)
  c2=$(grep -o '//.*' "$tmp/a.recov" | tr -d ' \t' | sort | md5sum)
  [ "$c1" = "$c2" ] || { echo "FAIL: fmt lost a comment of $f"; fail=1; }
done
[ "$n" -ge 10 ] || { echo "FAIL: only $n policies formatted"; fail=1; }
echo "$n policies: fmt idempotent"
exit $fail
