/* sim.c - spec/semantics.md, executed; see sim.h.
 *
 * The section numbers in comments ("P_failed 5") refer to the spec.  Keep the
 * order of operations exactly as written there: the generated C is compared
 * with this file decision by decision.
 */
#include "sim.h"

#include <stdio.h>
#include <string.h>

/* ---- small helpers ------------------------------------------------------ */

static uint16_t sat16(uint16_t v) { return v == UINT16_MAX ? v : (uint16_t)(v + 1u); }

/* Counter i of `stats;` (semantics.md "Statistics") counts one, saturating;
 * nothing without `stats;`. */
static void stat_inc(rc_sim *s, int i)
{
    if (s->sl.n && s->stat[i] != UINT32_MAX) s->stat[i]++;
}

/* Bits 0..w-1 set; w is 1..32 for a checked breaker. */
static uint32_t window_mask(uint8_t w) { return w >= 32 ? UINT32_MAX : ((1u << w) - 1u); }

static uint32_t popcount32(uint32_t v)
{
    uint32_t c = 0;
    while (v) { v &= v - 1u; c++; }
    return c;
}

/* A field's value as the generated C sees it after storing it in the
 * P_fault member of the field's type (the .rtest reader keeps values in range,
 * so this only matters for direct API users). */
static int64_t field_value(const rc_ir *ir, const rc_sim_fault *f, int field)
{
    /* no fault at hand (a handler condition's pass over the other
     * expressions): what they compute is not read */
    if (!f) return 0;
    int64_t v = f->v[field].i;
    switch (ir->fields[field].type) {
    case RC_TY_U8:   return (int64_t)(uint8_t)v;
    case RC_TY_U16:  return (int64_t)(uint16_t)v;
    case RC_TY_U32:  return (int64_t)(uint32_t)v;
    case RC_TY_I8:   return (int64_t)(int8_t)v;
    case RC_TY_I16:  return (int64_t)(int16_t)v;
    case RC_TY_I32:  return (int64_t)(int32_t)v;
    case RC_TY_BOOL: return v != 0;
    case RC_TY_TEXT: return 0;
    }
    return 0;
}

/* ---- lifecycle ---------------------------------------------------------- */

rc_sim *rc_sim_new(rc_arena *a, const rc_ir *ir)
{
    rc_sim *s = RC_NEW(a, rc_sim);
    s->ir = ir;
    s->params = RC_NEW_ARRAY(a, int64_t, ir->nparams > 0 ? ir->nparams : 1);
    if (ir->nparams) {
        s->inst = rc_ir_instantiate(a, ir, NULL);
        s->ir = s->inst;
    }
    s->breakers = RC_NEW_ARRAY(a, rc_sim_breaker, ir->nbreakers > 0 ? (size_t)ir->nbreakers * (size_t)(ir->nalts + 1) : 1);
    s->budgets = RC_NEW_ARRAY(a, rc_sim_budget, ir->nbudgets > 0 ? ir->nbudgets : 1);
    s->alts = RC_NEW_ARRAY(a, rc_sim_alt, ir->nalts > 0 ? ir->nalts : 1);
    s->handlers = RC_NEW_ARRAY(a, rc_sim_alt, ir->nhandlers > 0 ? ir->nhandlers : 1);
    rc_ir_stat_layout(ir, &s->sl);
    s->stat = RC_NEW_ARRAY(a, uint32_t, s->sl.n > 0 ? s->sl.n : 1);
    s->inc = rc_sim_incident_new(a, ir);
    s->xval = RC_NEW_ARRAY(a, int64_t, ir->nexprs > 0 ? ir->nexprs : 1);
    s->masks = RC_NEW_ARRAY(a, uint32_t *, ir->ntexts > 0 ? ir->ntexts : 1);
    for (int t = 0; t < ir->ntexts; t++) {
        int w = ir->texts[t].dfa.words;
        s->masks[t] = RC_NEW_ARRAY(a, uint32_t, w > 0 ? w : 1);
    }
    rc_sim_init(s, 0, 0);
    return s;
}

rc_sim_incident *rc_sim_incident_new(rc_arena *a, const rc_ir *ir)
{
    rc_sim_incident *i = RC_NEW(a, rc_sim_incident);
    i->blocks = RC_NEW_ARRAY(a, rc_sim_block, ir->nblocks > 0 ? ir->nblocks : 1);
    return i;
}

/* P_incident_init: everything zero. */
void rc_sim_incident_init(const rc_sim *s, rc_sim_incident *i)
{
    memset(i->blocks, 0, sizeof *i->blocks * (size_t)s->ir->nblocks);
    i->active = 0;
    i->start = 0;
    i->attempt = 0;
    i->error = 0;
    i->pending = 0;
    i->last_alt = 0;
    i->last_handler = 0;
    i->adm = 0;
    i->stat_handler = 0;
    i->tgt = 0;
    i->adm_at = 0;
}

rc_sim_breaker *rc_sim_breaker_at(const rc_sim *s, int k, unsigned t)
{
    const rc_ir *ir = s->ir;
    if (!ir->breakers[k].per_alt || t > (unsigned)ir->nalts) t = 0;
    return &s->breakers[(size_t)k + (size_t)ir->nbreakers * t];
}

/* P_shared_init: everything zero, the PRNG seeded, budget windows start
 * now, epoch 1; and the built-in incident fresh. */
void rc_sim_init(rc_sim *s, uint32_t now, uint32_t seed)
{
    const rc_ir *ir = s->ir;
    s->prng = seed ? seed : RECOV_PRNG_DEFAULT_SEED;
    s->epoch = 1;
    memset(s->breakers, 0, sizeof *s->breakers * (size_t)ir->nbreakers * (size_t)(ir->nalts + 1));
    for (int i = 0; i < ir->nbreakers * (ir->nalts + 1); i++) s->breakers[i].bstart = now;
    memset(s->alts, 0, sizeof *s->alts * (size_t)ir->nalts);
    memset(s->handlers, 0, sizeof *s->handlers * (size_t)ir->nhandlers);
    memset(s->unresolved, 0, sizeof s->unresolved);
    memset(s->stat, 0, sizeof *s->stat * (size_t)s->sl.n);
    s->last_block = -1;
    for (int i = 0; i < ir->nbudgets; i++) {
        s->budgets[i].wstart = now;
        s->budgets[i].calls = s->budgets[i].retries = 0;
    }
    s->aged_n = 0;
    s->aged_at = now;
    s->tokens = ir->rate_burst;
    s->credit = 0;
    s->rat = now;
    s->inflight = 0;
    for (int i = 0; i < ir->nparams; i++) s->params[i] = ir->params[i].def;
    if (s->inst) rc_ir_apply(s->inst, s->params);
    rc_sim_incident_init(s, s->inc);
}

unsigned rc_sim_set_params(rc_sim *s, const int64_t *vals)
{
    const rc_ir *ir = s->ir;
    for (int i = 0; i < ir->nparams; i++)
        if (vals[i] < ir->params[i].lo || vals[i] > ir->params[i].hi) return (unsigned)i + 1u;
    for (int i = 0; i < ir->nparams; i++) s->params[i] = vals[i];
    if (s->inst) rc_ir_apply(s->inst, s->params);
    return 0;
}

/* ---- conditions --------------------------------------------------------- */

typedef struct rc_sim_env {
    const rc_sim_fault *f;
    int64_t attempt, elapsed, severity, cls, error;
} rc_sim_env;

static int64_t operand(const rc_ir *ir, const rc_ir_expr *x, const rc_sim_env *env)
{
    switch (x->opd) {
    case RC_OPD_FIELD:    return field_value(ir, env->f, x->field);
    case RC_OPD_ATTEMPT:  return env->attempt;
    case RC_OPD_ELAPSED:  return env->elapsed;
    case RC_OPD_SEVERITY: return env->severity;
    case RC_OPD_CLASS:    return env->cls;
    case RC_OPD_ERROR:    return env->error;
    }
    return 0;
}

static bool compare(int64_t l, rc_ir_cmp op, int64_t r)
{
    switch (op) {
    case RC_IR_EQ: return l == r;
    case RC_IR_NE: return l != r;
    case RC_IR_LT: return l < r;
    case RC_IR_LE: return l <= r;
    case RC_IR_GT: return l > r;
    case RC_IR_GE: return l >= r;
    }
    return false;
}

/* Evaluates expression `root`: children always have smaller indices, so one
 * pass over exprs[0..root] computes every node before its parents read it,
 * without recursion.  Text masks must be current (scan_texts). */
static bool eval(const rc_sim *s, int root, const rc_sim_env *env)
{
    const rc_ir *ir = s->ir;
    int64_t *val = s->xval;
    for (int i = 0; i <= root; i++) {
        const rc_ir_expr *x = &ir->exprs[i];
        int64_t v = 0;
        switch (x->kind) {
        case RC_X_TRUE: v = 1; break;
        case RC_X_CMP:  v = compare(operand(ir, x, env), x->op, x->value); break;
        case RC_X_IN: {
            int64_t o = operand(ir, x, env);
            v = x->lo <= o && o <= x->hi;
            break;
        }
        case RC_X_MATCH: {
            int t = ir->fields[x->field].text_index;
            const uint32_t *m = s->masks[t];
            v = (m[x->pattern / 32] >> (x->pattern % 32)) & 1u;
            break;
        }
        case RC_X_AND: v = val[x->a] && val[x->b]; break;
        case RC_X_OR:  v = val[x->a] || val[x->b]; break;
        case RC_X_NOT: v = !val[x->a]; break;
        }
        val[i] = v;
    }
    return val[root] != 0;
}

/* P_failed 1: every text field with patterns is scanned once. */
static void scan_texts(const rc_sim *s, const rc_sim_fault *f)
{
    const rc_ir *ir = s->ir;
    for (int t = 0; t < ir->ntexts; t++) {
        const rc_sim_value *v = &f->v[ir->texts[t].field];
        const char *text = v->text ? v->text : "";
        size_t len = v->text ? v->len : 0;
        const char *nul = memchr(text, '\0', len);
        if (nul) len = (size_t)(nul - text);
        /* a char[N] field (text_cap N) is never read past its N bytes, as in the generated C */
        uint32_t cap = ir->fields[ir->texts[t].field].text_cap;
        size_t limit = cap && cap < RECOV_MAX_TEXT ? cap : RECOV_MAX_TEXT;
        if (!rc_dfa_plan_single(&ir->texts[t].plan)) rc_dfa_plan_scan(&ir->texts[t].plan, text, len, limit, s->masks[t]);
        else rc_dfa_scan(&ir->texts[t].dfa, text, len, limit, s->masks[t]);
    }
}

static int classify_scanned(const rc_sim *s, const rc_sim_env *env)
{
    const rc_ir *ir = s->ir;
    for (int r = 0; r < ir->nrules; r++)
        if (eval(s, ir->rules[r].cond, env)) return ir->rules[r].error;
    return ir->nrules > 0 ? ir->rules[ir->nrules - 1].error : 0;
}

static int classify_in(const rc_sim *s, const rc_sim_incident *i, const rc_sim_fault *f, uint32_t now)
{
    rc_sim_env env = { f, 0, 0, 0, 0, 0 };
    if (i->active) {
        env.attempt = i->attempt;
        env.elapsed = recov_elapsed(now, i->start);
    }
    scan_texts(s, f);
    return classify_scanned(s, &env);
}

int rc_sim_classify(const rc_sim *s, const rc_sim_fault *f, uint32_t now)
{
    return classify_in(s, s->inc, f, now);
}

/* ---- decisions ---------------------------------------------------------- */

static recov_decision decision(const rc_sim *s, const rc_sim_incident *i, recov_kind kind, int e)
{
    const rc_ir_error *err = &s->ir->errors[e];
    recov_decision d;
    memset(&d, 0, sizeof d);
    d.kind = (uint8_t)kind;
    d.severity = (uint8_t)err->severity;
    d.error_class = (uint8_t)err->cls;
    d.error = (uint16_t)e;
    d.attempt = i->attempt;
    return d;
}

static bool holds_admission(const rc_sim *s, const rc_sim_incident *i)
{
    return (i->adm & 0x7Fu) == s->epoch;   /* epoch is never 0 */
}

/* The token bucket at now (spec "The token bucket"), without a change. */
static void bucket_at(const rc_sim *s, uint32_t now, uint16_t *tokens, uint32_t *credit)
{
    const rc_ir *ir = s->ir;
    uint32_t el = recov_elapsed(now, s->rat);
    if (el >= ir->rate_fill_ms) {
        *tokens = ir->rate_burst;
        *credit = 0;
        return;
    }
    uint32_t c = s->credit + el * ir->rate_n;
    uint32_t t = s->tokens + c / ir->rate_ms;
    if (t >= ir->rate_burst) {
        *tokens = ir->rate_burst;
        *credit = 0;
    } else {
        *tokens = (uint16_t)t;
        *credit = c % ir->rate_ms;
    }
}

/* ms until the bucket at now has a token (0: it has one). */
static uint32_t token_wait(const rc_sim *s, uint32_t now)
{
    uint16_t t;
    uint32_t c;
    if (!s->ir->rate_n) return 0;
    bucket_at(s, now, &t, &c);
    if (t > 0) return 0;
    return (s->ir->rate_ms - c + s->ir->rate_n - 1u) / s->ir->rate_n;
}

/* "The incident ends". */
static void end_incident(rc_sim_incident *i)
{
    i->active = 0;
    i->pending = 0;
    i->last_alt = 0;
    i->last_handler = 0;
    i->tgt = 0;
}

/* A time window's buckets cleared, the newest starting now. */
static void buckets_clear(rc_sim_breaker *b, uint32_t now)
{
    memset(b->bcalls, 0, sizeof b->bcalls);
    memset(b->bfails, 0, sizeof b->bfails);
    memset(b->bslow, 0, sizeof b->bslow);
    b->head = 0;
    b->bstart = now;
}

/* A count window of more than 32 calls emptied. */
static void ring_clear(rc_sim_breaker *b)
{
    memset(b->ring, 0, sizeof b->ring);
    b->rhead = 0;
    b->nf = 0;
}

/* A count window records an outcome (spec P_failed 5): shifted into its
 * word up to 32 calls, pushed into its ring above. */
static void window_push(const rc_ir_breaker *bi, rc_sim_breaker *b, bool fail)
{
    if (!rc_ir_window_ring(bi)) {
        b->window = ((b->window << 1) | (fail ? 1u : 0u)) & window_mask((uint8_t)bi->window);
        if (b->n < bi->window) b->n++;
        return;
    }
    uint32_t w = b->rhead / 32u, bit = 1u << (b->rhead % 32u);
    if (b->n >= bi->window) {
        if ((b->ring[w] & bit) && b->nf > 0) b->nf--;
    } else {
        b->n++;
    }
    if (fail) {
        b->ring[w] |= bit;
        b->nf++;
    } else {
        b->ring[w] &= ~bit;
    }
    b->rhead = (uint16_t)(b->rhead + 1u >= bi->window ? 0u : b->rhead + 1u);
}

/* b is breaker k's instance for the incident's target (rc_sim_breaker_at) */
static void breaker_open(rc_sim *s, int k, rc_sim_breaker *b, uint32_t now)
{
    stat_inc(s, rc_stat_brk(&s->sl, k, RC_STAT_OPENS));
    buckets_clear(b, now);
    b->state = RC_SIM_OPEN;
    b->opened_at = now;
    b->fails = 0;
    b->window = 0;
    b->n = 0;
    ring_clear(b);
    b->admitted = b->successes = b->hfails = 0;
    b->opens = sat16(b->opens);
}

static void breaker_close(rc_sim_breaker *b, uint32_t now)
{
    buckets_clear(b, now);
    b->state = RC_SIM_CLOSED;
    b->fails = 0;
    b->window = 0;
    b->n = 0;
    ring_clear(b);
    b->admitted = b->successes = b->hfails = 0;
    b->opens = 0;
}

/* The open period after the breaker's `opens`-th opening (spec P_admit 1). */
static uint32_t open_period(const rc_ir_breaker *bi, const rc_sim_breaker *b)
{
    if (!bi->open_factor_milli) return bi->open_ms;
    uint32_t p = recov_backoff(RECOV_BACKOFF_EXPONENTIAL, bi->open_ms, bi->open_factor_milli, b->opens);
    return p < bi->open_max_ms ? p : bi->open_max_ms;
}

/* `close below P%`: once every probe has reported, close when the failed
 * ones are below P% of them, else open again. */
static void half_open_decide(rc_sim *s, int k, rc_sim_breaker *b, uint32_t now)
{
    const rc_ir_breaker *bi = &s->ir->breakers[k];
    uint32_t n = (uint32_t)b->successes + b->hfails;
    if (n < bi->probes) return;
    uint32_t t = (uint32_t)bi->close_below_pct * 10u + bi->close_below_tenth;
    if ((uint32_t)b->hfails * 1000u >= t * n) breaker_open(s, k, b, now);
    else breaker_close(b, now);
}

/* A rate breaker after an outcome: open when it has its minimum of calls and
 * the failures reach the rate (spec P_failed 5, P_succeeded 2). */
static void rate_check(rc_sim *s, int k, rc_sim_breaker *b, uint32_t now)
{
    const rc_ir_breaker *bi = &s->ir->breakers[k];
    uint32_t fails = rc_ir_window_ring(bi) ? b->nf : popcount32(b->window);
    uint32_t t = (uint32_t)bi->rate_pct * 10u + bi->rate_tenth;     /* tenths of a percent */
    if (b->n >= bi->min_calls && fails * 1000u >= t * b->n) breaker_open(s, k, b, now);
}

/* A time window records an outcome: roll, count, check (spec P_failed 5,
 * *Record*). */
static void time_record(rc_sim *s, int kb, const rc_ir_breaker *bi, rc_sim_breaker *b, uint32_t now, bool fail, bool slow)
{
    uint32_t w = bi->window_ms / bi->buckets;
    uint32_t k = recov_elapsed(now, b->bstart) / w;
    b->bstart += k * w;
    for (uint32_t j = 0; j < k && j < bi->buckets; j++) {
        b->head = (uint8_t)((b->head + 1u) % bi->buckets);
        b->bcalls[b->head] = b->bfails[b->head] = b->bslow[b->head] = 0;
    }
    if (b->bcalls[b->head] < UINT16_MAX) {
        b->bcalls[b->head]++;
        if (fail) b->bfails[b->head]++;
        if (slow) b->bslow[b->head]++;
    }
    uint32_t n = 0, f = 0, sl = 0;
    for (int j = 0; j < bi->buckets; j++) {
        n += b->bcalls[j];
        f += b->bfails[j];
        sl += b->bslow[j];
    }
    uint32_t t = (uint32_t)bi->rate_pct * 10u + bi->rate_tenth;
    uint32_t ts = (uint32_t)bi->slow_pct * 10u + bi->slow_tenth;
    if (n >= bi->min_calls && (f * 1000u >= t * n || (ts && sl * 1000u >= ts * n))) breaker_open(s, kb, b, now);
}

/* Budgets roll their window before counting an outcome. */
static void budgets_count(rc_sim *s, uint32_t now)
{
    for (int i = 0; i < s->ir->nbudgets; i++) {
        rc_sim_budget *b = &s->budgets[i];
        if (recov_elapsed(now, b->wstart) >= s->ir->budgets[i].window_ms) {
            b->wstart = now;
            b->calls = b->retries = 0;
        }
        b->calls = sat16(b->calls);
    }
}

/* A breaker instance that makes a retry step give way at once: FORCED_OPEN,
 * or OPEN without `retries wait` (with it, the admission wait covers it). */
static bool any_breaker_open(const rc_sim *s, const rc_sim_incident *inc)
{
    for (int i = 0; i < s->ir->nbreakers; i++) {
        const rc_sim_breaker *b = rc_sim_breaker_at(s, i, inc->tgt);
        if (b->state == RC_SIM_FORCED_OPEN || (b->state == RC_SIM_OPEN && !s->ir->breakers[i].retry_wait)) return true;
    }
    return false;
}

/* The instance would reject a call at now (spec "Instances"). */
static bool instance_rejects(const rc_ir_breaker *bi, const rc_sim_breaker *b, uint32_t now)
{
    if (b->state == RC_SIM_FORCED_OPEN) return true;
    if (b->state == RC_SIM_OPEN) return recov_elapsed(now, b->opened_at) < open_period(bi, b);
    if (b->state == RC_SIM_HALF_OPEN && b->admitted >= bi->probes)
        return recov_elapsed(now, b->opened_at) < (bi->half_open_ms ? bi->half_open_ms : bi->open_ms);
    return false;
}

/* The admission wait of a RETRY decision (spec RETRY r): the next token,
 * the rest of the half-open timeout of every target instance that is
 * half-open with every probe out, and with `retries wait` the rest of the
 * open period of every target instance that is OPEN. */
static uint32_t admission_wait(const rc_sim *s, const rc_sim_incident *inc, uint32_t now)
{
    uint32_t w = token_wait(s, now);
    for (int k = 0; k < s->ir->nbreakers; k++) {
        const rc_ir_breaker *bi = &s->ir->breakers[k];
        const rc_sim_breaker *b = rc_sim_breaker_at(s, k, inc->tgt);
        uint32_t hw = bi->half_open_ms ? bi->half_open_ms : bi->open_ms;
        uint32_t el = recov_elapsed(now, b->opened_at);
        if (b->state == RC_SIM_HALF_OPEN && b->admitted >= bi->probes && el < hw && hw - el > w) w = hw - el;
        if (bi->retry_wait && b->state == RC_SIM_OPEN) {
            uint32_t p = open_period(bi, b);
            if (el < p && p - el > w) w = p - el;
        }
    }
    return w;
}

/* The alternatives of a fallback step that a per-alternative breaker would
 * reject now, as bits of the step's list (spec FALLBACK). */
static uint16_t unavailable_alts(const rc_sim *s, const rc_ir_step *st, uint32_t now)
{
    uint16_t m = 0;
    for (int k = 0; k < s->ir->nbreakers; k++) {
        if (!s->ir->breakers[k].per_alt) continue;
        for (int a = 0; a < st->nalts; a++)
            if (instance_rejects(&s->ir->breakers[k], rc_sim_breaker_at(s, k, (unsigned)st->alts[a] + 1u), now))
                m = (uint16_t)(m | (1u << a));
    }
    return m;
}

static bool budgets_allow(const rc_sim *s)
{
    for (int i = 0; i < s->ir->nbudgets; i++) {
        const rc_ir_budget *bi = &s->ir->budgets[i];
        const rc_sim_budget *b = &s->budgets[i];
        uint32_t limit = (uint32_t)b->calls * bi->ratio_pct / 100u;
        if (limit < bi->min_retries) limit = bi->min_retries;
        if (b->retries >= limit) return false;
    }
    return true;
}

/* Retry delay, spec "Retry delay for retry n". */
static uint32_t retry_delay(rc_sim *s, const rc_ir_retry *r, int e, uint32_t n,
                            uint32_t prev, const rc_sim_fault *f)
{
    uint32_t d = recov_backoff((uint32_t)r->backoff, r->base_ms, r->factor_milli, n);
    d = recov_mul_milli(d, r->error_scale[e]);
    d = recov_mul_milli(d, r->sev_scale[s->ir->errors[e].severity]);
    d = recov_jitter(&s->prng, RECOV_JITTER_MODE(r->jitter, r->jitter_pct), d, r->base_ms,
                     prev ? prev : r->base_ms, r->max_ms);
    if (r->honor_field >= 0 && f) {
        int64_t floor = field_value(s->ir, f, r->honor_field);
        if (floor < 0) floor = 0;
        if (floor > (int64_t)RECOV_DELAY_MAX) floor = RECOV_DELAY_MAX;
        if ((uint32_t)floor > d) d = (uint32_t)floor;
    }
    return d;
}

/* Rating: a rates strictly better than b, (ok+1)/(ok+failed+2) compared as
 * (ok_a+1)(failed_b+1) > (ok_b+1)(failed_a+1), each product minus one so
 * that it fits 32 bits (spec "Rating"). */
static bool rates_better(const rc_sim_alt *a, const rc_sim_alt *b)
{
    uint32_t l = ((uint32_t)a->ok + 1u) * ((uint32_t)b->failed + 1u) - 1u;
    uint32_t r = ((uint32_t)b->ok + 1u) * ((uint32_t)a->failed + 1u) - 1u;
    return l > r;
}

/* The next untried entry of a fallback or run list: the first in list
 * order, or when adaptive the best rated (ties: list order), or -1 (a
 * position in the list).  learned is s->alts or s->handlers. */
static int pick_alt(const rc_sim_alt *learned, const rc_ir_step *st, uint16_t tried)
{
    int best = -1;
    for (int i = 0; i < st->nalts; i++) {
        if (tried & (1u << i)) continue;
        if (!st->adaptive) return i;
        if (best < 0 || rates_better(&learned[st->alts[i]], &learned[st->alts[best]])) best = i;
    }
    return best;
}

/* Every learned count >>= k (k <= 16). */
static void age_counts(rc_sim *s, uint32_t k)
{
    for (int i = 0; i < s->ir->nalts; i++) {
        s->alts[i].ok = (uint16_t)(s->alts[i].ok >> k);
        s->alts[i].failed = (uint16_t)(s->alts[i].failed >> k);
    }
    for (int i = 0; i < s->ir->nhandlers; i++) {
        s->handlers[i].ok = (uint16_t)(s->handlers[i].ok >> k);
        s->handlers[i].failed = (uint16_t)(s->handlers[i].failed >> k);
    }
}

/* Ageing by time (spec "Ageing"). */
static void age_by_time(rc_sim *s, uint32_t now)
{
    uint32_t period = s->ir->age_ms;
    if (!period) return;
    uint32_t k = recov_elapsed(now, s->aged_at) / period;
    if (!k) return;
    age_counts(s, k < 16u ? k : 16u);
    s->aged_at += k * period;
}

static bool deadline_step(rc_ir_stepkind k)
{
    return k == RC_IR_RETRY || k == RC_IR_FALLBACK || k == RC_IR_ADJUST || k == RC_IR_RUN;
}

/* "Running block b"; f is NULL when called from P_handler_done. */
static recov_decision run_block(rc_sim *s, rc_sim_incident *i, int b, int e,
                                const rc_sim_fault *f, uint32_t now)
{
    const rc_ir *ir = s->ir;
    const rc_ir_block *blk = &ir->blocks[b];
    rc_sim_block *bs = &i->blocks[b];
    uint32_t deadline = blk->deadline_ms;
    uint32_t elapsed = recov_elapsed(now, i->start);
    /* what a handler condition reads: no fault, the incident's last error */
    rc_sim_env env = { NULL, i->attempt, elapsed, ir->errors[e].severity, ir->errors[e].cls, e };
    s->last_block = b;

    /* Each pass returns or moves pos forward, so this ends within nsteps. */
    for (;;) {
        if (bs->pos >= blk->nsteps) {
            end_incident(i);
            return decision(s, i, RECOV_ABORT, e);
        }
        if (deadline && elapsed > deadline && deadline_step(blk->steps[bs->pos].kind)) {
            if (blk->terminal < 0) {
                end_incident(i);
                return decision(s, i, RECOV_ABORT, e);
            }
            bs->pos = (uint8_t)blk->terminal;
        }
        const rc_ir_step *st = &blk->steps[bs->pos];
        recov_decision d;
        switch (st->kind) {
        case RC_IR_RETRY: {
            const rc_ir_retry *r = &ir->retries[st->retry];
            /* admission: the retry waits for a token or a probe, within the deadline */
            uint32_t w = admission_wait(s, i, now);
            if (deadline && w > 0 && (uint64_t)elapsed + w > deadline) {
                bs->pos++;
                bs->sub = 0;
                bs->prev = 0;
                continue;
            }
            if (bs->sub < r->attempts && !any_breaker_open(s, i) && budgets_allow(s)) {
                bs->sub = sat16(bs->sub);
                for (int k = 0; k < ir->nbudgets; k++)
                    s->budgets[k].retries = sat16(s->budgets[k].retries);
                uint32_t delay = retry_delay(s, r, e, bs->sub, bs->prev, f);
                if (delay < w) delay = w;
                bs->prev = delay;
                d = decision(s, i, RECOV_RETRY, e);
                d.ms = delay;
                d.limit_ms = r->timeout_ms;
                return d;
            }
            bs->pos++;
            bs->sub = 0;
            bs->prev = 0;
            continue;
        }
        case RC_IR_FALLBACK: {
            int k = pick_alt(s->alts, st, (uint16_t)(bs->sub | unavailable_alts(s, st, now)));
            if (k < 0) {
                bs->pos++;
                bs->sub = 0;
                continue;
            }
            bs->sub = (uint16_t)(bs->sub | (1u << k));
            i->last_alt = (uint16_t)(st->alts[k] + 1);
            if (rc_ir_any_per_alt(ir)) i->tgt = (uint16_t)(st->alts[k] + 1);
            d = decision(s, i, RECOV_FALLBACK, e);
            d.id = (uint16_t)st->alts[k];
            return d;
        }
        case RC_IR_ADJUST:
            bs->pos++;
            bs->sub = 0;
            d = decision(s, i, RECOV_ADJUST, e);
            d.id = (uint16_t)st->id;
            d.ms = st->ms;
            return d;
        case RC_IR_RUN:
            if (st->nalts == 0) {   /* run H: once */
                bool held = !st->when || eval(s, st->when - 1, &env);
                if (!held || (st->next != RC_NEXT_RETRY && bs->sub != 0)) {
                    bs->pos++;      /* passed over, or a `then next` step that has run */
                    bs->sub = 0;
                    continue;
                }
                if (st->next != RC_NEXT_RETRY) {
                    bs->sub = 1;    /* pos stays: P_handler_done finds the step */
                } else {
                    bs->pos++;
                    bs->sub = 0;
                }
                i->pending = (uint8_t)(b + 1);
                d = decision(s, i, RECOV_RUN, e);
                d.id = (uint16_t)st->id;
                d.ms = st->ms;
                return d;
            } else {                /* run [adaptive] H1, H2...: each once */
                uint16_t skip = bs->sub;   /* tried, or a condition that does not hold */
                for (int a = 0; st->whens && a < st->nalts; a++)
                    if (st->whens[a] && !eval(s, st->whens[a] - 1, &env)) skip = (uint16_t)(skip | (1u << a));
                int k = pick_alt(s->handlers, st, skip);
                if (k < 0) {
                    bs->pos++;
                    bs->sub = 0;
                    continue;
                }
                bs->sub = (uint16_t)(bs->sub | (1u << k));
                i->last_handler = (uint16_t)(st->alts[k] + 1);
                i->pending = (uint8_t)(b + 1);
                d = decision(s, i, RECOV_RUN, e);
                d.id = (uint16_t)st->alts[k];
                d.ms = st->ms;
                return d;
            }
        case RC_IR_DEGRADE:
            end_incident(i);
            d = decision(s, i, RECOV_DEGRADE, e);
            d.id = (uint16_t)st->id;
            return d;
        case RC_IR_ESCALATE: {
            const rc_ir_escalation *esc = &ir->escalation;
            int level = st->level >= 0 ? st->level : (int)ir->errors[e].severity;
            if (ir->has_escalation && esc->unresolved_after[level]) {
                s->unresolved[level] = sat16(s->unresolved[level]);
                if (s->unresolved[level] >= esc->unresolved_after[level]) {
                    s->unresolved[level] = 0;
                    level = (int)esc->unresolved_to[level];
                }
            }
            end_incident(i);
            d = decision(s, i, RECOV_ESCALATE, e);
            d.level = (uint8_t)level;
            if (ir->has_escalation) {
                d.id = (uint16_t)(esc->channel[level] >= 0 ? esc->channel[level] : 0);
                d.ms = esc->sla_ms[level];
            }
            return d;
        }
        case RC_IR_ABORT:
            end_incident(i);
            return decision(s, i, RECOV_ABORT, e);
        }
        /* not reached for a checked IR */
        end_incident(i);
        return decision(s, i, RECOV_ABORT, e);
    }
}

/* ---- entry points ------------------------------------------------------- */

/* P_admit 1: open breakers whose time is up become half-open. */
static void breakers_tick(rc_sim *s, unsigned tgt, uint32_t now)
{
    const rc_ir *ir = s->ir;
    for (int k = 0; k < ir->nbreakers; k++) {
        rc_sim_breaker *b = rc_sim_breaker_at(s, k, tgt);
        const rc_ir_breaker *bi = &ir->breakers[k];
        if (b->state == RC_SIM_OPEN && recov_elapsed(now, b->opened_at) >= open_period(bi, b)) {
            b->state = RC_SIM_HALF_OPEN;
            b->admitted = b->successes = b->hfails = 0;
            b->opened_at = now;
            stat_inc(s, rc_stat_brk(&s->sl, k, RC_STAT_HALF_OPENS));
        } else if (b->state == RC_SIM_HALF_OPEN && b->admitted >= bi->probes &&
                   recov_elapsed(now, b->opened_at) >= (bi->half_open_ms ? bi->half_open_ms : bi->open_ms)) {
            /* liveness: the probes that have not reported are given up */
            b->admitted = (uint16_t)(b->successes + b->hfails);
        }
    }
}

/* "The incident's admission is released" (an outcome or a cancel): the
 * slot it holds is freed, never below 0. */
static void release(rc_sim *s, rc_sim_incident *i)
{
    if (s->ir->concurrent && holds_admission(s, i) && s->inflight > 0) s->inflight--;
    i->adm = 0;
}

void rc_sim_reload(rc_sim *s)
{
    s->epoch = s->epoch >= 127u ? 1u : (uint8_t)(s->epoch + 1u);   /* as P_shared_load (checkpoint.md 8) */
}

recov_admit rc_sim_admit_i(rc_sim *s, rc_sim_incident *i, uint32_t now)
{
    const rc_ir *ir = s->ir;
    breakers_tick(s, i->tgt, now);
    for (int k = 0; k < ir->nbreakers; k++) {
        const rc_sim_breaker *b = rc_sim_breaker_at(s, k, i->tgt);
        if (rc_sim_open_like(b->state) || (b->state == RC_SIM_HALF_OPEN && b->admitted >= ir->breakers[k].probes)) {
            stat_inc(s, rc_stat_brk(&s->sl, k, RC_STAT_REJECTIONS));
            return RECOV_REJECT;
        }
    }
    if (ir->concurrent && !holds_admission(s, i) && s->inflight >= ir->concurrent) {
        stat_inc(s, rc_stat_lim(&s->sl, rc_ir_lim_conc(ir), RC_STAT_REFUSALS));
        return RECOV_FULL;
    }
    if (ir->rate_n) {
        bucket_at(s, now, &s->tokens, &s->credit);
        s->rat = now;
        if (s->tokens == 0) {
            stat_inc(s, rc_stat_lim(&s->sl, rc_ir_lim_rate(ir), RC_STAT_REFUSALS));
            return RECOV_RATE_LIMITED;
        }
    }
    uint8_t prb = 0;   /* 0x80: the admission takes a half-open probe */
    for (int k = 0; k < ir->nbreakers; k++) {
        rc_sim_breaker *b = rc_sim_breaker_at(s, k, i->tgt);
        if (b->state == RC_SIM_HALF_OPEN) {
            b->admitted = sat16(b->admitted);
            b->opened_at = now;
            prb = 0x80u;
        }
    }
    if (ir->rate_n) s->tokens--;
    if (ir->concurrent && !holds_admission(s, i)) s->inflight = sat16(s->inflight);
    i->adm = (uint8_t)(s->epoch | prb);
    i->adm_at = now;
    return RECOV_ALLOW;
}

/* Every decision P_failed or P_handler_done returns, counted (`stats;`). */
static recov_decision count_decision(rc_sim *s, rc_sim_incident *i, recov_decision d)
{
    if (!s->sl.n) return d;
    int e = d.error;
    switch (d.kind) {
    case RECOV_RETRY:    stat_inc(s, rc_stat_err(&s->sl, e, RC_STAT_RETRIES)); break;
    case RECOV_DEGRADE:  stat_inc(s, rc_stat_err(&s->sl, e, RC_STAT_DEGRADES)); break;
    case RECOV_ESCALATE: stat_inc(s, rc_stat_err(&s->sl, e, RC_STAT_ESCALATIONS)); break;
    case RECOV_ABORT:    stat_inc(s, rc_stat_err(&s->sl, e, RC_STAT_ABORTS)); break;
    case RECOV_FALLBACK:
        stat_inc(s, rc_stat_err(&s->sl, e, RC_STAT_FALLBACKS));
        stat_inc(s, rc_stat_alt(&s->sl, d.id, RC_STAT_TRIES));
        break;
    case RECOV_RUN:
        stat_inc(s, rc_stat_hnd(&s->sl, d.id, RC_STAT_TRIES));
        i->stat_handler = (uint16_t)(d.id + 1u);
        break;
    default: break;
    }
    return d;
}

static recov_decision failed_in(rc_sim *s, rc_sim_incident *i, const rc_sim_fault *f, uint32_t now);
static recov_decision handler_done_in(rc_sim *s, rc_sim_incident *i, bool ok, uint32_t now, bool *count);

uint32_t rc_sim_admit_in(const rc_sim *s, const rc_sim_incident *i, uint32_t now)
{
    const rc_ir *ir = s->ir;
    if (ir->concurrent && !holds_admission(s, i) && s->inflight >= ir->concurrent) return RECOV_ADMIT_IN_UNKNOWN;
    uint32_t w = token_wait(s, now);
    for (int k = 0; k < ir->nbreakers; k++) {
        const rc_ir_breaker *bi = &ir->breakers[k];
        const rc_sim_breaker *b = rc_sim_breaker_at(s, k, i->tgt);
        uint32_t el = recov_elapsed(now, b->opened_at), p = 0;
        if (b->state == RC_SIM_FORCED_OPEN) return RECOV_ADMIT_IN_UNKNOWN;
        if (b->state == RC_SIM_OPEN) p = open_period(bi, b);
        else if (b->state == RC_SIM_HALF_OPEN && b->admitted >= bi->probes)
            p = bi->half_open_ms ? bi->half_open_ms : bi->open_ms;
        if (el < p && p - el > w) w = p - el;
    }
    return w;
}

recov_decision rc_sim_failed_i(rc_sim *s, rc_sim_incident *i, const rc_sim_fault *f, uint32_t now)
{
    return count_decision(s, i, failed_in(s, i, f, now));
}

recov_decision rc_sim_handler_done_i(rc_sim *s, rc_sim_incident *i, bool ok, uint32_t now)
{
    bool count = true;
    recov_decision d = handler_done_in(s, i, ok, now, &count);
    return count ? count_decision(s, i, d) : d;
}

static recov_decision failed_in(rc_sim *s, rc_sim_incident *i, const rc_sim_fault *f, uint32_t now)
{
    const rc_ir *ir = s->ir;

    /* 1. classify (with the incident as it stands; see rc_sim_classify) */
    int e = classify_in(s, i, f, now);

    /* 2. how long the call took (`slow above`), then the admission ends; a new incident? */
    bool held = holds_admission(s, i);
    bool probe = held && (i->adm & 0x80u) != 0;   /* its admission took a half-open probe */
    uint32_t took = recov_elapsed(now, i->adm_at);
    release(s, i);
    if (!i->active) {
        i->active = 1;
        i->start = now;
        i->attempt = 0;
        for (int k = 0; k < ir->nblocks; k++) {
            i->blocks[k].pos = 0;
            i->blocks[k].sub = 0;
            i->blocks[k].prev = 0;
        }
        if (ir->age_incidents) {
            s->aged_n = sat16(s->aged_n);
            if (s->aged_n >= ir->age_incidents) {
                age_counts(s, 1);
                s->aged_n = 0;
            }
        }
        age_by_time(s, now);
    }
    i->pending = 0;

    /* 3. */
    i->attempt = sat16(i->attempt);
    i->error = (uint16_t)e;
    stat_inc(s, rc_stat_err(&s->sl, e, RC_STAT_FAILURES));

    /* 4. learning */
    if (i->last_alt) {
        rc_sim_alt *a = &s->alts[i->last_alt - 1];
        a->failed = sat16(a->failed);
    }
    i->last_alt = 0;
    i->last_handler = 0;   /* a handler not reported by P_handler_done teaches nothing */
    i->stat_handler = 0;

    /* 5. breakers that count e */
    for (int k = 0; k < ir->nbreakers; k++) {
        const rc_ir_breaker *bi = &ir->breakers[k];
        rc_sim_breaker *b = rc_sim_breaker_at(s, k, i->tgt);
        if (!bi->counts[e]) {
            /* an outcome the breaker does not count gives its probe back,
             * if the incident's admission took one (a refused call, or one
             * admitted while the breaker was closed, took none) */
            if (probe && b->state == RC_SIM_HALF_OPEN && b->admitted > 0) b->admitted--;
            continue;
        }
        if (b->state == RC_SIM_CLOSED && rc_ir_breaker_counts_fails(bi->mode)) {
            b->fails = sat16(b->fails);
            if (b->fails >= bi->threshold) breaker_open(s, k, b, now);
        } else if (b->state == RC_SIM_CLOSED && bi->mode == RC_BREAKER_TIME) {
            time_record(s, k, bi, b, now, true, bi->slow_ms && held && took > bi->slow_ms);
        } else if (b->state == RC_SIM_CLOSED) {
            window_push(bi, b, true);
            rate_check(s, k, b, now);
        } else if (b->state == RC_SIM_HALF_OPEN && bi->close_below_pct) {
            b->hfails = sat16(b->hfails);
            half_open_decide(s, k, b, now);
        } else if (b->state == RC_SIM_HALF_OPEN) {
            breaker_open(s, k, b, now);
        }
    }

    /* 6. budgets */
    budgets_count(s, now);

    /* 7. select the block */
    const rc_ir_error *err = &ir->errors[e];
    rc_sim_env env = { f, i->attempt, recov_elapsed(now, i->start),
                       (int64_t)err->severity, (int64_t)err->cls, (int64_t)e };
    for (int b = 0; b < ir->nblocks; b++) {
        const rc_ir_block *blk = &ir->blocks[b];
        if (!blk->errors[e]) continue;
        if (blk->when >= 0 && !eval(s, blk->when, &env)) continue;
        /* 8. */
        return run_block(s, i, b, e, f, now);
    }
    s->last_block = -1;
    end_incident(i);
    return decision(s, i, RECOV_ABORT, e);
}

static recov_decision handler_done_in(rc_sim *s, rc_sim_incident *i, bool ok, uint32_t now, bool *count)
{
    int e = i->error;
    if (i->pending == 0) {
        s->last_block = -1;
        return decision(s, i, RECOV_NONE, e);
    }
    int b = i->pending - 1;
    i->pending = 0;
    if (i->stat_handler && ok) stat_inc(s, rc_stat_hnd(&s->sl, i->stat_handler - 1, RC_STAT_SUCCESSES));
    i->stat_handler = 0;
    if (i->last_handler) {
        rc_sim_alt *h = &s->handlers[i->last_handler - 1];
        if (ok) h->ok = sat16(h->ok);
        else h->failed = sat16(h->failed);
        i->last_handler = 0;
    }
    const rc_ir_block *blk = &s->ir->blocks[b];
    rc_sim_block *bs = &i->blocks[b];
    if (bs->pos < blk->nsteps && blk->steps[bs->pos].kind == RC_IR_RUN &&
        blk->steps[bs->pos].next != RC_NEXT_RETRY && bs->sub != 0) {
        /* the pending RUN was this `then next` step's own: the block goes on */
        if (!ok && blk->steps[bs->pos].next == RC_NEXT_IF_OK) {
            if (blk->terminal < 0) {
                end_incident(i);
                return decision(s, i, RECOV_ABORT, e);
            }
            bs->pos = (uint8_t)blk->terminal;
            bs->sub = 0;
        }
        return run_block(s, i, b, e, NULL, now);
    }
    if (ok) {
        *count = false;     /* the handler's success, not a retry step's retry */
        return decision(s, i, RECOV_RETRY, e);
    }
    return run_block(s, i, b, e, NULL, now);
}

void rc_sim_succeeded_i(rc_sim *s, rc_sim_incident *i, uint32_t now)
{
    const rc_ir *ir = s->ir;
    /* 0. */
    age_by_time(s, now);
    /* 1. (the call's duration first, for `slow above`) */
    bool held = holds_admission(s, i);
    uint32_t took = recov_elapsed(now, i->adm_at);
    release(s, i);
    if (i->last_alt) {
        rc_sim_alt *a = &s->alts[i->last_alt - 1];
        a->ok = sat16(a->ok);
        stat_inc(s, rc_stat_alt(&s->sl, i->last_alt - 1, RC_STAT_SUCCESSES));
    }
    if (i->active) stat_inc(s, rc_stat_err(&s->sl, i->error, RC_STAT_RECOVERED));
    /* 2. */
    for (int k = 0; k < ir->nbreakers; k++) {
        const rc_ir_breaker *bi = &ir->breakers[k];
        rc_sim_breaker *b = rc_sim_breaker_at(s, k, i->tgt);
        if (b->state == RC_SIM_CLOSED && bi->mode == RC_BREAKER_CONSECUTIVE) {
            b->fails = 0;
        } else if (b->state == RC_SIM_CLOSED && bi->mode == RC_BREAKER_NET) {
            if (b->fails > 0) b->fails--;
        } else if (b->state == RC_SIM_CLOSED && bi->mode == RC_BREAKER_TIME) {
            time_record(s, k, bi, b, now, false, bi->slow_ms && held && took > bi->slow_ms);
        } else if (b->state == RC_SIM_CLOSED) {
            window_push(bi, b, false);
            rate_check(s, k, b, now);
        } else if (b->state == RC_SIM_HALF_OPEN) {
            b->successes = sat16(b->successes);
            if (bi->close_below_pct) half_open_decide(s, k, b, now);
            else if (b->successes >= bi->close_after) breaker_close(b, now);
        }
    }
    /* 3. */
    budgets_count(s, now);
    /* 4. */
    memset(s->unresolved, 0, sizeof s->unresolved);
    /* 5. */
    end_incident(i);
}

void rc_sim_cancelled_i(rc_sim *s, rc_sim_incident *i, uint32_t now)
{
    (void)now;
    if (!holds_admission(s, i)) return;
    /* the half-open probes the admission took are given back */
    for (int k = 0; (i->adm & 0x80u) != 0 && k < s->ir->nbreakers; k++) {
        rc_sim_breaker *b = rc_sim_breaker_at(s, k, i->tgt);
        if (b->state == RC_SIM_HALF_OPEN && b->admitted > 0) b->admitted--;
    }
    release(s, i);
}

unsigned rc_sim_force_targets(const rc_ir *ir)
{
    for (int k = 0; k < ir->nbreakers; k++)
        if (ir->breakers[k].per_alt) return 1u + (unsigned)ir->nalts;
    return 1u;
}

unsigned rc_sim_force(rc_sim *s, unsigned target, unsigned mode, uint32_t now)
{
    const rc_ir *ir = s->ir;
    if (target >= rc_sim_force_targets(ir) || mode > RECOV_DISABLED) return 1u;
    for (int k = 0; k < ir->nbreakers; k++) {
        if (target > 0 && !ir->breakers[k].per_alt) continue;   /* the dependency's */
        rc_sim_breaker *b = rc_sim_breaker_at(s, k, target);
        if (mode == RECOV_NORMAL && b->state != RC_SIM_FORCED_OPEN && b->state != RC_SIM_DISABLED) continue;
        breaker_close(b, now);
        if (mode == RECOV_FORCE_OPEN) b->state = RC_SIM_FORCED_OPEN;
        else if (mode == RECOV_DISABLED) b->state = RC_SIM_DISABLED;
    }
    return 0u;
}

int rc_sim_target_state(const rc_sim *s, int k, uint32_t now, uint32_t *ms_left)
{
    const rc_sim_breaker *b = &s->breakers[k];
    uint32_t left = 0;
    if (b->state == RC_SIM_OPEN) {
        uint32_t p = open_period(&s->ir->breakers[k], b), el = recov_elapsed(now, b->opened_at);
        left = el < p ? p - el : 0;
    }
    if (ms_left) *ms_left = left;
    return b->state;
}

recov_admit rc_sim_admit(rc_sim *s, uint32_t now) { return rc_sim_admit_i(s, s->inc, now); }
recov_decision rc_sim_failed(rc_sim *s, const rc_sim_fault *f, uint32_t now)
{
    return rc_sim_failed_i(s, s->inc, f, now);
}
recov_decision rc_sim_handler_done(rc_sim *s, bool ok, uint32_t now)
{
    return rc_sim_handler_done_i(s, s->inc, ok, now);
}
void rc_sim_succeeded(rc_sim *s, uint32_t now) { rc_sim_succeeded_i(s, s->inc, now); }
void rc_sim_cancelled(rc_sim *s, uint32_t now) { rc_sim_cancelled_i(s, s->inc, now); }

/* ---- formatting --------------------------------------------------------- */

void rc_sim_format_decision(const recov_decision *d, char *buf, size_t n)
{
    snprintf(buf, n, RC_SIM_DECISION_FMT, (unsigned)d->kind, (unsigned)d->id,
             (unsigned long)d->ms, (unsigned)d->level, (unsigned)d->error,
             (unsigned)d->severity, (unsigned)d->error_class, (unsigned)d->attempt, (unsigned long)d->limit_ms);
}

const char *rc_sim_format_admit(recov_admit a)
{
    switch (a) {
    case RECOV_ALLOW:        return "a allow";
    case RECOV_REJECT:       return "a reject";
    case RECOV_RATE_LIMITED: return "a rate_limited";
    case RECOV_FULL:         return "a full";
    }
    return "a ?";
}

const char *rc_sim_severity_name(int sev)
{
    static const char *const names[RC_SEV_COUNT] = { "low", "medium", "high", "critical" };
    return sev >= 0 && sev < RC_SEV_COUNT ? names[sev] : NULL;
}

static const char *name_at(const rc_ir_name *v, int n, unsigned id)
{
    return (int)id < n ? v[id].name : "?";
}

void rc_sim_describe(const rc_ir *ir, const recov_decision *d, char *buf, size_t n)
{
    char what[256];
    const char *sev;
    switch (d->kind) {
    case RECOV_RETRY:
        if (d->limit_ms)
            snprintf(what, sizeof what, "retry %lu limit %lu", (unsigned long)d->ms, (unsigned long)d->limit_ms);
        else
            snprintf(what, sizeof what, "retry %lu", (unsigned long)d->ms);
        break;
    case RECOV_ADJUST:
        snprintf(what, sizeof what, "adjust %s %lu", name_at(ir->adjusts, ir->nadjusts, d->id),
                 (unsigned long)d->ms);
        break;
    case RECOV_RUN:
        snprintf(what, sizeof what, "run %s %lu", name_at(ir->handlers, ir->nhandlers, d->id),
                 (unsigned long)d->ms);
        break;
    case RECOV_FALLBACK:
        snprintf(what, sizeof what, "fallback %s", name_at(ir->alts, ir->nalts, d->id));
        break;
    case RECOV_DEGRADE:
        snprintf(what, sizeof what, "degrade %s", name_at(ir->modes, ir->nmodes, d->id));
        break;
    case RECOV_ESCALATE:
        sev = rc_sim_severity_name(d->level);
        snprintf(what, sizeof what, "escalate %s %s %lu",
                 name_at(ir->channels, ir->nchannels, d->id), sev ? sev : "?",
                 (unsigned long)d->ms);
        break;
    case RECOV_ABORT:
        snprintf(what, sizeof what, "abort");
        break;
    default:
        snprintf(what, sizeof what, "none");
        break;
    }
    const char *ename = (int)d->error < ir->nerrors ? ir->errors[d->error].name : "?";
    snprintf(buf, n, "%s as %s (attempt %u)", what, ename, (unsigned)d->attempt);
}
