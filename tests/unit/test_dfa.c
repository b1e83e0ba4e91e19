/* test_dfa.c - pattern sets -> minimal DFA (compiler/patterns/dfa.c) and the runtime
 * scanners (runtime/src/recov_dfa.c).
 *
 * Hand cases first, then a randomized comparison against an independent
 * reference matcher (recursive, over the set of reachable text positions),
 * minimality, the runtime scanners on converted tables, long texts, and the
 * state bound. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dfa.h"
#include "dfa_pack.h"
#include "recov/recov.h"
#include "dfa_rt.h"
#include "regex_ref.h"

/* ---- helpers ------------------------------------------------------------ */

/* A pattern spec: optional "i:" (icase), then alternatives separated by TAB,
 * each '/' + regex or '"' + literal. */
#define MAXP 64
#define MAXA 8

typedef struct set_spec {
    rc_dfa_pattern pats[MAXP];
    rc_dfa_alt alts[MAXP][MAXA];
} set_spec;

static void parse_specs(set_spec *ss, const char *const *specs, int n)
{
    assert_true(n <= MAXP);
    for (int p = 0; p < n; p++) {
        const char *s = specs[p];
        rc_dfa_pattern *pat = &ss->pats[p];
        pat->icase = strncmp(s, "i:", 2) == 0;
        if (pat->icase) s += 2;
        pat->alts = ss->alts[p];
        pat->nalts = 0;
        while (*s) {
            const char *e = strchr(s, '\t');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            assert_true(pat->nalts < MAXA);
            assert_true(s[0] == '/' || s[0] == '"');
            rc_dfa_alt *alt = &ss->alts[p][pat->nalts++];
            alt->is_regex = s[0] == '/';
            alt->text = s + 1;
            alt->len = len - 1;
            s += len;
            if (*s) s++;
        }
    }
}

static bool build(rc_arena *a, const char *const *specs, int n, rc_dfa *d, rc_dfa_error *err)
{
    set_spec ss;
    parse_specs(&ss, specs, n);
    return rc_dfa_build(a, ss.pats, n, 0, d, err);
}

static void build_ok(rc_arena *a, const char *const *specs, int n, rc_dfa *d)
{
    rc_dfa_error err;
    bool ok = build(a, specs, n, d, &err);
    if (!ok) fail_msg("build failed: pattern %d alt %d offset %zu: %s", err.pattern, err.alt,
                      err.offset, err.message);
}

static uint32_t scan(const rc_dfa *d, const char *text)
{
    uint32_t m[4] = { 0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef };
    rc_dfa_scan(d, text, strlen(text), SIZE_MAX, m);
    return d->words ? m[0] : 0;
}

/* ---- (1) hand cases ------------------------------------------------------ */

static void test_substrings(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    const char *p[] = { "\"timeout\t\"timed out", "i:\"memory", "/conn(ect|ection)? reset" };
    build_ok(&a, p, 3, &d);
    assert_int_equal(d.npatterns, 3);
    assert_int_equal(d.words, 1);
    assert_int_equal(scan(&d, ""), 0);
    assert_int_equal(scan(&d, "timeout"), 1);
    assert_int_equal(scan(&d, "request timed out after 3s"), 1);
    assert_int_equal(scan(&d, "Timeout"), 0);              /* case-sensitive */
    assert_int_equal(scan(&d, "timed ou"), 0);
    assert_int_equal(scan(&d, "out of MEMORY"), 2);
    assert_int_equal(scan(&d, "MeMoRy"), 2);
    assert_int_equal(scan(&d, "conn reset"), 4);
    assert_int_equal(scan(&d, "xxconnect reset by peer"), 4);
    assert_int_equal(scan(&d, "connection reset"), 4);
    assert_int_equal(scan(&d, "connections reset"), 0);
    assert_int_equal(scan(&d, "connect  reset"), 0);
    assert_int_equal(scan(&d, "memory timeout; connection reset"), 7);
    assert_int_equal(scan(&d, "timememory"), 2);
    /* row 0 is all zero and rows are distinct */
    assert_int_equal(d.masks[0], 0);
    for (int i = 0; i < d.nmasks; i++)
        for (int j = i + 1; j < d.nmasks; j++) assert_int_not_equal(d.masks[i], d.masks[j]);
    printf("agent_call message patterns: %d states, %d classes, %d mask rows\n",
           d.nstates, d.nclasses, d.nmasks);
    rc_arena_free(&a);
}

static void test_classes_and_icase(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    const char *p[] = { "/err[0-9]+x", "i:/[^a]b", "/\\d\\d:\\w", "/a.c", "i:/[x-z]Q",
                        "/\\x41\\.\\/", "/[]a]z", "/[a-]!" };
    build_ok(&a, p, 8, &d);
    assert_int_equal(scan(&d, "err42x"), 1);
    assert_int_equal(scan(&d, "errx"), 0);
    assert_int_equal(scan(&d, "err4"), 0);
    assert_int_equal(scan(&d, "cb"), 2);
    assert_int_equal(scan(&d, "ab"), 0);
    assert_int_equal(scan(&d, "AB"), 0);     /* icase [^a] excludes 'A' too */
    assert_int_equal(scan(&d, "aB"), 0);
    assert_int_equal(scan(&d, "CB"), 2);
    assert_int_equal(scan(&d, "12:_"), 4);
    assert_int_equal(scan(&d, "12:-"), 0);
    assert_int_equal(scan(&d, "abc"), 8);
    assert_int_equal(scan(&d, "a\nc"), 0);   /* '.' is not '\n' */
    assert_int_equal(scan(&d, "YQ"), 16);
    assert_int_equal(scan(&d, "yq"), 16);
    assert_int_equal(scan(&d, "A./"), 32);
    assert_int_equal(scan(&d, "a./"), 0);
    assert_int_equal(scan(&d, "]z"), 64);
    assert_int_equal(scan(&d, "az"), 64);
    assert_int_equal(scan(&d, "-!"), 128);
    assert_int_equal(scan(&d, "b!"), 0);
    rc_arena_free(&a);
}

static void test_anchors(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    const char *p[] = { "/^abc", "/xyz$", "/^$", "/^ok$", "/(^|,)k", "/a$|^b" };
    build_ok(&a, p, 6, &d);
    assert_int_equal(scan(&d, ""), 4);
    assert_int_equal(scan(&d, "abc"), 1);
    assert_int_equal(scan(&d, "abcd"), 1);
    assert_int_equal(scan(&d, "xabc"), 0);
    assert_int_equal(scan(&d, "xyz"), 2);
    assert_int_equal(scan(&d, "axyz"), 2);
    assert_int_equal(scan(&d, "xyzz"), 0);
    assert_int_equal(scan(&d, "ok"), 8);
    assert_int_equal(scan(&d, "okk"), 0);
    assert_int_equal(scan(&d, "k"), 16);
    assert_int_equal(scan(&d, "x,k"), 16);
    assert_int_equal(scan(&d, "xk"), 0);
    assert_int_equal(scan(&d, "ba"), 32);
    assert_int_equal(scan(&d, "ca"), 32);
    assert_int_equal(scan(&d, "cb"), 0);
    assert_int_equal(scan(&d, "ab"), 0);
    /* `$` at the limit: a truncated text ends where the scan stops */
    uint32_t m = 0;
    rc_dfa_scan(&d, "xyzzz", 5, 3, &m);
    assert_int_equal(m, 2);
    rc_arena_free(&a);
}

static void test_repetition_counts(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    const char *p[] = { "/^a{3}$", "/^a{2,}$", "/^a{1,3}$", "/^(ab){2}$", "/^x?y+z*$", "/^(?:a|b){0,2}c$" };
    build_ok(&a, p, 6, &d);
    assert_int_equal(scan(&d, "a"), 4);
    assert_int_equal(scan(&d, "aa"), 2 | 4);
    assert_int_equal(scan(&d, "aaa"), 1 | 2 | 4);
    assert_int_equal(scan(&d, "aaaa"), 2);
    assert_int_equal(scan(&d, "abab"), 8);
    assert_int_equal(scan(&d, "ababab"), 0);
    assert_int_equal(scan(&d, "y"), 16);
    assert_int_equal(scan(&d, "xyyzz"), 16);
    assert_int_equal(scan(&d, "xz"), 0);
    assert_int_equal(scan(&d, "c"), 32);
    assert_int_equal(scan(&d, "bac"), 32);
    assert_int_equal(scan(&d, "abac"), 0);
    rc_arena_free(&a);
}

static void test_overlap_and_end(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    const char *p[] = { "\"he", "\"she", "\"his", "\"hers", "\"aaa", "\"aab" };
    build_ok(&a, p, 6, &d);
    assert_int_equal(scan(&d, "ushers"), 1 | 2 | 8);
    assert_int_equal(scan(&d, "this"), 4);
    assert_int_equal(scan(&d, "aaab"), 16 | 32);
    assert_int_equal(scan(&d, "aab"), 32);            /* matches at the very end */
    assert_int_equal(scan(&d, "xxhe"), 1);
    assert_int_equal(scan(&d, "h"), 0);
    rc_arena_free(&a);
}

/* 40 patterns k00..k39, two mask words: literals, or with anchored the
 * even ones as /kNN$/ */
static void build_k40(rc_arena *a, rc_dfa *d, bool anchored)
{
    char buf[40][12];
    const char *p[40];
    for (int i = 0; i < 40; i++) {
        snprintf(buf[i], sizeof buf[i], anchored && i % 2 == 0 ? "/k%02d$" : "\"k%02d", i);
        p[i] = buf[i];
    }
    build_ok(a, p, 40, d);
}

static void test_many_patterns_words(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    build_k40(&a, &d, false);
    assert_int_equal(d.words, 2);
    uint32_t m[2];
    rc_dfa_scan(&d, "k03 k35", 7, 100, m);
    assert_int_equal(m[0], 1u << 3);
    assert_int_equal(m[1], 1u << 3);
    rc_arena_free(&a);
}

static void test_build_errors(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    rc_dfa_error err;
    const char *p1[] = { "\"ok", "\"fine\t/a(b" };
    assert_false(build(&a, p1, 2, &d, &err));
    assert_int_equal(err.pattern, 1);
    assert_int_equal(err.alt, 1);
    assert_int_equal(err.offset, 1);
    assert_string_equal(err.message, "missing ')'");
    const char *p2[] = { "\"ok\t\"" };
    assert_false(build(&a, p2, 1, &d, &err));
    assert_int_equal(err.pattern, 0);
    assert_int_equal(err.alt, 1);
    assert_string_equal(err.message, "empty pattern matches every text");
    rc_arena_free(&a);
}

/* ---- (2) randomized comparison with a reference matcher ------------------ */


typedef struct rgen {
    uint32_t seed;
    rnode pool[4096];
    int used;
} rgen;

static uint32_t rnd(rgen *g, uint32_t n)
{
    g->seed ^= g->seed << 13;
    g->seed ^= g->seed >> 17;
    g->seed ^= g->seed << 5;
    return g->seed % n;
}

static rnode *rnew(rgen *g, int kind)
{
    assert_true(g->used < 4096);
    rnode *n = &g->pool[g->used++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    return n;
}

static rnode *gen(rgen *g, int depth)
{
    uint32_t r = rnd(g, depth > 0 ? 12 : 6);
    rnode *n;
    switch (r) {
    case 0: case 1: case 2:
        n = rnew(g, R_SET);
        n->in[(unsigned char)"abc"[rnd(g, 3)]] = true;
        return n;
    case 3:
        n = rnew(g, R_SET);             /* '.' = [^\n] */
        n->in['\n'] = true;
        n->neg = true;
        return n;
    case 4:
        n = rnew(g, R_SET);
        n->in[(unsigned char)"abc"[rnd(g, 3)]] = true;
        n->in[(unsigned char)"abc"[rnd(g, 3)]] = true;
        n->neg = rnd(g, 2) == 0;
        return n;
    case 5:
        return rnew(g, rnd(g, 2) ? R_BOL : R_EOL);
    case 6: case 7: case 8:
        n = rnew(g, R_CAT);
        n->nk = 2 + (int)rnd(g, 2);
        for (int i = 0; i < n->nk; i++) n->k[i] = gen(g, depth - 1);
        return n;
    case 9:
        n = rnew(g, R_ALT);
        n->nk = 2;
        for (int i = 0; i < n->nk; i++) n->k[i] = gen(g, depth - 1);
        return n;
    default: {
        n = rnew(g, R_REP);
        n->nk = 1;
        n->k[0] = gen(g, depth - 1);
        while (n->k[0]->kind == R_BOL || n->k[0]->kind == R_EOL) n->k[0] = gen(g, depth - 1);
        static const int mm[][2] = { { 0, -1 }, { 1, -1 }, { 0, 1 }, { 2, 2 }, { 1, 3 }, { 2, -1 }, { 0, 2 } };
        int q = (int)rnd(g, 7);
        n->min = mm[q][0];
        n->max = mm[q][1];
        return n;
    }
    }
}



/* rc_dfa -> runtime tables: the full 16-bit tables and both compact forms
 * when they apply. */
typedef rc_rt_tables rt_tables;

/* what the scanners rely on: start-state stays below k0, NUL never among
 * them, chk names a class or 255, every probe inside the comb, ids distinct */
static void check_pack(const rc_dfa *d, const rc_dfapack *z)
{
    static uint8_t seen[RC_DFAPACK_MAXID + 1];
    for (int b = z->lo; b <= z->hi; b++) {
        int k = z->map[b - z->lo];
        if (k < z->k0) assert_true(b != 0);
        assert_true(k < z->nclasses);
    }
    memset(seen, 0, sizeof seen);
    int start = z->wide ? z->accfrom : 0;
    assert_int_equal(z->id[0], start);
    for (int s = 0; s < d->nstates; s++) {
        int id = z->id[s];
        assert_true(id < z->nids);
        assert_false(seen[id]);
        seen[id] = 1;
        assert_true(id + z->nclasses <= z->ncomb + 1);
        bool acc = d->acc[s] != 0u || d->acc_end[s] != 0u;
        if (acc) assert_true(id >= z->accfrom);
        if (z->wide) assert_true(id < z->stopfrom);
    }
    for (int x = 0; x < z->ncomb; x++) assert_true(z->chk[x] == 255 || z->chk[x] < z->nclasses);
}

/* the runtime tables (tests/common/dfa_rt.c); the full ones must fit, and
 * both packed forms, where they apply, keep the scanners' invariants */
static void convert(const rc_dfa *d, rt_tables *rt)
{
    rc_rt_convert(d, rt);
    assert_true(rt->has16);
    if (rt->has8c) check_pack(d, &rt->pk8);
    if (rt->has16c) check_pack(d, &rt->pk16);
}

/* The compact scans (both forms, which must agree), or the reference when
 * neither applies. */
static uint32_t scan8c_or(const rc_dfa *d, const rt_tables *rt, const char *s, size_t limit)
{
    uint32_t m = 0xffffffffu, m16 = 0xffffffffu;
    if (rt->has8c) recov_dfa_scan8c(&rt->d8c, s, limit, &m);
    else rc_dfa_scan(d, s, s ? strlen(s) : 0, limit, &m);
    if (rt->has16c) {
        recov_dfa_scan16c(&rt->d16c, s, limit, &m16);
        assert_int_equal(m16, m);
    }
    return m;
}

static void test_random_vs_reference(void **state)
{
    (void)state;
    static rgen g;
    static rt_tables rt;
    g.seed = 0x1234567u;
    long checks = 0, rejected = 0, sets = 0, packed = 0;
    const char alphabet[] = "abcabcabA\n";
    while (checks < 60000) {
        g.used = 0;
        rnode *roots[4][2];
        int nalts[4];
        bool icase[4];
        char text[4][2][1024];
        set_spec ss;
        int np = 1 + (int)rnd(&g, 4);
        for (int p = 0; p < np; p++) {
            icase[p] = rnd(&g, 4) == 0;
            nalts[p] = 1 + (int)rnd(&g, 2);
            for (int i = 0; i < nalts[p]; i++) {
                for (;;) {
                    int mark = g.used;
                    roots[p][i] = gen(&g, 4);
                    size_t at = 0;
                    text[p][i][0] = 0;
                    rc_ref_render(roots[p][i], text[p][i], &at);
                    rc_dfa_error err;
                    if (rc_dfa_check_regex(text[p][i], at, &err)) break;
                    /* only "matches every text" may be refused, and then the
                     * reference must agree that the empty text matches */
                    if (strstr(err.message, "every text") == NULL)
                        fail_msg("/%s/ refused: %s", text[p][i], err.message);
                    assert_true(rc_ref_search(roots[p][i], "", 0, false));
                    rejected++;
                    g.used = mark;
                }
                ss.alts[p][i] = (rc_dfa_alt){ text[p][i], strlen(text[p][i]), true };
            }
            ss.pats[p] = (rc_dfa_pattern){ ss.alts[p], nalts[p], icase[p] };
        }
        rc_arena a;
        rc_arena_init(&a);
        rc_dfa d;
        rc_dfa_error err;
        if (!rc_dfa_build(&a, ss.pats, np, 0, &d, &err))
            fail_msg("build failed: %s (/%s/)", err.message, text[0][0]);
        convert(&d, &rt);
        sets++;
        for (int t = 0; t < 25; t++) {
            char s[13];
            int len = (int)rnd(&g, 13);
            for (int i = 0; i < len; i++) s[i] = alphabet[rnd(&g, sizeof alphabet - 1)];
            s[len] = 0;
            uint32_t want = 0;
            for (int p = 0; p < np; p++)
                for (int i = 0; i < nalts[p]; i++)
                    if (rc_ref_search(roots[p][i], s, (int)strlen(s), icase[p])) want |= 1u << p;
            uint32_t got = scan(&d, s);
            if (got != want) {
                for (int p = 0; p < np; p++)
                    for (int i = 0; i < nalts[p]; i++)
                        fprintf(stderr, "pattern %d%s: /%s/\n", p, icase[p] ? " (icase)" : "", text[p][i]);
                fail_msg("text \"%s\": dfa %#x, reference %#x", s, got, want);
            }
            uint32_t m16 = 0;
            recov_dfa_scan16(&rt.d16, s, RECOV_MAX_TEXT, &m16);
            assert_int_equal(m16, want);
            assert_int_equal(scan8c_or(&d, &rt, s, RECOV_MAX_TEXT), want);
            packed += rt.has8c && rt.has16c;
            checks += np;
        }
        rc_arena_free(&a);
    }
    printf("random: %ld pattern checks over %ld DFAs (%ld nullable regexes refused), %ld texts on the compact form\n",
           checks, sets, rejected, packed);
    assert_true(checks >= 20000);
    assert_true(packed >= 10000);
}

/* ---- (3) minimality ------------------------------------------------------ */

static int nstates_of(const char *spec)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    const char *p[] = { spec };
    build_ok(&a, p, 1, &d);
    int n = d.nstates;
    rc_arena_free(&a);
    return n;
}

static void test_minimality(void **state)
{
    (void)state;
    assert_int_equal(nstates_of("/a(b|c)"), nstates_of("/ab|ac"));
    assert_int_equal(nstates_of("/a(b|c)"), nstates_of("/a[bc]"));
    assert_int_equal(nstates_of("/a(b|c)"), nstates_of("\"ab\t\"ac"));
    assert_int_equal(nstates_of("/(a|b)*c"), nstates_of("/[ab]*c"));
    assert_int_equal(nstates_of("/x+"), nstates_of("/xx*"));
    assert_int_equal(nstates_of("/ab{2,3}"), nstates_of("/abbb?"));
    /* "ab" anywhere: start, saw a, matched (sticky states merge away) */
    assert_int_equal(nstates_of("\"ab"), 3);
    assert_int_equal(nstates_of("/(a|b)*abb"), 4);

    /* determinism: the same input gives byte-identical tables */
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d1, d2;
    const char *p[] = { "\"timeout\t\"timed out", "i:\"memory", "/conn(ect|ection)? reset", "/^x[a-f]+$" };
    build_ok(&a, p, 4, &d1);
    build_ok(&a, p, 4, &d2);
    assert_int_equal(d1.nstates, d2.nstates);
    assert_int_equal(d1.nclasses, d2.nclasses);
    assert_int_equal(d1.nmasks, d2.nmasks);
    assert_memory_equal(d1.classmap, d2.classmap, 256);
    assert_memory_equal(d1.trans, d2.trans, (size_t)d1.nstates * (size_t)d1.nclasses * 4);
    assert_memory_equal(d1.acc, d2.acc, (size_t)d1.nstates * 4);
    assert_memory_equal(d1.acc_end, d2.acc_end, (size_t)d1.nstates * 4);
    assert_memory_equal(d1.masks, d2.masks, (size_t)d1.nmasks * (size_t)d1.words * 4);
    rc_arena_free(&a);
}

/* ---- (4) runtime scanners ------------------------------------------------ */

static void test_runtime_scanners(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    static rt_tables rt;
    const char *p[] = { "\"timeout\t\"timed out", "i:\"memory", "/conn(ect|ection)? reset", "/^$", "/x$" };
    build_ok(&a, p, 5, &d);
    convert(&d, &rt);
    assert_true(rt.has8c && rt.has16c);
    const char *texts[] = { "", "timeout", "MEMORY timed out", "connect reset", "x", "ax", "xa",
                            "connection reset; timeout; memory" };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        uint32_t ref = scan(&d, texts[i]), m16 = 0xffffffffu;
        recov_dfa_scan16(&rt.d16, texts[i], RECOV_MAX_TEXT, &m16);
        assert_int_equal(m16, ref);
        assert_true(rt.has8c);
        assert_int_equal(scan8c_or(&d, &rt, texts[i], RECOV_MAX_TEXT), ref);
    }
    /* the compact forms: NULL, a cut in the skip and after it, NUL */
    uint32_t m = 0;
    assert_int_equal(scan8c_or(&d, &rt, NULL, RECOV_MAX_TEXT), 8);
    for (size_t cut = 0; cut <= 12; cut++) {
        const char *txt = "abcdtimeoutx";
        uint32_t ref = 0;
        rc_dfa_scan(&d, txt, strlen(txt), cut, &ref);
        assert_int_equal(scan8c_or(&d, &rt, txt, cut), ref);
        assert_int_equal(ref, cut == 12 ? 0x11u : cut == 11 ? 1u : cut == 0 ? 8u : 0u);
    }
    /* texts of n bytes with no NUL, read with limit n: the skip and the
     * steps must stop at the limit (ASan checks the bounds) */
    for (size_t len = 1; len <= 9; len++) {
        char *buf = malloc(len);
        assert_non_null(buf);
        memset(buf, 'a', len);
        uint32_t m8c = 0xffffffffu, m16c = 0xffffffffu;
        recov_dfa_scan8c(&rt.d8c, buf, len, &m8c);
        recov_dfa_scan16c(&rt.d16c, buf, len, &m16c);
        assert_int_equal(m8c, 0);
        assert_int_equal(m16c, 0);
        buf[len - 1] = 'x';                  /* `x$` holds at the limit */
        recov_dfa_scan8c(&rt.d8c, buf, len, &m8c);
        recov_dfa_scan16c(&rt.d16c, buf, len, &m16c);
        assert_int_equal(m8c, 16u);
        assert_int_equal(m16c, 16u);
        memcpy(buf, "timeout", len < 7 ? len : 7);   /* cut inside the steps */
        recov_dfa_scan16c(&rt.d16c, buf, len, &m16c);
        recov_dfa_scan16(&rt.d16, buf, len, &m);
        assert_int_equal(m16c, m);
        recov_dfa_scan8c(&rt.d8c, buf, len, &m8c);
        assert_int_equal(m8c, m);
        free(buf);
    }
    assert_int_equal(scan8c_or(&d, &rt, "x\0timeout", RECOV_MAX_TEXT), 16);
    assert_int_equal(scan8c_or(&d, &rt, "ab\0timeout", RECOV_MAX_TEXT), 0);
    /* NULL reads as "" */
    m = 0;
    recov_dfa_scan16(&rt.d16, NULL, RECOV_MAX_TEXT, &m);
    assert_int_equal(m, 8);
    /* limit: "timeout" cut to "time" does not match; `$` holds at the cut */
    recov_dfa_scan16(&rt.d16, "timeoutx", 4, &m);
    assert_int_equal(m, 0);
    recov_dfa_scan16(&rt.d16, "abxcd", 3, &m);
    assert_int_equal(m, 16);
    /* an embedded NUL ends the text */
    const char nul[] = "x\0timeout";
    recov_dfa_scan16(&rt.d16, nul, sizeof nul, &m);
    assert_int_equal(m, 16);
    recov_dfa_scan16c(&rt.d16c, nul, sizeof nul, &m);
    assert_int_equal(m, 16);
    rc_dfa_scan(&d, nul, sizeof nul - 1, SIZE_MAX, &m);
    assert_int_equal(m, 16);
    rc_arena_free(&a);
}

/* ---- (5) long texts ------------------------------------------------------ */

/* The pattern lists (dfa_pack.h): each row's list holds exactly its bits,
 * increasing, RC_DFAPACK_LAST on the last only; every scanner reads patterns
 * of the second mask word right. */
static void check_lists(const rc_dfa *d)
{
    static uint16_t pats[RC_DFAPACK_MAXLIST];
    static uint32_t row_at[RC_DFAPACK_MAXID + 1];
    uint32_t got[64];
    int n = rc_dfapack_lists(d, pats, RC_DFAPACK_MAXLIST, row_at);
    assert_true(n >= 0 && n <= RC_DFAPACK_MAXLIST);
    assert_true(d->words <= 64);
    int total = 0;
    for (int r = 0; r < d->nmasks; r++) {
        const uint32_t *row = &d->masks[(size_t)r * (size_t)d->words];
        int bits = 0;
        for (int w = 0; w < d->words; w++) bits += __builtin_popcount(row[w]);
        total += bits;
        if (bits == 0) { assert_int_equal(row_at[r], 0); continue; }
        memset(got, 0, sizeof got);
        int prev = -1;
        for (uint32_t i = row_at[r] - 1u;; i++) {
            assert_true(i < (uint32_t)n);
            int x = pats[i] & 0x7FFF;
            assert_true(x > prev && x < d->npatterns);
            prev = x;
            got[x >> 5] |= 1u << (x & 31);
            if (pats[i] & RC_DFAPACK_LAST) break;
        }
        assert_memory_equal(got, row, (size_t)d->words * sizeof *row);
    }
    assert_int_equal(n, total);
}

static void test_lists(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    build_k40(&a, &d, true);
    assert_int_equal(d.words, 2);
    check_lists(&d);
    static rt_tables rt;
    convert(&d, &rt);
    assert_true(rt.has16c);
    const char *texts[] = { "k03 k35", "k35", "xx k34", "k34 k01 k02", "" };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        uint32_t want[2], m[2];
        rc_dfa_scan(&d, texts[t], strlen(texts[t]), SIZE_MAX, want);
        recov_dfa_scan16(&rt.d16, texts[t], RECOV_MAX_TEXT, m);
        assert_memory_equal(m, want, sizeof m);
        recov_dfa_scan16c(&rt.d16c, texts[t], RECOV_MAX_TEXT, m);
        assert_memory_equal(m, want, sizeof m);
        if (rt.has8c) {
            recov_dfa_scan8c(&rt.d8c, texts[t], RECOV_MAX_TEXT, m);
            assert_memory_equal(m, want, sizeof m);
        }
    }
    uint32_t m[2];
    recov_dfa_scan16c(&rt.d16c, "k02 k35", RECOV_MAX_TEXT, m);
    assert_int_equal(m[0], 0);              /* k02 is `$`-anchored: not at the end */
    assert_int_equal(m[1], 1u << 3);        /* k35 */
    recov_dfa_scan16c(&rt.d16c, "k35 k34", RECOV_MAX_TEXT, m);
    assert_int_equal(m[1], (1u << 3) | (1u << 2));
    rc_arena_free(&a);
}

static void test_megabyte_text(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    static rt_tables rt;
    const char *p[] = { "\"needle", "/^abc", "i:/z{3}", "/e$" };
    build_ok(&a, p, 4, &d);
    convert(&d, &rt);
    size_t n = (size_t)1 << 20;
    char *t = malloc(n + 1);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++) t[i] = "abcneedl"[i % 7];
    t[n] = 0;
    memcpy(t + n - 6, "needle", 6);
    uint32_t m = 0;
    /* the baseline, in the same run: the same 1 MB as 16 texts of 64 KB */
    struct timespec b0, b1, c0, c1;
    uint32_t bm = 0;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b0);
    for (size_t k = 0; k < 16; k++) recov_dfa_scan16(&rt.d16, t + k * (n / 16), n / 16, &bm);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    recov_dfa_scan16(&rt.d16, t, n, &m);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    assert_int_equal(m, 1 | 2 | 8);
    recov_dfa_scan16(&rt.d16, t, n - 1, &m);          /* the needle is cut */
    assert_int_equal(m, 2);
    recov_dfa_scan16(&rt.d16, t, RECOV_MAX_TEXT, &m); /* only the first 4096 bytes */
    assert_int_equal(m, 2);
    t[1000] = 'Z'; t[1001] = 'z'; t[1002] = 'Z';
    recov_dfa_scan16(&rt.d16, t, RECOV_MAX_TEXT, &m);
    assert_int_equal(m, 2 | 4);
    rc_dfa_scan(&d, t, n, n, &m);
    assert_int_equal(m, 1 | 2 | 4 | 8);
    /* one table step per byte: one 1 MB text costs what 16 texts of 64 KB
     * cost (CPU time; a ratio with 4x margin and 5 ms for the clock's
     * grain, no limit in seconds: a test must not depend on the machine) */
    double one = (double)(c1.tv_sec - c0.tv_sec) * 1e3 + (double)(c1.tv_nsec - c0.tv_nsec) / 1e6;
    double base = (double)(b1.tv_sec - b0.tv_sec) * 1e3 + (double)(b1.tv_nsec - b0.tv_nsec) / 1e6;
    printf("1 MB scan: %.2f ms; 16 x 64 KB: %.2f ms\n", one, base);
    assert_true(one <= 4.0 * base + 5.0);
    free(t);
    rc_arena_free(&a);
}

/* ---- (6) the state bound ------------------------------------------------- */

static void test_state_bound(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    rc_dfa_error err;
    rc_dfa_alt alt = { "(a|b)*a(a|b){20}", 16, true };
    rc_dfa_pattern pat = { &alt, 1, false };
    assert_false(rc_dfa_build(&a, &pat, 1, 0, &d, &err));
    assert_int_equal(err.pattern, -1);
    assert_string_equal(err.message, "pattern set needs more than 20000 DFA states");
    assert_false(rc_dfa_build(&a, &pat, 1, 100, &d, &err));
    assert_string_equal(err.message, "pattern set needs more than 100 DFA states");
    /* a smaller instance of the same family builds: 2^(n+1) minimal states */
    rc_dfa_alt small = { "(a|b)*a(a|b){5}", 15, true };
    pat.alts = &small;
    assert_true(rc_dfa_build(&a, &pat, 1, 0, &d, &err));
    int n1 = d.nstates;
    rc_dfa_alt same = { "a[ab]{5}", 8, true };    /* the same search language */
    pat.alts = &same;
    assert_true(rc_dfa_build(&a, &pat, 1, 0, &d, &err));
    assert_int_equal(d.nstates, n1);
    printf("(a|b)*a(a|b){5}: %d states\n", n1);
    rc_arena_free(&a);
}

/* ---- performance: 1,000 mixed patterns ----------------------------------- */

static void test_thousand_patterns(void **state)
{
    (void)state;
    enum { N = 1000 };
    static char buf[N][48];
    static rc_dfa_alt alts[N];
    static rc_dfa_pattern pats[N];
    static const char *words[] = { "error", "timeout", "refused", "memory", "disk", "quota",
                                   "denied", "reset", "broken", "pipe", "host", "socket" };
    uint32_t seed = 99;
    for (int i = 0; i < N; i++) {
        seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5;
        const char *w1 = words[seed % 12], *w2 = words[(seed >> 8) % 12];
        int kind = i % 4;
        if (kind == 0 || kind == 1)
            snprintf(buf[i], sizeof buf[i], "%s %s %d", w1, w2, i);
        else if (kind == 2)
            snprintf(buf[i], sizeof buf[i], "%s[ _-]?%s%d", w1, w2, i % 97);
        else
            snprintf(buf[i], sizeof buf[i], "^%s: (%s|%s)s? #%d", w1, w2, w1, i);
        alts[i] = (rc_dfa_alt){ buf[i], strlen(buf[i]), kind >= 2 };
        pats[i] = (rc_dfa_pattern){ &alts[i], 1, kind == 1 };
    }
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    rc_dfa_error err;
    /* CPU time, not the wall clock: on a loaded machine the wall clock
     * measured 1,243 ms for what takes about 300 ms of CPU (limit 2,000) */
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    bool ok = rc_dfa_build(&a, pats, N, 0, &d, &err);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    if (!ok) fail_msg("%s", err.message);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("1000 patterns: %d states, %d classes, %d mask rows, %.1f ms of CPU\n",
           d.nstates, d.nclasses, d.nmasks, ms);
    /* no bound on ms: a test must not depend on the machine's speed
     * (bench/check_scaling measures build time as a ratio) */
    check_lists(&d);
    /* spot checks */
    uint32_t m[32];
    char text[96];
    snprintf(text, sizeof text, "xx %s yy", buf[0]);
    rc_dfa_scan(&d, text, strlen(text), SIZE_MAX, m);
    assert_true(m[0] & 1u);
    snprintf(text, sizeof text, "%s", buf[1]);   /* pattern 1 is icase: upper-case it */
    for (char *c = text; *c; c++) if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 32);
    rc_dfa_scan(&d, text, strlen(text), SIZE_MAX, m);
    assert_true(m[0] & 2u);
    rc_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_substrings),
        cmocka_unit_test(test_classes_and_icase),
        cmocka_unit_test(test_anchors),
        cmocka_unit_test(test_repetition_counts),
        cmocka_unit_test(test_overlap_and_end),
        cmocka_unit_test(test_many_patterns_words),
        cmocka_unit_test(test_build_errors),
        cmocka_unit_test(test_random_vs_reference),
        cmocka_unit_test(test_minimality),
        cmocka_unit_test(test_runtime_scanners),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_megabyte_text),
        cmocka_unit_test(test_state_bound),
        cmocka_unit_test(test_thousand_patterns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
