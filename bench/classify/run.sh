#!/usr/bin/env bash
# bench/classify/run.sh RECOVC [--quick|--smoke] [--markdown FILE]
#
# Issue 7, benchmark 2: classify 100,000 messages (20 to 300 bytes) against
# N = 10, 100 and 1,000 patterns (literals, case-insensitive literals,
# regexes; first match in list order wins) with the generated DFA, a
# re2c-generated matcher (when re2c is installed), loops of
# strstr/strcasestr, POSIX regexec and PCRE2 JIT, and Hyperscan (when
# libhyperscan-dev is installed).  Every matcher must give the same answer on
# every message before anything is timed.  Prints ns/message per matcher,
# instructions/message under callgrind (first $CG_MSGS messages, when
# valgrind is installed), and the bytes of the recov and re2c matchers
# (tables and code, x86-64, gcc -O2, size -A).
#   --quick   N = 10 and 100 only
#   --smoke   N = 10 and 100, 2,000 messages, agreement only (ctest)
# Environment: CG_MSGS (default 10000) messages under callgrind (CG_LOOP_MSGS,
# default 1000, for the strstr/regexec/PCRE2 loops at N >= 1000);
# RE2C_G_MAX (default 100): also build `re2c -g` (computed gotos) up to this N
# (gcc -O2 needs ~4 min for its N = 1,000 output).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
recovc=${1:?usage: run.sh RECOVC [--quick|--smoke] [--markdown FILE]}; shift
sizes="10 100 1000"; msgs=100000; check=""; md=""
cgmsgs=${CG_MSGS:-10000}; cgloop=${CG_LOOP_MSGS:-1000}; gmax=${RE2C_G_MAX:-100}
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) sizes="10 100"; shift ;;
    --smoke) sizes="10 100"; msgs=2000; check=--check; shift ;;
    --markdown) md=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
cflags="-O2 -Wall -Wextra -ffunction-sections -fdata-sections"
r2opt=-O2   # --smoke only checks agreement: re2c's output at -O0 builds 4x faster
[ -z "$check" ] || { gmax=0; r2opt=-O0; }
hs=""; hslib=""
if [ -f /usr/include/hs/hs.h ]; then hs=-DRC_HAVE_HS; hslib=-lhs; else echo "note: no libhyperscan-dev: the hs row is skipped"; fi
have_re2c=""; command -v re2c >/dev/null && have_re2c=1 || echo "note: no re2c (apt-get install re2c): the re2c row is skipped"
have_cg=""; if [ -z "$check" ]; then
  command -v valgrind >/dev/null && have_cg=1 || echo "note: no valgrind: no instruction counts"
fi
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
now() { date +%s.%N; }
secs() { python3 -c "print('%.2f' % ($2 - $1))"; }
# bytes of the sections of object $1 named .text.F / .rodata.F / .data.rel.ro*.F
# for F matching the extended regex $2: prints "text tables"
secbytes() {
  size -A "$1" | awk -v re="^($2)\$" '
    { n = $1; k = "";
      if (sub(/^\.text\./, "", n)) k = "t";
      else if (sub(/^\.rodata\./, "", n) || sub(/^\.data\.rel\.ro(\.local)?\./, "", n)) k = "d";
      if (k != "" && n ~ re) { if (k == "t") t += $2; else d += $2 } }
    END { print t + 0, d + 0 }'
}
# every .text/.rodata/.data.rel.ro section of object $1 (one function): "text tables"
allbytes() {
  size -A "$1" | awk '$1 ~ /^\.text/ {t += $2} $1 ~ /^\.(rodata|data\.rel\.ro)/ {d += $2} END {print t + 0, d + 0}'
}
rt=""
for f in "$root"/runtime/src/*.c; do
  gcc $cflags -std=c99 -I"$root/runtime/include" -c "$f" -o "$w/rt_$(basename "$f" .c).o"
  rt="$rt $w/rt_$(basename "$f" .c).o"
done
md_time=""; md_size=""; md_goal=""; md_alt=""; md_hs=""; md_hsgoal=""; declare -A IR
for n in $sizes; do
  d=$w/n$n; mkdir -p "$d"
  python3 "$here/gen.py" "$n" "$d" "$msgs"
  t0=$(now)
  "$recovc" compile -Wno-unused-error -Wno-unhandled-error "$d/bench.recov" -o "$d" 2>"$d/recovc.err" || { cat "$d/recovc.err"; exit 1; }
  t1=$(now)
  gcc $cflags -std=c99 -I"$root/runtime/include" -I"$d" -c "$d/bench.c" -o "$d/policy.o"
  t2=$(now)
  rcs=$(secs "$t0" "$t1"); rgs=$(secs "$t1" "$t2")
  objs="$d/policy.o"; defs=""; r2s=""; r2gs=""
  if [ -n "$have_re2c" ]; then
    python3 "$here/gen_re2c.py" "$d"
    t0=$(now)
    re2c -W --no-generation-date -i "$d/re2c_match.re" -o "$d/re2c_match.c"
    gcc $cflags $r2opt -std=c99 -c "$d/re2c_match.c" -o "$d/re2c.o"
    t1=$(now); r2s=$(secs "$t0" "$t1")
    objs="$objs $d/re2c.o"; defs="-DRC_HAVE_RE2C"
    if [ "$n" -le "$gmax" ]; then
      t0=$(now)
      re2c -W --no-generation-date -i -g "$d/re2c_match.re" -o "$d/re2c_g.c"
      gcc $cflags -std=gnu99 -DRE2C_FN=re2c_g_classify -c "$d/re2c_g.c" -o "$d/re2c_g.o"
      t1=$(now); r2gs=$(secs "$t0" "$t1")
      objs="$objs $d/re2c_g.o"; defs="$defs -DRC_HAVE_RE2C_G"
    fi
  fi
  gcc $cflags -std=c11 $hs $defs -I"$root/runtime/include" -I"$d" -c "$here/bench.c" -o "$d/main.o"
  gcc "$d/main.o" $objs $rt -lpcre2-8 $hslib -o "$d/b"
  out=$("$d/b" "$d" $check)
  echo "N=$n: $out" | head -1
  [ -n "$check" ] && continue
  echo "$out" | tail -n +3
  an=$(echo "$out" | sed -n 's/^pcre2alt: not compiled: /N = '"$n"': pcre2alt not compiled: /p')
  [ -z "$an" ] || md_alt="$md_alt- $an"$'\n'
  names=$(echo "$out" | awk '$3 == "ns/message" {print $1}')
  ns() { echo "$out" | awk -v m="$1" '$1 == m {print $2}'; }
  declare -A CM
  for m in $names; do
    IR[$n.$m]="-"; CM[$m]="-"
    [ -n "$have_cg" ] || continue
    k=$cgmsgs
    case $m in strstr|regexec|pcre2|pcre2alt) [ "$n" -lt 1000 ] || k=$cgloop ;; esac
    [ "$k" -le "$msgs" ] || k=$msgs
    CM[$m]=$k
    valgrind --tool=callgrind --callgrind-out-file="$d/cg.$m" --toggle-collect="m_$m" \
      "$d/b" "$d" --only "$m" "$k" >/dev/null 2>"$d/cg.$m.err" || { cat "$d/cg.$m.err"; exit 1; }
    tot=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$d/cg.$m" | head -1)
    [ -n "$tot" ] || tot=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$d/cg.$m" | head -1)
    IR[$n.$m]=$(awk "BEGIN{printf \"%.0f\", $tot / $k}")
    echo "  $m: ${IR[$n.$m]} instructions/message (callgrind, first $k messages)"
  done
  for m in $names; do
    rel="-"
    if [ "${IR[$n.$m]}" != - ] && [ "${IR[$n.recov]}" != - ]; then
      rel=$(awk "BEGIN{printf \"%.2f\", ${IR[$n.$m]} / ${IR[$n.recov]}}")
    fi
    md_time="$md_time| $n | $m | $(ns "$m") | ${IR[$n.$m]} | $rel | ${CM[$m]} |"$'\n'
  done
  # bytes: recov = the DFA tables (bench__t*) and bench_classify + the runtime scanners it calls
  states=$(sed -n 's/.*text field msg: \([0-9]*\) patterns, \([0-9]*\) states.*/\2/p' "$d/bench.c" | head -1)
  scans=$( (grep -o 'recov_dfa_[a-z0-9_]*' "$d/bench.c"; nm "$w/rt_recov_dfa.o" | awk '$2 == "t" {print $3}') | sort -u | paste -sd'|' || true)
  read -r rct rcd <<<"$(secbytes "$d/policy.o" 'bench_classify|bench__classify.*|bench__t[0-9]+.*')"
  read -r rst _ <<<"$(secbytes "$w/rt_recov_dfa.o" "${scans:-none}")"
  rct=$((rct + rst)); rtot=$((rct + rcd))
  hsb=$(echo "$out" | sed -n 's/^hyperscan database \([0-9]*\) bytes/\1/p')
  r2t=-; r2d=-; r2tot=-; rel=-; gtot=-
  if [ -n "$have_re2c" ]; then
    read -r r2t r2d <<<"$(allbytes "$d/re2c.o")"
    r2tot=$((r2t + r2d)); rel=$(awk "BEGIN{printf \"%.2f\", $rtot / $r2tot}")
    if [ -f "$d/re2c_g.o" ]; then read -r gt gd <<<"$(allbytes "$d/re2c_g.o")"; gtot=$((gt + gd)); fi
  fi
  irrel=-; goal=""
  if [ -n "$have_re2c" ] && [ "${IR[$n.re2c]}" != - ] && [ "${IR[$n.recov]}" != - ]; then
    irrel=$(awk "BEGIN{printf \"%.2f\", ${IR[$n.recov]} / ${IR[$n.re2c]}}")
    gi=$(awk "BEGIN{print ($irrel <= 1.2) ? \"met\" : \"not met\"}")
    gb=$(awk "BEGIN{print ($rtot < $r2tot) ? \"met\" : \"not met\"}")
    both=$( [ "$gi" = met ] && [ "$gb" = met ] && echo "**met**" || echo "**not met**")
    md_goal="$md_goal- N = $n: recov / re2c instructions $irrel (<= 1.2: $gi), bytes $rtot / $r2tot = $rel (< 1: $gb): $both"$'\n'
  fi
  # against Hyperscan: all messages, and by length
  if echo "$out" | grep -q '^hs '; then
    hsall=$(awk "BEGIN{printf \"%.2f\", $(ns recov) / $(ns hs)}")
    worst=$hsall
    while read -r _ _ range cnt t _; do
      h=$(echo "$out" | awk -v r="$range" '$1 == "bucket" && $2 == "hs" && $3 == r {print $5}')
      x=$(awk "BEGIN{printf \"%.2f\", $t / $h}")
      worst=$(awk "BEGIN{print ($x > $worst) ? $x : $worst}")
      md_hs="$md_hs| $n | $range | $cnt | $t | $h | $x |"$'\n'
    done < <(echo "$out" | awk '$1 == "bucket" && $2 == "recov"')
    md_hs="$md_hs| $n | all | $msgs | $(ns recov) | $(ns hs) | $hsall |"$'\n'
    g=$(awk "BEGIN{print ($worst <= 2) ? \"met\" : \"not met\"}")
    md_hsgoal="$md_hsgoal- N = $n: at most ${worst}x Hyperscan's time in any length band (<= 2: **$g**)"$'\n'
  fi
  echo "  bytes: recov tables $rcd code $rct (scanner ${scans:-?}), re2c tables $r2d code $r2t, re2c -g total $gtot"
  md_size="$md_size| $n | $states | $rcd | $rct | $rtot | $r2d | $r2t | $r2tot | $rel | $irrel | $gtot | ${hsb:--} | $rcs + $rgs | ${r2s:--} | ${r2gs:--} |"$'\n'
done
if [ -n "$md" ] && [ -n "$md_time" ]; then
  {
    echo "## Classification (bench/classify)"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(gcc --version | head -1), $(re2c --version 2>/dev/null || echo 'no re2c'), $(valgrind --version 2>/dev/null || echo 'no valgrind'): \`bash bench/classify/run.sh RECOVC --markdown FILE\`."
    echo
    echo "$msgs messages of 20 to 300 bytes (about half contain a pattern), N patterns: half literals, a quarter"
    echo "case-insensitive literals, a quarter regexes; the answer is the first pattern in list order that occurs."
    echo "All matchers agree on every message (checked before timing). ns/message: best of 3 over all messages,"
    echo "x86-64, gcc -O2. Instructions/message: callgrind, collection only inside the matcher (\`--toggle-collect=m_NAME\`),"
    echo "over the first $cgmsgs messages ($cgloop for the three loops at N = 1,000). re2c: lexer loop over start positions (bench/classify/README.md);"
    echo "re2c_g: the same re2c input with \`re2c -g\` (computed gotos), built only for N <= $gmax."
    echo
    echo "| N | matcher | ns / message | instructions / message | instructions / recov's | messages under callgrind |"
    echo "|---:|---|---:|---:|---:|---:|"
    printf '%s' "$md_time"
    echo
    if [ -n "$md_alt" ]; then
      echo "Left out (PCRE2 cannot compile the one alternation):"
      echo
      printf '%s' "$md_alt"
      echo
    fi
    echo "Bytes (x86-64, gcc -O2, \`size -A\` with -ffunction-sections -fdata-sections). recov tables: the DFA tables and"
    echo "their descriptor; recov code: bench_classify (the rule tests) plus the runtime scanner it calls. re2c: every section"
    echo "of the object (the one function, its jump tables and bitmaps). Build s: recovc + gcc, re2c + gcc."
    echo
    echo "| N | DFA states | recov tables | recov code | recov total | re2c tables | re2c code | re2c total | recov / re2c bytes | recov / re2c instructions | re2c -g total | hs database | recov build s | re2c build s | re2c -g build s |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s' "$md_size"
    echo
    if [ -n "$md_goal" ]; then
      echo "Goal: recov's matcher at most 1.2x the instructions of re2c's (default code generation) while smaller in bytes:"
      echo
      printf '%s' "$md_goal"
      echo
    fi
    if [ -n "$md_hs" ]; then
      echo "Against Hyperscan by message length (wall ns/message, best of 5 over the messages of that length;"
      echo "Hyperscan's per-call overhead weighs most on short messages):"
      echo
      echo "| N | bytes | messages | recov ns | hs ns | recov / hs |"
      echo "|---:|---|---:|---:|---:|---:|"
      printf '%s' "$md_hs"
      echo
      echo "Goal: within 2x of Hyperscan on short messages:"
      echo
      printf '%s' "$md_hsgoal"
      echo
    fi
    g=""; for m in recov re2c hs; do
      l=""; for n in $sizes; do l="$l${l:+, }N = $n: ${IR[$n.$m]:--}"; done
      first=${sizes%% *}; last=${sizes##* }
      x=$(awk -v a="${IR[$first.$m]:--}" -v b="${IR[$last.$m]:--}" 'BEGIN{ if (a+0 > 0 && b+0 > 0) printf "%.2f", b / a; else print "-" }')
      g="$g- $m: $l (x$x from N = $first to $last)"$'\n'
    done
    echo "Growth of instructions / message with N:"
    echo
    printf '%s' "$g"
    echo
  } >> "$md"
fi
