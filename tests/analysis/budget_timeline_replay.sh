#!/usr/bin/env bash
# Every timeline that -Wbudget-retry prints, replayed by `recovc test`: each
# warning's `at T fail ... -> ...` notes become one scenario of an .rtest
# file next to a copy of the policy; the scenario must pass, and its last
# failure must be refused (no retry) where the note says the budget is spent.
# Usage: budget_timeline_replay.sh RECOVC POLICY...
set -u
recovc=$1; shift
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0 total=0
for pol in "$@"; do
  name=$(basename "$pol")
  cp "$pol" "$tmp/$name"
  "$recovc" check "$tmp/$name" > "$tmp/out" 2>&1
  awk -v pol="$name" '
    / warning: .*\[-Wbudget-retry\]$/ { n++; inwarn = 1; next }
    / (warning|error): / { inwarn = 0; next }
    inwarn && / note: at [0-9]+ fail/ {
      sub(/^.* note: /, "")
      if (!(n in started)) { started[n] = 1; printf "scenario \"warning %d\"\n", n }
      print "  " $0
      last[n] = $0
    }
    END {
      for (i = 1; i <= n; i++) if (i in started && last[i] !~ /# budgets? .* spent: .* is refused$/) print "BAD " i
    }' "$tmp/out" > "$tmp/body"
  if grep -q '^BAD' "$tmp/body"; then echo "FAIL: $pol: a timeline does not end with the refusal"; fail=1; fi
  if grep -q -- '-> retry[^#]*# budget' "$tmp/body"; then echo "FAIL: $pol: the refused failure is a retry"; fail=1; fi
  k=$(grep -c '^scenario' "$tmp/body")
  [ "$k" -gt 0 ] || continue
  total=$((total + k))
  { echo "policy $name"; cat "$tmp/body"; } > "$tmp/t.rtest"
  if ! "$recovc" test "$tmp/t.rtest" > "$tmp/res" 2>&1 || ! grep -q ': all passed$' "$tmp/res"; then
    echo "FAIL: $pol: its timelines do not replay"; cat "$tmp/t.rtest"; grep 't.rtest:' "$tmp/res"; fail=1
  fi
done
[ "$total" -ge 5 ] || { echo "FAIL: only $total timelines replayed"; fail=1; }
echo "$total -Wbudget-retry timelines replayed"
exit $fail
