/* analyze_time.c - time bounds of `on` blocks against their deadlines
 * (-Wdeadline), retry steps that a breaker or a budget always refuses
 * (-Wbreaker-retry, -Wbudget-retry) and the escalation table (-Wescalation,
 * -Wescalation-level). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "delay.h"
#include "sim.h"

static const char *const *const sev_names = rc_sev_names;

/* A fault classified as e that block b takes, when the analysis knows one. */
static bool fault_in_block(rc_an *an, int b, int e, char *buf, size_t n)
{
    if (!an->taken || !an->exact) return false;
    rc_cset s;
    rc_cset_copy(&an->sp, &an->taken[b], &s);
    rc_cset_fix(&an->sp, &s, an->sp.error_var, e);
    bool ok = rc_an_fault_for(an, &s, buf, n);
    rc_cset_free(&s);
    return ok;
}

bool rc_an_block_takes(rc_an *an, int b, int e)
{
    if (!an->ir->blocks[b].errors[e]) return false;
    if (!an->taken || !an->exact) return true;
    rc_cset s;
    rc_cset_copy(&an->sp, &an->taken[b], &s);
    rc_cset_fix(&an->sp, &s, an->sp.error_var, e);
    bool ok = !rc_cset_empty(&an->sp, &s);
    rc_cset_free(&s);
    return ok;
}

/* What the block decides once the deadline has passed, as an .rtest
 * expectation (the first incident: no `unresolved` count yet, unless the
 * rule promotes after 1). */
static void terminal_expect(const rc_ir *ir, const rc_ir_block *b, int e, char *buf, size_t n)
{
    if (b->terminal < 0) { snprintf(buf, n, "abort"); return; }
    const rc_ir_step *st = &b->steps[b->terminal];
    if (st->kind == RC_IR_DEGRADE) { snprintf(buf, n, "degrade %s", ir->modes[st->id].name); return; }
    if (st->kind == RC_IR_ABORT) { snprintf(buf, n, "abort"); return; }
    int lv = st->level >= 0 ? st->level : (int)ir->errors[e].severity;
    if (ir->escalation.unresolved_after[lv] == 1) lv = (int)ir->escalation.unresolved_to[lv];
    int ch = ir->escalation.channel[lv];
    snprintf(buf, n, "escalate %s %s", ch >= 0 ? ir->channels[ch].name : "?", sev_names[lv]);
}

/* The fix for a block whose retries can run past its deadline (worst: the
 * largest worst-case total): the deadline that holds them all, and, when the
 * block has one retry step, the most attempts whose worst-case delays fit in
 * the deadline for every error the block takes; for a block that can never
 * run them all, the option that accepts "retry until the deadline". */
static void deadline_fix(rc_an *an, int bi, uint64_t worst, bool never)
{
    const rc_ir *ir = an->ir;
    const rc_ir_block *b = &ir->blocks[bi];
    int step = -1, nretry = 0;
    for (int s = 0; s < b->nsteps; s++)
        if (b->steps[s].kind == RC_IR_RETRY) { step = s; nretry++; }
    char alt[256] = "";
    if (nretry == 1) {
        const rc_ir_retry *r = &ir->retries[b->steps[step].retry];
        size_t na = r->attempts;
        uint32_t *lo = malloc(na * sizeof *lo), *hi = malloc(na * sizeof *hi);
        if (!lo || !hi) exit(3);
        int fit = r->attempts;
        uint64_t fit_ms = 0, before = 0;   /* handlers the block goes on after, before the retries */
        for (int s = 0; s < step; s++)
            if (b->steps[s].kind == RC_IR_RUN && b->steps[s].next != RC_NEXT_RETRY)
                before += (uint64_t)b->steps[s].ms * (uint64_t)(b->steps[s].nalts ? b->steps[s].nalts : 1);
        for (int e = 0; e < ir->nerrors; e++) {
            if (!rc_an_block_takes(an, bi, e)) continue;
            int n = rc_delay_retry(ir, b->steps[step].retry, e, lo, hi);
            uint64_t t = before;
            int k = 0;
            /* each retried attempt may also run to its limit (`timeout`) */
            while (k < n && t + hi[k] + r->timeout_ms <= b->deadline_ms) t += hi[k++] + r->timeout_ms;
            if (k < fit) fit = k;
        }
        /* what those attempts take in the worst case, over the same errors */
        for (int e = 0; e < ir->nerrors; e++) {
            if (!rc_an_block_takes(an, bi, e)) continue;
            rc_delay_retry(ir, b->steps[step].retry, e, lo, hi);
            uint64_t t = 0;
            for (int k = 0; k < fit; k++) t += hi[k] + r->timeout_ms;
            if (t > fit_ms) fit_ms = t;
        }
        free(lo);
        free(hi);
        if (fit == 0)
            snprintf(alt, sizeof alt, "; even the first retry of '%s' can take longer than the deadline",
                     r->name);
        else
            snprintf(alt, sizeof alt, ", or give '%s' at most %d attempt%s (%llu ms of delays%s at most)", r->name,
                     fit, fit == 1 ? "" : "s", (unsigned long long)fit_ms, r->timeout_ms ? " and attempts" : "");
    }
    rc_diag_fix(an->d, b->loc, "raise the deadline to at least %llu ms%s%s", (unsigned long long)worst, alt,
                 never ? "; or, if the block means to retry until the deadline, -Wno-error=deadline-never" : "");
}

void rc_an_time(rc_an *an)
{
    const rc_ir *ir = an->ir;
    char wit[512];
    for (int bi = 0; bi < ir->nblocks; bi++) {
        const rc_ir_block *b = &ir->blocks[bi];
        if (!b->deadline_ms) continue;
        int worst_e = -1;
        uint64_t worst_min = 0, worst_max = 0, worst_work = 0;
        for (int e = 0; e < ir->nerrors; e++) {
            if (!rc_an_block_takes(an, bi, e)) continue;
            rc_delay_bounds d = rc_delay_block_bounds(ir, b, e);
            /* the worst case also spends the attempt limits and the
             * handlers the block goes on after (delay.h, max_work) */
            uint64_t lo = d.min_total, hi = d.max_total + d.max_work;
            if (worst_e < 0 || lo > worst_min || (lo == worst_min && hi > worst_max)) {
                worst_e = e;
                worst_min = lo;
                worst_max = hi;
                worst_work = d.max_work;
            }
        }
        if (worst_e < 0 || worst_max <= b->deadline_ms) continue;
        const char *en = ir->errors[worst_e].name;
        if (worst_min > b->deadline_ms) {
            /* its own name, -Wdeadline-never, an error by default: the
             * block can never do what it says.  -Wno-error=deadline-never
             * keeps it a warning for a policy that means "retry until the
             * deadline" (the block goes on to its terminal step). */
            rc_diag_warning(an->d, RC_W_DEADLINE_NEVER, b->loc, "the retries of this block can never all run within "
                            "its deadline of %u ms: for '%s' their delays alone take at least %llu ms",
                            b->deadline_ms, en, (unsigned long long)worst_min);
        } else if (worst_work) {
            rc_diag_warning(an->d, RC_W_DEADLINE, b->loc, "the retries of this block can exceed its deadline of "
                            "%u ms: for '%s' their delays, attempt timeouts and continued handlers take "
                            "%llu..%llu ms (%llu ms of it attempts and handlers)", b->deadline_ms, en,
                            (unsigned long long)worst_min, (unsigned long long)worst_max,
                            (unsigned long long)worst_work);
        } else {
            rc_diag_warning(an->d, RC_W_DEADLINE, b->loc, "the retries of this block can exceed its deadline of "
                            "%u ms: for '%s' their delays take %llu..%llu ms", b->deadline_ms, en,
                            (unsigned long long)worst_min, (unsigned long long)worst_max);
        }
        deadline_fix(an, bi, worst_max, worst_min > b->deadline_ms);
        /* the timeline that does it, in .rtest form (worst-case delays) */
        if (!fault_in_block(an, bi, worst_e, wit, sizeof wit)) continue;
        uint64_t t = 0;
        bool cut = false;
        char ev[600];   /* what the next decision answers: a failure, or a handler's report */
        snprintf(ev, sizeof ev, "fail %s", wit);
        for (int s = 0; s < b->nsteps; s++) {
            const rc_ir_step *rs = &b->steps[s];
            if (rs->kind == RC_IR_RUN && rs->next != RC_NEXT_RETRY && rs->nalts == 0 && !rs->when && rs->ms) {
                /* a handler the block goes on after: it may run to its timeout and fail */
                rc_diag_note(an->d, rs->loc, "at %llu %s -> run %s %u as %s", (unsigned long long)t, ev,
                             ir->handlers[rs->id].name, rs->ms, en);
                t += rs->ms;
                snprintf(ev, sizeof ev, "handler failed");
                continue;
            }
            if (b->steps[s].kind != RC_IR_RETRY) continue;
            size_t na = ir->retries[b->steps[s].retry].attempts;
            uint32_t *lo = malloc(na * sizeof *lo), *hi = malloc(na * sizeof *hi);
            int n = lo && hi ? rc_delay_retry(ir, b->steps[s].retry, worst_e, lo, hi) : 0;
            for (int i = 0; i < n; i++) {
                char range[32];
                if (lo[i] == hi[i]) snprintf(range, sizeof range, "%u", hi[i]);
                else snprintf(range, sizeof range, "%u..%u", lo[i], hi[i]);
                rc_diag_note(an->d, b->steps[s].loc, "at %llu %s -> retry %s as %s",
                             (unsigned long long)t, ev, range, en);
                snprintf(ev, sizeof ev, "fail %s", wit);
                t += hi[i] + ir->retries[b->steps[s].retry].timeout_ms;  /* the attempt may run to its limit */
                if (t > b->deadline_ms && i + 1 < n) {
                    char end[160];
                    terminal_expect(ir, b, worst_e, end, sizeof end);
                    rc_diag_note(an->d, b->steps[s].loc, "at %llu fail %s -> %s as %s  (past the deadline: no "
                                 "more retries)", (unsigned long long)t, wit, end, en);
                    s = b->nsteps;
                    cut = true;
                    break;
                }
            }
            free(lo);
            free(hi);
        }
        if (!cut && t > b->deadline_ms) {
            char end[160];
            terminal_expect(ir, b, worst_e, end, sizeof end);
            rc_diag_note(an->d, b->loc, "at %llu fail %s -> %s as %s  (past the deadline)", (unsigned long long)t,
                         wit, end, en);
        }
    }
}

void rc_an_escalation(rc_an *an)
{
    const rc_ir *ir = an->ir;
    if (!ir->has_escalation) return;
    const rc_ir_escalation *x = &ir->escalation;
    bool reach[RC_SEV_COUNT] = {false};
    for (int bi = 0; bi < ir->nblocks; bi++) {
        const rc_ir_block *b = &ir->blocks[bi];
        for (int s = 0; s < b->nsteps; s++) {
            if (b->steps[s].kind != RC_IR_ESCALATE) continue;
            if (b->steps[s].level >= 0) { reach[b->steps[s].level] = true; continue; }
            for (int e = 0; e < ir->nerrors; e++)
                if (rc_an_block_takes(an, bi, e)) reach[ir->errors[e].severity] = true;
        }
    }
    for (int round = 0; round < RC_SEV_COUNT; round++)
        for (int l = 0; l < RC_SEV_COUNT; l++)
            if (reach[l] && x->unresolved_after[l]) reach[x->unresolved_to[l]] = true;
    for (int l = 0; l < RC_SEV_COUNT; l++) {
        if (x->channel[l] >= 0 && !reach[l])
            rc_diag_warning(an->d, RC_W_ESCALATION_LEVEL, ir->channels[x->channel[l]].loc,
                            "level '%s' (=> %s) is never escalated at: no reachable `escalate` step uses it and "
                            "no `unresolved` rule promotes to it", sev_names[l], ir->channels[x->channel[l]].name);
        int m = (int)x->unresolved_to[l];
        if (x->unresolved_after[l] && x->unresolved_after[m] && (int)x->unresolved_to[m] == l && l < m)
            rc_diag_warning(an->d, RC_W_ESCALATION, ir->channels[x->channel[m]].loc,
                            "`unresolved` rules loop: '%s' is promoted to '%s' and '%s' back to '%s'",
                            sev_names[l], sev_names[m], sev_names[m], sev_names[l]);
    }
}

/* -Wbreaker-retry.  Within one incident there is no success; once a breaker
 * has opened, it is OPEN again after step 5 of every later P_failed
 * (spec/semantics.md: a HALF_OPEN breaker opens on a failure), and a RETRY
 * step does not retry while a breaker is OPEN.
 * It suffices that the breaker counts every error the block takes: each
 * failure that moves the block on is then counted, and other failures do not
 * reset the count (only a success does, and it ends the incident).  A
 * retry step of a block is first entered on failure F at the earliest, F = 1
 * + the decisions of the steps before it that are followed by a call
 * (retry: its attempts, unless a budget may refuse them; fallback: one per
 * alternative; adjust: 1; run: 0, the handler may fail without a call).
 * When F reaches the breaker's threshold (consecutive, net) or its window (rate),
 * the breaker is OPEN whenever the step is reached: the step never retries.
 * A `per alternative` breaker counts per target: a fallback step moves the
 * incident to an alternative whose instance has seen, at the least, the one
 * failure that exhausted the step (or, when it passed over every
 * alternative, the failures counted so far, which are more), so after a
 * fallback F starts again from 1 and the findings speak of one target. */
void rc_an_breaker_retry(rc_an *an)
{
    const rc_ir *ir = an->ir;
    for (int k = 0; k < ir->nbreakers; k++) {
        const rc_ir_breaker *br = &ir->breakers[k];
        /* net mode: within an incident there is no success, so its count
         * only grows, as a consecutive one does */
        long need = rc_ir_breaker_counts_fails(br->mode) ? (long)br->threshold : (long)br->window;
        /* `close below` with more than one probe: a failed probe need not
         * reopen it (the others decide), so a half-open breaker may let a
         * retry through within the incident; nothing to prove */
        /* a time window: successes of other incidents in the window can keep
         * the rate below its threshold however many failures this one has */
        if (br->mode == RC_BREAKER_TIME) continue;
        /* `retries wait`: an OPEN breaker makes the step wait, not give way */
        if (br->retry_wait) continue;
        if (br->close_below_pct && (br->probes > 1 || rc_ir_param_at(ir, RC_SLOT_PROBES, k, 0) >= 0)) continue;
        for (int bi = 0; bi < ir->nblocks; bi++) {
            const rc_ir_block *b = &ir->blocks[bi];
            if (an->exact && an->taken && rc_cset_empty(&an->sp, &an->taken[bi])) continue;
            /* every error the block takes must count: then every failure
             * that moves the block on is counted, and failures in between
             * (other blocks, uncounted errors) change nothing */
            bool all = true;
            for (int e = 0; e < ir->nerrors && all; e++)
                if (!br->counts[e] && rc_an_block_takes(an, bi, e)) all = false;
            if (!all) continue;
            long f = 1;
            for (int si = 0; si < b->nsteps; si++) {
                const rc_ir_step *st = &b->steps[si];
                if (st->kind == RC_IR_RETRY && f >= need) {
                    rc_diag_warning(an->d, RC_W_BREAKER_RETRY, st->loc, "this retry step never retries: it is "
                                    "reached on failure %ld %s at the earliest, and breaker '%s', which "
                                    "counts every error this block handles, is open %sby then (it opens after %ld %s)", f,
                                    br->per_alt ? "on one target" : "of an incident", br->name,
                                    br->per_alt ? "for that target " : "", need,
                                    br->mode == RC_BREAKER_CONSECUTIVE ? "consecutive failures"
                                    : br->mode == RC_BREAKER_NET ? "failures minus successes"
                                    : "failed calls in its window");
                    rc_diag_note(an->d, br->loc, "breaker '%s' is declared here", br->name);
                    break;
                }
                if (st->kind == RC_IR_RETRY && f + ir->retries[st->retry].attempts - 1 >= need) {
                    /* its retry decided on failure `need` or later is refused */
                    rc_diag_warning(an->d, RC_W_BREAKER_RETRY, st->loc, "this retry step gives at most %ld of its "
                                    "%u retries: breaker '%s', which counts every error this block handles, opens on failure %ld %s "
                                    "and refuses the rest", need - f, ir->retries[st->retry].attempts,
                                    br->name, need, br->per_alt ? "on one target" : "of an incident");
                    rc_diag_note(an->d, br->loc, "breaker '%s' is declared here", br->name);
                    break;
                }
                if (st->kind == RC_IR_RETRY && ir->nbudgets == 0) f += ir->retries[st->retry].attempts;
                else if (st->kind == RC_IR_FALLBACK) f = br->per_alt ? 1 : f + st->nalts;
                else if (st->kind == RC_IR_ADJUST) f += 1;
            }
        }
    }
}

/* ---- -Wbudget-retry ------------------------------------------------------
 *
 * spec/semantics.md: a RETRY step retries only if every budget allows
 * (retries < max(min_retries, calls * ratio_pct / 100)); each budget counts
 * the outcomes (calls) and retries of its current window, which rolls at an
 * outcome once `window_ms` have passed since it opened.  The proof (spec/
 * analysis.md, "Budgets and retries"):
 *
 * 1. Let R be the retry steps directly before step s in its block (no other
 *    step in between).  s retries only after every step of R has given all
 *    its attempts in the same incident: a step of R left any other way (a
 *    budget or breaker refuses it, or the deadline has passed) is left in a
 *    pass of the block that goes on to s in the same state, so s is refused
 *    or skipped there too, and the block's position never goes back.
 * 2. Those retries and s's are decided at distinct events at most D ms (the
 *    block's deadline) after the incident's first failure.  Between the
 *    first of them (tick a) and the last, the window rolls only at ticks
 *    after a, W ms apart at least, so at most 1 + (D - 1) / W times: they
 *    fall into at most 2 + (D - 1) / W windows.
 * 3. A window gives at most cap = max(min_retries, 65535 * ratio / 100)
 *    retries (calls saturates at 65535).
 * So R and s get at most bound = cap * windows retries.
 * 4. With one budget, ratio 0% and no breaker, each retry step before R (and
 *    before a step of another kind) gives all its attempts or is refused by
 *    the budget, whose window is then spent for good (the limit cannot
 *    grow): they take min(cap, A_P) of the bound.  (A ratio's limit grows
 *    with the calls; another budget's refusal spends nothing of this one; a
 *    breaker may refuse them with the budget unspent and, half-open after a
 *    `run`, let the later steps through.)
 * s never retries when R has bound attempts or more, and gives at most
 * bound - A_R of its own.  Nothing about the host's timing is assumed (it may call again as late as
 * it likes, which is how a window rolls between two retries), nor about the
 * earlier history (it sets the window's phase and may fill it with
 * successes). */

#define BUDGET_TIMELINE_MAX 40   /* failures a printed timeline may have */

/* The most retries one window of budget g can give. */
static uint64_t budget_cap(const rc_ir_budget *g)
{
    uint64_t r = (uint64_t)UINT16_MAX * g->ratio_pct / 100u;
    return r > g->min_retries ? r : g->min_retries;
}

/* Windows of g that retries decided within a deadline of d ms can use. */
static uint64_t budget_windows(const rc_ir_budget *g, uint32_t d)
{
    return 2u + (uint64_t)(d - 1u) / g->window_ms;
}

/* Does condition `root` read `attempt` or `elapsed`? */
static bool reads_time(const rc_ir *ir, int root)
{
    bool *mark = calloc((size_t)root + 1, 1);
    if (!mark) return true;
    bool r = false;
    mark[root] = true;
    for (int i = root; i >= 0 && !r; i--) {
        if (!mark[i]) continue;
        const rc_ir_expr *x = &ir->exprs[i];
        if ((x->kind == RC_X_CMP || x->kind == RC_X_IN) && (x->opd == RC_OPD_ATTEMPT || x->opd == RC_OPD_ELAPSED))
            r = true;
        if (x->kind == RC_X_AND || x->kind == RC_X_OR || x->kind == RC_X_NOT) mark[x->a] = true;
        if (x->kind == RC_X_AND || x->kind == RC_X_OR) mark[x->b] = true;
    }
    free(mark);
    return r;
}

/* ---- the timeline of a -Wbudget-retry warning ----
 * Block b run by hand, for one error, with the budgets kept as
 * spec/semantics.md keeps them: a scenario without successes learns nothing,
 * so fallback and run lists take their entries in list order (adaptive ones
 * too: every count of successes is 0), and a RUN is followed by the next
 * failure (P_failed clears `pending`; the block goes on after the run).
 * Breakers are not modelled: the simulator replays the timeline before it is
 * printed (rc_sim_replay, the events and expectations held as data). */

typedef struct tl_budget {
    uint64_t wstart;
    uint32_t calls, retries;
} tl_budget;

static uint32_t tl_limit(const rc_ir_budget *g, const tl_budget *b)
{
    uint32_t limit = b->calls * g->ratio_pct / 100u;
    return limit < g->min_retries ? g->min_retries : limit;
}

/* P_failed 6 at tick t, then: would every budget allow a retry? */
static bool tl_fail(const rc_ir *ir, tl_budget *bs, uint64_t t)
{
    bool ok = true;
    for (int i = 0; i < ir->nbudgets; i++) {
        if (t - bs[i].wstart >= ir->budgets[i].window_ms) {
            bs[i].wstart = t;
            bs[i].calls = bs[i].retries = 0;
        }
        if (bs[i].calls < UINT16_MAX) bs[i].calls++;
        if (bs[i].retries >= tl_limit(&ir->budgets[i], &bs[i])) ok = false;
    }
    return ok;
}

static bool tl_allows(const rc_ir *ir, const tl_budget *bs)
{
    for (int i = 0; i < ir->nbudgets; i++)
        if (bs[i].retries >= tl_limit(&ir->budgets[i], &bs[i])) return false;
    return true;
}

typedef struct tl_event {
    uint64_t t;
    rc_loc loc;                 /* the step that decides */
    uint32_t wait;              /* the worst case of its delay (retries), else 0 */
    char what[120];             /* the decision, as an .rtest expectation */
    rc_sim_expect x;            /* the same, for the simulator's replay */
} tl_event;

typedef struct tl_plan {
    const rc_ir *ir;
    const rc_ir_block *b;
    int e, si;                  /* the error, the step */
    uint32_t **lo, **hi;        /* [si + 1]: delay bounds per retry of the retry steps up to si */
    uint64_t w, nroll;          /* the budget's window; it rolls at w, 2w, ..., nroll * w */
    uint32_t dl;                /* the deadline */
} tl_plan;

typedef struct tl_state {
    int pos;
    uint32_t sub;
    bool ended;
    tl_budget *bs;
} tl_state;

/* One failure at tick t: st moves on and ev receives the decision.  False
 * when a retry step after si would retry (not in a timeline of si). */
static bool tl_failure(const tl_plan *pl, tl_state *st, uint64_t t, tl_event *ev)
{
    const rc_ir *ir = pl->ir;
    const rc_ir_block *b = pl->b;
    bool allow = tl_fail(ir, st->bs, t);
    ev->t = t;
    ev->wait = 0;
    ev->x = (rc_sim_expect){ .kind = RECOV_ABORT, .error = pl->e };
    for (;;) {
        if (st->pos >= b->nsteps) {
            ev->loc = b->loc;
            snprintf(ev->what, sizeof ev->what, "abort");
            st->ended = true;
            return true;
        }
        const rc_ir_step *x = &b->steps[st->pos];
        ev->loc = x->loc;
        switch (x->kind) {
        case RC_IR_RETRY:
            if (st->sub < ir->retries[x->retry].attempts && allow) {
                if (st->pos > pl->si) return false;
                for (int i = 0; i < ir->nbudgets; i++)
                    if (st->bs[i].retries < UINT16_MAX) st->bs[i].retries++;
                uint32_t lo = pl->lo[st->pos][st->sub], hi = pl->hi[st->pos][st->sub];
                if (lo == hi) snprintf(ev->what, sizeof ev->what, "retry %u", hi);
                else snprintf(ev->what, sizeof ev->what, "retry %u..%u", lo, hi);
                ev->x.kind = RECOV_RETRY;
                ev->x.lo = lo;
                ev->x.hi = hi;
                ev->wait = hi;
                st->sub++;
                return true;
            }
            st->pos++;
            st->sub = 0;
            continue;
        case RC_IR_FALLBACK:
            if (st->sub < (uint32_t)x->nalts) {
                ev->x.kind = RECOV_FALLBACK;
                ev->x.id = x->alts[st->sub];
                snprintf(ev->what, sizeof ev->what, "fallback %s", ir->alts[x->alts[st->sub++]].name);
                return true;
            }
            st->pos++;
            st->sub = 0;
            continue;
        case RC_IR_ADJUST:
            st->pos++;
            st->sub = 0;
            snprintf(ev->what, sizeof ev->what, "adjust %s %u", ir->adjusts[x->id].name, x->ms);
            ev->x = (rc_sim_expect){ .kind = RECOV_ADJUST, .id = x->id, .lo = x->ms, .hi = x->ms, .has_ms = true,
                                     .error = pl->e };
            return true;
        case RC_IR_RUN:
            if (x->nalts == 0) {
                st->pos++;
                st->sub = 0;
                snprintf(ev->what, sizeof ev->what, "run %s %u", ir->handlers[x->id].name, x->ms);
                ev->x = (rc_sim_expect){ .kind = RECOV_RUN, .id = x->id, .lo = x->ms, .hi = x->ms, .has_ms = true,
                                         .error = pl->e };
                return true;
            }
            if (st->sub < (uint32_t)x->nalts) {
                ev->x = (rc_sim_expect){ .kind = RECOV_RUN, .id = x->alts[st->sub], .lo = x->ms, .hi = x->ms,
                                         .has_ms = true, .error = pl->e };
                snprintf(ev->what, sizeof ev->what, "run %s %u", ir->handlers[x->alts[st->sub++]].name, x->ms);
                return true;
            }
            st->pos++;
            st->sub = 0;
            continue;
        case RC_IR_DEGRADE:
            snprintf(ev->what, sizeof ev->what, "degrade %s", ir->modes[x->id].name);
            ev->x.kind = RECOV_DEGRADE;
            ev->x.id = x->id;
            st->ended = true;
            return true;
        case RC_IR_ABORT:
            snprintf(ev->what, sizeof ev->what, "abort");
            st->ended = true;
            return true;
        case RC_IR_ESCALATE: {
            int lv = x->level >= 0 ? x->level : (int)ir->errors[pl->e].severity;
            if (ir->escalation.unresolved_after[lv] == 1) lv = (int)ir->escalation.unresolved_to[lv];
            int ch = ir->escalation.channel[lv];
            snprintf(ev->what, sizeof ev->what, "escalate %s %s", ch >= 0 ? ir->channels[ch].name : "?",
                     sev_names[lv]);
            /* a level without a channel matches no decision (id -1) */
            ev->x = (rc_sim_expect){ .kind = RECOV_ESCALATE, .id = ch, .level = lv, .error = pl->e };
            st->ended = true;
            return true;
        }
        }
        return false;
    }
}

/* Places the failures, the incident starting at kW - D + delta and its
 * deadline passing after kW + delta: each failure as late as the previous
 * retry's worst-case delay asks (within its window); a failure that would
 * leave step si refused waits for the next window, until there is none: that
 * is the last failure, and a budget must refuse it.  need0 and
 * needlast receive the delays waited out within window 0 and the last
 * window.  Returns the number of failures, 0 when the block does not behave
 * as the proof says, -1 when there would be more than BUDGET_TIMELINE_MAX. */
static int tl_schedule(const tl_plan *pl, uint64_t delta, tl_budget *bs, tl_budget *save, tl_event *ev,
                       uint64_t *need0, uint64_t *needlast)
{
    const rc_ir *ir = pl->ir;
    uint64_t start = pl->nroll * pl->w - pl->dl + delta;
    tl_state st = { 0, 0, false, bs };
    uint64_t j = 0, t_prev = start, wait = 0;
    int nev = 0;
    memset(bs, 0, sizeof *bs * (size_t)ir->nbudgets);
    *need0 = *needlast = 0;
    for (;;) {
        uint64_t wlo = j == 0 ? start : j * pl->w;
        uint64_t whi = j == pl->nroll ? pl->nroll * pl->w + delta : (j + 1) * pl->w - 1;
        uint64_t t = t_prev + wait;
        if (t < wlo) t = wlo;
        if (t > whi) t = whi;
        memcpy(save, bs, sizeof *bs * (size_t)ir->nbudgets);
        tl_state was = st;
        if (nev == BUDGET_TIMELINE_MAX) return -1;
        if (!tl_failure(pl, &st, t, &ev[nev])) return 0;
        bool passes = st.pos > pl->si || st.ended;
        if (passes && j < pl->nroll) {      /* wait for the next window */
            memcpy(bs, save, sizeof *bs * (size_t)ir->nbudgets);
            st = was;
            j++;
            continue;
        }
        if (nev > 0 && t_prev >= wlo) {
            if (j == 0) *need0 += wait;
            if (j == pl->nroll) *needlast += wait;
        }
        wait = ev[nev].wait;
        t_prev = t;
        nev++;
        if (passes) return st.pos > pl->si && !tl_allows(ir, bs) ? nev : 0;
    }
}

/* Replays the timeline on the simulator from P_init at tick 0 (seed 0),
 * every failure with the witness fault: true when every decision is the one
 * printed.  A timeline past the 32-bit tick range is not replayed. */
static bool tl_replays(const rc_ir *ir, const tl_event *ev, int nev, const rc_sim_value *fault)
{
    rc_sim_event *se = calloc((size_t)nev, sizeof *se);
    if (!se) return false;
    bool ok = true;
    for (int i = 0; i < nev && ok; i++) {
        ok = ev[i].t <= UINT32_MAX && (i == 0 || ev[i].t >= ev[i - 1].t);
        se[i] = (rc_sim_event){ .kind = RC_SIM_EV_FAIL, .t = (uint32_t)ev[i].t, .values = fault, .expect = ev[i].x };
    }
    if (ok) {
        rc_arena a;
        rc_arena_init(&a);
        rc_sim *sim = rc_sim_new(&a, ir);
        ok = rc_sim_replay(sim, 0, 0, se, nev) == 0;
        rc_arena_free(&a);
    }
    free(se);
    return ok;
}

/* The timeline that draws the most retries out of budget gi towards step si
 * of block bi: the window opens at 0 (P_init) and rolls at W, 2W, ..., kW
 * (k = 1 + (D - 1) / W), the last roll at the deadline's last tick, with the
 * incident starting at kW - D; then, when window 0 has room for it, the same
 * shifted so that the last window's failures can wait out their delays.
 * Printed as notes once the simulator has replayed it as written. */
static void budget_timeline(rc_an *an, int bi, int si, int gi, uint32_t dl)
{
    const rc_ir *ir = an->ir;
    const rc_ir_block *b = &ir->blocks[bi];
    const rc_ir_budget *g = &ir->budgets[gi];
    if (!an->taken || !an->exact) return;
    /* an error the block takes, with a fault that reaches the block at every
     * attempt and elapsed time (no `when` on the way reads them) */
    int e = -1;
    char wit[512];
    int *atoms = calloc((size_t)an->sp.nvars + 1, sizeof *atoms);
    if (!atoms) return;
    rc_arena fa;
    rc_arena_init(&fa);
    int nf = ir->nfields > 0 ? ir->nfields : 1;
    int64_t *ints = RC_NEW_ARRAY(&fa, int64_t, nf);
    const char **texts = RC_NEW_ARRAY(&fa, const char *, nf);
    size_t *lens = RC_NEW_ARRAY(&fa, size_t, nf);
    for (int x = 0; x < ir->nerrors && e < 0; x++) {
        if (!b->errors[x]) continue;
        bool timed = false;
        for (int k = 0; k <= bi && !timed; k++)
            timed = ir->blocks[k].errors[x] && ir->blocks[k].when >= 0 && reads_time(ir, ir->blocks[k].when);
        if (timed) continue;
        rc_cset s;
        rc_cset_copy(&an->sp, &an->taken[bi], &s);
        rc_cset_fix(&an->sp, &s, an->sp.error_var, x);
        const uint64_t *c = s.unknown || s.n == 0 ? NULL : rc_space_best_cube(&an->sp, &s);
        if (c) {
            rc_space_witness(&an->sp, 0, c, wit, sizeof wit, atoms);
            rc_space_witness_values(&an->sp, 0, c, &fa, ints, texts, lens);
            e = x;
        }
        rc_cset_free(&s);
    }
    if (e < 0) {
        rc_diag_note(an->d, b->steps[si].loc, "(no timeline: the block takes its errors only at some attempts or "
                     "elapsed times)");
        free(atoms);
        rc_arena_free(&fa);
        return;
    }
    /* the witness as the simulator's fault (what the printed `fail` says) */
    rc_sim_value *fault = RC_NEW_ARRAY(&fa, rc_sim_value, nf);
    for (int f = 0; f < ir->nfields; f++) fault[f] = (rc_sim_value){ ints[f], texts[f], lens[f] };
    if (strcmp(wit, "(any fault)") == 0) wit[0] = '\0';
    const char *sp = wit[0] ? " " : "";
    const char *en = ir->errors[e].name;

    /* delay bounds of every retry of the retry steps up to si, with the
     * witness's `honor` floor */
    uint32_t **lo = calloc((size_t)si + 1, sizeof *lo), **hi = calloc((size_t)si + 1, sizeof *hi);
    tl_budget *bs = calloc((size_t)ir->nbudgets, sizeof *bs), *save = calloc((size_t)ir->nbudgets, sizeof *save);
    tl_event *ev = calloc(BUDGET_TIMELINE_MAX, sizeof *ev);
    bool ok = lo && hi && bs && save && ev;
    for (int k = 0; ok && k <= si; k++) {
        if (b->steps[k].kind != RC_IR_RETRY) continue;
        const rc_ir_retry *r = &ir->retries[b->steps[k].retry];
        lo[k] = malloc(sizeof **lo * r->attempts);
        hi[k] = malloc(sizeof **hi * r->attempts);
        if (!lo[k] || !hi[k]) { ok = false; break; }
        rc_delay_retry(ir, b->steps[k].retry, e, lo[k], hi[k]);
        if (r->honor_field >= 0) {
            int v = an->sp.field_var[0][r->honor_field];
            int64_t f = v >= 0 ? rc_space_int_value(&an->sp.vars[v], atoms[v]) : 0;
            uint32_t fl = f < 0 ? 0 : f > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)f;
            for (int i = 0; i < r->attempts; i++) {
                if (lo[k][i] < fl) lo[k][i] = fl;
                if (hi[k][i] < fl) hi[k][i] = fl;
            }
        }
    }

    uint64_t w = g->window_ms, nroll = 1u + (uint64_t)(dl - 1u) / w;
    tl_plan pl = { ir, b, e, si, lo, hi, w, nroll, dl };
    uint64_t need0 = 0, needlast = 0, delta = 0;
    int nev = ok ? tl_schedule(&pl, 0, bs, save, ev, &need0, &needlast) : 0;
    if (nev > 0 && needlast && need0 + needlast < dl - (nroll - 1) * w) {
        delta = needlast;
        nev = tl_schedule(&pl, delta, bs, save, ev, &need0, &needlast);
    }
    uint64_t start = nroll * w - dl + delta;

    bool replayed = nev > 0 && tl_replays(ir, ev, nev, fault);
    if (nev < 0) {
        rc_diag_note(an->d, b->steps[si].loc, "(a timeline that shows it has more than %d failures: not shown)",
                     BUDGET_TIMELINE_MAX);
    } else if (!replayed) {
        rc_diag_note(an->d, b->steps[si].loc, "(no timeline: with the most retries from budget '%s', %s)", g->name,
                     nev == 0 ? "another budget refuses first"
                     : ir->nbreakers ? "the simulator decides otherwise on the way: a breaker opens"
                     : "the simulator decides otherwise on the way");
    } else {
        char rolls[96];
        if (nroll == 1) snprintf(rolls, sizeof rolls, "%llu", (unsigned long long)w);
        else if (nroll == 2) snprintf(rolls, sizeof rolls, "%llu and %llu", (unsigned long long)w, 2 * (unsigned long long)w);
        else snprintf(rolls, sizeof rolls, "every %llu ms from %llu to %llu", (unsigned long long)w,
                      (unsigned long long)w, (unsigned long long)(nroll * w));
        rc_diag_note(an->d, g->loc, "a timeline with the most retries budget '%s' can give (its window opens at 0, "
                     "P_init, and again at %s; the incident starts at %llu and its deadline passes after %llu):",
                     g->name, rolls, (unsigned long long)start, (unsigned long long)(start + dl));
        char spent[160];
        size_t at = 0;
        int nsp = 0;
        spent[0] = '\0';
        for (int i = 0; i < ir->nbudgets; i++) {
            if (bs[i].retries < tl_limit(&ir->budgets[i], &bs[i])) continue;
            int m = snprintf(spent + at, sizeof spent - at, "%s'%s'", nsp ? ", " : "", ir->budgets[i].name);
            if (m > 0 && (size_t)m < sizeof spent - at) at += (size_t)m;
            nsp++;
        }
        for (int i = 0; i < nev; i++) {
            if (i + 1 < nev)
                rc_diag_note(an->d, ev[i].loc, "at %llu fail%s%s -> %s as %s", (unsigned long long)ev[i].t, sp, wit,
                             ev[i].what, en);
            else
                rc_diag_note(an->d, b->steps[si].loc, "at %llu fail%s%s -> %s as %s  # budget%s %s %s spent: '%s' "
                             "is refused", (unsigned long long)ev[i].t, sp, wit, ev[i].what, en, nsp > 1 ? "s" : "",
                             spent, nsp > 1 ? "are" : "is", ir->retries[b->steps[si].retry].name);
        }
    }
    for (int k = 0; lo && hi && k <= si; k++) { free(lo[k]); free(hi[k]); }
    free(lo);
    free(hi);
    free(bs);
    free(save);
    free(ev);
    free(atoms);
    rc_arena_free(&fa);
}

/* The strategy names of the retry steps from..to-1 of b, quoted and joined
 * ("'a', 'b' and 'c'"); returns how many. */
static int retry_names(const rc_ir *ir, const rc_ir_block *b, int from, int to, char *buf, size_t n)
{
    int cnt = 0, total = 0;
    size_t at = 0;
    buf[0] = '\0';
    for (int k = from; k < to; k++) total += b->steps[k].kind == RC_IR_RETRY;
    for (int k = from; k < to && at < n; k++) {
        if (b->steps[k].kind != RC_IR_RETRY) continue;
        int m = snprintf(buf + at, n - at, "%s'%s'", cnt == 0 ? "" : cnt + 1 == total ? " and " : ", ",
                         ir->retries[b->steps[k].retry].name);
        if (m < 0) break;
        at += (size_t)m;
        cnt++;
    }
    return cnt;
}

/* -Wbudget-retry.  A budget with `ratio 0% min 0` refuses every retry, so no
 * retry step of a reachable block ever retries.  Otherwise, for a block with
 * a deadline, the bound above. */
void rc_an_budget_retry(rc_an *an)
{
    const rc_ir *ir = an->ir;
    bool none = false;
    for (int k = 0; k < ir->nbudgets; k++) {
        const rc_ir_budget *g = &ir->budgets[k];
        if (g->ratio_pct != 0 || g->min_retries != 0) continue;
        none = true;
        for (int bi = 0; bi < ir->nblocks; bi++) {
            const rc_ir_block *b = &ir->blocks[bi];
            if (an->exact && an->taken && rc_cset_empty(&an->sp, &an->taken[bi])) continue;
            for (int si = 0; si < b->nsteps; si++) {
                if (b->steps[si].kind != RC_IR_RETRY) continue;
                rc_diag_warning(an->d, RC_W_BUDGET_RETRY, b->steps[si].loc, "this retry step never retries: "
                                "budget '%s' allows no retry at all (ratio 0%%, min 0)", g->name);
                rc_diag_note(an->d, g->loc, "budget '%s' is declared here", g->name);
            }
        }
    }
    if (none) return;   /* every retry step has been reported */
    for (int bi = 0; bi < ir->nblocks; bi++) {
        const rc_ir_block *b = &ir->blocks[bi];
        uint32_t dl = b->deadline_ms;
        if (!dl || ir->nbudgets == 0) continue;
        if (an->exact && an->taken && rc_cset_empty(&an->sp, &an->taken[bi])) continue;
        for (int si = 0; si < b->nsteps; si++) {
            const rc_ir_step *st = &b->steps[si];
            if (st->kind == RC_IR_DEGRADE || st->kind == RC_IR_ESCALATE || st->kind == RC_IR_ABORT) break;
            if (st->kind != RC_IR_RETRY) continue;
            int r0 = si;
            uint64_t before = 0;
            while (r0 > 0 && b->steps[r0 - 1].kind == RC_IR_RETRY) before += ir->retries[b->steps[--r0].retry].attempts;
            int gi = -1;
            uint64_t bound = 0;
            for (int k = 0; k < ir->nbudgets; k++) {
                uint64_t x = budget_cap(&ir->budgets[k]) * budget_windows(&ir->budgets[k], dl);
                if (gi < 0 || x < bound) { gi = k; bound = x; }
            }
            /* retry steps earlier in the block, before a step of another
             * kind: each gives all its retries or is refused, and with one
             * budget of ratio 0% and no breaker a refusal means the window
             * is spent (its limit cannot grow) */
            const rc_ir_budget *g = &ir->budgets[gi];
            uint64_t earlier = 0, cap = budget_cap(g), left = bound;
            for (int k = 0; k < r0; k++)
                if (b->steps[k].kind == RC_IR_RETRY) earlier += ir->retries[b->steps[k].retry].attempts;
            if (ir->nbudgets == 1 && ir->nbreakers == 0 && g->ratio_pct == 0 && earlier)
                left = bound - (earlier < cap ? earlier : cap);
            else
                earlier = 0;
            uint32_t att = ir->retries[st->retry].attempts;
            if (before + att <= left) continue;
            char what[160];
            if (g->ratio_pct)
                snprintf(what, sizeof what, "budget '%s' (ratio %u%%, min %u per %u ms)", g->name, g->ratio_pct,
                         g->min_retries, g->window_ms);
            else
                snprintf(what, sizeof what, "budget '%s' (min %u per %u ms)", g->name, g->min_retries, g->window_ms);
            char how[200], names[160], first[400] = "", rest[400] = "";
            snprintf(how, sizeof how, "at most %llu retries within this block's deadline of %u ms (%llu in each of at "
                     "most %llu windows)", (unsigned long long)bound, dl, (unsigned long long)cap,
                     (unsigned long long)budget_windows(g, dl));
            int nearlier = retry_names(ir, b, 0, r0, names, sizeof names);
            if (earlier)
                snprintf(rest, sizeof rest, ", at most %llu of them once the earlier retry step%s (%s) %s given all "
                         "%s retries or been refused", (unsigned long long)left, nearlier > 1 ? "s" : "", names,
                         nearlier > 1 ? "have" : "has", nearlier > 1 ? "their" : "its");
            int nbefore = retry_names(ir, b, r0, si, names, sizeof names);
            if (before)
                snprintf(first, sizeof first, ", and the %s right before it (%s) %s %llu retries to give first",
                         nbefore > 1 ? "retry steps" : "retry step", names, nbefore > 1 ? "have" : "has",
                         (unsigned long long)before);
            if (before >= left)
                rc_diag_warning(an->d, RC_W_BUDGET_RETRY, st->loc, "this retry step never retries: %s gives %s%s%s",
                                what, how, rest, first);
            else
                rc_diag_warning(an->d, RC_W_BUDGET_RETRY, st->loc, "this retry step gives at most %llu of its %u "
                                "retries: %s gives %s%s%s", (unsigned long long)(left - before), att, what, how, rest,
                                first);
            rc_diag_note(an->d, g->loc, "budget '%s' is declared here", g->name);
            budget_timeline(an, bi, si, gi, dl);
        }
    }
}

/* -Wopen-wait-deadline.  A `retries wait` breaker raises a retry's delay to
 * the rest of its open period, and gives the step up when that carries it
 * past the block's deadline (spec/semantics.md, RETRY r).  When the
 * shortest open period (the first; `then xF` only grows it) is longer than
 * the deadline of every block with a retry step, an opening that the
 * incident itself caused can never be waited out: only the end of one that
 * began well before the incident can.  Parameters: nothing to prove. */
void rc_an_open_wait(rc_an *an)
{
    const rc_ir *ir = an->ir;
    for (int k = 0; k < ir->nbreakers; k++) {
        const rc_ir_breaker *br = &ir->breakers[k];
        if (!br->retry_wait || rc_ir_param_at(ir, RC_SLOT_OPEN_MS, k, 0) >= 0) continue;
        uint32_t longest = 0;
        int nret = 0;
        bool unknown = false;
        for (int bi = 0; bi < ir->nblocks && !unknown; bi++) {
            const rc_ir_block *b = &ir->blocks[bi];
            bool retry = false;
            for (int si = 0; si < b->nsteps; si++)
                if (b->steps[si].kind == RC_IR_RETRY && ir->retries[b->steps[si].retry].attempts > 0) retry = true;
            if (!retry) continue;
            nret++;
            if (b->deadline_ms == 0 || rc_ir_param_at(ir, RC_SLOT_DEADLINE, bi, 0) >= 0 ||
                rc_ir_param_at(ir, RC_SLOT_DEADLINE, -1, 0) >= 0)
                unknown = true;
            else if (b->deadline_ms > longest)
                longest = b->deadline_ms;
        }
        if (unknown || nret == 0 || br->open_ms <= longest) continue;
        rc_diag_warning(an->d, RC_W_OPEN_WAIT_DEADLINE, br->wait_loc, "breaker '%s' makes retries wait for it, but it "
                        "stays open %" PRIu32 " ms, longer than the deadline of every block that retries (%" PRIu32
                        " ms at most): a retry can wait only for the end of an opening that began before its "
                        "incident", br->name, br->open_ms, longest);
        rc_diag_note(an->d, br->loc, "breaker '%s' is declared here", br->name);
        rc_diag_note(an->d, br->wait_loc, "shorten `open for` to at most %" PRIu32 " ms, lengthen the deadline, or drop "
                     "`retries wait;` to go on to the next step at once", longest);
    }
}
