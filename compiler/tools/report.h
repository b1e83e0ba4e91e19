/* report.h - diagnostics as data, for `recovc check --format json|sarif`.
 *
 * Reads the records of diag.h (severity, -W name, message, file, start and
 * end position, notes and fix notes with their own positions) collected
 * while checking each policy, and prints them as JSON or as SARIF 2.1.0
 * (rule ids are the -W names of warnings and the kinds of errors.def; notes
 * and fix notes become related locations, the records' textual edits SARIF
 * fixes; messages without a file are tool notifications).  Nothing here
 * reads printed text.  spec/analysis.md describes both formats.
 */
#ifndef RC_REPORT_H
#define RC_REPORT_H

#include <stdio.h>

#include "diag.h"

typedef struct rc_report {
    rc_diag_records recs;       /* every policy's records, in order */
    const char **files;         /* every policy checked, with its exit status */
    int *status;
    int nfiles, capfiles;
} rc_report;

void rc_report_init(rc_report *r);
void rc_report_free(rc_report *r);
/* Add the records made while checking `path` (exit status rc); takes them
 * over and leaves *recs empty. */
void rc_report_add(rc_report *r, const char *path, rc_diag_records *recs, int rc);
void rc_report_json(const rc_report *r, FILE *out);
void rc_report_sarif(const rc_report *r, FILE *out, const char *version);

#endif
