/* harness.h - `recovc test --via c`: the scenarios of one .rtest file as a C
 * program over the generated P.h / P.c, built with the host compiler, run,
 * and compared line by line with the simulator.
 */
#ifndef RC_HARNESS_H
#define RC_HARNESS_H

#include <stdio.h>

#include "arena.h"
#include "rtest.h"

/* Writes the harness source: every scenario as static const data, and a
 * main() that runs them through P_init / P_failed / P_handler_done /
 * P_succeeded / P_admit, printing the canonical line of each event (sim.h).
 * header_name is the generated header to #include. */
void rc_harness_write(const rc_rtest_file *f, const char *header_name, FILE *out);

/* Counter i of `stats;` (ir.h layout) as a member of P_counters:
 * "retries[2]", "breaker_opens[0]", "alt_tries[1]"... */
void rc_harness_stat_member(const rc_ir *ir, int i, char *buf, size_t n);

/* Generates P.h / P.c with rc_emit_c into a temporary directory, builds them
 * with the harness and the runtime in one compiler run, runs the program and
 * compares its lines with each event's `got` (filled by rc_rtest_run_sim).
 * Prints every difference to out.  Returns the number of events that differ,
 * or -1 when the C could not be generated, built or run, -2 on I/O errors
 * (reported on err). */
int rc_harness_run(rc_arena *a, const rc_rtest_file *f, const rc_rtest_opts *opts, FILE *out, FILE *err);

/* Shared with explain --cc (explain_size.c). */
/* Runs argv, its standard error (and standard output unless stdout_path)
 * appended to `log`: the exit status, -1 when it did not run or died. */
int rc_harness_exec(char *const *argv, const char *log, const char *stdout_path);
/* given, else $RECOV_RUNTIME, else the build tree's or the installed
 * runtime beside this recovc; NULL when none exists. */
const char *rc_harness_runtime_dir(rc_arena *a, const char *given);
/* The runtime's C files (src/NAME.c), sorted; -1 when the folder cannot be read. */
int rc_harness_runtime_sources(rc_arena *a, const char *rt, char ***out);
/* Removes dir and the files in it. */
void rc_harness_remove_dir(const char *dir);

#endif
