/* stats_saturate.c - `stats;` counters of the generated C stop at 2^32 - 1
 * (spec/semantics.md "Statistics").  Built by stats_saturate.sh against
 * tests/e2e/policies/stats.recov.  A shared checkpoint is saved, three of
 * its counter records are set near the limit (CRC recomputed: the records
 * are the ones spec/checkpoint.md names) and loaded back; then the events
 * that count them run twice: each counter reaches 4294967295 and stays. */
#include <stdio.h>
#include <string.h>

#include "stats.h"

static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}
static uint32_t get32(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }

/* Sets record `key` (4 bytes) to v; 0 when there is no such record. */
static int set_record(uint8_t *b, size_t len, const char *key, uint32_t v)
{
    uint32_t tag = fnv(key), plen = get32(b + 16);
    for (size_t at = 20; at + 5 <= 20u + plen; at += 5u + b[at + 4]) {
        if (get32(b + at) != tag) continue;
        if (b[at + 4] != 4) return 0;
        put32(b + at + 5, v);
        put32(b + len - 4, recov_crc32(0, b, len - 4));
        return 1;
    }
    return 0;
}

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
