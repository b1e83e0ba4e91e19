/* emit_machine.c - the state machine of P.c: classify, retry delays,
 * budgets, breakers, escalation, the blocks and the entry points
 * (spec/semantics.md).  Part of the C back end (emit_int.h). */
#include "emit_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Rating and ageing of learned counts (spec/semantics.md "Rating",
 * "Ageing"): one pick function per kind of list an adaptive step reads (a
 * call keeps P__run small enough to stay inlined: the stack budget), one
 * halving function, one time check. */
static void emit_learning_helpers(em *e)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    const rc_ir *ir = e->ir;
    bool kinds[2] = { false, false };
    for (int b = 0; b < ir->nblocks; b++)
        for (int i = 0; i < ir->blocks[b].nsteps; i++)
            if (ir->blocks[b].steps[i].adaptive) kinds[ir->blocks[b].steps[i].kind == RC_IR_RUN] = true;
    for (int k = 0; k < 2; k++) {
        if (!kinds[k]) continue;
        const char *w = k ? "hnd" : "alt";
        int nids = k ? ir->nhandlers : ir->nalts;
        rc_cout_line(o, "/* The untried entry of an adaptive list (tab, n entries, tried = the");
        rc_cout_line(o, " * block's sub bits) with the best rate, (ok+1)/(ok+failed+2), or n.");
        rc_cout_line(o, " * b is replaced when (ok_i+1)(failed_b+1) > (ok_b+1)(failed_i+1); each");
        rc_cout_line(o, " * product is at most 2^32, so it is compared minus one (mod 2^32). */");
        rc_cout_line(o, "static unsigned %s__pick_%s(const %s_shared *s, const %s *tab, unsigned n, uint16_t tried)",
                     P, w, P, rc_em_utype((uint64_t)(nids > 0 ? nids - 1 : 0)));
        rc_cout_open(o, "{");
        rc_cout_line(o, "unsigned i;");
        rc_cout_line(o, "unsigned best = n;");
        rc_cout_open(o, "for (i = 0u; i < n; i++) {");
        rc_cout_open(o, "if ((((unsigned)tried >> i) & 1u) != 0u) {");
        rc_cout_line(o, "continue;");
        rc_cout_close(o, "}");
        rc_cout_open(o, "if (best == n) {");
        rc_cout_line(o, "best = i;");
        rc_cout_reopen(o, "} else {");
        rc_cout_line(o, "const uint32_t l = (((uint32_t)s->%s_ok[tab[i]] + 1u) * ((uint32_t)s->%s_failed[tab[best]] + 1u)) - 1u;", w, w);
        rc_cout_line(o, "const uint32_t r = (((uint32_t)s->%s_ok[tab[best]] + 1u) * ((uint32_t)s->%s_failed[tab[i]] + 1u)) - 1u;", w, w);
        rc_cout_open(o, "if (l > r) {");
        rc_cout_line(o, "best = i;");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_line(o, "return best;");
        rc_cout_close(o, "}");
        rc_cout_blank(o);
    }
    if (!ir->age_incidents && !ir->age_ms) return;
    rc_cout_line(o, "/* Ageing: every learned count >>= k (k <= 16). */");
    rc_cout_line(o, "static void %s__age(%s_shared *s, uint32_t k)", P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "unsigned i;");
    for (int k = 0; k < 2; k++) {
        if (!(k ? e->any_runlist : e->any_fallback)) continue;
        const char *w = k ? "hnd" : "alt";
        rc_cout_open(o, "for (i = 0u; i < %du; i++) {", k ? ir->nhandlers : ir->nalts);
        rc_cout_line(o, "s->%s_ok[i] = (uint16_t)((uint32_t)s->%s_ok[i] >> k);", w, w);
        rc_cout_line(o, "s->%s_failed[i] = (uint16_t)((uint32_t)s->%s_failed[i] >> k);", w, w);
        rc_cout_close(o, "}");
    }
    if (!e->any_fallback && !e->any_runlist) {
        rc_cout_line(o, "(void)s;");
        rc_cout_line(o, "(void)k;");
        rc_cout_line(o, "(void)i;");
    }
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    if (ir->age_ms) {
        rc_cout_line(o, "/* Ageing by time: one halving per whole period since aged_at. */");
        rc_cout_line(o, "static void %s__age_time(%s_shared *s, uint32_t now)", P, P);
        rc_cout_open(o, "{");
        rc_cout_line(o, "const uint32_t k = RECOV_ELAPSED(now, s->aged_at) / %" PRIu32 "u;", ir->age_ms);
        rc_cout_open(o, "if (k != 0u) {");
        rc_cout_line(o, "%s__age(s, (k < 16u) ? k : 16u);", P);
        rc_cout_line(o, "s->aged_at += k * %" PRIu32 "u;", ir->age_ms);
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_blank(o);
    }
}

static void emit_helpers(em *e)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    rc_cout_line(o, "static uint16_t %s__inc16(uint16_t v)", P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "return (v == 0xFFFFu) ? v : (uint16_t)(v + 1u);");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    rc_cout_line(o, "/* A decision carrying the current error and attempt: kind_id is the kind,");
    rc_cout_line(o, " * plus the id times 256.  Out of line (RECOV_NOINLINE): every decision");
    rc_cout_line(o, " * is built here, not at each of its call sites. */");
    rc_cout_line(o, "static RECOV_NOINLINE recov_decision %s__dec(const %s_incident *inc, unsigned kind_id, uint32_t ms)", P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "recov_decision d;");
    rc_cout_line(o, "d.kind = (uint8_t)kind_id;");
    rc_cout_line(o, "d.severity = %s__sev[inc->error];", P);
    rc_cout_line(o, "d.error_class = (uint8_t)%s__cls[inc->error];", P);
    rc_cout_line(o, "d.level = 0u;");
    rc_cout_line(o, "d.error = inc->error;");
    rc_cout_line(o, "d.id = (uint16_t)(kind_id >> 8);");
    rc_cout_line(o, "d.attempt = inc->attempt;");
    rc_cout_line(o, "d.ms = ms;");
    rc_cout_line(o, "d.limit_ms = 0u; /* a retry with an attempt timeout sets it after */");
    rc_cout_line(o, "return d;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    rc_cout_line(o, "/* \"The incident ends\". */");
    rc_cout_line(o, "static void %s__end(%s_incident *inc)", P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "inc->active = 0u;");
    if (e->any_run) rc_cout_line(o, "inc->pending = 0u;");
    if (e->any_fallback) rc_cout_line(o, "inc->last_alt = 0u;");
    if (e->any_runlist) rc_cout_line(o, "inc->last_handler = 0u;");
    if (e->any_pa) rc_cout_line(o, "inc->tgt = 0u; /* the next incident starts on the primary */");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    emit_learning_helpers(e);
}

/* The explicit stacks of the expression walks below (no recursion): room
 * for two more entries. */
static int *grow_stack(int *st, size_t *cap, size_t sp)
{
    if (sp + 2 <= *cap) return st;
    *cap *= 2;
    int *ns = realloc(st, *cap * sizeof *ns);
    if (!ns) exit(3);
    return ns;
}

/* The text fields (indices into ir->texts, each once, in first-use order)
 * that condition `root` reads once constant parts are dropped as put_expr
 * drops them; returns how many were written to out. */
static int rule_texts(const em *e, int root, int *out)
{
    const rc_ir *ir = e->ir;
    int n = 0;
    size_t cap = 64, sp = 0;
    int *st = malloc(cap * sizeof *st);
    if (!st) exit(3);
    if (rc_em_fold(e, root, CTX_CLASSIFY) < 0) st[sp++] = root;
    while (sp) {
        const rc_ir_expr *x = &ir->exprs[st[--sp]];
        st = grow_stack(st, &cap, sp);
        if (x->kind == RC_X_MATCH) {
            int t = ir->fields[x->field].text_index, j = 0;
            while (j < n && out[j] != t) j++;
            if (j == n) out[n++] = t;
        } else if (x->kind == RC_X_AND || x->kind == RC_X_OR) {
            int a = rc_em_fold(e, x->a, CTX_CLASSIFY), b = rc_em_fold(e, x->b, CTX_CLASSIFY);
            if (b < 0) st[sp++] = x->b;
            if (a < 0) st[sp++] = x->a;
        } else if (x->kind == RC_X_NOT) {
            st[sp++] = x->a;
        }
    }
    free(st);
    return n;
}

/* The top-level disjuncts of (non-constant) condition root, left to right,
 * without those that fold to false; stored in *out (grown as needed). */
static int disjuncts(const em *e, int root, int **out, int *cap)
{
    const rc_ir *ir = e->ir;
    int n = 0;
    size_t scap = 64, sp = 0;
    int *st = malloc(scap * sizeof *st);
    if (!st) exit(3);
    st[sp++] = root;
    while (sp) {
        int i = st[--sp];
        const rc_ir_expr *x = &ir->exprs[i];
        st = grow_stack(st, &scap, sp);
        if (x->kind == RC_X_OR) {
            if (rc_em_fold(e, x->b, CTX_CLASSIFY) < 0) st[sp++] = x->b;
            if (rc_em_fold(e, x->a, CTX_CLASSIFY) < 0) st[sp++] = x->a;
            continue;
        }
        if (n == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            int *no = realloc(*out, (size_t)*cap * sizeof *no);
            if (!no) exit(3);
            *out = no;
        }
        (*out)[n++] = i;
    }
    free(st);
    return n;
}

/* Scan text field t: one call, or one per DFA of its plan (dfa_plan.h). */
static void emit_scan(em *e, int t)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const rc_ir_textfield *tx = &ir->texts[t];
    const rc_ir_field *tf = &ir->fields[tx->field];
    char lim[96];
    if (tf->text_cap) /* char[N]: never read past the array, NUL or not */
        snprintf(lim, sizeof lim, "(%" PRIu32 "u < RECOV_MAX_TEXT) ? %" PRIu32 "u : RECOV_MAX_TEXT",
                 tf->text_cap, tf->text_cap);
    else
        snprintf(lim, sizeof lim, "RECOV_MAX_TEXT");
    if (e->low[t]) {    /* first match only, the prefilter alone: its lowest pattern (emit_pre.c) */
        rc_cout_line(o, "const uint32_t low%d = %s__t%dpre(f->%s, %s);", t, e->P, t, tf->name, lim);
        return;
    }
    if (rc_dfa_plan_single(&tx->plan)) {
        rc_cout_line(o, "recov_dfa_scan%s(&%s__t%d, f->%s, %s, &m[%d]);", e->scan[t][0],
                     e->P, t, tf->name, lim, e->woff[t]);
        return;
    }
    /* several DFAs (dfa_plan.h): the field's words cleared once, then each
     * scanner, which clears nothing (its `words` is 0), sets the bits of its
     * patterns (its lists hold the field's pattern numbers) */
    rc_cout_open(o, "for (uint32_t w = 0u; w < %du; w++) {", tx->plan.words);
    rc_cout_line(o, "m[%du + w] = 0u;", (unsigned)e->woff[t]);
    rc_cout_close(o, "}");
    for (int g = 0; g < tx->plan.ngroups; g++)
        rc_cout_line(o, "recov_dfa_scan%s(&%s__t%dg%d, f->%s, %s, &m[%d]);", e->scan[t][g],
                     e->P, t, g, tf->name, lim, e->woff[t]);
    if (tx->plan.pre)       /* the literal prefilter (prefilter.h, emit_pre.c) */
        rc_cout_line(o, "%s__t%dpre(f->%s, %s, &m[%d]);", e->P, t, tf->name, lim, e->woff[t]);
}

/* The text fields that the `when` conditions of on-blocks read (every
 * match, constant parts included: scanning one too many is harmless, one
 * too few is not); late[t] is set for each. */
static void when_texts(const em *e, bool *late)
{
    const rc_ir *ir = e->ir;
    for (int b = 0; b < ir->nblocks; b++) {
        int root = ir->blocks[b].when;
        if (root < 0) continue;
        size_t cap = 64, sp = 0;
        int *st = malloc(cap * sizeof *st);
        if (!st) exit(3);
        st[sp++] = root;
        while (sp) {
            const rc_ir_expr *x = &ir->exprs[st[--sp]];
            st = grow_stack(st, &cap, sp);
            if (x->kind == RC_X_MATCH) late[ir->fields[x->field].text_index] = true;
            else if (x->kind == RC_X_AND || x->kind == RC_X_OR) {
                st[sp++] = x->b;
                st[sp++] = x->a;
            } else if (x->kind == RC_X_NOT) st[sp++] = x->a;
        }
        free(st);
    }
}

/* Before classify returns: scan the text fields that the on-block
 * selection reads and that no rule tested so far has scanned, so that
 * P_failed's `when` conditions never read an unscanned word. */
static void emit_late_scans(em *e, const bool *scanned, const bool *late)
{
    for (int t = 0; t < e->ir->ntexts; t++)
        if (late[t] && !scanned[t]) emit_scan(e, t);
}

/* `return P_ERR_NAME;` */
static void emit_return_error(em *e, int err)
{
    rc_cout_begin(&e->oc, "return ");
    rc_em_put_const(&e->oc, e->P, "ERR", e->ir->errors[err].name);
    rc_cout_end(&e->oc, ";");
}

/* / * agent_call.recov:40 => rate_limit_exceeded * / before rule r's test */
static void emit_rule_comment(em *e, int r)
{
    char what[120];
    snprintf(what, sizeof what, "=> %s", e->ir->errors[e->ir->rules[r].error].name);
    rc_em_src_comment(e, e->ir->rules[r].loc, what);
}

/* `if (x) { late scans; return rule r's error; }` */
static void emit_test(em *e, int x, int r, const bool *scanned, const bool *late)
{
    rc_cout *o = &e->oc;
    emit_rule_comment(e, r);
    rc_em_origin(e, e->ir->rules[r].loc);
    rc_cout_begin(o, "if (");
    rc_em_put_expr(e, o, x, CTX_CLASSIFY);
    rc_cout_end_open(o, ") {");
    emit_late_scans(e, scanned, late);
    emit_return_error(e, e->ir->rules[r].error);
    rc_cout_close(o, "}");
    rc_em_origin_end(e);
}

/* The mask word that test x reads when it is exactly one pattern bit, else -1. */
static int match_word(const em *e, int x)
{
    const rc_ir_expr *ex = &e->ir->exprs[x];
    if (ex->kind != RC_X_MATCH) return -1;
    int t = e->ir->fields[ex->field].text_index;
    if (e->low[t]) return -1;       /* no mask: `low<t> == j` (emit_cond.c) */
    return e->woff[t] + ex->pattern / 32;
}

/* Test x is `F == v` on an unsigned integer fault field F with a constant
 * v (no parameter): sets *field and *v. */
static bool eq_test(const em *e, int x, int *field, int64_t *v)
{
    const rc_ir *ir = e->ir;
    if (x < 0) return false;
    const rc_ir_expr *ex = &ir->exprs[x];
    if (ex->kind != RC_X_CMP || ex->op != RC_IR_EQ || ex->opd != RC_OPD_FIELD) return false;
    if (rc_ir_param_at(ir, RC_SLOT_EXPR, x, 0) >= 0) return false;
    int64_t hi;
    switch (ir->fields[ex->field].type) {
    case RC_TY_U8: hi = UINT8_MAX; break;
    case RC_TY_U16: hi = UINT16_MAX; break;
    case RC_TY_U32: hi = UINT32_MAX; break;
    default: return false;
    }
    if (ex->value < 0 || ex->value > hi) return false;
    *field = ex->field;
    *v = ex->value;
    return true;
}

/* A run of tests it[i..i+*run) that are each `F == v` on the same field,
 * long and dense enough to be one byte table (value - *lo -> error, 255
 * none) instead of one compare per rule: at least EQ_RUN_MIN tests, the
 * values spanning at most twice as many entries and at most 256.  Rules
 * that test one field for equality are independent of their order (a
 * fault has one value), except that the first of equal values wins. */
#define EQ_RUN_MIN 8
static bool eq_run(const em *e, const int (*it)[2], int nit, int i, int *run, int64_t *lo, int64_t *span)
{
    int f0, f;
    int64_t v, mn, mx;
    if (e->ir->nerrors >= 255 || !eq_test(e, it[i][1], &f0, &v)) return false;
    mn = mx = v;
    int n = 1;
    while (i + n < nit && eq_test(e, it[i + n][1], &f, &v) && f == f0) {
        if (v < mn) mn = v;
        if (v > mx) mx = v;
        n++;
    }
    if (n < EQ_RUN_MIN || mx - mn + 1 > 2 * (int64_t)n || mx - mn + 1 > 256) return false;
    *run = n;
    *lo = mn;
    *span = mx - mn + 1;
    return true;
}

/* A run of tests it[i..i+*run) that are each a whole rule's test of one
 * pattern of the same low field (emit_int.h), patterns *p0, *p0 + 1 ...:
 * at least LOW_RUN_MIN of them are one table read (pattern - *p0 ->
 * error) instead of a compare each.  Rules before the run tested every
 * lower pattern of the field (first match only: patterns first appear in
 * rule order), so when the field's lowest pattern lies in the run its
 * rule is the first of the run that holds. */
#define LOW_RUN_MIN 4
static bool low_run(const em *e, const int (*it)[2], int nit, int i, int *run, int *t, int *p0)
{
    const rc_ir *ir = e->ir;
    int n = 0;
    while (i + n < nit && it[i + n][1] >= 0) {
        const rc_ir_expr *x = &ir->exprs[it[i + n][1]];
        if (x->kind != RC_X_MATCH || !e->low[ir->fields[x->field].text_index]) break;
        if (n == 0) {
            *t = ir->fields[x->field].text_index;
            *p0 = x->pattern;
        } else if (ir->fields[x->field].text_index != *t || x->pattern != *p0 + n) {
            break;
        }
        n++;
    }
    *run = n;
    return n >= LOW_RUN_MIN;
}

/* The table of a low run (low_run) as `static const uintN_t P__lowK[]`. */
static void emit_low_table(em *e, const int (*it)[2], int i, int run, int k)
{
    uint32_t *tab = malloc((size_t)run * sizeof *tab);
    if (!tab) exit(3);
    for (int j = 0; j < run; j++) tab[j] = (uint32_t)e->ir->rules[it[i + j][0]].error;
    char name[80], what[200];
    snprintf(name, sizeof name, "%s__low%d", e->P, k);
    const rc_ir_expr *x = &e->ir->exprs[it[i][1]];
    snprintf(what, sizeof what, "to line %d: the error of the rule of each pattern %d..%d of `%s`",
             e->ir->rules[it[i + run - 1][0]].loc.line, x->pattern, x->pattern + run - 1,
             e->ir->fields[x->field].name);
    rc_em_src_comment(e, e->ir->rules[it[i][0]].loc, what);
    rc_em_u32_array(&e->oc, e->ir->nerrors < 256 ? "uint8_t" : "uint16_t", name, tab, run, false);
    rc_cout_blank(&e->oc);
    free(tab);
}

/* The table of an equality run (eq_run) as `static const uint8_t P__eqK[]`. */
static void emit_eq_table(em *e, const int (*it)[2], int i, int run, int64_t lo, int64_t span, int k)
{
    uint32_t *tab = malloc((size_t)span * sizeof *tab);
    if (!tab) exit(3);
    for (int64_t j = 0; j < span; j++) tab[j] = 255u;
    for (int j = i + run - 1; j >= i; j--) { /* backwards: the first of equal values wins */
        int f;
        int64_t v;
        if (eq_test(e, it[j][1], &f, &v)) tab[v - lo] = (uint32_t)e->ir->rules[it[j][0]].error;
    }
    char name[80];
    snprintf(name, sizeof name, "%s__eq%d", e->P, k);
    char what[160];
    snprintf(what, sizeof what, "to line %d: the error of `%s == v`, v = %" PRId64 "..%" PRId64 " (255: none)",
             e->ir->rules[it[i + run - 1][0]].loc.line, e->ir->fields[e->ir->exprs[it[i][1]].field].name, lo,
             lo + span - 1);
    rc_em_src_comment(e, e->ir->rules[it[i][0]].loc, what);
    rc_em_u32_array(&e->oc, "uint8_t", name, tab, (int)span, false);
    rc_cout_blank(&e->oc);
    free(tab);
}

static void emit_classify(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    /* a field's scanner: the literal prefilter (emit_pre.c) or its DFAs */
    for (int t = 0; t < ir->ntexts; t++) {
        if (ir->texts[t].plan.pre) rc_em_pre(e, t);
        else rc_em_dfa(e, t);
    }
    bool *scanned = calloc((size_t)ir->ntexts + 1, sizeof *scanned);
    int *need = calloc((size_t)ir->ntexts + 1, sizeof *need);
    bool *late = calloc((size_t)ir->ntexts + 1, sizeof *late);
    int *dj = NULL, djcap = 0;
    if (!scanned || !need || !late) exit(3);
    int nit = 0, itcap = 0;
    int (*it)[2] = NULL;
    bool done = false;
    for (int r = 0; r < ir->nrules && !done; r++) {
        int k = rc_em_fold(e, ir->rules[r].cond, CTX_CLASSIFY);
        if (k == 0) continue;
        /* a || b is tested as `if (a) return; if (b) return;` so that a
         * scan needed only by b waits until a has failed */
        int nd = k == 1 ? 1 : disjuncts(e, ir->rules[r].cond, &dj, &djcap);
        if (nit + nd > itcap) {
            itcap = 2 * (nit + nd) + 16;
            it = realloc(it, (size_t)itcap * sizeof *it);
            if (!it) exit(3);
        }
        for (int d = 0; d < nd; d++) {
            it[nit][0] = r;
            it[nit][1] = k == 1 ? -1 : dj[d];
            nit++;
        }
        if (k == 1) done = true;
    }
    /* the tables of the equality and low runs come before the function,
     * found in the order the rules below find them */
    int neq = 0, nlow = 0;
    for (int i = 0; i < nit; i++) {
        int run, lt, p0;
        int64_t lo, span;
        if (eq_run(e, (const int (*)[2])it, nit, i, &run, &lo, &span))
            emit_eq_table(e, (const int (*)[2])it, i, run, lo, span, neq++);
        else if (low_run(e, (const int (*)[2])it, nit, i, &run, &lt, &p0))
            emit_low_table(e, (const int (*)[2])it, i, run, nlow++);
        else
            continue;
        i += run - 1;
    }
    rc_cout_line(o, "/* P_failed 1: the first rule that holds.  A text field is scanned once, just");
    rc_cout_line(o, " * before the first rule that reads it. */");
    if (e->words)
        rc_cout_line(o, "static unsigned %s__classify(const %s_fault *f, uint32_t *m)", P, P);
    else
        rc_cout_line(o, "static unsigned %s__classify(const %s_fault *f)", P, P);
    rc_cout_open(o, "{");
    when_texts(e, late);
    /* (void) only for a parameter no rule reads (MISRA 2.2 counts each) */
    bool reads_f = false, reads_m = false;
    for (int r = 0; r < ir->nrules; r++) {
        int k = rc_em_fold(e, ir->rules[r].cond, CTX_CLASSIFY);
        if (k == 1) break;
        if (k == 0) continue;
        reads_f = true;
        int nneed = rule_texts(e, ir->rules[r].cond, need);
        for (int n = 0; n < nneed; n++)
            if (!e->low[need[n]]) reads_m = true;
    }
    for (int t = 0; t < ir->ntexts; t++)
        if (late[t]) reads_f = reads_m = true;
    if (!reads_f) rc_cout_line(o, "(void)f;");
    if (e->words && !reads_m) rc_cout_line(o, "(void)m;");
    neq = 0;
    nlow = 0;
    for (int i = 0; i < nit; i++) {
        int r = it[i][0];
        if (it[i][1] < 0) {
            emit_late_scans(e, scanned, late);
            emit_rule_comment(e, r);
            rc_em_origin(e, ir->rules[r].loc);
            emit_return_error(e, ir->rules[r].error);
            rc_em_origin_end(e);
            break;
        }
        /* lazy scanning: a text field's DFA runs just before the first rule
         * that reads it (rules are tested in order, so each runs at most once) */
        int nneed = rule_texts(e, it[i][1], need);
        for (int n = 0; n < nneed; n++) {
            if (scanned[need[n]]) continue;
            scanned[need[n]] = true;
            emit_scan(e, need[n]);
        }
        /* a run of `F == v` tests on one field: one bounds check and a
         * table read (the tables were written above, in this order) */
        int erun;
        int64_t elo, espan;
        if (eq_run(e, (const int (*)[2])it, nit, i, &erun, &elo, &espan)) {
            char opd[96], what[160];
            const char *fname = ir->fields[ir->exprs[it[i][1]].field].name;
            snprintf(opd, sizeof opd, "(uint32_t)f->%s", fname);
            snprintf(what, sizeof what, "to line %d: %d rules `%s == v`, by the table %s__eq%d",
                     ir->rules[it[i + erun - 1][0]].loc.line, erun, fname, P, neq);
            rc_em_src_comment(e, ir->rules[r].loc, what);
            rc_em_origin(e, ir->rules[r].loc);
            if (elo > 0) {
                rc_cout_open(o, "if ((%s - %" PRId64 "u) < %" PRId64 "u) {", opd, elo, espan);
                rc_cout_line(o, "const unsigned c = %s__eq%d[%s - %" PRId64 "u];", P, neq, opd, elo);
            } else {
                rc_cout_open(o, "if (%s < %" PRId64 "u) {", opd, espan);
                rc_cout_line(o, "const unsigned c = %s__eq%d[%s];", P, neq, opd);
            }
            rc_cout_open(o, "if (c != 255u) {");
            emit_late_scans(e, scanned, late);
            rc_cout_line(o, "return c;");
            rc_cout_close(o, "}");
            rc_cout_close(o, "}");
            rc_em_origin_end(e);
            neq++;
            i += erun - 1;
            continue;
        }
        /* a run of tests of consecutive patterns of one low field: a table read */
        int lrun, lt, lp0;
        if (low_run(e, (const int (*)[2])it, nit, i, &lrun, &lt, &lp0)) {
            char what[160];
            snprintf(what, sizeof what, "to line %d: %d rules of patterns %d..%d of `%s`, by the table %s__low%d",
                     ir->rules[it[i + lrun - 1][0]].loc.line, lrun, lp0, lp0 + lrun - 1,
                     ir->fields[ir->texts[lt].field].name, P, nlow);
            rc_em_src_comment(e, ir->rules[r].loc, what);
            rc_em_origin(e, ir->rules[r].loc);
            char ix[48];     /* the run's index of the lowest pattern (unsigned: below p0 wraps) */
            if (lp0 > 0) snprintf(ix, sizeof ix, "(low%d - %du)", lt, lp0);
            else snprintf(ix, sizeof ix, "low%d", lt);
            rc_cout_open(o, "if (%s < %du) {", ix, lrun);
            emit_late_scans(e, scanned, late);
            rc_cout_line(o, "return %s__low%d[%s];", P, nlow, ix);
            rc_cout_close(o, "}");
            rc_em_origin_end(e);
            nlow++;
            i += lrun - 1;
            continue;
        }
        /* a run of tests that are each one bit of the same mask word (one
         * pattern each) goes under one test of the word: a text that
         * matches none of them costs one compare, not one per rule */
        int w = match_word(e, it[i][1]), run = 1;
        while (w >= 0 && i + run < nit && it[i + run][1] >= 0 && match_word(e, it[i + run][1]) == w) run++;
        if (run >= 4) {
            rc_cout_open(o, "if (m[%d] != 0u) {", w);
            for (int j = i; j < i + run; j++) emit_test(e, it[j][1], it[j][0], scanned, late);
            rc_cout_close(o, "}");
            i += run - 1;
            continue;
        }
        emit_test(e, it[i][1], r, scanned, late);
    }
    free(it);
    free(dj);
    if (!done) {
        emit_late_scans(e, scanned, late);
        emit_return_error(e, ir->nrules > 0 ? ir->rules[ir->nrules - 1].error : 0);
    }
    free(scanned);
    free(need);
    free(late);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    rc_cout_line(o, "unsigned %s_classify(const %s_fault *f)", P, P);
    rc_cout_open(o, "{");
    if (e->words) {
        rc_cout_line(o, "uint32_t m[%d];", e->words);
        rc_cout_line(o, "return %s__classify(f, m);", P);
    } else {
        rc_cout_line(o, "return %s__classify(f);", P);
    }
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

static void emit_budget_funcs(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (ir->nbudgets == 0) return;
    rc_cout_line(o, "/* Budgets roll their window, then count the outcome. */");
    rc_cout_line(o, "static void %s__budget_count(%s_shared *s, uint32_t now)", P, P);
    rc_cout_open(o, "{");
    for (int i = 0; i < ir->nbudgets; i++) {
        char nw[32];
        rc_cout_open(o, "if (RECOV_ELAPSED(now, s->%s_wstart) >= %s) {", e->bud[i],
                     rc_em_num(e, RC_SLOT_WINDOW, i, 0, ir->budgets[i].window_ms, nw, sizeof nw));
        rc_cout_line(o, "s->%s_wstart = now;", e->bud[i]);
        rc_cout_line(o, "s->%s_calls = 0u;", e->bud[i]);
        rc_cout_line(o, "s->%s_retries = 0u;", e->bud[i]);
        rc_cout_close(o, "}");
        rc_cout_line(o, "s->%s_calls = %s__inc16(s->%s_calls);", e->bud[i], P, e->bud[i]);
    }
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    bool retries = false;
    for (int b = 0; b < ir->nblocks; b++)
        for (int i = 0; i < ir->blocks[b].nsteps; i++)
            if (ir->blocks[b].steps[i].kind == RC_IR_RETRY) retries = true;
    if (!retries) return;
    rc_cout_line(o, "/* Every budget allows one more retry. */");
    rc_cout_line(o, "static int %s__budget_ok(const %s_shared *s)", P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "uint32_t lim;");
    for (int i = 0; i < ir->nbudgets; i++) {
        char nr[32], nmin[32];
        rc_cout_line(o, "lim = (uint32_t)s->%s_calls * %s / 100u;", e->bud[i],
                     rc_em_num(e, RC_SLOT_RATIO, i, 0, ir->budgets[i].ratio_pct, nr, sizeof nr));
        rc_em_num(e, RC_SLOT_MIN_RETRIES, i, 0, ir->budgets[i].min_retries, nmin, sizeof nmin);
        if (ir->budgets[i].min_retries || rc_ir_param_at(ir, RC_SLOT_MIN_RETRIES, i, 0) >= 0) {
            rc_cout_open(o, "if (lim < %s) {", nmin);
            rc_cout_line(o, "lim = %s;", nmin);
            rc_cout_close(o, "}");
        }
        rc_cout_open(o, "if (s->%s_retries >= lim) {", e->bud[i]);
        rc_cout_line(o, "return 0;");
        rc_cout_close(o, "}");
    }
    rc_cout_line(o, "return 1;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

/* A `per alternative` breaker's functions take the instance `bt`. */
static const char *bt_arg(const em *e, int i) { return e->ir->breakers[i].per_alt ? "bt, " : ""; }
static const char *bt_param(const em *e, int i) { return e->ir->breakers[i].per_alt ? "unsigned bt, " : ""; }

/* A `per alternative` breaker keeps each item in an array over its
 * instances (<brk>_<item>_tgt[1 + nalts]); the breaker code below is
 * written once for both kinds, as s-><brk>_<item>, so these macros make
 * that name the instance `bt`, which every function that runs such code
 * has (the incident's target, or the alternative being rated). */
static void emit_instance_macros(em *e)
{
    rc_cout *o = &e->oc;
    bool first = true;
    for (int k = 0; k < e->nshared; k++) {
        const char *lv = e->recs[k].lval, *t = strstr(lv, "_tgt[");
        if (!t || strncmp(lv, "breaker_", 8) != 0 || !e->recs[k].decl[0]) continue;
        if (first) rc_cout_comment(o, "items of per-alternative breakers: instance bt (0 the primary, 1 + P_ALT_*)");
        first = false;
        rc_cout_line(o, "#define %.*s %.*s_tgt[bt]", (int)(t - lv), lv, (int)(t - lv), lv);
    }
    if (!first) rc_cout_blank(o);
}

/* A breaker's failure count back to zero (on opening and on closing). */
static void emit_breaker_clear(em *e, int i)
{
    rc_cout *o = &e->oc;
    const rc_ir_breaker *b = &e->ir->breakers[i];
    if (rc_ir_breaker_counts_fails(b->mode)) {
        rc_cout_line(o, "s->%s_fails = 0u;", e->brk[i]);
    } else if (b->mode == RC_BREAKER_TIME) {
        rc_cout_open(o, "{");
        rc_cout_line(o, "uint32_t j;");
        rc_cout_open(o, "for (j = 0u; j < %uu; j++) {", (unsigned)b->buckets);
        rc_cout_line(o, "s->%s_bcalls[j] = 0u;", e->brk[i]);
        rc_cout_line(o, "s->%s_bfails[j] = 0u;", e->brk[i]);
        if (b->slow_ms) rc_cout_line(o, "s->%s_bslow[j] = 0u;", e->brk[i]);
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_line(o, "s->%s_head = 0u;", e->brk[i]);
        rc_cout_line(o, "s->%s_bstart = now;", e->brk[i]);
    } else if (rc_ir_window_ring(b)) {
        rc_cout_open(o, "{");
        rc_cout_line(o, "uint32_t j;");
        rc_cout_open(o, "for (j = 0u; j < %du; j++) {", rc_ir_window_words(b));
        rc_cout_line(o, "s->%s_ring[j] = 0u;", e->brk[i]);
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_line(o, "s->%s_head = 0u;", e->brk[i]);
        rc_cout_line(o, "s->%s_n = 0u;", e->brk[i]);
        rc_cout_line(o, "s->%s_nf = 0u;", e->brk[i]);
    } else {
        rc_cout_line(o, "s->%s_window = 0u;", e->brk[i]);
        rc_cout_line(o, "s->%s_n = 0u;", e->brk[i]);
    }
}

/* A count window of more than 32 calls records an outcome in its ring
 * (semantics.md, P_failed 5): the oldest leaves once it is full. */
static void emit_ring_push(em *e, int i)
{
    rc_cout *o = &e->oc;
    const rc_ir_breaker *b = &e->ir->breakers[i];
    const char *n = e->brk[i];
    unsigned N = b->window;
    rc_cout_line(o, "/* breaker %s: its ring of the last %u calls records an outcome (fail: 0 or 1) */", b->name, N);
    rc_cout_line(o, "static void %s__%s_push(%s_shared *s, uint32_t fail)", e->P, n, e->P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "uint32_t h = s->%s_head;", n);
    rc_cout_line(o, "uint32_t m = (uint32_t)1u << (h & 31u);");
    rc_cout_open(o, "if (s->%s_n >= %uu) { /* full: the oldest call leaves */", n, N);
    rc_cout_open(o, "if (((s->%s_ring[h >> 5] & m) != 0u) && (s->%s_nf > 0u)) {", n, n);
    rc_cout_line(o, "s->%s_nf = (uint16_t)(s->%s_nf - 1u);", n, n);
    rc_cout_close(o, "}");
    rc_cout_reopen(o, "} else {");
    rc_cout_line(o, "s->%s_n = (uint16_t)(s->%s_n + 1u);", n, n);
    rc_cout_close(o, "}");
    rc_cout_open(o, "if (fail != 0u) {");
    rc_cout_line(o, "s->%s_ring[h >> 5] |= m;", n);
    rc_cout_line(o, "s->%s_nf = (uint16_t)(s->%s_nf + 1u);", n, n);
    rc_cout_reopen(o, "} else {");
    rc_cout_line(o, "s->%s_ring[h >> 5] &= ~m;", n);
    rc_cout_close(o, "}");
    rc_cout_line(o, "s->%s_head = (h >= %uu) ? 0u : (uint16_t)(h + 1u);", n, N - 1u);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

/* A rate breaker's window has seen one more call. */
static void emit_window_count(em *e, int i)
{
    rc_cout *o = &e->oc;
    const rc_ir_breaker *b = &e->ir->breakers[i];
    rc_cout_open(o, "if (s->%s_n < %du) {", e->brk[i], b->window);
    rc_cout_line(o, "s->%s_n = (uint8_t)(s->%s_n + 1u);", e->brk[i], e->brk[i]);
    rc_cout_close(o, "}");
}

/* The breaker closes (P_succeeded 2, `close below`). */
static void emit_breaker_close(em *e, int i)
{
    rc_cout *o = &e->oc;
    const rc_ir_breaker *b = &e->ir->breakers[i];
    rc_cout_line(o, "s->%s_state = %s__CLOSED;", e->brk[i], e->P);
    emit_breaker_clear(e, i);
    rc_cout_line(o, "s->%s_admitted = 0u;", e->brk[i]);
    rc_cout_line(o, "s->%s_successes = 0u;", e->brk[i]);
    if (b->close_below_pct) rc_cout_line(o, "s->%s_hfails = 0u;", e->brk[i]);
    if (b->open_factor_milli) rc_cout_line(o, "s->%s_opens = 0u;", e->brk[i]);
}

/* A rate breaker after an outcome: open at the rate once it has its
 * minimum of calls (P_failed 5, P_succeeded 2). */
static void emit_rate_check(em *e, int i)
{
    rc_cout *o = &e->oc;
    const rc_ir_breaker *b = &e->ir->breakers[i];
    if (rc_ir_window_ring(b)) {
        rc_cout_line(o, "nf = s->%s_nf;", e->brk[i]);
    } else {
        rc_cout_open(o, "for (x = s->%s_window; x != 0u; x &= x - 1u) {", e->brk[i]);
        rc_cout_line(o, "nf++;");
        rc_cout_close(o, "}");
    }
    rc_cout_begin(o, "if (");
    char nmc[32], nrt[32];
    if (b->min_calls)
        rc_cout_put(o, "(s->%s_n >= %s) && ", e->brk[i], rc_em_num(e, RC_SLOT_MIN_CALLS, i, 0, b->min_calls, nmc, sizeof nmc));
    if (b->rate_tenth) /* 12.5%: in tenths of a percent */
        rc_cout_end_open(o, "((nf * 1000u) >= (%uu * (uint32_t)s->%s_n))) {",
                         (unsigned)b->rate_pct * 10u + b->rate_tenth, e->brk[i]);
    else
        rc_cout_end_open(o, "((nf * 100u) >= (%s * (uint32_t)s->%s_n))) {",
                         rc_em_num(e, RC_SLOT_RATE, i, 0, b->rate_pct, nrt, sizeof nrt), e->brk[i]);
    rc_cout_line(o, "%s__%s_open(s, %snow);", e->P, e->brk[i], bt_arg(e, i));
    rc_cout_close(o, "}");
}

/* P_admit 1: an open breaker whose period is over becomes half-open; a
 * half-open one whose probes have not reported in time admits another. */
static void emit_breaker_tick(em *e, int i)
{
    const rc_ir_breaker *b = &e->ir->breakers[i];
    rc_cout *o = &e->oc;
    const char *P = e->P;
    const char *n = e->brk[i];
    char nop[32], npr[32], nhw[32];
    rc_em_num(e, RC_SLOT_OPEN_MS, i, 0, b->open_ms, nop, sizeof nop);
    if (b->open_factor_milli) {
        /* the period after the opens-th opening: open_ms x factor^(opens-1), at most max */
        rc_cout_open(o, "if (s->%s_state == %s__OPEN) {", n, P);
        rc_em_grown_period(e, i, true);
        rc_cout_open(o, "if (RECOV_ELAPSED(now, s->%s_opened_at) >= p) {", n);
    } else {
        rc_cout_open(o, "if ((s->%s_state == %s__OPEN) && (RECOV_ELAPSED(now, s->%s_opened_at) >= %s)) {", n, P, n, nop);
    }
    rc_cout_line(o, "s->%s_state = %s__HALF_OPEN;", n, P);
    if (e->sl.n) rc_cout_line(o, "%s__stat(s, %du); /* stats: half_opens */", P, rc_stat_brk(&e->sl, i, RC_STAT_HALF_OPENS));
    rc_cout_line(o, "s->%s_admitted = 0u;", n);
    rc_cout_line(o, "s->%s_successes = 0u;", n);
    if (b->close_below_pct) rc_cout_line(o, "s->%s_hfails = 0u;", n);
    rc_cout_line(o, "s->%s_opened_at = now;", n);
    if (b->open_factor_milli) rc_cout_close(o, "}");
    if (b->half_open_ms) snprintf(nhw, sizeof nhw, "%" PRIu32 "u", b->half_open_ms);
    else snprintf(nhw, sizeof nhw, "%s", nop);
    rc_cout_reopen(o, "} else if ((s->%s_state == %s__HALF_OPEN) && (s->%s_admitted >= %s) && (RECOV_ELAPSED(now, s->%s_opened_at) >= %s)) {",
                   n, P, n, rc_em_num(e, RC_SLOT_PROBES, i, 0, b->probes, npr, sizeof npr), n, nhw);
    rc_cout_line(o, "/* liveness: the probes that have not reported are given up */");
    if (b->close_below_pct)
        rc_cout_line(o, "s->%s_admitted = (uint16_t)(s->%s_successes + s->%s_hfails);", n, n, n);
    else
        rc_cout_line(o, "s->%s_admitted = s->%s_successes;", n, n);
    rc_cout_reopen(o, "} else {");
    rc_cout_line(o, "/* closed, or half-open with probes left or in time */");
    rc_cout_close(o, "}");
}

/* A time window records an outcome: roll the buckets to now, count it in
 * the newest, then check the rates (semantics.md, *Record*). */
static void emit_time_record(em *e, int i)
{
    const rc_ir_breaker *b = &e->ir->breakers[i];
    rc_cout *o = &e->oc;
    const char *P = e->P;
    const char *n = e->brk[i];
    unsigned K = b->buckets;
    uint32_t W = b->window_ms / b->buckets;
    char nmc[32], nrt[32];
    rc_cout_line(o, "/* breaker %s: a window of %u buckets of %" PRIu32 " ms records an outcome (fail%s: 0 or 1) */",
                 b->name, K, W, b->slow_ms ? ", slow" : "");
    if (b->slow_ms)
        rc_cout_line(o, "static void %s__%s_record(%s_shared *s, %suint32_t now, uint32_t fail, uint32_t slow)", P, n, P,
                     bt_param(e, i));
    else
        rc_cout_line(o, "static void %s__%s_record(%s_shared *s, %suint32_t now, uint32_t fail)", P, n, P, bt_param(e, i));
    rc_cout_open(o, "{");
    rc_cout_line(o, "uint32_t k = RECOV_ELAPSED(now, s->%s_bstart) / %" PRIu32 "u;", n, W);
    rc_cout_line(o, "uint32_t j;");
    rc_cout_line(o, "uint32_t nc = 0u;");
    rc_cout_line(o, "uint32_t nf = 0u;");
    if (b->slow_ms) rc_cout_line(o, "uint32_t ns = 0u;");
    rc_cout_line(o, "s->%s_bstart += k * %" PRIu32 "u; /* buckets stay aligned */", n, W);
    rc_cout_open(o, "if (k > %uu) {", K);
    rc_cout_line(o, "k = %uu;", K);
    rc_cout_close(o, "}");
    rc_cout_open(o, "for (; k != 0u; k--) { /* the buckets that passed expire */");
    rc_cout_line(o, "s->%s_head = (s->%s_head >= %uu) ? 0u : (uint8_t)(s->%s_head + 1u);", n, n, K - 1u, n);
    rc_cout_line(o, "s->%s_bcalls[s->%s_head] = 0u;", n, n);
    rc_cout_line(o, "s->%s_bfails[s->%s_head] = 0u;", n, n);
    if (b->slow_ms) rc_cout_line(o, "s->%s_bslow[s->%s_head] = 0u;", n, n);
    rc_cout_close(o, "}");
    rc_cout_open(o, "if (s->%s_bcalls[s->%s_head] != 0xFFFFu) { /* a full bucket records nothing */", n, n);
    rc_cout_line(o, "s->%s_bcalls[s->%s_head] = (uint16_t)(s->%s_bcalls[s->%s_head] + 1u);", n, n, n, n);
    rc_cout_line(o, "s->%s_bfails[s->%s_head] = (uint16_t)(s->%s_bfails[s->%s_head] + fail);", n, n, n, n);
    if (b->slow_ms) rc_cout_line(o, "s->%s_bslow[s->%s_head] = (uint16_t)(s->%s_bslow[s->%s_head] + slow);", n, n, n, n);
    rc_cout_close(o, "}");
    rc_cout_open(o, "for (j = 0u; j < %uu; j++) {", K);
    rc_cout_line(o, "nc += s->%s_bcalls[j];", n);
    rc_cout_line(o, "nf += s->%s_bfails[j];", n);
    if (b->slow_ms) rc_cout_line(o, "ns += s->%s_bslow[j];", n);
    rc_cout_close(o, "}");
    rc_cout_begin(o, "if ((nc >= %s) && (", rc_em_num(e, RC_SLOT_MIN_CALLS, i, 0, b->min_calls, nmc, sizeof nmc));
    if (b->rate_tenth)
        rc_cout_put(o, "((nf * 1000u) >= (%uu * nc))", (unsigned)b->rate_pct * 10u + b->rate_tenth);
    else
        rc_cout_put(o, "((nf * 100u) >= (%s * nc))", rc_em_num(e, RC_SLOT_RATE, i, 0, b->rate_pct, nrt, sizeof nrt));
    if (b->slow_ms)
        rc_cout_put(o, " || ((ns * 1000u) >= (%uu * nc))", (unsigned)b->slow_pct * 10u + b->slow_tenth);
    rc_cout_end_open(o, ")) {");
    rc_cout_line(o, "%s__%s_open(s, %snow);", P, n, bt_arg(e, i));
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

static void emit_breaker_funcs(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (ir->nbreakers > 0) {
        rc_cout_comment(o, "the values of s->breaker_*_state");
        rc_cout_line(o, "#define %s__CLOSED 0u", P);
        rc_cout_line(o, "#define %s__OPEN 1u", P);
        rc_cout_line(o, "#define %s__HALF_OPEN 2u", P);
        rc_cout_line(o, "#define %s__FORCED_OPEN 3u /* P_force; OPEN and FORCED_OPEN are the odd states */", P);
        rc_cout_line(o, "#define %s__DISABLED 4u", P);
        rc_cout_blank(o);
    }
    emit_instance_macros(e);
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        if (rc_ir_window_ring(b)) emit_ring_push(e, i);
        if (rc_em_set_count(b->counts, ir->nerrors) == 0 && !b->slow_pct) continue;
        rc_cout_line(o, "/* breaker %s opens */", b->name);
        rc_cout_line(o, "static void %s__%s_open(%s_shared *s, %suint32_t now)", P, e->brk[i], P, bt_param(e, i));
        rc_cout_open(o, "{");
        rc_cout_line(o, "s->%s_state = %s__OPEN;", e->brk[i], P);
        rc_cout_line(o, "s->%s_opened_at = now;", e->brk[i]);
        emit_breaker_clear(e, i);
        rc_cout_line(o, "s->%s_admitted = 0u;", e->brk[i]);
        rc_cout_line(o, "s->%s_successes = 0u;", e->brk[i]);
        if (b->close_below_pct) rc_cout_line(o, "s->%s_hfails = 0u;", e->brk[i]);
        if (b->open_factor_milli) rc_cout_line(o, "s->%s_opens = %s__inc16(s->%s_opens);", e->brk[i], P, e->brk[i]);
        if (e->sl.n) rc_cout_line(o, "%s__stat(s, %du); /* stats: opens */", P, rc_stat_brk(&e->sl, i, RC_STAT_OPENS));
        rc_cout_close(o, "}");
        rc_cout_blank(o);
        if (b->mode == RC_BREAKER_TIME) emit_time_record(e, i);
        if (!b->close_below_pct) continue;
        rc_cout_line(o, "/* breaker %s, half-open: once every probe has reported, close below %u%% failed */",
                     b->name, (unsigned)b->close_below_pct);
        rc_cout_line(o, "static void %s__%s_decide(%s_shared *s, %suint32_t now)", P, e->brk[i], P, bt_param(e, i));
        rc_cout_open(o, "{");
        char npr[32];
        rc_cout_line(o, "uint32_t n = (uint32_t)s->%s_successes + s->%s_hfails;", e->brk[i], e->brk[i]);
        rc_cout_open(o, "if (n >= %s) {", rc_em_num(e, RC_SLOT_PROBES, i, 0, b->probes, npr, sizeof npr));
        if (b->close_below_tenth)
            rc_cout_open(o, "if (((uint32_t)s->%s_hfails * 1000u) >= (%uu * n)) {", e->brk[i],
                         (unsigned)b->close_below_pct * 10u + b->close_below_tenth);
        else
            rc_cout_open(o, "if (((uint32_t)s->%s_hfails * 100u) >= (%uu * n)) {", e->brk[i], (unsigned)b->close_below_pct);
        rc_cout_line(o, "%s__%s_open(s, %snow);", P, e->brk[i], bt_arg(e, i));
        rc_cout_reopen(o, "} else {");
        emit_breaker_close(e, i);
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
        rc_cout_blank(o);
    }
}

/* With `per alternative` breakers and fallback steps: whether instance bt
 * of each would reject a call now (semantics.md, "Instances"), and the
 * alternatives of a fallback list that some instance would reject. */
static void emit_unavail(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (!e->any_pa || !e->any_fallback) return;
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        if (!b->per_alt) continue;
        const char *n = e->brk[i];
        char nop[32], npr[32], nhw[32];
        rc_em_num(e, RC_SLOT_OPEN_MS, i, 0, b->open_ms, nop, sizeof nop);
        if (b->half_open_ms) snprintf(nhw, sizeof nhw, "%" PRIu32 "u", b->half_open_ms);
        else snprintf(nhw, sizeof nhw, "%s", nop);
        rc_cout_line(o, "/* breaker %s, instance bt: would P_admit reject a call now? */", b->name);
        rc_cout_line(o, "static int %s__%s_rejects(const %s_shared *s, unsigned bt, uint32_t now)", P, n, P);
        rc_cout_open(o, "{");
        rc_cout_open(o, "if (s->%s_state == %s__FORCED_OPEN) {", n, P);
        rc_cout_line(o, "return 1;");
        rc_cout_close(o, "}");
        rc_cout_open(o, "if (s->%s_state == %s__OPEN) {", n, P);
        if (b->open_factor_milli) {
            rc_em_grown_period(e, i, true);
            rc_cout_line(o, "return (RECOV_ELAPSED(now, s->%s_opened_at) < p) ? 1 : 0;", n);
        } else {
            rc_cout_line(o, "return (RECOV_ELAPSED(now, s->%s_opened_at) < %s) ? 1 : 0;", n, nop);
        }
        rc_cout_close(o, "}");
        rc_cout_open(o, "if ((s->%s_state == %s__HALF_OPEN) && (s->%s_admitted >= %s)) {", n, P, n,
                     rc_em_num(e, RC_SLOT_PROBES, i, 0, b->probes, npr, sizeof npr));
        rc_cout_line(o, "return (RECOV_ELAPSED(now, s->%s_opened_at) < %s) ? 1 : 0;", n, nhw);
        rc_cout_close(o, "}");
        rc_cout_line(o, "return 0;");
        rc_cout_close(o, "}");
        rc_cout_blank(o);
    }
    rc_cout_line(o, "/* The entries of a fallback list whose target a per-alternative breaker would reject now. */");
    rc_cout_line(o, "static uint16_t %s__unavail(const %s_shared *s, const %s *tab, unsigned n, uint32_t now)", P, P,
                 rc_em_utype((uint64_t)(ir->nalts > 0 ? ir->nalts - 1 : 0)));
    rc_cout_open(o, "{");
    rc_cout_line(o, "uint16_t m = 0u;");
    rc_cout_line(o, "unsigned i;");
    rc_cout_open(o, "for (i = 0u; i < n; i++) {");
    rc_cout_line(o, "const unsigned bt = (unsigned)tab[i] + 1u;");
    rc_cout_begin(o, "if (");
    bool first = true;
    for (int i = 0; i < ir->nbreakers; i++) {
        if (!ir->breakers[i].per_alt) continue;
        rc_cout_put(o, "%s(%s__%s_rejects(s, bt, now) != 0)", first ? "" : " || ", P, e->brk[i]);
        first = false;
    }
    rc_cout_end_open(o, ") {");
    rc_cout_line(o, "m = (uint16_t)(m | (1u << i));");
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
    rc_cout_line(o, "return m;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

/* `limit rate`: the bucket at now without a change, and the wait for its
 * next token (semantics.md, "The token bucket"). */
static void emit_bucket_funcs(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (!ir->rate_n) return;
    rc_cout_line(o, "/* limit rate %u per %" PRIu32 " ms burst %u: the bucket at now (tokens, credit) */",
                 (unsigned)ir->rate_n, ir->rate_ms, (unsigned)ir->rate_burst);
    rc_cout_line(o, "static uint16_t %s__bucket(const %s_shared *s, uint32_t now, uint32_t *credit)", P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "const uint32_t el = RECOV_ELAPSED(now, s->lim_at);");
    rc_cout_line(o, "uint32_t c;");
    rc_cout_line(o, "uint32_t t;");
    rc_cout_open(o, "if (el >= %" PRIu32 "u) { /* long enough to fill it from empty */", ir->rate_fill_ms);
    rc_cout_line(o, "*credit = 0u;");
    rc_cout_line(o, "return %uu;", (unsigned)ir->rate_burst);
    rc_cout_close(o, "}");
    rc_cout_line(o, "c = s->lim_credit + (el * %uu);", (unsigned)ir->rate_n);
    rc_cout_line(o, "t = (uint32_t)s->lim_tokens + (c / %" PRIu32 "u);", ir->rate_ms);
    rc_cout_open(o, "if (t >= %uu) {", (unsigned)ir->rate_burst);
    rc_cout_line(o, "*credit = 0u;");
    rc_cout_line(o, "return %uu;", (unsigned)ir->rate_burst);
    rc_cout_close(o, "}");
    rc_cout_line(o, "*credit = c %% %" PRIu32 "u;", ir->rate_ms);
    rc_cout_line(o, "return (uint16_t)t;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    rc_cout_line(o, "/* ms until the bucket has a token, 0: it has one */");
    rc_cout_line(o, "static uint32_t %s__token_wait(const %s_shared *s, uint32_t now)", P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "uint32_t c;");
    rc_cout_open(o, "if (%s__bucket(s, now, &c) > 0u) {", P);
    rc_cout_line(o, "return 0u;");
    rc_cout_close(o, "}");
    rc_cout_line(o, "return ((%" PRIu32 "u - c) + %uu) / %uu;", ir->rate_ms, (unsigned)ir->rate_n - 1u, (unsigned)ir->rate_n);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

/* P_admit 3-4: `limit concurrent`, `limit rate`. */
static void emit_admit_limits(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (ir->concurrent) {
        rc_cout_open(o, "if (((inc->adm & 0x7Fu) != s->epoch) && (s->inflight >= %uu)) {",
                     (unsigned)ir->concurrent);
        if (e->sl.n)
            rc_cout_line(o, "%s__stat(s, %du); /* stats: limit concurrent refusals */", P,
                         rc_stat_lim(&e->sl, rc_ir_lim_conc(ir), RC_STAT_REFUSALS));
        rc_cout_line(o, "return RECOV_FULL;");
        rc_cout_close(o, "}");
    }
    if (ir->rate_n) {
        rc_cout_line(o, "s->lim_tokens = %s__bucket(s, now, &s->lim_credit); /* refill */", P);
        rc_cout_line(o, "s->lim_at = now;");
        rc_cout_open(o, "if (s->lim_tokens == 0u) {");
        if (e->sl.n)
            rc_cout_line(o, "%s__stat(s, %du); /* stats: limit rate refusals */", P,
                         rc_stat_lim(&e->sl, rc_ir_lim_rate(ir), RC_STAT_REFUSALS));
        rc_cout_line(o, "return RECOV_RATE_LIMITED;");
        rc_cout_close(o, "}");
    }
}

/* The admission's slot is freed (`limit concurrent`), never below 0, only
 * for an incident that holds an admission of this epoch. */
static void emit_release_slot(em *e)
{
    rc_cout *o = &e->oc;
    if (!e->ir->concurrent) return;
    rc_cout_open(o, "if (((inc->adm & 0x7Fu) == s->epoch) && (s->inflight > 0u)) { /* its slot is freed */");
    rc_cout_line(o, "s->inflight = (uint16_t)(s->inflight - 1u);");
    rc_cout_close(o, "}");
}

/* P_force (semantics.md "P_force"): every policy with a breaker; out of
 * line, so a host that never calls it links none of it. */
static void emit_force(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    bool time = false;
    if (ir->nbreakers == 0) return;
    for (int i = 0; i < ir->nbreakers; i++) time = time || ir->breakers[i].mode == RC_BREAKER_TIME;
    rc_cout_line(o, "unsigned %s_force(%s_shared *s, unsigned target, unsigned mode, uint32_t now)", P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "uint8_t st;");
    if (e->any_pa) rc_cout_line(o, "const unsigned bt = target; /* the instance of per-alternative breakers */");
    rc_cout_line(o, "RECOV_ASSERT(s != 0);");
    if (!time) rc_cout_line(o, "(void)now;");
    rc_cout_open(o, "if ((target >= %s_FORCE_TARGETS) || (mode > RECOV_DISABLED)) {", P);
    rc_cout_line(o, "return 1u;");
    rc_cout_close(o, "}");
    rc_cout_open(o, "if (mode == RECOV_FORCE_OPEN) {");
    rc_cout_line(o, "st = (uint8_t)%s__FORCED_OPEN;", P);
    rc_cout_reopen(o, "} else if (mode == RECOV_DISABLED) {");
    rc_cout_line(o, "st = (uint8_t)%s__DISABLED;", P);
    rc_cout_reopen(o, "} else {");
    rc_cout_line(o, "st = (uint8_t)%s__CLOSED; /* RECOV_FORCE_CLOSED, RECOV_NORMAL */", P);
    rc_cout_close(o, "}");
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        bool guard = e->any_pa && !b->per_alt;   /* the dependency's breaker: target 0 only */
        if (guard) rc_cout_open(o, "if (target == 0u) { /* breaker %s */", b->name);
        rc_cout_open(o, "if ((mode != RECOV_NORMAL) || (s->%s_state > %s__HALF_OPEN)) { /* breaker %s */",
                     e->brk[i], P, b->name);
        emit_breaker_close(e, i);
        rc_cout_line(o, "s->%s_state = st;", e->brk[i]);
        rc_cout_close(o, "}");
        if (guard) rc_cout_close(o, "}");
    }
    rc_cout_line(o, "return 0u;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

/* P_admit_in (generated-api.md): only with limits or per-alternative breakers. */
static void emit_admit_in(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (!rc_ir_has_admit_in(ir)) return;
    rc_cout_line(o, "uint32_t %s_admit_in(const %s_shared *s, const %s_incident *inc, uint32_t now)", P, P, P);
    rc_cout_open(o, "{");
    if (e->any_pa) {
        rc_cout_line(o, "const unsigned bt = (unsigned)inc->tgt; /* the instance of per-alternative breakers */");
        rc_cout_line(o, "(void)bt;");
    }
    rc_cout_line(o, "uint32_t w = %s;", ir->rate_n ? "0u" : "0u");
    rc_cout_line(o, "(void)inc;");
    rc_cout_line(o, "(void)now;");
    if (ir->concurrent) {
        rc_cout_open(o, "if (((inc->adm & 0x7Fu) != s->epoch) && (s->inflight >= %uu)) {",
                     (unsigned)ir->concurrent);
        rc_cout_line(o, "return RECOV_ADMIT_IN_UNKNOWN;");
        rc_cout_close(o, "}");
    }
    if (ir->rate_n) rc_cout_line(o, "w = %s__token_wait(s, now);", P);
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        const char *n = e->brk[i];
        char nop[32], npr[32], nhw[32];
        rc_em_num(e, RC_SLOT_OPEN_MS, i, 0, b->open_ms, nop, sizeof nop);
        if (b->half_open_ms) snprintf(nhw, sizeof nhw, "%" PRIu32 "u", b->half_open_ms);
        else snprintf(nhw, sizeof nhw, "%s", nop);
        rc_cout_open(o, "{ /* breaker %s */", b->name);
        rc_cout_line(o, "const uint32_t el = RECOV_ELAPSED(now, s->%s_opened_at);", n);
        rc_cout_line(o, "uint32_t p = 0u;");
        rc_cout_open(o, "if (s->%s_state == %s__FORCED_OPEN) { /* until the next P_force */", n, P);
        rc_cout_line(o, "return RECOV_ADMIT_IN_UNKNOWN;");
        rc_cout_close(o, "}");
        rc_em_num(e, RC_SLOT_PROBES, i, 0, b->probes, npr, sizeof npr);
        if (!b->open_factor_milli && strcmp(nop, nhw) == 0) {
            /* one period for both: one branch (clang-tidy bugprone-branch-clone) */
            rc_cout_open(o, "if ((s->%s_state == %s__OPEN) || ((s->%s_state == %s__HALF_OPEN) && (s->%s_admitted >= %s))) {",
                         n, P, n, P, n, npr);
            rc_cout_line(o, "p = %s;", nop);
        } else {
            rc_cout_open(o, "if (s->%s_state == %s__OPEN) {", n, P);
            if (b->open_factor_milli) {
                rc_em_grown_period(e, i, false);
            } else {
                rc_cout_line(o, "p = %s;", nop);
            }
            rc_cout_reopen(o, "} else if ((s->%s_state == %s__HALF_OPEN) && (s->%s_admitted >= %s)) {", n, P, n, npr);
            rc_cout_line(o, "p = %s;", nhw);
        }
        rc_cout_reopen(o, "} else {");
        rc_cout_line(o, "/* closed, or half-open with a probe left */");
        rc_cout_close(o, "}");
        rc_cout_open(o, "if ((el < p) && ((p - el) > w)) {");
        rc_cout_line(o, "w = p - el;");
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
    }
    rc_cout_line(o, "return w;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

static void emit_escalate(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (!e->any_esc) return;
    rc_cout_line(o, "/* ESCALATE at level lv, after the `unresolved` rule of that level. */");
    rc_cout_line(o, "static recov_decision %s__escalate(%s_shared *s, %s_incident *inc, unsigned level)", P, P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "recov_decision d;");
    rc_cout_line(o, "unsigned lv = level;");
    if (!e->any_unres) rc_cout_line(o, "(void)s;");
    /* an else-if chain: a promoted level is not promoted again */
    bool first = true;
    for (int l = 0; l < RC_SEV_COUNT; l++) {
        if (!e->unres[l]) continue;
        if (first) rc_cout_open(o, "if (lv == %s) {", rc_em_sev_const(l));
        else rc_cout_reopen(o, "} else if (lv == %s) {", rc_em_sev_const(l));
        first = false;
        rc_cout_line(o, "s->%s = %s__inc16(s->%s);", e->unres_name[l], P, e->unres_name[l]);
        rc_cout_open(o, "if (s->%s >= %du) {", e->unres_name[l], ir->escalation.unresolved_after[l]);
        rc_cout_line(o, "s->%s = 0u;", e->unres_name[l]);
        rc_cout_line(o, "lv = %s;", rc_em_sev_const((int)ir->escalation.unresolved_to[l]));
        rc_cout_close(o, "}");
    }
    if (e->any_unres) rc_cout_close(o, "}");
    rc_em_stat_err(e, "inc->error", RC_STAT_ESCALATIONS);
    rc_cout_line(o, "%s__end(inc);", P);
    if (ir->has_escalation)
        rc_cout_line(o, "d = %s__dec(inc, (unsigned)RECOV_ESCALATE | ((unsigned)%s__esc_chan[lv] << 8u), %s__esc_sla[lv]);", P, P, P);
    else
        rc_cout_line(o, "d = %s__dec(inc, RECOV_ESCALATE, 0u);", P);
    rc_cout_line(o, "d.level = (uint8_t)lv;");
    rc_cout_line(o, "return d;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

/* "The incident ends", then ABORT. */
static void emit_end_abort(em *e)
{
    rc_em_stat_err(e, "inc->error", RC_STAT_ABORTS);
    rc_cout_line(&e->oc, "%s__end(inc);", e->P);
    rc_cout_line(&e->oc, "return %s__dec(inc, RECOV_ABORT, 0u);", e->P);
}

/* A step that ends the incident: degrade, escalate or abort. */
static void emit_final_step(em *e, const rc_ir_step *st)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (st->kind == RC_IR_DEGRADE) {
        rc_em_stat_err(e, "inc->error", RC_STAT_DEGRADES);
        rc_cout_line(o, "%s__end(inc);", P);
        rc_cout_begin(o, "return %s__dec(inc, (unsigned)RECOV_DEGRADE | ((unsigned)", P);
        rc_em_put_const(o, P, "MODE", e->ir->modes[st->id].name);
        rc_cout_end(o, " << 8u), 0u);");
    } else if (st->kind == RC_IR_ABORT) {
        emit_end_abort(e);
    } else if (st->level >= 0) {
        rc_cout_line(o, "return %s__escalate(s, inc, %s);", P, rc_em_sev_const(st->level));
    } else {
        rc_cout_line(o, "return %s__escalate(s, inc, %s__sev[inc->error]);", P, P);
    }
}

/* Running block b: a loop over its step position. */
/* A handler condition's C test ("1" / "0" when it folds), for `if (...)`. */
static int step_cond(const em *e, int when)
{
    return when ? rc_em_fold(e, when - 1, CTX_WHEN) : 1;
}

/* ADJUST and a single `run H`: one decision, then the next step.  A `run H
 * then next` keeps pos and marks sub until P_handler_done (semantics.md);
 * a handler condition that does not hold passes the step over. */
static void emit_step_once(em *e, int bi, int i, const rc_ir_step *st)
{
    rc_cout *o = &e->oc;
    bool run = st->kind == RC_IR_RUN;
    int c = run ? step_cond(e, st->when) : 1;
    bool cont = run && st->next != RC_NEXT_RETRY;
    if (c == 0) {   /* the condition never holds: the step is always passed over */
        rc_cout_line(o, "inc->%s_pos = %du; /* passed over */", e->blk[bi], i + 1);
        rc_cout_line(o, "inc->%s_sub = 0u;", e->blk[bi]);
        rc_cout_line(o, "break;");
        return;
    }
    if (cont || c < 0) {
        rc_cout_begin(o, "if (");
        if (c < 0) {
            rc_cout_raw(o, "!(");
            rc_em_put_expr(e, o, st->when - 1, CTX_WHEN);
            rc_cout_raw(o, ")");
        }
        if (c < 0 && cont) rc_cout_raw(o, " || ");
        if (cont) rc_cout_put(o, "(inc->%s_sub != 0u)", e->blk[bi]);
        rc_cout_end_open(o, ") { /* passed over%s */", cont ? ", or it has run" : "");
        rc_cout_line(o, "inc->%s_pos = %du;", e->blk[bi], i + 1);
        rc_cout_line(o, "inc->%s_sub = 0u;", e->blk[bi]);
        rc_cout_line(o, "break;");
        rc_cout_close(o, "}");
    }
    if (cont) {
        rc_cout_line(o, "inc->%s_sub = 1u; /* then next: pos stays for P_handler_done */", e->blk[bi]);
    } else {
        rc_cout_line(o, "inc->%s_pos = %du;", e->blk[bi], i + 1);
        rc_cout_line(o, "inc->%s_sub = 0u;", e->blk[bi]);
    }
    if (run) rc_cout_line(o, "inc->pending = %du;", bi + 1);
    if (run) rc_em_stat_use(e, false, NULL, st->id);
    char nms[32];
    rc_cout_begin(o, "return %s__dec(inc, (unsigned)%s | ((unsigned)", e->P, st->kind == RC_IR_RUN ? "RECOV_RUN" : "RECOV_ADJUST");
    if (st->kind == RC_IR_RUN) rc_em_put_const(o, e->P, "HANDLER", e->ir->handlers[st->id].name);
    else rc_em_put_const(o, e->P, "ADJ", e->ir->adjusts[st->id].name);
    rc_cout_end(o, " << 8u), %s);", rc_em_num(e, RC_SLOT_STEP_MS, bi, i, st->ms, nms, sizeof nms));
}

/* The last argument of P__run and the blocks: `now` when they need it
 * (rc_em_blocks_need_now), else the incident's elapsed time. */
static const char *run_arg(const em *e, bool el_at_hand)
{
    if (e->blk_now) return "now";
    return el_at_hand ? "el" : "RECOV_ELAPSED(now, inc->start)";
}

/* Breaker k's instance may be HALF_OPEN with every probe out when a retry
 * step of block bi decides (spec RETRY r, the admission wait): not when
 * every error of the block is counted by k and k reopens on a counted
 * half-open failure (P_failed 5 has just run for the incident's target),
 * unless the block has a RUN step (P_handler_done runs it with no outcome). */
static bool half_open_wait_possible(const rc_ir *ir, int bi, int k)
{
    const rc_ir_block *b = &ir->blocks[bi];
    const rc_ir_breaker *bk = &ir->breakers[k];
    if (bk->close_below_pct) return true;
    for (int i = 0; i < b->nsteps; i++)
        if (b->steps[i].kind == RC_IR_RUN) return true;
    for (int x = 0; x < ir->nerrors; x++)
        if (b->errors[x] && !bk->counts[x]) return true;
    return false;
}

bool rc_em_blocks_need_now(const rc_ir *ir)
{
    if (ir->rate_n || rc_ir_any_per_alt(ir)) return true;
    for (int b = 0; b < ir->nblocks; b++) {
        bool retry = false;
        for (int i = 0; i < ir->blocks[b].nsteps; i++)
            if (ir->blocks[b].steps[i].kind == RC_IR_RETRY && !rc_em_retry_never(ir, ir->blocks[b].steps[i].retry)) retry = true;
        for (int k = 0; retry && k < ir->nbreakers; k++)
            if (half_open_wait_possible(ir, b, k) || ir->breakers[k].retry_wait) return true;
    }
    return false;
}

/* The admission wait of a retry step (spec RETRY r) into `w`: the next
 * token, the rest of the half-open timeout of each breaker whose instance
 * may be half-open with every probe out here, and the rest of the open
 * period of each `retries wait` breaker whose instance is OPEN. */
static void emit_open_wait(em *e, int k)
{
    const rc_ir_breaker *b = &e->ir->breakers[k];
    rc_cout *o = &e->oc;
    const char *n = e->brk[k];
    rc_cout_open(o, "{ /* breaker %s open: `retries wait` waits for the rest of its open period */", b->name);
    rc_cout_line(o, "const uint32_t oel = RECOV_ELAPSED(now, s->%s_opened_at);", n);
    if (b->open_factor_milli) {
        rc_em_grown_period(e, k, true);
    } else {
        char nop[32];
        rc_cout_line(o, "const uint32_t p = %s;", rc_em_num(e, RC_SLOT_OPEN_MS, k, 0, b->open_ms, nop, sizeof nop));
    }
    rc_cout_open(o, "if ((s->%s_state == %s__OPEN) && (oel < p) && ((p - oel) > w)) {", n, e->P);
    rc_cout_line(o, "w = p - oel;");
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
}

static void emit_admission_wait(em *e, int bi)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    bool pa = false;
    for (int k = 0; k < ir->nbreakers; k++)
        if (ir->breakers[k].per_alt && (half_open_wait_possible(ir, bi, k) || ir->breakers[k].retry_wait)) pa = true;
    if (pa) rc_cout_line(o, "const unsigned bt = (unsigned)inc->tgt; /* the instance of per-alternative breakers */");
    if (ir->rate_n) rc_cout_line(o, "uint32_t w = %s__token_wait(s, now);", P);
    else rc_cout_line(o, "uint32_t w = 0u;");
    for (int k = 0; k < ir->nbreakers; k++) {
        const rc_ir_breaker *b = &ir->breakers[k];
        if (b->retry_wait) emit_open_wait(e, k);
        if (!half_open_wait_possible(ir, bi, k)) continue;
        const char *n = e->brk[k];
        char nop[32], npr[32], nhw[32];
        rc_em_num(e, RC_SLOT_OPEN_MS, k, 0, b->open_ms, nop, sizeof nop);
        if (b->half_open_ms) snprintf(nhw, sizeof nhw, "%" PRIu32 "u", b->half_open_ms);
        else snprintf(nhw, sizeof nhw, "%s", nop);
        rc_em_num(e, RC_SLOT_PROBES, k, 0, b->probes, npr, sizeof npr);
        rc_cout_open(o, "{ /* breaker %s half-open with every probe out: the rest of its half-open timeout */", b->name);
        rc_cout_line(o, "const uint32_t hel = RECOV_ELAPSED(now, s->%s_opened_at);", n);
        rc_cout_open(o, "if ((s->%s_state == %s__HALF_OPEN) && (s->%s_admitted >= %s) && (hel < %s) && ((%s - hel) > w)) {",
                     n, P, n, npr, nhw, nhw);
        rc_cout_line(o, "w = %s - hel;", nhw);
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
    }
}

static void emit_block(em *e, int bi)
{
    const rc_ir *ir = e->ir;
    const rc_ir_block *b = &ir->blocks[bi];
    rc_cout *o = &e->oc;
    const char *P = e->P;
    uint32_t dl = b->deadline_ms;
    bool need_f = false, need_el = false;

    bool need_e = false;   /* a handler condition reads the error or the time */
    for (int i = 0; i < b->nsteps; i++) {
        const rc_ir_step *st = &b->steps[i];
        rc_ir_stepkind k = st->kind;
        if (k == RC_IR_RETRY && !rc_em_retry_never(ir, st->retry)) need_f = true;
        if (dl && (k == RC_IR_RETRY || k == RC_IR_FALLBACK || k == RC_IR_ADJUST || k == RC_IR_RUN)) need_el = true;
        if (k == RC_IR_RUN && step_cond(e, st->when) < 0) need_e = true;
        for (int a = 0; k == RC_IR_RUN && st->whens && a < st->nalts; a++)
            if (step_cond(e, st->whens[a]) < 0) need_e = true;
    }
    char what[240];
    rc_em_block_what(e, bi, what, sizeof what);
    rc_em_src_comment(e, b->loc, what);
    rc_em_origin(e, b->loc);
    rc_cout_line(o, "static recov_decision %s__%s(%s_shared *s, %s_incident *inc, const %s_fault *f, uint32_t %s)", P,
                 e->blk[bi], P, P, P, e->blk_now ? "now" : "el");
    rc_cout_open(o, "{");
    if (e->blk_now) rc_cout_line(o, "const uint32_t el = RECOV_ELAPSED(now, inc->start); /* a clock gone back reads 0 */");
    rc_cout_line(o, "(void)s;");
    if (e->blk_now) rc_cout_line(o, "(void)now;");
    if (need_e) rc_cout_line(o, "const unsigned e = inc->error; /* what handler conditions read */");
    if (!need_f) rc_cout_line(o, "(void)f;");
    if (!need_el || need_e) rc_cout_line(o, "(void)el;");
    if (need_e) rc_cout_line(o, "(void)e;");
    /* The deadline rule (spec/semantics.md, running block b, 2) applies to
     * the retry / fallback / adjust / run steps, which are exactly the steps
     * before the first degrade / escalate / abort (that one ends the
     * incident, so pos never passes it): one test at the top of the loop. */
    int first_end = b->nsteps;
    for (int i = 0; i < b->nsteps && first_end == b->nsteps; i++) {
        rc_ir_stepkind k = b->steps[i].kind;
        if (k == RC_IR_DEGRADE || k == RC_IR_ESCALATE || k == RC_IR_ABORT) first_end = i;
    }
    /* when the last step ends the incident, pos can never run off the end:
     * that step is the switch's default (no separate unreachable path) */
    rc_ir_stepkind lastk = b->nsteps ? b->steps[b->nsteps - 1].kind : RC_IR_ABORT;
    bool last_ends = b->nsteps > 0 && (lastk == RC_IR_DEGRADE || lastk == RC_IR_ESCALATE || lastk == RC_IR_ABORT);
    if (b->nsteps == 1 && last_ends) {
        /* one step that ends the incident: no position to track (and no
         * one-clause switch, MISRA 16.6) */
        rc_em_step_what(e, &b->steps[0], what, sizeof what);
        rc_em_src_comment(e, b->steps[0].loc, what);
        rc_em_origin(e, b->steps[0].loc);
        emit_final_step(e, &b->steps[0]);
        rc_em_origin(e, b->loc);
        rc_cout_close(o, "}");
        rc_em_origin_end(e);
        rc_cout_blank(o);
        return;
    }
    rc_cout_open(o, "for (;;) {");
    if (dl && need_el && first_end > 0) {
        char ndl[32];
        rc_em_num(e, RC_SLOT_DEADLINE, bi, 0, dl, ndl, sizeof ndl);
        if (b->terminal >= 0) {
            rc_cout_open(o, "if ((el > %s) && (inc->%s_pos < %du)) { /* deadline: the terminal step */",
                         ndl, e->blk[bi], first_end);
            rc_cout_line(o, "inc->%s_pos = %du;", e->blk[bi], b->terminal);
        } else {
            rc_cout_open(o, "if ((el > %s) && (inc->%s_pos < %du)) { /* deadline, no terminal step */",
                         ndl, e->blk[bi], first_end);
            emit_end_abort(e);
        }
        rc_cout_close(o, "}");
    }
    rc_cout_open(o, "switch (inc->%s_pos) {", e->blk[bi]);
    for (int i = 0; i < b->nsteps; i++) {
        const rc_ir_step *st = &b->steps[i];
        rc_cout_label(o, "case %du:", i);
        if (last_ends && i == b->nsteps - 1) rc_cout_label(o, "default:");
        rc_em_step_what(e, st, what, sizeof what);
        rc_em_src_comment(e, st->loc, what);
        rc_em_origin(e, st->loc);
        switch (st->kind) {
        case RC_IR_RETRY: {
            const rc_ir_retry *rt = &ir->retries[st->retry];
            char na[32];
            if (rc_em_retry_never(ir, st->retry)) {
                rc_cout_line(o, "inc->%s_pos = %du; /* attempts 0: never retries */", e->blk[bi], i + 1);
                rc_cout_line(o, "break;");
                break;
            }
            bool wait = ir->rate_n != 0;
            for (int k = 0; k < ir->nbreakers; k++) wait |= half_open_wait_possible(ir, bi, k) || ir->breakers[k].retry_wait;
            if (wait) {
                /* admission: the retry waits for a token or a probe, within the deadline (el <= deadline here) */
                rc_cout_open(o, "{");
                emit_admission_wait(e, bi);
            }
            rc_cout_begin(o, "if ((inc->%s_sub < %s)", e->blk[bi],
                          rc_em_num(e, RC_SLOT_ATTEMPTS, st->retry, 0, rt->attempts, na, sizeof na));
            if (wait && dl) {
                char ndl[32];
                rc_cout_put(o, " && (w <= (%s - el))", rc_em_num(e, RC_SLOT_DEADLINE, bi, 0, dl, ndl, sizeof ndl));
            }
            for (int k = 0; k < ir->nbreakers; k++) {
                if (ir->breakers[k].retry_wait)   /* OPEN waits (w above); FORCED_OPEN gives way */
                    rc_cout_put(o, " && (s->%s_state%s != %s__FORCED_OPEN)", e->brk[k],
                                ir->breakers[k].per_alt ? "_tgt[inc->tgt]" : "", P);
                else
                    rc_cout_put(o, " && ((s->%s_state%s & 1u) == 0u)", e->brk[k],   /* not OPEN nor FORCED_OPEN */
                                ir->breakers[k].per_alt ? "_tgt[inc->tgt]" : "");
            }
            if (ir->nbudgets) rc_cout_put(o, " && %s__budget_ok(s)", P);
            rc_cout_end_open(o, ") {");
            rc_cout_line(o, "uint32_t d;");
            bool lim = rt->timeout_ms || rc_ir_param_at(ir, RC_SLOT_LIMIT, st->retry, 0) >= 0;
            if (lim) rc_cout_line(o, "recov_decision r;");
            rc_cout_line(o, "inc->%s_sub = (%s)(inc->%s_sub + 1u);", e->blk[bi], e->sub_t[bi], e->blk[bi]);
            for (int k = 0; k < ir->nbudgets; k++)
                rc_cout_line(o, "s->%s_retries = %s__inc16(s->%s_retries);", e->bud[k], P, e->bud[k]);
            if (rt->jitter == RC_JITTER_DECORRELATED)
                rc_cout_line(o, "d = %s__delay%d(s, inc, f, inc->%s_sub, inc->%s_prev);", P, st->retry, e->blk[bi], e->blk[bi]);
            else
                rc_cout_line(o, "d = %s__delay%d(s, inc, f, inc->%s_sub);", P, st->retry, e->blk[bi]);
            if (wait) {
                rc_cout_open(o, "if (d < w) {");
                rc_cout_line(o, "d = w;");
                rc_cout_close(o, "}");
            }
            if (e->blk_prev[bi]) rc_cout_line(o, "inc->%s_prev = d;", e->blk[bi]);
            rc_em_stat_err(e, "inc->error", RC_STAT_RETRIES);
            if (lim) {
                char nl[32];
                rc_cout_line(o, "r = %s__dec(inc, RECOV_RETRY, d);", P);
                rc_cout_line(o, "r.limit_ms = %s; /* the attempt timeout */",
                             rc_em_num(e, RC_SLOT_LIMIT, st->retry, 0, rt->timeout_ms, nl, sizeof nl));
                rc_cout_line(o, "return r;");
            } else {
                rc_cout_line(o, "return %s__dec(inc, RECOV_RETRY, d);", P);
            }
            rc_cout_close(o, "}");
            if (wait) rc_cout_close(o, "}");
            rc_cout_line(o, "inc->%s_pos = %du;", e->blk[bi], i + 1);
            rc_cout_line(o, "inc->%s_sub = 0u;", e->blk[bi]);
            if (e->blk_prev[bi]) rc_cout_line(o, "inc->%s_prev = 0u;", e->blk[bi]);
            rc_cout_line(o, "break;");
            break;
        }
        case RC_IR_RUN:
            if (st->nalts == 0) {
                emit_step_once(e, bi, i, st);
                break;
            }
            /* fall through - `run H1, H2...` picks like a fallback */
        case RC_IR_FALLBACK: {
            int n = st->nalts;
            bool run = st->kind == RC_IR_RUN;
            const char *learned = run ? "hnd" : "alt";
            char tried[48];
            snprintf(tried, sizeof tried, "inc->%s_sub", e->blk[bi]);
            bool conds = false;   /* handler conditions that do not fold to true */
            for (int a = 0; run && st->whens && a < n; a++) conds |= step_cond(e, st->whens[a]) != 1;
            rc_cout_open(o, "{");
            if (!run && e->any_pa) {
                /* alternatives a per-alternative breaker would reject now are passed over, untried */
                rc_cout_line(o, "const uint16_t skip = (uint16_t)(inc->%s_sub | %s__unavail(s, %s__b%d_s%d, %du, now));",
                             e->blk[bi], P, P, bi, i, n);
                snprintf(tried, sizeof tried, "skip");
            }
            if (conds) {
                /* a handler whose condition does not hold counts as tried for this pick */
                rc_cout_line(o, "uint16_t skip = inc->%s_sub;", e->blk[bi]);
                for (int a = 0; a < n; a++) {
                    int c = step_cond(e, st->whens[a]);
                    if (c == 1) continue;
                    if (c == 0) {
                        rc_cout_line(o, "skip = (uint16_t)(skip | %uu);", 1u << a);
                        continue;
                    }
                    rc_cout_begin(o, "if (!(");
                    rc_em_put_expr(e, o, st->whens[a] - 1, CTX_WHEN);
                    rc_cout_end_open(o, ")) {");
                    rc_cout_line(o, "skip = (uint16_t)(skip | %uu);", 1u << a);
                    rc_cout_close(o, "}");
                }
                snprintf(tried, sizeof tried, "skip");
            }
            if (st->adaptive) {
                rc_cout_line(o, "const unsigned best = %s__pick_%s(s, %s__b%d_s%d, %du, %s);",
                             P, learned, P, bi, i, n, tried);
            } else {
                rc_cout_line(o, "unsigned i;");
                rc_cout_line(o, "unsigned best = %du;", n);
                rc_cout_open(o, "for (i = 0u; i < %du; i++) {", n);
                rc_cout_open(o, "if ((((unsigned)%s >> i) & 1u) == 0u) {", tried);
                rc_cout_line(o, "best = i;");
                rc_cout_line(o, "break;");
                rc_cout_close(o, "}");
                rc_cout_close(o, "}");
            }
            rc_cout_open(o, "if (best < %du) {", n);
            rc_cout_line(o, "inc->%s_sub = (%s)(inc->%s_sub | (1u << best));", e->blk[bi], e->sub_t[bi], e->blk[bi]);
            rc_cout_line(o, "inc->%s = (%s)(%s__b%d_s%d[best] + 1u);", run ? "last_handler" : "last_alt",
                         run ? e->hnd_t : e->alt_t, P, bi, i);
            char idx[64];
            snprintf(idx, sizeof idx, "%s__b%d_s%d[best]", P, bi, i);
            if (!run) rc_em_stat_err(e, "inc->error", RC_STAT_FALLBACKS);
            rc_em_stat_use(e, !run, idx, 0);
            if (run) {
                rc_cout_line(o, "inc->pending = %du;", bi + 1);
                char nms[32];
                rc_cout_line(o, "return %s__dec(inc, (unsigned)RECOV_RUN | ((unsigned)%s__b%d_s%d[best] << 8u), %s);", P, P, bi, i,
                             rc_em_num(e, RC_SLOT_STEP_MS, bi, i, st->ms, nms, sizeof nms));
            } else {
                if (e->any_pa)
                    rc_cout_line(o, "inc->tgt = (%s)(%s__b%d_s%d[best] + 1u); /* the incident's target */", e->alt_t,
                                 P, bi, i);
                rc_cout_line(o, "return %s__dec(inc, (unsigned)RECOV_FALLBACK | ((unsigned)%s__b%d_s%d[best] << 8u), 0u);", P, P, bi, i);
            }
            rc_cout_close(o, "}");
            rc_cout_close(o, "}");
            rc_cout_line(o, "inc->%s_pos = %du;", e->blk[bi], i + 1);
            rc_cout_line(o, "inc->%s_sub = 0u;", e->blk[bi]);
            rc_cout_line(o, "break;");
            break;
        }
        case RC_IR_ADJUST:
            emit_step_once(e, bi, i, st);
            break;
        case RC_IR_DEGRADE:
        case RC_IR_ESCALATE:
        case RC_IR_ABORT:
            emit_final_step(e, st);
            break;
        }
    }
    rc_em_origin(e, b->loc);
    if (!last_ends) {
        rc_cout_label(o, "default: /* ran off the end */");
        emit_end_abort(e);
    }
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
    rc_em_origin_end(e);
    rc_cout_blank(o);
}

static void emit_run(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (ir->nblocks == 0) return;
    for (int b = 0; b < ir->nblocks; b++) emit_block(e, b);
    /* the block comes in inc->run_block, not as an argument: with the
     * struct-return pointer a fifth argument would go on the stack */
    const char *a = e->blk_now ? "now" : "el";
    rc_cout_line(o, "static recov_decision %s__run(%s_shared *s, %s_incident *inc, const %s_fault *f, uint32_t %s)", P, P, P, P, a);
    rc_cout_open(o, "{");
    if (e->run_block) rc_cout_line(o, "const unsigned b = (unsigned)inc->run_block;");
    for (int b = 0; b + 1 < ir->nblocks; b++) {
        rc_cout_open(o, "if (b == %du) {", b);
        rc_cout_line(o, "return %s__%s(s, inc, f, %s);", P, e->blk[b], a);
        rc_cout_close(o, "}");
    }
    rc_cout_line(o, "return %s__%s(s, inc, f, %s);", P, e->blk[ir->nblocks - 1], a);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

/* P_failed 7: the first block whose errors hold e and whose `when` holds. */
static void emit_select(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    char tab[96];
    for (int b = 0; b < ir->nblocks; b++) {
        const rc_ir_block *bl = &ir->blocks[b];
        int k = rc_em_set_count(bl->errors, ir->nerrors);
        int w = bl->when >= 0 ? rc_em_fold(e, bl->when, CTX_WHEN) : 1;
        if (k == 0 || w == 0) continue;
        if (k == ir->nerrors && w == 1) break;
        snprintf(tab, sizeof tab, "%s__b%d_err", P, b);
        rc_em_errset_table(e, bl->errors, tab);
    }
    rc_cout_line(o, "static unsigned %s__select(const %s_shared *s, const %s_incident *inc, const %s_fault *f, %sunsigned e, uint32_t el)",
                 P, P, P, P, e->words ? "const uint32_t *m, " : "");
    rc_cout_open(o, "{");
    rc_cout_line(o, "(void)s;");
    rc_cout_line(o, "(void)inc;");
    rc_cout_line(o, "(void)f;");
    rc_cout_line(o, "(void)e;");
    rc_cout_line(o, "(void)el;");
    if (e->words) rc_cout_line(o, "(void)m;");
    for (int b = 0; b < ir->nblocks; b++) {
        const rc_ir_block *bl = &ir->blocks[b];
        int k = rc_em_set_count(bl->errors, ir->nerrors);
        int w = bl->when >= 0 ? rc_em_fold(e, bl->when, CTX_WHEN) : 1;
        if (k == 0 || w == 0) continue;
        snprintf(tab, sizeof tab, "%s__b%d_err", P, b);
        char what[240];
        rc_em_block_what(e, b, what, sizeof what);
        rc_em_src_comment(e, bl->loc, what);
        rc_em_origin(e, bl->loc);
        if (k == ir->nerrors && w == 1) {
            rc_cout_line(o, "return %du;", b);
            rc_em_origin_end(e);
            rc_cout_close(o, "}");
            rc_cout_blank(o);
            return;
        }
        bool both = k < ir->nerrors && w != 1;  /* clang: no (( )) around a lone == */
        rc_cout_begin(o, "if (");
        if (k < ir->nerrors) {
            if (both) rc_cout_raw(o, "(");
            rc_em_put_errset(e, o, bl->errors, tab);
            if (both) rc_cout_raw(o, ") && ");
        }
        if (w != 1) {
            if (both) rc_cout_raw(o, "(");
            rc_em_put_expr(e, o, bl->when, CTX_WHEN);
            if (both) rc_cout_raw(o, ")");
        }
        rc_cout_end_open(o, ") {");
        rc_cout_line(o, "return %du;", b);
        rc_cout_close(o, "}");
        rc_em_origin_end(e);
    }
    rc_cout_line(o, "return %du;", ir->nblocks);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

static void emit_breaker_fail(em *e, int i)
{
    const rc_ir_breaker *b = &e->ir->breakers[i];
    rc_cout *o = &e->oc;
    const char *P = e->P;
    int k = rc_em_set_count(b->counts, e->ir->nerrors);
    char tab[96];
    if (k == 0) return;
    snprintf(tab, sizeof tab, "%s__k%d_cnt", P, i);
    char errs[200];
    rc_em_error_list(e, b->counts, errs, sizeof errs);
    rc_cout_comment(o, "breaker %s counts %s", b->name, errs);
    if (k < e->ir->nerrors) {
        /* an outcome the breaker does not count gives its half-open probe back */
        rc_cout_begin(o, "if (!(");
        rc_em_put_errset(e, o, b->counts, tab);
        rc_cout_end_open(o, ")) {");
        rc_cout_open(o, "if ((held != 0u) && (s->%s_state == %s__HALF_OPEN) && (s->%s_admitted > 0u)) {", e->brk[i], P, e->brk[i]);
        rc_cout_line(o, "s->%s_admitted = (uint16_t)(s->%s_admitted - 1u);", e->brk[i], e->brk[i]);
        rc_cout_close(o, "}");
        rc_cout_reopen(o, "} else {");
    } else {
        rc_cout_open(o, "{");
    }
    rc_cout_open(o, "if (s->%s_state == %s__CLOSED) {", e->brk[i], P);
    if (rc_ir_breaker_counts_fails(b->mode)) {
        rc_cout_line(o, "s->%s_fails = %s__inc16(s->%s_fails);", e->brk[i], P, e->brk[i]);
        char nt[32];
        if (b->threshold) {
            rc_cout_open(o, "if (s->%s_fails >= %s) {", e->brk[i],
                         rc_em_num(e, RC_SLOT_THRESHOLD, i, 0, b->threshold, nt, sizeof nt));
            rc_cout_line(o, "%s__%s_open(s, %snow);", P, e->brk[i], bt_arg(e, i));
            rc_cout_close(o, "}");
        } else {
            rc_cout_line(o, "%s__%s_open(s, %snow);", P, e->brk[i], bt_arg(e, i));
        }
    } else if (b->mode == RC_BREAKER_TIME) {
        if (b->slow_ms)
            rc_cout_line(o, "%s__%s_record(s, %snow, 1u, (took > %" PRIu32 "u) ? 1u : 0u);", P, e->brk[i], bt_arg(e, i),
                             b->slow_ms);
        else
            rc_cout_line(o, "%s__%s_record(s, %snow, 1u);", P, e->brk[i], bt_arg(e, i));
    } else if (rc_ir_window_ring(b)) {
        rc_cout_line(o, "uint32_t nf;");
        rc_cout_line(o, "%s__%s_push(s, 1u);", P, e->brk[i]);
        emit_rate_check(e, i);
    } else {
        rc_cout_line(o, "uint32_t x;");
        rc_cout_line(o, "uint32_t nf = 0u;");
        if (b->window >= 32)
            rc_cout_line(o, "s->%s_window = (s->%s_window << 1) | 1u;", e->brk[i], e->brk[i]);
        else
            rc_cout_line(o, "s->%s_window = ((s->%s_window << 1) | 1u) & 0x%08" PRIX32 "u;", e->brk[i], e->brk[i], (uint32_t)((1u << b->window) - 1u));
        emit_window_count(e, i);
        emit_rate_check(e, i);
    }
    rc_cout_reopen(o, "} else if (s->%s_state == %s__HALF_OPEN) {", e->brk[i], P);
    if (b->close_below_pct) {
        rc_cout_line(o, "s->%s_hfails = %s__inc16(s->%s_hfails);", e->brk[i], P, e->brk[i]);
        rc_cout_line(o, "%s__%s_decide(s, %snow);", P, e->brk[i], bt_arg(e, i));
    } else {
        rc_cout_line(o, "%s__%s_open(s, %snow);", P, e->brk[i], bt_arg(e, i));
    }
    rc_cout_reopen(o, "} else {");
    rc_cout_line(o, "/* open: the call was not made, nothing to count */");
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
}

/* P_handler_done: a RUN of a `then next [if ok]` step goes on in its block
 * (semantics.md, P_handler_done): its pos still points at it, sub != 0. */
static void emit_handler_next(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    for (int b = 0; b < ir->nblocks; b++) {
        const rc_ir_block *bl = &ir->blocks[b];
        for (int i = 0; i < bl->nsteps; i++) {
            const rc_ir_step *st = &bl->steps[i];
            if (st->kind != RC_IR_RUN || st->next == RC_NEXT_RETRY) continue;
            /* one `if` per step, each returning (not an else-if chain of
             * identical branches: clang-tidy bugprone-branch-clone) */
            rc_cout_open(o, "if ((b == %du) && (inc->%s_pos == %du) && (inc->%s_sub != 0u)) { /* then next%s */",
                         b, e->blk[b], i, e->blk[b], st->next == RC_NEXT_IF_OK ? " if ok" : "");
            if (st->next == RC_NEXT_IF_OK && bl->terminal < 0) {
                rc_cout_open(o, "if (!ok) { /* a failed compensation, no terminal step: ABORT */");
                rc_em_stat_err(e, "inc->error", RC_STAT_ABORTS);
                rc_cout_line(o, "%s__end(inc);", P);
                rc_cout_line(o, "return %s__dec(inc, RECOV_ABORT, 0u);", P);
                rc_cout_close(o, "}");
                if (e->run_block) rc_cout_line(o, "inc->run_block = (uint8_t)b;");
                rc_cout_line(o, "return %s__run(s, inc, NULL, %s);", P, run_arg(e, false));
            } else {
                if (st->next == RC_NEXT_IF_OK) {
                    rc_cout_open(o, "if (!ok) { /* a failed compensation: the terminal step */");
                    rc_cout_line(o, "inc->%s_pos = %du;", e->blk[b], bl->terminal);
                    rc_cout_line(o, "inc->%s_sub = 0u;", e->blk[b]);
                    rc_cout_close(o, "}");
                }
                if (e->run_block) rc_cout_line(o, "inc->run_block = (uint8_t)b;");
                rc_cout_line(o, "return %s__run(s, inc, NULL, %s);", P, run_arg(e, false));
            }
            rc_cout_close(o, "}");
        }
    }
}

/* RECOV_ASSERT checks at the top of an entry point (recov.h): the pointers
 * and, where the shared part has a field that P_shared_init never leaves 0
 * (the PRNG, or the admission epoch), that it was initialised.  Empty by
 * default: no code unless the host defines the macro. */
static void emit_asserts(em *e, bool fault)
{
    rc_cout *o = &e->oc;
    rc_cout_line(o, "RECOV_ASSERT(s != 0);");
    rc_cout_line(o, "RECOV_ASSERT(inc != 0);");
    if (fault) rc_cout_line(o, "RECOV_ASSERT(f != 0);");
    for (int i = 0; i < e->nshared; i++)
        if (e->recs[i].init == 1) {
            rc_cout_line(o, "RECOV_ASSERT(s->%s != 0u); /* P_shared_init was called */", e->recs[i].lval);
            return;
        }
    if (e->any_adm) rc_cout_line(o, "RECOV_ASSERT(s->epoch != 0u); /* P_shared_init was called */");
}

static void emit_entry_points(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;

    /* P_shared_init, P_incident_init */
    rc_cout_line(o, "void %s_shared_init(%s_shared *s, uint32_t now, uint32_t seed)", P, P);
    rc_cout_open(o, "{");
    if (ir->nbudgets == 0 && !ir->age_ms) rc_cout_line(o, "(void)now;");
    for (int i = 0; i < e->nshared; i++) {
        const em_rec *r = &e->recs[i];
        /* not `(seed != 0u) ? seed : DEFAULT`: arm-linux-gnueabihf-gcc 12.2 -O1
         * (Debian 12) stores that as movw alone, DEFAULT's upper half lost
         * (cross.scenarios_and_checkpoints, saturate.rtest) */
        if (r->init == 1)
            rc_cout_line(o, "s->%s = seed | ((seed == 0u) ? RECOV_PRNG_DEFAULT_SEED : 0u);", r->lval);
        else if (r->init == 2) rc_cout_line(o, "s->%s = now;", r->lval);
        else if (r->init == 3) rc_cout_line(o, "s->%s = %" PRIu32 "u;", r->lval, r->def);
        else rc_cout_line(o, "s->%s = 0u;", r->lval);
    }
    if (e->any_adm) rc_cout_line(o, "s->epoch = 1u;");
    if (ir->concurrent) rc_cout_line(o, "s->inflight = 0u;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    rc_cout_line(o, "void %s_incident_init(%s_incident *inc)", P, P);
    rc_cout_open(o, "{");
    for (int i = e->nshared; i < e->nrecs; i++) rc_cout_line(o, "inc->%s = 0u;", e->recs[i].lval);
    if (e->run_block) rc_cout_line(o, "inc->run_block = 0u;");
    if (e->any_adm) rc_cout_line(o, "inc->adm = 0u;");
    if (e->any_slow) rc_cout_line(o, "inc->adm_at = 0u;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);

    /* P_admit */
    rc_cout_line(o, "recov_admit %s_admit(%s_shared *s, %s_incident *inc, uint32_t now)", P, P, P);
    rc_cout_open(o, "{");
    emit_asserts(e, false);
    if (!e->any_adm) {
        rc_cout_line(o, "(void)s;");
        rc_cout_line(o, "(void)inc;");
        rc_cout_line(o, "(void)now;");
        rc_cout_line(o, "return RECOV_ALLOW;");
        rc_cout_close(o, "}");
        rc_cout_blank(o);
    } else {
        if (e->any_pa) { rc_cout_line(o, "const unsigned bt = (unsigned)inc->tgt; /* the instance of per-alternative breakers */"); rc_cout_line(o, "(void)bt;"); }
        if (!ir->nbreakers && !ir->rate_n && !e->any_slow)   /* `limit concurrent` alone needs no clock */
            rc_cout_line(o, "(void)now;");
        for (int i = 0; i < ir->nbreakers; i++) emit_breaker_tick(e, i);
        for (int i = 0; e->sl.n && i < ir->nbreakers; i++) {   /* stats: the first that refuses counts it */
            char npr[32];
            if (ir->breakers[i].probes)
                rc_cout_open(o, "if (((s->%s_state & 1u) != 0u) || ((s->%s_state == %s__HALF_OPEN) && (s->%s_admitted >= %s))) {",
                             e->brk[i], e->brk[i], P, e->brk[i],
                             rc_em_num(e, RC_SLOT_PROBES, i, 0, ir->breakers[i].probes, npr, sizeof npr));
            else
                rc_cout_open(o, "if (((s->%s_state & 1u) != 0u) || (s->%s_state == %s__HALF_OPEN)) {", e->brk[i], e->brk[i], P);
            rc_cout_line(o, "%s__stat(s, %du); /* stats: rejections */", P, rc_stat_brk(&e->sl, i, RC_STAT_REJECTIONS));
            rc_cout_line(o, "return RECOV_REJECT;");
            rc_cout_close(o, "}");
        }
        if (!e->sl.n && ir->nbreakers) {
        rc_cout_begin(o, "if (");
        for (int i = 0; i < ir->nbreakers; i++) {
            if (i) {
                rc_cout_endl(o);
                rc_cout_begin(o, "    || ");
            }
            rc_cout_put(o, "((s->%s_state & 1u) != 0u) || ", e->brk[i]);   /* OPEN or FORCED_OPEN */
            char npr[32];
            if (ir->breakers[i].probes)
                rc_cout_put(o, "((s->%s_state == %s__HALF_OPEN) && (s->%s_admitted >= %s))", e->brk[i], P, e->brk[i],
                            rc_em_num(e, RC_SLOT_PROBES, i, 0, ir->breakers[i].probes, npr, sizeof npr));
            else
                rc_cout_put(o, "(s->%s_state == %s__HALF_OPEN)", e->brk[i], P);
        }
        rc_cout_end_open(o, ") {");
        rc_cout_line(o, "return RECOV_REJECT;");
        rc_cout_close(o, "}");
        }
        emit_admit_limits(e);
        if (ir->nbreakers) rc_cout_line(o, "uint8_t prb = 0u; /* 0x80u: the admission takes a half-open probe */");
        for (int i = 0; i < ir->nbreakers; i++) {
            rc_cout_open(o, "if (s->%s_state == %s__HALF_OPEN) {", e->brk[i], P);
            rc_cout_line(o, "s->%s_admitted = %s__inc16(s->%s_admitted);", e->brk[i], P, e->brk[i]);
            rc_cout_line(o, "s->%s_opened_at = now; /* the last probe's tick */", e->brk[i]);
            rc_cout_line(o, "prb = 0x80u;");
            rc_cout_close(o, "}");
        }
        if (ir->rate_n) rc_cout_line(o, "s->lim_tokens = (uint16_t)(s->lim_tokens - 1u);");
        if (ir->concurrent) {
            rc_cout_open(o, "if ((inc->adm & 0x7Fu) != s->epoch) { /* a new call in flight */");
            rc_cout_line(o, "s->inflight = %s__inc16(s->inflight);", P);
            rc_cout_close(o, "}");
        }
        if (ir->nbreakers) rc_cout_line(o, "inc->adm = (uint8_t)(s->epoch | prb);");
        else rc_cout_line(o, "inc->adm = s->epoch;");
        if (e->any_slow) rc_cout_line(o, "inc->adm_at = now; /* the call starts: slow calls are timed from here */");
        rc_cout_line(o, "return RECOV_ALLOW;");
        rc_cout_close(o, "}");
        rc_cout_blank(o);
    }

    /* P_cancelled */
    rc_cout_line(o, "void %s_cancelled(%s_shared *s, %s_incident *inc, uint32_t now)", P, P, P);
    rc_cout_open(o, "{");
    emit_asserts(e, false);
    if (e->any_pa) { rc_cout_line(o, "const unsigned bt = (unsigned)inc->tgt; /* the instance of per-alternative breakers */"); rc_cout_line(o, "(void)bt;"); }
    rc_cout_line(o, "(void)now;");
    if (!e->any_adm) {
        rc_cout_line(o, "(void)s;");
        rc_cout_line(o, "(void)inc;");
    } else {
        rc_cout_open(o, "if ((inc->adm & 0x7Fu) != s->epoch) { /* holds no admission */");
        rc_cout_line(o, "return;");
        rc_cout_close(o, "}");
        if (ir->nbreakers) rc_cout_open(o, "if ((inc->adm & 0x80u) != 0u) { /* its admission took a probe: give it back */");
        for (int i = 0; i < ir->nbreakers; i++) {
            rc_cout_open(o, "if ((s->%s_state == %s__HALF_OPEN) && (s->%s_admitted > 0u)) {", e->brk[i], P, e->brk[i]);
            rc_cout_line(o, "s->%s_admitted = (uint16_t)(s->%s_admitted - 1u);", e->brk[i], e->brk[i]);
            rc_cout_close(o, "}");
        }
        if (ir->nbreakers) rc_cout_close(o, "}");
        emit_release_slot(e);
        rc_cout_line(o, "inc->adm = 0u;");
    }
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    emit_admit_in(e);
    emit_force(e);

    /* P_failed */
    rc_cout_line(o, "recov_decision %s_failed(%s_shared *s, %s_incident *inc, const %s_fault *f, uint32_t now)", P, P, P, P);
    rc_cout_open(o, "{");
    emit_asserts(e, true);
    if (e->any_pa) { rc_cout_line(o, "const unsigned bt = (unsigned)inc->tgt; /* the instance of per-alternative breakers */"); rc_cout_line(o, "(void)bt;"); }
    if (e->words) {
        rc_cout_line(o, "uint32_t m[%d];", e->words);
        rc_cout_line(o, "unsigned e = %s__classify(f, m);", P);
    } else {
        rc_cout_line(o, "unsigned e = %s__classify(f);", P);
    }
    if (ir->nblocks) {
        rc_cout_line(o, "unsigned b;");
        rc_cout_line(o, "uint32_t el;");
    }
    if (e->any_slow)
        rc_cout_line(o, "uint32_t took = ((inc->adm & 0x7Fu) == s->epoch) ? RECOV_ELAPSED(now, inc->adm_at) : 0u;");
    bool giveback = false;   /* a breaker that gives an uncounted outcome's probe back */
    for (int i = 0; i < ir->nbreakers; i++) {
        int k = rc_em_set_count(ir->breakers[i].counts, ir->nerrors);
        if (k > 0 && k < ir->nerrors) giveback = true;
    }
    if (giveback) {   /* no composite ?: into a wider type (MISRA C:2012 10.6) */
        rc_cout_line(o, "unsigned held = 0u; /* a probe to give back */");
        rc_cout_line(o, "if (inc->adm == (uint8_t)(s->epoch | 0x80u)) { held = 1u; } /* its admission took a probe */");
    }
    rc_cout_line(o, "(void)s;");
    if (e->any_slow) rc_cout_line(o, "(void)took; /* read only by breakers that count the error */");
    emit_release_slot(e);
    if (e->any_adm) rc_cout_line(o, "inc->adm = 0u; /* P_failed 2: the admission is released */");
    rc_cout_open(o, "if (inc->active == 0u) { /* P_failed 2: a new incident */");
    rc_cout_line(o, "inc->active = 1u;");
    rc_cout_line(o, "inc->start = now;");
    rc_cout_line(o, "inc->attempt = 0u;");
    for (int b = 0; b < ir->nblocks; b++) {
        rc_cout_line(o, "inc->%s_pos = 0u;", e->blk[b]);
        rc_cout_line(o, "inc->%s_sub = 0u;", e->blk[b]);
        if (e->blk_prev[b]) rc_cout_line(o, "inc->%s_prev = 0u;", e->blk[b]);
    }
    if (ir->age_incidents) {
        rc_cout_line(o, "s->aged_n = %s__inc16(s->aged_n); /* ageing by incidents */", P);
        rc_cout_open(o, "if (s->aged_n >= %uu) {", (unsigned)ir->age_incidents);
        rc_cout_line(o, "%s__age(s, 1u);", P);
        rc_cout_line(o, "s->aged_n = 0u;");
        rc_cout_close(o, "}");
    }
    if (ir->age_ms) rc_cout_line(o, "%s__age_time(s, now);", P);
    rc_cout_close(o, "}");
    if (e->any_run) rc_cout_line(o, "inc->pending = 0u;");
    rc_cout_line(o, "inc->attempt = %s__inc16(inc->attempt);", P);
    rc_cout_line(o, "inc->error = (%s)e;", e->err_t);
    if (e->sl.n) rc_em_stat_err(e, "e", RC_STAT_FAILURES);
    if (e->sl.n && ir->nhandlers) rc_cout_line(o, "inc->stat_handler = 0u; /* stats: a RUN never reported */");
    if (e->any_fallback) {
        rc_cout_open(o, "if (inc->last_alt != 0u) { /* P_failed 4: learning */");
        rc_cout_line(o, "s->alt_failed[inc->last_alt - 1u] = %s__inc16(s->alt_failed[inc->last_alt - 1u]);", P);
        rc_cout_close(o, "}");
        rc_cout_line(o, "inc->last_alt = 0u;");
    }
    if (e->any_runlist)
        rc_cout_line(o, "inc->last_handler = 0u; /* an unreported handler teaches nothing */");
    for (int i = 0; i < ir->nbreakers; i++) emit_breaker_fail(e, i);
    if (ir->nbudgets) rc_cout_line(o, "%s__budget_count(s, now);", P);
    /* a block for every error with no `when` (the check's catch-all rule):
     * P__select always picks one, so there is no "no block" path */
    bool total = false;
    for (int b = 0; b < ir->nblocks && !total; b++) {
        int w = ir->blocks[b].when >= 0 ? rc_em_fold(e, ir->blocks[b].when, CTX_WHEN) : 1;
        if (w == 1 && rc_em_set_count(ir->blocks[b].errors, ir->nerrors) == ir->nerrors) total = true;
    }
    if (ir->nblocks) {
        rc_cout_line(o, "el = RECOV_ELAPSED(now, inc->start); /* ticks wrap; a clock gone back reads 0 */");
        rc_cout_line(o, "b = %s__select(s, inc, f, %se, el);", P, e->words ? "m, " : "");
        if (total) {
            if (e->run_block) rc_cout_line(o, "inc->run_block = (uint8_t)b;");
            else rc_cout_line(o, "(void)b; /* one block */");
            rc_cout_line(o, "return %s__run(s, inc, f, %s);", P, run_arg(e, true));
        } else {
            rc_cout_open(o, "if (b < %du) {", ir->nblocks);
            if (e->run_block) rc_cout_line(o, "inc->run_block = (uint8_t)b;");
            rc_cout_line(o, "return %s__run(s, inc, f, %s);", P, run_arg(e, true));
            rc_cout_close(o, "}");
        }
    } else {
        rc_cout_line(o, "(void)e;");
    }
    if (!ir->nblocks || !total) emit_end_abort(e);
    rc_cout_close(o, "}");
    rc_cout_blank(o);

    /* P_handler_done */
    rc_cout_line(o, "recov_decision %s_handler_done(%s_shared *s, %s_incident *inc, bool ok, uint32_t now)", P, P, P);
    rc_cout_open(o, "{");
    emit_asserts(e, false);
    if (!e->any_run) {
        rc_cout_line(o, "(void)s;");
        rc_cout_line(o, "(void)ok;");
        rc_cout_line(o, "(void)now;");
        rc_cout_line(o, "return %s__dec(inc, RECOV_NONE, 0u);", P);
        rc_cout_close(o, "}");
        rc_cout_blank(o);
    } else {
        rc_cout_line(o, "unsigned b;");
        rc_cout_open(o, "if (inc->pending == 0u) {");
        rc_cout_line(o, "return %s__dec(inc, RECOV_NONE, 0u);", P);
        rc_cout_close(o, "}");
        rc_cout_line(o, "b = inc->pending - 1u;");
        rc_cout_line(o, "inc->pending = 0u;");
        if (e->sl.n) {
            rc_cout_open(o, "if (ok && (inc->stat_handler != 0u)) {");
            rc_cout_line(o, "%s__stat(s, %du + ((inc->stat_handler - 1u) * %du)); /* stats: handler successes */", P,
                         rc_stat_hnd(&e->sl, 0, RC_STAT_SUCCESSES), RC_STAT_USE_KINDS);
            rc_cout_close(o, "}");
            rc_cout_line(o, "inc->stat_handler = 0u;");
        }
        if (e->any_runlist) {
            rc_cout_open(o, "if (inc->last_handler != 0u) { /* learning of `run H1, H2...` */");
            rc_cout_open(o, "if (ok) {");
            rc_cout_line(o, "s->hnd_ok[inc->last_handler - 1u] = %s__inc16(s->hnd_ok[inc->last_handler - 1u]);", P);
            rc_cout_reopen(o, "} else {");
            rc_cout_line(o, "s->hnd_failed[inc->last_handler - 1u] = %s__inc16(s->hnd_failed[inc->last_handler - 1u]);", P);
            rc_cout_close(o, "}");
            rc_cout_line(o, "inc->last_handler = 0u;");
            rc_cout_close(o, "}");
        }
        emit_handler_next(e);
        rc_cout_open(o, "if (ok) { /* the handler fixed it: retry at once, nothing counted */");
        rc_cout_line(o, "return %s__dec(inc, RECOV_RETRY, 0u);", P);
        rc_cout_close(o, "}");
        if (e->run_block) rc_cout_line(o, "inc->run_block = (uint8_t)b;");
        else rc_cout_line(o, "(void)b; /* one block */");
        rc_cout_line(o, "return %s__run(s, inc, NULL, %s);", P, run_arg(e, false));
        rc_cout_close(o, "}");
        rc_cout_blank(o);
    }

    /* P_succeeded */
    rc_cout_line(o, "void %s_succeeded(%s_shared *s, %s_incident *inc, uint32_t now)", P, P, P);
    rc_cout_open(o, "{");
    emit_asserts(e, false);
    bool now_used = ir->nbudgets || ir->age_ms;
    for (int i = 0; i < ir->nbreakers; i++)
        if (rc_em_set_count(ir->breakers[i].counts, ir->nerrors) > 0 &&
            (ir->breakers[i].mode == RC_BREAKER_RATE || ir->breakers[i].close_below_pct))
            now_used = true;
    if (e->any_pa) { rc_cout_line(o, "const unsigned bt = (unsigned)inc->tgt; /* the instance of per-alternative breakers */"); rc_cout_line(o, "(void)bt;"); }
    for (int i = 0; i < ir->nbreakers; i++)
        if (ir->breakers[i].mode == RC_BREAKER_TIME) now_used = true;
    if (e->any_slow)
        rc_cout_line(o, "uint32_t took = ((inc->adm & 0x7Fu) == s->epoch) ? RECOV_ELAPSED(now, inc->adm_at) : 0u;");
    if (!now_used) rc_cout_line(o, "(void)now;");
    rc_cout_line(o, "(void)s;");
    if (ir->age_ms) rc_cout_line(o, "%s__age_time(s, now); /* P_succeeded 0 */", P);
    emit_release_slot(e);
    if (e->any_adm) rc_cout_line(o, "inc->adm = 0u; /* the admission is released */");
    if (e->any_fallback) {
        rc_cout_open(o, "if (inc->last_alt != 0u) {");
        rc_cout_line(o, "s->alt_ok[inc->last_alt - 1u] = %s__inc16(s->alt_ok[inc->last_alt - 1u]);", P);
        if (e->sl.n)
            rc_cout_line(o, "%s__stat(s, %du + ((inc->last_alt - 1u) * %du)); /* stats: alternative successes */", P,
                         rc_stat_alt(&e->sl, 0, RC_STAT_SUCCESSES), RC_STAT_USE_KINDS);
        rc_cout_close(o, "}");
    }
    if (e->sl.n) {
        rc_cout_open(o, "if (inc->active != 0u) {");
        rc_em_stat_err(e, "inc->error", RC_STAT_RECOVERED);
        rc_cout_close(o, "}");
    }
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        rc_cout_open(o, "if (s->%s_state == %s__CLOSED) {", e->brk[i], P);
        if (b->mode == RC_BREAKER_CONSECUTIVE) {
            rc_cout_line(o, "s->%s_fails = 0u;", e->brk[i]);
        } else if (b->mode == RC_BREAKER_NET) { /* a success takes one failure off, never below 0 */
            rc_cout_open(o, "if (s->%s_fails > 0u) {", e->brk[i]);
            rc_cout_line(o, "s->%s_fails = (uint16_t)(s->%s_fails - 1u);", e->brk[i], e->brk[i]);
            rc_cout_close(o, "}");
        } else if (b->mode == RC_BREAKER_TIME) {
            if (b->slow_ms)
                rc_cout_line(o, "%s__%s_record(s, %snow, 0u, (took > %" PRIu32 "u) ? 1u : 0u);", P, e->brk[i], bt_arg(e, i),
                             b->slow_ms);
            else if (rc_em_set_count(b->counts, ir->nerrors) > 0)
                rc_cout_line(o, "%s__%s_record(s, %snow, 0u);", P, e->brk[i], bt_arg(e, i));
            else
                rc_cout_line(o, "/* it counts no error: it never opens */");
        } else if (rc_ir_window_ring(b)) {
            bool check = rc_em_set_count(b->counts, ir->nerrors) > 0; /* else it never has a failure */
            if (check) rc_cout_line(o, "uint32_t nf;");
            rc_cout_line(o, "%s__%s_push(s, 0u);", P, e->brk[i]);
            if (check) emit_rate_check(e, i);
        } else {
            bool check = rc_em_set_count(b->counts, ir->nerrors) > 0; /* else it never has a failure */
            if (check) {
                rc_cout_line(o, "uint32_t x;");
                rc_cout_line(o, "uint32_t nf = 0u;");
            }
            if (b->window >= 32) rc_cout_line(o, "s->%s_window = s->%s_window << 1;", e->brk[i], e->brk[i]);
            else rc_cout_line(o, "s->%s_window = (s->%s_window << 1) & 0x%08" PRIX32 "u;", e->brk[i], e->brk[i], (uint32_t)((1u << b->window) - 1u));
            emit_window_count(e, i);
            if (check) emit_rate_check(e, i);
        }
        rc_cout_reopen(o, "} else if (s->%s_state == %s__HALF_OPEN) {", e->brk[i], P);
        rc_cout_line(o, "s->%s_successes = %s__inc16(s->%s_successes);", e->brk[i], P, e->brk[i]);
        char ncl[32];
        if (b->close_below_pct && rc_em_set_count(b->counts, ir->nerrors) > 0) {
            rc_cout_line(o, "%s__%s_decide(s, %snow);", P, e->brk[i], bt_arg(e, i));
        } else {
            if (b->close_after)
                rc_cout_open(o, "if (s->%s_successes >= %s) {", e->brk[i],
                             rc_em_num(e, RC_SLOT_CLOSE_AFTER, i, 0, b->close_after, ncl, sizeof ncl));
            else rc_cout_open(o, "{");
            emit_breaker_close(e, i);
            rc_cout_close(o, "}");
        }
        rc_cout_reopen(o, "} else {");
        rc_cout_line(o, "/* open: nothing to count */");
        rc_cout_close(o, "}");
    }
    if (ir->nbudgets) rc_cout_line(o, "%s__budget_count(s, now);", P);
    for (int l = 0; l < RC_SEV_COUNT; l++)
        if (e->unres[l]) rc_cout_line(o, "s->%s = 0u;", e->unres_name[l]);
    rc_cout_line(o, "%s__end(inc);", P);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

void rc_em_machine(em *e)
{
    const rc_ir *ir = e->ir;
    emit_helpers(e);
    rc_em_stats_helpers(e);
    emit_classify(e);
    for (int r = 0; r < ir->nretries; r++)
        if (rc_em_retry_used(ir, r)) rc_em_delay(e, r);
    emit_budget_funcs(e);
    emit_breaker_funcs(e);
    emit_unavail(e);
    emit_bucket_funcs(e);
    emit_escalate(e);
    emit_run(e);
    if (ir->nblocks) emit_select(e);
    emit_entry_points(e);
}
