/* fuzz_dfa.c - regex-to-DFA construction (compiler/patterns/dfa.h) on fuzzed patterns,
 * checked against a reference matcher on fuzzed texts.
 *
 * The first input byte picks the mode:
 *  - even: STRUCTURED.  The input drives a generator of regex trees (sets,
 *    `.`, `[^..]`, `^`, `$`, concatenation, `|`, `* + ? {n} {n,} {n,m}`) over
 *    the alphabet a b c; each tree is rendered to the pattern syntax of
 *    spec/patterns.md, up to 4 patterns of up to 2 alternatives (some
 *    case-insensitive) are built into one DFA, and every text decoded from the
 *    rest of the input (bytes a b c A \n and others) must get, per pattern,
 *    the verdict of the reference matcher (a set-of-positions backtracking
 *    search over the tree, copied from tests/unit/test_dfa.c), hence also
 *    the same first matching pattern (classify's first-match rule).  The
 *    runtime scanners (recov_dfa_scan16 and the compact recov_dfa_scan8c /
 *    recov_dfa_scan16c, compiler/patterns/dfa_pack.h) must agree too.
 *  - odd: RAW.  The input is split into up to 4 length-prefixed patterns of
 *    up to 3 alternatives of arbitrary bytes, regex or literal.  Building must
 *    end in a DFA or an error (never a crash, UB or runaway); on success the
 *    reference scan, both runtime scanners, and (for all-literal patterns) a
 *    plain substring search must agree on texts taken from the input.
 * In both modes the literal prefilter of the same patterns
 * (compiler/patterns/prefilter.h: keys, in-place literal confirmation,
 * confirmation DFAs, a residual DFA) must give the DFA's mask too, with the
 * whole text and with a limit cutting it in half.
 * A disagreement prints the patterns and the text, then aborts. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dfa.h"
#include "dfa_pack.h"
#include "prefilter.h"
#include "recov/recov.h"
#include "dfa_rt.h"
#include "regex_ref.h"

/* ---- input reader -------------------------------------------------------- */

typedef struct in {
    const uint8_t *p;
    size_t n, at;
} in;

static unsigned byte(in *r)
{
    return r->at < r->n ? r->p[r->at++] : 0u;
}

static unsigned pick(in *r, unsigned n)
{
    return byte(r) % n;
}

/* ---- the reference (tests/unit/test_dfa.c) ------------------------------- */


#define POOL 4096
static rnode pool[POOL];
static int used;

static rnode *rnew(int kind)
{
    if (used >= POOL) abort();
    rnode *n = &pool[used++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    return n;
}

static rnode *gen(in *r, int depth)
{
    unsigned k = pick(r, depth > 0 ? 12u : 6u);
    rnode *n;
    switch (k) {
    case 0: case 1: case 2:
        n = rnew(R_SET);
        n->in[(unsigned char)"abc"[pick(r, 3)]] = true;
        return n;
    case 3:
        n = rnew(R_SET);
        n->in['\n'] = true;
        n->neg = true;
        return n;
    case 4:
        n = rnew(R_SET);
        n->in[(unsigned char)"abc"[pick(r, 3)]] = true;
        n->in[(unsigned char)"abc"[pick(r, 3)]] = true;
        n->neg = pick(r, 2) == 0;
        return n;
    case 5:
        return rnew(pick(r, 2) ? R_BOL : R_EOL);
    case 6: case 7: case 8:
        n = rnew(R_CAT);
        n->nk = 2 + (int)pick(r, 2);
        for (int i = 0; i < n->nk; i++) n->k[i] = gen(r, depth - 1);
        return n;
    case 9:
        n = rnew(R_ALT);
        n->nk = 2;
        for (int i = 0; i < n->nk; i++) n->k[i] = gen(r, depth - 1);
        return n;
    default: {
        static const int mm[][2] = { { 0, -1 }, { 1, -1 }, { 0, 1 }, { 2, 2 }, { 1, 3 }, { 2, -1 }, { 0, 2 } };
        n = rnew(R_REP);
        n->nk = 1;
        n->k[0] = gen(r, depth - 1);
        if (n->k[0]->kind == R_BOL || n->k[0]->kind == R_EOL) {   /* nothing to repeat */
            n->k[0]->kind = R_SET;
            n->k[0]->in['a'] = true;
        }
        unsigned q = pick(r, 7);
        n->min = mm[q][0];
        n->max = mm[q][1];
        return n;
    }
    }
}



/* ---- runtime tables ------------------------------------------------------ */

static rc_rt_tables rt;

static void convert(const rc_dfa *d)
{
    rc_rt_convert(d, &rt);
}

/* ---- checks -------------------------------------------------------------- */

#define NP 4
#define NA 3

typedef struct set {
    int np;
    int nalts[NP];
    rc_dfa_alt alts[NP][NA];
    rc_dfa_pattern pats[NP];
    char text[NP][NA][1024];
} set;
static set S;

static void print_set(void)
{
    for (int p = 0; p < S.np; p++)
        for (int i = 0; i < S.nalts[p]; i++) {
            fprintf(stderr, "pattern %d%s alt %d (%s): ", p, S.pats[p].icase ? " icase" : "", i,
                    S.alts[p][i].is_regex ? "regex" : "literal");
            for (size_t k = 0; k < S.alts[p][i].len; k++) fprintf(stderr, "\\x%02x", (unsigned char)S.alts[p][i].text[k]);
            fprintf(stderr, "\n");
        }
}

static void dump(const char *t, size_t len, uint32_t got, uint32_t want, const char *what)
{
    print_set();
    fprintf(stderr, "text:");
    for (size_t k = 0; k < len; k++) fprintf(stderr, "\\x%02x", (unsigned char)t[k]);
    fprintf(stderr, "\n%s: got %#x, want %#x\n", what, got, want);
    abort();
}

static int first_bit(uint32_t m)
{
    for (int i = 0; i < 32; i++)
        if (m >> i & 1u) return i;
    return -1;
}

/* the prefilter of the current set and its residual DFA (pre_setup) */
static struct {
    bool live;
    rc_pre pre;
    rc_dfa res;
} pf;

static void pre_setup(rc_arena *a)
{
    rc_dfa_error err;
    rc_dfa_pattern sub[8];
    pf.live = rc_pre_build(a, S.pats, S.np, 4000, &pf.pre, &err);
    if (!pf.live) return;
    for (int i = 0; i < pf.pre.nresidual; i++) sub[i] = S.pats[pf.pre.residual[i]];
    pf.live = rc_dfa_build(a, sub, pf.pre.nresidual, 4000, &pf.res, &err);
}

static uint32_t pre_mask(const char *t, size_t len, size_t limit)
{
    uint32_t m = 0, r = 0;
    rc_pre_scan(&pf.pre, t, len, limit, &m);
    rc_dfa_scan(&pf.res, t, len, limit, &r);
    for (int i = 0; i < pf.pre.nresidual; i++)
        if (r >> i & 1u) m |= 1u << pf.pre.residual[i];
    return m;
}

/* the DFA, both runtime scanners and `want` agree on t (a C string) */
static void check_text(const rc_dfa *d, const char *t, size_t len, uint32_t want)
{
    uint32_t got = 0;
    if (pf.live) {
        uint32_t half = 0;
        if (pre_mask(t, len, RECOV_MAX_TEXT) != want) dump(t, len, pre_mask(t, len, RECOV_MAX_TEXT), want,
                                                           "prefilter vs reference");
        rc_dfa_scan(d, t, len, len / 2, &half);
        if (pre_mask(t, len, len / 2) != half) dump(t, len, pre_mask(t, len, len / 2), half, "prefilter, limit len/2");
    }
    rc_dfa_scan(d, t, len, RECOV_MAX_TEXT, &got);
    if (got != want) dump(t, len, got, want, "dfa vs reference");
    if (first_bit(got) != first_bit(want)) dump(t, len, got, want, "first match");
    if (rt.has16) {
        uint32_t m = 0;
        recov_dfa_scan16(&rt.d16, t, RECOV_MAX_TEXT, &m);
        if (m != want) dump(t, len, m, want, "recov_dfa_scan16 vs reference");
    }
    if (rt.has8c) {
        uint32_t m = 0;
        recov_dfa_scan8c(&rt.d8c, t, RECOV_MAX_TEXT, &m);
        if (m != want) dump(t, len, m, want, "recov_dfa_scan8c vs reference");
    }
    if (rt.has16c) {
        uint32_t m = 0;
        recov_dfa_scan16c(&rt.d16c, t, RECOV_MAX_TEXT, &m);
        if (m != want) dump(t, len, m, want, "recov_dfa_scan16c vs reference");
    }
}

static bool build(rc_arena *a, rc_dfa *d, int max_states)
{
    rc_dfa_error err;
    return rc_dfa_build(a, S.pats, S.np, max_states, d, &err);
}

static void structured(in *r)
{
    rnode *roots[NP][NA];
    used = 0;
    S.np = 1 + (int)pick(r, NP);
    for (int p = 0; p < S.np; p++) {
        bool icase = pick(r, 4) == 0;
        S.nalts[p] = 1 + (int)pick(r, 2);
        for (int i = 0; i < S.nalts[p]; i++) {
            roots[p][i] = gen(r, 4);
            size_t at = 0;
            S.text[p][i][0] = 0;
            rc_ref_render(roots[p][i], S.text[p][i], &at);
            rc_dfa_error err;
            if (!rc_dfa_check_regex(S.text[p][i], at, &err)) {
                /* only a pattern matching every text may be refused */
                if (strstr(err.message, "every text") == NULL || !rc_ref_search(roots[p][i], "", 0, false)) {
                    fprintf(stderr, "/%s/ refused: %s\n", S.text[p][i], err.message);
                    abort();
                }
                return;
            }
            S.alts[p][i] = (rc_dfa_alt){ S.text[p][i], at, true };
        }
        S.pats[p] = (rc_dfa_pattern){ S.alts[p], S.nalts[p], icase };
    }
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    rc_dfa_error err;
    if (!rc_dfa_build(&a, S.pats, S.np, 0, &d, &err)) {
        /* the documented state bound (dfa.h) may refuse a set that explodes,
         * e.g. `.` under nested counted repetitions; nothing else may */
        if (strstr(err.message, "DFA states") != NULL) {
            if (getenv("FUZZ_DFA_VERBOSE")) {
                print_set();
                fprintf(stderr, "%s\n", err.message);
            }
            rc_arena_free(&a);
            return;
        }
        dump("", 0, 0, 0, err.message);
    }
    convert(&d);
    pre_setup(&a);
    static const char alphabet[] = "abcAbcaB\n\x80";
    for (int t = 0; t < 16 && r->at < r->n; t++) {
        char s[16];
        int len = (int)pick(r, 13);
        for (int i = 0; i < len; i++) s[i] = alphabet[pick(r, sizeof alphabet - 1)];
        s[len] = 0;
        uint32_t want = 0;
        for (int p = 0; p < S.np; p++)
            for (int i = 0; i < S.nalts[p]; i++)
                if (rc_ref_search(roots[p][i], s, len, S.pats[p].icase)) want |= 1u << p;
        check_text(&d, s, (size_t)len, want);
    }
    rc_arena_free(&a);
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool contains(const char *t, size_t n, const char *lit, size_t l, bool icase)
{
    for (size_t i = 0; i + l <= n; i++) {
        size_t k = 0;
        while (k < l && (icase ? lower((unsigned char)t[i + k]) == lower((unsigned char)lit[k])
                               : t[i + k] == lit[k]))
            k++;
        if (k == l) return true;
    }
    return false;
}

static void raw(in *r)
{
    S.np = 1 + (int)pick(r, NP);
    bool all_literal[NP];
    for (int p = 0; p < S.np; p++) {
        unsigned flags = byte(r);
        S.nalts[p] = 1 + (int)(flags % NA);
        all_literal[p] = true;
        for (int i = 0; i < S.nalts[p]; i++) {
            size_t len = pick(r, 48);
            if (len > r->n - r->at) len = r->n - r->at;
            memcpy(S.text[p][i], r->p + r->at, len);
            r->at += len;
            bool is_regex = (flags >> (2 + i) & 1u) != 0;
            all_literal[p] = all_literal[p] && !is_regex;
            S.alts[p][i] = (rc_dfa_alt){ S.text[p][i], len, is_regex };
        }
        S.pats[p] = (rc_dfa_pattern){ S.alts[p], S.nalts[p], (flags & 2u) != 0 };
    }
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa d;
    if (build(&a, &d, 4000)) {
        convert(&d);
        pre_setup(&a);
        /* texts: the rest of the input in NUL-separated pieces, plus each
         * literal alternative itself (which its pattern must match) */
        char t[256];
        for (int k = 0; k < 8 && r->at < r->n; k++) {
            size_t len = 0;
            while (r->at < r->n && len < sizeof t - 1 && r->p[r->at]) t[len++] = (char)r->p[r->at++];
            if (r->at < r->n) r->at++;
            t[len] = 0;
            uint32_t want = 0, got = 0;
            rc_dfa_scan(&d, t, len, RECOV_MAX_TEXT, &got);
            want = got;     /* regexes: the reference is the DFA itself; literals below */
            for (int p = 0; p < S.np; p++) {
                if (!all_literal[p]) continue;
                bool m = false;
                for (int i = 0; i < S.nalts[p]; i++)
                    m = m || contains(t, len, S.alts[p][i].text, S.alts[p][i].len, S.pats[p].icase);
                want = m ? want | 1u << p : want & ~(1u << p);
            }
            check_text(&d, t, len, want);
        }
    }
    rc_arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    in r = { data, size, 0 };
    if (size == 0) return 0;
    if (byte(&r) & 1u) raw(&r);
    else structured(&r);
    return 0;
}
