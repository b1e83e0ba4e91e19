/* worst.h - the worst case of one `on` block as a timeline of simulator
 * events, for `recovc explain --timeline` (tools/timeline.c draws it).
 *
 * The error is the one whose retries take longest in the block (as
 * -Wdeadline picks it: the largest least total, then the largest worst
 * total), the fault a witness the analysis proves reaches the block with that
 * error.  The events start at tick 0 with seed 0 and are decided by the
 * simulator as they are built: after a RETRY the next failure comes when the
 * retry's worst-case delay (rc_delay_retry, raised to the witness's `honor`
 * value) and its attempt limit (`timeout`, limit_ms; 0 without) have passed; after ADJUST when its delay has passed; after RUN the
 * handler fails when its timeout has passed; after FALLBACK the alternative
 * fails at once; DEGRADE, ESCALATE and ABORT end it.  Replaying the events
 * (rc_sim_replay at tick 0, seed 0) gives the same decisions. */
#ifndef RC_WORST_H
#define RC_WORST_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ir.h"
#include "sim.h"

#define RC_WORST_MAX_EVENTS 512

typedef struct rc_worst {
    int block;
    int error;                  /* the error of the timeline */
    char fault[512];            /* the witness in .rtest form ("status=503"), "" for any fault */
    rc_sim_event *ev;           /* FAIL and HANDLER events, from tick 0 */
    uint32_t *wait_lo, *wait_hi;/* per event: the bounds of the retry delay decided there, 0 and 0
                                   when the decision is no retry */
    int nev;
} rc_worst;

/* Builds block b's worst case into *w (arrays in a).  Returns true, or false
 * with the reason in why (no error of the block can reach it, or the
 * analysis knows no fault for it). */
bool rc_worst_block(rc_arena *a, const rc_ir *ir, int b, rc_worst *w, char *why, size_t n);

#endif
