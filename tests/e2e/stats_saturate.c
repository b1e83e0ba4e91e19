/* stats_saturate.c - `stats;` counters of the generated C stop at 2^32 - 1
 * (spec/semantics.md "Statistics").  Built by stats_saturate.sh against
 * tests/e2e/policies/stats.recov.  A shared checkpoint is saved, three of
 * its counter records are set near the limit (CRC recomputed: the records
 * are the ones spec/checkpoint.md names) and loaded back; then the events
 * that count them run twice: each counter reaches 4294967295 and stays. */
#include <stdio.h>
#include <string.h>

#include "stats.h"

#include "ckpt_record.h"   /* set_record() */

static int fails;
#define CHECK(c, what) do { if (!(c)) { printf("FAIL: %s\n", what); fails++; } } while (0)

int main(void)
{
    static uint8_t buf[stats_SHARED_CHECKPOINT_MAX];
    stats_shared s;
    stats_incident i;
    stats_counters c;
    const stats_fault busy = { 503 }, odd = { 1 };
    stats_shared_init(&s, 0, 1);
    stats_incident_init(&i);
    size_t len = stats_shared_save(&s, buf, sizeof buf);
    CHECK(len == sizeof buf, "save");
    CHECK(set_record(buf, len, "stats.error.busy.failures", 0xFFFFFFFEu), "record error.busy.failures");
    CHECK(set_record(buf, len, "stats.error.busy.retries", 0xFFFFFFFFu), "record error.busy.retries");
    CHECK(set_record(buf, len, "stats.error.odd.aborts", 0xFFFFFFFDu), "record error.odd.aborts");
    CHECK(stats_shared_load(&s, buf, len) == RECOV_LOAD_OK, "load");
    for (int round = 0; round < 2; round++) {
        recov_decision d = stats_failed(&s, &i, &busy, 10u);
        CHECK(d.kind == RECOV_RETRY, "busy retries");
        d = stats_failed(&s, &i, &odd, 20u);
        CHECK(d.kind == RECOV_ABORT, "odd aborts");
    }
    stats_stats(&s, &c);
    CHECK(c.failures[stats_ERR_BUSY] == 0xFFFFFFFFu, "failures stop at the limit");
    CHECK(c.retries[stats_ERR_BUSY] == 0xFFFFFFFFu, "retries stay at the limit");
    CHECK(c.aborts[stats_ERR_ODD] == 0xFFFFFFFFu, "aborts reach the limit and stay");
    CHECK(c.failures[stats_ERR_ODD] == 2u, "the counters beside them count from 0");
    CHECK(c.failures[stats_ERR_GONE] == 0u, "untouched counters stay 0");
    /* and they are saved at the limit */
    len = stats_shared_save(&s, buf, sizeof buf);
    stats_shared_init(&s, 0, 1);
    CHECK(stats_shared_load(&s, buf, len) == RECOV_LOAD_OK, "reload");
    stats_stats(&s, &c);
    CHECK(c.failures[stats_ERR_BUSY] == 0xFFFFFFFFu, "the saturated counter reloads");
    printf("%s\n", fails ? "stats saturation: FAILED" : "stats saturation: 3 counters at 4294967295 stay there");
    return fails != 0;
}
