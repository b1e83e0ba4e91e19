#!/usr/bin/env bash
# generated.sh RECOVC SRCDIR - properties of recovc compile's output:
#  - every example and test policy compiles, and its C builds warning-free
#    under gcc and clang, -std=c99 -Wall -Wextra -Wpedantic -Wconversion
#    -Wshadow -Werror, at -O0 and -O2, with -ffreestanding
#  - the generated object needs nothing but recov_* symbols
#  - with --line-directives the same code, under #line into the policy
#  - output is byte-identical across runs and independent of the directory
#    (it names the policy file only by its base name)
#  - a policy with errors leaves no file behind; an unchanged rebuild does
#    not touch the outputs
set -euo pipefail
recovc=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
flags="-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror -ffreestanding -I$src/runtime/include"
n=0
for p in "$src"/examples/*/*.recov "$src"/tests/e2e/policies/*.recov; do
  name=$(basename "$p" .recov)
  out="$tmp/$name"
  mkdir -p "$out/a" "$out/b"
  "$recovc" compile -Wno-error=deadline-never "$p" -o "$out/a" || fail "recovc compile $p"
  # the copy lives elsewhere (same base name: comments and #line name the
  # policy file by its base name); imported headers come from the policy's
  # folder by -I
  (cd "$out/b" && cp "$p" "./$name.recov" && "$recovc" compile -Wno-error=deadline-never "$name.recov" -o . -I "$(dirname "$p")") || fail "recovc compile copy of $p"
  for f in "$out"/a/*; do
    cmp "$f" "$out/b/$(basename "$f")" || fail "output of $p depends on the path or the run: $f"
  done
  c=$(ls "$out"/a/*.c)
  for cc in gcc clang; do
    command -v $cc >/dev/null || continue
    for opt in -O0 -O2; do
      $cc $flags -I"$(dirname "$p")" $opt -c "$c" -o "$out/p.o" || fail "$cc $opt: $c"
      undef=$(nm -u "$out/p.o" | awk '{print $2}' | grep -v '^recov_' || true)
      [ -z "$undef" ] || fail "$c ($cc $opt) needs symbols outside the runtime: $undef"
    done
  done
  # --line-directives: the same code under #line; it builds as strictly, the
  # debug line table names the policy file, and stripped of #line and of
  # blank lines it is the plain output line for line
  mkdir -p "$out/l"
  "$recovc" compile -Wno-error=deadline-never --line-directives "$p" -o "$out/l" || fail "recovc compile --line-directives $p"
  lc=$out/l/$(basename "$c")
  grep -q '^#line [0-9]* "'"$name"'.recov"$' "$lc" || fail "$lc: no #line into $name.recov"
  cmp <(grep -v '^#line ' "$lc") "$c" || fail "$lc differs from $c in more than #line"
  gcc $flags -I"$(dirname "$p")" -O0 -g -c "$lc" -o "$out/l.o" || fail "gcc -g: $lc"
  readelf --debug-dump=decodedline "$out/l.o" > "$out/l.lines"
  grep -q "^$name.recov " "$out/l.lines" || fail "$lc: the line table does not name $name.recov"
  n=$((n + 1))
done
echo "$n policies: strict builds, freestanding symbols, deterministic output, #line into the policy"

# no partial output: a policy with an error writes nothing
mkdir -p "$tmp/bad"
printf 'policy bad version 1;\nfault { a : u8; }\nerror e : nope, low;\nclassify { _ => e; }\non _ { abort; }\n' > "$tmp/bad.recov"
set +e
"$recovc" compile "$tmp/bad.recov" -o "$tmp/bad" 2>/dev/null
rc=$?
set -e
[ $rc -eq 1 ] || fail "bad policy: exit $rc, expected 1"
[ -z "$(ls -A "$tmp/bad")" ] || fail "bad policy left files: $(ls -A "$tmp/bad")"

# an unchanged rebuild does not touch the outputs
p="$src/examples/agent_call/agent_call.recov"
mkdir -p "$tmp/re"
"$recovc" compile -Wno-error=deadline-never "$p" -o "$tmp/re"
# (outputs older than an input get their mtime refreshed so make settles;
# outputs newer than every input must be left alone)
touch -d '2099-01-01' "$tmp/re/agent_call.c" "$tmp/re/agent_call.h"
"$recovc" compile -Wno-error=deadline-never "$p" -o "$tmp/re"
old=$(date -d 2099-01-01 +%s)
[ "$(stat -c %Y "$tmp/re/agent_call.c")" = "$old" ] || fail "unchanged agent_call.c was rewritten"
[ "$(stat -c %Y "$tmp/re/agent_call.h")" = "$old" ] || fail "unchanged agent_call.h was rewritten"
[ -z "$(ls "$tmp/re" | grep tmp || true)" ] || fail "temporary files left behind"
echo "no partial output, no needless rewrites"
