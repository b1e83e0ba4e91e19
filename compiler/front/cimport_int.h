/* cimport_int.h - private to cimport*.c: the state of one import run. */
#ifndef RC_CIMPORT_INT_H
#define RC_CIMPORT_INT_H

#include "cimport_dl.h"   /* <clang-c/Index.h>, its calls through dlopen */

#include "cimport.h"

/* A header file clang read, and the import (index) that brought it in. */
typedef struct rc_cfile {
    const char *path;
    int import;
    bool system;       /* a system header (-MMD leaves it out of the depfile) */
} rc_cfile;

/* An object-like macro that may be an integer constant. */
typedef struct rc_cmacro {
    const char *name;
    int import;
    const char *path;                /* where it is defined (real path), line, col */
    unsigned line, col;
    rc_cloc at;
} rc_cmacro;

typedef struct rc_cimp_ctx {
    rc_arena *a;
    rc_diag *d;
    rc_cimport *out;
    const char *cwd;                 /* for printing header paths relative to it */
    CXTranslationUnit tu;
    rc_cfile *files;   int nfiles; size_t cap_files;
    rc_cmacro *macros; int nmacros; size_t cap_macros;
    size_t cap_enums, cap_consts;
    const char *struct_name;         /* wanted: `fault = struct NAME;` */
    CXCursor record;                 /* its definition, when found */
    bool have_record;
} rc_cimp_ctx;

/* cimport_util.c (used by cimport.c and cimport_walk.c, calls neither) */
const char *rc_cimp_string(rc_cimp_ctx *c, CXString s);        /* copies into the arena, disposes s */
const char *rc_cimp_display(const rc_cimp_ctx *c, const char *path);  /* relative to cwd when below it */
int rc_cimp_file_import(const rc_cimp_ctx *c, CXFile f);
rc_cloc rc_cimp_loc(rc_cimp_ctx *c, CXCursor cur);                /* where cur is spelt */        /* import index of a file, 0 when unknown */
void rc_cimp_where(rc_cimp_ctx *c, CXCursor cur, char *buf, size_t n);  /* "file:line:col" */

/* cimport_walk.c: enums, enum constants, macro candidates and the struct of TU 1 */
void rc_cimp_walk(rc_cimp_ctx *c);
/* Reads the members of the found struct into out->fields; false after reporting. */
bool rc_cimp_fields(rc_cimp_ctx *c);
/* Reads the values of the macro enumerators of translation unit 2 into
 * out->consts (why[i]: clang's first error or warning on candidate i, NULL
 * when none); the refused ones, with their reason, go to out->bad_macros. */
void rc_cimp_eval(rc_cimp_ctx *c, CXTranslationUnit tu, const char **why);
/* cimport_guard.c: parses the translation unit `text` once in a child
 * process under the header limits; false after reporting the file that
 * stopped it (spec/headers.md, Limits). */
bool rc_cimp_guard(rc_cimp_ctx *c, const char *const *args, int nargs, const char *text);
/* Adds an enum (by its declaration cursor) if new; returns its index. */
int rc_cimp_enum(rc_cimp_ctx *c, CXCursor decl);

#endif
