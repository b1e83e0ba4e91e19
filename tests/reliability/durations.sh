#!/usr/bin/env bash
# durations.sh RECOVC - the largest interval a wrapping 32-bit tick can compare
# (2147483647 ms, 24.8 days) is accepted everywhere a duration is written; one
# millisecond more is a compile-time error (exit 1, naming the limit).
set -uo pipefail
recovc=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pol() { # pol DURATION-OF-EVERY-TIMED-CONSTRUCT
  cat <<P
policy longtime version 1;
fault { code : u8; }
class transient retryable;
error e : transient, low;
classify { _ => e; }
retry r { attempts 3; backoff exponential base $1 factor 2 max $1; jitter decorrelated; }
breaker b { open after 1 consecutive failures; open for $1; }
budget g { ratio 10% min 1 per $1; }
escalation { low => log within $1; medium => log; high => log; critical => log; }
deadline $1;
on e when elapsed < $1 { deadline $1; retry r; adjust a delay $1; run h timeout $1; escalate; }
on _ { abort; }
P
}
for d in 2147483647ms 2147483s 35791m 596h 24d; do
  case $d in 24d) continue ;; esac   # no day unit
  pol "$d" > "$tmp/ok.recov"
  out=$("$recovc" check -Wno-error=deadline-never "$tmp/ok.recov" 2>&1); rc=$?
  if [ $rc -ne 0 ]; then echo "FAIL: $d rejected (exit $rc)"; echo "$out"; fail=1; else echo "ok: $d accepted everywhere"; fi
done
for d in 2147483648ms 2147484s 35792m 597h 4294967296ms 99999999999999999999ms; do
  pol "$d" > "$tmp/bad.recov"
  out=$("$recovc" check "$tmp/bad.recov" 2>&1); rc=$?
  n=$(printf '%s\n' "$out" | grep -c ' error: ')
  if [ $rc -ne 1 ] || [ "$n" -ne 10 ] || ! printf '%s\n' "$out" | grep -Eq '2147483647|too large'; then
    echo "FAIL: $d: exit $rc, $n errors, expected exit 1 and one error per timed construct (10)"; echo "$out" | head -5; fail=1
  else
    echo "ok: $d rejected ($n errors)"
  fi
done
exit $fail
