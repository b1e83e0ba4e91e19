/* analyze_cls.c - exact analysis of `classify` rules and `on` block
 * selection over the fault space (space.h):
 *   -Wempty-rule        a rule / `when` that no fault satisfies
 *   -Wunreachable-rule  a rule / block that earlier ones always take first
 *   -Wshadowed-overlap  rules with different errors that overlap (off by default)
 * Every claim is a proof over the atoms; nothing is said about a rule whose
 * set is unknown (too large), nor about any rule after it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"

static int rule_line(const rc_ir *ir, int r) { return ir->rules[r].loc.line; }

/* -Wunreachable-rule for rule r (S: the rules' sets): the rules that take
 * its faults and an example fault. */
static void unreachable(rc_an *an, const rc_cset *S, int r, rc_loc at, int *atoms)
{
    const rc_ir *ir = an->ir;
    rc_space *sp = &an->sp;
    const rc_cset *Sr = &S[ir->rules[r].cond];
    char wit[512];
    const uint64_t *wc = rc_space_best_cube(sp, Sr);
    if (wc) rc_space_witness(sp, 0, wc, wit, sizeof wit, atoms);
    int by = -1;
    for (int i = 0; wc && i < r && by < 0; i++)
        if (rc_cset_has_point(sp, &S[ir->rules[i].cond], atoms)) by = i;
    rc_diag_warning(an->d, RC_W_UNREACHABLE_RULE, at, "rule can never match: the rules before it "
                    "classify every fault it matches");
    /* the rules that take its faults, in first-match order (the first 4:
     * nothing else comes of the loop); each says whether it takes all of
     * them, some, or all that the rules before it left */
    int shown = 0;
    rc_cset T;
    rc_cset_copy(sp, Sr, &T);
    for (int i = 0; i < r && shown < 4 && !rc_cset_empty(sp, &T) && !T.unknown; i++) {
        rc_cset X;
        rc_cset_and(sp, &S[ir->rules[i].cond], &T, &X);
        if (!rc_cset_empty(sp, &X)) {
            const char *en = ir->errors[ir->rules[i].error].name;
            rc_cset_sub_in(sp, &T, &S[ir->rules[i].cond]);
            if (!rc_cset_empty(sp, &T) || T.unknown)
                rc_diag_note(an->d, ir->rules[i].loc, "takes some of its faults first (=> %s)", en);
            else if (shown > 0)
                rc_diag_note(an->d, ir->rules[i].loc, "takes all the others (=> %s)", en);
            else
                rc_diag_note(an->d, ir->rules[i].loc, "covered by this rule (=> %s)", en);
            shown++;
        }
        rc_cset_free(&X);
    }
    rc_cset_free(&T);
    if (by >= 0)
        rc_diag_note(an->d, at, "for example `fail %s` is classified as '%s' by the rule on line %d", wit,
                     ir->errors[ir->rules[by].error].name, rule_line(ir, by));
}

/* -Wshadowed-overlap for rule r: the first earlier rule with another error
 * that takes some of its faults (before[i]: what reached rule i). */
static void overlapping(rc_an *an, const rc_cset *S, const rc_cset *before, int r, rc_loc at)
{
    const rc_ir *ir = an->ir;
    rc_space *sp = &an->sp;
    const rc_ir_rule *rule = &ir->rules[r];
    char wit[512];
    for (int i = 0; i < r; i++) {
        if (ir->rules[i].error == rule->error) continue;
        rc_cset X, Y;
        rc_cset_and(sp, &S[rule->cond], &before[i], &X);
        rc_cset_and(sp, &X, &S[ir->rules[i].cond], &Y);
        const uint64_t *wc = !Y.unknown ? rc_space_best_cube(sp, &Y) : NULL;
        bool hit = wc != NULL;
        if (hit) rc_space_witness(sp, 0, wc, wit, sizeof wit, NULL);
        rc_cset_free(&X);
        rc_cset_free(&Y);
        if (!hit) continue;
        rc_diag_warning(an->d, RC_W_SHADOWED_OVERLAP, at, "faults this rule matches (=> %s) are "
                        "classified as '%s' by the earlier rule on line %d; only the order decides",
                        ir->errors[rule->error].name, ir->errors[ir->rules[i].error].name, rule_line(ir, i));
        rc_diag_note(an->d, ir->rules[i].loc, "for example `fail %s` matches both", wit);
        break;
    }
}

void rc_an_classify(rc_an *an)
{
    const rc_ir *ir = an->ir;
    rc_space *sp = &an->sp;
    bool *roots = calloc((size_t)ir->nexprs + 1, 1);
    int *atoms = calloc((size_t)sp->nvars + 1, sizeof *atoms);
    if (!roots || !atoms) { free(roots); free(atoms); an->exact = false; return; }
    for (int r = 0; r < ir->nrules; r++) roots[ir->rules[r].cond] = true;
    rc_cset *S = rc_space_exprs(sp, 0, roots);
    bool overlap = an->d->enabled[RC_W_SHADOWED_OVERLAP];
    rc_cset *before = overlap ? calloc((size_t)ir->nrules + 1, sizeof *before) : NULL;
    rc_cset U0;
    rc_cset_universe(sp, &U0);
    rc_cidx *U = rc_cidx_new(sp, &U0);   /* the faults no rule so far matches */
    rc_cset_free(&U0);
    memset(&an->classified, 0, sizeof an->classified);
    for (int r = 0; r < ir->nrules; r++) {
        const rc_ir_rule *rule = &ir->rules[r];
        const rc_cset *Sr = &S[rule->cond];
        bool is_true = ir->exprs[rule->cond].kind == RC_X_TRUE;
        /* the last rule of a classify proven exhaustive without `_` was made
         * a catch-all by the checker; its own condition is not analysed */
        bool converted = rule->implicit_catchall;
        rc_loc at = rule->loc;
        if (before) rc_cidx_get(sp, U, &before[r]);
        if (Sr->unknown || rc_cidx_unknown(U)) an->exact = false;
        rc_cset I;
        rc_cidx_and(sp, Sr, U, &I);
        if (an->exact && !converted) {
            if (rc_cset_empty(sp, Sr)) {
                rc_diag_warning(an->d, RC_W_EMPTY_RULE, at, "rule can never match: no fault satisfies its condition");
            } else if (rc_cset_empty(sp, &I) && !(is_true && r == ir->nrules - 1)) {
                /* (a final `_` after rules that already cover everything is
                 * a defensive catch-all, not a mistake) */
                unreachable(an, S, r, at, atoms);
            } else if (overlap && !is_true) {
                overlapping(an, S, before, r, at);
            }
        }
        /* the (fault, error) pairs this rule produces */
        int ev = sp->error_var;
        rc_cset_fix(sp, &I, ev, rule->error);
        rc_cset_or_in(sp, &an->classified, &I);
        rc_cset_free(&I);
        rc_cidx_sub_in(sp, U, Sr);
    }
    if (before)
        for (int r = 0; r < ir->nrules; r++) rc_cset_free(&before[r]);
    free(before);
    rc_cidx_free(U);
    rc_space_free_exprs(sp, 0, S);
    free(roots);
    free(atoms);
}

/* A `when`-less block over a set of errors, or any block: the situations
 * (fault, error, attempt, elapsed) in which it applies. */
static void block_set(rc_an *an, const rc_ir_block *b, const rc_cset *when, rc_cset *out)
{
    rc_space *sp = &an->sp;
    rc_cset E;
    rc_cset_universe(sp, &E);
    rc_cset_restrict(sp, &E, sp->error_var, b->errors, an->ir->nerrors);
    if (when) rc_cset_and(sp, &E, when, out);
    else rc_cset_copy(sp, &E, out);
    rc_cset_free(&E);
}

/* `on _` without `when`: the defensive last block */
static bool is_catchall(const rc_ir *ir, const rc_ir_block *b)
{
    if (b->when >= 0) return false;
    for (int e = 0; e < ir->nerrors; e++)
        if (!b->errors[e]) return false;
    return true;
}

void rc_an_blocks(rc_an *an)
{
    const rc_ir *ir = an->ir;
    rc_space *sp = &an->sp;
    an->taken = calloc((size_t)ir->nblocks + 1, sizeof *an->taken);
    bool *roots = calloc((size_t)ir->nexprs + 1, 1);
    if (!an->taken || !roots) { free(roots); an->exact = false; return; }
    for (int b = 0; b < ir->nblocks; b++)
        if (ir->blocks[b].when >= 0) roots[ir->blocks[b].when] = true;
    rc_cset *W = rc_space_exprs(sp, 0, roots);
    rc_cidx *U = rc_cidx_new(sp, &an->classified);   /* the situations no block so far takes */
    for (int bi = 0; bi < ir->nblocks; bi++) {
        const rc_ir_block *b = &ir->blocks[bi];
        const rc_cset *when = b->when >= 0 ? &W[b->when] : NULL;
        rc_cset Sb;
        block_set(an, b, when, &Sb);
        if (Sb.unknown || rc_cidx_unknown(U)) an->exact = false;
        rc_cidx_and(sp, &Sb, U, &an->taken[bi]);
        if (an->exact) {
            if (when && rc_cset_empty(sp, when)) {
                rc_diag_warning(an->d, RC_W_EMPTY_RULE, ir->exprs[b->when].loc,
                                "`when` condition can never hold; the block is never selected");
            } else if (rc_cset_empty(sp, &an->taken[bi]) && !(is_catchall(an->ir, b) && bi == ir->nblocks - 1)) {
                rc_cset C;
                rc_cset_and(sp, &Sb, &an->classified, &C);
                if (rc_cset_empty(sp, &C)) {
                    rc_diag_warning(an->d, RC_W_UNREACHABLE_RULE, b->loc, "this `on` block is never selected: "
                                    "no fault is classified as an error it handles%s",
                                    when ? " while its `when` holds" : "");
                } else {
                    rc_diag_warning(an->d, RC_W_UNREACHABLE_RULE, b->loc, "this `on` block is never selected: "
                                    "earlier blocks take every error it handles");
                    int shown = 0;
                    for (int j = 0; j < bi && shown < 4; j++) {
                        rc_cset X;
                        rc_cset_and(sp, &an->taken[j], &C, &X);
                        if (!rc_cset_empty(sp, &X)) {
                            rc_diag_note(an->d, ir->blocks[j].loc, "taken by this block first");
                            shown++;
                        }
                        rc_cset_free(&X);
                    }
                }
                rc_cset_free(&C);
            }
        }
        rc_cidx_sub_in(sp, U, &Sb);
        rc_cset_free(&Sb);
    }
    rc_cidx_free(U);
    rc_space_free_exprs(sp, 0, W);
    free(roots);
}
