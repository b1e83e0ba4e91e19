/* test_suggest.c - "did you mean": distance limits, ties, case, swaps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "suggest.h"

static const char *const words[] = { "compile", "check", "test", "explain", "diff", "graph", "fmt" };
#define N (sizeof words / sizeof words[0])

static void test_close_words(void **state)
{
    (void)state;
    assert_string_equal(rc_suggest("compil", words, N), "compile");     /* one deletion */
    assert_string_equal(rc_suggest("chekc", words, N), "check");        /* a swap counts 1 */
    assert_string_equal(rc_suggest("EXPLAIN", words, N), "explain");    /* case ignored */
    assert_string_equal(rc_suggest("grpah", words, N), "graph");
}

static void test_too_far_or_tied(void **state)
{
    (void)state;
    assert_null(rc_suggest("frobnicate", words, N));   /* nothing close */
    assert_null(rc_suggest("xyz", words, N));          /* 3 letters allow 1 edit: none is 1 away */
    assert_null(rc_suggest("", words, N));
    static const char *const tie[] = { "abcd", "abce" };
    assert_null(rc_suggest("abcf", tie, 2));           /* two at distance 1: no guess */
    char long_word[RC_SUGGEST_MAX + 2];
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    assert_null(rc_suggest(long_word, words, N));      /* longer than RC_SUGGEST_MAX */
}

static void test_limit_scales_with_length(void **state)
{
    (void)state;
    static const char *const w[] = { "unreachable-rule" };
    assert_string_equal(rc_suggest("unreachable-rul", w, 1), "unreachable-rule");
    assert_string_equal(rc_suggest("unrechable-rle", w, 1), "unreachable-rule");   /* 2 edits of 14 */
    assert_null(rc_suggest("unr-rule", w, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_close_words),
        cmocka_unit_test(test_too_far_or_tied),
        cmocka_unit_test(test_limit_scales_with_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
