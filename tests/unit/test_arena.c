/* test_arena.c - the arena's growing arrays (rc_arena_grow, RC_GROW): growth
 * from nothing, contents kept, the new tail zeroed, a request far past twice
 * the capacity, no move while there is room, and the size overflow as the
 * out-of-memory exit (3) in a child process. */
#include "arena.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static void grow_from_nothing(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    int *v = NULL;
    size_t cap = 0;
    RC_GROW(&a, v, 0, &cap);
    assert_non_null(v);
    assert_int_equal(cap, 16);
    for (size_t i = 0; i < cap; i++) assert_int_equal(v[i], 0);
    rc_arena_free(&a);
}

static void keeps_contents_zeroes_tail(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    int *v = NULL;
    size_t cap = 0, n = 0;
    for (int i = 0; i < 1000; i++) {
        size_t before = cap;
        int *old = v;
        RC_GROW(&a, v, n, &cap);
        if (n < before) {
            assert_ptr_equal(v, old);           /* room left: no move */
            assert_int_equal(cap, before);
        } else {
            assert_int_equal(cap, before ? 2 * before : 16);
            for (size_t k = n; k < cap; k++) assert_int_equal(v[k], 0);
        }
        v[n++] = i * 7 + 1;
    }
    assert_int_equal(cap, 1024);
    for (size_t k = 0; k < n; k++) assert_int_equal(v[k], (int)k * 7 + 1);
    rc_arena_free(&a);
}

static void far_past_twice(void **state)
{
    (void)state;
    rc_arena a;
    rc_arena_init(&a);
    uint64_t *v = RC_NEW_ARRAY(&a, uint64_t, 4);
    size_t cap = 4;
    for (uint64_t i = 0; i < 4; i++) v[i] = ~i;
    RC_GROW(&a, v, 100, &cap);                  /* element 100: 101 needed */
    assert_int_equal(cap, 101);
    for (uint64_t i = 0; i < 4; i++) assert_true(v[i] == ~i);
    for (size_t k = 4; k < cap; k++) assert_true(v[k] == 0);
    v[100] = 5;
    RC_GROW(&a, v, 101, &cap);                  /* twice wins over n + 1 */
    assert_int_equal(cap, 202);
    assert_true(v[100] == 5);
    rc_arena_free(&a);
}

/* Runs rc_arena_grow(n, cap, sz) in a child; its exit status. */
static int child_exit(size_t n, size_t cap, size_t sz)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr)) _exit(9);
        rc_arena a;
        rc_arena_init(&a);
        char one = 0;
        (void)rc_arena_grow(&a, &one, n, &cap, sz);
        _exit(0);
    }
    int st = 0;
    assert_true(waitpid(pid, &st, 0) == pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void overflow_exits(void **state)
{
    (void)state;
    assert_int_equal(child_exit(SIZE_MAX, 8, 1), 3);                 /* n + 1 */
    assert_int_equal(child_exit(SIZE_MAX / 2 + 1, SIZE_MAX / 2 + 1, 1), 3); /* 2 * cap */
    assert_int_equal(child_exit(SIZE_MAX / 8, 8, 16), 3);            /* elements * size */
    assert_int_equal(child_exit(7, 8, 16), 0);                      /* room: no allocation */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grow_from_nothing),
        cmocka_unit_test(keeps_contents_zeroes_tail),
        cmocka_unit_test(far_past_twice),
        cmocka_unit_test(overflow_exits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
