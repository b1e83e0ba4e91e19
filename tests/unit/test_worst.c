/* test_worst.c - a block's worst case as simulator events (analysis/worst.h),
 * the input of `recovc explain --timeline`.
 *
 * tests/golden/timeline/timeline.recov, block 0 (`on unavailable { retry
 * backoff; fallback mirror, cache; degrade stale; }`, backoff: 2 attempts,
 * exponential base 1s factor 2, jitter 20%; breaker upstream opens after 3
 * consecutive transient failures), worked out by hand: failures at 0 and
 * 1200 (the first retry's worst case, 1000 + 20%) retry; the third, at 3600
 * (+ 2000 + 20%), finds the retries spent and falls back to mirror; the
 * alternatives fail at once (cache, then degrade stale).
 *
 * For every block of every example: the events replay to the decisions they
 * were built with, each retry's decided delay lies in the bounds given and
 * the next failure comes at the upper one, and the timeline ends in a
 * terminal decision. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "worst.h"

#define SRC RECOV_SOURCE_RUNTIME_DIR "/.."

static const rc_ir *load(rc_unit *u, const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", SRC, rel);
    FILE *sink = fopen("/dev/null", "w");
    int rc = rc_unit_load(u, path, sink, NULL);
    fclose(sink);
    assert_int_equal(rc, 0);
    return u->ir;
}

static void test_hand_worked(void **st)
{
    (void)st;
    rc_unit u;
    const rc_ir *ir = load(&u, "tests/golden/timeline/timeline.recov");
    rc_arena a;
    rc_arena_init(&a);
    rc_worst w;
    char why[256];
    assert_true(rc_worst_block(&a, ir, 0, &w, why, sizeof why));
    assert_string_equal(ir->errors[w.error].name, "unavailable");
    assert_string_equal(w.fault, "status=503");
    static const uint32_t t[] = { 0, 1200, 3600, 3600, 3600 };
    static const int kind[] = { RECOV_RETRY, RECOV_RETRY, RECOV_FALLBACK, RECOV_FALLBACK, RECOV_DEGRADE };
    static const uint32_t lo[] = { 800, 1600, 0, 0, 0 }, hi[] = { 1200, 2400, 0, 0, 0 };
    assert_int_equal(w.nev, 5);
    rc_sim *s = rc_sim_new(&a, ir);
    rc_sim_init(s, 0, 0);
    for (int i = 0; i < w.nev; i++) {
        assert_int_equal(w.ev[i].kind, RC_SIM_EV_FAIL);
        assert_int_equal(w.ev[i].t, t[i]);
        assert_int_equal(w.wait_lo[i], lo[i]);
        assert_int_equal(w.wait_hi[i], hi[i]);
        recov_decision d;
        recov_admit ad;
        rc_sim_apply(s, NULL, 0, &w.ev[i], &d, &ad);
        assert_int_equal(d.kind, kind[i]);
    }
    /* the block that only aborts: one failure */
    assert_true(rc_worst_block(&a, ir, 2, &w, why, sizeof why));
    assert_int_equal(w.nev, 1);
    rc_arena_free(&a);
    rc_unit_free(&u);
}

static void check_policy(const char *rel)
{
    rc_unit u;
    const rc_ir *ir = load(&u, rel);
    int drawn = 0;
    for (int b = 0; b < ir->nblocks; b++) {
        rc_arena a;
        rc_arena_init(&a);
        rc_worst w;
        char why[256];
        if (!rc_worst_block(&a, ir, b, &w, why, sizeof why)) {
            assert_true(strstr(why, "block") != NULL);
            rc_arena_free(&a);
            continue;
        }
        drawn++;
        assert_true(w.nev >= 1 && w.nev <= RC_WORST_MAX_EVENTS);
        assert_true(ir->blocks[b].errors[w.error]);
        /* run once, noting the decisions as expectations, then replay */
        rc_sim *s = rc_sim_new(&a, ir);
        rc_sim_init(s, 0, 0);
        recov_decision d;
        for (int i = 0; i < w.nev; i++) {
            recov_admit ad;
            rc_sim_apply(s, NULL, 0, &w.ev[i], &d, &ad);
            if (d.kind == RECOV_RETRY) {
                assert_true(w.wait_lo[i] <= d.ms && d.ms <= w.wait_hi[i]);
                /* the next failure after the worst-case delay and the attempt's limit
                 * (workflow's step_retry has `timeout 10m`) */
                if (i + 1 < w.nev) assert_int_equal(w.ev[i + 1].t, w.ev[i].t + w.wait_hi[i] + d.limit_ms);
            }
            w.ev[i].expect = (rc_sim_expect){ .kind = d.kind, .lo = d.ms, .hi = d.ms, .has_ms = true, .id = d.id,
                                              .level = d.level, .error = d.error };
        }
        if (w.nev < RC_WORST_MAX_EVENTS)
            assert_true(d.kind == RECOV_DEGRADE || d.kind == RECOV_ESCALATE || d.kind == RECOV_ABORT);
        rc_sim *r = rc_sim_new(&a, ir);
        assert_int_equal(rc_sim_replay(r, 0, 0, w.ev, w.nev), 0);
        rc_arena_free(&a);
    }
    assert_true(drawn > 0);
    rc_unit_free(&u);
}

static void test_examples(void **st)
{
    (void)st;
    check_policy("examples/agent_call/agent_call.recov");
    check_policy("examples/model_loader/model_loader.recov");
    check_policy("examples/service_start/service_start.recov");
    check_policy("examples/tool_runner/tool_runner.recov");
    check_policy("examples/workflow/workflow.recov");
    check_policy("tests/e2e/policies/repair.recov");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_worked),
        cmocka_unit_test(test_examples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
