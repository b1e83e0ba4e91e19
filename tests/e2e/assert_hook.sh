#!/usr/bin/env bash
# assert_hook.sh RECOVC ROOT CC - RECOV_ASSERT (runtime/include/recov/recov.h,
# spec/generated-api.md): the generated entry points catch a NULL fault, a
# NULL shared part or incident and a zeroed (never initialised) shared part
# when the build defines the hook, and build and decide as before when it
# does not.  One policy, one program per case (about 1 s of CPU).
set -euo pipefail
recovc=$1 root=$2 cc=${3:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$recovc" compile "$root/tests/e2e/policies/clock_back.recov" -o "$tmp" 2>/dev/null
cat > "$tmp/main.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clock_back.h"
void hook(const char *what);
void hook(const char *what) { printf("RECOV_ASSERT %s\n", what); exit(0); }
int main(int argc, char **argv)
{
    clock_back_shared s;
    clock_back_incident i;
    clock_back_fault f;
    memset(&f, 0, sizeof f);
    const char *c = argc > 1 ? argv[1] : "ok";
    if (strcmp(c, "zeroed") == 0) memset(&s, 0, sizeof s);
    else clock_back_shared_init(&s, 0, 1);
    clock_back_incident_init(&i);
    recov_decision d;
    if (strcmp(c, "null_fault") == 0) d = clock_back_failed(&s, &i, NULL, 0);
    else if (strcmp(c, "null_shared") == 0) d = clock_back_failed(NULL, &i, &f, 0);
    else if (strcmp(c, "null_incident") == 0) (void)clock_back_admit(&s, NULL, 0), d = clock_back_failed(&s, &i, &f, 0);
    else d = clock_back_failed(&s, &i, &f, 0);
    printf("decision %d %u\n", (int)d.kind, (unsigned)d.ms);
    return 0;
}
C
flags=(-std=c99 -Wall -Wextra -Wpedantic -Wconversion -Werror -I "$tmp" -I "$root/runtime/include")
srcs=("$tmp/clock_back.c" "$tmp/main.c" "$root/runtime/src/recov.c" "$root/runtime/src/recov_dfa.c")
printf 'void hook(const char *what);\n' > "$tmp/hookdecl.h"
"$cc" "${flags[@]}" "-DRECOV_ASSERT(c)=((c) ? (void)0 : hook(#c))" -include "$tmp/hookdecl.h" "${srcs[@]}" -o "$tmp/with"
"$cc" "${flags[@]}" "${srcs[@]}" -o "$tmp/without"
failures=0
check() { # check BINARY CASE EXPECTED
    local got
    got=$("$tmp/$1" "$2")
    if [ "$got" = "$3" ]; then echo "ok: $1 $2: $got"; else echo "FAIL: $1 $2: '$got', expected '$3'"; failures=$((failures + 1)); fi
}
ok=$("$tmp/without" ok)
case "$ok" in "decision "*) ;; *) echo "FAIL: no decision: $ok"; exit 1 ;; esac
check with ok "$ok"
check with null_fault "RECOV_ASSERT f != 0"
check with null_shared "RECOV_ASSERT s != 0"
check with null_incident "RECOV_ASSERT inc != 0"
check with zeroed "RECOV_ASSERT s->prng != 0u"
# without the hook the macro is empty: the same object code as before it existed
"$cc" -std=c99 -O2 -I "$tmp" -I "$root/runtime/include" -c "$tmp/clock_back.c" -o "$tmp/a.o"
"$cc" -std=c99 -O2 -I "$tmp" -I "$root/runtime/include" "-DRECOV_ASSERT(c)=((void)0)" -c "$tmp/clock_back.c" -o "$tmp/b.o"
if cmp -s "$tmp/a.o" "$tmp/b.o"; then echo "ok: empty by default"; else echo "FAIL: the default RECOV_ASSERT is not empty"; failures=$((failures + 1)); fi
exit $((failures > 0))
