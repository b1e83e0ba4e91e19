#!/usr/bin/env bash
# wrap.sh RECOVC DIR [CC] - time across the tick wrap: DIR/wrap_base.rtest and
# DIR/wrap_shifted.rtest must hold the same events and expectations (only
# their `start at` lines differ), and both must pass on the simulator and on
# the generated C (--via c).
set -uo pipefail
recovc=$1 dir=$2 cc=${3:-cc}
fail=0
strip() { grep -v '^#' "$1" | sed 's/start at [0-9]*/start at T0/'; }
if ! diff <(strip "$dir/wrap_base.rtest") <(strip "$dir/wrap_shifted.rtest") >/dev/null; then
  echo "FAIL: wrap_base.rtest and wrap_shifted.rtest differ in more than their start ticks"
  diff <(strip "$dir/wrap_base.rtest") <(strip "$dir/wrap_shifted.rtest"); fail=1
fi
grep -q 'start at 42949' "$dir/wrap_shifted.rtest" || { echo "FAIL: wrap_shifted.rtest does not start near the wrap"; fail=1; }
for f in wrap_base wrap_shifted; do
  for via in sim c; do
    # (stderr: the policy's own -Wdeadline/-Wbreaker-retry warnings, expected)
    out=$("$recovc" test -Wno-error=deadline-never --via $via --cc "$cc" "$dir/$f.rtest" 2>/dev/null)
    rc=$?
    if [ $rc -ne 0 ]; then echo "FAIL: $f --via $via (exit $rc)"; echo "$out"; fail=1
    else echo "ok: $f --via $via: $(echo "$out" | tail -1)"; fi
  done
done
exit $fail
