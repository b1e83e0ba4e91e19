/* test_dfa_plan.c - the splitter (compiler/patterns/dfa_plan.c): pattern sets
 * too large for one DFA -> consecutive groups, each within the state budget,
 * whose scans ORed together equal the scan of one DFA of all patterns. */
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

#define NP 200

typedef struct pset {
    rc_dfa_pattern pats[NP];
    rc_dfa_alt alts[NP];
    char text[NP][40];
    int n;
} pset;

static void add(pset *s, const char *src, bool regex, bool icase)
{
    assert_true(s->n < NP);
    snprintf(s->text[s->n], sizeof s->text[s->n], "%s", src);
    s->alts[s->n] = (rc_dfa_alt){ s->text[s->n], strlen(s->text[s->n]), regex };
    s->pats[s->n] = (rc_dfa_pattern){ &s->alts[s->n], 1, icase };
    s->n++;
}

static uint32_t rnd_state = 12345u;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) & 0xFFFFFFu;
}

/* Random texts built from pieces of the patterns' own letters. */
static void random_text(char *buf, size_t cap)
{
    static const char *const pieces[] = { "ab", "ba", "x", "y", "hello", "HeLLo", "wor", "ld", "cd", "dc", "z",
                                          " ", "e1", "e2", "aab", "abab", "q", "efef", "ghhg", "ijji", "klk",
                                          "mnnm", "opop", "e", "g", "i", "k", "m", "o" };
    size_t n = 0, want = 1 + rnd() % (cap - 12);
    while (n < want) {
        const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
        size_t l = strlen(p);
        if (n + l >= cap) break;
        memcpy(buf + n, p, l);
        n += l;
    }
    buf[n] = '\0';
}

/* The plan's groups are consecutive, cover every pattern, stay within the
 * budget, and scan like one DFA of all patterns. */
static void check_plan(const pset *s, int budget, int min_groups)
{
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa_plan plan;
    rc_dfa_error err;
    assert_true(rc_dfa_plan_build(&a, s->pats, s->n, budget, &plan, &err));
    assert_int_equal(plan.budget, budget);
    assert_int_equal(plan.npatterns, s->n);
    assert_int_equal(plan.words, (s->n + 31) / 32);
    if (plan.ngroups < min_groups) fail_msg("%d groups, expected at least %d", plan.ngroups, min_groups);
    bool *seen = calloc((size_t)s->n + 1, 1);
    int total = 0;
    for (int g = 0; g < plan.ngroups; g++) {
        const rc_dfa_group *gr = &plan.groups[g];
        assert_true(gr->count >= 1);
        assert_int_equal(gr->dfa.npatterns, gr->count);
        assert_true(gr->dfa.nstates <= budget);
        for (int j = 0; j < gr->count; j++) {
            int p = gr->pats[j];
            assert_true(p >= 0 && p < s->n);
            assert_false(seen[p]);              /* every pattern in one group */
            seen[p] = true;
            if (j > 0) assert_true(gr->pats[j - 1] < p);
        }
        total += gr->count;
    }
    assert_int_equal(total, s->n);
    free(seen);

    rc_dfa whole;
    assert_true(rc_dfa_build(&a, s->pats, s->n, 10000000, &whole, &err));
    uint32_t m1[NP / 32 + 1], m2[NP / 32 + 1];
    char buf[80];
    int hits = 0;
    for (int i = 0; i < 3000; i++) {
        if (i < s->n) snprintf(buf, sizeof buf, "%.30s", s->text[i]);   /* every literal once */
        else random_text(buf, sizeof buf);
        rc_dfa_scan(&whole, buf, strlen(buf), SIZE_MAX, m1);
        memset(m2, 0xA5, sizeof m2);
        rc_dfa_plan_scan(&plan, buf, strlen(buf), SIZE_MAX, m2);
        for (int w = 0; w < plan.words; w++) {
            if (m1[w] != m2[w]) fail_msg("text '%s' word %d: one DFA %08x, plan %08x", buf, w, m1[w], m2[w]);
            if (m1[w]) hits++;
        }
        /* the limit cuts the text in both the same way */
        rc_dfa_scan(&whole, buf, strlen(buf), 5, m1);
        rc_dfa_plan_scan(&plan, buf, strlen(buf), 5, m2);
        for (int w = 0; w < plan.words; w++) assert_int_equal(m1[w], m2[w]);
    }
    assert_true(hits > 100);
    rc_arena_free(&a);
}

/* A set that fits gives one group, whose DFA is the one DFA of the set. */
static void test_one_group(void **st)
{
    (void)st;
    pset *s = calloc(1, sizeof *s);
    add(s, "hello", false, false);
    add(s, "world", false, true);
    add(s, "a[ab]{3}x", true, false);
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa_plan plan;
    rc_dfa one;
    rc_dfa_error err;
    assert_true(rc_dfa_plan_build(&a, s->pats, s->n, 0, &plan, &err));
    assert_int_equal(plan.budget, RC_DFA_MAX_STATES);
    assert_int_equal(plan.ngroups, 1);
    assert_true(rc_dfa_build(&a, s->pats, s->n, 0, &one, &err));
    const rc_dfa *d = &plan.groups[0].dfa;
    assert_int_equal(d->nstates, one.nstates);
    assert_int_equal(d->nclasses, one.nclasses);
    assert_memory_equal(d->trans, one.trans, (size_t)one.nstates * (size_t)one.nclasses * sizeof *one.trans);
    assert_memory_equal(d->acc, one.acc, (size_t)one.nstates * sizeof *one.acc);
    rc_arena_free(&a);
    check_plan(s, RC_DFA_MAX_STATES, 1);
    free(s);
}

/* Literals with a small budget: many groups, boundaries inside words. */
static void test_literals_split(void **st)
{
    (void)st;
    pset *s = calloc(1, sizeof *s);
    char w[40];
    for (int i = 0; i < 150; i++) {
        snprintf(w, sizeof w, "%s%d%s", i % 3 ? "ab" : "HeLLo", i, i % 2 ? "x" : "y");
        add(s, w, false, i % 5 == 0);
    }
    check_plan(s, 60, 6);
    free(s);
}

/* Heavy regexes (each about 2^7 states) mixed with literals and anchors. */
static void test_regex_split(void **st)
{
    (void)st;
    pset *s = calloc(1, sizeof *s);
    char w[40];
    for (int i = 0; i < 70; i++) {
        switch (i % 5) {
        case 0:
        case 1: {   /* each over its own pair of letters, so their states add up */
            const char *pr = &"abcdefghijklmnop"[2 * ((i / 5 * 2 + i % 5) % 8)];
            snprintf(w, sizeof w, "%c[%c%c]{6}%c", pr[0], pr[0], pr[1], "xyzq"[i % 4]);
            add(s, w, true, false);
            break;
        }
        case 2: snprintf(w, sizeof w, "^e%d", i); add(s, w, true, false); break;
        case 3: snprintf(w, sizeof w, "(ab|ba)+%d$", i % 10); add(s, w, true, false); break;
        default: snprintf(w, sizeof w, "hello%d", i); add(s, w, false, true); break;
        }
    }
    check_plan(s, 400, 3);
    free(s);
}

/* Only a pattern that alone needs more than the budget fails, named. */
static void test_single_explosion(void **st)
{
    (void)st;
    pset *s = calloc(1, sizeof *s);
    for (int i = 0; i < 40; i++) add(s, i % 2 ? "hello" : "world", false, false);
    add(s, "(a|b)*a(a|b){20}", true, false);
    add(s, "tail", false, false);
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa_plan plan;
    rc_dfa_error err;
    assert_false(rc_dfa_plan_build(&a, s->pats, s->n, 0, &plan, &err));
    assert_int_equal(err.pattern, 40);
    assert_true(rc_dfa_plan_too_big(&err));
    assert_string_equal(err.message, "this pattern alone needs more than 20000 DFA states");
    /* a syntax error is reported as such, numbered in the field */
    s->n = 0;
    for (int i = 0; i < 40; i++) add(s, "a[ab]{6}x", true, false);
    add(s, "bad(", true, false);
    assert_false(rc_dfa_plan_build(&a, s->pats, s->n, 300, &plan, &err));
    assert_int_equal(err.pattern, 40);
    assert_false(rc_dfa_plan_too_big(&err));
    rc_arena_free(&a);
    free(s);
}

/* No patterns: one empty group. */
static void test_empty(void **st)
{
    (void)st;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa_plan plan;
    rc_dfa_error err;
    assert_true(rc_dfa_plan_build(&a, NULL, 0, 0, &plan, &err));
    assert_int_equal(plan.ngroups, 1);
    assert_int_equal(plan.words, 0);
    rc_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_group),
        cmocka_unit_test(test_literals_split),
        cmocka_unit_test(test_regex_split),
        cmocka_unit_test(test_single_explosion),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
