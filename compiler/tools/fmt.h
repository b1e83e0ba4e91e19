/* fmt.h - `recovc fmt`: a policy in canonical layout.
 *
 * The policy is parsed (it must be free of syntax errors; meaning is not
 * checked) and printed back from the syntax tree: four-space indentation, one
 * rule, setting, field or step per line (an `on` block with at most two steps
 * and no deadline on one line when it fits in 100 columns), aligned `:` in
 * `fault`, aligned `=>` in `classify` and `escalation`, one space around
 * operators, durations in their largest exact unit, at most one blank line,
 * kept where the source had one.  Comments are found in the source text
 * (outside strings and regexes) and re-attached by line: a comment after code
 * stays at the end of that line, a comment on its own line stays before the
 * construct that follows it.  Formatting is idempotent.
 */
#ifndef RC_FMT_H
#define RC_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"

/* Format src; returns the text (in the arena) or NULL when the source has
 * syntax errors (reported on diag_out with `file` as the name). */
char *rc_fmt(rc_arena *a, const char *file, const char *src, size_t len, FILE *diag_out, size_t *out_len);
/* rc_fmt with the diagnostics coloured or not (--color). */
char *rc_fmt_color(rc_arena *a, const char *file, const char *src, size_t len, FILE *diag_out, bool color,
                   size_t *out_len);

/* recovc fmt: format the policy at path ("-": standard input), named `name`
 * in messages (NULL: path), and print it on out, or write it to dest
 * (atomically; dest == path edits in place).  With check, change nothing
 * and report whether it is formatted (exit 1 and the first differing line
 * when not).  Diagnostics go to err, coloured when color.  Returns the
 * exit status. */
int rc_fmt_file(const char *path, const char *name, bool check, const char *dest, FILE *out, FILE *err, bool color);

#endif
