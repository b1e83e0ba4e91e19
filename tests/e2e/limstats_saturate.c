/* limstats_saturate.c - the limit refusal counters of `stats;` stop at
 * 2^32 - 1 like the others (spec/semantics.md "Statistics").  Built by
 * stats_saturate.sh against tests/e2e/policies/limstats.recov: the two
 * `stats.limit.*.refusals` records of a shared checkpoint are set near the
 * limit (CRC recomputed) and loaded; then refusals of each limit run. */
#include <stdio.h>
#include <string.h>

#include "limstats.h"

#include "ckpt_record.h"   /* set_record() */

static int fails;
#define CHECK(c, what) do { if (!(c)) { printf("FAIL: %s\n", what); fails++; } } while (0)

int main(void)
{
    static uint8_t buf[limstats_SHARED_CHECKPOINT_MAX];
    limstats_shared s;
    limstats_incident a, b, c;
    limstats_counters n;
    limstats_shared_init(&s, 0, 1);
    size_t len = limstats_shared_save(&s, buf, sizeof buf);
    CHECK(len == sizeof buf, "save");
    CHECK(set_record(buf, len, "stats.limit.rate.refusals", 0xFFFFFFFEu), "record limit.rate.refusals");
    CHECK(set_record(buf, len, "stats.limit.concurrent.refusals", 0xFFFFFFFFu), "record limit.concurrent.refusals");
    CHECK(limstats_shared_load(&s, buf, len) == RECOV_LOAD_OK, "load");
    limstats_incident_init(&a);
    limstats_incident_init(&b);
    limstats_incident_init(&c);
    CHECK(limstats_admit(&s, &a, 0u) == RECOV_ALLOW, "a admitted");
    CHECK(limstats_admit(&s, &b, 0u) == RECOV_ALLOW, "b admitted: the bucket is empty");
    for (uint32_t t = 1u; t <= 3u; t++) CHECK(limstats_admit(&s, &c, t) == RECOV_FULL, "c: full");
    limstats_cancelled(&s, &a, 4u);
    for (uint32_t t = 5u; t <= 7u; t++) CHECK(limstats_admit(&s, &c, t) == RECOV_RATE_LIMITED, "c: no token");
    limstats_stats(&s, &n);
    CHECK(n.limit_refusals[limstats_LIM_RATE] == 0xFFFFFFFFu, "rate refusals reach the limit and stay");
    CHECK(n.limit_refusals[limstats_LIM_CONCURRENT] == 0xFFFFFFFFu, "concurrent refusals stay at the limit");
    CHECK(n.breaker_rejections[limstats_BRK_MAIN] == 0u, "the breaker's counter is untouched");
    printf("%s\n", fails ? "limit refusals saturation: FAILED" : "limit refusals saturation: 2 counters at 4294967295 stay there");
    return fails != 0;
}
