/* driver.h - load one policy: read the file, parse, check.
 *
 * The one place that turns a path into an IR, shared by every subcommand
 * (compile, check, test, explain).
 */
#ifndef RC_DRIVER_H
#define RC_DRIVER_H

#include <stdio.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "ir.h"

typedef struct rc_unit {
    const char *path;
    rc_arena arena;             /* AST, IR and source text */
    rc_diag diag;
    char *src;
    size_t len;
    const rc_ast_policy *ast;   /* NULL when the file could not be read */
    const rc_ir *ir;            /* NULL unless the policy checked clean */
    const rc_ir *checked;       /* the checker's IR even when the analyses then found
                                   errors (the language server's hover); NULL when none */
    const char **deps;          /* files read besides the policy (imported headers), for -MD */
    const bool *deps_system;    /* deps_system[i]: deps[i] is a system header (left out by -MMD) */
    int ndeps;
    const struct rc_cconst *cconsts;  /* the imported headers' constants (enumerators, macros), */
    int ncconsts;                     /* with where each is declared */
} rc_unit;

/* Options applied to the diagnostics before parsing. */
typedef struct rc_unit_opts {
    const char *const *wopts;   /* -W option texts (without "-W"), nwopts of them */
    int nwopts;
    int max_errors;             /* 0: default (20), -1: no limit */
    /* C header import (section 4): passed through to clang */
    const char *const *include_dirs;  /* -I */
    int nincludes;
    const char *const *defines;       /* -D NAME[=VALUE] */
    int ndefines;
    const char *sysroot;              /* --sysroot, NULL for none */
    const char *target;               /* --target triple, NULL for the host */
    rc_diag_records *records;         /* non-NULL: collect the diagnostics here and print no text */
    const char *stdin_name;           /* the name of "-" (standard input); NULL: "<stdin>" */
    /* the language server: the policy's text comes from text/text_len (an
     * editor's buffer) instead of the file, which still names it and
     * anchors its imports */
    const char *text;
    size_t text_len;
} rc_unit_opts;

/* path "-" reads standard input.
 * Returns 0 when the policy is valid (u->ir set), 1 when it has errors
 * (reported on diag_out), 2 when the file cannot be read (reported too),
 * 3 when the compiler itself failed (the scanner ran out of memory).
 * opts may be NULL. */
int rc_unit_load(rc_unit *u, const char *path, FILE *diag_out, const rc_unit_opts *opts);
void rc_unit_free(rc_unit *u);

/* Read a whole file into the arena (NUL-terminated; *len excludes the NUL).
 * Returns NULL and sets errno on failure. */
char *rc_read_file(rc_arena *a, const char *path, size_t *len);
/* The reason to print for rc_read_file's errno: devices, FIFOs and sockets
 * (ENODEV: refused unopened) and files past the 64 MiB input size limit
 * (EFBIG) get their own words, the rest strerror's. */
const char *rc_read_error(int err);

#endif
