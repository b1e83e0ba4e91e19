#!/usr/bin/env bash
# bench/seed_python/run.sh - the seed's own decision code as a reference row.
#
#   run.sh --recovc PATH --seed-doc SEED_004_DOC [--faults N] [--markdown FILE]
#
# Times seed 004's classifier and delay calculation, executed as they are
# under this machine's python3 (seed_ref.py extracts them from the document
# the caller names; the project keeps no copy), against the generated
# agent_call policy (drive.c, gcc -O2) on the same stream of N faults
# (stream.py; default 200,000).  Without --seed-doc it says so and exits 0.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
recovc=""; doc=""; n=200000; md=""
while [ $# -gt 0 ]; do
  case "$1" in
    --recovc) recovc=$2; shift 2 ;;
    --seed-doc) doc=$2; shift 2 ;;
    --faults) n=$2; shift 2 ;;
    --markdown) md=$2; shift 2 ;;
    *) echo "usage: $0 --recovc PATH --seed-doc FILE [--faults N] [--markdown FILE]" >&2; exit 2 ;;
  esac
done
[ -n "$recovc" ] || { echo "--recovc is required" >&2; exit 2; }
if [ -z "$doc" ] || [ ! -f "$doc" ]; then
  echo "seed reference: no seed document given (--seed-doc): row skipped"
  exit 0
fi
w=$(mktemp -d); trap 'rm -rf "$w"' EXIT
"$recovc" compile "$root/examples/agent_call/agent_call.recov" -o "$w" >/dev/null
gcc -O2 -std=c11 -Wall -Wextra -Werror -I"$root/runtime/include" -I"$w" \
  "$here/drive.c" "$w/agent_call.c" "$root"/runtime/src/*.c -o "$w/drive"
python3 "$here/stream.py" "$w/stream.txt" "$n"
c=$("$w/drive" "$w/stream.txt")
py=$(cd "$here" && python3 seed_ref.py "$doc" "$n")
echo "$c"
echo "$py"
cns=$(echo "$c" | awk '{print $3}')
pns=$(echo "$py" | awk '{print $3}')
ratio=$(awk -v p="$pns" -v c="$cns" 'BEGIN { printf "%.0f", p / c }')
echo "seed python / generated C: ${ratio}x per fault"
if [ -n "$md" ]; then
  {
    echo "## The seed's own code (bench/seed_python)"
    echo
    echo "Seed 004's \`ErrorClassifier.classify_error\` + \`RetryStrategy._calculate_delay\`, executed as the"
    echo "document has them under $(python3 --version 2>&1), against the generated \`agent_call_failed\`"
    echo "(which also selects the block, applies the breaker, budget and escalation) on the same"
    echo "$n faults (\`bench/seed_python/stream.py\`). Best of 3 (Python) / 5 (C) runs, wall time."
    echo
    echo "| implementation | ns / fault |"
    echo "|---|---:|"
    echo "| seed 004, Python | $pns |"
    echo "| generated agent_call, C (-O2) | $cns |"
    echo
    echo "Ratio: the seed's code takes ${ratio}x the time per fault."
    echo
  } >> "$md"
fi
