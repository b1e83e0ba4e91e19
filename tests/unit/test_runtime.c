/* test_runtime.c - exact values of the runtime arithmetic (runtime/src/recov.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "recov/recov.h"

/* Independent xorshift32 reference for the tests (13, 17, 5). */
static uint32_t ref_next(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

static void test_elapsed_wraps(void **st)
{
    (void)st;
    assert_int_equal(recov_elapsed(5u, 0xFFFFFFFBu), 10u);
    assert_int_equal(recov_elapsed(1000u, 400u), 600u);
    assert_int_equal(recov_elapsed(7u, 7u), 0u);
    /* a clock gone back reads as no time passed (spec/semantics.md, Clock) */
    assert_int_equal(recov_elapsed(6u, 7u), 0u);
    assert_int_equal(recov_elapsed(0xFFFFFFFFu, 0u), 0u);
    assert_int_equal(recov_elapsed(0x80000000u, 0u), 0u);
    assert_int_equal(recov_elapsed(0x7FFFFFFFu, 0u), 0x7FFFFFFFu);
    assert_int_equal(recov_elapsed(0x7FFFFFFEu, 0xFFFFFFFFu), 0x7FFFFFFFu);
    assert_int_equal(RECOV_ELAPSED(6u, 7u), 0u);
}

static void test_mul_milli(void **st)
{
    (void)st;
    assert_int_equal(recov_mul_milli(1000u, 1500u), 1500u);
    assert_int_equal(recov_mul_milli(1u, 1500u), 1u);     /* 1.5 -> 1 */
    assert_int_equal(recov_mul_milli(3u, 1500u), 4u);     /* 4.5 -> 4 */
    assert_int_equal(recov_mul_milli(999u, 1500u), 1498u);
    assert_int_equal(recov_mul_milli(1001u, 1500u), 1501u);
    assert_int_equal(recov_mul_milli(12345u, 1000u), 12345u);
    assert_int_equal(recov_mul_milli(12345u, 0u), 0u);
    assert_int_equal(recov_mul_milli(0u, 1000000u), 0u);
    assert_int_equal(recov_mul_milli(UINT32_MAX, 1000u), UINT32_MAX);
    assert_int_equal(recov_mul_milli(UINT32_MAX, 999u), 4290672327u);
    assert_int_equal(recov_mul_milli(UINT32_MAX, 500u), 2147483647u);
    assert_int_equal(recov_mul_milli(UINT32_MAX, 1500u), UINT32_MAX);
    assert_int_equal(recov_mul_milli(UINT32_MAX, 1000000u), UINT32_MAX);
    assert_int_equal(recov_mul_milli(4294967u, 1000000u), 4294967000u);
    assert_int_equal(recov_mul_milli(4294968u, 1000000u), UINT32_MAX);
    /* q*milli fits but the sum with the remainder part overflows */
    assert_int_equal(recov_mul_milli(4294967295u - 295u, 1000u), 4294967000u);
    assert_int_equal(recov_mul_milli(2863311530u, 1500u), 4294967295u);
    assert_int_equal(recov_mul_milli(2863311531u, 1500u), UINT32_MAX);
}

static void test_backoff(void **st)
{
    (void)st;
    assert_int_equal(recov_backoff(RECOV_BACKOFF_CONSTANT, 250u, 1000u, 5u), 250u);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_LINEAR, 250u, 1000u, 1u), 250u);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_LINEAR, 250u, 1000u, 3u), 750u);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_LINEAR, 0x7FFFFFFFu, 1000u, 2u), 0xFFFFFFFEu);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_LINEAR, 0x80000000u, 1000u, 2u), UINT32_MAX);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 1000u, 2000u, 1u), 1000u);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 1000u, 2000u, 4u), 8000u);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 1000u, 1500u, 3u), 2250u);
    /* each step floors: 3 -> 4 -> 6 -> 9 */
    assert_int_equal(recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 3u, 1500u, 4u), 9u);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 1000u, 2000u, 100u), UINT32_MAX);
    /* early exit keeps a huge n cheap and exact */
    assert_int_equal(recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 1u, 2000u, UINT32_MAX), UINT32_MAX);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 0u, 2000u, UINT32_MAX), 0u);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 700u, 1000u, 50u), 700u);
    /* 2^31 * 2 = 2^32 saturates */
    assert_int_equal(recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 1u, 2000u, 32u), 2147483648u);
    assert_int_equal(recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 1u, 2000u, 33u), UINT32_MAX);
}

static void test_prng_sequence(void **st)
{
    uint32_t s = 1u;
    (void)st;
    assert_int_equal(recov_prng_next(&s), 270369u);
    assert_int_equal(recov_prng_next(&s), 67634689u);
    assert_int_equal(recov_prng_next(&s), 2647435461u);
    assert_int_equal(recov_prng_next(&s), 307599695u);
    assert_int_equal(recov_prng_next(&s), 2398689233u);
    assert_int_equal(s, 2398689233u);
    s = RECOV_PRNG_DEFAULT_SEED;
    assert_int_equal(recov_prng_next(&s), 0xE124B63Au);
}

static void test_uniform(void **st)
{
    uint32_t s = 42u;
    (void)st;
    assert_int_equal(recov_uniform(&s, 100u, 200u), 102u);
    assert_int_equal(recov_uniform(&s, 100u, 200u), 159u);
    assert_int_equal(recov_uniform(&s, 100u, 200u), 173u);
    /* empty span still consumes exactly one draw */
    s = 42u;
    assert_int_equal(recov_uniform(&s, 500u, 500u), 500u);
    assert_int_equal(s, ref_next(42u));
    assert_int_equal(recov_uniform(&s, 9u, 3u), 9u);
    assert_int_equal(s, ref_next(ref_next(42u)));
    /* whole 32-bit range returns the draw itself */
    s = 1u;
    assert_int_equal(recov_uniform(&s, 0u, UINT32_MAX), 270369u);
}

/* Draw 20,000 jittered values and check every one lies in [lo, hi], that
 * both ends are approached, and that each call consumed exactly one draw. */
static void check_jitter(uint32_t kind, uint32_t pct, uint32_t d, uint32_t base,
                         uint32_t prev, uint32_t cap, uint32_t lo, uint32_t hi)
{
    uint32_t s = 12345u, ref = 12345u, mn = UINT32_MAX, mx = 0u;
    int i;
    for (i = 0; i < 20000; i++) {
        uint32_t v = recov_jitter(&s, RECOV_JITTER_MODE(kind, pct), d, base, prev, cap);
        ref = ref_next(ref);
        assert_int_equal(s, ref);
        assert_true(v >= lo && v <= hi);
        if (v < mn) mn = v;
        if (v > mx) mx = v;
    }
    assert_true(mn - lo <= (hi - lo) / 50u);
    assert_true(hi - mx <= (hi - lo) / 50u);
}

static void test_jitter(void **st)
{
    uint32_t s = 77u;
    (void)st;
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_NONE, 0u), 1234u, 10u, 10u, UINT32_MAX), 1234u);
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_NONE, 0u), 1234u, 10u, 10u, 1000u), 1000u);
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_NONE, 0u), UINT32_MAX, 10u, 10u, UINT32_MAX), RECOV_DELAY_MAX);
    assert_int_equal(s, 77u);   /* NONE consumes nothing */

    /* percent: the cap after the draw */
    check_jitter(RECOV_JITTER_PERCENT, 25u, 1000u, 0u, 0u, UINT32_MAX, 750u, 1250u);
    check_jitter(RECOV_JITTER_PERCENT, 25u, 1000u, 0u, 0u, 1100u, 750u, 1100u);
    check_jitter(RECOV_JITTER_PERCENT, 50u, 199u, 0u, 0u, UINT32_MAX, 100u, 298u); /* p = 99 */
    check_jitter(RECOV_JITTER_PERCENT, 100u, 4000u, 0u, 0u, UINT32_MAX, 0u, 8000u);
    /* full, equal, decorrelated: the cap before the draw, upper end exclusive for full and equal */
    check_jitter(RECOV_JITTER_FULL, 0u, 3000u, 0u, 0u, UINT32_MAX, 0u, 2999u);
    check_jitter(RECOV_JITTER_FULL, 0u, 50000u, 0u, 0u, 3000u, 0u, 2999u);
    check_jitter(RECOV_JITTER_EQUAL, 0u, 1001u, 0u, 0u, UINT32_MAX, 500u, 1000u);
    check_jitter(RECOV_JITTER_EQUAL, 0u, 9000u, 0u, 0u, 2000u, 1000u, 1999u);
    check_jitter(RECOV_JITTER_DECORRELATED, 0u, 99999u, 100u, 1000u, UINT32_MAX, 100u, 3000u);
    check_jitter(RECOV_JITTER_DECORRELATED, 0u, 99999u, 100u, 1000u, 500u, 100u, 500u);
    /* saturation at RECOV_DELAY_MAX */
    check_jitter(RECOV_JITTER_DECORRELATED, 0u, 0u, 100u, 0x60000000u, UINT32_MAX, 100u, RECOV_DELAY_MAX);
    check_jitter(RECOV_JITTER_FULL, 0u, UINT32_MAX, 0u, 0u, UINT32_MAX, 0u, RECOV_DELAY_MAX - 1u);

    /* degenerate spans: one draw, fixed value */
    s = 5u;
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_DECORRELATED, 0u), 9u, 100u, 20u, UINT32_MAX), 100u);
    assert_int_equal(s, ref_next(5u));
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_FULL, 0u), 0u, 0u, 0u, UINT32_MAX), 0u);
    assert_int_equal(s, ref_next(ref_next(5u)));
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_EQUAL, 0u), 1u, 0u, 0u, UINT32_MAX), 0u);
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_FULL, 0u), 1u, 0u, 0u, UINT32_MAX), 0u);
    /* a max below the base: decorrelated gives the max */
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_DECORRELATED, 0u), 0u, 100u, 100u, 40u), 40u);
    /* percent far above the limit: every value the limit */
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_PERCENT, 50u), UINT32_MAX - 10u, 0u, 0u, UINT32_MAX),
                     RECOV_DELAY_MAX);

    /* exact values for a known seed: FULL on [0, 999] from seed 1 */
    s = 1u;
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_FULL, 0u), 1000u, 0u, 0u, UINT32_MAX), 270369u % 1000u);
    assert_int_equal(recov_jitter(&s, RECOV_JITTER_MODE(RECOV_JITTER_PERCENT, 10u), 1000u, 0u, 0u, UINT32_MAX),
                     900u + 67634689u % 201u);
}

/* Distribution over 4,096 seeds (seed i = (i + 1) * 0x9E3779B1), each
 * running the retries 1..8 of exponential base 1s factor 2 with max 10s,
 * as the Step Functions FULL-jitter case: every value within its exact
 * bounds, no value at the cap (the old contract gave exactly 10,000 ms in
 * 40% to 91% of retries 5..8), and the values of retries 5..8 (16,384 draws
 * on one span) pass a chi-square test of 10 equal buckets below the 0.1%
 * critical value (27.88 for 9 degrees of freedom).  The seeds are fixed,
 * so the test is exact: it cannot flake. */
#define DIST_SEEDS 4096u
static void dist_check(uint32_t kind, uint32_t *lo_seen, uint32_t *hi_seen, uint64_t *sum)
{
    uint32_t bucket[10] = {0};
    uint32_t total = 0u;
    *lo_seen = UINT32_MAX;
    *hi_seen = 0u;
    *sum = 0u;
    for (uint32_t i = 0u; i < DIST_SEEDS; i++) {
        uint32_t s = (i + 1u) * 0x9E3779B1u;
        uint32_t prev = 1000u;
        for (uint32_t n = 1u; n <= 8u; n++) {
            uint32_t d = recov_backoff(RECOV_BACKOFF_EXPONENTIAL, 1000u, 2000u, n);
            uint32_t v = recov_jitter(&s, RECOV_JITTER_MODE(kind, 0u), d, 1000u, prev, 10000u);
            uint32_t c = d < 10000u ? d : 10000u;
            uint32_t lo = kind == RECOV_JITTER_FULL ? 0u : kind == RECOV_JITTER_EQUAL ? c / 2u : 1000u;
            uint32_t hi = kind == RECOV_JITTER_DECORRELATED ? (prev * 3u < 10000u ? prev * 3u : 10000u) : c - 1u;
            assert_true(v >= lo && v <= hi);
            if (n >= 5u) {
                /* the position in the span, in tenths: uniform when the draw is */
                bucket[(uint64_t)(v - lo) * 10u / (hi - lo + 1u)]++;
                total++;
                *sum += v;
                if (v < *lo_seen) *lo_seen = v;
                if (v > *hi_seen) *hi_seen = v;
            }
            prev = v;
        }
    }
    uint64_t chi = 0u;   /* sum (10 o - N)^2 / (10 N) < 27.88  <=>  100 sum (10 o - N)^2 < 2788 * 10 N */
    for (int k = 0; k < 10; k++) {
        int64_t dv = (int64_t)bucket[k] * 10 - (int64_t)total;
        chi += (uint64_t)(dv * dv);
    }
    assert_int_equal(total, DIST_SEEDS * 4u);
    assert_true(chi * 100u < 2788u * 10u * (uint64_t)total);
}

static void test_jitter_distribution(void **st)
{
    uint32_t lo, hi;
    uint64_t sum;
    (void)st;
    dist_check(RECOV_JITTER_FULL, &lo, &hi, &sum);          /* [0, 10000) */
    assert_true(hi <= 9999u);
    assert_true(sum / (DIST_SEEDS * 4u) >= 4900u && sum / (DIST_SEEDS * 4u) <= 5100u);
    dist_check(RECOV_JITTER_EQUAL, &lo, &hi, &sum);         /* [5000, 10000) */
    assert_true(lo >= 5000u && hi <= 9999u);
    assert_true(sum / (DIST_SEEDS * 4u) >= 7450u && sum / (DIST_SEEDS * 4u) <= 7550u);
    dist_check(RECOV_JITTER_DECORRELATED, &lo, &hi, &sum);  /* [1000, min(10000, 3 prev)] */
    assert_true(lo >= 1000u && hi <= 10000u);

    /* every end of a small span is reached, and nothing beyond it: 16,384 draws each */
    struct { uint32_t kind, pct, d, base, prev, cap, lo, hi; } c[] = {
        {RECOV_JITTER_FULL, 0u, 16u, 0u, 0u, UINT32_MAX, 0u, 15u},
        {RECOV_JITTER_FULL, 0u, 1000u, 0u, 0u, 16u, 0u, 15u},
        {RECOV_JITTER_EQUAL, 0u, 16u, 0u, 0u, UINT32_MAX, 8u, 15u},
        {RECOV_JITTER_EQUAL, 0u, 17u, 0u, 0u, UINT32_MAX, 8u, 16u},
        {RECOV_JITTER_DECORRELATED, 0u, 0u, 4u, 5u, UINT32_MAX, 4u, 15u},
        {RECOV_JITTER_DECORRELATED, 0u, 0u, 4u, 5u, 12u, 4u, 12u},
        {RECOV_JITTER_PERCENT, 25u, 100u, 0u, 0u, 110u, 75u, 110u},
    };
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        uint32_t mn = UINT32_MAX, mx = 0u, at_cap = 0u;
        for (uint32_t i = 0u; i < DIST_SEEDS * 4u; i++) {
            uint32_t s = (i + 1u) * 0x9E3779B1u;
            uint32_t v = recov_jitter(&s, RECOV_JITTER_MODE(c[k].kind, c[k].pct), c[k].d, c[k].base, c[k].prev, c[k].cap);
            if (v < mn) mn = v;
            if (v > mx) mx = v;
            at_cap += v == c[k].hi;
        }
        assert_int_equal(mn, c[k].lo);
        assert_int_equal(mx, c[k].hi);
        if (c[k].kind == RECOV_JITTER_PERCENT) /* max after the draw: 15 of 51 values land on it */
            assert_true(at_cap > DIST_SEEDS * 4u / 4u && at_cap < DIST_SEEDS * 4u / 3u);
    }
}

static void test_crc32(void **st)
{
    const uint8_t *msg = (const uint8_t *)"123456789";
    (void)st;
    assert_int_equal(recov_crc32(0u, msg, 9u), 0xCBF43926u);
    assert_int_equal(recov_crc32(recov_crc32(0u, msg, 4u), msg + 4, 5u), 0xCBF43926u);
    assert_int_equal(recov_crc32(0u, msg, 0u), 0u);
    assert_int_equal(recov_crc32(0u, (const uint8_t *)"a", 1u), 0xE8B7BE43u);
}

static void test_le(void **st)
{
    uint8_t b[4];
    (void)st;
    recov_put32(b, 0x11223344u);
    assert_int_equal(b[0], 0x44);
    assert_int_equal(b[1], 0x33);
    assert_int_equal(b[2], 0x22);
    assert_int_equal(b[3], 0x11);
    assert_int_equal(recov_get32(b), 0x11223344u);
    recov_put16(b, 0xBEEFu);
    assert_int_equal(b[0], 0xEF);
    assert_int_equal(b[1], 0xBE);
    assert_int_equal(recov_get16(b), 0xBEEFu);
    memset(b, 0xFF, sizeof b);
    assert_int_equal(recov_get32(b), UINT32_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elapsed_wraps), cmocka_unit_test(test_mul_milli),
        cmocka_unit_test(test_backoff),       cmocka_unit_test(test_prng_sequence),
        cmocka_unit_test(test_uniform),       cmocka_unit_test(test_jitter),
        cmocka_unit_test(test_jitter_distribution),
        cmocka_unit_test(test_crc32),         cmocka_unit_test(test_le),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
