/* explain.h - `recovc explain`: what a policy compiles to, in words and numbers. */
#ifndef RC_EXPLAIN_H
#define RC_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ir.h"

void rc_explain(const rc_ir *ir, FILE *out);

/* explain_stats.c: with `stats;`, the counters P_stats reports (a header
 * line with their count and bytes, then a line per error, breaker, limit,
 * alternative and handler naming its P_counters members), as plain text or
 * Markdown (md); NULL without `stats;`.  The caller frees it. */
char *rc_explain_stats(const rc_ir *ir, bool md);

/* explain --cc: how the generated C and the runtime are built. */
typedef struct rc_explain_cc {
    const char *cc;               /* compiler command, split at blanks */
    const char *runtime_dir;      /* NULL: as recovc test --via c finds it */
    const char *const *includes;  /* -I folders for imported headers */
    int nincludes;
    bool keep;                    /* keep the build folder */
    bool color;                   /* its messages in gcc's colours (--color) */
} rc_explain_cc;

/* explain_size.c: builds ir's C and the runtime with o->cc and prints the
 * code, tables, data and bss bytes of each and the worst-case stack of the
 * policy's entry points.  0, or 2 after reporting on err. */
int rc_explain_size(const rc_ir *ir, const rc_explain_cc *o, FILE *out, FILE *err);

/* explain_timeline.c: the block named by spec (its number, as `recovc
 * explain` prints it, or an error name: the first block that names it), -1
 * when there is none. */
int rc_explain_block(const rc_ir *ir, const char *spec);
/* Draws block b's worst case (worst.h) as an SVG timeline into path ("-":
 * standard output).  Returns 0, 1 (no timeline: the reason goes to err) or
 * 2 (the file cannot be written). */
int rc_explain_timeline(const rc_ir *ir, int b, const char *path, FILE *err, bool color);

#endif
