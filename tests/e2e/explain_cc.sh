#!/usr/bin/env bash
# explain_cc.sh RECOVC SOURCE_DIR - `recovc explain --cc CC`: the sizes it
# prints are the ELF sections of the objects as binutils' size counts them,
# and the stack of each entry point is at least its own frame
# (-fstack-usage), exactly it for one that calls nothing, more for one that
# does.  Exit 77 (skipped) without arm-none-eabi-gcc.
set -euo pipefail
R=$1; src=$2
command -v arm-none-eabi-gcc >/dev/null || { echo "SKIP: no arm-none-eabi-gcc"; exit 77; }
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
fail() { echo "FAILED: $*"; exit 1; }
cd "$w"
P=agent_call; pol=$src/examples/agent_call/agent_call.recov
CC="arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb"
"$R" explain "$pol" --cc "$CC" --runtime "$src/runtime" >out.txt || { cat out.txt; fail "explain --cc"; }
grep -q "^block 0" out.txt || fail "explain --cc: the explanation itself is missing"

# the same build by hand: sizes from binutils, frames from -fstack-usage
"$R" compile "$pol" -o gen >/dev/null
$CC -std=c99 -Os -ffreestanding -fno-builtin -ffunction-sections -fdata-sections -fstack-usage -fcallgraph-info=su \
    -I"$src/runtime/include" -Igen -c gen/$P.c -o $P.o
sum() { arm-none-eabi-size -A "$1" | awk -v re="$2" '$1 ~ re { s += $2 } END { print s + 0 }'; }
code=$(sum $P.o '^\.text'); tables=$(sum $P.o '^\.rodata')
grep -q "^  policy   code $code B, tables $tables B, data 0 B, bss 0 B$" out.txt ||
    { grep policy out.txt; fail "policy sizes: size(1) says code $code, tables $tables"; }
grep -q "^  runtime  code [1-9][0-9]* B" out.txt || fail "runtime sizes"

calls=0; leaves=0; n=0
while read -r fn worst; do
    frame=$(awk -F'\t' -v f="$fn" '{ split($1, a, ":"); if (a[4] == f) print $2 }' $P.su)
    [ -n "$frame" ] || fail "$fn: no frame in $P.su"
    [ "$worst" -ge "$frame" ] || fail "$fn: stack $worst below its own frame $frame"
    if grep -q "sourcename: \"$fn\"" $P.ci; then
        calls=$((calls + 1))
    else
        [ "$worst" = "$frame" ] || fail "$fn calls nothing: stack $worst, frame $frame"
        leaves=$((leaves + 1))
    fi
    n=$((n + 1))
done < <(sed -n '/^worst-case stack/,$p' out.txt | awk 'NR > 1 { sub(" B.*", "", $2); print $1, $2 }')
[ $n -ge 10 ] && [ $leaves -ge 1 ] && [ $calls -ge 1 ] || fail "$n entry points, $leaves leaves, $calls with calls"
# agent_call_failed's chain goes through the runtime: deeper than its frame
f_worst=$(awk '$1 == "agent_call_failed" { print $2 }' out.txt)
f_frame=$(awk -F'\t' '{ split($1, a, ":"); if (a[4] == "agent_call_failed") print $2 }' $P.su)
[ "$f_worst" -gt "$f_frame" ] || fail "agent_call_failed: stack $f_worst, frame $f_frame: the calls are not counted"

# a compiler without -fcallgraph-info: sizes, and the stack said to be unmeasured
if command -v clang >/dev/null; then
    "$R" explain "$pol" --cc "clang --target=arm-none-eabi -mcpu=cortex-m4 -mthumb" --runtime "$src/runtime" >clang.txt 2>&1 ||
        { cat clang.txt; fail "explain --cc clang"; }
    grep -q "^  policy   code [1-9]" clang.txt && grep -q "^worst-case stack: not measured" clang.txt ||
        { cat clang.txt; fail "clang: sizes without a stack"; }
fi
# a compiler that fails: exit 2 and its message
rc=0; "$R" explain "$pol" --cc "$CC -include no/such/header.h" --runtime "$src/runtime" >bad.txt 2>&1 || rc=$?
[ $rc = 2 ] && grep -q "did not build" bad.txt || { cat bad.txt; fail "a failing compiler: exit $rc"; }
echo "explain_cc: $n entry points ($leaves leaves), sizes as size(1) counts them"
