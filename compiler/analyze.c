/* analyze.c - see analyze.h.  The entry point and the dead-configuration
 * checks; classification in analyze_cls.c, time and escalation in
 * analyze_time.c, the fault space in space.c. */
#include "analyze.h"

#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

bool rc_an_fault_for(rc_an *an, const rc_cset *s, char *buf, size_t n)
{
    if (s->unknown || s->n == 0) return false;
    const uint64_t *c = rc_space_best_cube(&an->sp, s);
    if (!c) return false;
    rc_space_witness(&an->sp, 0, c, buf, n, NULL);
    return true;
}

/* -Wunused-field: a fault field that no condition and no `honor` reads. */
static void unused_fields(rc_an *an)
{
    const rc_ir *ir = an->ir;
    bool *read = calloc((size_t)ir->nfields + 1, 1);
    if (!read) return;
    for (int i = 0; i < ir->nexprs; i++) {
        const rc_ir_expr *e = &ir->exprs[i];
        if ((e->kind == RC_X_MATCH || ((e->kind == RC_X_CMP || e->kind == RC_X_IN) && e->opd == RC_OPD_FIELD)) &&
            e->field >= 0 && e->field < ir->nfields)
            read[e->field] = true;
    }
    for (int i = 0; i < ir->nretries; i++)
        if (ir->retries[i].honor_field >= 0) read[ir->retries[i].honor_field] = true;
    for (int f = 0; f < ir->nfields; f++)
        if (!read[f])
            rc_diag_warning(an->d, RC_W_UNUSED_FIELD, ir->fields[f].loc,
                            "fault field '%s' is never read by a condition or `honor`", ir->fields[f].name);
    free(read);
}

void rc_analyze(const rc_ir *ir, const rc_ast_policy *ast, rc_diag *d)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_an an;
    memset(&an, 0, sizeof an);
    an.ir = ir;
    an.ast = ast;
    an.d = d;
    an.exact = true;
    rc_space_init(&an.sp, &a, &ir, 1);
    rc_an_classify(&an);
    rc_an_blocks(&an);
    rc_an_time(&an);
    rc_an_escalation(&an);
    rc_an_breaker_retry(&an);
    unused_fields(&an);
    rc_cset_free(&an.classified);
    if (an.taken)
        for (int b = 0; b < ir->nblocks; b++) rc_cset_free(&an.taken[b]);
    free(an.taken);
    rc_arena_free(&a);
}
