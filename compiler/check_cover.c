/* check_cover.c - is `classify` exhaustive without a `_` rule?
 *
 * Exact for integer and bool fields: the constants the rules compare a field
 * with cut its range into intervals on which every comparison is constant, so
 * testing c-1, c, c+1 for each constant c (and the type's bounds) visits every
 * interval.  Each distinct text pattern is treated as a free boolean, which
 * can only claim "not covered" too often, never too rarely, so a policy that
 * is accepted really covers every fault.  The search is bounded; past the
 * bound the user is asked for a `_` rule.
 */
#include <stdio.h>
#include <string.h>

#include "check_int.h"

/* RC_COVER_MAX_WORK: expression evaluations the coverage search may do. */
#define RC_COVER_MAX_WORK 20000000LL
/* RC_COVER_MAX_VARS: pattern booleans the search enumerates. */
#define RC_COVER_MAX_VARS 20

static void type_bounds(rc_type t, int64_t *lo, int64_t *hi)
{
    switch (t) {
    case RC_TY_U8: *lo = 0; *hi = UINT8_MAX; break;
    case RC_TY_U16: *lo = 0; *hi = UINT16_MAX; break;
    case RC_TY_U32: *lo = 0; *hi = UINT32_MAX; break;
    case RC_TY_I8: *lo = INT8_MIN; *hi = INT8_MAX; break;
    case RC_TY_I16: *lo = INT16_MIN; *hi = INT16_MAX; break;
    case RC_TY_I32: *lo = INT32_MIN; *hi = INT32_MAX; break;
    default: *lo = 0; *hi = 1; break;
    }
}

typedef struct cand { int64_t *v; int n; } cand;

static void add_cand(cand *cd, int64_t x, int64_t lo, int64_t hi)
{
    if (x < lo || x > hi) return;
    for (int i = 0; i < cd->n; i++)
        if (cd->v[i] == x) return;
    cd->v[cd->n++] = x;
}

static bool cmp(rc_ir_cmp op, int64_t a, int64_t b)
{
    switch (op) {
    case RC_IR_EQ: return a == b;
    case RC_IR_NE: return a != b;
    case RC_IR_LT: return a < b;
    case RC_IR_LE: return a <= b;
    case RC_IR_GT: return a > b;
    default: return a >= b;
    }
}

bool rc_check_cover(rc_check_ctx *c, rc_loc classify_loc)
{
    rc_ir *ir = c->ir;
    int nx = ir->nexprs;
    /* candidate values per field */
    int *natoms = RC_NEW_ARRAY(c->a, int, ir->nfields + 1);
    for (int i = 0; i < nx; i++) {
        const rc_ir_expr *e = &ir->exprs[i];
        if ((e->kind == RC_X_CMP || e->kind == RC_X_IN) && e->opd == RC_OPD_FIELD) natoms[e->field]++;
    }
    cand *cd = RC_NEW_ARRAY(c->a, cand, ir->nfields + 1);
    for (int f = 0; f < ir->nfields; f++) {
        int64_t lo, hi;
        type_bounds(ir->fields[f].type, &lo, &hi);
        cd[f].v = RC_NEW_ARRAY(c->a, int64_t, natoms[f] * 4 + 3);
        add_cand(&cd[f], 0 >= lo ? 0 : lo, lo, hi);
        if (!natoms[f]) continue;
        add_cand(&cd[f], lo, lo, hi);
        add_cand(&cd[f], hi, lo, hi);
        for (int i = 0; i < nx; i++) {
            const rc_ir_expr *e = &ir->exprs[i];
            if (e->opd != RC_OPD_FIELD || e->field != f) continue;
            if (e->kind == RC_X_CMP) {
                add_cand(&cd[f], e->value - 1, lo, hi);
                add_cand(&cd[f], e->value, lo, hi);
                add_cand(&cd[f], e->value + 1, lo, hi);
            } else if (e->kind == RC_X_IN) {
                add_cand(&cd[f], e->lo - 1, lo, hi);
                add_cand(&cd[f], e->lo, lo, hi);
                add_cand(&cd[f], e->hi, lo, hi);
                add_cand(&cd[f], e->hi + 1, lo, hi);
            }
        }
    }
    /* pattern booleans: one per (text slot, bit) */
    int nvars = 0;
    int *var_slot_base = RC_NEW_ARRAY(c->a, int, ir->ntexts + 1);
    for (int t = 0; t < ir->ntexts; t++) { var_slot_base[t] = nvars; nvars += ir->texts[t].npatterns; }
    long long combos = 1;
    for (int f = 0; f < ir->nfields; f++) {
        combos *= cd[f].n;
        if (combos > RC_COVER_MAX_WORK) break;
    }
    if (nvars > RC_COVER_MAX_VARS || combos * (1LL << (nvars < 40 ? nvars : 40)) * (nx + 1) > RC_COVER_MAX_WORK) {
        rc_diag_error(c->d, classify_loc, "`classify` has no catch-all `_` rule and is too large to prove "
                      "exhaustive; add `_ => ERROR;` as its last rule");
        return false;
    }
    int *idx = RC_NEW_ARRAY(c->a, int, ir->nfields + 1);
    bool *val = RC_NEW_ARRAY(c->a, bool, nx + 1);
    int64_t *fv = RC_NEW_ARRAY(c->a, int64_t, ir->nfields + 1);
    for (long long vars = 0; vars < (1LL << nvars); vars++) {
        memset(idx, 0, sizeof *idx * (size_t)(ir->nfields + 1));
        for (;;) {
            for (int f = 0; f < ir->nfields; f++) fv[f] = cd[f].v[idx[f]];
            for (int i = 0; i < nx; i++) {
                const rc_ir_expr *e = &ir->exprs[i];
                switch (e->kind) {
                case RC_X_TRUE: val[i] = true; break;
                case RC_X_CMP: val[i] = cmp(e->op, fv[e->field], e->value); break;
                case RC_X_IN: val[i] = fv[e->field] >= e->lo && fv[e->field] <= e->hi; break;
                case RC_X_MATCH: {
                    int slot = ir->fields[e->field].text_index;
                    val[i] = (vars >> (var_slot_base[slot] + e->pattern)) & 1;
                    break;
                }
                case RC_X_AND: val[i] = val[e->a] && val[e->b]; break;
                case RC_X_OR: val[i] = val[e->a] || val[e->b]; break;
                case RC_X_NOT: val[i] = !val[e->a]; break;
                }
            }
            bool hit = false;
            for (int r = 0; r < ir->nrules && !hit; r++) hit = val[ir->rules[r].cond];
            if (!hit) {
                /* a witness: describe the fault */
                char buf[1024];
                size_t n = 0;
                buf[0] = '\0';
                for (int f = 0; f < ir->nfields && n < sizeof buf - 200; f++) {
                    const rc_ir_field *fd = &ir->fields[f];
                    if (fd->type == RC_TY_TEXT) {
                        int slot = fd->text_index;
                        int bit = -1;
                        if (slot >= 0)
                            for (int b = 0; b < ir->texts[slot].npatterns; b++)
                                if ((vars >> (var_slot_base[slot] + b)) & 1) { bit = b; break; }
                        if (bit < 0) {
                            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s=\"\"", n ? " " : "", fd->name);
                        } else {
                            const rc_dfa_alt *alt = &ir->texts[slot].patterns[bit].alts[0];
                            int len = alt->len > 40 ? 40 : (int)alt->len;
                            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s matching %c%.*s%c", n ? " " : "",
                                                  fd->name, alt->is_regex ? '/' : '"', len, alt->text,
                                                  alt->is_regex ? '/' : '"');
                        }
                    } else if (fd->type == RC_TY_BOOL) {
                        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s=%s", n ? " " : "", fd->name,
                                              fv[f] ? "true" : "false");
                    } else {
                        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s=%lld", n ? " " : "", fd->name,
                                              (long long)fv[f]);
                    }
                }
                rc_diag_error(c->d, classify_loc, "`classify` has no catch-all `_` rule and a fault matches "
                              "no rule, for example: %s", n ? buf : "(any fault)");
                rc_diag_note(c->d, classify_loc, "add `_ => ERROR;` as the last rule, or a rule for that fault");
                return false;
            }
            int f = 0;
            while (f < ir->nfields && ++idx[f] == cd[f].n) idx[f++] = 0;
            if (f == ir->nfields) break;
        }
    }
    return true;
}
