/* test_timeline.c - the SVG timelines (tools/timeline.c) on random scenes.
 *
 * 400 event sequences (fixed seeds) on tests/golden/timeline/timeline.recov:
 * failures of every error, handler results, successes, admissions, at
 * steps from 0 to 24.8 days, started anywhere on the tick circle (also just
 * before the wrap), one scene or several, up to 300 events (more labels than
 * a lane has rows).  Each drawing must be whole (`<svg ...>` to `</svg>`,
 * every `<g>` closed), keep every x coordinate on the 1000-pixel canvas and
 * every width and height non-negative, label every event, and come out the
 * same when drawn twice.  The exact text of real scenes is held by the
 * goldens in tests/golden/timeline/. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "timeline.h"

static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void draw(const rc_ir *ir, const rc_tl_scene *sc, int n, char **buf, size_t *len)
{
    *buf = NULL;
    FILE *f = open_memstream(buf, len);
    assert_non_null(f);
    rc_timeline_svg(ir, sc, n, f);
    fclose(f);
}

/* Every number after `key` (e.g. ` x="`) in [lo, hi]; returns how many. */
static int numbers_in(const char *svg, const char *key, long lo, long hi)
{
    int n = 0;
    for (const char *p = strstr(svg, key); p; p = strstr(p + 1, key)) {
        long v = strtol(p + strlen(key), NULL, 10);
        if (v < lo || v > hi) fail_msg("%s%ld out of [%ld, %ld]", key, v, lo, hi);
        n++;
    }
    return n;
}

static int count(const char *svg, const char *s)
{
    int n = 0;
    for (const char *p = strstr(svg, s); p; p = strstr(p + 1, s)) n++;
    return n;
}

static void test_random_scenes(void **st)
{
    (void)st;
    rc_unit u;
    FILE *sink = fopen("/dev/null", "w");
    assert_int_equal(rc_unit_load(&u, RECOV_SOURCE_RUNTIME_DIR "/../tests/golden/timeline/timeline.recov", sink, NULL), 0);
    fclose(sink);
    const rc_ir *ir = u.ir;
    assert_int_equal(ir->nfields, 2);
    static const int64_t statuses[] = { 503, 400, 0 };
    static const char *const texts[] = { "", "out of memory" };
    rc_sim_value vals[6][2];
    for (int i = 0; i < 6; i++) {
        vals[i][0] = (rc_sim_value){ statuses[i % 3], NULL, 0 };
        vals[i][1] = (rc_sim_value){ 0, texts[i / 3], strlen(texts[i / 3]) };
    }
    static const uint32_t steps[] = { 0, 1, 250, 1000, 3600, 60000, 3600000, 2147483647u };
    for (uint32_t seed = 1; seed <= 400; seed++) {
        uint32_t s = seed * 2654435761u;
        int nsc = 1 + (int)(rnd(&s) % 3);
        rc_tl_scene sc[3];
        rc_sim_event *evs[3];
        int total = 0;
        for (int k = 0; k < nsc; k++) {
            int n = seed % 50 == 0 ? 300 : (int)(rnd(&s) % 40);
            evs[k] = calloc((size_t)(n ? n : 1), sizeof *evs[k]);
            assert_non_null(evs[k]);
            uint32_t t = 0;
            for (int i = 0; i < n; i++) {
                rc_sim_event *e = &evs[k][i];
                uint32_t step = steps[rnd(&s) % (seed % 7 == 0 ? 8 : 6)];
                t = t > UINT32_MAX - step ? UINT32_MAX : t + step;
                e->t = t;
                e->expect.kind = -1;
                e->expect.error = -1;
                uint32_t r = rnd(&s) % 10;
                if (r < 6) { e->kind = RC_SIM_EV_FAIL; e->values = vals[rnd(&s) % 6]; }
                else if (r == 6) { e->kind = RC_SIM_EV_HANDLER; e->ok = rnd(&s) & 1; }
                else if (r == 7) e->kind = RC_SIM_EV_OK;
                else e->kind = RC_SIM_EV_ADMIT;
            }
            uint32_t t0 = (rnd(&s) & 1) ? UINT32_MAX - (rnd(&s) % 5000) : rnd(&s);
            sc[k] = (rc_tl_scene){ .title = "scene <&> \"x\"", .subtitle = NULL, .t0 = t0, .seed = rnd(&s),
                                   .ev = evs[k], .nev = n };
            total += n;
        }
        size_t la, lb;
        char *a, *b;
        draw(ir, sc, nsc, &a, &la);
        draw(ir, sc, nsc, &b, &lb);
        assert_true(la == lb && memcmp(a, b, la) == 0);
        assert_true(strncmp(a, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1000\" ", 53) == 0);
        assert_true(la > 7 && strcmp(a + la - 7, "</svg>\n") == 0);
        assert_int_equal(count(a, "<g"), count(a, "</g>"));
        assert_int_equal(count(a, "<text"), count(a, "</text>"));
        assert_null(strstr(a, "scene <&>"));   /* escaped */
        numbers_in(a, " x=\"", 0, 1000);
        numbers_in(a, " width=\"", 0, 1000);
        numbers_in(a, " height=\"", 0, 1000000);
        /* every event has its label in the host lane (a fail, handler, ok, admit); the legend adds one
         * `admitted` */
        int labels = count(a, ">fail #") + count(a, ">handler ") + count(a, ">ok<") + count(a, ">admitted<") +
                     count(a, ">admission refused<");
        assert_int_equal(labels, total + 1);
        free(a);
        free(b);
        for (int k = 0; k < nsc; k++) free(evs[k]);
    }
    rc_unit_free(&u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_scenes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
