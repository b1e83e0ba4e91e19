/* driver.c - read, parse, check one policy; see driver.h. */
#include "driver.h"

#include <errno.h>
#include <string.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "analyze.h"
#include "check.h"
#include "cimport.h"
#include "parse.h"

/* RC_MAX_SOURCE: the largest policy file accepted (64 MiB); larger inputs are
 * an I/O error rather than a memory exhaustion. */
#define RC_MAX_SOURCE ((size_t)64 << 20)

char *rc_read_file(rc_arena *a, const char *path, size_t *len)
{
    bool from_stdin = strcmp(path, "-") == 0;
    struct stat st;
    /* a device or a FIFO is refused before it is opened: /dev/zero never
     * ends and a FIFO's open blocks until someone writes (standard input,
     * "-", may be anything and is bounded by the size limit) */
    if (!from_stdin) {
        if (stat(path, &st) != 0) return NULL;
        if (S_ISDIR(st.st_mode)) { errno = EISDIR; return NULL; }
        if (!S_ISREG(st.st_mode)) { errno = ENODEV; return NULL; }
        if ((uintmax_t)st.st_size > (uintmax_t)RC_MAX_SOURCE) { errno = EFBIG; return NULL; }
    }
    FILE *f = from_stdin ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    if (fstat(fileno(f), &st) != 0) { if (!from_stdin) fclose(f); return NULL; }
    if (S_ISDIR(st.st_mode)) { if (!from_stdin) fclose(f); errno = EISDIR; return NULL; }
    if (!from_stdin && !S_ISREG(st.st_mode)) { fclose(f); errno = ENODEV; return NULL; }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) { if (!from_stdin) fclose(f); errno = ENOMEM; return NULL; }
    for (;;) {
        if (n == cap) {
            if (cap >= RC_MAX_SOURCE) { free(buf); if (!from_stdin) fclose(f); errno = EFBIG; return NULL; }
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) { free(buf); if (!from_stdin) fclose(f); errno = ENOMEM; return NULL; }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) { int e = errno; free(buf); if (!from_stdin) fclose(f); errno = e ? e : EIO; return NULL; }
            break;
        }
    }
    if (!from_stdin) fclose(f);
    char *s = rc_arena_strndup(a, buf, n);
    free(buf);
    *len = n;
    return s;
}

const char *rc_read_error(int err)
{
    if (err == ENODEV) return "not a regular file (a device, FIFO or socket); give a file, or - for standard input";
    if (err == EFBIG) return "larger than 64 MiB, the input size limit";
    return strerror(err);
}

int rc_unit_load(rc_unit *u, const char *path, FILE *diag_out, const rc_unit_opts *opts)
{
    memset(u, 0, sizeof *u);
    /* "-" is standard input, named in diagnostics (and for finding imports
     * relative to it) by --stdin-name, else "<stdin>" */
    const char *name = path;
    if (strcmp(path, "-") == 0) name = opts && opts->stdin_name ? opts->stdin_name : "<stdin>";
    u->path = name;
    rc_arena_init(&u->arena);
    rc_diag_init(&u->diag, name, NULL, 0, diag_out);
    if (opts) {
        for (int i = 0; i < opts->nwopts; i++) rc_diag_option(&u->diag, opts->wopts[i]);
        if (opts->max_errors) u->diag.max_errors = opts->max_errors < 0 ? 0 : opts->max_errors;
        if (opts->records) {
            u->diag.records = opts->records;
            u->diag.out = NULL;
        }
    }
    if (opts && opts->text) {
        u->len = opts->text_len;
        u->src = rc_arena_strndup(&u->arena, opts->text, opts->text_len);
    } else {
        u->src = rc_read_file(&u->arena, path, &u->len);
    }
    if (!u->src) {
        rc_diag_plain(&u->diag, "cannot read '%s': %s", name, rc_read_error(errno));
        return 2;
    }
    rc_diag_set_source(&u->diag, name, u->src, u->len);
    u->ast = rc_parse(&u->arena, &u->diag, u->src, u->len);
    if (u->diag.internal) return 3;
    if (u->diag.errors) return 1;
    /* C headers: read once for the whole policy, before checking */
    rc_cimport imp;
    rc_cimport_opts io;
    memset(&io, 0, sizeof io);
    io.policy_path = name;
    if (opts) {
        io.include_dirs = opts->include_dirs;
        io.nincludes = opts->nincludes;
        io.defines = opts->defines;
        io.ndefines = opts->ndefines;
        io.sysroot = opts->sysroot;
        io.target = opts->target;
    }
    bool imported = rc_cimport_run(&u->arena, &u->diag, u->ast, &io, &imp);
    u->deps = imp.deps;
    u->deps_system = imp.deps_system;
    u->ndeps = imp.ndeps;
    u->cconsts = imp.consts;
    u->ncconsts = imp.nconsts;
    if (!imported || u->diag.errors) return 1;
    u->ir = rc_check_with(&u->arena, &u->diag, u->ast, imp.nimports ? &imp : NULL);
    u->checked = u->ir;
    if (u->ir) rc_analyze(u->ir, &u->diag);
    if (!u->ir || u->diag.errors) {
        u->ir = NULL;
        return 1;
    }
    return 0;
}

void rc_unit_free(rc_unit *u) { rc_arena_free(&u->arena); }
