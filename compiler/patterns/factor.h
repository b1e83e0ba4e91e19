/* factor.h - required literal factors of a pattern's alternatives (the
 * literal prefilter, prefilter.h; spec/patterns.md, "Plans").
 *
 * A factor of a regex is a byte string that every match of the regex
 * contains: a literal is its own factor; a regex's comes from its syntax:
 * a concatenation -> the longest of its children's factors and of its runs
 * of adjacent pieces that match exactly one string; `?`, `*`, `{0,..}` ->
 * none; `+`, `{n,}`, `{n,m}` with n >= 1 -> the child's (n copies when the
 * child is one string); an alternation inside a group -> none.  A regex
 * whose top level is an alternation gives one factor per branch (each
 * match contains the factor of its branch).  Anchors match no byte and do
 * not break a run.  Factors are compared as the pattern is (case-folded
 * under `~i`), so bytes are kept as written. */
#ifndef RC_FACTOR_H
#define RC_FACTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

typedef struct rc_fac {
    const char *bytes;      /* arena memory; NULL when len is 0 */
    size_t len;             /* 0: no factor (the branch may match without a fixed byte) */
    const struct rc_fac *more;  /* rc_fac_regex: the branch's other factors (runs of its top level) */
    long pre;               /* rc_fac_regex: the most bytes a match of the branch has before the
                             * factor (-1: unbounded); others: 0 */
} rc_fac;

/* The factors of one regex (syntax already checked): one per top-level
 * branch, at most `cap`.  Returns the number of branches, or -1 when there
 * are more than `cap`. */
int rc_fac_regex(rc_arena *a, const char *re, size_t len, rc_fac *out, int cap);

/* The literals whose unanchored search finds exactly the texts the
 * regex's does, when they are at most `cap`: the regex has no `.`, no
 * negated class, no `\w \W \D \S`, and no repetition above 8 copies
 * but at either end of a top-level branch of a regex without anchors,
 * where `X+`, `X*`, `X?`, `X{n,m}` take their fewest copies (a part of
 * every match).  With icase, letters of classes count once (lowercase).
 * Returns their number, or -1 (not such a regex).  At most 256 bytes
 * each.  (spec/patterns.md, "Plans".) */
int rc_fac_expand(rc_arena *a, const char *re, size_t len, bool icase, rc_fac *out, int cap);

#endif
