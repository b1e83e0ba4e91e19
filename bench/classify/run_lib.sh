#!/usr/bin/env bash
# bench/classify/run_lib.sh RECOVC [--sizes "10 100 1000 10000"] [--markdown FILE]
#
# Issue 20: classification of log lines built from real libraries' error
# strings.  dump_errors.c is built against the Debian libraries and prints
# their own tables (glibc strerror, libcurl when libcurl4-openssl-dev is
# installed, OpenSSL reasons, SQLite, zlib); gen_lib.py adds Python's HTTP
# reason phrases and writes N patterns drawn from the strings (3/5 literals,
# 1/5 case-insensitive, 1/5 regexes) and 100,000 messages.  Matchers: recov
# (the generated classifier), PCRE2 JIT (a loop of patterns), re2c (its
# lexer loop, up to RE2C_MAX patterns, default 1,000: its build of 10,000
# does not finish in reasonable time), Hyperscan.  PCRE2_MAX (default
# 10,000) leaves PCRE2 out above it (at 10,000 its loop takes about 1.5 ms
# per message, minutes per pass).  For each N:
#   - every matcher agrees on every message (bench --time checks first);
#   - instructions/message: callgrind inside the matcher (--toggle-collect)
#     over CG_MSGS messages (default 10,000; 1,000 for PCRE2 at N >= 1,000);
#   - cache misses/message: cachegrind over the same messages, less a run
#     over 0 messages (the loading and the matcher's preparation);
#   - wall ns/message: ROUNDS (default 7) interleaved passes over all
#     messages, min and median;
#   - bytes: recov's tables (the DFA tables, .rodata of bench__t*) against
#     Hyperscan's database.
# Not part of the test suite (it needs the -dev packages above and minutes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
recovc=${1:?usage: run_lib.sh RECOVC [--sizes LIST] [--markdown FILE]}; shift
sizes="10 100 1000 10000"; md=""; msgs=${MSGS:-100000}
cgmsgs=${CG_MSGS:-10000}; rounds=${ROUNDS:-7}; re2cmax=${RE2C_MAX:-1000}; pcremax=${PCRE2_MAX:-10000}
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --markdown) md=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f /usr/include/hs/hs.h ] || { echo "run_lib.sh: needs libhyperscan-dev" >&2; exit 77; }
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
curl=""; if [ -f /usr/include/x86_64-linux-gnu/curl/curl.h ] || [ -f /usr/include/curl/curl.h ]; then
  curl="-DRC_HAVE_CURL -lcurl"; else echo "note: no libcurl4-openssl-dev: no curl strings"; fi
gcc -O1 -Wall -Wextra "$here/dump_errors.c" -o "$w/dump" -lcrypto -lsqlite3 -lz $curl
"$w/dump" > "$w/strings.txt"
echo "strings: $(cut -f1 "$w/strings.txt" | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}')+ HTTP reason phrases"
cflags="-O2 -Wall -Wextra -ffunction-sections -fdata-sections"
rt=""
for f in "$root"/runtime/src/*.c; do
  gcc $cflags -std=c99 -I"$root/runtime/include" -c "$f" -o "$w/rt_$(basename "$f" .c).o"
  rt="$rt $w/rt_$(basename "$f" .c).o"
done
rows=""; goals=""; declare -A IR WALL TAB
# misses NAME K: "D1 LL" data-cache read+write misses of `b --only NAME K`
misses() {
  valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file="$d/cg.out" "$d/b" "$d" --only "$1" "$2" \
    >/dev/null 2>"$d/cachegrind.err" || { cat "$d/cachegrind.err"; exit 1; }
  cg_annotate "$d/cg.out" 2>/dev/null | awk '/PROGRAM TOTALS/ {
      gsub(/\([^)]*\)/, ""); gsub(",", ""); $0 = $0; print $5 + $8, $6 + $9; exit }'
}
for n in $sizes; do
  d=$w/n$n; mkdir -p "$d"
  python3 "$here/gen_lib.py" "$w/strings.txt" "$n" "$d" "$msgs"
  cpu0=$(python3 -c 'import resource as r; u = r.getrusage(r.RUSAGE_CHILDREN); print(u.ru_utime + u.ru_stime)')
  /usr/bin/time -f "%U %S" -o "$d/rc.time" "$recovc" compile -Wno-unused-error -Wno-unhandled-error \
    "$d/bench.recov" -o "$d" 2>"$d/recovc.err" || { cat "$d/recovc.err"; exit 1; }
  rccpu=$(awk '{printf "%.2f", $1 + $2}' "$d/rc.time")
  plan=$("$recovc" explain -Wno-unused-error -Wno-unhandled-error "$d/bench.recov" 2>/dev/null \
         | awk '/field msg/ && !done { sub(/^ *field msg: /, ""); sub(/ \(state budget.*/, ""); print; done = 1 }')
  gcc $cflags -std=c99 -I"$root/runtime/include" -I"$d" -c "$d/bench.c" -o "$d/policy.o"
  objs="$d/policy.o"; defs=""; names="recov,hs"; [ "$n" -le "$pcremax" ] && names="$names,pcre2"
  if command -v re2c >/dev/null && [ "$n" -le "$re2cmax" ]; then
    python3 "$here/gen_re2c.py" "$d"
    re2c -W --no-generation-date -i "$d/re2c_match.re" -o "$d/re2c_match.c"
    gcc $cflags -std=c99 -c "$d/re2c_match.c" -o "$d/re2c.o"
    objs="$objs $d/re2c.o"; defs="-DRC_HAVE_RE2C"; names="$names,re2c"
  fi
  gcc $cflags -std=c11 -DRC_HAVE_HS $defs -I"$root/runtime/include" -I"$d" -c "$here/bench.c" -o "$d/main.o"
  gcc "$d/main.o" $objs $rt -lpcre2-8 -lhs -o "$d/b"
  out=$("$d/b" "$d" --time "$names" "$rounds")
  echo "N=$n ($plan; recovc compile ${rccpu}s CPU): $(echo "$out" | grep agree)"
  hsb=$(echo "$out" | sed -n 's/^hyperscan database \([0-9]*\) bytes/\1/p')
  read -r _ rcd <<<"$(size -A "$d/policy.o" | awk '$1 ~ /^\.rodata\.bench__t[0-9]/ {d += $2} END {print 0, d + 0}')"
  TAB[$n]=$rcd
  for m in ${names//,/ }; do
    k=$cgmsgs; [ "$m" = pcre2 ] && [ "$n" -ge 1000 ] && k=1000
    valgrind --tool=callgrind --callgrind-out-file="$d/cg.$m" --toggle-collect="m_$m" \
      "$d/b" "$d" --only "$m" "$k" >/dev/null 2>"$d/cg.$m.err" || { cat "$d/cg.$m.err"; exit 1; }
    tot=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$d/cg.$m" | head -1)
    [ -n "$tot" ] || tot=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$d/cg.$m" | head -1)
    IR[$n.$m]=$(awk "BEGIN{printf \"%.0f\", $tot / $k}")
    read -r d1a lla <<<"$(misses "$m" "$k")"; read -r d10 ll0 <<<"$(misses "$m" 0)"
    d1=$(awk "BEGIN{printf \"%.2f\", ($d1a - $d10) / $k}"); ll=$(awk "BEGIN{printf \"%.2f\", ($lla - $ll0) / $k}")
    read -r tmin tmed <<<"$(echo "$out" | awk -v m="$m" '$1 == "time" && $2 == m {print $4, $6}')"
    WALL[$n.$m]=$tmed
    bytes=-; [ "$m" = recov ] && bytes=$rcd; [ "$m" = hs ] && bytes=$hsb
    echo "  $m: ${IR[$n.$m]} instructions/message ($k messages), D1 misses $d1, LL misses $ll, wall min $tmin median $tmed ns, bytes $bytes"
    rows="$rows| $n | $m | ${IR[$n.$m]} | $d1 | $ll | $tmin | $tmed | $bytes |"$'\n'
  done
  ir=$(awk "BEGIN{print (${IR[$n.recov]} <= ${IR[$n.hs]}) ? \"met\" : \"not met\"}")
  wr=$(awk "BEGIN{printf \"%.2f\", ${WALL[$n.recov]} / ${WALL[$n.hs]}}")
  lim=""; [ "$n" = 100 ] || [ "$n" = 1000 ] && lim=1.3; [ "$n" = 10000 ] && lim=2
  wg="no goal at this N"; [ -n "$lim" ] && wg="<= ${lim}x: **$(awk "BEGIN{print ($wr <= $lim) ? \"met\" : \"not met\"}")**"
  tg=$(awk "BEGIN{print ($rcd <= $hsb) ? \"met\" : \"not met\"}")
  goals="$goals- N = $n: instructions ${IR[$n.recov]} against Hyperscan's ${IR[$n.hs]} (<=: **$ir**); wall (median) ${wr}x Hyperscan's ($wg); tables $rcd against Hyperscan's database $hsb bytes (<=: **$tg**); plan: $plan"$'\n'
done
first=${sizes%% *}; last=${sizes##* }
growth=$(awk "BEGIN{printf \"%.2f\", ${WALL[$last.recov]} / ${WALL[$first.recov]}}")
gg=$(awk "BEGIN{print ($growth <= 2) ? \"met\" : \"not met\"}")
goals="$goals- growth of recov's wall time (median) from N = $first to $last: ${growth}x (<= 2x: **$gg**); Hyperscan's: $(awk "BEGIN{printf \"%.2f\", ${WALL[$last.hs]} / ${WALL[$first.hs]}}")x"$'\n'
printf '%s' "$goals"
if [ -n "$md" ]; then
  {
    echo "## Classification of library error strings (bench/classify/run_lib.sh)"
    echo
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -m), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1 /proc/loadavg) at the end, $(gcc --version | head -1), $(valgrind --version): \`bash bench/classify/run_lib.sh RECOVC --markdown FILE\`."
    echo
    echo "$msgs log lines around the error strings of glibc, libcurl, OpenSSL, SQLite, zlib and HTTP (dumped from the"
    echo "libraries at build time); N patterns drawn from them (3/5 literals, 1/5 case-insensitive, 1/5 regexes);"
    echo "first pattern in list order wins; every matcher agrees on every message. Instructions: callgrind inside the"
    echo "matcher over $cgmsgs messages (1,000 for PCRE2 at N >= 1,000). D1 / LL: data-cache misses per message"
    echo "(cachegrind, the same messages less a run over none). Wall: $rounds interleaved passes over all messages."
    echo "Bytes: recov's DFA tables (.rodata), Hyperscan's database. re2c only up to N = $re2cmax."
    echo
    echo "| N | matcher | instructions / message | D1 misses / message | LL misses / message | wall min ns | wall median ns | bytes |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|"
    printf '%s' "$rows"
    echo
    echo "Goals:"
    echo
    printf '%s' "$goals"
    echo
  } >> "$md"
fi
