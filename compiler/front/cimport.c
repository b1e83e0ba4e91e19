/* cimport.c - find the imported headers, parse them with clang, evaluate
 * their macros; see cimport.h.  The cursor walks are in cimport_walk.c. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cimport.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cimport_int.h"

/* errors reported here are of this kind (errors.def) */
#undef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_IMPORT

/* The in-memory main file of both translation units. */
#define RC_CIMP_MAIN "__recov_imports__.c"
/* The largest header file imported directly (spec/headers.md, Limits). */
#define RC_CIMP_MAX_HEADER ((off_t)64 << 20)
/* Prefix of the enumerators that evaluate macros in translation unit 2. */
#define RC_CIMP_MPFX "__recov_m"

/* ---- finding the headers ------------------------------------------------- */

static char *policy_dir(rc_arena *a, const char *policy)
{
    const char *slash = policy ? strrchr(policy, '/') : NULL;
    if (!slash) return rc_arena_strdup(a, ".");
    if (slash == policy) return rc_arena_strdup(a, "/");
    return rc_arena_strndup(a, policy, (size_t)(slash - policy));
}

static bool below(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/') return true;
    return strncmp(path, root, n) == 0 && path[n] == '/';
}

/* Resolves one import to a real path inside one of the search roots. */
static const char *resolve(rc_cimp_ctx *c, const rc_ast_decl *imp, const char *const *dirs,
                           const char *const *roots, int ndirs)
{
    const char *want = imp->str ? imp->str->text : "";
    rc_loc at = imp->str ? imp->str->loc : imp->loc;
    if (!*want || strpbrk(want, "\"\n\\")) {
        rc_diag_error(c->d, at, "'%s' is not a header path", want);
        return NULL;
    }
    int tries = want[0] == '/' ? 1 : ndirs;
    for (int i = 0; i < tries; i++) {
        char *cand = want[0] == '/' ? rc_arena_strdup(c->a, want) : rc_arena_printf(c->a, "%s/%s", dirs[i], want);
        struct stat st;
        if (stat(cand, &st) != 0 || S_ISDIR(st.st_mode)) continue;
        if (!S_ISREG(st.st_mode) || st.st_size >= RC_CIMP_MAX_HEADER) {
            /* never opened: a device or a FIFO does not end, or blocks */
            rc_diag_error(c->d, at, "header '%s' is %s; a header must be a regular file of less than 64 MiB",
                          want, S_ISCHR(st.st_mode) ? "a character device" : S_ISBLK(st.st_mode) ? "a block device"
                          : S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket"
                          : S_ISREG(st.st_mode) ? "a file of 64 MiB or more" : "not a regular file");
            return NULL;
        }
        char real[PATH_MAX];
        if (!realpath(cand, real)) continue;
        for (int r = 0; r < ndirs; r++)
            if (roots[r] && below(real, roots[r])) return rc_arena_strdup(c->a, real);
        rc_diag_error(c->d, at, "header '%s' resolves to '%s', outside the include paths; "
                      "pass its directory with -I to allow it", want, rc_cimp_display(c, real));
        return NULL;
    }
    char *tried = rc_arena_strdup(c->a, "");
    for (int i = 0; i < tries; i++)
        tried = rc_arena_printf(c->a, "%s%s%s", tried, i ? ", " : "", want[0] == '/' ? want : dirs[i]);
    rc_diag_error(c->d, at, "cannot find header '%s' (searched: %s)", want, tried);
    return NULL;
}

/* ---- translation units ------------------------------------------------------ */

static void on_inclusion(CXFile inc, CXSourceLocation *stack, unsigned len, CXClientData data)
{
    rc_cimp_ctx *c = data;
    if (len == 0) return;   /* the main file */
    unsigned line = 0;
    clang_getSpellingLocation(stack[len - 1], NULL, &line, NULL, NULL);
    RC_GROW(c->a, c->files, c->nfiles, &c->cap_files);
    int imp = line >= 1 && (int)line <= c->out->nimports ? (int)line - 1 : 0;
    c->files[c->nfiles].path = rc_cimp_string(c, clang_getFileName(inc));
    c->files[c->nfiles].import = imp;
    c->files[c->nfiles].system = clang_Location_isInSystemHeader(clang_getLocationForOffset(c->tu, inc, 0)) != 0;
    c->nfiles++;
}

static CXTranslationUnit parse(rc_cimp_ctx *c, CXIndex idx, const char *const *args, int nargs,
                               const char *text, unsigned opts)
{
    struct CXUnsavedFile uf = { RC_CIMP_MAIN, text, (unsigned long)strlen(text) };
    CXTranslationUnit tu = NULL;
    enum CXErrorCode ec = clang_parseTranslationUnit2(idx, RC_CIMP_MAIN, args, nargs, &uf, 1, opts, &tu);
    if (ec != CXError_Success || !tu) {
        rc_diag_error(c->d, c->out->imports[0]->loc, "clang could not read the imported headers (libclang error %d)",
                      (int)ec);
        return NULL;
    }
    return tu;
}

/* The first error of translation unit 1, at the import it came through. */
static bool report_errors(rc_cimp_ctx *c)
{
    unsigned n = clang_getNumDiagnostics(c->tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic dg = clang_getDiagnostic(c->tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(dg);
        if (sev < CXDiagnostic_Error) { clang_disposeDiagnostic(dg); continue; }
        CXFile f;
        unsigned line, col;
        clang_getExpansionLocation(clang_getDiagnosticLocation(dg), &f, &line, &col, NULL);
        int imp = rc_cimp_file_import(c, f);
        const char *file = f ? rc_cimp_display(c, rc_cimp_string(c, clang_getFileName(f))) : "<command line>";
        const char *msg = rc_cimp_string(c, clang_getDiagnosticSpelling(dg));
        clang_disposeDiagnostic(dg);
        const rc_ast_decl *d = c->out->imports[imp];
        rc_diag_error(c->d, d->loc, "header '%s' does not compile: %s:%u:%u: %s", c->out->import_paths[imp],
                      file, line, col, msg);
        return false;
    }
    return true;
}

/* Translation unit 2: the same includes, then one enum per macro candidate;
 * the enumerators that clang accepts are the macros' integer values. */
static void eval_macros(rc_cimp_ctx *c, CXIndex idx, const char *const *args, int nargs, const char *includes)
{
    if (c->nmacros == 0) return;
    size_t cap = strlen(includes) + 64;
    for (int i = 0; i < c->nmacros; i++) cap += 2 * strlen(c->macros[i].name) + 128;
    char *text = malloc(cap);
    if (!text) return;
    size_t len = (size_t)snprintf(text, cap, "%s", includes);
    int base = c->out->nimports + 1;    /* line of macro 0 */
    for (int i = 0; i < c->nmacros; i++)
        /* the enum gives the value; the variable's initialiser makes clang
         * warn about shifts past the width, which it does not in the enum */
        len += (size_t)snprintf(text + len, cap - len, "enum { " RC_CIMP_MPFX "%d = (%s) }; static const long long "
                                "__attribute__((unused)) " RC_CIMP_MPFX "v%d = (%s);\n", i, c->macros[i].name, i,
                                c->macros[i].name);
    /* warnings count too (overflow, shifts past the width, literals too
     * large): the value clang would give is then not the macro's meaning */
    const char **args2 = RC_NEW_ARRAY(c->a, const char *, nargs + 1);
    int nargs2 = 0;
    for (int i = 0; i < nargs; i++)
        if (strcmp(args[i], "-w") != 0) args2[nargs2++] = args[i];
    CXTranslationUnit tu = parse(c, idx, args2, nargs2, text, CXTranslationUnit_SkipFunctionBodies);
    free(text);
    if (!tu) return;
    const char **why = RC_NEW_ARRAY(c->a, const char *, c->nmacros);
    bool *is_err = RC_NEW_ARRAY(c->a, bool, c->nmacros);
    unsigned nd = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < nd; i++) {
        CXDiagnostic dg = clang_getDiagnostic(tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(dg);
        if (sev >= CXDiagnostic_Warning) {
            CXFile f;
            unsigned line;
            clang_getExpansionLocation(clang_getDiagnosticLocation(dg), &f, &line, NULL, NULL);
            const char *fname = f ? rc_cimp_string(c, clang_getFileName(f)) : "";
            int m = (int)line - base;
            bool err = sev >= CXDiagnostic_Error;
            if (strcmp(fname, RC_CIMP_MAIN) == 0 && m >= 0 && m < c->nmacros && (!why[m] || (err && !is_err[m]))) {
                why[m] = rc_cimp_string(c, clang_getDiagnosticSpelling(dg));
                is_err[m] = err;
            }
        }
        clang_disposeDiagnostic(dg);
    }
    rc_cimp_eval(c, tu, why);
    clang_disposeTranslationUnit(tu);
}

/* ---- entry ------------------------------------------------------------------- */

bool rc_cimport_run(rc_arena *a, rc_diag *d, const rc_ast_policy *p, const rc_cimport_opts *o, rc_cimport *out)
{
    memset(out, 0, sizeof *out);
    rc_cimp_ctx cx, *c = &cx;
    memset(c, 0, sizeof cx);
    c->a = a;
    c->d = d;
    c->out = out;
    int nimp = 0;
    for (const rc_ast_decl *x = p ? p->decls : NULL; x; x = x->next) {
        if (x->kind == RC_D_IMPORT) nimp++;
        if (x->kind == RC_D_FAULT_STRUCT && !out->fault_decl) out->fault_decl = x;
    }
    if (nimp == 0) {
        if (out->fault_decl)
            rc_diag_error(d, out->fault_decl->loc, "`fault = struct %s;` needs an `import` of the header that "
                          "defines it", out->fault_decl->name.name ? out->fault_decl->name.name : "?");
        return !out->fault_decl;
    }
    out->imports = RC_NEW_ARRAY(a, const rc_ast_decl *, nimp);
    out->import_paths = RC_NEW_ARRAY(a, const char *, nimp);
    for (const rc_ast_decl *x = p->decls; x; x = x->next)
        if (x->kind == RC_D_IMPORT) {
            out->import_paths[out->nimports] = x->str ? x->str->text : "";
            out->imports[out->nimports++] = x;
        }
    char cwdbuf[PATH_MAX];
    c->cwd = getcwd(cwdbuf, sizeof cwdbuf) ? rc_arena_strdup(a, cwdbuf) : NULL;

    /* search dirs: the policy's directory, then -I */
    int ndirs = 1 + (o ? o->nincludes : 0);
    const char **dirs = RC_NEW_ARRAY(a, const char *, ndirs);
    const char **roots = RC_NEW_ARRAY(a, const char *, ndirs);
    dirs[0] = policy_dir(a, o ? o->policy_path : NULL);
    for (int i = 1; i < ndirs; i++) dirs[i] = o->include_dirs[i - 1];
    for (int i = 0; i < ndirs; i++) {
        char real[PATH_MAX];
        roots[i] = realpath(dirs[i], real) ? rc_arena_strdup(a, real) : NULL;
    }
    char *includes = rc_arena_strdup(a, "");
    bool ok = true;
    for (int i = 0; i < out->nimports; i++) {
        const char *r = resolve(c, out->imports[i], dirs, roots, ndirs);
        if (!r) { ok = false; continue; }
        includes = rc_arena_printf(a, "%s#include \"%s\"\n", includes, r);
    }
    if (!ok) return false;

    /* clang's command line */
    int nargs = 0, maxargs = 10 + ndirs + (o ? o->ndefines : 0);
    const char **args = RC_NEW_ARRAY(a, const char *, maxargs);
    args[nargs++] = "-xc";
    args[nargs++] = "-std=gnu11";
    args[nargs++] = "-ferror-limit=0";
    args[nargs++] = "-w";
#ifdef RECOV_CLANG_RESOURCE_DIR
    struct stat rst;
    if (RECOV_CLANG_RESOURCE_DIR[0] && stat(RECOV_CLANG_RESOURCE_DIR, &rst) == 0) {
        args[nargs++] = "-resource-dir";
        args[nargs++] = RECOV_CLANG_RESOURCE_DIR;
    }
#endif
    for (int i = 0; i < ndirs; i++)
        if (roots[i]) args[nargs++] = rc_arena_printf(a, "-I%s", roots[i]);
    for (int i = 0; o && i < o->ndefines; i++) args[nargs++] = rc_arena_printf(a, "-D%s", o->defines[i]);
    if (o && o->sysroot) args[nargs++] = rc_arena_printf(a, "--sysroot=%s", o->sysroot);
    if (o && o->target) args[nargs++] = rc_arena_printf(a, "--target=%s", o->target);

    const char *why;
    if (!rc_cimp_dl_load(&why)) {
        rc_diag_error(d, out->imports[0]->loc, "%s", why);
        return false;
    }
    if (!rc_cimp_guard(c, args, nargs, includes)) return false;
    CXIndex idx = clang_createIndex(0, 0);
    c->tu = parse(c, idx, args, nargs, includes,
                  CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_SkipFunctionBodies);
    if (!c->tu) { clang_disposeIndex(idx); return false; }
    clang_getInclusions(c->tu, on_inclusion, c);
    out->deps = RC_NEW_ARRAY(a, const char *, c->nfiles + 1);
    out->deps_system = RC_NEW_ARRAY(a, bool, c->nfiles + 1);
    for (int i = 0; i < c->nfiles; i++) {
        bool dup = false;
        for (int j = 0; j < out->ndeps && !dup; j++) dup = strcmp(out->deps[j], c->files[i].path) == 0;
        if (!dup) {
            out->deps_system[out->ndeps] = c->files[i].system;
            out->deps[out->ndeps++] = c->files[i].path;
        }
    }
    ok = report_errors(c);
    if (ok) {
        c->struct_name = out->fault_decl ? out->fault_decl->name.name : NULL;
        rc_cimp_walk(c);
        eval_macros(c, idx, args, nargs, includes);
        if (c->struct_name) {
            if (!c->have_record) {
                rc_diag_error(d, out->fault_decl->name.loc, "no struct '%s' is defined in the imported headers",
                              c->struct_name);
                ok = false;
            } else {
                ok = rc_cimp_fields(c);
                if (ok) out->struct_name = c->struct_name;
            }
        }
    }
    clang_disposeTranslationUnit(c->tu);
    clang_disposeIndex(idx);
    return ok;
}
