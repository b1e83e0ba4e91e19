#!/usr/bin/env bash
# valgrind.sh RECOVC SRCDIR - recovc leaks nothing and touches no invalid
# memory on valid and invalid policies, in every subcommand.
set -uo pipefail
recovc=$1
src=$2
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0
run() { # expected-exit args...
  local want=$1
  shift
  valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    "$recovc" "$@" >/dev/null 2>"$out/vg.txt"
  local rc=$?
  if [ $rc -ne "$want" ]; then
    echo "FAIL (exit $rc, expected $want): recovc $*"; cat "$out/vg.txt"; fail=1
  else
    echo "ok: recovc $*"
  fi
}
run 0 check "$src/examples/agent_call/agent_call.recov"
run 0 compile "$src/examples/agent_call/agent_call.recov" -o "$out"
run 0 explain -Wno-error=deadline-never "$src/tests/e2e/policies/ops.recov"
run 0 test "$src/tests/e2e/agent_call.rtest"
for f in "$src"/tests/golden/check/*.recov; do
  # the exit status a plain run gives (0 or 1: golden.check/* pins which);
  # under valgrind it must be the same, and a memory error makes it 99
  "$recovc" check "$f" >/dev/null 2>&1
  want=$?
  case $want in 0|1) ;; *) echo "FAIL (exit $want without valgrind): recovc check $f"; fail=1; continue ;; esac
  run $want check "$f"
done
exit $fail
