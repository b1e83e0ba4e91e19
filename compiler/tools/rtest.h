/* rtest.h - `.rtest` scenario files: parse, run on the simulator, and (with
 * --via c) on the generated C, comparing the two.  Format: spec/rtest.md.
 */
#ifndef RC_RTEST_H
#define RC_RTEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "driver.h"
#include "ir.h"
#include "sim.h"

typedef struct rc_rtest_opts {
    bool via_c;                 /* also build and run the generated C */
    const char *cc;             /* C compiler command; NULL: $CC, else "cc" */
    const char *exec;           /* run wrapper (qemu-user for a cross cc); NULL: $RECOV_TEST_EXEC, else none */
    const char *runtime_dir;    /* NULL: $RECOV_RUNTIME, else the build tree's recov-runtime link, else the installed runtime */
    bool keep;                  /* keep the --via c temporary directory (and say where) */
    bool verbose;               /* print every event's decision */
    const char *timeline;       /* also draw the scenarios as SVG into this file ("-": standard output) */
    const char *scenario;       /* with timeline: only the scenario of this name (NULL: all) */
    /* loading the policy: -W, --color, --stats, and C header import (-I,
     * also given to the --via c build with -D; -D; --sysroot; --target),
     * as every other command loads one (driver.h).  The policy's own folder
     * is searched before unit.include_dirs. */
    rc_unit_opts unit;
} rc_rtest_opts;

/* Runs one .rtest file: 0 all passed, 1 failures or errors (policy or .rtest
 * diagnostics, generated C that does not build), 2 I/O errors.  Results and
 * the summary go to `out`, diagnostics to `err`. */
int rc_rtest_run_file(const char *path, const rc_rtest_opts *opts, FILE *out, FILE *err);

/* ---- the parsed form (exposed for the harness generator and tests) ----- */

/* Incidents per scenario (the default one included). */
#define RC_RTEST_MAX_INCIDENTS 65

/* Events and expectations are the simulator's (sim.h: rc_sim_event,
 * rc_sim_expect); a file adds lines, incidents and the run's results. */
typedef struct rc_rtest_event {
    rc_sim_evkind kind;
    int line;
    uint32_t t;                 /* ms after the scenario's start */
    int incident;               /* index into the scenario's incidents; 0 = the default one */
    bool ok;                    /* HANDLER: ok or failed */
    rc_sim_value *values;       /* FAIL: [ir->nfields] */
    int64_t *params;            /* PARAMS: [ir->nparams], the values given to P_set_params */
    int reject;                 /* PARAMS: the parameter that must be refused, -1: must be accepted */
    int *stat_idx;              /* STATS: [nstat] counters named (rc_ir_stat_key order) */
    uint32_t *stat_want;        /* STATS: [nstat] their expected values */
    int nstat;
    unsigned force_target;      /* FORCE: P_force's target (0 the dependency, 1 + alternative) and mode */
    unsigned force_mode;
    rc_sim_expect expect;
    char got[96];               /* filled by the run: the canonical line */
    recov_decision decision;    /* filled by the run (FAIL, HANDLER) */
} rc_rtest_event;

typedef struct rc_rtest_scenario {
    const char *name;
    int line;
    uint32_t t0, seed;
    rc_rtest_event *events;
    int nevents;
    const char **incidents;     /* [nincidents] names; [0] is "" (the default incident) */
    int nincidents;             /* >= 1 */
} rc_rtest_scenario;

typedef struct rc_rtest_file {
    const char *path;           /* as named */
    const char *policy_path;    /* resolved against the .rtest file's folder */
    const rc_ir *ir;
    rc_rtest_scenario *scenarios;
    int nscenarios;
} rc_rtest_file;

/* Loads the policy named by the `policy` line.  Returns 0 ok (sets *ir; its
 * constant table names the constants fault values may use), 1 policy
 * errors, 2 I/O errors; the loader reports its own diagnostics. */
typedef int (*rc_rtest_loader)(void *ctx, const char *policy_path, const rc_ir **ir);

/* Parses `src` (the text of file d->file); diagnostics through d.  Returns 0,
 * 1 (errors in the file or the policy) or 2 (policy I/O). */
int rc_rtest_parse(rc_arena *a, rc_diag *d, const char *src, size_t len,
                   rc_rtest_loader load, void *ctx, rc_rtest_file *out);

/* Runs every scenario on the simulator, filling each event's `got`; prints
 * a line per unmet expectation to out.  Returns the number of failed events. */
int rc_rtest_run_sim(rc_arena *a, rc_rtest_file *f, bool verbose, FILE *out);

/* rtest_timeline.c: draws the scenarios of f (opts->scenario: that one) as
 * an SVG timeline (timeline.h) into opts->timeline, atomically, or to
 * standard output for "-".  Returns 0, or 2 (no such scenario, or the file
 * cannot be written; the message goes to err). */
int rc_rtest_timeline(rc_arena *a, const rc_rtest_file *f, const rc_rtest_opts *opts, FILE *err);


#endif
