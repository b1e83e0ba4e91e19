/* ckpt_params.c - parameters in the shared checkpoint (spec/checkpoint.md,
 * `param.<name>` records; generated-api.md P_set_params), on the generated
 * C of tests/e2e/policies/params.recov (ckpt_params.sh builds it).
 *
 *  1. P_set_params with values other than the defaults changes what the
 *     policy decides (a retry after `first`, the breaker at `trip`);
 *  2. P_shared_save / P_shared_load into a fresh part (defaults, another
 *     tick) restores them: P_get_params equal, the same decisions after;
 *  3. a damaged checkpoint is refused and the part keeps its values: a
 *     flipped bit of a param record (RECOV_LOAD_CRC), a param value above
 *     HI or below LO with the CRC made right again (RECOV_LOAD_CORRUPT);
 *     the same record set to another value in range restores that value.
 * The simulator has no checkpoint: `params` lines of params.rtest hold it
 * to the same decisions with the same values.  Exits 1 on the first
 * violation, printing it.
 */
#include <stdio.h>
#include <string.h>

#include "params.h"

static int fails;
#define CHECK(c, ...)                                            \
    do {                                                         \
        if (!(c)) {                                              \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);          \
            printf(__VA_ARGS__);                                 \
            printf("\n");                                        \
            fails++;                                             \
        }                                                        \
    } while (0)

static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put(uint8_t *p, unsigned len, uint32_t v)
{
    for (unsigned k = 0; k < len; k++) p[k] = (uint8_t)(v >> (8u * k));
}

/* The value bytes of record `key` in checkpoint c, and their length. */
static uint8_t *find_rec(uint8_t *c, size_t n, const char *key, unsigned *len)
{
    uint32_t want = fnv(key), L = get32(c + 16);
    size_t at = 20;
    CHECK(20u + L + 4u == n, "payload length %u in a checkpoint of %zu bytes", (unsigned)L, n);
    while (at + 5 <= 20u + L) {
        uint32_t tag = get32(c + at);
        unsigned l = c[at + 4];
        if (tag == want) {
            *len = l;
            return c + at + 5;
        }
        at += 5u + l;
    }
    CHECK(0, "no record %s", key);
    return NULL;
}

static void fix_crc(uint8_t *c, size_t n) { put(c + n - 4, 4, recov_crc32(0, c, n - 4)); }

/* A busy failure of a fresh incident at `now`: its decision. */
static recov_decision busy(params_shared *s, uint32_t now)
{
    params_incident i;
    params_fault f;
    params_incident_init(&i);
    memset(&f, 0, sizeof f);
    f.status = 503;
    return params_failed(s, &i, &f, now);
}

int main(void)
{
    static uint8_t ck[params_SHARED_CHECKPOINT_MAX], bad[params_SHARED_CHECKPOINT_MAX];
    params_shared a, b, keep;
    params_params p, got;

    /* 1. other values than the defaults, and what they change */
    params_shared_init(&a, 1000u, 7u);
    params_params_default(&p);
    CHECK(p.first == 200u && p.trip == 4u && p.max_tries == 3u, "defaults %u %u %u", (unsigned)p.first,
          (unsigned)p.trip, (unsigned)p.max_tries);
    p.first = 1500u;
    p.trip = 9u;
    p.max_tries = 7u;
    p.cool = 2000u;
    p.spend = 25u;
    CHECK(params_set_params(&a, &p) == 0u, "P_set_params refused values in range");
    recov_decision d = busy(&a, 1100u);
    CHECK(d.kind == RECOV_RETRY && d.ms == 1500u, "first retry %u after %u ms, want RETRY 1500", (unsigned)d.kind,
          (unsigned)d.ms);
    params_params over = p;
    over.trip = 51u;
    CHECK(params_set_params(&a, &over) == 1u + params_PARAM_TRIP, "trip 51 not refused by name");

    /* 2. the round trip */
    size_t n = params_shared_save(&a, ck, sizeof ck);
    CHECK(n == sizeof ck, "save wrote %zu of %u bytes", n, (unsigned)sizeof ck);
    params_shared_init(&b, 555555u, 3u);
    params_get_params(&b, &got);
    CHECK(got.first == 200u && got.trip == 4u, "a fresh part does not have the defaults");
    CHECK(params_shared_load(&b, ck, n) == RECOV_LOAD_OK, "load of its own checkpoint failed");
    params_get_params(&b, &got);
    CHECK(memcmp(&got, &p, sizeof p) == 0, "the loaded parameters differ from the ones set");
    for (uint32_t t = 2000u; t < 2010u; t++) {   /* the same decisions from here on */
        recov_decision x = busy(&a, t), y = busy(&b, t);
        CHECK(x.kind == y.kind && x.ms == y.ms, "at %u: %u/%u ms before the save, %u/%u ms after the load",
              (unsigned)t, (unsigned)x.kind, (unsigned)x.ms, (unsigned)y.kind, (unsigned)y.ms);
        if (t == 2000u) CHECK(y.kind == RECOV_RETRY && y.ms == 1500u, "the loaded part does not retry after `first`");
    }

    /* 3. damaged checkpoints with parameters: refused, nothing changes */
    static const struct { const char *key; uint32_t value; recov_load want; uint32_t read; } cases[] = {
        { "param.trip", 51u, RECOV_LOAD_CORRUPT, 0u },          /* above HI 50 */
        { "param.trip", 1u, RECOV_LOAD_CORRUPT, 0u },           /* below LO 2 */
        { "param.max_tries", 9u, RECOV_LOAD_CORRUPT, 0u },      /* above HI 8 */
        { "param.first", 99u, RECOV_LOAD_CORRUPT, 0u },         /* below LO 100 ms */
        { "param.cool", 60001u, RECOV_LOAD_CORRUPT, 0u },       /* above HI 1 min */
        { "param.spend", 50u, RECOV_LOAD_OK, 50u },             /* HI itself: restored */
        { "param.trip", 2u, RECOV_LOAD_OK, 2u },                /* LO itself: restored */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        unsigned len = 0;
        memcpy(bad, ck, n);
        uint8_t *v = find_rec(bad, n, cases[k].key, &len);
        if (!v) continue;
        put(v, len, cases[k].value);
        fix_crc(bad, n);
        params_shared_init(&b, 42u, 1u);
        memcpy(&keep, &b, sizeof b);
        recov_load rc = params_shared_load(&b, bad, n);
        CHECK(rc == cases[k].want, "%s = %u: load returned %u, want %u", cases[k].key, (unsigned)cases[k].value,
              (unsigned)rc, (unsigned)cases[k].want);
        if (rc != RECOV_LOAD_OK) {
            CHECK(memcmp(&b, &keep, sizeof b) == 0, "%s = %u: a refused load changed the part", cases[k].key,
                  (unsigned)cases[k].value);
        } else {
            params_get_params(&b, &got);
            uint32_t r = strcmp(cases[k].key, "param.trip") == 0 ? got.trip : got.spend;
            CHECK(r == cases[k].read, "%s = %u restored as %u", cases[k].key, (unsigned)cases[k].value, (unsigned)r);
        }
    }
    /* every bit of every param record flipped, the CRC left: RECOV_LOAD_CRC */
    static const char *const keys[] = { "param.max_tries", "param.first", "param.trip", "param.cool", "param.spend" };
    int flips = 0;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        unsigned len = 0;
        memcpy(bad, ck, n);
        uint8_t *v = find_rec(bad, n, keys[k], &len);
        if (!v) continue;
        for (unsigned bit = 0; bit < 8u * len; bit++) {
            memcpy(bad, ck, n);
            v[bit / 8u] = (uint8_t)(v[bit / 8u] ^ (1u << (bit % 8u)));
            params_shared_init(&b, 42u, 1u);
            memcpy(&keep, &b, sizeof b);
            recov_load rc = params_shared_load(&b, bad, n);
            CHECK(rc == RECOV_LOAD_CRC, "%s bit %u: load returned %u, want CRC", keys[k], bit, (unsigned)rc);
            CHECK(memcmp(&b, &keep, sizeof b) == 0, "%s bit %u: a refused load changed the part", keys[k], bit);
            flips++;
        }
    }
    printf("ckpt_params: %d bit flips of param records, %zu damaged values, round trip of 5 non-default values: %s\n",
           flips, sizeof cases / sizeof cases[0], fails ? "FAILED" : "ok");
    return fails ? 1 : 0;
}
