/* analyze.c - see analyze.h.  The entry point and the dead-configuration
 * checks; classification in analyze_cls.c, time and escalation in
 * analyze_time.c, the fault space in space.c. */
#include "analyze.h"

#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

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

/* Dead configuration the checker cannot see without the exact analysis:
 * errors whose every rule is unreachable, breakers that count no error
 * classify can produce. */
static void dead_config(rc_an *an)
{
    const rc_ir *ir = an->ir;
    if (!an->exact) return;
    bool *named = calloc((size_t)ir->nerrors + 1, 1);
    bool *made = calloc((size_t)ir->nerrors + 1, 1);
    if (!named || !made) { free(named); free(made); return; }
    for (int r = 0; r < ir->nrules; r++) named[ir->rules[r].error] = true;
    /* produced: some classified situation with the error is not proven
     * empty (one pass over the set, not one copy of it per error) */
    if (an->classified.unknown) memset(made, 1, (size_t)ir->nerrors);
    else rc_cset_atoms_used(&an->sp, &an->classified, an->sp.error_var, made);
    for (int e = 0; e < ir->nerrors; e++) made[e] = named[e] && made[e];
    for (int e = 0; e < ir->nerrors; e++)
        if (named[e] && !made[e])
            rc_diag_warning(an->d, RC_W_UNUSED_ERROR, ir->errors[e].loc, "error '%s' is never produced: every "
                            "`classify` rule for it can never match", ir->errors[e].name);
    for (int k = 0; k < ir->nbreakers; k++) {
        bool any = false;
        for (int e = 0; e < ir->nerrors && !any; e++) any = ir->breakers[k].counts[e] && made[e];
        if (!any)
            rc_diag_warning(an->d, RC_W_UNUSED_STRATEGY, ir->breakers[k].loc, "breaker '%s' never opens: it counts "
                            "no error that `classify` can produce", ir->breakers[k].name);
    }
    free(named);
    free(made);
}

void rc_analyze(const rc_ir *ir, rc_diag *d)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_an an;
    memset(&an, 0, sizeof an);
    an.ir = ir;
    an.d = d;
    an.exact = true;
    rc_space_init(&an.sp, &a, &ir, 1);
    rc_an_classify(&an);
    rc_an_blocks(&an);
    rc_an_time(&an);
    rc_an_escalation(&an);
    rc_an_breaker_retry(&an);
    rc_an_budget_retry(&an);
    unused_fields(&an);
    dead_config(&an);
    rc_cset_free(&an.classified);
    if (an.taken)
        for (int b = 0; b < ir->nblocks; b++) rc_cset_free(&an.taken[b]);
    free(an.taken);
    rc_arena_free(&a);
}
