/* first.c - whether a text field's mask is first-match only (spec/patterns.md,
 * "The literal prefilter": First match only): read only to find its lowest
 * matching pattern, so a scanner may stop confirming patterns above the
 * lowest it has found, or return that pattern alone ("Lowest pattern
 * alone"). */
#include "ir.h"

#include <stdlib.h>

enum { FROM_RULE = 1, FROM_INSIDE = 2, FROM_WHEN = 4 };

/* For every node of the tree at root: refs += 1 and from |= how it is
 * reached (the root as `how`, every child as FROM_INSIDE and `how`'s
 * FROM_WHEN).  No recursion: a stack of indices. */
static void mark_tree(const rc_ir *ir, int root, int how, int *refs, int *from, int *stack)
{
    int sp = 0;
    if (root < 0 || root >= ir->nexprs) return;
    stack[sp++] = root;
    refs[root]++;
    from[root] |= how;
    while (sp > 0) {
        const rc_ir_expr *x = &ir->exprs[stack[--sp]];
        if (x->kind != RC_X_AND && x->kind != RC_X_OR && x->kind != RC_X_NOT) continue;
        int kids[2] = { x->a, x->kind == RC_X_NOT ? -1 : x->b };
        for (int k = 0; k < 2; k++) {
            if (kids[k] < 0 || kids[k] >= ir->nexprs) continue;
            refs[kids[k]]++;
            from[kids[k]] |= FROM_INSIDE | (how & FROM_WHEN);
            if (sp < ir->nexprs) stack[sp++] = kids[k];
        }
    }
}

rc_ir_scan rc_ir_scan_form(const rc_ir *ir, int t, rc_loc *why, const char **reason)
{
    int fld = ir->texts[t].field;
    size_t n = (size_t)(ir->nexprs > 0 ? ir->nexprs : 1);
    int *refs = calloc(n, sizeof *refs), *from = calloc(n, sizeof *from), *stack = malloc(n * sizeof *stack);
    bool ok = true;
    const char *r0 = NULL;
    rc_loc w0 = { 0, 0, 0, 0 };
    if (!refs || !from || !stack) exit(3);
    /* every reference to an expression node: rule conditions, block and handler `when`s */
    for (int r = 0; r < ir->nrules; r++) mark_tree(ir, ir->rules[r].cond, FROM_RULE, refs, from, stack);
    for (int b = 0; b < ir->nblocks; b++) {
        const rc_ir_block *bl = &ir->blocks[b];
        mark_tree(ir, bl->when, FROM_WHEN, refs, from, stack);
        for (int s = 0; s < bl->nsteps; s++) {
            const rc_ir_step *st = &bl->steps[s];
            if (st->when > 0) mark_tree(ir, st->when - 1, FROM_WHEN, refs, from, stack);
            if (st->whens)
                for (int k = 0; k < st->nalts; k++) mark_tree(ir, st->whens[k], FROM_WHEN, refs, from, stack);
        }
    }
    /* each node testing one of the field's patterns: one reference, a rule's whole condition */
    for (int x = 0; x < ir->nexprs && ok; x++) {
        const rc_ir_expr *ex = &ir->exprs[x];
        if (ex->kind != RC_X_MATCH || ex->field != fld) continue;
        if (refs[x] == 1 && from[x] == FROM_RULE) continue;
        ok = false;
        w0 = ex->loc;
        r0 = (from[x] & FROM_WHEN) ? "a `when` tests one of its patterns"
           : (from[x] & FROM_INSIDE) ? "a rule tests one of its patterns inside a larger condition"
           : refs[x] == 0 ? "one of its patterns is tested outside the rules"
           : "a test of one of its patterns is read twice";
    }
    /* patterns first appear in rule order: 0, 1, 2 ... */
    int top = -1;
    for (int r = 0; r < ir->nrules && ok; r++) {
        const rc_ir_expr *ex = &ir->exprs[ir->rules[r].cond];
        if (ex->kind != RC_X_MATCH || ex->field != fld || ex->pattern <= top) continue;
        if (ex->pattern != top + 1) {
            ok = false;
            w0 = ir->rules[r].loc;
            r0 = "a rule tests a pattern before a lower one first appears";
        }
        top = ex->pattern;
    }
    if (!ok && why) *why = w0;
    if (!ok && reason) *reason = r0;
    free(refs);
    free(from);
    free(stack);
    if (!ok) return RC_SCAN_EVERY;
    const rc_dfa_plan *pl = &ir->texts[t].plan;
    return pl->pre != NULL && pl->ngroups == 0 ? RC_SCAN_LOWEST : RC_SCAN_FIRST;
}
