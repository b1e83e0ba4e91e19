/* report.h - diagnostics as data, for `recovc check --format json|sarif`.
 *
 * The checker reports through diag.h as text; report.c reads that text back
 * (its format is fixed by diag.c: `FILE:LINE:COL: KIND: TEXT [-WNAME]`, then
 * caret lines that start with a blank) into records, and prints them as JSON
 * or as SARIF 2.1.0 (rule ids are the -W names; errors that are not warnings
 * use the rule id "error").  Notes become related locations of the message
 * before them.
 */
#ifndef RC_REPORT_H
#define RC_REPORT_H

#include <stddef.h>
#include <stdio.h>

typedef struct rc_report_msg {
    char *file;
    int line, col;              /* 0 when the message has no location */
    char kind[8];               /* "error", "warning", "note" */
    char *rule;                 /* -W name, or NULL */
    char *text;
} rc_report_msg;

typedef struct rc_report {
    rc_report_msg *msgs;
    int n, cap;
    const char **files;         /* every policy checked, with its exit status */
    int *status;
    int nfiles, capfiles;
} rc_report;

void rc_report_init(rc_report *r);
void rc_report_free(rc_report *r);
/* Add the diagnostics text printed while checking `path` (exit status rc). */
void rc_report_add(rc_report *r, const char *path, const char *text, size_t len, int rc);
void rc_report_json(const rc_report *r, FILE *out);
void rc_report_sarif(const rc_report *r, FILE *out, const char *version);

#endif
