/* analyze_limit.c - -Wlimit-retry: a `limit rate` that can never admit the
 * calls a block asks for within its deadline (spec/analysis.md).
 *
 * Within a block's deadline DL the incident makes its first call and then
 * one per retry its retry steps give: 1 + R calls.  A token bucket that is
 * full at the first call (M tokens) and gains N tokens per D ms admits at
 * most M + floor(DL x N / D) calls in DL ms, whoever makes them.  When that
 * is below 1 + R, some retry waits for a token past the deadline, and the
 * RETRY rule (semantics.md, RETRY with `limit rate`) gives up the step: the
 * retries the block asks for can never all run. */
#include "analyze_int.h"

#include <inttypes.h>

void rc_an_limit_retry(rc_an *an)
{
    const rc_ir *ir = an->ir;
    if (!ir->rate_n) return;
    for (int bi = 0; bi < ir->nblocks; bi++) {
        const rc_ir_block *b = &ir->blocks[bi];
        if (!b->deadline_ms) continue;
        if (an->exact && an->taken && rc_cset_empty(&an->sp, &an->taken[bi])) continue;
        uint64_t r = 0;
        for (int si = 0; si < b->nsteps; si++)
            if (b->steps[si].kind == RC_IR_RETRY) r += ir->retries[b->steps[si].retry].attempts;
        if (r == 0) continue;
        uint64_t most = (uint64_t)ir->rate_burst + (uint64_t)b->deadline_ms * ir->rate_n / ir->rate_ms;
        if (1u + r <= most) continue;
        rc_diag_warning(an->d, RC_W_LIMIT_RETRY, b->loc, "this block asks for %" PRIu64 " calls within its deadline "
                        "of %" PRIu32 " ms (the first and %" PRIu64 " retries), but `limit rate %u per %" PRIu32
                        " ms burst %u` admits at most %" PRIu64 " calls in %" PRIu32 " ms: a retry after call "
                        "%" PRIu64 " waits for a token past the deadline and the step gives up",
                        1u + r, b->deadline_ms, r, (unsigned)ir->rate_n, ir->rate_ms, (unsigned)ir->rate_burst,
                        most, b->deadline_ms, most);
        rc_diag_note(an->d, ir->rate_loc, "witness: a full bucket at 0 holds %u token%s and gains %u per %" PRIu32
                     " ms; calls at 0, 1, 2... ms take them, and call %" PRIu64 " could be admitted only after "
                     "%" PRIu32 " ms; fix: raise the burst to at least %" PRIu64 ", or the deadline, or lower the "
                     "attempts", (unsigned)ir->rate_burst, ir->rate_burst == 1 ? "" : "s", (unsigned)ir->rate_n,
                     ir->rate_ms, most + 1u, b->deadline_ms, 1u + r - (most - ir->rate_burst));
    }
}
