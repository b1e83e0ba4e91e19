/* analyze_time.c - time bounds of `on` blocks against their deadlines
 * (-Wdeadline), retry steps that a breaker always refuses (-Wbreaker-retry)
 * and the escalation table (-Wescalation, -Wescalation-level). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "explain.h"

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

static bool block_takes(rc_an *an, int b, int e)
{
    if (!an->taken || !an->exact) return an->ir->blocks[b].errors[e];
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

void rc_an_time(rc_an *an)
{
    const rc_ir *ir = an->ir;
    char wit[512];
    for (int bi = 0; bi < ir->nblocks; bi++) {
        const rc_ir_block *b = &ir->blocks[bi];
        if (!b->deadline_ms) continue;
        int worst_e = -1;
        uint64_t worst_min = 0, worst_max = 0;
        for (int e = 0; e < ir->nerrors; e++) {
            if (!b->errors[e] || !block_takes(an, bi, e)) continue;
            uint64_t lo = 0, hi = 0;
            for (int s = 0; s < b->nsteps; s++) {
                if (b->steps[s].kind != RC_IR_RETRY) continue;
                rc_delay_bounds d = rc_explain_retry_bounds(ir, b->steps[s].retry, e);
                lo += d.min_total;
                hi += d.max_total;
            }
            if (worst_e < 0 || lo > worst_min || (lo == worst_min && hi > worst_max)) {
                worst_e = e;
                worst_min = lo;
                worst_max = hi;
            }
        }
        if (worst_e < 0 || worst_max <= b->deadline_ms) continue;
        const char *en = ir->errors[worst_e].name;
        if (worst_min > b->deadline_ms) {
            /* its own warning, -Wdeadline-never: a deadline that cuts the
             * retries short is a legitimate way to say "retry until the
             * deadline" (the block goes on to its terminal step), so it is
             * not an error by default; -Werror=deadline-never makes it one */
            rc_diag_warning(an->d, RC_W_DEADLINE_NEVER, b->loc, "the retries of this block can never all run within "
                            "its deadline of %u ms: for '%s' their delays alone take at least %llu ms",
                            b->deadline_ms, en, (unsigned long long)worst_min);
        } else {
            rc_diag_warning(an->d, RC_W_DEADLINE, b->loc, "the retries of this block can exceed its deadline of "
                            "%u ms: for '%s' their delays take %llu..%llu ms", b->deadline_ms, en,
                            (unsigned long long)worst_min, (unsigned long long)worst_max);
        }
        /* the timeline that does it, in .rtest form (worst-case delays) */
        if (!fault_in_block(an, bi, worst_e, wit, sizeof wit)) continue;
        uint64_t t = 0;
        bool cut = false;
        for (int s = 0; s < b->nsteps; s++) {
            if (b->steps[s].kind != RC_IR_RETRY) continue;
            size_t na = ir->retries[b->steps[s].retry].attempts;
            uint32_t *lo = malloc(na * sizeof *lo), *hi = malloc(na * sizeof *hi);
            int n = lo && hi ? rc_explain_retry_delays(ir, b->steps[s].retry, worst_e, lo, hi) : 0;
            for (int i = 0; i < n; i++) {
                char range[32];
                if (lo[i] == hi[i]) snprintf(range, sizeof range, "%u", hi[i]);
                else snprintf(range, sizeof range, "%u..%u", lo[i], hi[i]);
                rc_diag_note(an->d, b->steps[s].loc, "at %llu fail %s -> retry %s as %s",
                             (unsigned long long)t, wit, range, en);
                t += hi[i];
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
                if (b->errors[e] && block_takes(an, bi, e)) reach[ir->errors[e].severity] = true;
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
 * When F reaches the breaker's threshold (consecutive) or its window (rate),
 * the breaker is OPEN whenever the step is reached: the step never retries. */
void rc_an_breaker_retry(rc_an *an)
{
    const rc_ir *ir = an->ir;
    for (int k = 0; k < ir->nbreakers; k++) {
        const rc_ir_breaker *br = &ir->breakers[k];
        long need = br->mode == RC_BREAKER_CONSECUTIVE ? (long)br->threshold : (long)br->window;
        for (int bi = 0; bi < ir->nblocks; bi++) {
            const rc_ir_block *b = &ir->blocks[bi];
            if (an->exact && an->taken && rc_cset_empty(&an->sp, &an->taken[bi])) continue;
            /* every error the block takes must count: then every failure
             * that moves the block on is counted, and failures in between
             * (other blocks, uncounted errors) change nothing */
            bool all = true;
            for (int e = 0; e < ir->nerrors && all; e++)
                if (!br->counts[e] && block_takes(an, bi, e)) all = false;
            if (!all) continue;
            long f = 1;
            for (int si = 0; si < b->nsteps; si++) {
                const rc_ir_step *st = &b->steps[si];
                if (st->kind == RC_IR_RETRY && f >= need) {
                    rc_diag_warning(an->d, RC_W_BREAKER_RETRY, st->loc, "this retry step never retries: it is "
                                    "reached on failure %ld of an incident at the earliest, and breaker '%s', which "
                                    "counts every error this block handles, is open by then (it opens after %ld %s)", f, br->name, need,
                                    br->mode == RC_BREAKER_CONSECUTIVE ? "consecutive failures" : "failed calls in its window");
                    rc_diag_note(an->d, br->loc, "breaker '%s' is declared here", br->name);
                    break;
                }
                if (st->kind == RC_IR_RETRY && f + ir->retries[st->retry].attempts - 1 >= need) {
                    /* its retry decided on failure `need` or later is refused */
                    rc_diag_warning(an->d, RC_W_BREAKER_RETRY, st->loc, "this retry step gives at most %ld of its "
                                    "%u retries: breaker '%s', which counts every error this block handles, opens on failure %ld of an "
                                    "incident and refuses the rest", need - f, ir->retries[st->retry].attempts,
                                    br->name, need);
                    rc_diag_note(an->d, br->loc, "breaker '%s' is declared here", br->name);
                    break;
                }
                if (st->kind == RC_IR_RETRY && ir->nbudgets == 0) f += ir->retries[st->retry].attempts;
                else if (st->kind == RC_IR_FALLBACK) f += st->nalts;
                else if (st->kind == RC_IR_ADJUST) f += 1;
            }
        }
    }
}

/* -Wbudget-retry: a budget with `ratio 0% min 0` refuses every retry
 * (spec/semantics.md: retries < max(min_retries, calls * ratio / 100)), so
 * no retry step of a reachable block ever retries. */
void rc_an_budget_retry(rc_an *an)
{
    const rc_ir *ir = an->ir;
    for (int k = 0; k < ir->nbudgets; k++) {
        const rc_ir_budget *g = &ir->budgets[k];
        if (g->ratio_pct != 0 || g->min_retries != 0) continue;
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
}
