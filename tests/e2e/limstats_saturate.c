/* limstats_saturate.c - the limit refusal counters of `stats;` stop at
 * 2^32 - 1 like the others (spec/semantics.md "Statistics").  Built by
 * stats_saturate.sh against tests/e2e/policies/limstats.recov: the two
 * `stats.limit.*.refusals` records of a shared checkpoint are set near the
 * limit (CRC recomputed) and loaded; then refusals of each limit run. */
#include <stdio.h>
#include <string.h>

#include "limstats.h"

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
