/* test_cout.c - the emitting layer (compiler/back/cout.h): indentation,
 * blocks, labels, lines in pieces, and the balance check. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cout.h"

typedef struct sink { char *buf; size_t len; FILE *f; rc_cout o; } sink;

static void sink_open(sink *s)
{
    s->buf = NULL;
    s->len = 0;
    s->f = open_memstream(&s->buf, &s->len);
    assert_non_null(s->f);
    rc_cout_init(&s->o, s->f);
}

static void sink_expect(sink *s, const char *want)
{
    fflush(s->f);
    assert_string_equal(s->buf, want);
    fclose(s->f);
    free(s->buf);
}

static void test_blocks(void **state)
{
    (void)state;
    sink s;
    sink_open(&s);
    rc_cout_comment(&s.o, "f %d", 1);
    rc_cout_line(&s.o, "int f(int x)");
    rc_cout_open(&s.o, "{");
    rc_cout_open(&s.o, "if (x > %d) {", 3);
    rc_cout_line(&s.o, "return 1;");
    rc_cout_reopen(&s.o, "} else {");
    rc_cout_open(&s.o, "switch (x) {");
    rc_cout_label(&s.o, "case %du:", 0u);
    rc_cout_line(&s.o, "break;");
    rc_cout_label(&s.o, "default:");
    rc_cout_line(&s.o, "break;");
    rc_cout_close(&s.o, "}");
    rc_cout_close(&s.o, "}");
    rc_cout_line(&s.o, "return 0;");
    rc_cout_close(&s.o, "}");
    rc_cout_blank(&s.o);
    assert_true(rc_cout_balanced(&s.o));
    sink_expect(&s, "/* f 1 */\n"
                    "int f(int x)\n"
                    "{\n"
                    "    if (x > 3) {\n"
                    "        return 1;\n"
                    "    } else {\n"
                    "        switch (x) {\n"
                    "        case 0u:\n"
                    "            break;\n"
                    "        default:\n"
                    "            break;\n"
                    "        }\n"
                    "    }\n"
                    "    return 0;\n"
                    "}\n"
                    "\n");
}

static void test_pieces(void **state)
{
    (void)state;
    sink s;
    sink_open(&s);
    rc_cout_open(&s.o, "{");
    rc_cout_begin(&s.o, "if (");
    rc_cout_put(&s.o, "a && %s", "b");
    rc_cout_raw(&s.o, " && c");
    rc_cout_char(&s.o, ')');
    rc_cout_end_open(&s.o, " {");
    rc_cout_begin(&s.o, "x =");
    rc_cout_end(&s.o, " %d;", 2);
    rc_cout_close(&s.o, "}");
    rc_cout_close(&s.o, "};");
    assert_true(rc_cout_balanced(&s.o));
    sink_expect(&s, "{\n    if (a && b && c) {\n        x = 2;\n    }\n};\n");
}

/* Closing more than was opened, or a line begun and never ended, is
 * reported (the emitter turns it into an internal error), never hidden. */
static void test_unbalanced(void **state)
{
    (void)state;
    sink s;
    sink_open(&s);
    rc_cout_open(&s.o, "{");
    assert_false(rc_cout_balanced(&s.o));
    rc_cout_close(&s.o, "}");
    assert_true(rc_cout_balanced(&s.o));
    rc_cout_close(&s.o, "}");
    assert_false(rc_cout_balanced(&s.o));
    sink_expect(&s, "{\n}\n}\n");

    sink_open(&s);
    rc_cout_begin(&s.o, "x");
    assert_false(rc_cout_balanced(&s.o));
    rc_cout_line(&s.o, "y");
    assert_false(rc_cout_balanced(&s.o));
    sink_expect(&s, "x\ny\n");

    sink_open(&s);
    rc_cout_end(&s.o, ";");
    assert_false(rc_cout_balanced(&s.o));
    sink_expect(&s, ";\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_unbalanced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
