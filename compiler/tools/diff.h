/* diff.h - `recovc diff OLD NEW`: every behaviour change between two checked
 * versions of a policy, each with a witness where one exists.  Returns 0 when
 * the two behave the same (the hash may still differ), 1 when they differ. */
#ifndef RC_DIFF_H
#define RC_DIFF_H

#include <stdio.h>

#include "ir.h"

int rc_diff(const rc_ir *old_ir, const rc_ir *new_ir, FILE *out);

/* One step in words ("retry backoff", "fallback a, b", ...). */
void rc_diff_step(const rc_ir *ir, const rc_ir_step *s, char *buf, size_t n);

#endif
