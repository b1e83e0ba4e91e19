/* emit_c.c - checked IR -> P.h, P.c; see emit_c.h.
 *
 * The generated code is spec/semantics.md written out for one policy: each
 * breaker, budget and block becomes straight-line code with its constants
 * inlined, so a feature the policy does not use costs nothing (no breaker
 * code without breakers, no DFA without patterns, no `prev` without
 * decorrelated jitter).  Section names in comments ("P_failed 5") are the
 * spec's.  Rules the output follows (spec/generated-api.md):
 *   - C99, includes only its own header (which includes recov/recov.h);
 *   - no libc: no memset/memcpy, and no struct copies or zeroing loops that a
 *     compiler could turn into one (every member is assigned explicitly);
 *   - every comparison is folded or written in its operand's type so that
 *     -Wconversion -Wsign-compare -Wtype-limits stay quiet;
 *   - deterministic: the same IR gives the same bytes.
 */
#include "emit_int.h"
#include "prefilter.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *sev_name(int s)
{
    static const char *const n[RC_SEV_COUNT] = { "low", "medium", "high", "critical" };
    return s >= 0 && s < RC_SEV_COUNT ? n[s] : "?";
}

/* Appends a record; fmt builds the key. */
static em_rec *add_rec(em *e, int size, uint32_t max, const char *lval, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static em_rec *add_rec(em *e, int size, uint32_t max, const char *lval, const char *fmt, ...)
{
    if (e->nrecs == e->caprecs) {
        e->caprecs = e->caprecs ? e->caprecs * 2 : 32;
        e->recs = realloc(e->recs, sizeof *e->recs * (size_t)e->caprecs);
        if (!e->recs) {
            fputs("recovc: internal error: out of memory\n", stderr);
            exit(3);
        }
    }
    em_rec *r = &e->recs[e->nrecs++];
    memset(r, 0, sizeof *r);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->key, sizeof r->key, fmt, ap);
    va_end(ap);
    snprintf(r->lval, sizeof r->lval, "%s", lval);
    snprintf(r->decl, sizeof r->decl, "%s", lval);
    r->size = size;
    r->count = 1;
    r->max = max;
    return r;
}

/* ---- analysis: which state exists ---------------------------------------- */

static bool uses_decorrelated(const rc_ir *ir, const rc_ir_block *b)
{
    for (int i = 0; i < b->nsteps; i++)
        if (b->steps[i].kind == RC_IR_RETRY && ir->retries[b->steps[i].retry].jitter == RC_JITTER_DECORRELATED)
            return true;
    return false;
}

/* Bytes of the smallest unsigned type holding max. */
static int utsize(uint32_t max) { return max <= 0xFFu ? 1 : max <= 0xFFFFu ? 2 : 4; }

/* The largest value of a block's `sub`: retries given (at most the
 * attempts), or the bitmask of a fallback / run list. */
static uint32_t sub_max(const rc_ir *ir, const rc_ir_block *b)
{
    uint32_t m = 0;
    for (int i = 0; i < b->nsteps; i++) {
        const rc_ir_step *st = &b->steps[i];
        uint32_t v = 0;
        if (st->kind == RC_IR_RETRY) v = ir->retries[st->retry].attempts;
        else if (st->nalts > 0) v = st->nalts >= 16 ? 0xFFFFu : (1u << st->nalts) - 1u;
        if (v > m) m = v;
    }
    return m;
}

/* prefix + name cut to `room` characters, "_N" appended when cut. */
static char *member_name(const char *prefix, const char *name, const char *suffix, int index, size_t room)
{
    char buf[EM_NAME_MAX + 8];
    size_t len = strlen(name);
    if (len <= room) snprintf(buf, sizeof buf, "%s%s%s", prefix, name, suffix);
    else snprintf(buf, sizeof buf, "%s%.*s%s_%d", prefix, (int)(room - 4), name, suffix, index);
    char *s = malloc(strlen(buf) + 1);
    if (!s) exit(3);
    memcpy(s, buf, strlen(buf) + 1);
    return s;
}

/* Makes v[0..n) distinct: a name equal to an earlier one gets "_i". */
static void distinct(char **v, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(v[i], v[j]) == 0) {
                char buf[EM_NAME_MAX + 16];
                snprintf(buf, sizeof buf, "%.*s_%d", EM_NAME_MAX - 6, v[i], i);
                free(v[i]);
                v[i] = member_name("", buf, "", i, EM_NAME_MAX);
                j = -1;     /* compare the new name with all earlier ones again */
            }
}

/* Member prefixes, within EM_NAME_MAX with their longest suffix
 * ("_opened_at", "_successes": 10; "_retries": 8; "_prev": 5). */
static void plan_names(em *e)
{
    const rc_ir *ir = e->ir;
    static const char *const unres[RC_SEV_COUNT] = {
        "unresolved_low", "unresolved_medium", "unresolved_high", "unresolved_critical" };
    e->brk = calloc((size_t)ir->nbreakers + 1, sizeof *e->brk);
    e->bud = calloc((size_t)ir->nbudgets + 1, sizeof *e->bud);
    e->blk = calloc((size_t)ir->nblocks + 1, sizeof *e->blk);
    if (!e->brk || !e->bud || !e->blk) exit(3);
    for (int i = 0; i < ir->nbreakers; i++)   /* per alternative: "_tgt" after the suffix */
        e->brk[i] = member_name("breaker_", ir->breakers[i].name, "", i,
                                EM_NAME_MAX - 8 - 10 - (ir->breakers[i].per_alt ? 4 : 0));
    for (int i = 0; i < ir->nbudgets; i++)
        e->bud[i] = member_name("budget_", ir->budgets[i].name, "", i, EM_NAME_MAX - 7 - 8);
    for (int b = 0; b < ir->nblocks; b++) {
        const rc_ir_block *bl = &ir->blocks[b];
        int k = rc_em_set_count(bl->errors, ir->nerrors), first = 0;
        while (first < ir->nerrors && !bl->errors[first]) first++;
        if (k == ir->nerrors || first == ir->nerrors)
            e->blk[b] = member_name("on_", "any", "", b, EM_NAME_MAX);
        else
            e->blk[b] = member_name("on_", ir->errors[first].name, k > 1 ? "_etc" : "", b,
                                    EM_NAME_MAX - 3 - 4 - 5);
    }
    distinct(e->brk, ir->nbreakers);
    distinct(e->bud, ir->nbudgets);
    distinct(e->blk, ir->nblocks);
    for (int l = 0; l < RC_SEV_COUNT; l++) e->unres_name[l] = unres[l];
}

/* One item of breaker i: member <brk>_<field>, key breaker.NAME.<field>;
 * a `per alternative` breaker has one per instance, the array
 * <brk>_<field>_tgt[1 + nalts] (instance 0 the primary, key as above;
 * instance a + 1 keyed breaker.NAME@ALT.<field>). */
static void brk_rec(em *e, int i, int size, uint32_t max, const char *field, const char *note)
{
    const rc_ir *ir = e->ir;
    const rc_ir_breaker *b = &ir->breakers[i];
    char lv[EM_NAME_MAX + 8];
    int n = b->per_alt ? ir->nalts + 1 : 1;
    for (int k = 0; k < n; k++) {
        em_rec *r;
        if (!b->per_alt) {
            snprintf(lv, sizeof lv, "%s_%s", e->brk[i], field);
            r = add_rec(e, size, max, lv, "breaker.%s.%s", b->name, field);
        } else {
            snprintf(lv, sizeof lv, "%s_%s_tgt[%d]", e->brk[i], field, k);
            if (k == 0) r = add_rec(e, size, max, lv, "breaker.%s.%s", b->name, field);
            else r = add_rec(e, size, max, lv, "breaker.%s@%s.%s", b->name, ir->alts[k - 1].name, field);
            if (k == 0) snprintf(r->decl, sizeof r->decl, "%s_%s_tgt[%d]", e->brk[i], field, n);
            else r->decl[0] = '\0';
        }
        if (k == 0) {
            snprintf(r->note, sizeof r->note, "%s", note);
            if (b->per_alt) {
                size_t at = strlen(r->note);
                snprintf(r->note + at, sizeof r->note - at, "; per target");
            }
        }
    }
}

/* A time window's items (bstart, head, the buckets): one set, or with
 * `per alternative` one per instance, the buckets as arrays
 * <brk>_b<what>_tgt[1 + nalts][buckets] (key breaker.NAME[@ALT].bucket.J.<what>). */
static void time_recs(em *e, int i)
{
    const rc_ir *ir = e->ir;
    const rc_ir_breaker *b = &ir->breakers[i];
    const char *n = e->brk[i];
    int ni = b->per_alt ? ir->nalts + 1 : 1;
    char lv[EM_NAME_MAX + 24], key[200];
    em_rec *r;
    for (int k = 0; k < ni; k++) {
        if (k) snprintf(key, sizeof key, "%s@%s", b->name, ir->alts[k - 1].name);
        else snprintf(key, sizeof key, "%s", b->name);
        if (b->per_alt) snprintf(lv, sizeof lv, "%s_bstart_tgt[%d]", n, k);
        else snprintf(lv, sizeof lv, "%s_bstart", n);
        r = add_rec(e, 4, 0xFFFFFFFFu, lv, "breaker.%s.bstart", key);
        r->init = 2;
        if (k == 0) {
            if (b->per_alt) snprintf(r->decl, sizeof r->decl, "%s_bstart_tgt[%d]", n, ni);
            snprintf(r->note, sizeof r->note, "time window: when its newest bucket started (ms)%s",
                     b->per_alt ? "; per target" : "");
        } else {
            r->decl[0] = '\0';
        }
    }
    for (int k = 0; k < ni; k++) {
        if (k) snprintf(key, sizeof key, "%s@%s", b->name, ir->alts[k - 1].name);
        else snprintf(key, sizeof key, "%s", b->name);
        if (b->per_alt) snprintf(lv, sizeof lv, "%s_head_tgt[%d]", n, k);
        else snprintf(lv, sizeof lv, "%s_head", n);
        r = add_rec(e, 1, (uint32_t)b->buckets - 1u, lv, "breaker.%s.head", key);
        if (k == 0) {
            if (b->per_alt) snprintf(r->decl, sizeof r->decl, "%s_head_tgt[%d]", n, ni);
            snprintf(r->note, sizeof r->note, "the newest bucket of %u, %u ms each%s", b->buckets,
                     b->window_ms / b->buckets, b->per_alt ? "; per target" : "");
        } else {
            r->decl[0] = '\0';
        }
    }
    static const char *const what[3] = { "calls", "fails", "slow" };
    static const char *const note[3] = { "calls recorded in each bucket", "counted failures in each bucket",
                                         "slow calls in each bucket" };
    for (int k = 0; k < ni; k++) {
        if (k) snprintf(key, sizeof key, "%s@%s", b->name, ir->alts[k - 1].name);
        else snprintf(key, sizeof key, "%s", b->name);
        for (int j = 0; j < b->buckets; j++)
            for (int w = 0; w < (b->slow_ms ? 3 : 2); w++) {
                if (b->per_alt) snprintf(lv, sizeof lv, "%s_b%s_tgt[%d][%d]", n, what[w], k, j);
                else snprintf(lv, sizeof lv, "%s_b%s[%d]", n, what[w], j);
                r = add_rec(e, 2, 0xFFFFu, lv, "breaker.%s.bucket.%d.%s", key, j, what[w]);
                if (k == 0 && j == 0) {
                    if (b->per_alt) snprintf(r->decl, sizeof r->decl, "%s_b%s_tgt[%d][%d]", n, what[w], ni, b->buckets);
                    else snprintf(r->decl, sizeof r->decl, "%s_b%s[%d]", n, what[w], b->buckets);
                    snprintf(r->note, sizeof r->note, "%s%s", note[w], b->per_alt ? "; per target" : "");
                } else {
                    r->decl[0] = '\0';
                }
            }
    }
}

/* The state, member by member, in checkpoint order (shared part first). */
static void plan_state(em *e)
{
    const rc_ir *ir = e->ir;
    char lv[EM_NAME_MAX + 8];
    em_rec *r;

    plan_names(e);
    r = add_rec(e, 4, 0xFFFFFFFFu, "prng", "prng");
    r->init = 1;
    snprintf(r->note, sizeof r->note, "jitter's random state, never 0");
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        char sn[160];
        snprintf(sn, sizeof sn, "breaker %.60s: CLOSED, OPEN, HALF_OPEN, FORCED_OPEN or DISABLED", b->name);
        brk_rec(e, i, 1, 4u, "state", sn);
        if (rc_ir_breaker_counts_fails(b->mode)) {
            brk_rec(e, i, 2, 0xFFFFu, "fails", b->mode == RC_BREAKER_NET
                    ? "counted failures minus successes while closed (never below 0)"
                    : "consecutive counted failures while closed");
        } else if (b->mode == RC_BREAKER_TIME) {
            time_recs(e, i);
        } else if (rc_ir_window_ring(b)) {      /* never per alternative (check.c) */
            int nw = rc_ir_window_words(b);
            for (int j = 0; j < nw; j++) {
                uint32_t top = (uint32_t)b->window - 32u * (uint32_t)j;
                snprintf(lv, sizeof lv, "%s_ring[%d]", e->brk[i], j);
                r = add_rec(e, 4, top >= 32u ? 0xFFFFFFFFu : (1u << top) - 1u, lv, "breaker.%s.ring.%d", b->name, j);
                if (j == 0) {
                    snprintf(r->decl, sizeof r->decl, "%s_ring[%d]", e->brk[i], nw);
                    snprintf(r->note, sizeof r->note, "the last %u calls, one bit each (1 failed), %d words",
                             (unsigned)b->window, nw);
                } else {
                    r->decl[0] = '\0';
                }
            }
            brk_rec(e, i, 2, (uint32_t)b->window - 1u, "head", "the ring position the next call is written at");
            brk_rec(e, i, 2, b->window, "n", "calls in the window");
            brk_rec(e, i, 2, b->window, "nf", "failed calls in the window");
        } else {
            uint32_t mask = b->window >= 32 ? 0xFFFFFFFFu : (1u << b->window) - 1u;
            char note[80];
            snprintf(note, sizeof note, "the last %d calls, bit 0 the newest: 1 failed", b->window);
            brk_rec(e, i, 4, mask, "window", note);
            brk_rec(e, i, 1, b->window, "n", "calls in the window");
        }
        brk_rec(e, i, 4, 0xFFFFFFFFu, "opened_at", "open: when it opened; half-open: when it last admitted a probe (ms)");
        brk_rec(e, i, 2, 0xFFFFu, "admitted", "probes admitted while half-open");
        brk_rec(e, i, 2, 0xFFFFu, "successes", "probe successes while half-open");
        if (b->close_below_pct) brk_rec(e, i, 2, 0xFFFFu, "hfails", "probe failures while half-open (close below)");
        if (b->open_factor_milli)
            brk_rec(e, i, 2, 0xFFFFu, "opens", "openings since it last closed (the open period grows)");
    }
    for (int i = 0; i < ir->nbudgets; i++) {
        const char *n = e->bud[i];
        snprintf(lv, sizeof lv, "%s_wstart", n);
        r = add_rec(e, 4, 0xFFFFFFFFu, lv, "budget.%s.wstart", ir->budgets[i].name);
        r->init = 2;
        snprintf(r->note, sizeof r->note, "budget %.60s: start of its window (ms)", ir->budgets[i].name);
        snprintf(lv, sizeof lv, "%s_calls", n);
        r = add_rec(e, 2, 0xFFFFu, lv, "budget.%s.calls", ir->budgets[i].name);
        snprintf(r->note, sizeof r->note, "outcomes counted in the window");
        snprintf(lv, sizeof lv, "%s_retries", n);
        r = add_rec(e, 2, 0xFFFFu, lv, "budget.%s.retries", ir->budgets[i].name);
        snprintf(r->note, sizeof r->note, "retries granted in the window");
    }
    if (e->any_fallback) {
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < ir->nalts; i++) {
                snprintf(lv, sizeof lv, "alt_%s[%d]", k ? "failed" : "ok", i);
                r = add_rec(e, 2, 0xFFFFu, lv, "alt.%s.%s", ir->alts[i].name, k ? "failed" : "ok");
                if (i == 0) {
                    snprintf(r->decl, sizeof r->decl, "alt_%s[%d]", k ? "failed" : "ok", ir->nalts);
                    snprintf(r->note, sizeof r->note, "per P_ALT_*: times a fallback to it %s",
                             k ? "failed" : "succeeded");
                } else {
                    r->decl[0] = '\0';
                }
            }
        }
    }
    if (e->any_runlist) {
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < ir->nhandlers; i++) {
                snprintf(lv, sizeof lv, "hnd_%s[%d]", k ? "failed" : "ok", i);
                r = add_rec(e, 2, 0xFFFFu, lv, "handler.%s.%s", ir->handlers[i].name, k ? "failed" : "ok");
                if (i == 0) {
                    snprintf(r->decl, sizeof r->decl, "hnd_%s[%d]", k ? "failed" : "ok", ir->nhandlers);
                    snprintf(r->note, sizeof r->note, "per P_HANDLER_*: times it %s", k ? "failed" : "succeeded");
                } else {
                    r->decl[0] = '\0';
                }
            }
        }
    }
    for (int l = 0; l < RC_SEV_COUNT; l++) {
        if (!e->unres[l]) continue;
        r = add_rec(e, 2, 0xFFFFu, e->unres_name[l], "unresolved.%s", sev_name(l));
        snprintf(r->note, sizeof r->note, "%s escalations since the last success", sev_name(l));
    }
    for (int i = 0; i < ir->nparams; i++) {
        snprintf(lv, sizeof lv, "prm%d", i);
        r = add_rec(e, 4, (uint32_t)ir->params[i].hi, lv, "param.%s", ir->params[i].name);
        r->min = (uint32_t)ir->params[i].lo;
        r->def = (uint32_t)ir->params[i].def;
        r->init = 3;
        snprintf(r->note, sizeof r->note, "parameter %.80s (P_set_params)", ir->params[i].name);
    }
    if (ir->age_incidents) {
        r = add_rec(e, 2, 0xFFFFu, "aged_n", "ageing.incidents");
        snprintf(r->note, sizeof r->note, "incidents since learned counts were last halved");
    }
    if (ir->rate_n) {
        r = add_rec(e, 2, ir->rate_burst, "lim_tokens", "limit.rate.tokens");
        r->init = 3;
        r->def = ir->rate_burst;
        snprintf(r->note, sizeof r->note, "limit rate: whole tokens in the bucket");
        r = add_rec(e, 4, ir->rate_ms - 1u, "lim_credit", "limit.rate.credit");
        snprintf(r->note, sizeof r->note, "limit rate: towards the next token, in ms x %u", (unsigned)ir->rate_n);
        r = add_rec(e, 4, 0xFFFFFFFFu, "lim_at", "limit.rate.at");
        r->init = 2;
        snprintf(r->note, sizeof r->note, "limit rate: when the bucket was last refilled (ms)");
    }
    if (ir->age_ms) {
        r = add_rec(e, 4, 0xFFFFFFFFu, "aged_at", "ageing.at");
        snprintf(r->note, sizeof r->note, "when learned counts were last halved (ms)");
        r->init = 2;
    }
    for (int i = 0; i < e->sl.n; i++) {
        char key[400];
        rc_ir_stat_key(ir, i, key, sizeof key);
        snprintf(lv, sizeof lv, "stat[%d]", i);
        r = add_rec(e, 4, 0xFFFFFFFFu, lv, "stats.%s", key);
        if (i == 0) {
            snprintf(r->decl, sizeof r->decl, "stat[%d]", e->sl.n);
            snprintf(r->note, sizeof r->note, "`stats;` counters, per error, breaker, alternative, handler, limit (%s_stats)", e->P);
        } else {
            r->decl[0] = '\0';
        }
    }
    e->nshared = e->nrecs;
    /* the incident: keyed with the policy hash, so only the identical policy
     * restores it; counters in the smallest type that holds their values */
    uint32_t h = ir->hash;
    uint32_t emax = (uint32_t)(ir->nerrors > 0 ? ir->nerrors - 1 : 0);
    r = add_rec(e, 1, 1u, "active", "incident.%08" PRIx32 ".active", h);
    snprintf(r->note, sizeof r->note, "1 while an incident is open");
    r = add_rec(e, 4, 0xFFFFFFFFu, "start", "incident.%08" PRIx32 ".start", h);
    snprintf(r->note, sizeof r->note, "when the incident began (ms)");
    r = add_rec(e, 2, 0xFFFFu, "attempt", "incident.%08" PRIx32 ".attempt", h);
    snprintf(r->note, sizeof r->note, "failures in this incident");
    r = add_rec(e, utsize(emax), emax, "error", "incident.%08" PRIx32 ".error", h);
    snprintf(r->note, sizeof r->note, "the last failure's P_ERR_*");
    if (e->any_run) {
        r = add_rec(e, 1, (uint32_t)ir->nblocks, "pending", "incident.%08" PRIx32 ".pending", h);
        snprintf(r->note, sizeof r->note, "1 + the block waiting for P_handler_done, 0: none");
    }
    if (e->any_fallback) {
        r = add_rec(e, utsize((uint32_t)ir->nalts), (uint32_t)ir->nalts, "last_alt",
                    "incident.%08" PRIx32 ".last_alt", h);
        snprintf(r->note, sizeof r->note, "1 + the last fallback's P_ALT_*, 0: none");
    }
    if (e->any_runlist) {
        r = add_rec(e, utsize((uint32_t)ir->nhandlers), (uint32_t)ir->nhandlers, "last_handler",
                    "incident.%08" PRIx32 ".last_handler", h);
        snprintf(r->note, sizeof r->note, "1 + the last listed handler run, 0: none");
    }
    if (e->sl.n && ir->nhandlers) {
        r = add_rec(e, utsize((uint32_t)ir->nhandlers), (uint32_t)ir->nhandlers, "stat_handler",
                    "incident.%08" PRIx32 ".stat_handler", h);
        snprintf(r->note, sizeof r->note, "`stats;`: 1 + the handler of the pending RUN, 0: none");
    }
    if (e->any_pa) {
        r = add_rec(e, utsize((uint32_t)ir->nalts), (uint32_t)ir->nalts, "tgt", "incident.%08" PRIx32 ".tgt", h);
        snprintf(r->note, sizeof r->note, "current target: 0 the primary, 1 + P_ALT_* after a fallback");
    }
    for (int b = 0; b < ir->nblocks; b++) {
        uint32_t smax = sub_max(ir, &ir->blocks[b]);
        e->sub_t[b] = rc_em_utype(smax);
        snprintf(lv, sizeof lv, "%s_pos", e->blk[b]);
        r = add_rec(e, 1, (uint32_t)ir->blocks[b].nsteps, lv, "block.%08" PRIx32 ".%d.pos", h, b);
        snprintf(r->note, sizeof r->note, "block of line %d: its current step", ir->blocks[b].loc.line);
        snprintf(lv, sizeof lv, "%s_sub", e->blk[b]);
        r = add_rec(e, utsize(smax), utsize(smax) == 1 ? 0xFFu : 0xFFFFu, lv, "block.%08" PRIx32 ".%d.sub", h, b);
        snprintf(r->note, sizeof r->note, "retries made, or alternatives tried (bits), in the current step");
        if (e->blk_prev[b]) {
            snprintf(lv, sizeof lv, "%s_prev", e->blk[b]);
            r = add_rec(e, 4, 0xFFFFFFFFu, lv, "block.%08" PRIx32 ".%d.prev", h, b);
            snprintf(r->note, sizeof r->note, "the last retry delay (decorrelated jitter)");
        }
    }
    for (int i = 0; i < e->nrecs; i++) {
        const char *br = e->recs[i].decl[0] ? strchr(e->recs[i].decl, '[') : NULL;
        for (e->recs[i].count = 1; br; br = strchr(br + 1, '['))   /* [n] or [n][k] */
            e->recs[i].count *= atoi(br + 1);
    }
}

static bool analyse(em *e)
{
    const rc_ir *ir = e->ir;
    e->blk_prev = calloc((size_t)(ir->nblocks + 1), sizeof(bool));
    e->blk_run = calloc((size_t)(ir->nblocks + 1), sizeof(bool));
    e->woff = calloc((size_t)(ir->ntexts + 1), sizeof(int));
    e->fo = calloc((size_t)(ir->ntexts + 1), sizeof(bool));
    e->low = calloc((size_t)(ir->ntexts + 1), sizeof(bool));
    e->scan = calloc((size_t)(ir->ntexts + 1), sizeof *e->scan);
    e->sub_t = calloc((size_t)(ir->nblocks + 1), sizeof *e->sub_t);
    if (!e->blk_prev || !e->blk_run || !e->woff || !e->fo || !e->low || !e->scan || !e->sub_t) {
        snprintf(e->why, sizeof e->why, "out of memory");
        return false;
    }
    for (int t = 0; t < ir->ntexts; t++) {
        const rc_dfa_plan *tp = &ir->texts[t].plan;
        int ng = tp->ngroups > 1 ? tp->ngroups : 1;
        if (tp->pre) ng = tp->ngroups + tp->pre->nconf + 1;
        /* only a prefilter's scan stops early (emit_pre.c) */
        rc_ir_scan f = tp->pre ? rc_ir_scan_form(ir, t, NULL, NULL) : RC_SCAN_EVERY;
        e->fo[t] = f != RC_SCAN_EVERY;
        e->low[t] = f == RC_SCAN_LOWEST;
        e->woff[t] = e->low[t] ? -1 : e->words;
        if (!e->low[t]) e->words += ir->texts[t].dfa.words;
        e->scan[t] = calloc((size_t)ng, sizeof *e->scan[t]);
        if (!e->scan[t]) {
            snprintf(e->why, sizeof e->why, "out of memory");
            return false;
        }
    }
    e->any_fallback = ir->nalts > 0;
    for (int b = 0; b < ir->nblocks; b++) {
        e->blk_prev[b] = uses_decorrelated(ir, &ir->blocks[b]);
        for (int i = 0; i < ir->blocks[b].nsteps; i++) {
            const rc_ir_step *st = &ir->blocks[b].steps[i];
            if (st->kind == RC_IR_RUN) e->blk_run[b] = e->any_run = true;
            if (st->kind == RC_IR_RUN && st->nalts > 0) e->any_runlist = true;
            if (st->kind == RC_IR_ESCALATE) e->any_esc = true;
        }
    }
    if (ir->has_escalation)
        for (int l = 0; l < RC_SEV_COUNT; l++)
            if (ir->escalation.unresolved_after[l]) e->unres[l] = e->any_unres = true;
    e->any_adm = ir->nbreakers > 0 || ir->rate_n || ir->concurrent;
    e->any_pa = rc_ir_any_per_alt(ir);
    rc_ir_stat_layout(ir, &e->sl);
    for (int i = 0; i < ir->nbreakers; i++) e->any_slow |= ir->breakers[i].slow_ms != 0;
    e->run_block = ir->nblocks > 1;
    e->blk_now = rc_em_blocks_need_now(ir);
    e->err_t = rc_em_utype((uint64_t)(ir->nerrors > 0 ? ir->nerrors - 1 : 0));
    e->alt_t = rc_em_utype((uint64_t)ir->nalts);
    e->hnd_t = rc_em_utype((uint64_t)ir->nhandlers);
    e->cls_max = (uint32_t)(ir->nclasses > 0 ? ir->nclasses - 1 : 0);
    e->cls_t = rc_em_utype(e->cls_max);
    return true;
}

/* ---- driver --------------------------------------------------------------------- */

static void emit_source(em *e, const char *header_name)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    rc_cout_line(o, "/* %s.c - generated by recovc from policy %s version %" PRIu32 ".  Do not edit.",
                 P, P, ir->version);
    rc_cout_line(o, " * Implements spec/semantics.md for this policy; see %s for the API. */", header_name);
    rc_cout_line(o, "#include \"%s\"", header_name);
    rc_cout_blank(o);
    rc_cout_comment(o, "the layout in the header is the one the checkpoint offsets assume");
    rc_cout_line(o, "typedef char %s_shared_size_ok[(sizeof(%s_shared) == %s_SHARED_SIZE) ? 1 : -1];", P, P, P);
    rc_cout_line(o, "typedef char %s_incident_size_ok[(sizeof(%s_incident) == %s_INCIDENT_SIZE) ? 1 : -1];", P, P, P);
    rc_cout_blank(o);
    rc_em_tables(e);
    rc_em_machine(e);
    rc_em_checkpoint(e);
    rc_em_name_funcs(e);
    rc_em_params(e);
    rc_em_stats_funcs(e);
}

/* Frees what analyse and plan_state allocated. */
static void em_free(em *e)
{
    const rc_ir *ir = e->ir;
    free(e->recs);
    free(e->foldv[0]);
    free(e->foldv[1]);
    free(e->woff);
    free(e->fo);
    free(e->low);
    if (e->scan)
        for (int t = 0; t < ir->ntexts; t++) free(e->scan[t]);
    free(e->scan);
    for (int i = 0; e->brk && i < ir->nbreakers; i++) free(e->brk[i]);
    for (int i = 0; e->bud && i < ir->nbudgets; i++) free(e->bud[i]);
    for (int i = 0; e->blk && i < ir->nblocks; i++) free(e->blk[i]);
    free(e->brk);
    free(e->bud);
    free(e->blk);
    free(e->blk_prev);
    free(e->blk_run);
    free(e->sub_t);
}

bool rc_emit_state_sizes(const rc_ir *ir, rc_emit_sizes *out)
{
    em e;
    memset(&e, 0, sizeof e);
    e.ir = ir;
    e.P = ir->name;
    bool ok = analyse(&e);
    if (ok) {
        plan_state(&e);
        out->shared = rc_em_part_size(&e, EM_SHARED);
        out->incident = rc_em_part_size(&e, EM_INCIDENT);
        out->shared_checkpoint = (int)EM_CK_HEADER + rc_em_ck_payload(&e, EM_SHARED) + 4;
        out->incident_checkpoint = (int)EM_CK_HEADER + rc_em_ck_payload(&e, EM_INCIDENT) + 4;
    }
    em_free(&e);
    return ok;
}

bool rc_emit_c_why(const rc_ir *ir, const char *header_name, FILE *h, FILE *c, char *why, size_t n)
{
    rc_emit_opts opt = { header_name, false };
    return rc_emit_c_opts(ir, &opt, h, c, why, n);
}

bool rc_emit_c_opts(const rc_ir *ir, const rc_emit_opts *opt, FILE *h, FILE *c, char *why, size_t n)
{
    const char *header_name = opt->header_name;
    em e;
    memset(&e, 0, sizeof e);
    e.ir = ir;
    e.P = ir->name;
    snprintf(e.src_buf, sizeof e.src_buf, "%.70s.recov", ir->name);
    e.src = ir->source ? ir->source : e.src_buf;
    e.h = h;
    e.c = c;
    rc_cout_init(&e.oh, h);
    rc_cout_init(&e.oc, c);
    snprintf(e.self, sizeof e.self, "%s.c", ir->name);
    if (opt->line_directives) rc_cout_line_directives(&e.oc, e.self);
    bool ok = analyse(&e);
    if (ok) {
        e.foldv[0] = malloc((size_t)ir->nexprs + 1);
        e.foldv[1] = malloc((size_t)ir->nexprs + 1);
        ok = e.foldv[0] && e.foldv[1];
        if (ok) {
            rc_em_fold_all(&e, CTX_CLASSIFY);
            rc_em_fold_all(&e, CTX_WHEN);
        } else {
            snprintf(e.why, sizeof e.why, "out of memory");
        }
    }
    if (ok) plan_state(&e);
    if (ok) {
        rc_em_header(&e, header_name);
        emit_source(&e, header_name);
        ok = !ferror(h) && !ferror(c);
        if (!ok) snprintf(e.why, sizeof e.why, "write error");
        else if (!rc_cout_balanced(&e.oh) || !rc_cout_balanced(&e.oc)) {
            ok = false;  /* an emitter bug: never a half-formed file */
            snprintf(e.why, sizeof e.why, "internal error: unbalanced blocks in the generated C");
        }
    }
    if (!ok && why && n) snprintf(why, n, "%s", e.why);
    em_free(&e);
    return ok;
}

bool rc_emit_c(const rc_ir *ir, const char *header_name, FILE *h, FILE *c)
{
    return rc_emit_c_why(ir, header_name, h, c, NULL, 0);
}

/* ---- parameters ------------------------------------------------------------ */

void rc_em_params(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (!ir->nparams) return;
    rc_cout_line(o, "const char *%s_param_name(unsigned id)", P);
    rc_cout_open(o, "{");
    rc_cout_open(o, "static const char *const names[%d] = {", ir->nparams);
    for (int i = 0; i < ir->nparams; i++) {
        rc_cout_begin(o, "%s", "");
        rc_em_put_cstr(o, ir->params[i].name);
        rc_cout_end(o, ",");
    }
    rc_cout_close(o, "};");
    rc_cout_line(o, "return (id < %du) ? names[id] : NULL;", ir->nparams);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    rc_cout_line(o, "void %s_params_default(%s_params *p)", P, P);
    rc_cout_open(o, "{");
    for (int i = 0; i < ir->nparams; i++)
        rc_cout_line(o, "p->%s = %" PRId64 "u;", ir->params[i].name, ir->params[i].def);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    rc_cout_line(o, "unsigned %s_set_params(%s_shared *s, const %s_params *p)", P, P, P);
    rc_cout_open(o, "{");
    for (int i = 0; i < ir->nparams; i++) {
        const rc_ir_param *p = &ir->params[i];
        /* a bound at its type's limit is left out (-Wtype-limits) */
        int64_t tmax = p->type == RC_PT_U8 || p->type == RC_PT_PERCENT ? UINT8_MAX
                     : p->type == RC_PT_U16 ? UINT16_MAX : UINT32_MAX;
        if (p->lo > 0 && p->hi < tmax)
            rc_cout_open(o, "if ((p->%s < %" PRId64 "u) || (p->%s > %" PRId64 "u)) {", p->name, p->lo, p->name, p->hi);
        else if (p->lo > 0)
            rc_cout_open(o, "if (p->%s < %" PRId64 "u) {", p->name, p->lo);
        else if (p->hi < tmax)
            rc_cout_open(o, "if (p->%s > %" PRId64 "u) {", p->name, p->hi);
        else
            continue;
        rc_cout_line(o, "return %du;", i + 1);
        rc_cout_close(o, "}");
    }
    for (int i = 0; i < ir->nparams; i++) rc_cout_line(o, "s->prm%d = p->%s;", i, ir->params[i].name);
    rc_cout_line(o, "return 0u;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    rc_cout_line(o, "void %s_get_params(const %s_shared *s, %s_params *p)", P, P, P);
    rc_cout_open(o, "{");
    for (int i = 0; i < ir->nparams; i++) {
        const rc_ir_param *p = &ir->params[i];
        const char *t = p->type == RC_PT_U8 || p->type == RC_PT_PERCENT ? "uint8_t"
                      : p->type == RC_PT_U16 ? "uint16_t" : NULL;
        if (t) rc_cout_line(o, "p->%s = (%s)s->prm%d;", p->name, t, i);
        else rc_cout_line(o, "p->%s = s->prm%d;", p->name, i);
    }
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}
