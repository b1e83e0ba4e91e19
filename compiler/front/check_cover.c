/* check_cover.c - is `classify` exhaustive without a `_` rule?
 *
 * Exact: the rules are turned into sets of faults over the fault space of
 * space.h (integer fields cut into intervals at the constants the rules use,
 * text fields into the pattern masks their DFA can really produce), and what
 * no rule covers is computed.  A non-empty rest yields a witness fault that
 * falls through; it is printed with every field so that it can be pasted
 * into an .rtest `fail` event.  Past the space's size bounds the user is
 * asked for a `_` rule.
 */
#include <stdio.h>
#include <string.h>

#include "check_int.h"
#include "space.h"

/* errors reported here are of this kind (errors.def) */
#undef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_COVERAGE

bool rc_check_cover(rc_check_ctx *c, rc_loc classify_loc)
{
    rc_ir *ir = c->ir;
    rc_arena tmp;
    rc_arena_init(&tmp);
    rc_space sp;
    const rc_ir *irs[1] = {ir};
    rc_space_init(&sp, &tmp, irs, 1);
    bool *roots = RC_NEW_ARRAY(&tmp, bool, ir->nexprs + 1);
    for (int r = 0; r < ir->nrules; r++) roots[ir->rules[r].cond] = true;
    rc_cset *S = rc_space_exprs(&sp, 0, roots);
    rc_cset U;
    rc_cset_universe(&sp, &U);
    rc_cidx *X = rc_cidx_new(&sp, &U);
    rc_cset_free(&U);
    for (int r = 0; r < ir->nrules && rc_cidx_count(X); r++) rc_cidx_sub_in(&sp, X, &S[ir->rules[r].cond]);
    rc_cidx_get(&sp, X, &U);
    rc_cidx_free(X);
    bool ok = true;
    const uint64_t *wc = U.unknown || rc_cset_empty(&sp, &U) ? NULL : rc_space_best_cube(&sp, &U);
    if (U.unknown || (!wc && !rc_cset_empty(&sp, &U))) {
        rc_diag_error(c->d, classify_loc, "`classify` has no catch-all `_` rule and is too large to prove "
                      "exhaustive; add `_ => ERROR;` as its last rule");
        ok = false;
    } else if (wc) {
        char buf[1024];
        rc_space_witness_all(&sp, 0, wc, buf, sizeof buf);
        rc_diag_error(c->d, classify_loc, "`classify` has no catch-all `_` rule and a fault matches "
                      "no rule, for example: %s", buf);
        rc_diag_note(c->d, classify_loc, "add `_ => ERROR;` as the last rule, or a rule for that fault");
        ok = false;
    }
    rc_cset_free(&U);
    rc_space_free_exprs(&sp, 0, S);
    rc_arena_free(&tmp);
    return ok;
}
