#!/usr/bin/env bash
# hostile.sh RECOVC - any bytes given as a policy end in diagnostics and
# exit 1: never a crash (exit >= 3 or a signal), never a hang (stopped
# after 120 s of wall time; each takes well under a second of CPU, but a
# loaded machine stretches the clock: 3 s measured at load 18 for the
# 20,000-term condition, 0.23 s of CPU).  Missing files and unwritable
# outputs are exit 2 naming the path.
set -uo pipefail
recovc=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
expect() { # expect CODE FILE DESCRIPTION [extra args]
  local want=$1 f=$2 what=$3
  shift 3
  timeout 120 "$recovc" check "$@" "$f" >"$tmp/out" 2>&1
  local rc=$?
  if [ $rc -ne "$want" ]; then
    echo "FAIL: $what: exit $rc, expected $want"; head -c 600 "$tmp/out"; echo
    failures=$((failures + 1))
  elif [ "$want" -eq 1 ] && ! grep -q "error:" "$tmp/out"; then
    echo "FAIL: $what: exit 1 without an error message"; failures=$((failures + 1))
  else
    echo "ok: $what"
  fi
}
head -c 65536 /dev/urandom > "$tmp/random.recov";           expect 1 "$tmp/random.recov" "64 KiB of random bytes"
printf 'policy p version 1;\0\0\0 fault {}' > "$tmp/nul.recov"; expect 1 "$tmp/nul.recov" "NUL bytes"
printf '\xff\xfe\x00\x01policy' > "$tmp/bin.recov";           expect 1 "$tmp/bin.recov" "binary header"
{ printf 'policy p version 1; // '; head -c 1048576 /dev/zero | tr '\0' 'x'; printf '\nconst = ;'; } > "$tmp/longline.recov"
expect 1 "$tmp/longline.recov" "1 MB comment line then an error"
{ printf 'policy p version 1;\nerror e : c, low { message "'; head -c 1048576 /dev/zero | tr '\0' 'a'; printf '"; }\n'; } > "$tmp/longstr.recov"
expect 1 "$tmp/longstr.recov" "1 MB string literal (and unknown class)"
{ printf 'policy p version 1;\nconst '; head -c 10000 /dev/zero | tr '\0' 'i'; printf ' = 1;\nclassify { _ => x; }\n'; } > "$tmp/longident.recov"
expect 1 "$tmp/longident.recov" "10,000-character identifier"
printf 'policy p version 1;\nerror e : c, low { message "never closed' > "$tmp/unterminated.recov"
expect 1 "$tmp/unterminated.recov" "unterminated string"
printf 'policy p version 1;\nclassify { m ~ /never closed\n' > "$tmp/unterm_re.recov"
expect 1 "$tmp/unterm_re.recov" "unterminated regex"
{ printf 'policy p version 1;\nfault { a : u8; }\nerror e : c, low;\nclassify { '; head -c 100000 /dev/zero | tr '\0' '('; printf 'a == 1'; head -c 100000 /dev/zero | tr '\0' ')'; printf ' => e; _ => e; }\n'; } > "$tmp/deep.recov"
expect 1 "$tmp/deep.recov" "100,000 nested parentheses"
{ printf 'policy p version 1;\nfault { a : u8; }\nerror e : c, low;\nclassify { a == 1'; for i in $(seq 1 20000); do printf ' || a == 1'; done; printf ' => e; _ => e; }\n'; } > "$tmp/wide.recov"
expect 1 "$tmp/wide.recov" "20,000-term condition (and unknown class)"
: > "$tmp/empty.recov";                                     expect 1 "$tmp/empty.recov" "empty file"
for i in $(seq 1 50); do head -c $((RANDOM % 400 + 1)) /dev/urandom; done > "$tmp/junk.recov"
expect 1 "$tmp/junk.recov" "random junk"
expect 2 "$tmp/does-not-exist.recov" "missing file"
mkdir -p "$tmp/dir.recov";                                  expect 2 "$tmp/dir.recov" "a directory as input"
[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all hostile inputs handled"
