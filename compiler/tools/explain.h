/* explain.h - `recovc explain`: what a policy compiles to, in words and numbers. */
#ifndef RC_EXPLAIN_H
#define RC_EXPLAIN_H

#include <stdint.h>
#include <stdio.h>

#include "ir.h"

void rc_explain(const rc_ir *ir, FILE *out);

/* explain_timeline.c: the block named by spec (its number, as `recovc
 * explain` prints it, or an error name: the first block that names it), -1
 * when there is none. */
int rc_explain_block(const rc_ir *ir, const char *spec);
/* Draws block b's worst case (worst.h) as an SVG timeline into path ("-":
 * standard output).  Returns 0, 1 (no timeline: the reason goes to err) or
 * 2 (the file cannot be written). */
int rc_explain_timeline(const rc_ir *ir, int b, const char *path, FILE *err);

#endif
