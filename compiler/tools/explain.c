/* explain.c - see explain.h. */
#include "explain.h"
#include "emit_c.h"

#include <stdlib.h>

#include "delay.h"
#include "recov/recov.h"
#include "prefilter.h"

static const char *const *const sev_names = rc_sev_names;
static const char *const type_names[] = {"u8", "u16", "u32", "i8", "i16", "i32", "bool", "text"};
static const char *const step_names[] = {"retry", "fallback", "adjust", "run", "degrade", "escalate", "abort"};
static const char *const backoff_names[] = {"constant", "linear", "exponential"};
static const char *const jitter_names[] = {"none", "percent", "full", "equal", "decorrelated"};

static void ms(FILE *out, uint64_t v)
{
    if (v >= 3600000u && v % 3600000u == 0) fprintf(out, "%lluh", (unsigned long long)(v / 3600000u));
    else if (v >= 60000u && v % 60000u == 0) fprintf(out, "%llum", (unsigned long long)(v / 60000u));
    else if (v >= 1000u && v % 1000u == 0) fprintf(out, "%llus", (unsigned long long)(v / 1000u));
    else fprintf(out, "%llums", (unsigned long long)v);
}

/* A total delay: saturated at the limit of every delay, like the delays
 * themselves ("at least" the limit is all a 32-bit tick can measure). */
static void total(FILE *out, uint64_t v)
{
    if (v > RECOV_DELAY_MAX) {
        fprintf(out, "%ums (the limit)", (unsigned)RECOV_DELAY_MAX);
        return;
    }
    ms(out, v);
}

static long dfa_bytes(const rc_dfa *d)
{
    int w = d->nstates <= 256 && d->nmasks <= 256 ? 1 : 2;
    return 256L + (long)d->nstates * d->nclasses * w + 2L * d->nstates * w + (long)d->nmasks * d->words * 4;
}

void rc_explain(const rc_ir *ir, FILE *out)
{
    fprintf(out, "policy %s version %u, hash 0x%08x\n", ir->name, ir->version, ir->hash);
    fprintf(out, "fault: %d field%s\n", ir->nfields, ir->nfields == 1 ? "" : "s");
    for (int i = 0; i < ir->nfields; i++)
        fprintf(out, "  %-20s %s\n", ir->fields[i].name, type_names[ir->fields[i].type]);
    fprintf(out, "errors: %d\n", ir->nerrors);
    for (int i = 0; i < ir->nerrors; i++)
        fprintf(out, "  %2d %-28s class %-12s %s\n", i, ir->errors[i].name,
                ir->errors[i].cls >= 0 ? ir->classes[ir->errors[i].cls].name : "-",
                sev_names[ir->errors[i].severity]);
    rc_emit_sizes sz;
    if (rc_emit_state_sizes(ir, &sz))
        fprintf(out, "state: shared part %d bytes (checkpoint %d), incident %d bytes (checkpoint %d)\n", sz.shared,
                sz.shared_checkpoint, sz.incident, sz.incident_checkpoint);
    fprintf(out, "classify: %d rule%s\n", ir->nrules, ir->nrules == 1 ? "" : "s");
    for (int t = 0; t < ir->ntexts; t++) {
        const rc_ir_textfield *tf = &ir->texts[t];
        const char *fname = ir->fields[tf->field].name;
        if (tf->plan.pre) {
            const rc_pre *p = tf->plan.pre;
            long total = rc_pre_bytes(p), conf = 0;
            rc_loc why = { 0, 0, 0, 0 };
            const char *reason = "";
            rc_ir_scan form = rc_ir_scan_form(ir, t, &why, &reason);
            /* first match only: the filter holds each hash's lowest pattern, 2 bytes */
            bool fo = form != RC_SCAN_EVERY;
            if (fo) total += 1L << p->fbits;
            int cstates = 0, rstates = 0, cpats = 0;
            for (int c = 0; c < p->nconf; c++) {
                cpats += p->conf[c].npat;
                conf += rc_pre_dfa_bytes(&p->conf[c].dfa);
                cstates += p->conf[c].dfa.nstates;
            }
            for (int g = 0; g < tf->plan.ngroups; g++) {
                total += dfa_bytes(&tf->plan.groups[g].dfa);
                rstates += tf->plan.groups[g].dfa.nstates;
            }
            fprintf(out, "  field %s: %d patterns -> literal prefilter, %ld table bytes (state budget %d per DFA)\n",
                    fname, tf->npatterns, total, tf->plan.budget);
            fprintf(out, "    prefilter: %d patterns keyed by %d alternatives on %d keys of %d bytes; filter %d bytes "
                    "(2^%d %s), %d buckets, entries %d bytes, literals %d bytes", p->nkeyed, p->nentries,
                    p->nkeys, RC_PRE_KEY, (fo ? 2 : 1) << p->fbits, p->fbits, fo ? "lowest patterns" : "bits",
                    1 << p->bbits, 4 * RC_PRE_ENTRY_WORDS * p->nentries, p->npool);
            if (p->nshort > 0) fprintf(out, "; %d entries on short keys of %d bytes", p->nshort, RC_PRE_SHORT);
            fputc('\n', out);
            fprintf(out, "    confirmation: %d DFA%s of %d regex pattern%s (those whose first branches share a key "
                    "together), %d states, %ld table bytes\n", p->nconf, p->nconf == 1 ? "" : "s", cpats,
                    cpats == 1 ? "" : "s", cstates, conf);
            fprintf(out, "    residual: %d pattern%s without a literal of %d bytes -> %d DFA%s, %d states\n",
                    p->nresidual, p->nresidual == 1 ? "" : "s", RC_PRE_SHORT, tf->plan.ngroups,
                    tf->plan.ngroups == 1 ? "" : "s", rstates);
            if (form == RC_SCAN_LOWEST)
                fprintf(out, "    scan: stops at the first pattern (each rule reading the field tests one "
                        "pattern, in order) and returns its number, no mask; a run of rules of consecutive "
                        "patterns reads one table\n");
            else if (form == RC_SCAN_FIRST)
                fprintf(out, "    scan: stops at the first pattern (each rule reading the field tests one "
                        "pattern, in order)\n");
            else
                fprintf(out, "    scan: finds every pattern (line %d: %s)\n", why.line, reason);
            continue;
        }
        if (tf->plan.ngroups > 1) {
            long total = 0;
            for (int g = 0; g < tf->plan.ngroups; g++) total += dfa_bytes(&tf->plan.groups[g].dfa);
            fprintf(out, "  field %s: %d patterns -> %d DFAs scanned in turn, %ld table bytes (state budget %d "
                    "per DFA: one DFA of all patterns needs more; %d constructions to plan)\n", fname, tf->npatterns,
                    tf->plan.ngroups, total, tf->plan.budget, tf->plan.builds);
            for (int g = 0; g < tf->plan.ngroups; g++) {
                const rc_dfa_group *gr = &tf->plan.groups[g];
                fprintf(out, "    DFA %d: %d %spattern%s (the first %d, the last %d) -> %d states, %d byte classes, "
                        "%ld table bytes\n", g, gr->count, gr->heavy ? "heavy " : "", gr->count == 1 ? "" : "s", gr->pats[0],
                        gr->pats[gr->count - 1], gr->dfa.nstates, gr->dfa.nclasses, dfa_bytes(&gr->dfa));
            }
            continue;
        }
        const rc_dfa *d = &tf->dfa;
        fprintf(out, "  field %s: %d pattern%s -> DFA of %d states, %d byte classes, %ld table bytes "
                "(state budget %d)\n", fname, tf->npatterns, tf->npatterns == 1 ? "" : "s",
                d->nstates, d->nclasses, dfa_bytes(d), tf->plan.budget > 0 ? tf->plan.budget : RC_DFA_MAX_STATES);
    }
    for (int i = 0; i < ir->nretries; i++) {
        const rc_ir_retry *r = &ir->retries[i];
        fprintf(out, "retry %s: %u attempts, %s backoff base ", r->name, r->attempts, backoff_names[r->backoff]);
        ms(out, r->base_ms);
        if (r->backoff == RC_BACKOFF_EXPONENTIAL) fprintf(out, " factor %u.%03u", r->factor_milli / 1000, r->factor_milli % 1000);
        if (r->max_ms != UINT32_MAX) { fprintf(out, " max "); ms(out, r->max_ms); }
        fprintf(out, ", jitter %s", jitter_names[r->jitter]);
        if (r->jitter == RC_JITTER_PERCENT) fprintf(out, " %u%%", r->jitter_pct);
        fprintf(out, "\n");
    }
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        fprintf(out, "breaker %s: ", b->name);
        if (b->mode == RC_BREAKER_CONSECUTIVE) fprintf(out, "opens after %u consecutive failures", b->threshold);
        else if (b->mode == RC_BREAKER_NET)
            fprintf(out, "opens when failures minus successes reach %u (a success takes one off)", b->threshold);
        else if (b->mode == RC_BREAKER_TIME) {
            fprintf(out, "opens at %u", b->rate_pct);
            if (b->rate_tenth) fprintf(out, ".%u", b->rate_tenth);
            fprintf(out, "%% of the calls in the last ");
            ms(out, b->window_ms);
            fprintf(out, " (%u buckets of ", b->buckets);
            ms(out, b->window_ms / b->buckets);
            fprintf(out, ", min %u)", b->min_calls);
            if (b->slow_ms) {
                fprintf(out, " or %u", b->slow_pct);
                if (b->slow_tenth) fprintf(out, ".%u", b->slow_tenth);
                fprintf(out, "%% of them slower than ");
                ms(out, b->slow_ms);
            }
        } else if (b->rate_tenth)
            fprintf(out, "opens at %u.%u%% of the last %u calls (min %u)", b->rate_pct, b->rate_tenth, b->window, b->min_calls);
        else fprintf(out, "opens at %u%% of the last %u calls (min %u)", b->rate_pct, b->window, b->min_calls);
        fprintf(out, ", open for ");
        ms(out, b->open_ms);
        if (b->open_factor_milli) {
            fprintf(out, " then x%u.%03u per reopen up to ", b->open_factor_milli / 1000u, b->open_factor_milli % 1000u);
            ms(out, b->open_max_ms);
        }
        if (b->close_below_tenth)
            fprintf(out, ", %u probe%s, closes below %u.%u%% of them failed", b->probes, b->probes == 1 ? "" : "s",
                     b->close_below_pct, b->close_below_tenth);
        else if (b->close_below_pct)
            fprintf(out, ", %u probe%s, closes below %u%% of them failed", b->probes, b->probes == 1 ? "" : "s",
                     b->close_below_pct);
        else
            fprintf(out, ", %u probe%s, closes after %u success%s", b->probes, b->probes == 1 ? "" : "s",
                    b->close_after, b->close_after == 1 ? "" : "es");
        /* liveness (spec/semantics.md P_admit 1) */
        fprintf(out, ", a probe unreported for ");
        ms(out, b->half_open_ms ? b->half_open_ms : b->open_ms);
        fprintf(out, " is given up");
        if (b->per_alt) fprintf(out, "; one per target (the primary and %d alternative%s)", ir->nalts,
                                ir->nalts == 1 ? "" : "s");
        if (b->per_alt && b->mode == RC_BREAKER_TIME)   /* bstart, head, the buckets (spec/language.md) */
            fprintf(out, ", each with its own window of %u bytes", 5u + (unsigned)b->buckets * (b->slow_ms ? 6u : 4u));
        if (b->retry_wait)
            fprintf(out, "; retries wait: a retry toward it while open waits for the rest of its open period, "
                         "within the deadline");
        fprintf(out, "\n");
    }
    if (ir->rate_n) {
        fprintf(out, "limit rate: %u per ", (unsigned)ir->rate_n);
        ms(out, ir->rate_ms);
        fprintf(out, ", burst %u (an empty bucket is full again after ", (unsigned)ir->rate_burst);
        ms(out, ir->rate_fill_ms);
        fprintf(out, ")\n");
    }
    if (ir->concurrent) fprintf(out, "limit concurrent: %u calls in flight\n", (unsigned)ir->concurrent);
    for (int i = 0; i < ir->nbudgets; i++) {
        const rc_ir_budget *b = &ir->budgets[i];
        fprintf(out, "budget %s: %u%% of calls, at least %u retries per ", b->name, b->ratio_pct, b->min_retries);
        ms(out, b->window_ms);
        fprintf(out, "\n");
    }
    char *st = rc_explain_stats(ir, false);
    if (st) fputs(st, out);
    free(st);
    for (int bi = 0; bi < ir->nblocks; bi++) {
        const rc_ir_block *b = &ir->blocks[bi];
        fprintf(out, "block %d (line %d): %d step%s", bi, b->loc.line, b->nsteps, b->nsteps == 1 ? "" : "s");
        if (b->deadline_ms) { fprintf(out, ", deadline "); ms(out, b->deadline_ms); }
        fprintf(out, "\n");
        for (int si = 0; si < b->nsteps; si++) {
            const rc_ir_step *s = &b->steps[si];
            fprintf(out, "  %d. %s", si + 1, step_names[s->kind]);
            if (s->kind == RC_IR_RETRY) fprintf(out, " %s", ir->retries[s->retry].name);
            if (s->kind == RC_IR_FALLBACK)
                for (int k = 0; k < s->nalts; k++) fprintf(out, "%s %s", k ? "," : "", ir->alts[s->alts[k]].name);
            if (s->kind == RC_IR_ADJUST) fprintf(out, " %s", ir->adjusts[s->id].name);
            if (s->kind == RC_IR_RUN && s->nalts == 0) fprintf(out, " %s", ir->handlers[s->id].name);
            if (s->kind == RC_IR_RUN && s->nalts > 0) {
                fprintf(out, "%s", s->adaptive ? " adaptive" : "");
                for (int k = 0; k < s->nalts; k++) fprintf(out, "%s %s", k ? "," : "", ir->handlers[s->alts[k]].name);
            }
            if (s->kind == RC_IR_RUN && s->next != RC_NEXT_RETRY)
                fprintf(out, " then next%s", s->next == RC_NEXT_IF_OK ? " if ok" : "");
            if (s->kind == RC_IR_RETRY && ir->retries[s->retry].timeout_ms) {
                fprintf(out, ", each attempt at most ");
                ms(out, ir->retries[s->retry].timeout_ms);
            }
            if (s->kind == RC_IR_DEGRADE) fprintf(out, " %s", ir->modes[s->id].name);
            if (s->kind == RC_IR_ESCALATE && s->level >= 0) fprintf(out, " %s", sev_names[s->level]);
            fprintf(out, "\n");
            if (s->kind != RC_IR_RETRY) continue;
            for (int e = 0; e < ir->nerrors; e++) {
                if (!b->errors[e]) continue;
                rc_delay_bounds d = rc_delay_retry_bounds(ir, s->retry, e);
                fprintf(out, "       %-28s %d retries, total delay ", ir->errors[e].name, d.retries);
                total(out, d.min_total);
                fprintf(out, " .. ");
                total(out, d.max_total);
                if (b->deadline_ms && d.max_total > b->deadline_ms) fprintf(out, "  (worst case exceeds the deadline)");
                fprintf(out, "\n");
            }
        }
        /* the worst-case incident time, when attempts or handlers add to it */
        for (int e = 0; e < ir->nerrors; e++) {
            if (!b->errors[e]) continue;
            rc_delay_bounds d = rc_delay_block_bounds(ir, b, e);
            if (!d.max_work) continue;
            fprintf(out, "  incident %-28s at most ", ir->errors[e].name);
            ms(out, d.max_total + d.max_work);
            fprintf(out, " (delays ");
            ms(out, d.max_total);
            fprintf(out, ", attempt timeouts and continued handlers ");
            ms(out, d.max_work);
            fprintf(out, ")%s\n", b->deadline_ms && d.max_total + d.max_work > b->deadline_ms ? "  (exceeds the deadline)" : "");
        }
        /* the whole block, per error: every retry step run to its end */
        int nretry = 0;
        for (int si = 0; si < b->nsteps; si++) nretry += b->steps[si].kind == RC_IR_RETRY;
        if (nretry < 2) continue;
        for (int e = 0; e < ir->nerrors; e++) {
            if (!b->errors[e]) continue;
            rc_delay_bounds d = rc_delay_block_bounds(ir, b, e);
            fprintf(out, "  block total %-28s %d retries, total delay ", ir->errors[e].name, d.retries);
            total(out, d.min_total);
            fprintf(out, " .. ");
            total(out, d.max_total);
            fprintf(out, "\n");
        }
    }
}
