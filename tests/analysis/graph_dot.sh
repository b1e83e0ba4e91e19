#!/usr/bin/env bash
# The DOT of every example renders with Graphviz; the Mermaid output starts
# with its header.
set -u
recovc=$1 root=$2 dot=$3
fail=0 n=0
for f in "$root"/examples/*/*.recov "$root"/tests/e2e/policies/*.recov; do
  n=$((n+1))
  if ! "$recovc" graph -Wno-error=deadline-never "$f" 2>/dev/null | "$dot" -Tsvg -o /dev/null; then echo "FAIL: dot rejects the graph of $f"; fail=1; fi
  "$recovc" graph -Wno-error=deadline-never --format mermaid "$f" 2>/dev/null | head -1 | grep -qx 'flowchart LR' || { echo "FAIL: mermaid $f"; fail=1; }
done
echo "$n policies: graphs render"
exit $fail
