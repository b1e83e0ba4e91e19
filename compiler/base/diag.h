/* diag.h - every message recovc prints goes through here.
 *
 * A diagnostic is a record (rc_diag_rec): severity, warning name, message,
 * file, start and end position, and the notes and fix notes attached to it,
 * each with its own position.  Writers read records: the text writer here
 * (`file:line:col: error|warning|note: text [-Wname]`, then the source line
 * and a caret under the column, with `~` under the rest of the range on that
 * line) prints each as it is made; tools/report.c prints collected records
 * as JSON or SARIF.  Errors are counted; after `max_errors` errors the
 * compilation stops reporting and says so.  Warnings are enabled, disabled or
 * promoted to errors by the -W options, whose names come from warnings.def.
 */
#ifndef RC_DIAG_H
#define RC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A position in a source file; lines and columns count from 1, columns in bytes.
 * end_* is the last byte of the range (inclusive); 0 means "just the caret". */
typedef struct rc_loc {
    int line, col;
    int end_line, end_col;
} rc_loc;

typedef enum rc_warning {
#define X(id, name, on, desc) RC_W_##id,
#include "warnings.def"
#undef X
    RC_W_COUNT
} rc_warning;

/* The kinds of error (errors.def): the rule id of an error in JSON and SARIF. */
typedef enum rc_error_kind {
#define X(id, name, desc, help) RC_E_##id,
#include "errors.def"
#undef X
    RC_E_COUNT
} rc_error_kind;

typedef enum rc_diag_sev { RC_DIAG_ERROR, RC_DIAG_WARNING, RC_DIAG_NOTE, RC_DIAG_FIX } rc_diag_sev;

/* A note (RC_DIAG_NOTE) or fix note (RC_DIAG_FIX: how to change the policy)
 * attached to a diagnostic. */
typedef struct rc_diag_rel {
    rc_diag_sev kind;
    char *file;              /* NULL: no file ("recovc") */
    rc_loc loc;              /* line 0: no position */
    char *text;
} rc_diag_rel;

/* A textual edit that fixes a diagnostic: replace the range loc (in file)
 * with text.  Kept in the records only (JSON and SARIF `fixes`); the text
 * writer shows the fix notes or the "did you mean" of the message instead. */
typedef struct rc_diag_edit {
    char *file;
    rc_loc loc;
    char *text;              /* the replacement */
    char *desc;              /* what the edit does */
} rc_diag_edit;

typedef struct rc_diag_rec {
    rc_diag_sev severity;    /* RC_DIAG_ERROR or RC_DIAG_WARNING (a promoted warning is an error) */
    const char *code;        /* the -W name of a warning, NULL for a plain error */
    rc_error_kind kind;      /* an error's kind (errors.def), when code is NULL */
    char *file;              /* NULL: a message about recovc itself or its command line */
    rc_loc loc;              /* line 0: no position; end_line 0: a single column */
    char *text;
    rc_diag_rel *notes;
    int nnotes, capnotes;
    rc_diag_edit *edits;
    int nedits;
    uint64_t line_hash;      /* rc_fp_line of the source line at loc (0: none) */
} rc_diag_rec;

/* Collected records (for JSON/SARIF); free with rc_diag_records_free. */
typedef struct rc_diag_records {
    rc_diag_rec *v;
    int n, cap;
} rc_diag_records;

void rc_diag_records_free(rc_diag_records *r);


typedef struct rc_diag {
    const char *file;        /* name printed in messages */
    const char *src;         /* source text, for the caret line (may be NULL) */
    size_t src_len;
    FILE *out;               /* text writer: stderr unless redirected; NULL: no text */
    rc_diag_records *records;   /* NULL, or where records are collected */
    int errors, warnings;
    int internal;            /* errors that are recovc's fault, not the
                              * policy's (scanner failure): exit 3 */
    int max_errors;          /* 0: unlimited; default 20 */
    bool stopped;            /* max_errors reached: further messages dropped */
    bool last_printed;       /* the previous message was shown (notes follow it) */
    bool werror;             /* -Werror: warnings count as errors */
    bool color;              /* text writer: SGR colours as gcc's (--color) */
    bool enabled[RC_W_COUNT];
    bool as_error[RC_W_COUNT];  /* -Werror=<name> */
} rc_diag;

void rc_diag_init(rc_diag *d, const char *file, const char *src, size_t len, FILE *out);
/* Set the file/source shown in later messages (for .rtest files, headers...). */
void rc_diag_set_source(rc_diag *d, const char *file, const char *src, size_t len);

/* An error of kind k.  rc_diag_error(d, loc, fmt, ...) is an error of the
 * kind RC_ERROR_KIND, which a source file may #undef and #define after its
 * includes (default RC_E_POLICY). */
void rc_diag_error_k(rc_diag *d, rc_error_kind k, rc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#ifndef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_POLICY
#endif
#define rc_diag_error(d, ...) rc_diag_error_k((d), RC_ERROR_KIND, __VA_ARGS__)
void rc_diag_warning(rc_diag *d, rc_warning w, rc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A note attached to the previous message (printed only if it was printed). */
void rc_diag_note(rc_diag *d, rc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends a copy of m (and its notes) to d->records when records are kept;
 * prints nothing (for a caller that printed m's text itself). */
void rc_diag_keep(rc_diag *d, const rc_diag_rec *m);
/* A fix note: `note: fix: text` in text, RC_DIAG_FIX in the record. */
void rc_diag_fix(rc_diag *d, rc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A textual edit for the previous message (records only, see rc_diag_edit):
 * replace loc with `text`; desc says what it does. */
void rc_diag_edit_add(rc_diag *d, rc_loc loc, const char *text, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A message with no location: `recovc: error: text`. */
void rc_diag_plain(rc_diag *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A message about recovc itself, its command line or a file it cannot read
 * or write, outside any diagnostics sink: `recovc: error: text` (or
 * `warning:`, `note:` for RC_DIAG_NOTE and RC_DIAG_FIX) and a newline on
 * out, in gcc's colours when color, as rc_diag_plain prints it. */
void rc_diag_say(FILE *out, bool color, rc_diag_sev sev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Only its head, `recovc: error: ` (for a message printed in parts). */
void rc_diag_say_head(FILE *out, bool color, rc_diag_sev sev);

/* -W option handling.  `opt` is the text after "-W" ("unused-error",
 * "no-unused-error", "error", "error=unused-error", "no-error=deadline-never",
 * "all").  Returns false for
 * an unknown name. */
bool rc_diag_option(rc_diag *d, const char *opt);
const char *rc_warning_name(rc_warning w);
const char *rc_warning_desc(rc_warning w);
bool rc_warning_default(rc_warning w);
bool rc_warning_default_error(rc_warning w);   /* an error unless -Wno-error=<name> */
const char *rc_error_kind_name(rc_error_kind k);
const char *rc_error_kind_desc(rc_error_kind k);
const char *rc_error_kind_help(rc_error_kind k);

/* --color=auto: colours when fd is a terminal, TERM is set and not "dumb"
 * and NO_COLOR is unset or empty. */
bool rc_diag_color_auto(int fd);

/* Location helpers. */
rc_loc rc_loc_span(rc_loc a, rc_loc b);   /* from start of a to end of b */

#endif
