#!/usr/bin/env bash
# bench/classify/run.sh RECOVC [--quick|--smoke] [--markdown FILE]
#
# Issue 7, benchmark 2: classify 100,000 messages (20 to 300 bytes) against
# N = 10, 100 and 1,000 patterns (literals, case-insensitive literals,
# regexes; first match in list order wins) with the generated DFA and with
# loops of strstr/strcasestr, POSIX regexec and PCRE2 JIT, and Hyperscan
# (when libhyperscan-dev is installed).  Every matcher must give the same
# answer on every message before anything is timed.  Prints ns/message per
# matcher, and the bytes of the generated DFA tables and code (x86-64, -O2).
#   --quick   N = 10 and 100 only
#   --smoke   N = 10 and 100, 2,000 messages, agreement only (ctest)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
recovc=${1:?usage: run.sh RECOVC [--quick|--smoke] [--markdown FILE]}; shift
sizes="10 100 1000"; msgs=100000; check=""; md=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) sizes="10 100"; shift ;;
    --smoke) sizes="10 100"; msgs=2000; check=--check; shift ;;
    --markdown) md=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
hs=""; hslib=""
if [ -f /usr/include/hs/hs.h ]; then hs=-DRC_HAVE_HS; hslib=-lhs; else echo "note: no libhyperscan-dev: the hs row is skipped"; fi
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
rows=""
for n in $sizes; do
  d=$w/n$n; mkdir -p "$d"
  python3 "$here/gen.py" "$n" "$d" "$msgs"
  t0=$(date +%s.%N)
  "$recovc" compile -Wno-unused-error -Wno-unhandled-error "$d/bench.recov" -o "$d" 2>"$d/recovc.err" || { cat "$d/recovc.err"; exit 1; }
  t1=$(date +%s.%N)
  gcc -O2 -std=c11 $hs -I"$root/runtime/include" -I"$d" "$here/bench.c" "$d/bench.c" "$root"/runtime/src/*.c \
      -lpcre2-8 $hslib -o "$d/b"
  gcc -O2 -std=c99 -I"$root/runtime/include" -I"$d" -c "$d/bench.c" -o "$d/policy.o"
  out=$("$d/b" "$d" $check)
  echo "N=$n: $out" | head -1
  [ -n "$check" ] && continue
  states=$(sed -n 's/.*text field msg: \([0-9]*\) patterns, \([0-9]*\) states.*/\2/p' "$d/bench.c" | head -1)
  read -r text rodata <<<"$(size -A "$d/policy.o" | awk '$1 ~ /^\.text/ {t += $2} $1 ~ /^\.rodata/ {r += $2} END {print t, r}')"
  hsb=$(echo "$out" | sed -n 's/^hyperscan database \([0-9]*\) bytes/\1/p')
  ns() { echo "$out" | awk -v m="$1" '$1 == m {print $2}'; }
  secs=$(python3 -c "print(round($t1 - $t0, 2))")
  echo "$out" | tail -n +3
  rows="$rows| $n | $states | $rodata | $text | ${hsb:--} | $(ns recov) | $(ns strstr) | $(ns regexec) | $(ns pcre2) | $(ns hs) | $secs |"$'\n'
done
if [ -n "$md" ] && [ -n "$rows" ]; then
  {
    echo "## Classification (bench/classify)"
    echo
    echo "$msgs messages of 20 to 300 bytes (about half contain a pattern), N patterns: half literals, a quarter"
    echo "case-insensitive literals, a quarter regexes; the answer is the first pattern in list order that matches."
    echo "All matchers agree on every message (checked before timing). ns/message: best of 3, x86-64, gcc -O2."
    echo "DFA bytes: .rodata and .text of the generated policy object (tables and code, -O2). Hyperscan: database size."
    echo
    echo "| N | DFA states | DFA tables (B) | policy code (B) | hs database (B) | recov ns | strstr loop ns | regexec loop ns | PCRE2 JIT loop ns | Hyperscan ns | recovc compile s |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s' "$rows"
    echo
  } >> "$md"
fi
