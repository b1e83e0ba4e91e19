/* diff.c - see diff.h.  Classification is compared exactly over the joint
 * fault space of both versions (space.h); everything else by name. */
#include "diff.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "delay.h"
#include "space.h"

#define RC_DIFF_MAX_WITNESSES 20

static const char *const *const sev_names = rc_sev_names;
static const char *const backoff_names[] = {"constant", "linear", "exponential"};
static const char *const jitter_names[] = {"none", "percent", "full", "equal", "decorrelated"};

/* D(ms): a duration in the policy's own units, in one of four rotating
 * buffers so that one printf can show an old and a new value. */
typedef struct durbuf { char b[4][32]; int k; } durbuf;
static const char *dur(durbuf *d, uint64_t ms)
{
    d->k = (d->k + 1) & 3;
    if (ms > 0 && ms % 86400000u == 0) {    /* `7d`, as the language writes days */
        snprintf(d->b[d->k], sizeof d->b[d->k], "%llud", (unsigned long long)(ms / 86400000u));
        return d->b[d->k];
    }
    return rc_delay_text(d->b[d->k], sizeof d->b[d->k], ms);
}

void rc_diff_step(const rc_ir *ir, const rc_ir_step *s, char *buf, size_t n)
{
    size_t at = 0;
    durbuf d = { .k = 0 };
    switch (s->kind) {
    case RC_IR_RETRY: snprintf(buf, n, "retry %s", ir->retries[s->retry].name); return;
    case RC_IR_FALLBACK:
        at = (size_t)snprintf(buf, n, "fallback%s", s->adaptive ? " adaptive" : "");
        for (int k = 0; k < s->nalts && at < n; k++)
            at += (size_t)snprintf(buf + at, n - at, "%s %s", k ? "," : "", ir->alts[s->alts[k]].name);
        return;
    case RC_IR_ADJUST: snprintf(buf, n, "adjust %s delay %s", ir->adjusts[s->id].name, dur(&d, s->ms)); return;
    case RC_IR_RUN: {
        char w[160];
        if (s->nalts == 0) {
            at = (size_t)snprintf(buf, n, "run %s", ir->handlers[s->id].name);
            if (s->when && at < n) {
                rc_ir_expr_text(ir, s->when - 1, w, sizeof w);
                at += (size_t)snprintf(buf + at, n - at, " when %s", w);
            }
        } else {
            at = (size_t)snprintf(buf, n, "run%s", s->adaptive ? " adaptive" : "");
            for (int k = 0; k < s->nalts && at < n; k++) {
                at += (size_t)snprintf(buf + at, n - at, "%s %s", k ? "," : "", ir->handlers[s->alts[k]].name);
                if (s->whens && s->whens[k] && at < n) {
                    rc_ir_expr_text(ir, s->whens[k] - 1, w, sizeof w);
                    at += (size_t)snprintf(buf + at, n - at, " when %s", w);
                }
            }
        }
        if (at < n) at += (size_t)snprintf(buf + at, n - at, " timeout %s", dur(&d, s->ms));
        if (s->next != RC_NEXT_RETRY && at < n)
            snprintf(buf + at, n - at, " then next%s", s->next == RC_NEXT_IF_OK ? " if ok" : "");
        return;
    }
    case RC_IR_DEGRADE: snprintf(buf, n, "degrade %s", ir->modes[s->id].name); return;
    case RC_IR_ESCALATE: snprintf(buf, n, "escalate %s", s->level >= 0 ? sev_names[s->level] : "(severity)"); return;
    case RC_IR_ABORT: snprintf(buf, n, "abort"); return;
    }
    buf[0] = '\0';
}

static void retry_desc(const rc_ir_retry *r, char *buf, size_t n)
{
    durbuf d = { .k = 0 };
    size_t at = (size_t)snprintf(buf, n, "%u attempts, %s backoff base %s", r->attempts, backoff_names[r->backoff],
                                 dur(&d, r->base_ms));
    if (r->backoff == RC_BACKOFF_EXPONENTIAL && at < n)
        at += (size_t)snprintf(buf + at, n - at, " factor %u.%03u", r->factor_milli / 1000, r->factor_milli % 1000);
    if (r->max_ms != UINT32_MAX && at < n) at += (size_t)snprintf(buf + at, n - at, " max %s", dur(&d, r->max_ms));
    if (r->jitter != RC_JITTER_NONE && at < n) {
        at += (size_t)snprintf(buf + at, n - at, ", jitter %s", jitter_names[r->jitter]);
        if (r->jitter == RC_JITTER_PERCENT && at < n) at += (size_t)snprintf(buf + at, n - at, " %u%%", r->jitter_pct);
    }
    if (r->honor_field >= 0 && at < n) at += (size_t)snprintf(buf + at, n - at, ", honors a field");
    if (r->timeout_ms && at < n) at += (size_t)snprintf(buf + at, n - at, ", attempt timeout %s", dur(&d, r->timeout_ms));
    if (r->timeout_flag && at < n) snprintf(buf + at, n - at, ", overruns flagged");
}

static void breaker_desc(const rc_ir_breaker *b, char *buf, size_t n)
{
    size_t at;
    durbuf d = { .k = 0 };
    if (b->mode == RC_BREAKER_CONSECUTIVE) at = (size_t)snprintf(buf, n, "opens after %u consecutive failures", b->threshold);
    else if (b->mode == RC_BREAKER_NET)
        at = (size_t)snprintf(buf, n, "opens after %u failures minus successes", b->threshold);
    else if (b->mode == RC_BREAKER_TIME && b->slow_ms)
        at = (size_t)snprintf(buf, n, "opens at %u.%u%% of calls in %s (%u buckets, min %u) or %u.%u%% slower "
                              "than %s", b->rate_pct, b->rate_tenth, dur(&d, b->window_ms), b->buckets, b->min_calls,
                              b->slow_pct, b->slow_tenth, dur(&d, b->slow_ms));
    else if (b->mode == RC_BREAKER_TIME)
        at = (size_t)snprintf(buf, n, "opens at %u.%u%% of calls in %s (%u buckets, min %u)", b->rate_pct,
                              b->rate_tenth, dur(&d, b->window_ms), b->buckets, b->min_calls);
    else if (b->rate_tenth) at = (size_t)snprintf(buf, n, "opens at %u.%u%% of %u calls (min %u)", b->rate_pct, b->rate_tenth, b->window, b->min_calls);
    else at = (size_t)snprintf(buf, n, "opens at %u%% of %u calls (min %u)", b->rate_pct, b->window, b->min_calls);
    if (at < n)
        at += (size_t)snprintf(buf + at, n - at, ", open for %s, %u probes, closes after %u",
                               dur(&d, b->open_ms), b->probes, b->close_after);
    if (b->per_alt && at < n) at += (size_t)snprintf(buf + at, n - at, ", per alternative");
    if (b->retry_wait && at < n) snprintf(buf + at, n - at, ", retries wait");
}

/* What a breaker's counting state looks like in the checkpoint: a failure
 * count, a bit window, or K time buckets (with slow counts or not). */
static unsigned breaker_state_kind(const rc_ir_breaker *b)
{
    if (rc_ir_breaker_counts_fails(b->mode)) return 0;
    if (b->mode == RC_BREAKER_RATE) return 1;
    return 2u + (unsigned)b->buckets * 2u + (b->slow_ms ? 1u : 0u);
}

static int find_error(const rc_ir *ir, const char *name)
{
    for (int e = 0; e < ir->nerrors; e++)
        if (strcmp(ir->errors[e].name, name) == 0) return e;
    return -1;
}

/* The regions in which each rule of policy k is the one taken. */
static rc_cset *regions(const rc_space *sp, int k, bool *unknown)
{
    const rc_ir *ir = sp->irs[k];
    bool *roots = calloc((size_t)ir->nexprs + 1, 1);
    rc_cset *R = calloc((size_t)ir->nrules + 1, sizeof *R);
    if (!roots || !R) { free(roots); free(R); *unknown = true; return NULL; }
    for (int r = 0; r < ir->nrules; r++) roots[ir->rules[r].cond] = true;
    rc_cset *S = rc_space_exprs(sp, k, roots);
    rc_cset U;
    rc_cset_universe(sp, &U);
    for (int r = 0; r < ir->nrules; r++) {
        rc_cset_and(sp, &S[ir->rules[r].cond], &U, &R[r]);
        rc_cset_sub_in(sp, &U, &S[ir->rules[r].cond]);
        *unknown |= R[r].unknown;
    }
    rc_cset_free(&U);
    rc_space_free_exprs(sp, k, S);
    free(roots);
    return R;
}

static int diff_classify(const rc_ir *a, const rc_ir *b, FILE *out)
{
    rc_arena ar;
    rc_arena_init(&ar);
    rc_space sp;
    const rc_ir *irs[2] = {a, b};
    rc_space_init(&sp, &ar, irs, 2);
    bool unknown = false;
    rc_cset *Ra = regions(&sp, 0, &unknown), *Rb = regions(&sp, 1, &unknown);
    int found = 0;
    char wit[512];
    if (Ra && Rb && !unknown) {
        for (int i = 0; i < a->nrules; i++) {
            for (int j = 0; j < b->nrules; j++) {
                if (strcmp(a->errors[a->rules[i].error].name, b->errors[b->rules[j].error].name) == 0) continue;
                rc_cset X;
                rc_cset_and(&sp, &Ra[i], &Rb[j], &X);
                if (!rc_cset_empty(&sp, &X)) {
                    const uint64_t *wc = rc_space_best_cube(&sp, &X);
                    if (!wc) snprintf(wit, sizeof wit, "(a fault the search could not build)");
                    else rc_space_witness(&sp, 1, wc, wit, sizeof wit, NULL);
                    if (found < RC_DIFF_MAX_WITNESSES) {
                        fprintf(out, "classify: `fail %s` was '%s' (rule on line %d), now '%s' (rule on line %d)\n",
                                wit, a->errors[a->rules[i].error].name, a->rules[i].loc.line,
                                b->errors[b->rules[j].error].name, b->rules[j].loc.line);
                    }
                    found++;
                }
                rc_cset_free(&X);
            }
        }
        if (found > RC_DIFF_MAX_WITNESSES)
            fprintf(out, "classify: ... and %d more pairs of rules that classify differently\n",
                    found - RC_DIFF_MAX_WITNESSES);
    } else {
        fprintf(out, "classify: too large to compare exactly; assuming it changed\n");
        found = 1;
    }
    for (int k = 0; Ra && k < a->nrules; k++) rc_cset_free(&Ra[k]);
    for (int k = 0; Rb && k < b->nrules; k++) rc_cset_free(&Rb[k]);
    free(Ra);
    free(Rb);
    rc_arena_free(&ar);
    return found;
}

static int diff_blocks(const rc_ir *a, const rc_ir *b, FILE *out)
{
    int n = 0;
    char s1[256], s2[256];
    durbuf d = { .k = 0 };
    /* the block each error is handled by first (ignoring `when`) */
    for (int e = 0; e < a->nerrors; e++) {
        int f = find_error(b, a->errors[e].name);
        if (f < 0) continue;
        int ba = -1, bb = -1;
        for (int k = 0; k < a->nblocks && ba < 0; k++) if (a->blocks[k].errors[e]) ba = k;
        for (int k = 0; k < b->nblocks && bb < 0; k++) if (b->blocks[k].errors[f]) bb = k;
        if (ba < 0 || bb < 0) continue;
        const rc_ir_block *x = &a->blocks[ba], *y = &b->blocks[bb];
        bool same = x->nsteps == y->nsteps && x->deadline_ms == y->deadline_ms && (x->when < 0) == (y->when < 0);
        rc_delay_bounds da = rc_delay_block_bounds(a, x, e), db = rc_delay_block_bounds(b, y, f);
        uint64_t wa = da.max_total, wb = db.max_total;
        /* with attempt timeouts and continued handlers (delay.h, max_work) */
        uint64_t ia = da.max_total + da.max_work, ib = db.max_total + db.max_work;
        bool inc = (da.max_work || db.max_work) && ia != ib;
        for (int s = 0; same && s < x->nsteps; s++) {
            rc_diff_step(a, &x->steps[s], s1, sizeof s1);
            rc_diff_step(b, &y->steps[s], s2, sizeof s2);
            same = strcmp(s1, s2) == 0;
        }
        if (same && wa == wb && !inc) continue;
        fprintf(out, "on %s: block on line %d -> line %d:", a->errors[e].name, x->loc.line, y->loc.line);
        if (!same) {
            fputs(" steps [", out);
            for (int s = 0; s < x->nsteps; s++) { rc_diff_step(a, &x->steps[s], s1, sizeof s1); fprintf(out, "%s%s", s ? "; " : "", s1); }
            fputs("] -> [", out);
            for (int s = 0; s < y->nsteps; s++) { rc_diff_step(b, &y->steps[s], s1, sizeof s1); fprintf(out, "%s%s", s ? "; " : "", s1); }
            fputs("]", out);
            if (x->deadline_ms != y->deadline_ms)
                fprintf(out, ", deadline %s -> %s", dur(&d, x->deadline_ms), dur(&d, y->deadline_ms));
        }
        if (wa != wb) fprintf(out, "%s worst-case retry delay %s -> %s", same ? "" : ",", dur(&d, wa), dur(&d, wb));
        if (inc)
            fprintf(out, "%s worst-case incident time %s -> %s", same && wa == wb ? "" : ",", dur(&d, ia), dur(&d, ib));
        fputc('\n', out);
        n++;
    }
    return n;
}

/* One level of the escalation table as the policy writes it:
 * `ticket within 24h; unresolved after 3 => high`, or `-` when empty. */
static void escalation_entry(const rc_ir *ir, int l, char *buf, size_t n)
{
    durbuf d = { .k = 0 };
    const rc_ir_escalation *x = &ir->escalation;
    size_t at = (size_t)snprintf(buf, n, "%s", x->channel[l] >= 0 ? ir->channels[x->channel[l]].name : "-");
    if (x->sla_ms[l] && at < n) at += (size_t)snprintf(buf + at, n - at, " within %s", dur(&d, x->sla_ms[l]));
    if (x->unresolved_after[l] && at < n)
        snprintf(buf + at, n - at, "; unresolved after %u => %s", (unsigned)x->unresolved_after[l],
                 sev_names[x->unresolved_to[l]]);
}

static int diff_names(const rc_ir *a, const rc_ir *b, FILE *out)
{
    int n = 0;
    durbuf d = { .k = 0 };
    char s1[256], s2[256];
    for (int e = 0; e < a->nerrors; e++) {
        int f = find_error(b, a->errors[e].name);
        if (f < 0) { fprintf(out, "error %s: removed\n", a->errors[e].name); n++; continue; }
        const rc_ir_error *x = &a->errors[e], *y = &b->errors[f];
        if (x->severity != y->severity || strcmp(a->classes[x->cls].name, b->classes[y->cls].name) != 0 ||
            a->classes[x->cls].retryable != b->classes[y->cls].retryable) {
            fprintf(out, "error %s: %s %s -> %s %s\n", x->name, a->classes[x->cls].name, sev_names[x->severity],
                    b->classes[y->cls].name, sev_names[y->severity]);
            n++;
        }
    }
    for (int f = 0; f < b->nerrors; f++)
        if (find_error(a, b->errors[f].name) < 0) { fprintf(out, "error %s: added\n", b->errors[f].name); n++; }
    for (int i = 0; i < a->nretries; i++) {
        int j = -1;
        for (int k = 0; k < b->nretries && j < 0; k++) if (strcmp(a->retries[i].name, b->retries[k].name) == 0) j = k;
        if (j < 0) continue;
        retry_desc(&a->retries[i], s1, sizeof s1);
        retry_desc(&b->retries[j], s2, sizeof s2);
        if (strcmp(s1, s2)) { fprintf(out, "retry %s: %s -> %s\n", a->retries[i].name, s1, s2); n++; }
    }
    for (int i = 0; i < a->nbreakers || i < b->nbreakers; i++) {
        if (i >= a->nbreakers) { fprintf(out, "breaker %s: added\n", b->breakers[i].name); n++; continue; }
        if (i >= b->nbreakers) { fprintf(out, "breaker %s: removed\n", a->breakers[i].name); n++; continue; }
        breaker_desc(&a->breakers[i], s1, sizeof s1);
        breaker_desc(&b->breakers[i], s2, sizeof s2);
        if (strcmp(s1, s2) || strcmp(a->breakers[i].name, b->breakers[i].name)) {
            if (strcmp(a->breakers[i].name, b->breakers[i].name))
                fprintf(out, "breaker %s: %s -> %s: %s\n", a->breakers[i].name, s1, b->breakers[i].name, s2);
            else
                fprintf(out, "breaker %s: %s -> %s\n", a->breakers[i].name, s1, s2);
            n++;
        }
    }
    if (a->has_escalation != b->has_escalation) {
        fprintf(out, "escalation: table %s\n", b->has_escalation ? "added" : "removed");
        n++;
    } else {
        /* each level: its channel and SLA, and its `unresolved` promotion */
        for (int l = 0; l < RC_SEV_COUNT; l++) {
            escalation_entry(a, l, s1, sizeof s1);
            escalation_entry(b, l, s2, sizeof s2);
            if (strcmp(s1, s2)) { fprintf(out, "escalation %s: %s -> %s\n", sev_names[l], s1, s2); n++; }
        }
    }
    if (a->deadline_ms != b->deadline_ms) {
        fprintf(out, "deadline: %s -> %s\n", dur(&d, a->deadline_ms), dur(&d, b->deadline_ms));
        n++;
    }
    if (a->age_incidents != b->age_incidents) {
        fprintf(out, "adaptive ageing: %u -> %u incidents (0: none)\n", (unsigned)a->age_incidents,
                (unsigned)b->age_incidents);
        n++;
    }
    if (a->age_ms != b->age_ms) {
        fprintf(out, "adaptive ageing: %s -> %s\n", a->age_ms ? dur(&d, a->age_ms) : "none",
                b->age_ms ? dur(&d, b->age_ms) : "none");
        n++;
    }
    if (a->stats != b->stats) {
        fprintf(out, "stats: %s\n", b->stats ? "added (counters start at 0)" : "removed");
        n++;
    }
    return n;
}

/* "retry r attempts <- max_attempts": what binding i of ir gives, by names. */
static void bind_desc(const rc_ir *ir, int i, char *buf, size_t n)
{
    static const char *const slot[] = {
        "attempts", "backoff base", "backoff factor", "max", "open after", "open at (rate)", "open at (min)",
        "open for", "half_open probes", "close after", "ratio", "ratio min", "ratio per", "deadline",
        "", "", "timeout",
    };
    const rc_ir_pbind *pb = &ir->pbinds[i];
    const char *pn = ir->params[pb->param].name;
    switch (pb->slot) {
    case RC_SLOT_ATTEMPTS: case RC_SLOT_BASE: case RC_SLOT_FACTOR: case RC_SLOT_MAX: case RC_SLOT_LIMIT:
        snprintf(buf, n, "retry %s %s <- %s", ir->retries[pb->obj].name, slot[pb->slot], pn);
        break;
    case RC_SLOT_THRESHOLD: case RC_SLOT_RATE: case RC_SLOT_MIN_CALLS: case RC_SLOT_OPEN_MS: case RC_SLOT_PROBES:
    case RC_SLOT_CLOSE_AFTER:
        snprintf(buf, n, "breaker %s %s <- %s", ir->breakers[pb->obj].name, slot[pb->slot], pn);
        break;
    case RC_SLOT_RATIO: case RC_SLOT_MIN_RETRIES: case RC_SLOT_WINDOW:
        snprintf(buf, n, "budget %s %s <- %s", ir->budgets[pb->obj].name, slot[pb->slot], pn);
        break;
    case RC_SLOT_DEADLINE:
        if (pb->obj < 0) snprintf(buf, n, "deadline <- %s", pn);
        else snprintf(buf, n, "on-block %d deadline <- %s", pb->obj, pn);
        break;
    case RC_SLOT_STEP_MS: {
        char st[200];
        rc_diff_step(ir, &ir->blocks[pb->obj].steps[pb->sub], st, sizeof st);
        snprintf(buf, n, "on-block %d step %d (%s) <- %s", pb->obj, pb->sub + 1, st, pn);
        break;
    }
    case RC_SLOT_EXPR:
        snprintf(buf, n, "a `when` comparison <- %s", pn);
        break;
    }
}

static bool has_bind(const rc_ir *ir, const char *d)
{
    char x[320];
    for (int i = 0; i < ir->npbinds; i++) {
        bind_desc(ir, i, x, sizeof x);
        if (strcmp(x, d) == 0) return true;
    }
    return false;
}

/* Parameters by name (type, range, default), and which numbers they give. */
/* `limit rate` and `limit concurrent`: added, removed or changed. */
static void limit_desc(const rc_ir *ir, bool rate, char *buf, size_t n)
{
    if (rate && !ir->rate_n) snprintf(buf, n, "none");
    else if (rate) snprintf(buf, n, "%u per %s, burst %u", (unsigned)ir->rate_n, dur(&(durbuf){ .k = 0 }, ir->rate_ms),
                            (unsigned)ir->rate_burst);
    else if (!ir->concurrent) snprintf(buf, n, "none");
    else snprintf(buf, n, "%u calls in flight", (unsigned)ir->concurrent);
}

static int diff_limits(const rc_ir *a, const rc_ir *b, FILE *out)
{
    int n = 0;
    for (int k = 0; k < 2; k++) {
        char s1[96], s2[96];
        limit_desc(a, k == 0, s1, sizeof s1);
        limit_desc(b, k == 0, s2, sizeof s2);
        if (strcmp(s1, s2) == 0) continue;
        fprintf(out, "limit %s: %s -> %s\n", k == 0 ? "rate" : "concurrent", s1, s2);
        n++;
    }
    return n;
}

static int diff_params(const rc_ir *a, const rc_ir *b, FILE *out)
{
    int n = 0;
    char x[320], lo[32], hi[32], df[32], lo2[32], hi2[32], df2[32];
    for (int i = 0; i < a->nparams; i++) {
        const rc_ir_param *p = &a->params[i], *q = NULL;
        for (int j = 0; j < b->nparams && !q; j++) if (strcmp(b->params[j].name, p->name) == 0) q = &b->params[j];
        rc_ir_param_format(p, p->lo, lo, sizeof lo);
        rc_ir_param_format(p, p->hi, hi, sizeof hi);
        rc_ir_param_format(p, p->def, df, sizeof df);
        if (!q) { fprintf(out, "param %s: removed (was %s in %s..%s = %s)\n", p->name, rc_ptype_name(p->type), lo, hi, df); n++; continue; }
        if (p->type != q->type || p->lo != q->lo || p->hi != q->hi || p->def != q->def) {
            rc_ir_param_format(q, q->lo, lo2, sizeof lo2);
            rc_ir_param_format(q, q->hi, hi2, sizeof hi2);
            rc_ir_param_format(q, q->def, df2, sizeof df2);
            fprintf(out, "param %s: %s in %s..%s = %s -> %s in %s..%s = %s%s\n", p->name, rc_ptype_name(p->type), lo, hi,
                    df, rc_ptype_name(q->type), lo2, hi2, df2,
                    q->lo > p->lo || q->hi < p->hi ? " (narrower: a saved value outside it does not restore)" : "");
            n++;
        }
    }
    for (int j = 0; j < b->nparams; j++) {
        bool found = false;
        for (int i = 0; i < a->nparams && !found; i++) found = strcmp(a->params[i].name, b->params[j].name) == 0;
        if (found) continue;
        const rc_ir_param *q = &b->params[j];
        rc_ir_param_format(q, q->lo, lo, sizeof lo);
        rc_ir_param_format(q, q->hi, hi, sizeof hi);
        rc_ir_param_format(q, q->def, df, sizeof df);
        fprintf(out, "param %s: added (%s in %s..%s = %s)\n", q->name, rc_ptype_name(q->type), lo, hi, df);
        n++;
    }
    for (int i = 0; i < a->npbinds; i++) {
        bind_desc(a, i, x, sizeof x);
        if (!has_bind(b, x)) { fprintf(out, "no longer a parameter: %s\n", x); n++; }
    }
    for (int i = 0; i < b->npbinds; i++) {
        bind_desc(b, i, x, sizeof x);
        if (!has_bind(a, x)) { fprintf(out, "now a parameter: %s\n", x); n++; }
    }
    return n;
}

int rc_diff(const rc_ir *a, const rc_ir *b, FILE *out)
{
    int n = diff_names(a, b, out);
    n += diff_params(a, b, out);
    n += diff_limits(a, b, out);
    n += diff_classify(a, b, out);
    n += diff_blocks(a, b, out);
    bool layout = a->nbreakers != b->nbreakers || a->nbudgets != b->nbudgets || a->nalts != b->nalts ||
                  a->nblocks != b->nblocks || a->nerrors != b->nerrors;
    for (int i = 0; !layout && i < a->nbreakers; i++) layout = a->breakers[i].per_alt != b->breakers[i].per_alt;
    layout = layout || !a->rate_n != !b->rate_n || !a->concurrent != !b->concurrent;
    for (int i = 0; i < a->nbreakers && !layout; i++)
        layout = breaker_state_kind(&a->breakers[i]) != breaker_state_kind(&b->breakers[i]);
    fprintf(out, "hash: 0x%08x -> 0x%08x%s\n", a->hash, b->hash, a->hash == b->hash ? " (unchanged)" : "");
    fprintf(out, "checkpoint layout: %s\n", layout ? "changed (saved states of the old version do not restore)" : "unchanged");
    fprintf(out, "%s\n", n ? "the policies behave differently" : "the policies behave the same");
    return n ? 1 : 0;
}
