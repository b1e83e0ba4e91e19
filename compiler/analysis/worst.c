/* worst.c - see worst.h. */
#include "worst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_int.h"
#include "delay.h"

/* The witness of (block b, error e) as text and as simulator values. */
static bool witness(rc_an *an, rc_arena *a, int b, int e, rc_worst *w, rc_sim_value *vals)
{
    const rc_ir *ir = an->ir;
    if (!an->taken || !an->exact) return false;
    rc_cset s;
    rc_cset_copy(&an->sp, &an->taken[b], &s);
    rc_cset_fix(&an->sp, &s, an->sp.error_var, e);
    const uint64_t *c = s.unknown || s.n == 0 ? NULL : rc_space_best_cube(&an->sp, &s);
    if (c) {
        int nf = ir->nfields > 0 ? ir->nfields : 1;
        int64_t *ints = RC_NEW_ARRAY(a, int64_t, nf);
        const char **texts = RC_NEW_ARRAY(a, const char *, nf);
        size_t *lens = RC_NEW_ARRAY(a, size_t, nf);
        rc_space_witness(&an->sp, 0, c, w->fault, sizeof w->fault, NULL);
        rc_space_witness_values(&an->sp, 0, c, a, ints, texts, lens);
        for (int f = 0; f < ir->nfields; f++) vals[f] = (rc_sim_value){ ints[f], texts[f], lens[f] };
        if (strcmp(w->fault, "(any fault)") == 0) w->fault[0] = '\0';
    }
    rc_cset_free(&s);
    return c != NULL;
}

/* The worst-case delay bounds of the retry the simulator just decided in
 * block b (its step pos, retry number sub), with the fault's `honor` floor. */
static void retry_bounds(const rc_ir *ir, const rc_sim *s, int b, int e, const rc_sim_value *vals,
                         uint32_t ms, uint32_t *lo, uint32_t *hi)
{
    *lo = *hi = ms;
    if (b < 0) return;
    const rc_ir_block *blk = &ir->blocks[b];
    int pos = s->inc->blocks[b].pos, sub = s->inc->blocks[b].sub;
    if (pos >= blk->nsteps || blk->steps[pos].kind != RC_IR_RETRY || sub < 1) return;
    const rc_ir_retry *r = &ir->retries[blk->steps[pos].retry];
    if (sub > r->attempts) return;
    uint32_t *los = malloc(sizeof *los * r->attempts), *his = malloc(sizeof *his * r->attempts);
    if (los && his) {
        rc_delay_retry(ir, blk->steps[pos].retry, e, los, his);
        *lo = los[sub - 1];
        *hi = his[sub - 1];
        if (r->honor_field >= 0) {
            int64_t f = vals[r->honor_field].i;
            uint32_t fl = f < 0 ? 0 : f > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)f;
            if (*lo < fl) *lo = fl;
            if (*hi < fl) *hi = fl;
        }
        if (*hi < ms) *hi = ms;
        if (*lo > ms) *lo = ms;
    }
    free(los);
    free(his);
}

bool rc_worst_block(rc_arena *a, const rc_ir *ir, int b, rc_worst *w, char *why, size_t n)
{
    memset(w, 0, sizeof *w);
    w->block = b;
    w->error = -1;
    char *dbuf = NULL;
    size_t dlen = 0;
    FILE *sink = open_memstream(&dbuf, &dlen);
    if (!sink) { snprintf(why, n, "out of memory"); return false; }
    rc_diag d;
    rc_diag_init(&d, "recovc", NULL, 0, sink);
    rc_arena sa;
    rc_arena_init(&sa);
    rc_an an;
    memset(&an, 0, sizeof an);
    an.ir = ir;
    an.d = &d;
    an.exact = true;
    rc_space_init(&an.sp, &sa, &ir, 1);
    rc_an_classify(&an);
    rc_an_blocks(&an);

    const rc_ir_block *blk = &ir->blocks[b];
    uint64_t best_lo = 0, best_hi = 0;
    for (int e = 0; e < ir->nerrors; e++) {
        if (!rc_an_block_takes(&an, b, e)) continue;
        rc_delay_bounds db = rc_delay_block_bounds(ir, blk, e);
        if (w->error < 0 || db.min_total > best_lo || (db.min_total == best_lo && db.max_total > best_hi)) {
            w->error = e;
            best_lo = db.min_total;
            best_hi = db.max_total;
        }
    }
    int nf = ir->nfields > 0 ? ir->nfields : 1;
    rc_sim_value *vals = RC_NEW_ARRAY(a, rc_sim_value, nf);
    bool ok = false;
    if (w->error < 0)
        snprintf(why, n, "no fault reaches block %d: every error it names is taken by an earlier block or never "
                 "produced", b);
    else if (!witness(&an, a, b, w->error, w, vals))
        snprintf(why, n, "the analysis knows no fault that reaches block %d as '%s'", b, ir->errors[w->error].name);
    else
        ok = true;

    if (ok) {
        w->ev = RC_NEW_ARRAY(a, rc_sim_event, RC_WORST_MAX_EVENTS);
        w->wait_lo = RC_NEW_ARRAY(a, uint32_t, RC_WORST_MAX_EVENTS);
        w->wait_hi = RC_NEW_ARRAY(a, uint32_t, RC_WORST_MAX_EVENTS);
        rc_arena simarena;
        rc_arena_init(&simarena);
        rc_sim *s = rc_sim_new(&simarena, ir);
        rc_sim_init(s, 0, 0);
        uint64_t t = 0;
        rc_sim_event next = { .kind = RC_SIM_EV_FAIL, .values = vals, .expect = { .kind = -1, .error = -1 } };
        while (w->nev < RC_WORST_MAX_EVENTS && t <= INT32_MAX) {
            rc_sim_event *e = &w->ev[w->nev];
            *e = next;
            e->t = (uint32_t)t;
            recov_decision dc;
            recov_admit ad = RECOV_ALLOW;
            rc_sim_apply(s, NULL, 0, e, &dc, &ad);
            uint32_t lo = 0, hi = 0;
            next = (rc_sim_event){ .kind = RC_SIM_EV_FAIL, .values = vals, .expect = { .kind = -1, .error = -1 } };
            bool more = true;
            switch ((recov_kind)dc.kind) {
            case RECOV_RETRY:
                retry_bounds(s->ir, s, s->last_block, w->error, vals, dc.ms, &lo, &hi);
                /* the attempt may run to its limit (an attempt timeout) and then fail
                 * with the same fault: the worst case (spec/analysis.md) */
                t += (uint64_t)hi + dc.limit_ms;
                break;
            case RECOV_ADJUST:
                t += dc.ms;
                break;
            case RECOV_RUN:
                t += dc.ms;
                next = (rc_sim_event){ .kind = RC_SIM_EV_HANDLER, .ok = false, .expect = { .kind = -1, .error = -1 } };
                break;
            case RECOV_FALLBACK:
                break;
            default:
                more = false;
                break;
            }
            w->wait_lo[w->nev] = lo;
            w->wait_hi[w->nev] = hi;
            w->nev++;
            if (!more) break;
        }
        rc_arena_free(&simarena);
    }
    rc_cset_free(&an.classified);
    if (an.taken)
        for (int k = 0; k < ir->nblocks; k++) rc_cset_free(&an.taken[k]);
    free(an.taken);
    rc_arena_free(&sa);
    fclose(sink);
    free(dbuf);
    return ok;
}
