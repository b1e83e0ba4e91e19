/* test_lexer.c - the scanner (dsl/recov.l) through rc_lex: token kinds,
 * values, locations, escapes, and every lexical error with its message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "recov.tab.h"

typedef struct lexed {
    rc_arena arena;
    rc_diag diag;
    FILE *out;
    char *msgs;
    size_t msgs_len;
    rc_token *t;
    size_t n;
} lexed;

static lexed *lex_n(const char *src, size_t len)
{
    lexed *l = calloc(1, sizeof *l);
    rc_arena_init(&l->arena);
    l->out = open_memstream(&l->msgs, &l->msgs_len);
    rc_diag_init(&l->diag, "t.recov", src, len, l->out);
    l->diag.max_errors = 0;
    l->n = rc_lex(&l->arena, &l->diag, src, len, &l->t);
    fflush(l->out);
    return l;
}

static lexed *lex(const char *src) { return lex_n(src, strlen(src)); }

static void done(lexed *l)
{
    fclose(l->out);
    free(l->msgs);
    rc_arena_free(&l->arena);
    free(l);
}

/* The first line of the diagnostics ("t.recov:1:2: error: ..."). */
static const char *first_msg(lexed *l)
{
    static char line[512];
    const char *m = l->msgs ? l->msgs : "";
    size_t i = 0;
    while (m[i] && m[i] != '\n' && i < sizeof line - 1) { line[i] = m[i]; i++; }
    line[i] = '\0';
    return line;
}

static void check_loc(rc_loc l, int line, int col, int eline, int ecol)
{
    assert_int_equal(l.line, line);
    assert_int_equal(l.col, col);
    assert_int_equal(l.end_line, eline);
    assert_int_equal(l.end_col, ecol);
}

static void test_keywords_and_identifiers(void **state)
{
    (void)state;
    lexed *l = lex("policy foo _ _x message half_open x2abc Policy");
    assert_int_equal(l->diag.errors, 0);
    assert_int_equal(l->n, 9);
    assert_int_equal(l->t[0].kind, RC_TOK_KW_POLICY);
    assert_string_equal(l->t[0].text, "policy");
    assert_int_equal(l->t[1].kind, RC_TOK_IDENT);
    assert_string_equal(l->t[1].text, "foo");
    assert_int_equal(l->t[2].kind, '_');
    assert_int_equal(l->t[3].kind, RC_TOK_IDENT);
    assert_string_equal(l->t[3].text, "_x");
    assert_int_equal(l->t[4].kind, RC_TOK_KW_MESSAGE);
    assert_int_equal(l->t[5].kind, RC_TOK_KW_HALF_OPEN);
    assert_int_equal(l->t[6].kind, RC_TOK_IDENT); /* not x<digits> */
    assert_string_equal(l->t[6].text, "x2abc");
    assert_int_equal(l->t[7].kind, RC_TOK_IDENT); /* keywords are case-sensitive */
    assert_int_equal(l->t[8].kind, 0);
    check_loc(l->t[8].loc, 1, 47, 1, 47);
    done(l);
}

static void test_all_keywords(void **state)
{
    (void)state;
    static const char *const kws[] = {
        "policy", "version", "fault", "const", "class", "retryable", "error", "message", "hint",
        "steps", "classify", "retry", "attempts", "backoff", "base", "factor", "max", "jitter",
        "scale", "severity", "honor", "breaker", "open", "after", "consecutive", "failures", "at",
        "of", "last", "calls", "min", "for", "half_open", "probes", "close", "successes", "count",
        "budget", "ratio", "per", "escalation", "within", "unresolved", "deadline", "on", "when",
        "adjust", "delay", "run", "timeout", "fallback", "adaptive", "degrade", "escalate", "abort",
        "in", "import", "param", "struct", "ageing", "incidents", "minus"};  /* ... "then", "limit" */
    size_t nk = sizeof kws / sizeof kws[0];
    char src[1024] = "";
    for (size_t i = 0; i < nk; i++) {
        strcat(src, kws[i]);
        strcat(src, " ");
    }
    lexed *l = lex(src);
    assert_int_equal(l->n, nk + 1);
    for (size_t i = 0; i < nk; i++) {
        /* keyword tokens are numbered in this order, one per spelling */
        assert_int_equal(l->t[i].kind, RC_TOK_KW_POLICY + (int)i);
        assert_string_equal(l->t[i].text, kws[i]);
        char quoted[32];
        snprintf(quoted, sizeof quoted, "'%s'", kws[i]);
        assert_string_equal(rc_token_spelling(l->t[i].kind), quoted);
    }
    done(l);
}

static void test_numbers(void **state)
{
    (void)state;
    lexed *l = lex("42 0x2A -7 -0x10 0 9223372036854775807 -9223372036854775808");
    assert_int_equal(l->diag.errors, 0);
    int64_t want[] = {42, 42, -7, -16, 0, INT64_MAX, INT64_MIN};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(l->t[i].kind, RC_TOK_INT);
        assert_true(l->t[i].num == want[i]);
    }
    check_loc(l->t[2].loc, 1, 9, 1, 10);
    done(l);
}

static void test_durations_percent_decimals_factors(void **state)
{
    (void)state;
    lexed *l = lex("250ms 1s 5m 2h 1.5s 0.25m 25% 1.5 0.125 2.0 x2 x1.5 x0.125 60s");
    assert_int_equal(l->diag.errors, 0);
    struct { int kind; int64_t num; } want[] = {
        {RC_TOK_DURATION, 250},    {RC_TOK_DURATION, 1000}, {RC_TOK_DURATION, 300000},
        {RC_TOK_DURATION, 7200000}, {RC_TOK_DURATION, 1500}, {RC_TOK_DURATION, 15000},
        {RC_TOK_PERCENT, 25},      {RC_TOK_DECIMAL, 1500},  {RC_TOK_DECIMAL, 125},
        {RC_TOK_DECIMAL, 2000},    {RC_TOK_XFACTOR, 2000},  {RC_TOK_XFACTOR, 1500},
        {RC_TOK_XFACTOR, 125},     {RC_TOK_DURATION, 60000},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(l->t[i].kind, want[i].kind);
        assert_true(l->t[i].num == want[i].num);
    }
    done(l);
}

static void test_range_is_not_a_decimal(void **state)
{
    (void)state;
    lexed *l = lex("500..599");
    assert_int_equal(l->diag.errors, 0);
    assert_int_equal(l->n, 4);
    assert_int_equal(l->t[0].kind, RC_TOK_INT);
    assert_int_equal(l->t[1].kind, RC_TOK_DOTDOT);
    assert_int_equal(l->t[2].kind, RC_TOK_INT);
    assert_int_equal(l->t[2].num, 599);
    done(l);
}

static void test_number_errors(void **state)
{
    (void)state;
    lexed *l = lex("9223372036854775808");
    assert_int_equal(l->diag.errors, 1);
    assert_string_equal(first_msg(l),
                        "t.recov:1:1: error: integer literal '9223372036854775808' is too large "
                        "(the limit is 9223372036854775807)");
    assert_int_equal(l->t[0].kind, RC_TOK_INT);
    done(l);

    l = lex("9223372036854775807h");
    assert_int_equal(l->diag.errors, 1);
    assert_string_equal(first_msg(l), "t.recov:1:1: error: duration '9223372036854775807h' is too large");
    assert_int_equal(l->t[0].kind, RC_TOK_DURATION);
    done(l);

    l = lex("x 7d 1.5d");
    assert_int_equal(l->diag.errors, 0);
    assert_int_equal(l->t[1].kind, RC_TOK_DURATION);
    assert_int_equal(l->t[1].num, 604800000);
    assert_int_equal(l->t[2].num, 129600000);
    done(l);

    l = lex("x 5w");
    assert_int_equal(l->diag.errors, 1);
    assert_string_equal(first_msg(l), "t.recov:1:3: error: unknown duration unit 'w' in '5w' (use ms, s, m, h or d)");
    assert_int_equal(l->t[1].kind, RC_TOK_DURATION); /* still a duration: no second error */
    assert_int_equal(l->n, 3);
    done(l);

    l = lex("1.2345");
    assert_int_equal(l->diag.errors, 1);
    assert_string_equal(first_msg(l), "t.recov:1:1: error: too many decimal places in '1.2345' (at most 3)");
    assert_int_equal(l->t[0].kind, RC_TOK_DECIMAL);
    assert_int_equal(l->t[0].num, 1234);
    done(l);

    l = lex("x1.0001");
    assert_int_equal(l->diag.errors, 1);
    assert_string_equal(first_msg(l), "t.recov:1:1: error: too many decimal places in '1.0001' (at most 3)");
    done(l);

    l = lex("1.5ms");
    assert_string_equal(first_msg(l), "t.recov:1:1: error: duration '1.5ms' is not a whole number of milliseconds");
    done(l);

    l = lex("-5s 0x1Fg");
    assert_int_equal(l->diag.errors, 2);
    assert_string_equal(first_msg(l), "t.recov:1:1: error: a duration cannot be negative: '-5s'");
    assert_non_null(strstr(l->msgs, "t.recov:1:5: error: invalid number '0x1Fg'"));
    done(l);
}

static void test_strings(void **state)
{
    (void)state;
    lexed *l = lex("\"a\\\"b\\\\c\\n\\t\\r\\x41\\xff\" \"\"");
    assert_int_equal(l->diag.errors, 0);
    assert_int_equal(l->t[0].kind, RC_TOK_STRING);
    assert_int_equal(l->t[0].len, 10);
    assert_memory_equal(l->t[0].text, "a\"b\\c\n\t\rA\xff", 10);
    check_loc(l->t[0].loc, 1, 1, 1, 23);
    assert_int_equal(l->t[1].kind, RC_TOK_STRING);
    assert_int_equal(l->t[1].len, 0);
    assert_string_equal(l->t[1].text, "");
    done(l);
}

static void test_string_errors(void **state)
{
    (void)state;
    lexed *l = lex("\"a\\x00b\"");
    assert_int_equal(l->diag.errors, 1);
    assert_string_equal(first_msg(l), "t.recov:1:3: error: '\\x00' is not allowed: strings cannot contain NUL");
    done(l);

    l = lex_n("\"a\0b\0\"", 6);
    assert_int_equal(l->diag.errors, 1); /* once per literal */
    assert_string_equal(first_msg(l), "t.recov:1:3: error: NUL byte in string");
    assert_int_equal(l->t[0].kind, RC_TOK_STRING);
    assert_string_equal(l->t[0].text, "ab");
    done(l);

    l = lex("\"\\q\" \"\\x4\"");
    assert_int_equal(l->diag.errors, 2);
    assert_string_equal(first_msg(l),
                        "t.recov:1:2: error: unknown escape sequence '\\q' (use \\\" \\\\ \\n \\t \\r or \\xHH)");
    assert_non_null(strstr(l->msgs, "t.recov:1:7: error: '\\x' must be followed by two hex digits"));
    done(l);

    l = lex("x = \"abc;\ny");
    assert_int_equal(l->diag.errors, 1);
    assert_string_equal(first_msg(l),
                        "t.recov:1:5: error: unterminated string (missing '\"' before the end of the line)");
    assert_int_equal(l->t[2].kind, RC_TOK_STRING);
    assert_string_equal(l->t[2].text, "abc;");
    assert_int_equal(l->t[3].kind, RC_TOK_IDENT);
    check_loc(l->t[3].loc, 2, 1, 2, 1);
    done(l);
}

static void test_regex(void **state)
{
    (void)state;
    lexed *l = lex("~ /conn(ect|ection)? reset/ /a\\/b/ /x/");
    assert_int_equal(l->diag.errors, 0);
    assert_int_equal(l->t[0].kind, '~');
    assert_int_equal(l->t[1].kind, RC_TOK_REGEX);
    assert_string_equal(l->t[1].text, "conn(ect|ection)? reset");
    check_loc(l->t[1].loc, 1, 3, 1, 27);
    assert_int_equal(l->t[2].kind, RC_TOK_REGEX);
    assert_string_equal(l->t[2].text, "a\\/b"); /* kept raw */
    assert_int_equal(l->t[3].kind, RC_TOK_REGEX);
    assert_string_equal(l->t[3].text, "x");
    done(l);

    l = lex("a ~ /abc(d\nb");
    assert_int_equal(l->diag.errors, 1);
    assert_string_equal(first_msg(l),
                        "t.recov:1:5: error: unterminated regex (missing '/' before the end of the line)");
    assert_int_equal(l->t[2].kind, RC_TOK_REGEX);
    assert_string_equal(l->t[2].text, "abc(d");
    done(l);

    /* `//` is always a comment: no empty regex */
    l = lex("a // b\nc");
    assert_int_equal(l->diag.errors, 0);
    assert_int_equal(l->n, 3);
    done(l);
}

static void test_comments_and_locations(void **state)
{
    (void)state;
    lexed *l = lex("a // x\n  b /* c \n d */ e\n\tf");
    assert_int_equal(l->diag.errors, 0);
    assert_int_equal(l->n, 5);
    check_loc(l->t[0].loc, 1, 1, 1, 1);
    check_loc(l->t[1].loc, 2, 3, 2, 3);
    check_loc(l->t[2].loc, 3, 7, 3, 7);
    check_loc(l->t[3].loc, 4, 2, 4, 2); /* a tab is one byte */
    done(l);

    l = lex("a\n  /* never closed\n b");
    assert_int_equal(l->diag.errors, 1);
    assert_string_equal(first_msg(l), "t.recov:2:3: error: unterminated comment");
    assert_int_equal(l->n, 2);
    done(l);
}

static void test_operators(void **state)
{
    (void)state;
    lexed *l = lex("== != < <= > >= && || ! ~ ~i | => .. : ; , { } ( ) = _ .");
    assert_int_equal(l->diag.errors, 0);
    int want[] = {RC_TOK_EQ, RC_TOK_NE, '<', RC_TOK_LE, '>', RC_TOK_GE, RC_TOK_AND, RC_TOK_OR, '!', '~',
                  RC_TOK_MATCHI, '|', RC_TOK_ARROW, RC_TOK_DOTDOT, ':', ';', ',', '{', '}', '(', ')', '=',
                  '_', '.', 0};
    assert_int_equal(l->n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < l->n; i++) assert_int_equal(l->t[i].kind, want[i]);
    assert_string_equal(rc_token_spelling(RC_TOK_ARROW), "'=>'");
    assert_string_equal(rc_token_spelling(';'), "';'");
    assert_string_equal(rc_token_spelling(RC_TOK_IDENT), "identifier");
    assert_string_equal(rc_token_spelling(0), "end of file");
    done(l);
}

static void test_stray_bytes(void **state)
{
    (void)state;
    lexed *l = lex_n("a @ \x80\xc3\xa9 \0\0 \x01 & b", 16);
    assert_int_equal(l->diag.errors, 5);
    const char *want =
        "t.recov:1:3: error: stray '@' in program\n"
        " a @ ??? ?? ? & b\n"
        "   ^\n"
        "t.recov:1:5: error: stray byte 0x80 in program (non-ASCII text is only allowed in strings and comments)\n"
        " a @ ??? ?? ? & b\n"
        "     ^\n"
        "t.recov:1:9: error: stray byte 0x00 (NUL) in program\n"
        " a @ ??? ?? ? & b\n"
        "         ^\n"
        "t.recov:1:12: error: stray byte 0x01 in program\n"
        " a @ ??? ?? ? & b\n"
        "            ^\n"
        "t.recov:1:14: error: stray '&' in program (did you mean '&&'?)\n"
        " a @ ??? ?? ? & b\n"
        "              ^\n";
    assert_string_equal(l->msgs, want);
    assert_int_equal(l->n, 3); /* a b EOF */
    assert_string_equal(l->t[1].text, "b");
    done(l);
}

static void test_huge_inputs(void **state)
{
    (void)state;
    size_t n = 1 << 20;
    char *s = malloc(n + 2);
    /* a 10,000-character identifier */
    memset(s, 'a', 10000);
    lexed *l = lex_n(s, 10000);
    assert_int_equal(l->diag.errors, 0);
    assert_int_equal(l->t[0].kind, RC_TOK_IDENT);
    assert_int_equal(l->t[0].len, 10000);
    done(l);
    /* a 1 MB string literal */
    s[0] = '"';
    memset(s + 1, 'b', n - 2);
    s[n - 1] = '"';
    l = lex_n(s, n);
    assert_int_equal(l->diag.errors, 0);
    assert_int_equal(l->t[0].len, n - 2);
    check_loc(l->t[0].loc, 1, 1, 1, (int)n);
    done(l);
    /* 1 MB of NUL bytes: one error for the run, in linear time */
    memset(s, 0, n);
    l = lex_n(s, n);
    assert_int_equal(l->diag.errors, 1);
    assert_int_equal(l->n, 1);
    done(l);
    /* a 1 MB comment full of NULs and binary */
    memcpy(s, "//", 2);
    for (size_t i = 2; i < n; i++) s[i] = (char)(i % 7 == 0 ? 0 : 0xfe);
    l = lex_n(s, n);
    assert_int_equal(l->diag.errors, 0);
    assert_int_equal(l->n, 1);
    done(l);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keywords_and_identifiers),
        cmocka_unit_test(test_all_keywords),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_durations_percent_decimals_factors),
        cmocka_unit_test(test_range_is_not_a_decimal),
        cmocka_unit_test(test_number_errors),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_string_errors),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_comments_and_locations),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_stray_bytes),
        cmocka_unit_test(test_huge_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
