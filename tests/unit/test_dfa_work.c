/* test_dfa_work.c - the pattern work limit keeps its own message through the
 * plan (issue 19): a pattern whose DFA needs more steps than the limit is
 * reported as the work limit, not as "more than N DFA states".  The limit is
 * made small here so that the case costs milliseconds: dfa.c and dfa_plan.c
 * are compiled into this test with RC_DFA_MAX_WORK = 2,000,000. */
#define RC_DFA_MAX_WORK 2000000LL
#include "../../compiler/patterns/dfa.c"
#include "../../compiler/patterns/dfa_plan.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* n alternatives of len bytes sharing all but their last 4 */
static rc_dfa_pattern shared_prefix(rc_arena *a, int n, size_t len)
{
    rc_dfa_alt *alts = RC_NEW_ARRAY(a, rc_dfa_alt, n);
    for (int i = 0; i < n; i++) {
        char *t = rc_arena_alloc(a, len + 1);
        memset(t, 'b', len);
        snprintf(t + len - 4, 5, "%04d", i);
        alts[i].text = t;
        alts[i].len = len;
        alts[i].is_regex = false;
    }
    rc_dfa_pattern p = { alts, n, false };
    return p;
}

static void work_limit_named(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa_pattern p = shared_prefix(&a, 40, 200);
    rc_dfa_plan plan;
    rc_dfa_error err;
    assert_false(rc_dfa_plan_build(&a, &p, 1, RC_DFA_MAX_STATES, &plan, &err));
    assert_true(err.work);
    assert_int_equal(err.pattern, 0);
    assert_false(rc_dfa_plan_too_big(&err));
    assert_string_equal(err.message, "this pattern alone needs more than 2000000 steps to build (the pattern work limit)");
    rc_arena_free(&a);
}

static void within_limit_builds(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    rc_dfa_pattern p = shared_prefix(&a, 4, 40);
    rc_dfa_plan plan;
    rc_dfa_error err;
    assert_true(rc_dfa_plan_build(&a, &p, 1, RC_DFA_MAX_STATES, &plan, &err));
    assert_int_equal(plan.ngroups, 1);
    rc_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(work_limit_named),
        cmocka_unit_test(within_limit_builds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
