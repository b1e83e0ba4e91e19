/* emit_cond.c - conditions: constant folding, and the C expressions of
 * classify rules, `when` conditions and error sets.  Part of the C back end
 * (emit_int.h). */
#include "emit_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* ---- conditions --------------------------------------------------------- */

/* Operand: C text and the range of its C type (comparisons are folded
 * against that range, which is both exact and what -Wtype-limits wants). */
static bool operand(const em *e, const rc_ir_expr *x, int ctx, char *buf, size_t n,
                    int64_t *lo, int64_t *hi, bool *sgn)
{
    const rc_ir *ir = e->ir;
    *sgn = false;
    if (x->opd != RC_OPD_FIELD && ctx == CTX_CLASSIFY) {
        /* classify rules see only the fault (the checker allows no more); the
         * incident's operands read 0 there, as in the simulator when idle */
        *lo = *hi = 0;
        snprintf(buf, n, "0u");
        return true;
    }
    switch (x->opd) {
    case RC_OPD_FIELD: {
        const rc_ir_field *fd = &ir->fields[x->field];
        switch (fd->type) {
        case RC_TY_U8:   *lo = 0; *hi = UINT8_MAX; break;
        case RC_TY_U16:  *lo = 0; *hi = UINT16_MAX; break;
        case RC_TY_U32:  *lo = 0; *hi = UINT32_MAX; break;
        case RC_TY_I8:   *lo = INT8_MIN; *hi = INT8_MAX; *sgn = true; break;
        case RC_TY_I16:  *lo = INT16_MIN; *hi = INT16_MAX; *sgn = true; break;
        case RC_TY_I32:  *lo = INT32_MIN; *hi = INT32_MAX; *sgn = true; break;
        case RC_TY_BOOL: *lo = 0; *hi = 1; break;
        case RC_TY_TEXT: *lo = *hi = 0; snprintf(buf, n, "0u"); return true;
        }
        if (fd->type == RC_TY_BOOL)
            snprintf(buf, n, "(f->%s ? 1u : 0u)", fd->name);
        else
            snprintf(buf, n, "(%s)f->%s", *sgn ? "int32_t" : "uint32_t", fd->name);
        return true;
    }
    case RC_OPD_ATTEMPT:  *lo = 0; *hi = UINT16_MAX; snprintf(buf, n, "(uint32_t)inc->attempt"); return true;
    case RC_OPD_ELAPSED:  *lo = 0; *hi = UINT32_MAX; snprintf(buf, n, "el"); return true;
    case RC_OPD_SEVERITY: *lo = 0; *hi = UINT8_MAX; snprintf(buf, n, "(uint32_t)%s__sev[e]", e->P); return true;
    case RC_OPD_CLASS:
        *lo = 0;
        *hi = strcmp(e->cls_t, "uint8_t") == 0 ? UINT8_MAX : strcmp(e->cls_t, "uint16_t") == 0 ? UINT16_MAX : UINT32_MAX;
        snprintf(buf, n, "(uint32_t)%s__cls[e]", e->P);
        return true;
    case RC_OPD_ERROR:    *lo = 0; *hi = UINT32_MAX; snprintf(buf, n, "e"); return true;
    }
    return false;
}

/* -1 unknown, 0 always false, 1 always true: `x op v` over x in [lo, hi]. */
static int fold_cmp(rc_ir_cmp op, int64_t v, int64_t lo, int64_t hi)
{
    switch (op) {
    case RC_IR_EQ: if (v < lo || v > hi) return 0; if (lo == hi) return 1; return -1;
    case RC_IR_NE: if (v < lo || v > hi) return 1; if (lo == hi) return 0; return -1;
    case RC_IR_LT: if (v <= lo) return 0; if (v > hi) return 1; return -1;
    case RC_IR_LE: if (v < lo) return 0; if (v >= hi) return 1; return -1;
    case RC_IR_GT: if (v >= hi) return 0; if (v < lo) return 1; return -1;
    case RC_IR_GE: if (v > hi) return 0; if (v <= lo) return 1; return -1;
    }
    return -1;
}

static void put_lit(rc_cout *o, int64_t v, bool sgn)
{
    if (!sgn) rc_cout_put(o, "%" PRId64 "u", v);
    else if (v == INT32_MIN) rc_cout_put(o, "(-2147483647 - 1)");
    else if (v < 0) rc_cout_put(o, "(%" PRId64 ")", v);
    else rc_cout_put(o, "%" PRId64, v);
}

/* Constant value of expression i (-1 when it depends on the input), from
 * the table fold_all fills. */
int rc_em_fold(const em *e, int i, int ctx) { return e->foldv[ctx][i]; }

/* One bottom-up pass over the expressions (children have smaller indices),
 * so folding is linear however deep conditions nest. */
void rc_em_fold_all(em *e, int ctx)
{
    const rc_ir *ir = e->ir;
    signed char *v = e->foldv[ctx];
    for (int i = 0; i < ir->nexprs; i++) {
        const rc_ir_expr *x = &ir->exprs[i];
        char buf[160];
        int64_t lo, hi;
        bool sgn;
        int a, b, r = -1;
        switch (x->kind) {
        case RC_X_TRUE: r = 1; break;
        case RC_X_CMP:
            operand(e, x, ctx, buf, sizeof buf, &lo, &hi, &sgn);
            /* a parameter's comparison is never folded: its value is read at run time */
            if (rc_ir_param_at(ir, RC_SLOT_EXPR, i, 0) < 0) r = fold_cmp(x->op, x->value, lo, hi);
            break;
        case RC_X_IN:
            operand(e, x, ctx, buf, sizeof buf, &lo, &hi, &sgn);
            a = fold_cmp(RC_IR_GE, x->lo, lo, hi);
            b = fold_cmp(RC_IR_LE, x->hi, lo, hi);
            if (x->lo > x->hi || a == 0 || b == 0) r = 0;
            else if (a == 1 && b == 1) r = 1;
            break;
        case RC_X_MATCH: break;
        case RC_X_AND:
            a = v[x->a];
            b = v[x->b];
            if (a == 0 || b == 0) r = 0;
            else if (a == 1 && b == 1) r = 1;
            break;
        case RC_X_OR:
            a = v[x->a];
            b = v[x->b];
            if (a == 1 || b == 1) r = 1;
            else if (a == 0 && b == 0) r = 0;
            break;
        case RC_X_NOT:
            a = v[x->a];
            r = a < 0 ? -1 : !a;
            break;
        }
        v[i] = (signed char)r;
    }
}

static void put_cmp(rc_cout *o, const char *opd, rc_ir_cmp op, int64_t v, bool sgn)
{
    static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
    rc_cout_put(o, "%s %s ", opd, ops[op]);
    put_lit(o, v, sgn);
}

/* Writes one leaf (comparison, range, pattern bit). */
static void put_leaf(const em *e, rc_cout *o, const rc_ir_expr *x, int ctx)
{
    char opd[160];
    int64_t lo, hi;
    bool sgn;
    switch (x->kind) {
    case RC_X_TRUE: rc_cout_put(o, "1"); return;
    case RC_X_CMP: {
        operand(e, x, ctx, opd, sizeof opd, &lo, &hi, &sgn);
        int pi = rc_ir_param_at(e->ir, RC_SLOT_EXPR, (int)(x - e->ir->exprs), 0);
        if (pi >= 0) {
            static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
            rc_cout_put(o, "%s %s s->prm%d", opd, ops[x->op], pi);
            return;
        }
        put_cmp(o, opd, x->op, x->value, sgn);
        return;
    }
    case RC_X_IN: {
        operand(e, x, ctx, opd, sizeof opd, &lo, &hi, &sgn);
        int a = fold_cmp(RC_IR_GE, x->lo, lo, hi), b = fold_cmp(RC_IR_LE, x->hi, lo, hi);
        if (a < 0 && b < 0) {
            rc_cout_put(o, "((");
            put_cmp(o, opd, RC_IR_GE, x->lo, sgn);
            rc_cout_put(o, ") && (");
            put_cmp(o, opd, RC_IR_LE, x->hi, sgn);
            rc_cout_put(o, "))");
        } else if (a < 0) {
            put_cmp(o, opd, RC_IR_GE, x->lo, sgn);
        } else {
            put_cmp(o, opd, RC_IR_LE, x->hi, sgn);
        }
        return;
    }
    case RC_X_MATCH: {
        int t = e->ir->fields[x->field].text_index;
        if (e->low[t]) { /* the field's scan returned its lowest pattern (emit_scan) */
            rc_cout_put(o, "low%d == %du", t, x->pattern);
            return;
        }
        rc_cout_put(o, "(m[%d] & 0x%08" PRIX32 "u) != 0u", e->woff[t] + x->pattern / 32,
                (uint32_t)1u << (x->pattern % 32));
        return;
    }
    default: return;
    }
}

/* Writes expression i (not constant itself); constant children are dropped.
 * An explicit stack of "visit node" / "print text" items instead of
 * recursion: conditions may nest tens of thousands deep. */
typedef struct put_item { int node; const char *text; } put_item;

/* The kind of node i as rc_em_put_expr writes it: an AND/OR with a
 * constant side is written as its other side. */
static rc_ir_xkind chain_kind(const em *e, int i, int ctx)
{
    for (;;) {
        const rc_ir_expr *x = &e->ir->exprs[i];
        if (x->kind != RC_X_AND && x->kind != RC_X_OR) return x->kind;
        if (rc_em_fold(e, x->a, ctx) >= 0) i = x->b;
        else if (rc_em_fold(e, x->b, ctx) >= 0) i = x->a;
        else return x->kind;
    }
}

void rc_em_put_expr(const em *e, rc_cout *o, int root, int ctx)
{
    size_t cap = 64, n = 0;
    put_item *st = malloc(cap * sizeof *st);
    if (!st) return;
    st[n++] = (put_item){root, NULL};
    while (n) {
        put_item it = st[--n];
        if (it.text) { rc_cout_raw(o, it.text); continue; }
        if (n + 8 > cap) {
            cap *= 2;
            put_item *ns = realloc(st, cap * sizeof *st);
            if (!ns) break;
            st = ns;
        }
        const rc_ir_expr *x = &e->ir->exprs[it.node];
        switch (x->kind) {
        case RC_X_AND:
        case RC_X_OR: {
            int a = rc_em_fold(e, x->a, ctx), b = rc_em_fold(e, x->b, ctx);
            /* AND with a true side / OR with a false side is the other side */
            if (a >= 0) { st[n++] = (put_item){x->b, NULL}; break; }
            if (b >= 0) { st[n++] = (put_item){x->a, NULL}; break; }
            /* a child of the same operator is not parenthesised: a chain
             * `(a) && (b) && (c)` stays flat however long it is (the checker
             * bounds the nesting of different operators, check_expr.c) */
            bool wa = chain_kind(e, x->a, ctx) != x->kind, wb = chain_kind(e, x->b, ctx) != x->kind;
            if (wb) st[n++] = (put_item){0, ")"};
            st[n++] = (put_item){x->b, NULL};
            if (wb) st[n++] = (put_item){0, "("};
            st[n++] = (put_item){0, x->kind == RC_X_AND ? " && " : " || "};
            if (wa) st[n++] = (put_item){0, ")"};
            st[n++] = (put_item){x->a, NULL};
            if (wa) rc_cout_raw(o, "(");
            break;
        }
        case RC_X_NOT:
            rc_cout_raw(o, "!(");
            st[n++] = (put_item){0, ")"};
            st[n++] = (put_item){x->a, NULL};
            break;
        default:
            put_leaf(e, o, x, ctx);
            break;
        }
    }
    free(st);
}

/* A condition "error e is in set": NULL text when always (all set). */
int rc_em_set_count(const bool *set, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++) k += set[i] ? 1 : 0;
    return k;
}

void rc_em_put_errset(const em *e, rc_cout *o, const bool *set, const char *table)
{
    int n = e->ir->nerrors, k = rc_em_set_count(set, n);
    if (k == 1) {
        for (int i = 0; i < n; i++)
            if (set[i]) {
                /* the cast: e is unsigned, an enumerator is an int (MISRA 10.4) */
                rc_cout_put(o, "e == (unsigned)");
                rc_em_put_const(o, e->P, "ERR", e->ir->errors[i].name);
            }
    } else if (n <= 32) {
        uint32_t m = 0;
        for (int i = 0; i < n; i++) if (set[i]) m |= (uint32_t)1u << i;
        /* e < 32; the cast and the mask make the shift's range provable (MISRA 12.2) */
        rc_cout_put(o, "(((uint32_t)0x%08" PRIX32 "u >> (e & 31u)) & 1u) != 0u", m);
    } else {
        rc_cout_put(o, "%s[e] != 0u", table);
    }
}

void rc_em_errset_table(em *e, const bool *set, const char *table)
{
    int n = e->ir->nerrors, k = rc_em_set_count(set, n);
    if (n <= 32 || k <= 1 || k == n) return;
    rc_cout *o = &e->oc;
    rc_cout_open(o, "static const uint8_t %s[%d] = {", table, n);
    for (int i = 0; i < n; i++) rc_cout_line(o, "%du, /* %s */", set[i] ? 1 : 0, e->ir->errors[i].name);
    rc_cout_close(o, "};");
}
