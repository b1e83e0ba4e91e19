#!/usr/bin/env bash
# timeline.sh RECOVC SRC - e2e.timeline: the SVG timelines render.
# For every scenario file of the examples, tests/e2e and the timeline
# goldens, `recovc test --timeline` draws all its scenarios; for the first
# three blocks of each of those policies, `recovc explain --timeline` draws
# the block's worst case (or says why it has none, exit 1).  Each SVG must
# parse as XML with an <svg> root, and rsvg-convert (librsvg2-bin) must turn
# it into a PNG 1000 pixels wide without an error; a second drawing must be
# byte-identical, and docs/timeline.svg (the README's) what recovc draws now.
# The exact text is held by the
# goldens in tests/golden/timeline/.
set -euo pipefail
recovc=$1
src=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v rsvg-convert >/dev/null || { echo "timeline.sh: needs rsvg-convert (librsvg2-bin)"; exit 1; }
fail=0
nsvg=0
# well-formed XML (all at the end, one python3), then rendered by rsvg-convert
# into a PNG 1000 pixels wide
render() {   # render SVG WHAT
  cp "$1" "$work/svg/$nsvg.svg"
  echo "$nsvg.svg $2" >> "$work/svg/index"
  nsvg=$((nsvg + 1))
  if ! rsvg-convert "$1" -o "$work/out.png" 2>"$work/rsvg.err"; then
    echo "FAIL $2: rsvg-convert: $(cat "$work/rsvg.err")"; fail=1; return
  fi
  local w
  w=$(od -An -tx1 -j16 -N4 "$work/out.png" | tr -d ' \n')
  if [ "$(head -c 4 "$work/out.png" | od -An -c | tr -d ' \n')" != '211PNG' ] || [ "$w" != 000003e8 ]; then
    echo "FAIL $2: not a PNG 1000 pixels wide"; fail=1
  fi
}
mkdir "$work/svg"
cd "$src"
for r in examples/*/*.rtest tests/e2e/*.rtest tests/e2e/policies/*.rtest tests/golden/timeline/timeline.rtest; do
  rc=0
  "$recovc" test -Wno-error=deadline-never --timeline "$work/t.svg" "$r" >"$work/log" 2>&1 || rc=$?
  if [ $rc -ne 0 ]; then echo "FAIL $r: recovc test exited $rc"; cat "$work/log"; fail=1; continue; fi
  render "$work/t.svg" "$r"
done
for p in examples/*/*.recov tests/golden/timeline/*.recov; do
  # the first three blocks (each takes recovc's start and the analysis)
  nb=$("$recovc" explain "$p" | grep -c '^block ' || true)
  [ "$nb" -le 3 ] || nb=3
  for ((b = 0; b < nb; b++)); do
    rc=0
    "$recovc" explain --timeline "$b" "$work/b.svg" "$p" >"$work/log" 2>&1 || rc=$?
    if [ $rc -eq 1 ] && grep -q "no timeline for block $b" "$work/log"; then continue; fi
    if [ $rc -ne 0 ]; then echo "FAIL $p block $b: exit $rc"; cat "$work/log"; fail=1; continue; fi
    render "$work/b.svg" "$p block $b"
  done
done
# deterministic: the same drawing twice
"$recovc" test --timeline "$work/a.svg" examples/agent_call/agent_host.rtest >/dev/null
"$recovc" test --timeline "$work/b.svg" examples/agent_call/agent_host.rtest >/dev/null
cmp -s "$work/a.svg" "$work/b.svg" || { echo "FAIL: two drawings of agent_host.rtest differ"; fail=1; }
python3 - "$work/svg" <<'PY' || fail=1
import os, sys, xml.etree.ElementTree as E
d = sys.argv[1]
bad = 0
for line in open(os.path.join(d, "index")):
    name, what = line.rstrip("\n").split(" ", 1)
    try:
        root = E.parse(os.path.join(d, name)).getroot()
        if root.tag != "{http://www.w3.org/2000/svg}svg":
            raise ValueError("root element " + root.tag)
    except Exception as e:
        print("FAIL %s: %s" % (what, e))
        bad += 1
sys.exit(1 if bad else 0)
PY
# the README's picture is what recovc draws today
"$recovc" test --timeline "$work/readme.svg" --scenario "breaker: 5 failures, 60 s open, half-open failure reopens" \
  examples/agent_call/agent_host.rtest >/dev/null
cmp -s "$work/readme.svg" docs/timeline.svg || { echo "FAIL: docs/timeline.svg is out of date; regenerate it with:"
  echo "  recovc test --timeline docs/timeline.svg --scenario \"breaker: 5 failures, 60 s open, half-open failure reopens\" examples/agent_call/agent_host.rtest"; fail=1; }
echo "$nsvg timelines rendered"
[ "$nsvg" -gt 20 ] || { echo "FAIL: too few timelines"; fail=1; }
exit $fail
