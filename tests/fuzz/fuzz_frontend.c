/* fuzz_frontend.c - the whole compiler, front to back, on arbitrary bytes:
 * scan, parse, check, analyze, emit C.  Any input must end in diagnostics or
 * in generated code; a crash, a leak, UB or an exit() (flex's fatal-error
 * path) is a finding. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "arena.h"
#include "check.h"
#include "diag.h"
#include "emit_c.h"
#include "parse.h"

static volatile int inside;    /* 1 while the compiler runs */

static void on_exit_called(void)
{
    /* a finding only if something called exit() inside the compiler (the
     * replay driver's own exit is not) */
    if (!inside) return;
    fprintf(stderr, "fuzz_frontend: exit() called from the front end\n");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int armed;
    if (!armed) { atexit(on_exit_called); armed = 1; }
    FILE *null = fopen("/dev/null", "w");
    if (!null) return 0;
    rc_arena a;
    rc_arena_init(&a);
    char *src = rc_arena_alloc(&a, size + 1);
    memcpy(src, data, size);
    src[size] = 0;
    rc_diag d;
    rc_diag_init(&d, "fuzz.recov", src, size, null);
    rc_diag_set_source(&d, "fuzz.recov", src, size);
    inside = 1;
    rc_ast_policy *ast = rc_parse(&a, &d, src, size);
    if (!d.errors && ast) {
        rc_ir *ir = rc_check(&a, &d, ast);
        if (ir) {
            rc_analyze(ir, &d);
            rc_emit_c(ir, "fuzz.h", null, null);
        }
    }
    inside = 0;
    rc_arena_free(&a);
    fclose(null);
    return 0;
}
