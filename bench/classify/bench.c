/* bench.c - classification: the generated DFA against other matchers.
 *
 *     bench DATA_DIR [--check]
 *     bench DATA_DIR --only NAME [K]
 *     bench DATA_DIR --time NAMES ROUNDS
 *
 * DATA_DIR holds patterns.txt, messages.txt (gen.py) and the generated
 * bench.h/bench.c (recovc, linked in).  Every matcher answers, per message,
 * the index of the first pattern in list order that matches anywhere in it
 * (N when none):
 *   recov    bench_classify: the policy's DFA, every pattern at once
 *   strstr   a loop over the patterns: strstr, strcasestr, regexec for regexes
 *   regexec  a loop of precompiled POSIX EREs
 *   pcre2    a loop of PCRE2 patterns compiled with the JIT
 *   pcre2alt one PCRE2 pattern with the JIT: an alternation of lookaheads
 *            ^(?:(?=.*?P0)(*:0)|(?=.*?P1)(*:1)|...) tried in list order, so
 *            the first alternative that succeeds is the first pattern in list
 *            order occurring anywhere; its (*MARK) names it
 *   re2c     re2c_classify from re2c_match.c (gen_re2c.py, re2c): a lexer
 *            loop over start positions (built only with -DRC_HAVE_RE2C)
 *   re2c_g   re2c_g_classify: the same re2c input with re2c -g (computed
 *            gotos; built only with -DRC_HAVE_RE2C_G)
 *   hs       Hyperscan: one database, HS_FLAG_SINGLEMATCH, the smallest id
 *            reported (built only with -DRC_HAVE_HS)
 * All answers are compared on every message first (exit 1 on the first
 * disagreement); then each matcher is timed over all messages (best of 3)
 * unless --check.  Prints one line per matcher: name, ns/message; then, for
 * recov and hs, "bucket NAME LO-HI COUNT NS ns/message" over the messages of
 * LO to HI bytes.
 * --time NAMES ROUNDS: only the matchers named (comma-separated): agreement
 * on every message, then ROUNDS interleaved timed passes, min and median
 * (run_lib.sh).
 * --only NAME [K] prepares only matcher NAME and runs it once over the first
 * K messages (default all), nothing else: run.sh runs this under callgrind
 * with --toggle-collect=m_NAME to count instructions per message.
 */
#define _GNU_SOURCE 1
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#ifdef RC_HAVE_HS
#include <hs/hs.h>
#endif

#include "bench.h"

#ifdef RC_HAVE_RE2C
int re2c_classify(const char *msg);   /* re2c_match.c */
#endif
#ifdef RC_HAVE_RE2C_G
int re2c_g_classify(const char *msg); /* re2c_g.c: the same input, re2c -g */
#endif

/* the matchers are called through pointers; keep each one a function of its
 * own so that callgrind's --toggle-collect=m_NAME sees exactly its cost */
#define MATCHER __attribute__((noinline)) static int

enum { LIT, ILIT, RE };
static int npat, nmsg;
static int *kind;
static char **pat, **msg;
static regex_t *ere;
static pcre2_code **pc;
static pcre2_match_data *md;

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) exit(3);
    return p;
}

static void load(const char *dir)
{
    char path[4096], line[4096];
    snprintf(path, sizeof path, "%s/patterns.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); exit(2); }
    int cap = 16;
    kind = malloc((size_t)cap * sizeof *kind);
    pat = malloc((size_t)cap * sizeof *pat);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        if (npat == cap) {
            cap *= 2;
            kind = realloc(kind, (size_t)cap * sizeof *kind);
            pat = realloc(pat, (size_t)cap * sizeof *pat);
        }
        kind[npat] = !strcmp(line, "lit") ? LIT : !strcmp(line, "ilit") ? ILIT : RE;
        pat[npat++] = xstrdup(tab + 1);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/messages.txt", dir);
    f = fopen(path, "r");
    if (!f) { perror(path); exit(2); }
    cap = 1024;
    msg = malloc((size_t)cap * sizeof *msg);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (nmsg == cap) { cap *= 2; msg = realloc(msg, (size_t)cap * sizeof *msg); }
        msg[nmsg++] = xstrdup(line);
    }
    fclose(f);
}

static pcre2_code *alt;          /* pcre2alt: all patterns in one alternation; NULL when */
static int alt_err;              /* PCRE2 could not compile it (alt_err: its error code) */
static pcre2_match_data *altmd;

/* the pcre2alt pattern: (?s)^(?:(?=.*?(?:P0))(*:0)|...) with (?i:...) for the
 * case-insensitive literals */
static void prepare_alt(void)
{
    size_t cap = 64, len = 0;
    char *re = malloc(cap);
    len += (size_t)sprintf(re, "(?s)^(?:");
    for (int i = 0; i < npat; i++) {
        size_t need = len + strlen(pat[i]) + 48;
        if (need > cap) { while (need > cap) cap *= 2; re = realloc(re, cap); }
        len += (size_t)sprintf(re + len, "%s(?=.*?(?%s:%s))(*:%d)", i ? "|" : "", kind[i] == ILIT ? "i" : "",
                               pat[i], i);
    }
    strcpy(re + len, ")");
    int err;
    PCRE2_SIZE off;
    alt = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
    if (!alt) {   /* e.g. error 120 "regular expression is too large" at N = 1,000 */
        alt_err = err;
        free(re);
        return;
    }
    if (pcre2_jit_compile(alt, PCRE2_JIT_COMPLETE) != 0) {
        fprintf(stderr, "pcre2 alternation: JIT compilation failed\n");
        exit(2);
    }
    altmd = pcre2_match_data_create(1, NULL);
    free(re);
}

/* compile the POSIX EREs (need_ere) and the PCRE2 patterns (need_pcre2) */
static void prepare(int need_ere, int need_pcre2)
{
    ere = calloc((size_t)npat, sizeof *ere);
    pc = calloc((size_t)npat, sizeof *pc);
    for (int i = 0; i < npat; i++) {
        if (need_ere && regcomp(&ere[i], pat[i], REG_EXTENDED | REG_NOSUB | (kind[i] == ILIT ? REG_ICASE : 0)) != 0) {
            fprintf(stderr, "regcomp failed: %s\n", pat[i]);
            exit(2);
        }
        if (!need_pcre2) continue;
        int err;
        PCRE2_SIZE off;
        pc[i] = pcre2_compile((PCRE2_SPTR)pat[i], PCRE2_ZERO_TERMINATED, kind[i] == ILIT ? PCRE2_CASELESS : 0, &err, &off, NULL);
        if (!pc[i] || pcre2_jit_compile(pc[i], PCRE2_JIT_COMPLETE) != 0) {
            fprintf(stderr, "pcre2 failed: %s\n", pat[i]);
            exit(2);
        }
    }
    md = pcre2_match_data_create(1, NULL);
}

MATCHER m_pcre2alt(const char *m)
{
    if (pcre2_jit_match(alt, (PCRE2_SPTR)m, strlen(m), 0, 0, altmd, NULL) < 0) return npat;
    return atoi((const char *)pcre2_get_mark(altmd));
}

MATCHER m_recov(const char *m)
{
    bench_fault f;
    f.msg = m;
    unsigned e = bench_classify(&f);
    return (int)e;   /* error i is pattern i; `none` is npat */
}

MATCHER m_strstr(const char *m)
{
    for (int i = 0; i < npat; i++) {
        if (kind[i] == LIT) { if (strstr(m, pat[i])) return i; }
        else if (kind[i] == ILIT) { if (strcasestr(m, pat[i])) return i; }
        else if (regexec(&ere[i], m, 0, NULL, 0) == 0) return i;
    }
    return npat;
}

MATCHER m_regexec(const char *m)
{
    for (int i = 0; i < npat; i++)
        if (regexec(&ere[i], m, 0, NULL, 0) == 0) return i;
    return npat;
}

MATCHER m_pcre2(const char *m)
{
    size_t n = strlen(m);
    for (int i = 0; i < npat; i++)
        if (pcre2_jit_match(pc[i], (PCRE2_SPTR)m, n, 0, 0, md, NULL) >= 0) return i;
    return npat;
}

#ifdef RC_HAVE_HS
static hs_database_t *db;
static hs_scratch_t *scratch;
static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
    (void)from; (void)to; (void)flags;
    int *best = ctx;
    if ((int)id < *best) *best = (int)id;
    return 0;
}
static void hs_prepare(void)
{
    unsigned *flags = malloc((size_t)npat * sizeof *flags), *ids = malloc((size_t)npat * sizeof *ids);
    for (int i = 0; i < npat; i++) {
        ids[i] = (unsigned)i;
        flags[i] = HS_FLAG_SINGLEMATCH | (kind[i] == ILIT ? HS_FLAG_CASELESS : 0u);
    }
    hs_compile_error_t *ce;
    if (hs_compile_multi((const char *const *)pat, flags, ids, (unsigned)npat, HS_MODE_BLOCK, NULL, &db, &ce) != HS_SUCCESS) {
        fprintf(stderr, "hyperscan: %s\n", ce->message);
        exit(2);
    }
    if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) exit(2);
    free(flags);
    free(ids);
}
MATCHER m_hs(const char *m)
{
    int best = npat;
    hs_scan(db, m, (unsigned)strlen(m), 0, scratch, on_match, &best);
    return best;
}
#endif

#ifdef RC_HAVE_RE2C
MATCHER m_re2c(const char *m)
{
    return re2c_classify(m);
}
#endif
#ifdef RC_HAVE_RE2C_G
MATCHER m_re2c_g(const char *m)
{
    return re2c_g_classify(m);
}
#endif

typedef int (*matcher)(const char *);
static const struct { const char *name; matcher fn; } M[] = {
    {"recov", m_recov}, {"strstr", m_strstr}, {"regexec", m_regexec}, {"pcre2", m_pcre2},
    {"pcre2alt", m_pcre2alt},
#ifdef RC_HAVE_RE2C
    {"re2c", m_re2c},
#endif
#ifdef RC_HAVE_RE2C_G
    {"re2c_g", m_re2c_g},
#endif
#ifdef RC_HAVE_HS
    {"hs", m_hs},
#endif
};
#define NM (int)(sizeof M / sizeof M[0])

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* matcher k could be prepared (pcre2alt: PCRE2 compiled the alternation) */
static int built(int k)
{
    return M[k].fn != m_pcre2alt || alt != NULL;
}

/* ns per message of fn over v[0..n), the best of `runs` passes */
static double best_ns(matcher fn, char **v, int n, int runs)
{
    double best = 0;
    volatile long sink = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now_ns();
        for (int j = 0; j < n; j++) sink += fn(v[j]);
        double dt = now_ns() - t0;
        if (r == 0 || dt < best) best = dt;
    }
    (void)sink;
    return best / n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* --time NAMES ROUNDS: prepare the matchers named (comma-separated), check
 * that they agree with the first on every message, then time ROUNDS passes
 * of each over all messages, interleaved (pass r of every matcher before
 * pass r + 1 of any), and print the min and median ns/message of each. */
static int time_some(const char *names, int rounds)
{
    int use[16], nuse = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", names);
    for (char *t = strtok(buf, ","); t && nuse < 16; t = strtok(NULL, ",")) {
        int k = 0;
        while (k < NM && strcmp(M[k].name, t)) k++;
        if (k == NM) { fprintf(stderr, "no matcher %s in this build\n", t); return 2; }
        use[nuse++] = k;
    }
    int ere = 0, pcre = 0;
    for (int i = 0; i < nuse; i++) {
        if (M[use[i]].fn == m_strstr || M[use[i]].fn == m_regexec) ere = 1;
        if (M[use[i]].fn == m_pcre2) pcre = 1;
    }
    prepare(ere, pcre);
#ifdef RC_HAVE_HS
    for (int i = 0; i < nuse; i++)
        if (!strcmp(M[use[i]].name, "hs")) {
            size_t hs_bytes = 0;
            hs_prepare();
            hs_database_size(db, &hs_bytes);
            printf("hyperscan database %zu bytes\n", hs_bytes);
        }
#endif
    long hits = 0;
    for (int j = 0; j < nmsg; j++) {
        int want = M[use[0]].fn(msg[j]);
        if (want < npat) hits++;
        for (int i = 1; i < nuse; i++) {
            int got = M[use[i]].fn(msg[j]);
            if (got != want) {
                fprintf(stderr, "DISAGREE on message %d: %s %d, %s %d\n  %s\n", j, M[use[0]].name, want,
                        M[use[i]].name, got, msg[j]);
                return 1;
            }
        }
    }
    printf("patterns %d messages %d matched %ld: %s agree on every message\n", npat, nmsg, hits, names);
    double *ns = calloc((size_t)nuse * (size_t)rounds, sizeof *ns);
    if (!ns) return 3;
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < nuse; i++) ns[i * rounds + r] = best_ns(M[use[i]].fn, msg, nmsg, 1);
    for (int i = 0; i < nuse; i++) {
        qsort(ns + i * rounds, (size_t)rounds, sizeof *ns, cmp_double);
        printf("time %s min %.1f median %.1f ns/message\n", M[use[i]].name, ns[i * rounds],
               ns[i * rounds + rounds / 2]);
    }
    free(ns);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: bench DATA_DIR [--check | --only NAME [K] | --time NAMES ROUNDS]\n"); return 2; }
    load(argv[1]);
    if (argc > 4 && !strcmp(argv[2], "--time")) return time_some(argv[3], atoi(argv[4]));
    if (argc > 3 && !strcmp(argv[2], "--only")) {
        int k = 0, cnt = argc > 4 ? atoi(argv[4]) : nmsg;
        while (k < NM && strcmp(M[k].name, argv[3])) k++;
        if (k == NM) { fprintf(stderr, "no matcher %s in this build\n", argv[3]); return 2; }
        if (cnt < 0 || cnt > nmsg) cnt = nmsg;
        prepare(M[k].fn == m_strstr || M[k].fn == m_regexec, M[k].fn == m_pcre2);
        if (M[k].fn == m_pcre2alt) prepare_alt();
        if (!built(k)) { fprintf(stderr, "pcre2alt: not compiled (PCRE2 error %d)\n", alt_err); return 2; }
#ifdef RC_HAVE_HS
        if (!strcmp(M[k].name, "hs")) hs_prepare();
#endif
        long sink = 0;
        for (int j = 0; j < cnt; j++) sink += M[k].fn(msg[j]);
        printf("only %s messages %d sum %ld\n", M[k].name, cnt, sink);
        return 0;
    }
    prepare(1, 1);
    prepare_alt();
#ifdef RC_HAVE_HS
    hs_prepare();
    size_t hs_bytes = 0;
    hs_database_size(db, &hs_bytes);
#endif
    long hits = 0;
    for (int j = 0; j < nmsg; j++) {
        int want = M[0].fn(msg[j]);
        if (want < npat) hits++;
        for (int k = 1; k < NM; k++) {
            if (!built(k)) continue;
            int got = M[k].fn(msg[j]);
            if (got != want) {
                fprintf(stderr, "DISAGREE on message %d: recov %d, %s %d\n  %s\n", j, want, M[k].name, got, msg[j]);
                return 1;
            }
        }
    }
    printf("patterns %d messages %d matched %ld: all %d matchers agree on every message\n", npat, nmsg, hits,
           NM - (alt ? 0 : 1));
    if (!alt) {
        PCRE2_UCHAR why[120];
        pcre2_get_error_message(alt_err, why, sizeof why);
        printf("pcre2alt: not compiled: PCRE2 error %d (%s)\n", alt_err, (const char *)why);
    }
#ifdef RC_HAVE_HS
    printf("hyperscan database %zu bytes\n", hs_bytes);
#else
    printf("hyperscan: not built (no libhyperscan-dev)\n");
#endif
    if (argc > 2 && !strcmp(argv[2], "--check")) return 0;
    for (int k = 0; k < NM; k++) {
        if (!built(k)) continue;
        printf("%-8s %10.1f ns/message\n", M[k].name, best_ns(M[k].fn, msg, nmsg, 3));
    }
    /* recov and Hyperscan by message length (the goal names short messages) */
    static const int lo[] = { 0, 65, 161 }, hi[] = { 64, 160, 1 << 30 };
    char **sub = malloc((size_t)nmsg * sizeof *sub);
    if (!sub) return 3;
    for (int b = 0; b < 3; b++) {
        int cnt = 0;
        for (int j = 0; j < nmsg; j++) {
            int len = (int)strlen(msg[j]);
            if (len >= lo[b] && len <= hi[b]) sub[cnt++] = msg[j];
        }
        for (int k = 0; k < NM && cnt > 0; k++) {
            if (strcmp(M[k].name, "recov") && strcmp(M[k].name, "hs")) continue;
            printf("bucket %s %d-%d %d %.1f ns/message\n", M[k].name, lo[b], b == 2 ? 300 : hi[b], cnt,
                   best_ns(M[k].fn, sub, cnt, 5));
        }
    }
    free(sub);
    return 0;
}
