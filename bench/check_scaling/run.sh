#!/usr/bin/env bash
# bench/check_scaling/run.sh [--smoke] RECOVC
# How `recovc check` (parse, check and every analysis) and `recovc compile`
# (the same, then lowering and the C output) grow with the policy.
# Default: policies of 100, 1,000, 10,000 and 100,000 classify rules (gen.py),
# the 2,000-rule policy, and policies of 100, 1,000 and 10,000 text patterns
# (bench/classify/gen.py N; 10,000 needs several DFAs); per row the best wall and CPU seconds of 3
# runs, the peak resident set, and the CPU time growth per 10x rules.
# --smoke (ctest): 100, 2,000 and 20,000 rules and 100 and 1,000 text
# patterns; fails when 10x rules or patterns cost more than 25x CPU time (the
# goal is 15x; quadratic analysis costs about 100x) or 2,000 rules more than
# 20x the CPU time of 100 rules (mostly start-up) measured in the same run.
# CPU time, best of 3, in the same run: a loaded machine slows both sides;
# no limit in seconds.
set -eu
smoke=0
if [ "${1:-}" = "--smoke" ]; then smoke=1; shift; fi
recovc=${1:?usage: run.sh [--smoke] RECOVC}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
flags="-Wno-unhandled-error -Wno-unused-error"

# measure NAME FILE [compile]: sets wall cpu kb rc (best of 3) of `recovc
# check FILE`, or of `recovc compile FILE -o DIR`; fails on exit > 1
measure() {
  local cmd=(check $flags "$2")
  if [ "${3:-}" = compile ]; then mkdir -p "$tmp/out"; cmd=(compile $flags "$2" -o "$tmp/out"); fi
  read -r wall cpu kb rc < <(python3 "$here/measure.py" 3 "$recovc" "${cmd[@]}")
  if [ "$rc" -gt 1 ]; then
    echo "FAIL: recovc ${cmd[0]} $1 exited $rc"
    "$recovc" "${cmd[@]}" 2>&1 | tail -20
    exit 1
  fi
}

rules_policy() { python3 "$here/gen.py" "$1" > "$tmp/p$1.recov"; echo "$tmp/p$1.recov"; }
text_policy() {
  mkdir -p "$tmp/t$1"
  python3 "$here/../classify/gen.py" "$1" "$tmp/t$1" 10
  echo "$tmp/t$1/bench.recov"
}
ratio() { python3 -c "print('%.1f' % ($1 / max($2, 1e-6)))"; }

if [ $smoke = 1 ]; then
  status=0
  check_growth() {   # what small big [compile]
    measure "$1 $2" "$4" "${6:-}"; local c1=$cpu
    measure "$1 $3" "$5" "${6:-}"; local c2=$cpu
    local r; r=$(ratio "$c2" "$c1")
    printf '%-14s %7s -> %7s: cpu %ss -> %ss, %sx\n' "$1" "$2" "$3" "$c1" "$c2" "$r"
    if python3 -c "import sys; sys.exit(0 if $r <= 25 else 1)"; then :; else
      echo "FAIL: 10x $1 cost ${r}x CPU time (limit 25x)"; status=1
    fi
    last_small=$c1
  }
  # the baseline, measured in this run: 100 rules (mostly process start-up)
  measure "100 rules" "$(rules_policy 100)"; base=$cpu
  check_growth rules 2000 20000 "$(rules_policy 2000)" "$(rules_policy 20000)"
  r=$(python3 -c "print('%.1f' % ($last_small / max($base, 0.02)))")
  printf '%-14s %7s -> %7s: cpu %ss -> %ss, %sx\n' "rules" 100 2000 "$base" "$last_small" "$r"
  if python3 -c "import sys; sys.exit(0 if $r <= 20 else 1)"; then :; else
    echo "FAIL: 2000 rules cost ${r}x the CPU time of 100 rules (limit 20x)"; status=1
  fi
  check_growth "text patterns" 100 1000 "$(text_policy 100)" "$(text_policy 1000)"
  check_growth "compile rules" 2000 20000 "$(rules_policy 2000)" "$(rules_policy 20000)" compile
  exit $status
fi

printf '%-22s %9s %9s %12s %14s  %s\n' policy wall_s cpu_s max_rss_MB 'cpu_growth/10x' exit
for what in check compile; do
  prev=""
  for n in 100 1000 10000 100000; do
    measure "$n rules" "$(rules_policy "$n")" $what
    growth=-
    [ -n "$prev" ] && growth="$(ratio "$cpu" "$prev")x"
    printf '%-22s %9s %9s %12s %14s  %s\n' "$what $n rules" "$wall" "$cpu" "$((kb / 1024))" "$growth" "$rc"
    prev=$cpu
  done
done
measure "2000 rules" "$(rules_policy 2000)"
printf '%-22s %9s %9s %12s %14s  %s\n' "2000 rules" "$wall" "$cpu" "$((kb / 1024))" - "$rc"
for what in check compile; do
  prev=""
  for n in 100 1000 10000; do
    measure "$n text patterns" "$(text_policy $n)" $what
    growth=-
    [ -n "$prev" ] && growth="$(ratio "$cpu" "$prev")x"
    printf '%-22s %9s %9s %12s %14s  %s\n' "$what $n patterns" "$wall" "$cpu" "$((kb / 1024))" "$growth" "$rc"
    prev=$cpu
  done
done
