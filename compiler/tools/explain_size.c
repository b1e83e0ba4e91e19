/* explain_size.c - `recovc explain --cc CC`: the policy's code, tables and
 * RAM and the worst-case stack of its entry points, measured by building the
 * generated C and the runtime with CC (the flags of bench/embedded: -Os,
 * freestanding, a section per function) and reading the objects back: the
 * ELF section sizes, and gcc's -fcallgraph-info=su call graph for the stack.
 * spec/cli.md, "explain --cc".
 */
#include "explain.h"
#include "diag.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "emit_c.h"
#include "harness.h"

/* ---- ELF section sizes ------------------------------------------------------------ */

typedef struct sizes {
    unsigned long code, tables, data, bss;
} sizes;

static uint64_t rd(const unsigned char *p, int n, bool be)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= (uint64_t)p[be ? n - 1 - i : i] << (8 * i);
    return v;
}

/* Adds the allocated sections of the ELF object at path to *s: executable
 * ones are code, writable ones data (bss when they take no file space), the
 * others tables.  False when the file is not an ELF object. */
static bool elf_sizes(const char *path, sizes *s)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, n;
    unsigned char tmp[8192];
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (len + n > cap) {
            cap = 2 * (len + n);
            buf = rc_xrealloc(buf, cap);
        }
        memcpy(buf + len, tmp, n);
        len += n;
    }
    fclose(f);
    bool ok = len >= 52 && buf && memcmp(buf, "\x7f" "ELF", 4) == 0;
    if (ok) {
        bool e64 = buf[4] == 2, be = buf[5] == 2;
        uint64_t shoff = e64 ? rd(buf + 40, 8, be) : rd(buf + 32, 4, be);
        uint64_t shentsize = rd(buf + (e64 ? 58 : 46), 2, be), shnum = rd(buf + (e64 ? 60 : 48), 2, be);
        if (shoff > len || shentsize == 0 || shnum > (len - shoff) / shentsize) ok = false;
        for (uint64_t i = 0; ok && i < shnum; i++) {
            const unsigned char *sh = buf + shoff + i * shentsize;
            uint64_t type = rd(sh + 4, 4, be);
            uint64_t flags = e64 ? rd(sh + 8, 8, be) : rd(sh + 8, 4, be);
            uint64_t size = e64 ? rd(sh + 32, 8, be) : rd(sh + 20, 4, be);
            if (!(flags & 0x2)) continue;           /* SHF_ALLOC */
            if (type == 8) s->bss += size;          /* SHT_NOBITS */
            else if (flags & 0x4) s->code += size;  /* SHF_EXECINSTR */
            else if (flags & 0x1) s->data += size;  /* SHF_WRITE */
            else s->tables += size;
        }
    }
    free(buf);
    return ok;
}

/* ---- the call graph of -fcallgraph-info=su (VCG) ------------------------------------ */

typedef struct fnode {
    char *title;     /* "file.c:name" for a static function, "name" for an external one */
    long frame;      /* -1: not defined in any object read */
    bool dynamic;    /* a frame of dynamic size (VLA, alloca) */
    long worst;
    int *calls, ncalls;
} fnode;

typedef struct graph {
    fnode *v;
    int n, cap;
} graph;

static int node(graph *g, const char *title, size_t len)
{
    for (int i = 0; i < g->n; i++)
        if (strlen(g->v[i].title) == len && memcmp(g->v[i].title, title, len) == 0) return i;
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        g->v = rc_xrealloc(g->v, (size_t)g->cap * sizeof *g->v);
    }
    fnode *f = &g->v[g->n];
    memset(f, 0, sizeof *f);
    f->title = rc_xrealloc(NULL, len + 1);
    memcpy(f->title, title, len);
    f->title[len] = '\0';
    f->frame = -1;
    return g->n++;
}

/* The quoted value after `key: "` in line, its length in *len; NULL if none. */
static const char *field(const char *line, const char *key, size_t *len)
{
    const char *p = strstr(line, key);
    if (!p) return NULL;
    p += strlen(key);
    const char *e = strchr(p, '"');
    if (!e) return NULL;
    *len = (size_t)(e - p);
    return p;
}

static bool read_ci(graph *g, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        size_t tl, ll, sl;
        if (strncmp(line, "node:", 5) == 0) {
            const char *t = field(line, "title: \"", &tl), *l = field(line, "label: \"", &ll);
            if (!t || !l) continue;
            int i = node(g, t, tl);
            /* label: "name\nfile:line:col\nN bytes (static|dynamic|dynamic,bounded)" */
            const char *b = strstr(l, " bytes (");
            if (b && b < l + ll) {
                const char *d = b;
                while (d > l && d[-1] >= '0' && d[-1] <= '9') d--;
                g->v[i].frame = strtol(d, NULL, 10);
                g->v[i].dynamic = strncmp(b + 8, "static", 6) != 0;
            }
        } else if (strncmp(line, "edge:", 5) == 0) {
            const char *s = field(line, "sourcename: \"", &sl), *t = field(line, "targetname: \"", &tl);
            if (!s || !t) continue;
            int a = node(g, s, sl), b = node(g, t, tl);
            fnode *x = &g->v[a];
            x->calls = rc_xrealloc(x->calls, (size_t)(x->ncalls + 1) * sizeof *x->calls);
            x->calls[x->ncalls++] = b;
        }
    }
    fclose(f);
    return true;
}

/* worst = frame + the deepest callee, by relaxation (no recursion here
 * either); false when it does not settle: a cycle (recursion). */
static bool settle(graph *g)
{
    for (int i = 0; i < g->n; i++) g->v[i].worst = g->v[i].frame > 0 ? g->v[i].frame : 0;
    for (int round = 0; round <= g->n; round++) {
        bool changed = false;
        for (int i = 0; i < g->n; i++) {
            fnode *x = &g->v[i];
            long deep = 0;
            for (int j = 0; j < x->ncalls; j++)
                if (g->v[x->calls[j]].worst > deep) deep = g->v[x->calls[j]].worst;
            long w = (x->frame > 0 ? x->frame : 0) + deep;
            if (w != x->worst) { x->worst = w; changed = true; }
        }
        if (!changed) return true;
    }
    return false;
}

static void free_graph(graph *g)
{
    for (int i = 0; i < g->n; i++) {
        free(g->v[i].title);
        free(g->v[i].calls);
    }
    free(g->v);
}

/* ---- building ------------------------------------------------------------------------ */

/* CC split at blanks, bench/embedded's flags, the include paths, -c src -o obj. */
static int compile(rc_arena *a, const rc_explain_cc *o, const char *rt, const char *dir, const char *src,
                   const char *obj, bool callgraph, const char *log)
{
    int cap = 40 + o->nincludes;
    char **v = RC_NEW_ARRAY(a, char *, cap);
    int n = 0;
    char *ccs = rc_arena_strdup(a, o->cc);
    for (char *tok = strtok(ccs, " \t"); tok && n < 16; tok = strtok(NULL, " \t")) v[n++] = tok;
    static const char *const flags[] = { "-std=c99", "-Os", "-ffreestanding", "-fno-builtin", "-ffunction-sections",
                                         "-fdata-sections" };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) v[n++] = (char *)flags[i];
    if (callgraph) v[n++] = "-fcallgraph-info=su";
    v[n++] = rc_arena_printf(a, "-I%s/include", rt);
    v[n++] = rc_arena_printf(a, "-I%s", dir);
    for (int i = 0; i < o->nincludes; i++) v[n++] = rc_arena_printf(a, "-I%s", o->includes[i]);
    v[n++] = "-c";
    v[n++] = (char *)src;
    v[n++] = "-o";
    v[n++] = (char *)obj;
    v[n] = NULL;
    return rc_harness_exec(v, log, NULL);
}

static void copy_log(const char *log, FILE *err)
{
    FILE *f = fopen(log, "r");
    if (!f) return;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, err);
    fclose(f);
}

static void print_sizes(FILE *out, const char *what, const sizes *s)
{
    fprintf(out, "  %-8s code %lu B, tables %lu B, data %lu B, bss %lu B\n", what, s->code, s->tables, s->data, s->bss);
}

/* Builds every object, with the call graph when CC has -fcallgraph-info
 * (gcc 10 and later); *callgraph says whether it did.  0, or 2 after
 * reporting. */
static int build_all(rc_arena *a, const rc_explain_cc *o, const char *rt, const char *dir, char **srcs, char **objs,
                     int nsrc, bool *callgraph, FILE *err)
{
    char *log = rc_arena_printf(a, "%s/rc_log.txt", dir);
    *callgraph = compile(a, o, rt, dir, srcs[0], objs[0], true, log) == 0;
    for (int i = 0; i < nsrc; i++) {
        if (i == 0 && *callgraph) continue;
        int st = compile(a, o, rt, dir, srcs[i], objs[i], *callgraph, log);
        if (st != 0) {
            rc_diag_say(err, o->color, RC_DIAG_ERROR, "%s did not build '%s' (status %d):", o->cc, srcs[i], st);
            copy_log(log, err);
            return 2;
        }
    }
    return 0;
}

int rc_explain_size(const rc_ir *ir, const rc_explain_cc *o, FILE *out, FILE *err)
{
    rc_arena a;
    rc_arena_init(&a);
    int rc = 0;
    const char *rt = rc_harness_runtime_dir(&a, o->runtime_dir);
    char **rts = NULL;
    int nrts = rt ? rc_harness_runtime_sources(&a, rt, &rts) : -1;
    const char *tmp = getenv("TMPDIR");
    char *dir = rc_arena_printf(&a, "%s/recov-explain-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!rt || nrts < 0) {
        rc_diag_say(err, o->color, RC_DIAG_ERROR, "no runtime sources (use --runtime DIR or RECOV_RUNTIME)");
        rc_arena_free(&a);
        return 2;
    }
    if (!mkdtemp(dir)) {
        rc_diag_say(err, o->color, RC_DIAG_ERROR, "cannot create a temporary directory: %s", strerror(errno));
        rc_arena_free(&a);
        return 2;
    }
    const char *P = ir->name;
    char *hname = rc_arena_printf(&a, "%s.h", P);
    char **srcs = RC_NEW_ARRAY(&a, char *, nrts + 1), **objs = RC_NEW_ARRAY(&a, char *, nrts + 1);
    srcs[0] = rc_arena_printf(&a, "%s/%s.c", dir, P);
    objs[0] = rc_arena_printf(&a, "%s/%s.o", dir, P);
    for (int i = 0; i < nrts; i++) {
        srcs[i + 1] = rts[i];
        objs[i + 1] = rc_arena_printf(&a, "%s/rt%d.o", dir, i);
    }
    FILE *h = fopen(rc_arena_printf(&a, "%s/%s", dir, hname), "w"), *c = fopen(srcs[0], "w");
    char why[256] = "";
    bool emitted = h && c && rc_emit_c_why(ir, hname, h, c, why, sizeof why);
    /* both closed, whatever the first says */
    if (h && fclose(h) != 0) emitted = false;
    if (c && fclose(c) != 0) emitted = false;
    bool callgraph = false;
    if (!emitted) {
        rc_diag_say(err, o->color, RC_DIAG_ERROR, "cannot write the generated C in '%s': %s", dir,
                    *why ? why : strerror(errno));
        rc = 2;
    } else {
        rc = build_all(&a, o, rt, dir, srcs, objs, nrts + 1, &callgraph, err);
    }
    sizes ps = { 0, 0, 0, 0 }, rs = { 0, 0, 0, 0 };
    for (int i = 0; rc == 0 && i <= nrts; i++) {
        if (!elf_sizes(objs[i], i ? &rs : &ps)) {
            rc_diag_say(err, o->color, RC_DIAG_ERROR, "'%s' is not an ELF object: explain --cc reads ELF only", objs[i]);
            rc = 2;
        }
    }
    graph g = { NULL, 0, 0 };
    if (rc == 0) {
        fprintf(out, "built with %s -Os (a section per function: a linker keeps only what the host calls):\n", o->cc);
        print_sizes(out, "policy", &ps);
        print_sizes(out, "runtime", &rs);
        for (int i = 0; callgraph && i <= nrts; i++) {
            char *ci = rc_arena_printf(&a, "%.*s.ci", (int)(strlen(objs[i]) - 2), objs[i]);
            if (!read_ci(&g, ci)) callgraph = false;
        }
        if (!callgraph) {
            fprintf(out, "worst-case stack: not measured (%s has no -fcallgraph-info; gcc 10 or later has)\n", o->cc);
        } else if (!settle(&g)) {
            fprintf(out, "worst-case stack: unbounded (the call graph has a cycle)\n");
        } else {
            fprintf(out, "worst-case stack of the entry points (their frames and the deepest chain of calls):\n");
            size_t pl = strlen(P);
            for (int i = 0; i < g.n; i++) {
                const fnode *x = &g.v[i];
                /* an entry point: defined in the policy's object, not static */
                if (x->frame < 0 || strchr(x->title, ':') || strncmp(x->title, P, pl) || x->title[pl] != '_')
                    continue;
                bool open = false;
                for (int j = 0; j < x->ncalls; j++)
                    if (g.v[x->calls[j]].frame < 0) open = true;
                fprintf(out, "  %-32s %ld B%s%s\n", x->title, x->worst, x->dynamic ? " (dynamic frame)" : "",
                        open ? " + calls outside the policy and runtime" : "");
            }
        }
    }
    free_graph(&g);
    if (!o->keep) rc_harness_remove_dir(dir);
    else rc_diag_say(err, o->color, RC_DIAG_NOTE, "kept '%s'", dir);
    rc_arena_free(&a);
    return rc;
}
