/* test_regex.c - regex syntax (compiler/patterns/regex.c via rc_dfa_check_regex):
 * what is accepted, and the exact message and byte offset of each error. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dfa.h"
#include "regex.h"

static void accepts(const char *re)
{
    rc_dfa_error err;
    if (!rc_dfa_check_regex(re, strlen(re), &err))
        fail_msg("/%s/ rejected at %zu: %s", re, err.offset, err.message);
}

static void rejects(const char *re, size_t offset, const char *message)
{
    rc_dfa_error err;
    memset(&err, 0x55, sizeof err);
    if (rc_dfa_check_regex(re, strlen(re), &err)) fail_msg("/%s/ accepted", re);
    assert_int_equal(err.pattern, -1);
    assert_int_equal(err.alt, 0);
    assert_string_equal(err.message, message);
    assert_int_equal(err.offset, offset);
}

static void test_accepts(void **state)
{
    (void)state;
    accepts("a");
    accepts("timed out");
    accepts("conn(ect|ection)? reset");
    accepts("[]a]");            /* ']' first in a class is literal */
    accepts("[^]]");
    accepts("[a-]");            /* '-' last is literal */
    accepts("[\\]\\-]");
    accepts("a{0,3}b");
    accepts("a{255}");
    accepts("x{2,}");
    accepts("(?:ab)+");
    accepts("\\.\\/\\\\\\{\\}\\*\\+\\?\\|\\^\\$\\(\\)\\[\\]\\\"");
    accepts("\\d+\\s\\w\\D\\W\\S\\n\\t\\r\\x41\\xfF");
    accepts("[\\d\\s_]x");
    accepts("}]");              /* stray closers are literals */
    accepts("(a|b|)c");
    accepts("^$");              /* only the empty text */
    accepts("^a|b$");
    accepts("a(?:)");
    accepts("((((a))))");
}

static void test_rejects(void **state)
{
    (void)state;
    rejects("a)", 1, "unbalanced ')'");
    rejects("(ab", 0, "missing ')'");
    rejects("x(a(b)", 1, "missing ')'");
    rejects("(?", 0, "missing ')'");
    rejects("(?b)", 0, "unsupported group '(?b' (only '(?:' is supported)");
    rejects("*a", 0, "nothing to repeat before '*'");
    rejects("a|+b", 2, "nothing to repeat before '+'");
    rejects("(?a", 0, "unsupported group '(?a' (only '(?:' is supported)");
    rejects("(?:?)", 3, "nothing to repeat before '?'");
    rejects("{2}", 0, "nothing to repeat before '{'");
    rejects("^*", 1, "nothing to repeat before '*'");
    rejects("a$?", 2, "nothing to repeat before '?'");
    rejects("a**", 2, "'*' after a repetition (nest with (?:...) instead; lazy and possessive forms are not supported)");
    rejects("a+?", 2, "'?' after a repetition (nest with (?:...) instead; lazy and possessive forms are not supported)");
    rejects("ab[cd", 2, "unterminated character class");
    rejects("[]", 0, "unterminated character class");
    rejects("[a\\]", 0, "unterminated character class");
    rejects("a\\q", 1, "invalid escape '\\q'");
    rejects("a\\0", 1, "invalid escape '\\0'");
    rejects("a\\ ", 1, "invalid escape '\\\\x20'");
    rejects("[\\b]", 1, "invalid escape '\\b'");
    rejects("ab\\", 2, "trailing backslash");
    rejects("\\xg1", 0, "invalid escape '\\x': expected two hex digits");
    rejects("x\\x4", 1, "invalid escape '\\x': expected two hex digits");
    rejects("[z-a]", 1, "invalid range z-a in class");
    rejects("q[ab-\\x01]", 3, "invalid range b-\\x01 in class");
    rejects("[\\d-z]", 1, "class escape '\\d' cannot start a range");
    rejects("[a-\\w]", 3, "class escape '\\w' cannot end a range");
    rejects("a{3,1}", 1, "bad repetition {3,1}");
    rejects("a{256}", 1, "repetition count 256 exceeds 255");
    rejects("a{1,999999999999}", 1, "repetition count 999999999999 exceeds 255");
    rejects("a{1,x}", 1, "invalid repetition: expected {n}, {n,} or {n,m}");
    rejects("a{", 1, "invalid repetition: expected {n}, {n,} or {n,m}");
    rejects("a{,3}", 1, "invalid repetition: expected {n}, {n,} or {n,m}");
    rejects("(a{255}){255}", 8, "repetition too large (more than 20000 NFA states)");
    rejects("xy(?:a{100}b{100}){101}", 18, "repetition too large (more than 20000 NFA states)");
    rejects("", 0, "empty pattern matches every text");
    rejects("a*", 0, "pattern matches the empty string, so it matches every text");
    rejects("^", 0, "pattern matches the empty string, so it matches every text");
    rejects("$", 0, "pattern matches the empty string, so it matches every text");
    rejects("x?$", 0, "pattern matches the empty string, so it matches every text");
    rejects("a|", 0, "pattern matches the empty string, so it matches every text");
    rejects("()", 0, "pattern matches the empty string, so it matches every text");
    rejects("a{0}", 0, "pattern matches the empty string, so it matches every text");
}

static void test_nesting_limit(void **state)
{
    (void)state;
    char re[2 * RC_REGEX_MAX_DEPTH + 8];
    size_t n = 0;
    for (int i = 0; i < RC_REGEX_MAX_DEPTH; i++) re[n++] = '(';
    re[n++] = 'a';
    for (int i = 0; i < RC_REGEX_MAX_DEPTH; i++) re[n++] = ')';
    re[n] = 0;
    accepts(re);
    memmove(re + 1, re, n + 1);
    re[0] = '(';
    re[n + 1] = ')';
    re[n + 2] = 0;
    rejects(re, RC_REGEX_MAX_DEPTH, "groups nested more than 200 deep");
}

/* The NFA sizes the parser predicts are the sizes compiled. */
static void test_nfa_sizes(void **state)
{
    (void)state;
    static const struct { const char *re; int states; } cases[] = {
        { "a", 1 }, { "ab", 2 }, { "a|b", 3 }, { "a*", 2 }, { "a+", 2 }, { "a?", 2 },
        { "a{2,3}", 4 }, { "a{3}", 3 }, { "a{2,}", 3 }, { "^a$", 3 }, { "(ab){2}", 4 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        rc_arena a;
        rc_arena_init(&a);
        rc_nfa n;
        rc_dfa_error err;
        rc_regex_nfa_init(&n, &a);
        int32_t m = rc_regex_match_state(&n, 0);
        /* "a*" alone is refused as matching everything; anchor it to test it */
        char re[32];
        snprintf(re, sizeof re, "x%s", cases[i].re);
        assert_true(rc_regex_add_regex(&n, re, strlen(re), false, m, &err));
        assert_int_equal(n.n - 2, cases[i].states);      /* minus MATCH and 'x' */
        assert_int_equal(n.nroots, 1);
        rc_arena_free(&a);
    }
}

/* icase folds literals and classes; [^a] folds before negating. */
static void test_icase_sets(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_nfa n;
    rc_dfa_error err;
    rc_regex_nfa_init(&n, &a);
    int32_t m = rc_regex_match_state(&n, 0);
    assert_true(rc_regex_add_regex(&n, "k[^a]", 5, true, m, &err));
    assert_true(rc_regex_add_literal(&n, "Q1", 2, true, m, &err));
    assert_false(rc_regex_add_literal(&n, "", 0, true, m, &err));
    assert_string_equal(err.message, "empty pattern matches every text");
    assert_int_equal(n.nsets, 4);
    /* sets in creation order: [^a] (compiled first, back to front), k, 1, Q */
    assert_false(rc_byteset_has(&n.sets[0], 'a'));
    assert_false(rc_byteset_has(&n.sets[0], 'A'));
    assert_true(rc_byteset_has(&n.sets[0], 'b'));
    assert_true(rc_byteset_has(&n.sets[0], 'B'));
    assert_true(rc_byteset_has(&n.sets[1], 'k') && rc_byteset_has(&n.sets[1], 'K'));
    assert_true(rc_byteset_has(&n.sets[2], '1') && !rc_byteset_has(&n.sets[2], 'q'));
    assert_true(rc_byteset_has(&n.sets[3], 'q') && rc_byteset_has(&n.sets[3], 'Q'));
    rc_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accepts),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_nfa_sizes),
        cmocka_unit_test(test_icase_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
