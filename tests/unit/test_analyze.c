/* test_analyze.c - property tests of the policy analyses: for random small
 * policies, every counter-example the analyses print, fed to the simulator
 * (compiler/back/sim.h), really shows the reported behaviour:
 *   - the fault of a non-exhaustive `classify` falls through every rule;
 *   - an unreachable rule is never taken (by its example fault, nor by any of
 *     many random faults), and its example is classified as the rule says;
 *   - an empty rule is never taken;
 *   - each `recovc diff` witness is classified as reported by both versions;
 *   - the fix a -Wdeadline / -Wdeadline-never note proposes silences it (the
 *     deadline it names, or the attempts it names), and one attempt more
 *     does not.
 * Rule i always maps to its own error e<i>, so the error the simulator
 * returns names the rule that was taken. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "check.h"
#include "diff.h"
#include "parse.h"
#include "sim.h"

#define NPOLICIES 300
#define NRULES 6

typedef struct rng { uint64_t s; } rng;

static uint32_t next(rng *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(r->s >> 33);
}

static int pick(rng *r, int n) { return (int)(next(r) % (uint32_t)n); }

static const char *const lits[] = {"a", "ab", "b", "abc", "x", "ba"};
static const char *const res[] = {"/^a/", "/b$/", "/a.c/", "/^x*$/"};
static const int consts[] = {0, 1, 5, 200, 503, 600};

static void atom(rng *r, char *buf, size_t n)
{
    switch (pick(r, 5)) {
    case 0: snprintf(buf, n, "status == %d", consts[pick(r, 6)]); break;
    case 1: { int a = consts[pick(r, 6)]; snprintf(buf, n, "status in %d..%d", a, a + pick(r, 300)); break; }
    case 2: snprintf(buf, n, "code < %d", pick(r, 11) - 5); break;
    case 3: snprintf(buf, n, "message ~ \"%s\"", lits[pick(r, 6)]); break;
    default: snprintf(buf, n, "message ~ %s", res[pick(r, 4)]); break;
    }
}

static void cond(rng *r, char *buf, size_t n)
{
    char a[96], b[96];
    atom(r, a, sizeof a);
    atom(r, b, sizeof b);
    switch (pick(r, 5)) {
    case 0: snprintf(buf, n, "%s", a); break;
    case 1: snprintf(buf, n, "%s && %s", a, b); break;
    case 2: snprintf(buf, n, "%s || %s", a, b); break;
    case 3: snprintf(buf, n, "!(%s)", a); break;
    default: snprintf(buf, n, "%s && !(%s)", a, b); break;
    }
}

/* A policy with NRULES random rules (rule i => e<i>), then `_ => fell`
 * when catchall; without it, `classify` must be exhaustive. */
static void gen(char *buf, size_t n, bool catchall, char conds[NRULES][256])
{
    size_t at = (size_t)snprintf(buf, n, "policy p version 1;\nfault { status : u16; code : i8; message : text; }\n"
                                         "class c retryable;\n");
    for (int i = 0; i < NRULES; i++) at += (size_t)snprintf(buf + at, n - at, "error e%d : c, low;\n", i);
    at += (size_t)snprintf(buf + at, n - at, "error fell : c, low;\nclassify {\n");
    for (int i = 0; i < NRULES; i++) at += (size_t)snprintf(buf + at, n - at, "    %s => e%d;\n", conds[i], i);
    if (catchall) at += (size_t)snprintf(buf + at, n - at, "    _ => fell;\n");
    snprintf(buf + at, n - at, "}\non _ { abort; }\n");
}

typedef struct unit {
    rc_arena a;
    rc_ir *ir;
    char *diag;
    size_t dlen;
} unit;

static void load(unit *u, const char *src)
{
    rc_arena_init(&u->a);
    u->diag = NULL;
    u->dlen = 0;
    FILE *f = open_memstream(&u->diag, &u->dlen);
    assert_non_null(f);
    rc_diag d;
    rc_diag_init(&d, "p.recov", src, strlen(src), f);
    rc_diag_option(&d, "no-unhandled-error");
    rc_diag_option(&d, "no-unused-error");
    rc_ast_policy *p = rc_parse(&u->a, &d, src, strlen(src));
    assert_int_equal(d.errors, 0);
    u->ir = rc_check(&u->a, &d, p);
    if (u->ir) rc_analyze(u->ir, &d);
    fclose(f);
}

static void unload(unit *u)
{
    free(u->diag);
    rc_arena_free(&u->a);
}

/* Parse `status=503 code=-3 message="a\x01"` into values (field order of
 * the generated policies: status, code, message). */
static void parse_fault(const char *s, rc_sim_value *v, char *text, size_t cap)
{
    memset(v, 0, 3 * sizeof *v);
    v[2].text = text;
    text[0] = '\0';
    while (*s && *s != '`' && *s != '\n') {
        while (*s == ' ') s++;
        if (strncmp(s, "status=", 7) == 0) v[0].i = strtoll(s + 7, (char **)&s, 10);
        else if (strncmp(s, "code=", 5) == 0) v[1].i = strtoll(s + 5, (char **)&s, 10);
        else if (strncmp(s, "message=\"", 9) == 0) {
            s += 9;
            size_t n = 0;
            while (*s && *s != '"' && n + 1 < cap) {
                if (*s == '\\') {
                    s++;
                    if (*s == 'x') { char hx[3] = {s[1], s[2], 0}; text[n++] = (char)strtol(hx, NULL, 16); s += 3; }
                    else { text[n++] = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s; s++; }
                } else {
                    text[n++] = *s++;
                }
            }
            text[n] = '\0';
            v[2].len = n;
            if (*s == '"') s++;
        } else {
            break;
        }
    }
}

static int classify(const rc_ir *ir, rc_arena *a, const rc_sim_value *v)
{
    rc_sim *s = rc_sim_new(a, ir);
    rc_sim_init(s, 0, 1);
    rc_sim_fault f = {v};
    return rc_sim_classify(s, &f, 0);
}

static int error_index(const rc_ir *ir, const char *name)
{
    for (int e = 0; e < ir->nerrors; e++)
        if (strcmp(ir->errors[e].name, name) == 0) return e;
    return -1;
}

static void random_fault(rng *r, rc_sim_value *v, char *text)
{
    static const char alpha[] = "abcx";
    v[0].i = pick(r, 2) ? consts[pick(r, 6)] + pick(r, 3) - 1 : pick(r, 1000);
    if (v[0].i < 0) v[0].i = 0;
    v[1].i = pick(r, 16) - 8;
    int n = pick(r, 5);
    for (int i = 0; i < n; i++) text[i] = alpha[pick(r, 4)];
    text[n] = '\0';
    v[2].text = text;
    v[2].len = (size_t)n;
}

static void test_classify_witnesses(void **state)
{
    (void)state;
    rng r = {20240601};
    int fallthrough = 0, unreachable = 0, empty = 0;
    char src[4096], text[256];
    for (int it = 0; it < NPOLICIES; it++) {
        char conds[NRULES][256];
        for (int i = 0; i < NRULES; i++) cond(&r, conds[i], sizeof conds[i]);
        /* without `_`: either exhaustive, or a witness that falls through */
        gen(src, sizeof src, false, conds);
        unit u;
        load(&u, src);
        const char *w = u.diag ? strstr(u.diag, "a fault matches no rule, for example: ") : NULL;
        unit c;
        gen(src, sizeof src, true, conds);
        load(&c, src);
        assert_non_null(c.ir);
        rc_sim_value v[3];
        if (w) {
            assert_null(u.ir);
            parse_fault(w + strlen("a fault matches no rule, for example: "), v, text, sizeof text);
            assert_int_equal(classify(c.ir, &c.a, v), error_index(c.ir, "fell"));
            fallthrough++;
        } else {
            assert_non_null(u.ir);
        }
        /* unreachable and empty rules: never taken */
        bool dead[NRULES] = {false};
        for (const char *p = c.diag; p && (p = strstr(p, "p.recov:")) != NULL; p++) {
            int line = atoi(p + 8);
            int rule = line - 12;   /* rules start on line 12 of the generated policy */
            const char *eol = strchr(p, '\n');
            bool unr = strstr(p, "rule can never match: the rules before it") && strstr(p, "rule can never match: the rules before it") < eol;
            bool emp = strstr(p, "no fault satisfies its condition") && strstr(p, "no fault satisfies its condition") < eol;
            if ((unr || emp) && rule >= 0 && rule < NRULES) {
                dead[rule] = true;
                unreachable += unr;
                empty += emp;
            }
            const char *ex = strstr(p, "for example `fail ");
            if (ex && ex < eol) {
                parse_fault(ex + strlen("for example `fail "), v, text, sizeof text);
                const char *by = strstr(ex, "is classified as '");
                assert_non_null(by);
                char name[32];
                sscanf(by + strlen("is classified as '"), "%31[^']", name);
                assert_int_equal(classify(c.ir, &c.a, v), error_index(c.ir, name));
            }
        }
        for (int k = 0; k < 300; k++) {
            random_fault(&r, v, text);
            int e = classify(c.ir, &c.a, v);
            for (int i = 0; i < NRULES; i++)
                if (dead[i] && e == error_index(c.ir, c.ir->errors[i].name)) {
                    fprintf(stderr, "rule %d reported dead but taken by status=%lld code=%lld message=\"%s\"\n%s\n%s",
                            i, (long long)v[0].i, (long long)v[1].i, text, src, c.diag);
                    fail();
                }
        }
        unload(&u);
        unload(&c);
    }
    fprintf(stderr, "fallthrough %d unreachable %d empty %d\n", fallthrough, unreachable, empty);
    /* the generator must exercise every kind of report */
    assert_true(fallthrough > 10);
    assert_true(unreachable > 10);
    assert_true(empty > 3);
}

static void test_diff_witnesses(void **state)
{
    (void)state;
    rng r = {7};
    char src[4096], text[256];
    int witnesses = 0;
    for (int it = 0; it < NPOLICIES / 2; it++) {
        char c1[NRULES][256], c2[NRULES][256];
        for (int i = 0; i < NRULES; i++) {
            cond(&r, c1[i], sizeof c1[i]);
            if (pick(&r, 3)) memcpy(c2[i], c1[i], sizeof c2[i]);
            else cond(&r, c2[i], sizeof c2[i]);
        }
        unit a, b;
        gen(src, sizeof src, true, c1);
        load(&a, src);
        gen(src, sizeof src, true, c2);
        load(&b, src);
        assert_non_null(a.ir);
        assert_non_null(b.ir);
        char *out = NULL;
        size_t olen = 0;
        FILE *f = open_memstream(&out, &olen);
        int rc = rc_diff(a.ir, b.ir, f);
        fclose(f);
        int lines = 0;
        for (const char *p = out; (p = strstr(p, "classify: `fail ")) != NULL; p++) {
            rc_sim_value v[3];
            parse_fault(p + strlen("classify: `fail "), v, text, sizeof text);
            char was[32], now[32];
            const char *w = strstr(p, "` was '");
            assert_non_null(w);
            assert_int_equal(sscanf(w, "` was '%31[^']'", was), 1);
            const char *nw = strstr(w, ", now '");
            assert_non_null(nw);
            assert_int_equal(sscanf(nw, ", now '%31[^']'", now), 1);
            assert_int_equal(classify(a.ir, &a.a, v), error_index(a.ir, was));
            assert_int_equal(classify(b.ir, &b.a, v), error_index(b.ir, now));
            lines++;
        }
        witnesses += lines;
        /* identical rules: no classification difference */
        if (memcmp(c1, c2, sizeof c1) == 0) assert_int_equal(lines, 0);
        if (lines) assert_int_equal(rc, 1);
        free(out);
        unload(&a);
        unload(&b);
    }
    fprintf(stderr, "diff witnesses %d\n", witnesses);
    assert_true(witnesses > 20);
}

/* A block with one retry step and a deadline. */
static void gen_deadline(char *buf, size_t n, int attempts, const char *backoff, int jitter, unsigned deadline)
{
    char jit[32] = "";
    if (jitter) snprintf(jit, sizeof jit, " jitter %d%%;", jitter);
    snprintf(buf, n, "policy p version 1;\nfault { status : u16; }\nclass c retryable;\nerror e : c, high;\n"
                     "classify { _ => e; }\nretry r { attempts %d; backoff %s;%s }\n"
                     "on e { deadline %ums; retry r; abort; }\n", attempts, backoff, jit, deadline);
}

static bool deadline_warned(const unit *u)
{
    return u->diag && (strstr(u->diag, "[-Wdeadline]") || strstr(u->diag, "[-Wdeadline-never]") ||
                       strstr(u->diag, "[-Werror=deadline-never]"));
}

static void test_deadline_fix(void **state)
{
    (void)state;
    static const char *const backoffs[] = {
        "constant base 700ms", "linear base 300ms", "exponential base 100ms factor 2",
        "exponential base 250ms factor 3 max 4s", "linear base 1s max 2500ms"};
    static const int jitters[] = {0, 10, 25, 50};
    rng r = {11};
    char src[1024];
    int fixes = 0, attempt_fixes = 0;
    for (int it = 0; it < NPOLICIES; it++) {
        int attempts = 1 + pick(&r, 7);
        const char *bo = backoffs[pick(&r, 5)];
        int jit = jitters[pick(&r, 4)];
        unsigned deadline = 100u + (unsigned)pick(&r, 8000);
        unit u;
        gen_deadline(src, sizeof src, attempts, bo, jit, deadline);
        load(&u, src);
        assert_non_null(u.ir);
        const char *fix = u.diag ? strstr(u.diag, "note: fix: raise the deadline to at least ") : NULL;
        /* a fix note exactly when the warning is there */
        assert_int_equal(fix != NULL, deadline_warned(&u));
        if (!fix) { unload(&u); continue; }
        fixes++;
        unsigned long long need = 0;
        assert_int_equal(sscanf(fix, "note: fix: raise the deadline to at least %llu ms", &need), 1);
        int k = -1;
        const char *at = strstr(fix, "' at most ");
        if (at) assert_int_equal(sscanf(at, "' at most %d attempt", &k), 1);
        unload(&u);
        /* the deadline it names holds every retry; 1 ms less does not */
        unit v;
        gen_deadline(src, sizeof src, attempts, bo, jit, (unsigned)need);
        load(&v, src);
        assert_false(deadline_warned(&v));
        unload(&v);
        gen_deadline(src, sizeof src, attempts, bo, jit, (unsigned)need - 1u);
        load(&v, src);
        assert_true(deadline_warned(&v));
        unload(&v);
        if (k < 0) continue;   /* "even the first retry can take longer" */
        /* k attempts fit the original deadline, k + 1 do not */
        assert_true(k >= 1 && k < attempts);
        attempt_fixes++;
        gen_deadline(src, sizeof src, k, bo, jit, deadline);
        load(&v, src);
        assert_false(deadline_warned(&v));
        unload(&v);
        gen_deadline(src, sizeof src, k + 1, bo, jit, deadline);
        load(&v, src);
        assert_true(deadline_warned(&v));
        unload(&v);
    }
    fprintf(stderr, "deadline fixes %d (attempts %d)\n", fixes, attempt_fixes);
    assert_true(fixes > 50);
    assert_true(attempt_fixes > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_witnesses),
        cmocka_unit_test(test_diff_witnesses),
        cmocka_unit_test(test_deadline_fix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
