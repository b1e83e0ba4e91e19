/* cimport.h - read the C headers a policy imports, through libclang.
 *
 * `import "path.h";` and `fault = struct NAME;` (spec/headers.md).  All the
 * imports of one policy are read as one translation unit (one #include per
 * import, in source order); integer object-like macros are then evaluated by
 * clang in a second, in-memory translation unit (`enum { m = (NAME) };` per
 * candidate), so values are exactly what a C compiler would see.
 *
 * Errors (missing header, header with C errors, escaping the include paths,
 * unknown or unsupported struct) are reported on `d` at the `import` or
 * `fault = struct` line.  Everything lives in the arena.
 */
#ifndef RC_CIMPORT_H
#define RC_CIMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "ir.h"

typedef struct rc_cimport_opts {
    const char *policy_path;          /* its directory is searched first */
    const char *const *include_dirs;  /* -I, searched after the policy's directory */
    int nincludes;
    const char *const *defines;       /* -D NAME[=VALUE] */
    int ndefines;
    const char *sysroot;              /* NULL: none */
    const char *target;               /* NULL: the host */
} rc_cimport_opts;

/* Where a name is declared in a header: the file as clang opened it (line
 * 0: unknown). */
typedef struct rc_cloc {
    const char *file;
    int line, col;
} rc_cloc;

/* An enum type of the headers (identified by clang's USR). */
typedef struct rc_cenum {
    const char *name;                 /* "enum modem_err", or the typedef name of an anonymous enum */
    const char *usr;
    const char **items;               /* enumerator names, declaration order */
    int64_t *values;
    rc_cloc *locs;                    /* where each enumerator is declared */
    int nitems;
} rc_cenum;

/* An integer constant: an enumerator or an integer object-like macro. */
typedef struct rc_cconst {
    const char *name;
    int64_t value;
    int enum_id;                      /* index into enums, -1 for a macro */
    int import;                       /* index of the import (decl) it came through */
    rc_cloc at;                       /* its declaration (the language server's definition) */
} rc_cconst;

/* An object-like macro that is not imported: clang rejects it as an integer
 * constant, warns about it (overflow, a shift past the width, a literal too
 * large), or its value does not fit in 64 bits.  Reported only where the
 * policy uses the name. */
typedef struct rc_cbadmacro {
    const char *name;
    const char *path;                 /* the header, as shown in messages */
    const char *real;                 /* its real path (for reading the caret line) */
    unsigned line, col;               /* of the macro's name */
    const char *reason;               /* clang's message, or why the value is refused */
} rc_cbadmacro;

/* A member of the imported fault struct that the policy can use. */
typedef struct rc_cfield {
    const char *name;
    rc_type type;
    int enum_id;                      /* -1 unless the member has an enum type */
    uint32_t text_cap;                /* char[N]: N; const char *: 0 */
} rc_cfield;

typedef struct rc_cimport {
    const rc_ast_decl **imports;      /* the `import` declarations */
    const char **import_paths;        /* their path strings, as written */
    int nimports;
    rc_cenum *enums;     int nenums;
    rc_cconst *consts;   int nconsts;
    rc_cbadmacro *bad_macros; int nbad_macros;
    const rc_ast_decl *fault_decl;    /* `fault = struct NAME;`, NULL when absent */
    const char *struct_name;          /* NAME, set when the struct was found and is usable */
    rc_cfield *fields;   int nfields;
    const char **deps;   int ndeps;   /* every file clang read, for -MD */
    bool *deps_system;                /* deps_system[i]: deps[i] is a system header (-MMD leaves it out) */
} rc_cimport;

/* Reads the imports of `p` (does nothing and returns true when there are
 * none).  Returns false after reporting errors on `d`. */
bool rc_cimport_run(rc_arena *a, rc_diag *d, const rc_ast_policy *p, const rc_cimport_opts *o,
                    rc_cimport *out);

#endif
