#!/usr/bin/env bash
# run.sh RECOVC SRC OUT - the scenario tests and checkpoints on other machines.
#
# 1. Every .rtest of the examples and of tests/e2e runs with the generated C
#    built for 32-bit ARM Linux (arm-linux-gnueabihf-gcc) and for big-endian
#    s390x (s390x-linux-gnu-gcc), each program run under qemu-user invoked
#    explicitly (`recovc test --via c --cc CC --exec "qemu-... -L SYSROOT"`),
#    and must decide exactly as the simulator.
# 2. Checkpoints: ckpt_x.c (agent_call and workflow) is built for x86_64,
#    armhf and s390x; every machine must print the same 400 decisions and
#    save the same checkpoint bytes after event 137, and the checkpoint of
#    every machine, loaded on every other, must continue exactly as the run
#    that never stopped.
# Exits 77 (ctest: skipped) when the cross compilers or qemu are missing,
# except under CI=true, where that is a failure (.ci/run installs them).
set -uo pipefail
recovc=$1 src=$2 out=$3
names=(native armhf s390x)
declare -A CC=([native]=${CC:-cc} [armhf]=arm-linux-gnueabihf-gcc [s390x]=s390x-linux-gnu-gcc)
declare -A EX=([native]="" [armhf]="qemu-arm -L /usr/arm-linux-gnueabihf" [s390x]="qemu-s390x -L /usr/s390x-linux-gnu")
missing=""
for t in armhf s390x; do
  command -v "${CC[$t]}" >/dev/null || missing="$missing ${CC[$t]}"
  command -v "${EX[$t]%% *}" >/dev/null || missing="$missing ${EX[$t]%% *}"
done
if [ -n "$missing" ]; then
  echo "cross: missing:$missing"
  if [ "${CI:-}" = true ]; then exit 1; fi
  echo "cross: skipped (install gcc-arm-linux-gnueabihf gcc-s390x-linux-gnu qemu-user)"; exit 77
fi
fail=0
bad() { echo "FAIL: $*"; fail=1; }
rm -rf "$out"; mkdir -p "$out"

# ---- 1. scenarios ----------------------------------------------------------
rtests=$(ls "$src"/examples/*/*.rtest "$src"/tests/e2e/*.rtest "$src"/tests/e2e/policies/*.rtest)
for t in armhf s390x; do
  if "$recovc" test -Wno-error=deadline-never --via c --cc "${CC[$t]}" --exec "${EX[$t]}" $rtests >"$out/rtest-$t.txt" 2>"$out/rtest-$t.err"; then
    echo "ok: $t: $(grep -c 'all passed' "$out/rtest-$t.txt") scenario files, $(awk '/events:/ {for (i = 1; i <= NF; i++) if ($(i+1) ~ /^events/) e += $i} END {print e}' "$out/rtest-$t.txt") events identical to the simulator"
  else
    bad "$t: scenario tests"; grep -v ': warning: \|^ \|^$' "$out/rtest-$t.err" | head -20; grep -v 'all passed' "$out/rtest-$t.txt" | head -20
  fi
done

# ---- 2. checkpoints across machines ------------------------------------------
K=137
for pol in agent_call workflow; do
  case $pol in agent_call) policy=$src/examples/agent_call/agent_call.recov; def=POLICY_AGENT_CALL ;;
               workflow) policy=$src/examples/workflow/workflow.recov; def=POLICY_WORKFLOW ;; esac
  g=$out/gen-$pol; mkdir -p "$g"
  "$recovc" compile -Wno-error=deadline-never "$policy" -o "$g" 2>/dev/null || { bad "recovc compile $policy"; continue; }
  for t in "${names[@]}"; do
    ${CC[$t]} -std=c99 -O2 -Wall -Wextra -Werror -D$def -I"$src/runtime/include" -I"$g" \
      "$src/tests/cross/ckpt_x.c" "$g/$pol.c" "$src"/runtime/src/*.c -o "$out/ckpt-$pol-$t" 2>"$out/cc-$pol-$t.err" \
      || { bad "$pol: build for $t"; cat "$out/cc-$pol-$t.err"; continue; }
    ${EX[$t]} "$out/ckpt-$pol-$t" write "$out/ck-$pol-$t.bin" $K >"$out/full-$pol-$t.txt" \
      || bad "$pol: $t write run"
  done
  for t in armhf s390x; do
    cmp -s "$out/full-$pol-native.txt" "$out/full-$pol-$t.txt" || bad "$pol: $t decides differently from x86_64"
    cmp -s "$out/ck-$pol-native.bin" "$out/ck-$pol-$t.bin" || bad "$pol: $t writes different checkpoint bytes"
  done
  tail -n +$((K + 1)) "$out/full-$pol-native.txt" > "$out/tail-$pol.txt"
  pairs=0
  for a in "${names[@]}"; do
    for b in "${names[@]}"; do
      ${EX[$b]} "$out/ckpt-$pol-$b" read "$out/ck-$pol-$a.bin" $K >"$out/rd-$pol-$a-$b.txt" \
        || { bad "$pol: checkpoint of $a rejected on $b"; continue; }
      cmp -s "$out/tail-$pol.txt" "$out/rd-$pol-$a-$b.txt" || { bad "$pol: checkpoint of $a read on $b continues differently"; continue; }
      pairs=$((pairs + 1))
    done
  done
  echo "ok: $pol: $(wc -l < "$out/full-$pol-native.txt") events decided alike on x86_64, armhf, s390x; checkpoint of $(wc -c < "$out/ck-$pol-native.bin") bytes identical on all three; $pairs of 9 write/read pairs continue exactly"
done
[ $fail = 0 ] && echo "cross: all passed"
exit $fail
