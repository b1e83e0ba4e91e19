/* rgen.c - random valid policies and scenarios; see rgen.h. */
#include "rgen.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rg_printf(rg_buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->n;
        int k = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? room : 0, fmt, ap);
        va_end(ap);
        if (k < 0) abort();
        if (b->p && (size_t)k < room) { b->n += (size_t)k; return; }
        size_t nc = b->cap ? b->cap * 2 : 4096;
        while (nc < b->n + (size_t)k + 1) nc *= 2;
        char *np = realloc(b->p, nc);
        if (!np) abort();
        b->p = np;
        b->cap = nc;
    }
}

void rg_free(rg_buf *b) { free(b->p); b->p = NULL; b->n = b->cap = 0; }

uint64_t rg_next(uint64_t *s)
{   /* splitmix64 */
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint32_t rg_below(uint64_t *s, uint32_t n) { return (uint32_t)(rg_next(s) % n); }
#define PICK(s, n) ((int)rg_below((s), (uint32_t)(n)))
#define CHANCE(s, pct) (rg_below((s), 100) < (uint32_t)(pct))

static const char *const TYPES[] = { "u8", "u16", "u32", "i8", "i16", "i32", "bool", "text" };
static const int64_t TMIN[] = { 0, 0, 0, -128, -32768, -2147483647 - 1, 0 };
static const int64_t TMAX[] = { 255, 65535, 4294967295, 127, 32767, 2147483647, 1 };
static const char *const SEV[] = { "low", "medium", "high", "critical" };

/* patterns: (syntax, a text it matches) */
static const char *const LITS[] = { "timeout", "reset", "disk full", "Error", "E42", "x", "no space", "\\xff" };
static const char *const LIT_TEXT[] = { "timeout", "reset", "disk full", "Error", "E42", "x", "no space", "\xff" };
static const char *const RES[][2] = {
    { "/conn(ect|ection)? reset/", "connection reset" },
    { "/^io: (slow|stall)/", "io: stall" },
    { "/[0-9]+ms$/", "took 250ms" },
    { "/a.c/", "abc" },
    { "/(foo|bar)?baz/", "barbaz" },
    { "/\\d{2,3}-\\w+/", "404-not" },
    { "/^$/", "" },
    { "/[^a-z]x*y/", "Qxxy" },
    { "/e(rr)+or/", "errrror" },
    { "/\\xff\\x00?z/", "\xffz" },
};

static int64_t rnd_in(uint64_t *s, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(rg_next(s) % span);
}

static void pool_add(rg_field *f, int64_t v)
{
    if (f->npool < RG_MAXPOOL) f->pool[f->npool++] = v;
}

static void tpool_add(rg_field *f, const char *t)
{
    if (f->ntpool < RG_MAXPOOL) f->tpool[f->ntpool++] = t;
}

static const char *rnd_dur(uint64_t *s, char *buf, size_t n, uint32_t scale, uint32_t *ms)
{
    uint32_t v = 1 + rg_below(s, scale);
    switch (PICK(s, 4)) {
    case 0: snprintf(buf, n, "%ums", v); *ms = v; break;
    case 1: v = 1 + v / 1000; snprintf(buf, n, "%us", v); *ms = v * 1000; break;
    case 2: snprintf(buf, n, "%ums", v * 3); *ms = v * 3; break;
    default: v = v % 5 + 1; snprintf(buf, n, "%ums", v * 100); *ms = v * 100; break;
    }
    return buf;
}

/* One leaf condition over the fault's fields (classify) or also the incident
 * operands (when). */
static void leaf(uint64_t *s, rg_info *in, rg_buf *o, int ne, int ncls, int with_incident)
{
    static const char *const OPS[] = { "==", "!=", "<", "<=", ">", ">=" };
    if (with_incident && CHANCE(s, 50)) {
        char d[32];
        uint32_t ms;
        switch (PICK(s, 4)) {
        case 0: rg_printf(o, "attempt %s %d", OPS[PICK(s, 6)], PICK(s, 5)); return;
        case 1: rg_printf(o, "elapsed %s %s", OPS[PICK(s, 6)], rnd_dur(s, d, sizeof d, in->tscale, &ms)); return;
        case 2: rg_printf(o, "severity %s %s", OPS[PICK(s, 6)], SEV[PICK(s, 4)]); return;
        default: rg_printf(o, "class %s c%d", CHANCE(s, 50) ? "==" : "!=", PICK(s, ncls)); return;
        }
    }
    (void)ne;
    rg_field *f = &in->f[PICK(s, in->nf)];
    if (f->type == 7) {
        rg_printf(o, "%s %s ", f->name, CHANCE(s, 30) ? "~i" : "~");
        int n = 1 + (CHANCE(s, 30) ? PICK(s, 3) : 0);
        for (int i = 0; i < n; i++) {
            if (i) rg_printf(o, " | ");
            if (CHANCE(s, 50)) {
                int k = PICK(s, sizeof LITS / sizeof *LITS);
                rg_printf(o, "\"%s\"", LITS[k]);
                tpool_add(f, LIT_TEXT[k]);
            } else {
                int k = PICK(s, sizeof RES / sizeof *RES);
                rg_printf(o, "%s", RES[k][0]);
                tpool_add(f, RES[k][1]);
            }
        }
        return;
    }
    if (f->type == 6) {
        switch (PICK(s, 3)) {
        case 0: rg_printf(o, "%s", f->name); break;
        case 1: rg_printf(o, "%s == %s", f->name, CHANCE(s, 50) ? "true" : "false"); break;
        default: rg_printf(o, "%s != %d", f->name, PICK(s, 2)); break;
        }
        return;
    }
    int64_t lo = TMIN[f->type], hi = TMAX[f->type];
    int64_t v = CHANCE(s, 70) ? rnd_in(s, lo < -50 ? -50 : lo, hi > 600 ? 600 : hi) : rnd_in(s, lo, hi);
    if (CHANCE(s, 10)) v = CHANCE(s, 50) ? lo : hi;
    pool_add(f, v);
    if (CHANCE(s, 25)) {
        int64_t w = v + rnd_in(s, 0, 100);
        if (w > hi) w = hi;
        pool_add(f, w);
        rg_printf(o, "%s in %lld..%lld", f->name, (long long)v, (long long)w);
    } else if (CHANCE(s, 15)) {
        rg_printf(o, "%lld %s %s", (long long)v, OPS[PICK(s, 6)], f->name);  /* constant first */
    } else {
        rg_printf(o, "%s %s %lld", f->name, OPS[PICK(s, 6)], (long long)v);
    }
}

/* A condition as a bounded random tree (iterative: a flat list of leaves
 * joined by && / || with random ! and parentheses). */
static void cond(uint64_t *s, rg_info *in, rg_buf *o, int ne, int ncls, int with_incident)
{
    int n = 1 + (CHANCE(s, 40) ? PICK(s, 4) : 0);
    int open = 0;
    for (int i = 0; i < n; i++) {
        if (i) rg_printf(o, CHANCE(s, 50) ? " && " : " || ");
        if (CHANCE(s, 15)) rg_printf(o, "!");
        if (i < n - 1 && CHANCE(s, 25)) { rg_printf(o, "("); open++; }
        if (CHANCE(s, 10)) { rg_printf(o, "!("); leaf(s, in, o, ne, ncls, with_incident); rg_printf(o, ")"); }
        else leaf(s, in, o, ne, ncls, with_incident);
    }
    while (open--) rg_printf(o, ")");
}

static void scale_factor(uint64_t *s, rg_buf *o)
{
    static const char *const F[] = { "x2", "x1.5", "x0.5", "x3", "x1.25", "x0.001", "x10" };
    rg_printf(o, "%s", F[PICK(s, sizeof F / sizeof *F)]);
}

/* A number of a setting: sometimes a new `param` (declared into pd) whose
 * range holds lo..hi, else a literal in lo..hi.  dur: a duration (ms). */
static void num(uint64_t *s, rg_info *in, rg_buf *o, rg_buf *pd, int use, int dur, int64_t lo, int64_t hi)
{
    int64_t v = rnd_in(s, lo, hi);
    if (!use || in->np == RG_MAXP || !CHANCE(s, 50)) {
        rg_printf(o, dur ? "%" PRId64 "ms" : "%" PRId64, v);
        return;
    }
    int k = in->np++;
    int64_t plo = rnd_in(s, lo, v), phi = rnd_in(s, v, hi);
    snprintf(in->pname[k], sizeof in->pname[k], "p%d", k);
    in->pdur[k] = dur;
    in->plo[k] = plo;
    in->phi[k] = phi;
    if (dur) rg_printf(pd, "param p%d : duration in %" PRId64 "ms..%" PRId64 "ms = %" PRId64 "ms;\n", k, plo, phi, v);
    else rg_printf(pd, "param p%d : u16 in %" PRId64 "..%" PRId64 " = %" PRId64 ";\n", k, plo, phi, v);
    rg_printf(o, "p%d", k);
}

/* A handler's condition (` when ...`): no fault fields, error names stand
 * alone (spec/language.md, *Handler conditions*). */
static void step_cond(uint64_t *s, rg_buf *o, int ne, int ncls)
{
    static const char *const OPS[] = { "==", "!=", "<", "<=", ">", ">=" };
    rg_printf(o, " when ");
    switch (PICK(s, 6)) {
    case 0: rg_printf(o, "attempt %s %d", OPS[PICK(s, 6)], PICK(s, 5)); break;
    case 1: rg_printf(o, "e%d", PICK(s, ne)); break;
    case 2: rg_printf(o, "!e%d && attempt > %d", PICK(s, ne), PICK(s, 3)); break;
    case 3: rg_printf(o, "severity %s %s", OPS[PICK(s, 6)], SEV[PICK(s, 4)]); break;
    case 4: rg_printf(o, "class == c%d || e%d", PICK(s, ncls), PICK(s, ne)); break;
    default: rg_printf(o, "elapsed %s %dms", OPS[PICK(s, 6)], PICK(s, 5000)); break;
    }
}

void rg_policy(uint64_t *s, const char *name, rg_buf *o, rg_info *in)
{
    rg_buf pd = { 0 };
    rg_printf(&pd, "%s", "");
    int use = CHANCE(s, 40);   /* this policy has parameters */
    memset(in, 0, sizeof *in);
    static const uint32_t SCALES[] = { 50, 1000, 5000, 60000 };
    in->tscale = SCALES[PICK(s, 4)];
    char d[32], d2[32];
    uint32_t ms, ms2;
    rg_printf(o, "policy %s version %u;\n\n", name, rg_below(s, 1000));

    in->nf = 1 + PICK(s, RG_MAXF);
    int has_text = 0, int_field = -1;
    rg_printf(o, "fault {");
    for (int i = 0; i < in->nf; i++) {
        rg_field *f = &in->f[i];
        f->type = PICK(s, 8);
        if (f->type == 7) has_text = 1;
        if (f->type <= 2 && int_field < 0) int_field = i;
        f->name[0] = 'f';
        f->name[1] = (char)('0' + i);
        f->name[2] = 0;
        rg_printf(o, " %s : %s;", f->name, TYPES[f->type]);
    }
    rg_printf(o, " }\n");
    (void)has_text;

    if (CHANCE(s, 30)) rg_printf(o, "const K%d = %d;\nconst L%d = K%d;\n", 0, PICK(s, 100), 0, 0);

    int ncls = 1 + PICK(s, 3);
    for (int i = 0; i < ncls; i++) rg_printf(o, "class c%d%s;\n", i, CHANCE(s, 70) ? " retryable" : "");
    int ne = 1 + PICK(s, 8);
    for (int i = 0; i < ne; i++) {
        rg_printf(o, "error e%d : c%d, %s", i, PICK(s, ncls), SEV[PICK(s, 4)]);
        if (CHANCE(s, 30)) {
            rg_printf(o, " { message \"m%d \\\"q\\\" \\x41\";", i);
            if (CHANCE(s, 50)) rg_printf(o, " hint \"h\\t%d\";", i);
            if (CHANCE(s, 50)) rg_printf(o, " steps \"s1\", \"s2\\n\";");
            rg_printf(o, " }\n");
        } else {
            rg_printf(o, ";\n");
        }
    }

    rg_printf(o, "classify {\n");
    /* a bool field that flags attempts stopped at their limit (`timeout D
     * flag F`): a classify rule must read it */
    int flag_field = -1;
    for (int i = 0; i < in->nf && flag_field < 0; i++)
        if (in->f[i].type == 6 && CHANCE(s, 50)) flag_field = i;
    if (flag_field >= 0) rg_printf(o, "    f%d => e%d;\n", flag_field, PICK(s, ne));
    int nr = PICK(s, 7);
    for (int i = 0; i < nr; i++) {
        rg_printf(o, "    ");
        cond(s, in, o, ne, ncls, 0);
        rg_printf(o, " => e%d;\n", PICK(s, ne));
    }
    rg_printf(o, "    _ => e%d;\n}\n", PICK(s, ne));

    int nretry = 1 + PICK(s, 3);
    for (int i = 0; i < nretry; i++) {
        rg_printf(o, "retry r%d { attempts ", i);
        if (CHANCE(s, 4)) rg_printf(o, "0");    /* never retries (-Wno-retry) */
        else num(s, in, o, &pd, use, 0, 1, CHANCE(s, 90) ? 4 : 70);
        rg_printf(o, "; ");
        rnd_dur(s, d, sizeof d, in->tscale, &ms);
        uint32_t base = ms;
        int had_max = 0;
        switch (PICK(s, 3)) {
        case 0: rg_printf(o, "backoff constant base %s; ", d); break;
        case 1: rg_printf(o, "backoff linear base %s; ", d); break;
        default:
            rg_printf(o, "backoff exponential base %s", d);
            if (CHANCE(s, 60)) {
                static const char *const FAC[] = { "1", "1.5", "2", "3", "1.001", "10" };
                rg_printf(o, " factor %s", FAC[PICK(s, 6)]);
            }
            if (CHANCE(s, 40)) { rg_printf(o, " max %ums", base + rg_below(s, in->tscale * 4 + 1)); had_max = 1; }
            rg_printf(o, "; ");
        }
        int jit = PICK(s, 5);
        switch (jit) {
        case 0: if (CHANCE(s, 50)) rg_printf(o, "jitter none; "); break;
        case 1: rg_printf(o, "jitter %d%%; ", 1 + PICK(s, 100)); break;
        case 2: rg_printf(o, "jitter full; "); break;
        case 3: rg_printf(o, "jitter equal; "); break;
        default: rg_printf(o, "jitter decorrelated; "); break;
        }
        if (!had_max && (jit == 4 || CHANCE(s, 25))) {
            /* now and then below the base: every delay before jitter is max (-Wmax-below-base) */
            if (CHANCE(s, 10)) rg_printf(o, "max %ums; ", rg_below(s, base + 1));
            else rg_printf(o, "max %ums; ", base + rg_below(s, in->tscale * 3 + 1));
        }
        if (CHANCE(s, 30)) {
            rg_printf(o, "scale e%d ", PICK(s, ne));
            scale_factor(s, o);
            rg_printf(o, "; ");
        }
        if (CHANCE(s, 30)) {
            rg_printf(o, "scale severity %s ", SEV[PICK(s, 4)]);
            scale_factor(s, o);
            rg_printf(o, "; ");
        }
        if (int_field >= 0 && CHANCE(s, 30)) rg_printf(o, "honor f%d; ", int_field);
        if (CHANCE(s, 30)) {   /* an attempt timeout: limit_ms of its RETRY decisions */
            rg_printf(o, "timeout ");
            num(s, in, o, &pd, use, 1, 1, in->tscale * 4);
            if (flag_field >= 0 && CHANCE(s, 50)) rg_printf(o, " flag f%d", flag_field);
            rg_printf(o, "; ");
        }
        rg_printf(o, "}\n");
    }

    int nbr = CHANCE(s, 50) ? 1 + PICK(s, 2) : 0;
    in->nbr = nbr;
    for (int i = 0; i < nbr; i++) {
        /* one instance per target (spec "Instances"): the fallback steps
         * below pass over alternatives whose instance would reject */
        int pa = CHANCE(s, 35);
        if (pa) in->admit_in = 1;
        rg_printf(o, "breaker b%d %s{ ", i, pa ? "per alternative " : "");
        if (CHANCE(s, 50)) {
            /* consecutive or net (failures minus successes) counting; the
             * threshold may be a parameter in either mode */
            int net = CHANCE(s, 50);
            rg_printf(o, "open after ");
            num(s, in, o, &pd, use, 0, 1, 5);
            rg_printf(o, net ? " failures minus successes; " : " consecutive failures; ");
        } else if (CHANCE(s, 35)) {
            /* a time window (issue 16 part 4; per alternative: one per target): K buckets of W ms, the rate
             * and min maybe parameters, maybe slow calls */
            static const int KS[] = { 1, 2, 3, 5, 10, 64 };
            int k = KS[PICK(s, 6)];
            uint32_t w = 1u + rg_below(s, (uint32_t)in->tscale / 2u + 1u);
            rg_printf(o, "open at ");
            if (CHANCE(s, 20)) rg_printf(o, "%d.%d%%", 1 + PICK(s, 99), PICK(s, 10));
            else rg_printf(o, "%d%%", 1 + PICK(s, 100));
            rg_printf(o, " of calls in %ums", (unsigned)k * w);
            if (k != 10 || CHANCE(s, 30)) rg_printf(o, " buckets %d", k);
            if (CHANCE(s, 70)) {
                rg_printf(o, " min ");
                num(s, in, o, &pd, use, 0, 1, 8);
            }
            rg_printf(o, "; ");
            if (CHANCE(s, 40)) {
                rg_printf(o, "slow above %ums; ", 1u + rg_below(s, (uint32_t)in->tscale + 1u));
                if (CHANCE(s, 30)) rg_printf(o, "open at %d.%d%% slow; ", 1 + PICK(s, 99), PICK(s, 10));
                else rg_printf(o, "open at %d%% slow; ", 1 + PICK(s, 100));
            }
        } else {
            int w = 1 + PICK(s, CHANCE(s, 80) ? 8 : 32);
            /* a ring of more than 32 calls (never per alternative): just
             * above one word, where the oldest calls leave in a scenario,
             * or up to the largest, with a small min so that it can open */
            int ring = !pa && CHANCE(s, 20);
            if (ring) w = CHANCE(s, 60) ? 33 + PICK(s, 8) : 33 + PICK(s, 968);
            if (CHANCE(s, 20)) rg_printf(o, "open at %d.%d%% of last %d calls", 1 + PICK(s, 99), PICK(s, 10), w);
            else rg_printf(o, "open at %d%% of last %d calls", 1 + PICK(s, 100), w);
            if (ring && CHANCE(s, 70)) rg_printf(o, " min %d", 1 + PICK(s, 8));
            else if (CHANCE(s, 50)) rg_printf(o, " min %d", 1 + PICK(s, w));
            rg_printf(o, "; ");
        }
        if (use && CHANCE(s, 50)) {
            rg_printf(o, "open for ");
            num(s, in, o, &pd, use, 1, 1, in->tscale * 2);
            rg_printf(o, "; ");
        } else {
            rg_printf(o, "open for %s", rnd_dur(s, d, sizeof d, in->tscale * 2, &ms));
            if (CHANCE(s, 30)) {    /* the open period grows per reopen */
                static const char *const OF[] = { "x2", "x1.5", "x3", "x1" };
                rg_printf(o, " then %s", OF[PICK(s, 4)]);
                if (CHANCE(s, 60)) rg_printf(o, " max %ums", ms + rg_below(s, in->tscale * 8 + 1));
            }
            rg_printf(o, "; ");
        }
        if (CHANCE(s, 30)) rg_printf(o, "half_open timeout %ums; ", 1 + rg_below(s, in->tscale * 2));
        int probes = 1 + PICK(s, 3);
        if (CHANCE(s, 60)) rg_printf(o, "half_open probes %d; ", probes);
        else probes = 1;
        if (CHANCE(s, 30)) rg_printf(o, "close below %d.%d%%; ", 1 + PICK(s, 99), PICK(s, 10));
        else if (CHANCE(s, 50)) rg_printf(o, "close after %d successes; ", 1 + PICK(s, probes));
        if (CHANCE(s, 50)) {
            rg_printf(o, "count ");
            int k = 1 + PICK(s, 2);
            for (int j = 0; j < k; j++) {
                if (CHANCE(s, 50)) rg_printf(o, "%se%d", j ? ", " : "", PICK(s, ne));
                else rg_printf(o, "%sc%d", j ? ", " : "", PICK(s, ncls));
            }
            rg_printf(o, "; ");
        }
        /* a retry toward it while open waits for it (issue 15) */
        if (CHANCE(s, 25)) rg_printf(o, "retries wait; ");
        rg_printf(o, "}\n");
    }
    if (CHANCE(s, 40)) {
        rg_printf(o, "budget g0 { ratio %d%% min ", PICK(s, 101));
        num(s, in, o, &pd, use, 0, 0, 3);
        rg_printf(o, " per %s; }\n", rnd_dur(s, d, sizeof d, in->tscale * 4, &ms));
    }

    int has_esc = CHANCE(s, 60);
    if (has_esc) {
        rg_printf(o, "escalation {\n");
        for (int l = 0; l < 4; l++) {
            rg_printf(o, "    %s => ch%d", SEV[l], PICK(s, 3));
            if (CHANCE(s, 60)) rg_printf(o, " within %s", rnd_dur(s, d, sizeof d, 100000, &ms));
            rg_printf(o, ";\n");
        }
        if (CHANCE(s, 50)) {
            int a = PICK(s, 3);
            rg_printf(o, "    unresolved %s after %d => %s;\n", SEV[a], 1 + PICK(s, 3), SEV[a + 1 + PICK(s, 3 - a)]);
        }
        rg_printf(o, "}\n");
    }
    if (CHANCE(s, 30)) {
        if (use && CHANCE(s, 50)) {
            rg_printf(o, "deadline ");
            num(s, in, o, &pd, use, 1, 1, in->tscale * 3);
            rg_printf(o, ";\n");
        } else {
            rg_printf(o, "deadline %s;\n", rnd_dur(s, d, sizeof d, in->tscale * 3, &ms));
        }
    }

    int nblocks = PICK(s, 5), any_adaptive = 0;
    for (int b = 0; b <= nblocks; b++) {
        int last = b == nblocks;
        rg_printf(o, "on ");
        if (last) {
            rg_printf(o, "_");
        } else {
            int k = 1 + PICK(s, 3);
            for (int j = 0; j < k; j++) {
                int w = PICK(s, 10);
                if (w < 6) rg_printf(o, "%se%d", j ? ", " : "", PICK(s, ne));
                else if (w < 9) rg_printf(o, "%sclass c%d", j ? ", " : "", PICK(s, ncls));
                else rg_printf(o, "%s_", j ? ", " : "");
            }
            if (use && CHANCE(s, 20)) {
                static const char *const OPS[] = { "==", "!=", "<", "<=", ">", ">=" };
                rg_printf(o, " when attempt %s ", OPS[PICK(s, 6)]);
                num(s, in, o, &pd, use, 0, 0, 6);
            } else if (CHANCE(s, 40)) {
                rg_printf(o, " when ");
                cond(s, in, o, ne, ncls, 1);
            }
        }
        rg_printf(o, " {");
        if (CHANCE(s, 20)) rg_printf(o, " deadline %s;", rnd_dur(s, d, sizeof d, in->tscale * 3, &ms));
        int nsteps = PICK(s, 5), term = 0;
        for (int i = 0; i < nsteps; i++) {
            switch (PICK(s, 5)) {
            case 0: case 1: rg_printf(o, " retry r%d;", PICK(s, nretry)); break;
            case 2: {
                int ad = CHANCE(s, 40);
                any_adaptive |= ad;
                rg_printf(o, " fallback %s", ad ? "adaptive " : "");
                int k = 1 + PICK(s, 3);
                for (int j = 0; j < k; j++) rg_printf(o, "%sa%d", j ? ", " : "", PICK(s, 4));
                rg_printf(o, ";");
                break;
            }
            case 3:
                rg_printf(o, " adjust j%d", PICK(s, 3));
                if (CHANCE(s, 50)) rg_printf(o, " delay %s", rnd_dur(s, d2, sizeof d2, in->tscale, &ms2));
                rg_printf(o, ";");
                break;
            default:
                if (CHANCE(s, 40)) {   /* run [adaptive] H1, H2...: learned like alternatives */
                    int ad = CHANCE(s, 60), k = 1 + PICK(s, 3), first = PICK(s, 4);
                    any_adaptive |= ad;
                    rg_printf(o, " run %s", ad ? "adaptive " : "");
                    for (int j = 0; j < k; j++) {
                        rg_printf(o, "%sh%d", j ? ", " : "", (first + j) % 4);
                        if (CHANCE(s, 25)) step_cond(s, o, ne, ncls);
                    }
                } else {
                    rg_printf(o, " run h%d", PICK(s, 3));
                    if (CHANCE(s, 25)) step_cond(s, o, ne, ncls);
                }
                if (CHANCE(s, 50)) rg_printf(o, " timeout %s", rnd_dur(s, d2, sizeof d2, in->tscale, &ms2));
                if (CHANCE(s, 40)) rg_printf(o, " then next%s", CHANCE(s, 40) ? " if ok" : "");
                rg_printf(o, ";");
                break;
            }
        }
        switch (PICK(s, 5)) {
        case 0: rg_printf(o, " degrade m%d;", PICK(s, 3)); term = 1; break;
        case 1: rg_printf(o, " abort;"); term = 1; break;
        case 2: if (has_esc) { rg_printf(o, " escalate;"); term = 1; } break;
        case 3: if (has_esc) { rg_printf(o, " escalate %s;", SEV[PICK(s, 4)]); term = 1; } break;
        default: break;   /* runs off the end: ABORT */
        }
        if (!nsteps && !term) rg_printf(o, " abort;");
        rg_printf(o, " }\n");
    }
    rg_printf(o, "%s", pd.p);
    rg_free(&pd);
    /* ageing of learned counts: short periods and few incidents, so that
     * scenarios halve often (at most once per form) */
    if (any_adaptive && CHANCE(s, 60)) {
        if (CHANCE(s, 60)) rg_printf(o, "adaptive ageing %d incidents;\n", 1 + PICK(s, 3));
        if (CHANCE(s, 60)) rg_printf(o, "adaptive ageing %s;\n", rnd_dur(s, d, sizeof d, in->tscale * 2, &ms));
    }
    /* statistics: the counters are compared after each scenario (diff.c) */
    if (CHANCE(s, 35)) rg_printf(o, "stats;\n");
    /* admission limits: small buckets and few slots, so that scenarios run
     * them dry (RATE_LIMITED, FULL, raised retry delays) */
    if (CHANCE(s, 30)) {
        rg_printf(o, "limit rate %d per %ums burst %d;\n", 1 + PICK(s, 3), 1 + rg_below(s, in->tscale * 2 + 1),
                  1 + PICK(s, 3));
        in->admit_in = 1;
    }
    if (CHANCE(s, 30)) {
        rg_printf(o, "limit concurrent %d;\n", 1 + PICK(s, 3));
        in->admit_in = 1;
    }
}

void rg_scenario_begin(uint64_t *s, const rg_info *info, rg_scenario *sc, int nev)
{
    (void)info;
    memset(sc, 0, sizeof *sc);
    switch (PICK(s, 4)) {
    case 0: sc->t0 = 0; break;
    case 1: sc->t0 = 4294967295u - rg_below(s, 20000); break;      /* wraps during the scenario */
    case 2: sc->t0 = 2147483647u - rg_below(s, 20000); break;
    default: sc->t0 = (uint32_t)rg_next(s); break;
    }
    sc->seed = CHANCE(s, 20) ? 0 : (uint32_t)rg_next(s);
    sc->ev = calloc((size_t)nev, sizeof *sc->ev);
    if (!sc->ev) abort();
    sc->nev = 0;
}

static char *text_draw(uint64_t *s, const rg_field *f, size_t *len)
{
    rg_buf b = { 0 };
    rg_printf(&b, "%s", "");
    int n = PICK(s, 4);
    for (int i = 0; i < n; i++) {
        if (f->ntpool && CHANCE(s, 70)) {
            const char *t = f->tpool[PICK(s, f->ntpool)];
            if (CHANCE(s, 20)) {   /* flip case */
                for (const char *p = t; *p; p++) {
                    char c = *p;
                    if (c >= 'a' && c <= 'z') c = (char)(c - 32);
                    else if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
                    rg_printf(&b, "%c", c);
                }
            } else {
                rg_printf(&b, "%s", t);
            }
        } else {
            int k = PICK(s, 6);
            for (int j = 0; j < k; j++) {
                char c = (char)(CHANCE(s, 10) ? 1 + PICK(s, 255) : "ab xz09-:\n"[PICK(s, 10)]);
                rg_printf(&b, "%c", c);
            }
        }
    }
    *len = b.n;
    return b.p;
}

void rg_event_draw(uint64_t *s, const rg_info *info, rg_event *prev, rg_event *ev, int prev_run)
{
    memset(ev, 0, sizeof *ev);
    uint32_t t = prev ? prev->t : 0;
    switch (PICK(s, 8)) {
    case 0: break;
    case 1: case 2: case 3: t += rg_below(s, info->tscale + 1); break;
    case 4: t += rg_below(s, info->tscale * 4 + 1); break;
    case 5: t += rg_below(s, 10); break;
    case 6: t += rg_below(s, 200000); break;
    default: t += 1; break;
    }
    ev->t = t;
    int w = PICK(s, 100);
    /* half the events belong to the default incident, the rest to two others */
    ev->inc = CHANCE(s, 50) ? 0 : 1 + (int)PICK(s, RG_NINC - 1);
    if (prev_run && w < 70) { ev->kind = RG_EV_HANDLER; ev->ok = CHANCE(s, 50); if (prev) ev->inc = prev->inc; return; }
    if (info->np && CHANCE(s, 8)) {   /* new parameter values, now and then one out of its range */
        ev->kind = RG_EV_PARAMS;
        ev->inc = 0;   /* the shared part's */
        for (int k = 0; k < info->np; k++) {
            int64_t lo = info->plo[k] > 0 ? info->plo[k] - 1 : 0;
            ev->p[k] = CHANCE(s, 90) ? rnd_in(s, info->plo[k], info->phi[k]) : rnd_in(s, lo, info->phi[k] + 1);
        }
        return;
    }
    if (info->nbr && CHANCE(s, 3)) {   /* manual control of the dependency's breakers */
        ev->kind = RG_EV_FORCE;
        ev->inc = 0;
        ev->ok = (int)PICK(s, 4);
        return;
    }
    if (w < 60) ev->kind = RG_EV_FAIL;
    else if (w < 75) ev->kind = RG_EV_OK;
    else if (w < 90) ev->kind = info->admit_in && w >= 85 ? RG_EV_ADMIT_IN : RG_EV_ADMIT;
    else if (w < 95) ev->kind = RG_EV_CANCEL;
    else { ev->kind = RG_EV_HANDLER; ev->ok = CHANCE(s, 50); }
    if (ev->kind != RG_EV_FAIL) return;
    for (int i = 0; i < info->nf; i++) {
        const rg_field *f = &info->f[i];
        if (f->type == 7) {
            if (CHANCE(s, 10)) continue;   /* NULL text */
            ev->text[i] = text_draw(s, f, &ev->len[i]);
        } else if (f->type == 6) {
            ev->i[i] = PICK(s, 2);
        } else if (f->npool && CHANCE(s, 75)) {
            int64_t v = f->pool[PICK(s, f->npool)] + (CHANCE(s, 30) ? PICK(s, 3) - 1 : 0);
            if (v < TMIN[f->type]) v = TMIN[f->type];
            if (v > TMAX[f->type]) v = TMAX[f->type];
            ev->i[i] = v;
        } else {
            ev->i[i] = CHANCE(s, 50) ? rnd_in(s, TMIN[f->type], TMAX[f->type]) : (f->type <= 2 ? PICK(s, 3000) : PICK(s, 20) - 10);
        }
    }
}

void rg_scenario_free(rg_scenario *sc)
{
    for (int e = 0; e < sc->nev; e++)
        for (int i = 0; i < RG_MAXF; i++) free(sc->ev[e].text[i]);
    free(sc->ev);
    sc->ev = NULL;
    sc->nev = 0;
}
