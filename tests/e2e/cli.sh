#!/usr/bin/env bash
# cli.sh RECOVC SOURCE_DIR - command-line behaviour that golden files cannot
# show: standard input, created output folders, depfile options, fmt's
# destinations, failed writes to standard output and --color=auto.
set -euo pipefail
R=$1; src=$2
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
fail() { echo "FAILED: $*"; exit 1; }
cd "$w"
cp "$src/tests/buildsys/consumer_cmake/sensor_policy.recov" .
mkdir include; cp "$src/tests/buildsys/consumer_cmake/include/sensor.h" include/

# '-' reads standard input; --stdin-name names it and anchors its imports
"$R" check -Iinclude - --stdin-name sensor_policy.recov <sensor_policy.recov || fail "check - (valid policy)"
sed 's/err == SENSOR_TIMEOUT/err == NO_SUCH_NAME/' sensor_policy.recov >bad.recov
line=$(grep -n NO_SUCH_NAME bad.recov | cut -d: -f1)
rc=0; "$R" check -Iinclude - <bad.recov 2>err || rc=$?
[ $rc = 1 ] && grep -q "^<stdin>:$line:" err || { cat err; fail "check - names <stdin> (exit $rc)"; }
rc=0; "$R" check -Iinclude - --stdin-name given.recov <bad.recov 2>err || rc=$?
[ $rc = 1 ] && grep -q "^given.recov:$line:" err || { cat err; fail "--stdin-name"; }

# -o DIR is created with its parents
"$R" compile -Iinclude sensor_policy.recov -o out/deep/dir || fail "compile -o into a new folder"
[ -s out/deep/dir/sensor_policy.c ] && [ -s out/deep/dir/sensor_policy.h ] || fail "outputs in the new folder"
touch afile
rc=0; "$R" compile -Iinclude sensor_policy.recov -o afile/x 2>err || rc=$?
[ $rc = 2 ] && grep -q "cannot create output directory 'afile/x'" err || { cat err; fail "-o under a file: exit $rc"; }

# depfiles: -MD lists system headers, -MMD does not; -MT replaces the
# targets; -MP adds an empty rule per header
"$R" compile -Iinclude sensor_policy.recov -o d1 -MD
grep -q "stdint.h" d1/sensor_policy.d || fail "-MD: no system header listed"
grep -q "include/sensor.h" d1/sensor_policy.d || fail "-MD: the imported header is missing"
"$R" compile -Iinclude sensor_policy.recov -o d2 -MMD -MF dep.d -MT app.o -MT lib.o -MP
! grep -q "stdint.h" dep.d || fail "-MMD lists a system header"
[ "$(head -1 dep.d)" = 'app.o lib.o: \' ] || { cat dep.d; fail "-MT targets"; }
grep -qx "$w/include/sensor.h:" dep.d || grep -qx "include/sensor.h:" dep.d || { cat dep.d; fail "-MP rule"; }

# fmt: stdout by default (the file unchanged), -i in place, -o FILE, --check
sed 's/^policy sensor_policy version 1;/policy   sensor_policy   version 1 ;/' sensor_policy.recov >f.recov
cp f.recov f.orig
"$R" fmt f.recov >stdout.recov
cmp -s f.recov f.orig || fail "fmt without -i changed the file"
grep -qx "policy sensor_policy version 1;" stdout.recov || fail "fmt printed no formatted policy"
"$R" fmt -o other.recov f.recov
cmp -s other.recov stdout.recov && cmp -s f.recov f.orig || fail "fmt -o FILE"
rc=0; "$R" fmt --check f.recov >/dev/null || rc=$?; [ $rc = 1 ] || fail "fmt --check on an unformatted file: exit $rc"
"$R" fmt -i f.recov
cmp -s f.recov stdout.recov || fail "fmt -i"
"$R" fmt --check f.recov || fail "fmt --check after -i"
"$R" fmt - <f.orig | cmp -s - stdout.recov || fail "fmt -"

# a failed write to standard output is exit 2, for every command that prints
for args in "explain sensor_policy.recov" "graph sensor_policy.recov" "compile sensor_policy.recov -o -" \
            "fmt sensor_policy.recov" "check --format sarif sensor_policy.recov" "--help" "help compile"; do
    rc=0; "$R" $args -Iinclude >/dev/full 2>err || rc=$?
    [ $rc = 2 ] && grep -q "cannot write to standard output" err || { cat err; fail "'recovc $args' into /dev/full: exit $rc"; }
done
# --color=auto (the default): colours only on a terminal (script(1) gives
# one) whose TERM is not dumb, and not when NO_COLOR is set and not empty
printf 'policy p version 1;\nfault { a : u8; }\nclass c;\nerror e : c, low;\nclassify { b == 1 => e; _ => e; }\non _ { abort; }\n' >typo.recov
red=$'\033[01;31m'
on_tty() { script -qec "$1" /dev/null </dev/null; }
colours() { case "$1" in *"$red"*) echo yes ;; *) echo no ;; esac; }
expect() { [ "$(colours "$2")" = "$1" ] || { printf '%s' "$2" | od -c | head -5; fail "$3: colours $(colours "$2"), expected $1"; }; }
expect yes "$(TERM=xterm on_tty "'$R' check typo.recov")" "a terminal"
expect no "$(TERM=dumb on_tty "'$R' check typo.recov")" "TERM=dumb"
expect no "$(TERM=xterm NO_COLOR=1 on_tty "'$R' check typo.recov")" "NO_COLOR=1"
expect yes "$(TERM=xterm NO_COLOR= on_tty "'$R' check typo.recov")" "NO_COLOR empty"
expect no "$(TERM=xterm on_tty "'$R' check --color=never typo.recov")" "--color=never on a terminal"
expect no "$(TERM=xterm "$R" check typo.recov 2>&1)" "a pipe"
expect yes "$(TERM=dumb NO_COLOR=1 "$R" check --color=always typo.recov 2>&1)" "--color=always"
expect yes "$(TERM=xterm on_tty "'$R' check --color=never --color=auto typo.recov")" "the last --color wins"

# libclang is loaded only for a policy that imports a header: with an
# unloadable RECOV_LIBCLANG a policy without imports still checks, and one
# with imports gets a diagnostic at its first import (exit 1), not a crash
rc=0; RECOV_LIBCLANG=/nonexistent/libclang.so "$R" check typo.recov >/dev/null 2>&1 || rc=$?
[ $rc = 1 ] || fail "typo.recov (no imports) with RECOV_LIBCLANG unloadable: exit $rc, expected its own 1"
cp "$src/examples/agent_call/agent_call.recov" noimp.recov
RECOV_LIBCLANG=/nonexistent/libclang.so "$R" check noimp.recov || fail "a policy without imports needs libclang"
imp=$(grep -n '^import' sensor_policy.recov | head -1 | cut -d: -f1)
rc=0; RECOV_LIBCLANG=/nonexistent/libclang.so "$R" check -Iinclude sensor_policy.recov 2>err || rc=$?
[ $rc = 1 ] && grep -q "^sensor_policy.recov:$imp:[0-9]*: error: cannot load libclang from RECOV_LIBCLANG=/nonexistent/libclang.so: " err \
  || { cat err; fail "unloadable libclang: exit $rc"; }
grep -q '\^' err || { cat err; fail "unloadable libclang: no caret"; }

echo "cli: all passed"
