/* depfile.h - make-style dependency files for `recovc compile -MD`, and
 * keeping unchanged outputs newer than their inputs.
 *
 * The depfile names the generated files as targets and the policy plus every
 * header clang read as prerequisites (spec/headers.md, "Build systems"):
 *
 *     out/P.c out/P.h: P.recov /abs/include/modem.h ...
 *
 * It is written through output.h, so an unchanged depfile is not touched.
 */
#ifndef RC_DEPFILE_H
#define RC_DEPFILE_H

#include <stdbool.h>
#include <stdio.h>

/* Writes the rule to f, escaping spaces, '#' and '$' the way make and ninja
 * read them.  phony (-MP): also an empty rule per dependency, so make does
 * not fail when a header is deleted. */
void rc_depfile_print(FILE *f, const char *const *targets, int ntargets, const char *policy,
                      const char *const *deps, int ndeps, bool phony);

/* Writes the depfile at path (atomically; untouched when unchanged).
 * Returns false after printing `recovc: error: ...`. */
bool rc_depfile_write(const char *path, const char *const *targets, int ntargets, const char *policy,
                      const char *const *deps, int ndeps, bool phony, bool color);

/* An output left unchanged (same content) keeps its old mtime; if an input
 * is newer, make would run recovc again on every build.  Gives each output
 * that is older than the newest input the current time (no-op otherwise). */
void rc_depfile_freshen(const char *const *outputs, int noutputs, const char *policy,
                        const char *const *deps, int ndeps);

#endif
