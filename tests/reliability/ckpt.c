/* ckpt.c - checkpoint properties of one generated policy (spec/checkpoint.md).
 *
 * Built by ckpt.sh with -DP=<policy> -DPH='"<policy>.h"' and -include of a
 * generated fields.inc (FIELDS: one X_INT(name, ctype) / X_TEXT(name) per
 * fault field).  Optionally -DQ=<other policy> -DQH=... for the foreign test.
 *
 *  1. saving at random points and loading into a fresh state (other seed,
 *     other tick) gives exactly the decisions of the run that never stopped;
 *  2. every single bit flip of real checkpoints is rejected with the error
 *     code the format dictates for that byte, and leaves the state untouched;
 *  3. every truncation is RECOV_LOAD_SHORT, state untouched;
 *  4. flips with the CRC recomputed never crash and either restore (OK) or
 *     are RECOV_LOAD_CORRUPT with the state untouched;
 *  5. another policy's checkpoint (name hash) is RECOV_LOAD_FOREIGN.
 * Prints the counts; exits 1 on the first violation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STR2(x) #x
#define STR(x) STR2(x)
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define F(x) CAT(P, x)
#include PH
#ifdef Q
#include QH
#endif

typedef CAT(P, _state) st_t;
typedef CAT(P, _fault) fault_t;

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static const char *const TEXTS[] = {
    "", "timeout", "timed out", "Out of MEMORY", "connection reset", "connect reset",
    "no space", "write: No Space left", "io: slow", "io: stall", "Service Unavailable", "\xff\xfe", "x"
};
static const int64_t INTS[] = { 0, 1, 2, 3, 4, 5, 7, 99, 429, 500, 503, 599, -1, -3, -5, 1000, 65535 };

static void draw_fault(fault_t *f)
{
    memset(f, 0, sizeof *f);
#define X_INT(name, ctype) f->name = (ctype)(rnd() % 4 == 0 ? (int64_t)rnd() : INTS[rnd() % (sizeof INTS / sizeof *INTS)]);
#define X_BOOL(name) f->name = (rnd() & 1) != 0;
#define X_TEXT(name) f->name = rnd() % 8 == 0 ? NULL : TEXTS[rnd() % (sizeof TEXTS / sizeof *TEXTS)];
    FIELDS
#undef X_INT
#undef X_BOOL
#undef X_TEXT
}

typedef struct ev { int kind, ok; uint32_t dt; fault_t f; } ev;

/* One event; writes its decision as a line. Returns whether it was RUN. */
static int step(st_t *s, const ev *e, uint32_t now, char *out, size_t n)
{
    recov_decision d;
    switch (e->kind) {
    case 0: d = F(_failed)(s, &e->f, now); break;
    case 1: d = F(_handler_done)(s, e->ok != 0, now); break;
    case 2: F(_succeeded)(s, now); snprintf(out, n, "o"); return 0;
    default: snprintf(out, n, "a %d", (int)F(_admit)(s, now)); return 0;
    }
    snprintf(out, n, "d %u %u %lu %u %u %u %u %u", (unsigned)d.kind, (unsigned)d.id, (unsigned long)d.ms,
             (unsigned)d.level, (unsigned)d.error, (unsigned)d.severity, (unsigned)d.error_class, (unsigned)d.attempt);
    return d.kind == RECOV_RUN;
}

static void draw_events(ev *evs, int n)
{
    int run = 0;
    for (int i = 0; i < n; i++) {
        ev *e = &evs[i];
        uint32_t w = rnd() % 100;
        e->dt = rnd() % 4 == 0 ? rnd() % 120000 : rnd() % 3000;
        e->ok = (int)(rnd() & 1);
        e->kind = run && w < 70 ? 1 : w < 60 ? 0 : w < 75 ? 2 : w < 95 ? 3 : 1;
        if (e->kind == 0) draw_fault(&e->f);
        run = e->kind == 0 && rnd() % 3 == 0;   /* a guess; handler events are fine anywhere */
    }
}

static long fails;
#define CHECK(c, ...) do { if (!(c)) { fprintf(stderr, "ckpt %s: ", STR(P)); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); exit(1); } } while (0)

static uint8_t buf[F(_CHECKPOINT_MAX) ? F(_CHECKPOINT_MAX) : 1];

static unsigned expected_flip(size_t byte, const uint8_t *b, size_t len)
{
    if (byte < 4) return RECOV_LOAD_MAGIC;
    if (byte < 8) return RECOV_LOAD_FORMAT;
    if (byte >= 16 && byte < 20) {
        uint32_t L = (uint32_t)b[16] | (uint32_t)b[17] << 8 | (uint32_t)b[18] << 16 | (uint32_t)b[19] << 24;
        if (L > len - 24) return RECOV_LOAD_SHORT;
    }
    return RECOV_LOAD_CRC;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    long flips = 0, truncs = 0, crcfixed = 0, crcfixed_ok = 0, reloads = 0, events = 0;
    enum { N = 200 };
    static ev evs[N];
    static char ref[N][96], got[96];
    for (int r = 0; r < rounds; r++) {
        rng = 88172645463325252ull + (uint64_t)r * 7919u;
        draw_events(evs, N);
        uint32_t t0 = r % 2 ? 4294960000u : (uint32_t)rnd();
        uint32_t seed = rnd();
        st_t a, b, victim, before;
        /* the run that never stops */
        F(_init)(&a, t0, seed);
        uint32_t now = t0;
        for (int i = 0; i < N; i++) { now += evs[i].dt; step(&a, &evs[i], now, ref[i], sizeof ref[i]); }
        /* the run that stops and restarts from checkpoints */
        F(_init)(&b, t0, seed);
        now = t0;
        for (int i = 0; i < N; i++) {
            if (rnd() % 10 == 0) {
                size_t len = F(_save)(&b, buf, sizeof buf);
                CHECK(len == F(_CHECKPOINT_MAX), "save wrote %zu bytes, expected %u", len, (unsigned)F(_CHECKPOINT_MAX));
                CHECK(F(_save)(&b, buf, len - 1) == 0, "save into a short buffer did not return 0");
                /* victim: some other live state */
                F(_init)(&victim, now + rnd(), rnd());
                for (int k = 0; k < 5; k++) { char tmp[96]; step(&victim, &evs[(i + k * 7) % N], now + (uint32_t)k, tmp, sizeof tmp); }
                memcpy(&before, &victim, sizeof before);
                if (r < 3 || i % 3 == 0) {
                    /* every bit of the real checkpoint */
                    for (size_t bit = 0; bit < len * 8; bit++) {
                        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                        unsigned want = expected_flip(bit / 8, buf, len);
                        unsigned rc = (unsigned)F(_load)(&victim, buf, len);
                        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                        CHECK(rc == want, "bit %zu flipped: load returned %u, expected %u", bit, rc, want);
                        CHECK(!memcmp(&victim, &before, sizeof before), "bit %zu flipped: state changed", bit);
                        flips++;
                    }
                    /* every truncation */
                    for (size_t l = 0; l < len; l++) {
                        unsigned rc = (unsigned)F(_load)(&victim, buf, l);
                        CHECK(rc == RECOV_LOAD_SHORT, "truncated to %zu: load returned %u", l, rc);
                        CHECK(!memcmp(&victim, &before, sizeof before), "truncated to %zu: state changed", l);
                        truncs++;
                    }
                    /* payload flips with a correct CRC: restore or CORRUPT, never a crash */
                    static uint8_t c2[sizeof buf];
                    for (size_t bit = 20 * 8; bit < (len - 4) * 8; bit++) {
                        memcpy(c2, buf, len);
                        c2[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                        put32(c2 + len - 4, recov_crc32(0, c2, len - 4));
                        st_t tmp;
                        memcpy(&tmp, &victim, sizeof tmp);
                        unsigned rc = (unsigned)F(_load)(&tmp, c2, len);
                        CHECK(rc == RECOV_LOAD_OK || rc == RECOV_LOAD_CORRUPT, "payload bit %zu with CRC fixed: load returned %u", bit, rc);
                        if (rc == RECOV_LOAD_CORRUPT) CHECK(!memcmp(&tmp, &victim, sizeof tmp), "payload bit %zu: CORRUPT but state changed", bit);
                        else crcfixed_ok++;
                        crcfixed++;
                    }
                    /* another policy's name hash (CRC fixed): FOREIGN */
                    memcpy(c2, buf, len);
                    c2[8] ^= 0x5a;
                    put32(c2 + len - 4, recov_crc32(0, c2, len - 4));
                    CHECK(F(_load)(&victim, c2, len) == RECOV_LOAD_FOREIGN, "foreign name hash not rejected");
                    CHECK(!memcmp(&victim, &before, sizeof before), "foreign: state changed");
#ifdef Q
                    {
                        CAT(Q, _state) q;
                        static uint8_t qb[CAT(Q, _CHECKPOINT_MAX)];
                        CAT(Q, _init)(&q, now, 1);
                        size_t ql = CAT(Q, _save)(&q, qb, sizeof qb);
                        CHECK(F(_load)(&victim, qb, ql) == RECOV_LOAD_FOREIGN, "checkpoint of %s not rejected as foreign", STR(Q));
                        CHECK(!memcmp(&victim, &before, sizeof before), "other policy: state changed");
                    }
#endif
                }
                /* the real checkpoint restores into a fresh state */
                st_t fresh;
                F(_init)(&fresh, now + 12345u, seed ^ 0x9e3779b9u);
                unsigned rc = (unsigned)F(_load)(&fresh, buf, len);
                CHECK(rc == RECOV_LOAD_OK, "reload at event %d returned %u", i, rc);
                memcpy(&b, &fresh, sizeof b);
                reloads++;
            }
            now += evs[i].dt;
            step(&b, &evs[i], now, got, sizeof got);
            CHECK(!strcmp(got, ref[i]), "round %d event %d after reloads: got '%s', the run that never stopped '%s'", r, i, got, ref[i]);
            events++;
        }
    }
    (void)fails;
    printf("ckpt %s: %d rounds, %ld events identical after %ld reloads; %ld bit flips and %ld truncations rejected, "
           "%ld CRC-fixed payload flips (%ld restored, the rest CORRUPT)\n",
           STR(P), rounds, events, reloads, flips, truncs, crcfixed, crcfixed_ok);
    return 0;
}
