/* explain_timeline.c - `recovc explain --timeline BLOCK FILE`: a block's
 * worst case (analysis/worst.h) drawn by tools/timeline.c. */
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "diag.h"
#include "output.h"
#include "timeline.h"
#include "worst.h"

int rc_explain_block(const rc_ir *ir, const char *spec)
{
    char *end;
    long v = strtol(spec, &end, 10);
    if (*spec && !*end) return v >= 0 && v < ir->nblocks ? (int)v : -1;
    for (int e = 0; e < ir->nerrors; e++) {
        if (strcmp(ir->errors[e].name, spec) != 0) continue;
        for (int b = 0; b < ir->nblocks; b++)
            if (ir->blocks[b].errors[e]) return b;
    }
    return -1;
}

int rc_explain_timeline(const rc_ir *ir, int b, const char *path, FILE *err, bool color)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_worst w;
    char why[256];
    int rc = 0;
    if (!rc_worst_block(&a, ir, b, &w, why, sizeof why)) {
        rc_diag_say(err, color, RC_DIAG_ERROR, "no timeline for block %d (line %d): %s", b, ir->blocks[b].loc.line, why);
        rc = 1;
    } else {
        rc_tl_scene sc = {
            .title = rc_arena_printf(&a, "block %d (line %d) of policy %s: worst case for %s", b,
                                     ir->blocks[b].loc.line, ir->name, ir->errors[w.error].name),
            .subtitle = rc_arena_printf(&a, "fault %s; retries wait their longest delay, handlers fail at their "
                                        "timeout, alternatives fail at once", w.fault[0] ? w.fault : "(any)"),
            .t0 = 0, .seed = 0, .ev = w.ev, .nev = w.nev, .wait_lo = w.wait_lo, .wait_hi = w.wait_hi,
        };
        if (strcmp(path, "-") == 0) {
            rc_timeline_svg(ir, &sc, 1, stdout);
        } else {
            rc_output o;
            if (!rc_output_open(&o, path, color)) rc = 2;
            else {
                rc_timeline_svg(ir, &sc, 1, o.f);
                if (!rc_output_commit(&o)) rc = 2;
            }
        }
    }
    rc_arena_free(&a);
    return rc;
}
