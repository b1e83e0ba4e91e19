/* test_prefilter.c - the literal prefilter (compiler/patterns/factor.c,
 * prefilter.c, pre_plan.c): required factors of regexes, and the prefilter's
 * scan (keyed patterns + residual DFA) against one DFA of all patterns over
 * random and adversarial pattern sets and texts: overlapping keys, keys at
 * the text's start and end, texts shorter than a key, icase and exact
 * spellings of one literal, NUL bytes, a limit cutting a literal, anchors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfa.h"
#include "dfa_plan.h"
#include "factor.h"
#include "prefilter.h"

#define NP 120

typedef struct pset {
    rc_dfa_pattern pats[NP];
    rc_dfa_alt alts[NP][2];
    char text[NP][2][48];
    int n;
} pset;

static uint32_t rnd_state = 777u;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) & 0xFFFFFFu;
}

static const char *const wlist[] = { "abcd", "bcde", "cdab", "ABCD", "time", "timeout", "out",
                                     "xyzw", "zwxy", "ab", "a b", "hello", "HeLLo world", "ldwo" };
#define NWORDS ((int)(sizeof wlist / sizeof wlist[0]))

static void set_alt(pset *s, int i, int j, const char *src, size_t len, bool regex)
{
    memcpy(s->text[i][j], src, len);
    s->alts[i][j] = (rc_dfa_alt){ s->text[i][j], len, regex };
}

/* Pattern i of s: the one alternative src (a regex or a literal), ~i or not. */
static void set_pat(pset *s, int i, const char *src, size_t len, bool regex, bool icase)
{
    set_alt(s, i, 0, src, len, regex);
    s->pats[i] = (rc_dfa_pattern){ s->alts[i], 1, icase };
}

/* One DFA of s's patterns and their prefilter, each within 20,000 states. */
static void build_both(pset *s, rc_arena *a, rc_dfa *all, rc_pre *pre)
{
    rc_dfa_error err;
    assert_true(rc_dfa_build(a, s->pats, s->n, 20000, all, &err));
    assert_true(rc_pre_build(a, s->pats, s->n, 20000, pre, &err));
}

static const char *word(void) { return wlist[rnd() % NWORDS]; }

/* One random alternative: a literal (sometimes with a NUL) or a regex. */
static void random_alt(pset *s, int i, int j)
{
    char b[48];
    size_t n;
    switch (rnd() % 10) {
    case 0: case 1: case 2:
        n = (size_t)snprintf(b, sizeof b, "%s", word());
        break;
    case 3:
        n = (size_t)snprintf(b, sizeof b, "%s%s", word(), word());
        break;
    case 4:                             /* a NUL inside a literal: never matches */
        n = (size_t)snprintf(b, sizeof b, "%s", word());
        b[rnd() % n] = '\0';
        set_alt(s, i, j, b, n, false);
        return;
    case 5:                             /* classes and repetitions in the middle and at the ends */
        switch (rnd() % 5) {
        case 0: n = (size_t)snprintf(b, sizeof b, "%s[a-z ]+%s", word(), word()); break;
        case 1: n = (size_t)snprintf(b, sizeof b, "%s[a-dA-D]+", word()); break;
        case 2: n = (size_t)snprintf(b, sizeof b, "[xyA]*%s|%s[0-9]{1,3}", word(), word()); break;
        case 3: n = (size_t)snprintf(b, sizeof b, "%s(c|D)?", word()); break;
        default: n = (size_t)snprintf(b, sizeof b, "\\w%s\\d?[^a]", word()); break;
        }
        set_alt(s, i, j, b, n, true);
        return;
    case 6:
        n = (size_t)snprintf(b, sizeof b, "(%s|%s) ?%s", word(), word(), word());
        set_alt(s, i, j, b, n, true);
        return;
    case 7:
        n = (size_t)snprintf(b, sizeof b, "%s%s", rnd() % 2 ? "^" : "", word());
        if (rnd() % 2) b[n++] = '$';
        set_alt(s, i, j, b, n, true);
        return;
    case 8:
        n = (size_t)snprintf(b, sizeof b, "%s|x{2}%s|\\x00?%s", word(), word(), word());
        set_alt(s, i, j, b, n, true);
        return;
    default:
        n = (size_t)snprintf(b, sizeof b, "%s(c[a-d]){1,2}%s", word(), word());
        set_alt(s, i, j, b, n, true);
        return;
    }
    set_alt(s, i, j, b, n, false);
}

static void random_set(pset *s, int n)
{
    s->n = n;
    for (int i = 0; i < n; i++) {
        int na = 1 + (int)(rnd() % 2);
        for (int j = 0; j < na; j++) random_alt(s, i, j);
        s->pats[i] = (rc_dfa_pattern){ s->alts[i], na, rnd() % 3 == 0 };
    }
}

/* Texts from the words, case flipped at random, with NULs and odd bytes. */
static size_t random_text(char *buf, size_t cap)
{
    size_t n = 0, want = rnd() % (cap - 1);
    while (n < want) {
        const char *w = word();
        size_t l = strlen(w);
        int r = (int)(rnd() % 8);
        if (n + l >= cap) break;
        for (size_t k = 0; k < l; k++) {
            char c = w[k];
            if (r == 0 && c >= 'a' && c <= 'z') c = (char)(c - 32);
            if (r == 1 && rnd() % 2 && c >= 'A' && c <= 'Z') c = (char)(c + 32);
            buf[n++] = c;
        }
        if (n + 1 < cap && rnd() % 5 == 0) buf[n++] = " \0x`@c\xe1"[rnd() % 7];
    }
    buf[n] = '\0';
    return n;
}

/* The prefilter's mask: the keyed patterns' scan, the residual DFA ORed in. */
static void pre_mask(const rc_pre *p, const rc_dfa *res, const char *t, size_t len, size_t lim, uint32_t *m,
                     int words)
{
    uint32_t r[8];
    for (int w = 0; w < words; w++) m[w] = 0;
    rc_pre_scan(p, t, len, lim, m);
    if (!res) return;       /* no residual patterns */
    rc_dfa_scan(res, t, len, lim, r);
    for (int i = 0; i < p->nresidual; i++)
        if ((r[i >> 5] >> (i & 31)) & 1u) m[p->residual[i] >> 5] |= 1u << (p->residual[i] & 31);
}

/* One text at every limit from 0 to len + 1: the prefilter (res: its
 * residual DFA, NULL when it has none) gives one DFA's mask, and past the
 * text's end the mask `want` when want >= 0.  Sets of at most 32 patterns. */
static void same_at_every_limit(const rc_dfa *all, const rc_pre *pre, const rc_dfa *res, const char *text,
                                size_t len, long want)
{
    for (size_t lim = 0; lim <= len + 1; lim++) {
        uint32_t m1[1], m2[1];
        rc_dfa_scan(all, text, len, lim, m1);
        pre_mask(pre, res, text, len, lim, m2, 1);
        assert_int_equal(m1[0], m2[0]);
        if (want >= 0 && lim > len) assert_int_equal(m2[0], (uint32_t)want);
    }
}

/* Inside each bucket the entries run by key, and a key's by pattern: the
 * generated first-match walk stops at the first pattern above the lowest
 * found (spec/patterns.md, "First match only"). */
static void assert_bucket_order(const rc_pre *p)
{
    for (int b = 0; b < (1 << p->bbits); b++)
        for (int x = p->start[b] + 1; x < p->start[b + 1]; x++) {
            const rc_pre_entry *u = &p->e[x - 1], *v = &p->e[x];
            assert_true(u->key < v->key || (u->key == v->key && u->pat <= v->pat));
        }
}

static int run_set(pset *s, int ntexts)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa all, res;
    rc_dfa_error err;
    rc_pre pre;
    int words = (s->n + 31) / 32, diffs = 0;
    if (!rc_dfa_build(&a, s->pats, s->n, 200000, &all, &err)) {
        rc_arena_free(&a);
        return -1;                      /* a pattern that matches the empty string etc.: skip */
    }
    assert_true(rc_pre_build(&a, s->pats, s->n, RC_DFA_MAX_STATES, &pre, &err));
    assert_bucket_order(&pre);
    rc_dfa_pattern sub[NP];
    for (int i = 0; i < pre.nresidual; i++) sub[i] = s->pats[pre.residual[i]];
    assert_true(rc_dfa_build(&a, sub, pre.nresidual, 200000, &res, &err));
    for (int t = 0; t < ntexts; t++) {
        char buf[200];
        uint32_t m1[8], m2[8];
        size_t len = random_text(buf, sizeof buf);
        size_t lim = rnd() % 4 == 0 ? rnd() % (len + 2) : 4096;
        rc_dfa_scan(&all, buf, len, lim, m1);
        pre_mask(&pre, &res, buf, len, lim, m2, words);
        if (memcmp(m1, m2, (size_t)words * 4) != 0) {
            if (diffs++ < 3) {
                printf("text '%.*s' len %zu limit %zu:", (int)len, buf, len, lim);
                for (int i = 0; i < s->n; i++)
                    if (((m1[i >> 5] ^ m2[i >> 5]) >> (i & 31)) & 1u)
                        printf(" pattern %d '%.*s'%s (dfa %u)", i, (int)s->alts[i][0].len, s->alts[i][0].text,
                               s->pats[i].icase ? "i" : "", (m1[i >> 5] >> (i & 31)) & 1u);
                printf("\n");
            }
        }
    }
    rc_arena_free(&a);
    return diffs;
}

static void test_factors(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_fac f[64];
    struct { const char *re; int n; const char *f0, *f1; } c[] = {
        { "open [A-Za-z]+ file", 1, "open ", NULL },
        { "conn(ect|ection)? reset", 1, " reset", NULL },
        { "abc|defgh", 2, "abc", "defgh" },
        { "(ab)+cd", 1, "ab", NULL },
        { "x(abcde)+", 1, "abcde", NULL },
        { "^time\\.out$", 1, "time.out", NULL },
        { "a{3}b?cccc", 1, "cccc", NULL },
        { "ab{2,4}cdefg", 1, "cdefg", NULL },
        { "\\x41\\x42C\\d", 1, "ABC", NULL },
        { "a*", 1, "", NULL },
        { "[abc]def[gh]", 1, "def", NULL },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        int n = rc_fac_regex(&a, c[i].re, strlen(c[i].re), f, 8);
        assert_int_equal(n, c[i].n);
        assert_int_equal(f[0].len, strlen(c[i].f0));
        if (f[0].len) assert_memory_equal(f[0].bytes, c[i].f0, f[0].len);
        if (c[i].f1) {
            assert_int_equal(f[1].len, strlen(c[i].f1));
            assert_memory_equal(f[1].bytes, c[i].f1, f[1].len);
        }
    }
    /* finite regexes: the literals they match */
    struct { const char *re; int n; const char *all; } x[] = {
        { "ab(c|d)e", 2, "abce|abde" },
        { "to ?a", 2, "toa|to a" },
        { "x{2,3}y", 1, "xxy" },    /* x{2,3} starts the branch */
        { "\\.\\x41|q(r|s)?", 2, ".A|q" },   /* (r|s)? ends it */
        { "a[bc]d", 2, "abd|acd" },
        { "ab+", 1, "ab" },                       /* the fewest copies at a branch's end */
        { "x*ab{2,}|c?de", 2, "abb|de" },
        { "ab+c", -1, "" },                       /* not at an end */
        { "a()b*c", -1, "" },                     /* b* is no end for the empty group before it */
        { "ab+$", -1, "" },
        { "^abc", -1, "" },
        { "(a|b|c|d)(e|f|g|h)(i|j)", -1, "" },     /* 32 strings: past the cap of 16 */
    };
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++) {
        char all[200] = "";
        int n = rc_fac_expand(&a, x[i].re, strlen(x[i].re), false, f, 16);
        assert_int_equal(n, x[i].n);
        for (int k = 0; k < n; k++) {
            if (k) strcat(all, "|");
            strncat(all, f[k].bytes ? f[k].bytes : "", f[k].len);
        }
        if (n > 0) assert_string_equal(all, x[i].all);
    }
    /* under ~i a class's letters count once */
    assert_int_equal(rc_fac_expand(&a, "[A-Za-z] in", 11, true, f, 32), 26);
    assert_int_equal(rc_fac_expand(&a, "[A-Za-z] in", 11, false, f, 64), 52);
    assert_int_equal(rc_fac_expand(&a, "\\x41bcd", 8, true, f, 4), 1);
    assert_memory_equal(f[0].bytes, "abcd", 4);
    /* equal lengths: the first wins ("(ab)+cd"); "a{3}b?cccc": the longer run */
    rc_arena_free(&a);
}

static void test_random_sets(void **state)
{
    (void)state;
    int sets = 0, total = 0;
    for (int k = 0; k < 200; k++) {
        static pset s;
        random_set(&s, 1 + (int)(rnd() % 40));
        int d = run_set(&s, 200);
        if (d < 0) continue;
        sets++;
        total += d;
    }
    printf("%d sets compared, %d differences\n", sets, total);
    assert_true(sets > 150);
    assert_int_equal(total, 0);
}

/* Hand-made edges: a key at the text's first and last bytes, texts shorter
 * than a key, the exact and icase spellings of one literal, a limit that
 * cuts a literal, NULs before a key. */
static void test_edges(void **state)
{
    (void)state;
    static pset s;
    const char *lits[] = { "abcd", "ABCD", "abcdef", "bcde", "cdefgh" };
    s.n = 0;
    for (int i = 0; i < 5; i++) {
        set_pat(&s, i, lits[i], strlen(lits[i]), false, i == 1);
        s.n++;
    }
    set_pat(&s, 5, "^abcd", 5, true, false);
    set_pat(&s, 6, "efgh$", 5, true, true);
    s.n = 7;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa all;
    rc_pre pre;
    build_both(&s, &a, &all, &pre);
    assert_int_equal(pre.nresidual, 0);
    assert_int_equal(pre.nconf, 2);
    const char *texts[] = { "", "a", "abc", "abcd", "ABCD", "aBcD", "abcdefgh", "xabcdefgH", "abcdeFGH",
                            "zzzzcdefgh", "ab\0cdefgh" };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
        same_at_every_limit(&all, &pre, NULL, texts[t], t == 10 ? 10 : strlen(texts[t]), -1);
    rc_arena_free(&a);
}

/* The pair filter: keys that begin with spaces against texts of fewer
 * than 4 bytes (k's unread top bytes look like spaces), an exact and a ~i
 * pattern whose key ends in a letter or in '-' (text "\r" folds to '-'
 * but never matches it), and a regex entry of such a key. */
static void test_pair_edges(void **state)
{
    (void)state;
    static pset s;
    set_pat(&s, 0, "  ab", 4, false, false);
    set_pat(&s, 1, "  xy.z", 6, true, false);
    set_pat(&s, 2, "qa-B", 4, false, true);
    set_pat(&s, 3, "Rs-t", 4, false, false);
    s.n = 4;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa all;
    rc_pre pre;
    build_both(&s, &a, &all, &pre);
    assert_int_equal(pre.nresidual, 0);
    assert_int_equal(pre.nconf, 1);
    const char *texts[] = { "ab", "xy", "xyaz", "  xyaz", "  XYaz", "AB", "  ab", "  AB", "QA-b", "qA\rB", "qa-b",
                            "Rs-t", "rS-T", "Rs\rt", "x  xy z" };
    uint32_t want[] = { 0, 0, 0, 2, 0, 0, 1, 0, 4, 0, 4, 8, 0, 0, 2 };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
        same_at_every_limit(&all, &pre, NULL, texts[t], strlen(texts[t]), (long)want[t]);
    rc_arena_free(&a);
}

/* Short keys (RC_PRE_SHORT): regexes whose factors have 2 bytes (their
 * confirmation DFAs), a 2-byte literal, a ~i 3-byte literal, a longer
 * literal beside a short one in one pattern; a 1-byte literal stays
 * residual.  Keys at the text's first and last bytes, cut by the limit,
 * after a NUL, in the other case. */
static void test_short_keys(void **state)
{
    (void)state;
    static pset s;
    set_pat(&s, 0, "a [A-Za-z]+", 11, true, false);
    set_pat(&s, 1, "ab", 2, false, false);
    set_pat(&s, 2, "xYz", 3, false, true);
    set_pat(&s, 3, "q", 1, false, false);
    set_alt(&s, 4, 0, "cd", 2, false);
    set_alt(&s, 4, 1, "timeout", 7, false);
    s.pats[4] = (rc_dfa_pattern){ s.alts[4], 2, false };
    set_pat(&s, 5, "2 [a-z]", 7, true, true);
    s.n = 6;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa all, res;
    rc_pre pre;
    build_both(&s, &a, &all, &pre);
    assert_int_equal(pre.nresidual, 1);
    assert_int_equal(pre.residual[0], 3);
    assert_true(pre.nshort > 0);
    rc_dfa_pattern sub[1] = { s.pats[3] };
    rc_dfa_error err;
    assert_true(rc_dfa_build(&a, sub, 1, 20000, &res, &err));
    const char *texts[] = { "", "a", "a b", "A b", "a  b", "xa Bc", "ab", "Ab", "xyz", "XYZ", "xy", "zcd", "c",
                            "timeout", "2 B", "2 b", "a\0b ab", "q a z", "ba Xab2 t" };
    uint32_t want[] = { 0, 0, 1, 0, 0, 1, 2, 0, 4, 4, 0, 16, 0, 16, 32, 32, 0, 9, 35 };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
        same_at_every_limit(&all, &pre, &res, texts[t], t == 16 ? 7 : strlen(texts[t]), (long)want[t]);
    rc_arena_free(&a);
}

/* The chosen plan (rc_pre_plan_build) of 100 patterns: a prefilter with a
 * residual part, scanned by rc_dfa_plan_scan like any plan. */
static void test_plan(void **state)
{
    (void)state;
    static pset s;
    int chose = 0;
    for (int k = 0; k < 6; k++) {
        random_set(&s, 100);
        rc_arena a;
        rc_arena_init(&a);
        rc_dfa all;
        rc_dfa_plan p;
        rc_dfa_error err;
        if (!rc_dfa_build(&a, s.pats, s.n, 200000, &all, &err)) { rc_arena_free(&a); continue; }
        assert_true(rc_pre_plan_build(&a, s.pats, s.n, RC_DFA_MAX_STATES, &p, &err));
        if (p.pre) chose++;
        for (int t = 0; t < 300; t++) {
            char buf[200];
            uint32_t m1[4], m2[4];
            size_t len = random_text(buf, sizeof buf);
            rc_dfa_scan(&all, buf, len, 4096, m1);
            rc_dfa_plan_scan(&p, buf, len, 4096, m2);
            assert_memory_equal(m1, m2, 16);
        }
        rc_arena_free(&a);
    }
    printf("prefilter chosen for %d of 6 sets of 100\n", chose);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_factors),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_pair_edges),
        cmocka_unit_test(test_short_keys),
        cmocka_unit_test(test_random_sets),
        cmocka_unit_test(test_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
