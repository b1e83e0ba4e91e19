#!/usr/bin/env bash
# ckpt.sh RECOVC SRCDIR [ROUNDS] - checkpoint properties (ckpt.c) for every
# example policy and every e2e policy, built with gcc at -O2 under ASan/UBSan
# when available, then the migration test (an older version's checkpoint).
set -uo pipefail
recovc=$1
src=$2
rounds=${3:-6}
cc=${CC:-gcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
echo 'int main(void){return 0;}' > "$tmp/t.c"
$cc $san "$tmp/t.c" -o "$tmp/t" 2>/dev/null || san=""
fail=0
policies=$(ls "$src"/examples/*/*.recov "$src"/tests/e2e/policies/*.recov)
# fields.inc: one X_INT / X_BOOL / X_TEXT per fault field
fields() {
  perl -0ne 's{//[^\n]*}{}g; s{/\*.*?\*/}{}gs;
    if (/\bfault\s*\{([^}]*)\}/) { my @o; for (split /;/, $1) { next unless /(\w+)\s*:\s*(\w+)/;
      my ($n, $t) = ($1, $2); my %c = (u8=>"uint8_t", u16=>"uint16_t", u32=>"uint32_t", i8=>"int8_t", i16=>"int16_t", i32=>"int32_t");
      push @o, $t eq "text" ? "X_TEXT($n)" : $t eq "bool" ? "X_BOOL($n)" : "X_INT($n, $c{$t})"; }
      print "#define FIELDS ", join(" ", @o), "\n"; }' "$1"
}
name_of() { perl -ne 'if (/^\s*policy\s+(\w+)/) { print $1; exit }' "$1"; }
prev=""
for p in $policies; do
  n=$(name_of "$p")
  i=$((${i:-0} + 1))
  d="$tmp/$i/$n"
  mkdir -p "$d"
  if ! "$recovc" compile -Wno-error=deadline-never "$p" -o "$d" >/dev/null 2>"$d/err"; then
    # C header import is built by another piece of work; until recovc has it,
    # a policy that imports a header is skipped, loudly
    if grep -q "^import" "$p"; then echo "SKIP: $p (imports a C header; recovc compile failed)"; continue; fi
    echo "FAIL: recovc compile $p"; cat "$d/err"; fail=1; continue
  fi
  fields "$p" > "$d/fields.inc"
  # a fault imported from a C header: the all-zero fault only (noted in tests/README.md)
  grep -q FIELDS "$d/fields.inc" || { echo "#define FIELDS"; echo "NOTE: $n: fault not declared in the policy; zero faults only" >&2; } >> "$d/fields.inc"
  q=()
  if [ -n "$prev" ] && [ "$(basename "$prev")" != "$n" ]; then
    pn=$(basename "$prev")
    q=(-DQ="$pn" -DQH="\"$pn.h\"" "$prev/$pn.c" -I"$prev" -I"$(dirname "$prev_src")")
  fi
  # `stats;`: the counters are compared after reloads too; their checkpoint
  # is several times longer (flips cost its length squared): one round,
  # every 7th bit flipped (ckpt.c FLIP_STEP)
  st=(); r=$rounds; grep -q "^stats;" "$p" && { st=(-DSTATS -DFLIP_STEP=7); r=1; }
  if ! $cc -std=c99 -O2 -g $san "${st[@]}" -DP="$n" -DPH="\"$n.h\"" -include "$d/fields.inc" -I"$d" -I"$(dirname "$p")" -I"$src/runtime/include" \
       "$src/tests/reliability/ckpt.c" "$d/$n.c" "${q[@]}" "$src"/runtime/src/*.c -o "$d/ckpt" 2>"$d/build"; then
    echo "FAIL: building the checkpoint test for $n"; cat "$d/build"; fail=1; continue
  fi
  "$d/ckpt" "$r" || fail=1
  prev="$d"
  prev_src="$p"
done

# migration: a checkpoint of version 1 restores into version 2 by stable id
m="$tmp/mig"; mkdir -p "$m/v1" "$m/v2"
for v in 1 2; do
  "$recovc" compile "$src/tests/reliability/policies/mig_v$v.recov" -o "$m/v$v" >/dev/null 2>"$m/err" || { echo "FAIL: compile mig_v$v"; fail=1; }
  $cc -std=c99 -O2 $san -DMIG_V=$v -I"$m/v$v" -I"$src/runtime/include" "$src/tests/reliability/mig.c" "$m/v$v/mig.c" \
      "$src"/runtime/src/*.c -o "$m/run$v" || { echo "FAIL: build mig v$v"; fail=1; }
done
if [ -x "$m/run1" ] && [ -x "$m/run2" ]; then
  "$m/run1" save "$m/ck" && "$m/run2" load "$m/ck" || { echo "FAIL: migration"; fail=1; }
fi
[ $fail -eq 0 ] && echo "all checkpoint properties hold"
exit $fail
