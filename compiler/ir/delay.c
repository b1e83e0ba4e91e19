/* delay.c - see delay.h. */
#include "delay.h"

#include <stdio.h>

#include <stdlib.h>

#include "recov/recov.h"

uint32_t rc_delay_scaled(const rc_ir *ir, int retry, int error, uint32_t n)
{
    const rc_ir_retry *r = &ir->retries[retry];
    uint32_t d = recov_backoff(r->backoff, r->base_ms, r->factor_milli, n);
    d = recov_mul_milli(d, r->error_scale[error]);
    return recov_mul_milli(d, r->sev_scale[ir->errors[error].severity]);
}

int rc_delay_retry(const rc_ir *ir, int retry, int error, uint32_t *los, uint32_t *his)
{
    const rc_ir_retry *r = &ir->retries[retry];
    uint32_t prev_hi = r->base_ms;
    int n = r->attempts;
    for (uint32_t k = 1; k <= (uint32_t)n; k++) {
        uint32_t d = rc_delay_scaled(ir, retry, error, k);
        /* recov_jitter's bounds (runtime/include/recov/recov.h) */
        uint32_t lim = r->max_ms < RECOV_DELAY_MAX ? r->max_ms : RECOV_DELAY_MAX;
        uint32_t c = d < lim ? d : lim;
        uint32_t lo = c, hi = c;
        switch (r->jitter) {
        case RC_JITTER_PERCENT: {
            uint32_t p = (d / 100u) * r->jitter_pct + (d % 100u) * r->jitter_pct / 100u;
            lo = d - p;
            hi = d > UINT32_MAX - p ? UINT32_MAX : d + p;
            if (lo > lim) lo = lim;
            if (hi > lim) hi = lim;
            break;
        }
        case RC_JITTER_FULL: lo = 0; hi = c ? c - 1u : 0u; break;
        case RC_JITTER_EQUAL: lo = c / 2u; hi = c ? c - 1u : 0u; break;
        case RC_JITTER_DECORRELATED:
            hi = prev_hi > UINT32_MAX / 3u ? UINT32_MAX : prev_hi * 3u;
            if (hi < r->base_ms) hi = r->base_ms;
            if (hi > lim) hi = lim;
            lo = r->base_ms < hi ? r->base_ms : hi;
            break;
        default: break;
        }
        prev_hi = hi;
        los[k - 1] = lo;
        his[k - 1] = hi;
    }
    return n;
}

rc_delay_bounds rc_delay_retry_bounds(const rc_ir *ir, int retry, int error)
{
    const rc_ir_retry *r = &ir->retries[retry];
    rc_delay_bounds b = {0, 0, 0, r->attempts, (uint64_t)r->attempts * r->timeout_ms};
    uint32_t *lo = malloc(sizeof *lo * (size_t)r->attempts), *hi = malloc(sizeof *hi * (size_t)r->attempts);
    if (!lo || !hi) { free(lo); free(hi); return b; }
    int n = rc_delay_retry(ir, retry, error, lo, hi);
    for (int i = 0; i < n; i++) {
        b.min_total += lo[i];
        b.max_total += hi[i];
        if (hi[i] > b.max_single) b.max_single = hi[i];
    }
    free(lo);
    free(hi);
    return b;
}

rc_delay_bounds rc_delay_block_bounds(const rc_ir *ir, const rc_ir_block *b, int error)
{
    rc_delay_bounds t = {0, 0, 0, 0, 0};
    for (int s = 0; s < b->nsteps; s++) {
        const rc_ir_step *st = &b->steps[s];
        if (st->kind == RC_IR_RUN && st->next != RC_NEXT_RETRY)
            t.max_work += (uint64_t)st->ms * (uint64_t)(st->nalts ? st->nalts : 1);
        if (b->steps[s].kind != RC_IR_RETRY) continue;
        rc_delay_bounds d = rc_delay_retry_bounds(ir, b->steps[s].retry, error);
        t.min_total += d.min_total;
        t.max_total += d.max_total;
        if (d.max_single > t.max_single) t.max_single = d.max_single;
        t.retries += d.retries;
        t.max_work += d.max_work;
    }
    return t;
}

char *rc_delay_text(char *buf, size_t n, uint64_t ms)
{
    if (ms > 0 && ms % 3600000u == 0) snprintf(buf, n, "%lluh", (unsigned long long)(ms / 3600000u));
    else if (ms > 0 && ms % 60000u == 0) snprintf(buf, n, "%llum", (unsigned long long)(ms / 60000u));
    else if (ms > 0 && ms % 1000u == 0) snprintf(buf, n, "%llus", (unsigned long long)(ms / 1000u));
    else snprintf(buf, n, "%llums", (unsigned long long)ms);
    return buf;
}
