/* output.h - write generated files atomically.
 *
 * Output goes to a temporary file beside the target, is flushed and fsync'd,
 * and renamed over the target only when complete, so an interrupted or failed
 * run leaves either the old file or the new one, never a torn one.  A target
 * whose content would not change is left untouched (its mtime too), so build
 * systems see no work to do.
 */
#ifndef RC_OUTPUT_H
#define RC_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

typedef struct rc_output {
    char *path;         /* final path */
    char *tmp;          /* temporary path */
    FILE *f;            /* where the caller writes: a memory stream, so that
                         * a full disk shows at commit, as an I/O error naming
                         * the path, never as a failed write mid-generation */
    int fd;             /* the temporary file */
    char *buf;          /* the memory stream's bytes */
    size_t len;
    bool color;         /* its error messages in gcc's colours (--color) */
} rc_output;

/* Open a temporary file for `path`.  On failure prints `recovc: error: ...`
 * naming the path (rc_diag_say, coloured when color; later failures of this
 * output too) and returns false. */
bool rc_output_open(rc_output *o, const char *path, bool color);
/* Finish: flush, fsync, compare, rename.  Returns false (after printing) on
 * failure; the temporary file is removed in every case. */
bool rc_output_commit(rc_output *o);
/* Finish several outputs as one: every temporary file is written and
 * synced first, then the targets are replaced one after the other while an
 * exclusive flock is held on the directory of the first, so a concurrent
 * recovc writing the same files cannot interleave with this one.  On a
 * write failure no target is touched.  Returns false (after printing) on
 * failure; every temporary file is removed in every case. */
bool rc_output_commit_all(rc_output *const *os, int n);
/* Abandon: remove the temporary file. */
void rc_output_abort(rc_output *o);

#endif
