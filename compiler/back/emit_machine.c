/* emit_machine.c - the state machine of P.c: classify, retry delays,
 * budgets, breakers, escalation, the blocks and the entry points
 * (spec/semantics.md).  Part of the C back end (emit_int.h). */
#include "emit_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void emit_helpers(em *e)
{
    FILE *c = e->c;
    const char *P = e->P;
    fprintf(c, "static uint16_t %s__inc16(uint16_t v)\n{\n    return (v == 0xFFFFu) ? v : (uint16_t)(v + 1u);\n}\n\n", P);
    fprintf(c, "/* A decision carrying the current error and attempt. */\n");
    fprintf(c, "static recov_decision %s__dec(const %s_state *s, unsigned kind, unsigned id, uint32_t ms)\n{\n"
               "    recov_decision d;\n    d.kind = (uint8_t)kind;\n    d.severity = %s__sev[s->error];\n"
               "    d.error_class = (uint8_t)%s__cls[s->error];\n    d.level = 0u;\n    d.error = s->error;\n"
               "    d.id = (uint16_t)id;\n    d.attempt = s->attempt;\n    d.ms = ms;\n    return d;\n}\n\n",
            P, P, P, P);
    fprintf(c, "/* \"The incident ends\". */\nstatic void %s__end(%s_state *s)\n{\n    s->active = 0u;\n", P, P);
    if (e->any_run) fprintf(c, "    s->pending = 0u;\n");
    if (e->any_fallback) fprintf(c, "    s->last_alt = 0u;\n");
    if (e->any_runlist) fprintf(c, "    s->last_handler = 0u;\n");
    fprintf(c, "}\n\n");
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

static void emit_scan(em *e, int t, const char *ind)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *sfx = e->scan[t];     /* emit_dfa chose the form */
    const rc_ir_field *tf = &ir->fields[ir->texts[t].field];
    if (tf->text_cap) /* char[N]: never read past the array, NUL or not */
        fprintf(c, "%srecov_dfa_scan%s(&%s__t%d, f->%s, (%" PRIu32 "u < RECOV_MAX_TEXT) ? %" PRIu32
                   "u : RECOV_MAX_TEXT, &m[%d]);\n", ind, sfx, e->P, t, tf->name, tf->text_cap,
                tf->text_cap, e->woff[t]);
    else
        fprintf(c, "%srecov_dfa_scan%s(&%s__t%d, f->%s, RECOV_MAX_TEXT, &m[%d]);\n", ind, sfx,
                e->P, t, tf->name, e->woff[t]);
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
static void emit_late_scans(em *e, const bool *scanned, const bool *late, const char *ind)
{
    for (int t = 0; t < e->ir->ntexts; t++)
        if (late[t] && !scanned[t]) emit_scan(e, t, ind);
}

/* `if (x) { late scans; return rule r's error; }` at indentation ind. */
static void emit_test(em *e, int x, int r, const bool *scanned, const bool *late, const char *ind)
{
    char in2[32];
    snprintf(in2, sizeof in2, "%s    ", ind);
    fprintf(e->c, "%sif (", ind);
    rc_em_put_expr(e, e->c, x, CTX_CLASSIFY);
    fprintf(e->c, ") {\n");
    emit_late_scans(e, scanned, late, in2);
    fprintf(e->c, "%sreturn %du;\n%s}\n", in2, e->ir->rules[r].error, ind);
}

/* The mask word that test x reads when it is exactly one pattern bit, else -1. */
static int match_word(const em *e, int x)
{
    const rc_ir_expr *ex = &e->ir->exprs[x];
    if (ex->kind != RC_X_MATCH) return -1;
    return e->woff[e->ir->fields[ex->field].text_index] + ex->pattern / 32;
}

static void emit_classify(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    for (int t = 0; t < ir->ntexts; t++) rc_em_dfa(e, t);
    fprintf(c, "/* P_failed 1: the first rule that holds.  A text field is scanned once, just\n"
               " * before the first rule that reads it. */\n");
    if (e->words)
        fprintf(c, "static unsigned %s__classify(const %s_fault *f, uint32_t *m)\n{\n", P, P);
    else
        fprintf(c, "static unsigned %s__classify(const %s_fault *f)\n{\n", P, P);
    bool *scanned = calloc((size_t)ir->ntexts + 1, sizeof *scanned);
    int *need = calloc((size_t)ir->ntexts + 1, sizeof *need);
    bool *late = calloc((size_t)ir->ntexts + 1, sizeof *late);
    int *dj = NULL, djcap = 0;
    if (!scanned || !need || !late) exit(3);
    when_texts(e, late);
    /* (void) only for a parameter no rule reads (MISRA 2.2 counts each) */
    bool reads_f = false, reads_m = false;
    for (int r = 0; r < ir->nrules; r++) {
        int k = rc_em_fold(e, ir->rules[r].cond, CTX_CLASSIFY);
        if (k == 1) break;
        if (k == 0) continue;
        reads_f = true;
        if (rule_texts(e, ir->rules[r].cond, need) > 0) reads_m = true;
    }
    for (int t = 0; t < ir->ntexts; t++)
        if (late[t]) reads_f = reads_m = true;
    if (!reads_f) fprintf(c, "    (void)f;\n");
    if (e->words && !reads_m) fprintf(c, "    (void)m;\n");
    /* the tests in order: (rule, disjunct); a rule that always holds ends them */
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
    for (int i = 0; i < nit; i++) {
        int r = it[i][0];
        if (it[i][1] < 0) {
            emit_late_scans(e, scanned, late, "    ");
            fprintf(c, "    return %du;\n", ir->rules[r].error);
            break;
        }
        /* lazy scanning: a text field's DFA runs just before the first rule
         * that reads it (rules are tested in order, so each runs at most once) */
        int nneed = rule_texts(e, it[i][1], need);
        for (int n = 0; n < nneed; n++) {
            if (scanned[need[n]]) continue;
            scanned[need[n]] = true;
            emit_scan(e, need[n], "    ");
        }
        /* a run of tests that are each one bit of the same mask word (one
         * pattern each) goes under one test of the word: a text that
         * matches none of them costs one compare, not one per rule */
        int w = match_word(e, it[i][1]), run = 1;
        while (w >= 0 && i + run < nit && it[i + run][1] >= 0 && match_word(e, it[i + run][1]) == w) run++;
        if (run >= 4) {
            fprintf(c, "    if (m[%d] != 0u) {\n", w);
            for (int j = i; j < i + run; j++) emit_test(e, it[j][1], it[j][0], scanned, late, "        ");
            fprintf(c, "    }\n");
            i += run - 1;
            continue;
        }
        emit_test(e, it[i][1], r, scanned, late, "    ");
    }
    free(it);
    free(dj);
    if (!done) {
        emit_late_scans(e, scanned, late, "    ");
        fprintf(c, "    return %du;\n", ir->nrules > 0 ? ir->rules[ir->nrules - 1].error : 0);
    }
    free(scanned);
    free(need);
    free(late);
    fprintf(c, "}\n\nunsigned %s_classify(const %s_fault *f)\n{\n", P, P);
    if (e->words)
        fprintf(c, "    uint32_t m[%d];\n    return %s__classify(f, m);\n}\n\n", e->words, P);
    else
        fprintf(c, "    return %s__classify(f);\n}\n\n", P);
}

/* Retry delay of strategy r ("Retry delay for retry n"). */
static void emit_delay(em *e, int r)
{
    const rc_ir *ir = e->ir;
    const rc_ir_retry *rt = &ir->retries[r];
    FILE *c = e->c;
    const char *P = e->P;
    bool esc = false, ssc = false;
    for (int i = 0; i < ir->nerrors; i++) if (rt->error_scale[i] != 1000u) esc = true;
    for (int i = 0; i < RC_SEV_COUNT; i++) if (rt->sev_scale[i] != 1000u) ssc = true;
    bool dec = rt->jitter == RC_JITTER_DECORRELATED;
    fprintf(c, "/* retry %s */\nstatic uint32_t %s__delay%d(%s_state *s, const %s_fault *f, uint32_t n%s)\n{\n",
            rt->name, P, r, P, P, dec ? ", uint32_t prev" : "");
    fprintf(c, "    uint32_t d = recov_backoff(%du, %" PRIu32 "u, %" PRIu32 "u, n);\n    (void)s;\n    (void)f;\n",
            (int)rt->backoff, rt->base_ms, rt->factor_milli);
    /* a scale of 1000 is the identity of recov_mul_milli, so it is left out */
    if (esc) fprintf(c, "    d = recov_mul_milli(d, %s__r%d_escale[s->error]);\n", P, r);
    if (ssc) fprintf(c, "    d = recov_mul_milli(d, %s__r%d_sscale[%s__sev[s->error]]);\n", P, r, P);
    if (rt->jitter != RC_JITTER_NONE) {
        if (dec)
            fprintf(c, "    d = recov_jitter(&s->prng, %du, %du, d, %" PRIu32 "u, (prev != 0u) ? prev : %" PRIu32 "u);\n",
                    (int)rt->jitter, rt->jitter_pct, rt->base_ms, rt->base_ms);
        else /* only DECORRELATED reads prev */
            fprintf(c, "    d = recov_jitter(&s->prng, %du, %du, d, %" PRIu32 "u, %" PRIu32 "u);\n",
                    (int)rt->jitter, rt->jitter_pct, rt->base_ms, rt->base_ms);
    }
    if (rt->max_ms != UINT32_MAX)
        fprintf(c, "    if (d > %" PRIu32 "u) {\n        d = %" PRIu32 "u;\n    }\n", rt->max_ms, rt->max_ms);
    if (rt->honor_field >= 0) {
        const rc_ir_field *fd = &ir->fields[rt->honor_field];
        switch (fd->type) {
        case RC_TY_I8: case RC_TY_I16: case RC_TY_I32:
            fprintf(c, "    if ((f != NULL) && (f->%s > 0) && ((uint32_t)f->%s > d)) {\n        d = (uint32_t)f->%s;\n    }\n",
                    fd->name, fd->name, fd->name);
            break;
        case RC_TY_BOOL:
            fprintf(c, "    if ((f != NULL) && f->%s && (d < 1u)) {\n        d = 1u;\n    }\n", fd->name);
            break;
        case RC_TY_TEXT:
            break;
        default:
            fprintf(c, "    if ((f != NULL) && ((uint32_t)f->%s > d)) {\n        d = (uint32_t)f->%s;\n    }\n", fd->name, fd->name);
            break;
        }
    }
    fprintf(c, "    return d;\n}\n\n");
}

static void emit_budget_funcs(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    if (ir->nbudgets == 0) return;
    fprintf(c, "/* Budgets roll their window, then count the outcome. */\n"
               "static void %s__budget_count(%s_state *s, uint32_t now)\n{\n", P, P);
    for (int i = 0; i < ir->nbudgets; i++)
        fprintf(c, "    if ((uint32_t)(now - s->bud%d_wstart) >= %" PRIu32 "u) {\n"
                   "        s->bud%d_wstart = now;\n        s->bud%d_calls = 0u;\n        s->bud%d_retries = 0u;\n    }\n"
                   "    s->bud%d_calls = %s__inc16(s->bud%d_calls);\n",
                i, ir->budgets[i].window_ms, i, i, i, i, P, i);
    fprintf(c, "}\n\n");
    bool retries = false;
    for (int b = 0; b < ir->nblocks; b++)
        for (int i = 0; i < ir->blocks[b].nsteps; i++)
            if (ir->blocks[b].steps[i].kind == RC_IR_RETRY) retries = true;
    if (!retries) return;
    fprintf(c, "/* Every budget allows one more retry. */\nstatic int %s__budget_ok(const %s_state *s)\n{\n"
               "    uint32_t lim;\n", P, P);
    for (int i = 0; i < ir->nbudgets; i++) {
        fprintf(c, "    lim = (uint32_t)s->bud%d_calls * %du / 100u;\n", i, ir->budgets[i].ratio_pct);
        if (ir->budgets[i].min_retries)
            fprintf(c, "    if (lim < %du) {\n        lim = %du;\n    }\n", ir->budgets[i].min_retries, ir->budgets[i].min_retries);
        fprintf(c, "    if (s->bud%d_retries >= lim) {\n        return 0;\n    }\n", i);
    }
    fprintf(c, "    return 1;\n}\n\n");
}

static void emit_breaker_funcs(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        if (rc_em_set_count(b->counts, ir->nerrors) == 0) continue;
        fprintf(c, "/* breaker %s opens */\nstatic void %s__open%d(%s_state *s, uint32_t now)\n{\n"
                   "    s->brk%d_state = 1u;\n    s->brk%d_opened_at = now;\n", b->name, e->P, i, e->P, i, i);
        if (b->mode == RC_BREAKER_CONSECUTIVE) fprintf(c, "    s->brk%d_fails = 0u;\n", i);
        else fprintf(c, "    s->brk%d_window = 0u;\n    s->brk%d_n = 0u;\n", i, i);
        fprintf(c, "    s->brk%d_admitted = 0u;\n    s->brk%d_successes = 0u;\n}\n\n", i, i);
    }
}

static void emit_escalate(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    if (!e->any_esc) return;
    fprintf(c, "/* ESCALATE at level lv, after the `unresolved` rule of that level. */\n"
               "static recov_decision %s__escalate(%s_state *s, unsigned level)\n{\n    recov_decision d;\n"
               "    unsigned lv = level;\n", P, P);
    /* an else-if chain: a promoted level is not promoted again */
    const char *kw = "    if";
    for (int l = 0; l < RC_SEV_COUNT; l++) {
        if (!e->unres[l]) continue;
        fprintf(c, "%s (lv == %du) {\n        s->unres%d = %s__inc16(s->unres%d);\n"
                   "        if (s->unres%d >= %du) {\n            s->unres%d = 0u;\n            lv = %du;\n        }\n"
                   "    }", kw, l, l, P, l, l, ir->escalation.unresolved_after[l], l,
                (int)ir->escalation.unresolved_to[l]);
        kw = " else if";
    }
    if (e->any_unres) fprintf(c, "\n");
    fprintf(c, "    %s__end(s);\n", P);
    if (ir->has_escalation)
        fprintf(c, "    d = %s__dec(s, RECOV_ESCALATE, %s__esc_chan[lv], %s__esc_sla[lv]);\n", P, P, P);
    else
        fprintf(c, "    d = %s__dec(s, RECOV_ESCALATE, 0u, 0u);\n", P);
    fprintf(c, "    d.level = (uint8_t)lv;\n    return d;\n}\n\n");
}

/* Running block b: a loop over its step position. */
/* ADJUST and a single `run H`: one decision, then the next step. */
static void emit_step_once(em *e, int bi, int i, const rc_ir_step *st)
{
    fprintf(e->c, "            s->blk%d_pos = %du;\n            s->blk%d_sub = 0u;\n", bi, i + 1, bi);
    if (st->kind == RC_IR_RUN) fprintf(e->c, "            s->pending = %du;\n", bi + 1);
    fprintf(e->c, "            return %s__dec(s, %s, %du, %" PRIu32 "u);\n", e->P,
            st->kind == RC_IR_RUN ? "RECOV_RUN" : "RECOV_ADJUST", st->id, st->ms);
}

static void emit_block(em *e, int bi)
{
    const rc_ir *ir = e->ir;
    const rc_ir_block *b = &ir->blocks[bi];
    FILE *c = e->c;
    const char *P = e->P;
    uint32_t dl = b->deadline_ms ? b->deadline_ms : ir->deadline_ms;
    bool need_f = false, need_el = false;

    for (int i = 0; i < b->nsteps; i++) {
        rc_ir_stepkind k = b->steps[i].kind;
        if (k == RC_IR_RETRY) need_f = true;
        if (dl && (k == RC_IR_RETRY || k == RC_IR_FALLBACK || k == RC_IR_ADJUST || k == RC_IR_RUN)) need_el = true;
    }
    fprintf(c, "/* on-block %d */\nstatic recov_decision %s__blk%d(%s_state *s, const %s_fault *f, uint32_t el)\n{\n",
            bi, P, bi, P, P);
    if (!need_f) fprintf(c, "    (void)f;\n");
    if (!need_el) fprintf(c, "    (void)el;\n");
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
        const rc_ir_step *st = &b->steps[0];
        if (st->kind == RC_IR_DEGRADE)
            fprintf(c, "    %s__end(s);\n    return %s__dec(s, RECOV_DEGRADE, %du, 0u);\n}\n\n", P, P, st->id);
        else if (st->kind == RC_IR_ABORT)
            fprintf(c, "    %s__end(s);\n    return %s__dec(s, RECOV_ABORT, 0u, 0u);\n}\n\n", P, P);
        else if (st->level >= 0)
            fprintf(c, "    return %s__escalate(s, %du);\n}\n\n", P, st->level);
        else
            fprintf(c, "    return %s__escalate(s, %s__sev[s->error]);\n}\n\n", P, P);
        return;
    }
    fprintf(c, "    for (;;) {\n");
    if (dl && need_el && first_end > 0) {
        if (b->terminal >= 0)
            fprintf(c, "        if ((el > %" PRIu32 "u) && (s->blk%d_pos < %du)) { /* deadline: the terminal step */\n"
                       "            s->blk%d_pos = %du;\n        }\n", dl, bi, first_end, bi, b->terminal);
        else
            fprintf(c, "        if ((el > %" PRIu32 "u) && (s->blk%d_pos < %du)) { /* deadline, no terminal step */\n"
                       "            %s__end(s);\n            return %s__dec(s, RECOV_ABORT, 0u, 0u);\n"
                       "        }\n", dl, bi, first_end, P, P);
    }
    fprintf(c, "        switch (s->blk%d_pos) {\n", bi);
    for (int i = 0; i < b->nsteps; i++) {
        const rc_ir_step *st = &b->steps[i];
        fprintf(c, "        case %du:\n", i);
        if (last_ends && i == b->nsteps - 1) fprintf(c, "        default:\n");
        switch (st->kind) {
        case RC_IR_RETRY: {
            const rc_ir_retry *rt = &ir->retries[st->retry];
            fprintf(c, "            /* retry %s */\n            if ((s->blk%d_sub < %du)", rt->name, bi, rt->attempts);
            for (int k = 0; k < ir->nbreakers; k++) fprintf(c, " && (s->brk%d_state != 1u)", k);
            if (ir->nbudgets) fprintf(c, " && %s__budget_ok(s)", P);
            fprintf(c, ") {\n                uint32_t d;\n                s->blk%d_sub = (uint16_t)(s->blk%d_sub + 1u);\n", bi, bi);
            for (int k = 0; k < ir->nbudgets; k++)
                fprintf(c, "                s->bud%d_retries = %s__inc16(s->bud%d_retries);\n", k, P, k);
            if (rt->jitter == RC_JITTER_DECORRELATED)
                fprintf(c, "                d = %s__delay%d(s, f, s->blk%d_sub, s->blk%d_prev);\n", P, st->retry, bi, bi);
            else
                fprintf(c, "                d = %s__delay%d(s, f, s->blk%d_sub);\n", P, st->retry, bi);
            if (e->blk_prev[bi]) fprintf(c, "                s->blk%d_prev = d;\n", bi);
            fprintf(c, "                return %s__dec(s, RECOV_RETRY, 0u, d);\n            }\n", P);
            fprintf(c, "            s->blk%d_pos = %du;\n            s->blk%d_sub = 0u;\n", bi, i + 1, bi);
            if (e->blk_prev[bi]) fprintf(c, "            s->blk%d_prev = 0u;\n", bi);
            fprintf(c, "            break;\n");
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
            const char *learned = run ? "hnd_ok" : "alt_ok";
            fprintf(c, "            {\n                unsigned i;\n                unsigned best = %du;\n"
                       "                for (i = 0u; i < %du; i++) {\n"
                       "                    if ((((unsigned)s->blk%d_sub >> i) & 1u) != 0u) {\n                        continue;\n                    }\n",
                    n, n, bi);
            if (st->adaptive)
                fprintf(c, "                    if ((best == %du) || (s->%s[%s__b%d_s%d[i]] > s->%s[%s__b%d_s%d[best]])) {\n                        best = i;\n                    }\n", n, learned, P, bi, i, learned, P, bi, i);
            else
                fprintf(c, "                    best = i;\n                    break;\n");
            fprintf(c, "                }\n                if (best < %du) {\n"
                       "                    s->blk%d_sub = (uint16_t)(s->blk%d_sub | (1u << best));\n"
                       "                    s->%s = (uint16_t)(%s__b%d_s%d[best] + 1u);\n",
                    n, bi, bi, run ? "last_handler" : "last_alt", P, bi, i);
            if (run)
                fprintf(c, "                    s->pending = %du;\n"
                           "                    return %s__dec(s, RECOV_RUN, %s__b%d_s%d[best], %" PRIu32 "u);\n",
                        bi + 1, P, P, bi, i, st->ms);
            else
                fprintf(c, "                    return %s__dec(s, RECOV_FALLBACK, %s__b%d_s%d[best], 0u);\n",
                        P, P, bi, i);
            fprintf(c, "                }\n            }\n"
                       "            s->blk%d_pos = %du;\n            s->blk%d_sub = 0u;\n            break;\n",
                    bi, i + 1, bi);
            break;
        }
        case RC_IR_ADJUST:
            emit_step_once(e, bi, i, st);
            break;
        case RC_IR_DEGRADE:
            fprintf(c, "            %s__end(s);\n            return %s__dec(s, RECOV_DEGRADE, %du, 0u);\n", P, P, st->id);
            break;
        case RC_IR_ESCALATE:
            if (st->level >= 0)
                fprintf(c, "            return %s__escalate(s, %du);\n", P, st->level);
            else
                fprintf(c, "            return %s__escalate(s, %s__sev[s->error]);\n", P, P);
            break;
        case RC_IR_ABORT:
            fprintf(c, "            %s__end(s);\n            return %s__dec(s, RECOV_ABORT, 0u, 0u);\n", P, P);
            break;
        }
    }
    if (!last_ends)
        fprintf(c, "        default: /* ran off the end */\n            %s__end(s);\n"
                   "            return %s__dec(s, RECOV_ABORT, 0u, 0u);\n", P, P);
    fprintf(c, "        }\n    }\n}\n\n");
}

static void emit_run(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;
    if (ir->nblocks == 0) return;
    for (int b = 0; b < ir->nblocks; b++) emit_block(e, b);
    fprintf(c, "static recov_decision %s__run(%s_state *s, unsigned b, const %s_fault *f, uint32_t el)\n{\n", P, P, P);
    for (int b = 0; b + 1 < ir->nblocks; b++)
        fprintf(c, "    if (b == %du) {\n        return %s__blk%d(s, f, el);\n    }\n", b, P, b);
    if (ir->nblocks == 1) fprintf(c, "    (void)b;\n");
    fprintf(c, "    return %s__blk%d(s, f, el);\n}\n\n", P, ir->nblocks - 1);
}

/* P_failed 7: the first block whose errors hold e and whose `when` holds. */
static void emit_select(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
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
    fprintf(c, "static unsigned %s__select(const %s_state *s, const %s_fault *f, %sunsigned e, uint32_t el)\n{\n"
               "    (void)s;\n    (void)f;\n    (void)e;\n    (void)el;\n%s",
            P, P, P, e->words ? "const uint32_t *m, " : "", e->words ? "    (void)m;\n" : "");
    for (int b = 0; b < ir->nblocks; b++) {
        const rc_ir_block *bl = &ir->blocks[b];
        int k = rc_em_set_count(bl->errors, ir->nerrors);
        int w = bl->when >= 0 ? rc_em_fold(e, bl->when, CTX_WHEN) : 1;
        if (k == 0 || w == 0) continue;
        snprintf(tab, sizeof tab, "%s__b%d_err", P, b);
        if (k == ir->nerrors && w == 1) {
            fprintf(c, "    return %du;\n}\n\n", b);
            return;
        }
        bool both = k < ir->nerrors && w != 1;  /* clang: no (( )) around a lone == */
        fprintf(c, "    if (");
        if (k < ir->nerrors) {
            fprintf(c, both ? "(" : "");
            rc_em_put_errset(e, c, bl->errors, tab);
            fprintf(c, both ? ") && " : "");
        }
        if (w != 1) {
            fprintf(c, both ? "(" : "");
            rc_em_put_expr(e, c, bl->when, CTX_WHEN);
            fprintf(c, both ? ")" : "");
        }
        fprintf(c, ") {\n        return %du;\n    }\n", b);
    }
    fprintf(c, "    return %du;\n}\n\n", ir->nblocks);
}

static void emit_breaker_fail(em *e, int i)
{
    const rc_ir_breaker *b = &e->ir->breakers[i];
    FILE *c = e->c;
    const char *P = e->P;
    int k = rc_em_set_count(b->counts, e->ir->nerrors);
    char tab[96];
    if (k == 0) return;
    snprintf(tab, sizeof tab, "%s__k%d_cnt", P, i);
    fprintf(c, "    /* breaker %s */\n", b->name);
    if (k < e->ir->nerrors) {
        /* an outcome the breaker does not count gives its half-open probe back */
        fprintf(c, "    if (!(");
        rc_em_put_errset(e, c, b->counts, tab);
        fprintf(c, ")) {\n        if ((s->brk%d_state == 2u) && (s->brk%d_admitted > 0u)) {\n            s->brk%d_admitted = (uint16_t)(s->brk%d_admitted - 1u);\n        }\n    } else {\n", i, i, i, i);
    } else {
        fprintf(c, "    {\n");
    }
    fprintf(c, "        if (s->brk%d_state == 0u) {\n", i);
    if (b->mode == RC_BREAKER_CONSECUTIVE) {
        fprintf(c, "            s->brk%d_fails = %s__inc16(s->brk%d_fails);\n", i, P, i);
        if (b->threshold)
            fprintf(c, "            if (s->brk%d_fails >= %du) {\n                %s__open%d(s, now);\n            }\n", i, b->threshold, P, i);
        else
            fprintf(c, "            %s__open%d(s, now);\n", P, i);
    } else {
        fprintf(c, "            uint32_t x;\n            uint32_t nf = 0u;\n");
        if (b->window >= 32)
            fprintf(c, "            s->brk%d_window = (s->brk%d_window << 1) | 1u;\n", i, i);
        else
            fprintf(c, "            s->brk%d_window = ((s->brk%d_window << 1) | 1u) & 0x%08" PRIX32 "u;\n", i, i,
                    (uint32_t)((1u << b->window) - 1u));
        fprintf(c, "            if (s->brk%d_n < %du) {\n                s->brk%d_n = (uint8_t)(s->brk%d_n + 1u);\n            }\n"
                   "            for (x = s->brk%d_window; x != 0u; x &= x - 1u) {\n                nf++;\n            }\n"
                   "            if (", i, b->window, i, i, i);
        if (b->min_calls) fprintf(c, "(s->brk%d_n >= %du) && ", i, b->min_calls);
        fprintf(c, "((nf * 100u) >= (%du * (uint32_t)s->brk%d_n))) {\n                %s__open%d(s, now);\n            }\n",
                b->rate_pct, i, P, i);
    }
    fprintf(c, "        } else if (s->brk%d_state == 2u) {\n            %s__open%d(s, now);\n        } else {\n"
               "            /* open: the call was not made, nothing to count */\n        }\n    }\n", i, P, i);
}

static void emit_entry_points(em *e)
{
    const rc_ir *ir = e->ir;
    FILE *c = e->c;
    const char *P = e->P;

    /* P_init */
    fprintf(c, "void %s_init(%s_state *s, uint32_t now, uint32_t seed)\n{\n", P, P);
    if (ir->nbudgets == 0) fprintf(c, "    (void)now;\n");
    for (int i = 0; i < e->nrecs; i++) {
        const em_rec *r = &e->recs[i];
        if (r->init == 1) fprintf(c, "    s->%s = (seed != 0u) ? seed : RECOV_PRNG_DEFAULT_SEED;\n", r->lval);
        else if (r->init == 2) fprintf(c, "    s->%s = now;\n", r->lval);
        else fprintf(c, "    s->%s = 0u;\n", r->lval);
    }
    fprintf(c, "}\n\n");

    /* P_admit */
    fprintf(c, "recov_admit %s_admit(%s_state *s, uint32_t now)\n{\n", P, P);
    if (ir->nbreakers == 0) {
        fprintf(c, "    (void)s;\n    (void)now;\n    return RECOV_ALLOW;\n}\n\n");
    } else {
        for (int i = 0; i < ir->nbreakers; i++)
            fprintf(c, "    if ((s->brk%d_state == 1u) && ((uint32_t)(now - s->brk%d_opened_at) >= %" PRIu32 "u)) {\n"
                       "        s->brk%d_state = 2u;\n        s->brk%d_admitted = 0u;\n        s->brk%d_successes = 0u;\n    }\n",
                    i, i, ir->breakers[i].open_ms, i, i, i);
        fprintf(c, "    if (");
        for (int i = 0; i < ir->nbreakers; i++) {
            fprintf(c, "%s(s->brk%d_state == 1u) || ", i ? "\n        || " : "", i);
            if (ir->breakers[i].probes)
                fprintf(c, "((s->brk%d_state == 2u) && (s->brk%d_admitted >= %du))", i, i, ir->breakers[i].probes);
            else
                fprintf(c, "(s->brk%d_state == 2u)", i);
        }
        fprintf(c, ") {\n        return RECOV_REJECT;\n    }\n");
        for (int i = 0; i < ir->nbreakers; i++)
            fprintf(c, "    if (s->brk%d_state == 2u) {\n        s->brk%d_admitted = %s__inc16(s->brk%d_admitted);\n    }\n",
                    i, i, P, i);
        fprintf(c, "    return RECOV_ALLOW;\n}\n\n");
    }

    /* P_failed */
    fprintf(c, "recov_decision %s_failed(%s_state *s, const %s_fault *f, uint32_t now)\n{\n", P, P, P);
    if (e->words) fprintf(c, "    uint32_t m[%d];\n    unsigned e = %s__classify(f, m);\n", e->words, P);
    else fprintf(c, "    unsigned e = %s__classify(f);\n", P);
    if (ir->nblocks) fprintf(c, "    unsigned b;\n    uint32_t el;\n");
    fprintf(c, "    if (s->active == 0u) { /* P_failed 2: a new incident */\n"
               "        s->active = 1u;\n        s->start = now;\n        s->attempt = 0u;\n");
    for (int b = 0; b < ir->nblocks; b++) {
        fprintf(c, "        s->blk%d_pos = 0u;\n        s->blk%d_sub = 0u;\n", b, b);
        if (e->blk_prev[b]) fprintf(c, "        s->blk%d_prev = 0u;\n", b);
    }
    fprintf(c, "    }\n");
    if (e->any_run) fprintf(c, "    s->pending = 0u;\n");
    fprintf(c, "    s->attempt = %s__inc16(s->attempt);\n    s->error = (uint16_t)e;\n", P);
    if (e->any_fallback)
        fprintf(c, "    if (s->last_alt != 0u) { /* P_failed 4: learning */\n        s->alt_failed[s->last_alt - 1u] = %s__inc16(s->alt_failed[s->last_alt - 1u]);\n    }\n"
                   "    s->last_alt = 0u;\n", P);
    if (e->any_runlist)
        fprintf(c, "    s->last_handler = 0u; /* an unreported handler teaches nothing */\n");
    for (int i = 0; i < ir->nbreakers; i++) emit_breaker_fail(e, i);
    if (ir->nbudgets) fprintf(c, "    %s__budget_count(s, now);\n", P);
    /* a block for every error with no `when` (the check's catch-all rule):
     * P__select always picks one, so there is no "no block" path */
    bool total = false;
    for (int b = 0; b < ir->nblocks && !total; b++) {
        int w = ir->blocks[b].when >= 0 ? rc_em_fold(e, ir->blocks[b].when, CTX_WHEN) : 1;
        if (w == 1 && rc_em_set_count(ir->blocks[b].errors, ir->nerrors) == ir->nerrors) total = true;
    }
    if (ir->nblocks) {
        fprintf(c, "    el = (uint32_t)(now - s->start); /* ticks wrap: modular, as recov_elapsed */\n");
        fprintf(c, "    b = %s__select(s, f, %se, el);\n", P, e->words ? "m, " : "");
        if (total)
            fprintf(c, "    return %s__run(s, b, f, el);\n}\n\n", P);
        else
            fprintf(c, "    if (b < %du) {\n        return %s__run(s, b, f, el);\n    }\n", ir->nblocks, P);
    } else {
        fprintf(c, "    (void)e;\n");
    }
    if (!ir->nblocks || !total)
        fprintf(c, "    %s__end(s);\n    return %s__dec(s, RECOV_ABORT, 0u, 0u);\n}\n\n", P, P);

    /* P_handler_done */
    fprintf(c, "recov_decision %s_handler_done(%s_state *s, bool ok, uint32_t now)\n{\n", P, P);
    if (!e->any_run) {
        fprintf(c, "    (void)ok;\n    (void)now;\n    return %s__dec(s, RECOV_NONE, 0u, 0u);\n}\n\n", P);
    } else {
        fprintf(c, "    unsigned b;\n    if (s->pending == 0u) {\n        return %s__dec(s, RECOV_NONE, 0u, 0u);\n    }\n"
                   "    b = s->pending - 1u;\n    s->pending = 0u;\n", P);
        if (e->any_runlist)
            fprintf(c, "    if (s->last_handler != 0u) { /* learning of `run H1, H2...` */\n"
                       "        if (ok) {\n            s->hnd_ok[s->last_handler - 1u] = %s__inc16(s->hnd_ok[s->last_handler - 1u]);\n"
                       "        } else {\n            s->hnd_failed[s->last_handler - 1u] = "
                       "%s__inc16(s->hnd_failed[s->last_handler - 1u]);\n        }\n        s->last_handler = 0u;\n    }\n", P, P);
        fprintf(c, "    if (ok) { /* the handler fixed it: retry at once, nothing counted */\n        return %s__dec(s, RECOV_RETRY, 0u, 0u);\n    }\n"
                   "    return %s__run(s, b, NULL, (uint32_t)(now - s->start));\n}\n\n", P, P);
    }

    /* P_succeeded */
    fprintf(c, "void %s_succeeded(%s_state *s, uint32_t now)\n{\n", P, P);
    if (ir->nbudgets == 0) fprintf(c, "    (void)now;\n");
    if (e->any_fallback)
        fprintf(c, "    if (s->last_alt != 0u) {\n        s->alt_ok[s->last_alt - 1u] = %s__inc16(s->alt_ok[s->last_alt - 1u]);\n    }\n", P);
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        fprintf(c, "    if (s->brk%d_state == 0u) {\n", i);
        if (b->mode == RC_BREAKER_CONSECUTIVE) {
            fprintf(c, "        s->brk%d_fails = 0u;\n", i);
        } else {
            if (b->window >= 32) fprintf(c, "        s->brk%d_window = s->brk%d_window << 1;\n", i, i);
            else fprintf(c, "        s->brk%d_window = (s->brk%d_window << 1) & 0x%08" PRIX32 "u;\n", i, i,
                         (uint32_t)((1u << b->window) - 1u));
            fprintf(c, "        if (s->brk%d_n < %du) {\n            s->brk%d_n = (uint8_t)(s->brk%d_n + 1u);\n        }\n",
                    i, b->window, i, i);
        }
        fprintf(c, "    } else if (s->brk%d_state == 2u) {\n        s->brk%d_successes = %s__inc16(s->brk%d_successes);\n",
                i, i, P, i);
        if (b->close_after) fprintf(c, "        if (s->brk%d_successes >= %du) {\n", i, b->close_after);
        else fprintf(c, "        {\n");
        fprintf(c, "            s->brk%d_state = 0u;\n", i);
        if (b->mode == RC_BREAKER_CONSECUTIVE) fprintf(c, "            s->brk%d_fails = 0u;\n", i);
        else fprintf(c, "            s->brk%d_window = 0u;\n            s->brk%d_n = 0u;\n", i, i);
        fprintf(c, "            s->brk%d_admitted = 0u;\n            s->brk%d_successes = 0u;\n        }\n    } else {\n"
                   "        /* open: nothing to count */\n    }\n", i, i);
    }
    if (ir->nbudgets) fprintf(c, "    %s__budget_count(s, now);\n", P);
    for (int l = 0; l < RC_SEV_COUNT; l++)
        if (e->unres[l]) fprintf(c, "    s->unres%d = 0u;\n", l);
    fprintf(c, "    %s__end(s);\n}\n\n", P);
}

void rc_em_machine(em *e)
{
    const rc_ir *ir = e->ir;
    emit_helpers(e);
    emit_classify(e);
    for (int r = 0; r < ir->nretries; r++)
        if (rc_em_retry_used(ir, r)) emit_delay(e, r);
    emit_budget_funcs(e);
    emit_breaker_funcs(e);
    emit_escalate(e);
    emit_run(e);
    if (ir->nblocks) emit_select(e);
    emit_entry_points(e);
}
