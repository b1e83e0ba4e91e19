#!/usr/bin/env bash
# bench/decision/run.sh - decision cost of agent_call: generated versus hand-written,
# on two streams (bench_decision.c): `mixed` (40% successes, long messages)
# and `short` (75% successes, messages of 0 to 45 bytes).
#
#   run.sh --recovc PATH [--faults N] [--smoke] [--markdown FILE]
#
# 1. builds bench_decision (gcc -O2) with the generated agent_call.c and
#    hand_agent_call.c, runs `compare N` on each stream: every admit and every
#    decision of both on the same stream must be identical (exit 1 otherwise);
# 2. instructions per decision under callgrind (collection toggled on only
#    inside the four entry points of each implementation, so the host loop
#    is not counted), and wall ns per host-loop step;
# 3. Cortex-M4 -Os bytes: generated core image vs the hand-written object
#    (+ the newlib string functions it needs).
# --smoke: only step 1 with 20,000 faults (ctest).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
recovc=""; n=1000000; smoke=0; md=""
while [ $# -gt 0 ]; do
  case "$1" in
    --recovc) recovc=$2; shift 2 ;;
    --faults) n=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --markdown) md=$2; shift 2 ;;
    *) echo "usage: $0 --recovc PATH [--faults N] [--smoke] [--markdown FILE]" >&2; exit 2 ;;
  esac
done
[ -n "$recovc" ] || { echo "--recovc is required" >&2; exit 2; }
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
"$recovc" compile "$root/examples/agent_call/agent_call.recov" -o "$w" >/dev/null
cc=${CC:-gcc}
$cc -O2 -std=c99 -Wall -Wextra -Werror -I"$root/runtime/include" -I"$w" -I"$here" \
  "$here/bench_decision.c" "$here/hand_agent_call.c" "$w/agent_call.c" "$root"/runtime/src/*.c -o "$w/bd"

if [ $smoke = 1 ]; then
  out=$("$w/bd" compare 20000)
  echo "$out"
  case "$out" in "compare faults 20000 "*) ;; *) echo "FAIL: unexpected output"; exit 1 ;; esac
  out=$("$w/bd" compare 20000 short)
  echo "$out"
  case "$out" in "compare short faults 20000 "*) ;; *) echo "FAIL: unexpected output (short stream)"; exit 1 ;; esac
  # a wrong hand-written classification must be caught: flip one rule
  sed 's/f->status == 429u/f->status == 428u/' "$here/hand_agent_call.c" > "$w/broken.c"
  $cc -O2 -std=c99 -I"$root/runtime/include" -I"$w" -I"$here" \
    "$here/bench_decision.c" "$w/broken.c" "$w/agent_call.c" "$root"/runtime/src/*.c -o "$w/bdb"
  if "$w/bdb" compare 20000 >/dev/null 2>&1; then echo "FAIL: comparison misses a changed rule"; exit 1; fi
  echo "decision smoke: equivalent on 20000 faults of each stream; a changed rule is detected"
  exit 0
fi

res=$w/res.md
: > "$res"
declare -A IR NS
for stream in mixed short; do
cmp=$("$w/bd" compare "$n" $stream)
echo "$cmp"
{
  echo "### Decision cost: agent_call, generated vs hand-written ($n faults, stream $stream)"
  echo ""
  echo "Equivalence: \`$cmp\` (every admit and decision identical)."
  echo ""
  echo "| implementation | decisions | instructions / decision (callgrind) | wall ns / decision (host loop incl.) |"
  echo "|---|---:|---:|---:|"
} >> "$res"
for mode in gen hand; do
  best=""
  for rep in 1 2 3; do
    t=$("$w/bd" $mode "$n" $stream | sed -n 's/.* ns\/decision \([0-9.]*\) .*/\1/p')
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
  done
  NS[$mode]=$best
  if command -v valgrind >/dev/null; then
    if [ $mode = gen ]; then p=agent_call; else p=hand; fi
    line=$(valgrind --tool=callgrind --callgrind-out-file="$w/cg.$mode" \
      --toggle-collect=${p}_admit --toggle-collect=${p}_failed \
      --toggle-collect=${p}_handler_done --toggle-collect=${p}_succeeded \
      "$w/bd" $mode "$n" $stream 2>/dev/null)
    dec=$(echo "$line" | sed -n 's/.* decisions \([0-9]*\) .*/\1/p')
    tot=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$w/cg.$mode" | head -1)
    [ -n "$tot" ] || tot=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$w/cg.$mode" | head -1)
    IR[$mode]=$(awk "BEGIN{printf \"%.1f\", $tot / $dec}")
  else
    IR[$mode]="n/a"; dec="?"
  fi
  echo "| $mode | $dec | ${IR[$mode]} | ${NS[$mode]} |" >> "$res"
done
if [ "${IR[gen]}" != n/a ]; then
  echo "" >> "$res"
  echo "Ratio generated / hand: instructions $(awk "BEGIN{printf \"%.2f\", ${IR[gen]} / ${IR[hand]}}"), wall $(awk "BEGIN{printf \"%.2f\", ${NS[gen]} / ${NS[hand]}}")." >> "$res"
  gi=$(awk "BEGIN{print (${IR[gen]} <= ${IR[hand]}) ? \"met\" : \"not met\"}")
  echo "Goal ($stream): no more instructions per decision than the hand-written code: ${IR[gen]} against ${IR[hand]}: **$gi**." >> "$res"
  echo "" >> "$res"
fi
done

if command -v arm-none-eabi-gcc >/dev/null; then
  m4="-mcpu=cortex-m4 -mthumb -mfloat-abi=soft -Os -ffunction-sections -fdata-sections -std=c99"
  cat > "$w/mh.c" <<'EOF'
#include "hand_agent_call.h"
static hand_state st; static hand_fault flt; volatile uint32_t sink;
int main(void);
int main(void) { recov_decision d; hand_init(&st, 0u, 1u); sink = (uint32_t)hand_admit(&st, 1u);
  d = hand_failed(&st, &flt, 2u); sink = d.ms; d = hand_handler_done(&st, true, 3u); sink = d.id;
  hand_succeeded(&st, 4u); return (int)sink; }
EOF
  cat > "$w/mg.c" <<'EOF'
#include "agent_call.h"
static agent_call_shared st; static agent_call_incident in; static agent_call_fault flt; volatile uint32_t sink;
int main(void);
int main(void) { recov_decision d; agent_call_shared_init(&st, 0u, 1u); agent_call_incident_init(&in); sink = (uint32_t)agent_call_admit(&st, &in, 1u);
  d = agent_call_failed(&st, &in, &flt, 2u); sink = d.ms; d = agent_call_handler_done(&st, &in, true, 3u); sink = d.id;
  agent_call_succeeded(&st, &in, 4u); return (int)sink; }
EOF
  for o in "$here/hand_agent_call.c" "$w/agent_call.c" "$w/mh.c" "$w/mg.c" "$root"/runtime/src/*.c; do
    arm-none-eabi-gcc $m4 -ffreestanding -I"$root/runtime/include" -I"$w" -I"$here" -c "$o" -o "$w/$(basename "${o%.c}").m4.o"
  done
  # the hand-written code needs newlib's strcasestr and memset
  arm-none-eabi-gcc $m4 --specs=nano.specs --specs=nosys.specs -nostartfiles -Wl,-e,main -Wl,--gc-sections \
    -Wl,-Map,"$w/h.map" "$w/mh.m4.o" "$w/hand_agent_call.m4.o" "$w"/recov*.m4.o -o "$w/h.elf"
  arm-none-eabi-gcc $m4 -nostdlib -nostartfiles -Wl,-e,main -Wl,--gc-sections \
    -Wl,-Map,"$w/g.map" "$w/mg.m4.o" "$w/agent_call.m4.o" "$w"/recov*.m4.o -o "$w/g.elf"
  sz() { # text rodata of sections kept from objects whose path contains $2
    awk -v pat="$2" '
      function hex(x,   i, c, v) { v = 0; x = tolower(substr(x, 3))
        for (i = 1; i <= length(x); i++) { c = index("0123456789abcdef", substr(x, i, 1)) - 1; v = v * 16 + c }
        return v }
      /^Linker script and memory map/ { on = 1; next }
      !on { next }
      /^ [.A-Za-z_]/ && NF == 1 { sec = $1; next }
      /^ [.A-Za-z_]/ && NF >= 4 && $2 ~ /^0x/ { sec = $1; sz = $3; f = $4 }
      /^ +0x[0-9a-f]+ +0x[0-9a-f]+ / && NF >= 3 { sz = $2; f = $3 }
      f != "" && sec != "" { if (index(f, pat) > 0) { v = hex(sz); if (sec ~ /^\.text/) t += v; else if (sec ~ /^\.rodata/) r += v }
        f = ""; sec = "" }
      END { printf "%d %d\n", t, r }' "$1"
  }
  read -r gt gr < <(sz "$w/g.map" agent_call.m4.o)
  read -r ht hr < <(sz "$w/h.map" hand_agent_call.m4.o)
  read -r lt lr < <(sz "$w/h.map" libc)
  read -r rgt rgr < <(sz "$w/g.map" /recov)
  read -r rht rhr < <(sz "$w/h.map" /recov)
  # the DFA's share of the generated tables: the agent_call__t* objects
  gdfa=0
  while read -r _ size _ name; do
    case $name in agent_call__t[0-9]*) gdfa=$((gdfa + 16#$size)) ;; esac
  done < <(arm-none-eabi-nm -S "$w/g.elf")
  gtab=$((gr + rgr)); htab=$((hr + lr + rhr))
  {
    echo ""
    echo "Cortex-M4 -Os, bytes kept in an image calling init/admit/failed/handler_done/succeeded (code = .text,"
    echo "tables = .rodata; \"library\": the recov runtime for the generated code, newlib's string functions and"
    echo "the \`_ctype_\` case table that strcasestr needs for the hand-written code):"
    echo ""
    echo "| implementation | own code | own tables | library code | library tables | image code | image tables | total |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    echo "| generated agent_call.c | $gt | $gr | $rgt | $rgr | $((gt + rgt)) | $gtab | $((gt + gr + rgt + rgr)) |"
    echo "| hand_agent_call.c | $ht | $hr | $((lt + rht)) | $((lr + rhr)) | $((ht + lt + rht)) | $htab | $((ht + hr + lt + lr + rht + rhr)) |"
    echo ""
    if [ "$gtab" -le "$htab" ]; then gt_goal=met; else gt_goal="not met"; fi
    echo "Goal: tables no larger, counted in the image (all read-only data each implementation needs): $gtab against $htab B: **$gt_goal**."
    echo "Counted per object, without the libraries: $gr against $hr B. The DFA of agent_call's three text patterns is"
    echo "$gdfa B of the $gr; the hand-written code keeps its patterns as strings and borrows newlib's case table."
  } >> "$res"
fi
cat "$res"
[ -z "$md" ] || cp "$res" "$md"
