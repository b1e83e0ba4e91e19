#!/usr/bin/env bash
# faults.sh RECOVC SRCDIR [CC [PART]] - recovc under faults (tests/README.md).
# PART: io (everything but the timed inputs), timed (only those), all (default).
#  - output is atomic: a full disk (a 256 KiB tmpfs when mounting is
#    permitted, and always an LD_PRELOAD shim failing write()/fsync() with
#    ENOSPC), a read-only directory (read-only tmpfs, else recovc run as
#    nobody), an output path that is a directory, and two recovc processes
#    writing the same outputs at once (50 rounds) leave every output file
#    either the old or the new complete file, never a torn one, no temporary
#    files, and a failure is exit 2 naming the path;
#  - hostile inputs (10 MB, 100,000 nested parentheses, a 1 MB string
#    literal, a 10,000-character identifier) end in a diagnostic or success,
#    the same as a tenth of the input, in at most 30 times its CPU time (no
#    wall-clock limit: the machine's load and speed do not matter);
#  - flex's fatal-error path (a failed allocation in the scanner) ends in a
#    diagnostic and exit 3 (internal error), never in exit().
set -uo pipefail
recovc=$(readlink -f "$1")
src=$2
cc=${3:-cc}
part=${4:-all}
case $part in all|io|timed) ;; *) echo "faults.sh: PART is all, io or timed"; exit 2 ;; esac
tmp=$(mktemp -d)
mounted=()
cleanup() { for m in "${mounted[@]}"; do umount "$m" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
chmod 755 "$tmp"
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

if [ "$part" != timed ]; then
# old and new versions of one policy, and their reference outputs
pol=$src/examples/agent_call/agent_call.recov
mkdir -p "$tmp/old" "$tmp/new" "$tmp/ref-old" "$tmp/ref-new"
sed -e 's/^policy agent_call version [0-9]*;/policy agent_call version 2;/' -e 's/attempts 4;/attempts 5;/' "$pol" > "$tmp/old/agent_call.recov"
cp "$pol" "$tmp/new/agent_call.recov"
"$recovc" compile "$tmp/old/agent_call.recov" -o "$tmp/ref-old" >/dev/null 2>&1 || bad "reference compile (old)"
"$recovc" compile "$tmp/new/agent_call.recov" -o "$tmp/ref-new" >/dev/null 2>&1 || bad "reference compile (new)"
cmp -s "$tmp/ref-old/agent_call.c" "$tmp/ref-new/agent_call.c" && bad "old and new outputs do not differ"

# every output file in DIR is the complete old or new one; no temporaries
check_files() { # DIR WHAT
  local d=$1 what=$2 f
  for f in agent_call.c agent_call.h; do
    if [ ! -e "$d/$f" ]; then bad "$what: $f missing"; continue; fi
    cmp -s "$d/$f" "$tmp/ref-old/$f" || cmp -s "$d/$f" "$tmp/ref-new/$f" || bad "$what: $f is neither the old nor the new file (torn)"
  done
  if ls "$d" | grep -q '\.tmp\.'; then bad "$what: temporary files left: $(ls "$d" | grep '\.tmp\.' | tr '\n' ' ')"; fi
}
is_old() { cmp -s "$1/agent_call.c" "$tmp/ref-old/agent_call.c" && cmp -s "$1/agent_call.h" "$tmp/ref-old/agent_call.h"; }
is_new() { cmp -s "$1/agent_call.c" "$tmp/ref-new/agent_call.c" && cmp -s "$1/agent_call.h" "$tmp/ref-new/agent_call.h"; }
# run recovc compile of the new policy into DIR; expect exit 2 naming PATHRE
expect_io_error() { # WHAT DIR PATHRE [prefix command...]
  local what=$1 d=$2 re=$3
  shift 3
  "$@" "$recovc" compile "$tmp/new/agent_call.recov" -o "$d" >"$tmp/out" 2>&1
  local rc=$?
  if [ $rc -ne 2 ]; then bad "$what: exit $rc, expected 2"; cat "$tmp/out"
  elif ! grep -Eq "^recovc: error: cannot write '$re'" "$tmp/out"; then bad "$what: message does not name the path"; cat "$tmp/out"
  else ok "$what: exit 2, $(head -1 "$tmp/out")"; fi
  check_files "$d" "$what"
}
old_into() { cp "$tmp/ref-old/agent_call.c" "$tmp/ref-old/agent_call.h" "$1/"; }

# ---- full disk -------------------------------------------------------------
# 256 KiB: the old and the new files side by side (the new one is written
# beside the old before the rename), with room to spare
if mkdir -p "$tmp/full" && mount -t tmpfs -o size=256k,mode=755 tmpfs "$tmp/full" 2>/dev/null; then
  mounted+=("$tmp/full")
  old_into "$tmp/full"
  cat /dev/zero > "$tmp/full/filler" 2>/dev/null
  expect_io_error "full disk (tmpfs, 0 bytes free)" "$tmp/full" "$tmp/full/agent_call\.[ch]"
  is_old "$tmp/full" || bad "full disk: old files changed"
  truncate -s -8192 "$tmp/full/filler"   # room for the header, not the source
  expect_io_error "full disk (tmpfs, 8 KiB free)" "$tmp/full" "$tmp/full/agent_call\.c"
  is_old "$tmp/full" || bad "full disk (8 KiB): old files changed"
  rm -f "$tmp/full/filler"
  if "$recovc" compile "$tmp/new/agent_call.recov" -o "$tmp/full" >"$tmp/out" 2>&1 && is_new "$tmp/full"; then
    ok "full disk freed: new files written"
  else bad "full disk freed: compile failed or wrong files"; cat "$tmp/out"; fi
  check_files "$tmp/full" "full disk freed"
  # ---- read-only directory (read-only tmpfs) --------------------------------
  old_into "$tmp/full"
  mount -o remount,ro "$tmp/full"
  expect_io_error "read-only file system" "$tmp/full" "$tmp/full/agent_call\.[ch]"
  is_old "$tmp/full" || bad "read-only: old files changed"
  umount "$tmp/full"; mounted=()
else
  echo "note: mounting a tmpfs is not permitted here; the full disk is the LD_PRELOAD shim only"
fi
# full disk through the shim (write()/fsync() fail with ENOSPC past N bytes)
if $cc -shared -fPIC -O1 -o "$tmp/enospc.so" "$src/tests/reliability/enospc_shim.c" -ldl 2>"$tmp/cc.err"; then
  # a sanitized recovc must load its runtime first; the order does not matter here
  export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"
  mkdir -p "$tmp/shim"
  # the .c is written first: nothing, half of it, all of it and half the .h
  csz=$(stat -c %s "$tmp/ref-new/agent_call.c"); hsz=$(stat -c %s "$tmp/ref-new/agent_call.h")
  for n in 0 $((csz / 2)) $((csz + hsz / 2)); do
    old_into "$tmp/shim"
    expect_io_error "full disk (ENOSPC after $n bytes)" "$tmp/shim" "$tmp/shim/agent_call\.[ch]" env LD_PRELOAD="$tmp/enospc.so" RC_SHIM_BYTES=$n
    if [ $n -lt "$csz" ]; then is_old "$tmp/shim" || bad "ENOSPC after $n bytes: old files changed"; fi
  done
else
  bad "cannot build the ENOSPC shim with $cc"; cat "$tmp/cc.err"
fi

# ---- read-only directory as an unprivileged user -----------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$recovc"; then
  echo "note: cannot run recovc as nobody here (setpriv refused, or the build tree is not readable by nobody); read-only directory checked on tmpfs only"
elif [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  mkdir -p "$tmp/ro"; old_into "$tmp/ro"; chmod 555 "$tmp/ro"
  expect_io_error "read-only directory (as nobody)" "$tmp/ro" "$tmp/ro/agent_call\.[ch]" setpriv --reuid=nobody --regid=nogroup --clear-groups
  is_old "$tmp/ro" || bad "read-only directory: old files changed"
  chmod 755 "$tmp/ro"
elif [ "$(id -u)" != 0 ]; then
  mkdir -p "$tmp/ro"; old_into "$tmp/ro"; chmod 555 "$tmp/ro"
  expect_io_error "read-only directory" "$tmp/ro" "$tmp/ro/agent_call\.[ch]"
  is_old "$tmp/ro" || bad "read-only directory: old files changed"
  chmod 755 "$tmp/ro"
fi

# ---- an output path that is a directory --------------------------------------
mkdir -p "$tmp/isdir/agent_call.c"; cp "$tmp/ref-old/agent_call.h" "$tmp/isdir/"
"$recovc" compile "$tmp/new/agent_call.recov" -o "$tmp/isdir" >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q "^recovc: error: cannot write '$tmp/isdir/agent_call.c'" "$tmp/out" \
   && [ -d "$tmp/isdir/agent_call.c" ] && cmp -s "$tmp/isdir/agent_call.h" "$tmp/ref-old/agent_call.h" \
   && ! ls "$tmp/isdir" | grep -q '\.tmp\.'; then
  ok "output path is a directory: exit 2, $(head -1 "$tmp/out")"
else bad "output path is a directory: exit $rc"; cat "$tmp/out"; ls -la "$tmp/isdir"; fi

# ---- two writers at once, 50 rounds -------------------------------------------
mkdir -p "$tmp/race"
mixed=0
for i in $(seq 1 50); do
  "$recovc" compile "$tmp/old/agent_call.recov" -o "$tmp/race" >"$tmp/race1.out" 2>&1 & p1=$!
  "$recovc" compile "$tmp/new/agent_call.recov" -o "$tmp/race" >"$tmp/race2.out" 2>&1 & p2=$!
  wait $p1; r1=$?
  wait $p2; r2=$?
  [ $r1 -eq 0 ] && [ $r2 -eq 0 ] || { bad "race round $i: exit $r1 / $r2"; cat "$tmp/race1.out" "$tmp/race2.out"; }
  check_files "$tmp/race" "race round $i"
  is_old "$tmp/race" || is_new "$tmp/race" || mixed=$((mixed + 1))
  # same policy twice: the result is exactly the reference
  "$recovc" compile "$tmp/new/agent_call.recov" -o "$tmp/race" >/dev/null 2>&1 & p1=$!
  "$recovc" compile "$tmp/new/agent_call.recov" -o "$tmp/race" >/dev/null 2>&1 & p2=$!
  wait $p1; r1=$?
  wait $p2; r2=$?
  { [ $r1 -eq 0 ] && [ $r2 -eq 0 ] && is_new "$tmp/race"; } || bad "race round $i (same policy): exit $r1 / $r2 or files differ from the reference"
  check_files "$tmp/race" "race round $i (same policy)"
done
# both files are published under one directory lock: never a mixed pair
if [ $mixed -eq 0 ]; then ok "two writers, 50 rounds x 2: every pair complete and from one writer"
else bad "two writers: $mixed of 50 rounds ended with the .c of one writer and the .h of the other"; fi

# (no `cmd | grep -q` here: under pipefail, grep -q quitting early can kill
# the producer with SIGPIPE and turn a match into a failure)
sanitized=0
libs=$(ldd "$recovc" 2>/dev/null || true)
syms=$(nm "$recovc" 2>/dev/null || true)
case "$libs$syms" in *libasan*|*libubsan*|*__asan_init*) sanitized=1 ;; esac

# ---- flex's fatal-error path: a diagnostic, never exit() ----------------------
# (malloc of flex's 64-byte buffer state fails; not under a sanitizer, whose
# allocator the shim cannot sit in front of)
if [ $sanitized -eq 0 ] && $cc -shared -fPIC -O1 -o "$tmp/malloc.so" "$src/tests/reliability/malloc_shim.c" -ldl 2>"$tmp/cc.err"; then
  LD_PRELOAD="$tmp/malloc.so" RC_SHIM_FAIL_SIZE=64 "$recovc" check "$tmp/new/agent_call.recov" >"$tmp/out" 2>&1
  rc=$?
  if [ $rc -eq 3 ] && grep -q "error: internal error in the scanner: out of dynamic memory in yy_scan_buffer()" "$tmp/out"; then
    ok "flex fatal error (out of memory): exit 3 (internal error), $(head -1 "$tmp/out" | sed 's/^[^ ]* //')"
  else bad "flex fatal error: exit $rc"; cat "$tmp/out"; fi
elif [ $sanitized -eq 0 ]; then
  bad "cannot build the malloc shim with $cc"; cat "$tmp/cc.err"
else
  echo "note: sanitized recovc: flex fatal-error check skipped"
fi

fi # io

if [ "$part" != io ]; then
# ---- hostile inputs, timed ----------------------------------------------------
# Measured in CPU time (user + sys of recovc, from bash's `time`), not on the
# wall clock: a loaded machine stretches the clock, not the work.  And not
# against a fixed number of seconds, which depends on the machine's speed:
# each shape also runs at a tenth of its size, and the big run's work (its
# CPU time less recovc's startup) may be at most 30 times the small one's
# (linear work is 10 times; the small run's work counts as at least 100 ms:
# the startup taken off both is itself measured to within tens of ms, about
# 350 ms of it being python's fork, so a smaller tenth is mostly noise).
# A hang is stopped by `timeout` after 300 s.
cpu_run() { # FILE [recovc options...]: sets rc, cpu (ms) and rss (KB, the largest process); -1 if not measured
  local f=$1
  shift
  # getrusage of the children: CPU of recovc and of its header child, the
  # peak resident set of the largest
  python3 -c 'import resource, subprocess, sys
with open(sys.argv[1], "w") as out:
    rc = subprocess.call(["timeout", "300"] + sys.argv[2:], stdout=out, stderr=subprocess.STDOUT)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(rc, int((r.ru_utime + r.ru_stime) * 1000), r.ru_maxrss)' "$tmp/out" "$recovc" check "$@" "$f" >"$tmp/time" 2>&1
  read -r rc cpu rss <"$tmp/time" || true
  [[ ${rc:-} =~ ^[0-9]+$ ]] || rc=-1
  [[ ${cpu:-} =~ ^[0-9]+$ ]] || cpu=-1
  [[ ${rss:-} =~ ^[0-9]+$ ]] || rss=-1
}
# what a run costs before recovc reads its input (python's fork and exec,
# recovc's start; libclang is loaded only for imports), the least of three
# runs on a tiny policy; it is taken
# off both runs, so that the ratio is the work the input causes
printf 'policy p version 1;\nfault { a : u8; }\nclass c;\nerror e : c, low;\nclassify { _ => e; }\non _ { abort; }\n' >"$tmp/tiny.recov"
startup=-1 startup_rss=-1
for _ in 1 2 3; do
  cpu_run "$tmp/tiny.recov"
  [ $startup -lt 0 ] || [ $cpu -lt $startup ] && startup=$cpu
  [ $startup_rss -lt 0 ] || [ $rss -lt $startup_rss ] && startup_rss=$rss
done
[ $rc -eq 0 ] && [ $startup -ge 0 ] || bad "tiny policy: exit $rc, CPU $startup ms"
timed() { # WHAT SMALL_FILE BIG_FILE [recovc options...]
  local what=$1 small=$2 big=$3 base work
  shift 3
  cpu_run "$small" "$@"
  local rc_small=$rc cpu_small=$cpu
  local rss_small=$rss
  cpu_run "$big" "$@"
  base=$(( cpu_small - startup > 100 ? cpu_small - startup : 100 ))
  work=$(( cpu - startup ))
  # memory the same way: resident set above recovc's own at startup, the
  # big run at most 30 times the tenth's (which counts as at least 10 MB)
  local mbase=$(( rss_small - startup_rss > 10240 ? rss_small - startup_rss : 10240 )) mwork=$(( rss - startup_rss ))
  if [ $cpu -lt 0 ] || [ $cpu_small -lt 0 ]; then bad "$what: CPU time not measured ($(cat "$tmp/time"))"
  elif [ $rc -ne 0 ] && [ $rc -ne 1 ]; then bad "$what: exit $rc after $cpu ms of CPU"; head -c 400 "$tmp/out"; echo
  elif [ $rc -eq 1 ] && ! grep -q "error:" "$tmp/out"; then bad "$what: exit 1 without a diagnostic"
  elif [ $rc -ne $rc_small ]; then bad "$what: exit $rc, a tenth of it exit $rc_small"
  elif [ $work -gt $((30 * base)) ]; then bad "$what: $cpu ms of CPU, a tenth of it $cpu_small ms, startup $startup ms (more than 30x)"
  elif [ $rss -lt 0 ] || [ $mwork -gt $((30 * mbase)) ]; then bad "$what: $rss KB resident, a tenth of it $rss_small KB, startup $startup_rss KB (more than 30x)"
  else ok "$what: exit $rc in $cpu ms of CPU, $rss KB (a tenth of it: $cpu_small ms, $rss_small KB; startup $startup ms, $startup_rss KB)"; fi
}
head -c 10485760 /dev/urandom > "$tmp/random10m.recov"
head -c 1048576 "$tmp/random10m.recov" > "$tmp/random1m.recov"
timed "10 MB of random bytes" "$tmp/random1m.recov" "$tmp/random10m.recov"
consts() { # N: a valid policy with N constants (about 22 bytes each)
  echo 'policy big version 1;'; echo 'fault { a : u8; }'; echo 'error e : c, low;'; echo 'class c;'
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "const K%07d = %d;\n", i, i % 100 }'
  echo 'classify { _ => e; }'; echo 'on _ { abort; }'; }
consts 450000 > "$tmp/valid10m.recov"
consts 45000 > "$tmp/valid1m.recov"
# -Wno-unused-const: 450,000 warnings would take minutes (each caret line is
# found by scanning the file from its start: reported, tests/README.md)
timed "10 MB policy (450,000 constants)" "$tmp/valid1m.recov" "$tmp/valid10m.recov" -Wno-unused-const
parens() { printf 'policy p version 1;\nfault { a : u8; }\nclass c;\nerror e : c, low;\nclassify { '; head -c "$1" /dev/zero | tr '\0' '('; printf 'a == 1'; head -c "$1" /dev/zero | tr '\0' ')'; printf ' => e; _ => e; }\non _ { abort; }\n'; }
parens 100000 > "$tmp/deep.recov"
parens 10000 > "$tmp/deep10k.recov"
timed "100,000 nested parentheses" "$tmp/deep10k.recov" "$tmp/deep.recov"
longstr() { printf 'policy p version 1;\nfault { a : u8; }\nclass c;\nerror e : c, low { message "'; head -c "$1" /dev/zero | tr '\0' 'a'; printf '"; }\nclassify { _ => e; }\non _ { abort; }\n'; }
longstr 1048576 > "$tmp/longstr.recov"
longstr 104858 > "$tmp/longstr100k.recov"
timed "1 MB string literal" "$tmp/longstr100k.recov" "$tmp/longstr.recov"
longid() { printf 'policy p version 1;\nfault { a : u8; }\nclass c;\nerror e : c, low;\nconst '; head -c "$1" /dev/zero | tr '\0' 'i'; printf ' = 1;\nclassify { _ => e; }\non _ { abort; }\n'; }
longid 10000 > "$tmp/longident.recov"
longid 1000 > "$tmp/longident1k.recov"
timed "10,000-character identifier" "$tmp/longident1k.recov" "$tmp/longident.recov"
# wide conditions: rules of 1,000-term || chains, 10,000 and 100,000 terms
# (the policy term limit); then 10 MB of them stops at that limit
orrules() { # RULES
  echo 'policy big version 1;'; echo 'fault { code : u32; }'; echo 'class c retryable;'
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "error e%d : c, low;\n", i
    print "classify {"
    for (i = 0; i < n; i++) { printf "  "; for (j = 0; j < 1000; j++) printf "%scode == %d", (j ? " || " : ""), i * 1000 + j; printf " => e%d;\n", i }
    print "  _ => e0;\n}\non _ { abort; }" }'; }
orrules 10 > "$tmp/or10k.recov"
orrules 100 > "$tmp/or100k.recov"
timed "100,000 terms in || chains" "$tmp/or10k.recov" "$tmp/or100k.recov" -Wno-unhandled-error
orrules 560 > "$tmp/or10m.recov"
cpu_run "$tmp/or10m.recov" -Wno-unhandled-error
if [ $rc -eq 1 ] && grep -q "(the policy term limit)" "$tmp/out" && [ $rss -ge 0 ] && [ $rss -le $((4 * startup_rss + 204800)) ]; then
  ok "10 MB of || chains (560,000 terms): stops at the policy term limit in $cpu ms of CPU, $rss KB"
else bad "10 MB of || chains: exit $rc, $rss KB (startup $startup_rss KB)"; head -c 400 "$tmp/out"; echo; fi
# a literal pattern of 100 and of 1,000 bytes (the pattern length limit is 1,024)
literal() { printf 'policy p version 1;\nfault { m : text; }\nclass c;\nerror e : c, low;\nclassify { m ~ "'; head -c "$1" /dev/zero | tr '\0' 'b'; printf '" => e; _ => e; }\non _ { abort; }\n'; }
literal 100 > "$tmp/lit100.recov"
literal 1000 > "$tmp/lit1000.recov"
timed "a 1,000-byte literal pattern" "$tmp/lit100.recov" "$tmp/lit1000.recov"

fi # timed

[ $fail -eq 0 ] || { echo "faults: FAILED"; exit 1; }
echo "faults: all passed"
