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

/* Every FLIP_STEP-th bit is flipped (1: every bit).  ckpt.sh passes 7 for
 * policies with `stats;`, whose checkpoints hold 4 bytes per counter (a
 * flip costs a load of the whole checkpoint): 7 is prime to 8, so every
 * bit position of every byte is still hit across the records. */
#ifndef FLIP_STEP
#define FLIP_STEP 1
#endif

/* one shared part and one incident; each is saved and loaded on its own */
typedef struct st_t { CAT(P, _shared) s; CAT(P, _incident) i; } st_t;
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
    case 0: d = F(_failed)(&s->s, &s->i, &e->f, now); break;
    case 1: d = F(_handler_done)(&s->s, &s->i, e->ok != 0, now); break;
    case 2: F(_succeeded)(&s->s, &s->i, now); snprintf(out, n, "o"); return 0;
    default: snprintf(out, n, "a %d", (int)F(_admit)(&s->s, &s->i, now)); return 0;
    }
    snprintf(out, n, "d %u %u %lu %u %u %u %u %u", (unsigned)d.kind, (unsigned)d.id, (unsigned long)d.ms,
             (unsigned)d.level, (unsigned)d.error, (unsigned)d.severity, (unsigned)d.error_class, (unsigned)d.attempt);
#ifdef STATS
    {   /* `stats;`: the counters survive the reloads too (FNV-1a of what P_stats copies) */
        CAT(P, _counters) c;
        const unsigned char *p = (const unsigned char *)&c;
        uint32_t h = 2166136261u;
        memset(&c, 0, sizeof c);
        F(_stats)(&s->s, &c);
        for (size_t k = 0; k < sizeof c; k++) h = (h ^ p[k]) * 16777619u;
        size_t l = strlen(out);
        snprintf(out + l, n - l, " s %08lx", (unsigned long)h);
    }
#endif
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

#define BUFMAX (F(_SHARED_CHECKPOINT_MAX) > F(_INCIDENT_CHECKPOINT_MAX) ? F(_SHARED_CHECKPOINT_MAX) : F(_INCIDENT_CHECKPOINT_MAX))
static uint8_t buf[BUFMAX], ibuf[BUFMAX];

static void init(st_t *s, uint32_t now, uint32_t seed)
{
    F(_shared_init)(&s->s, now, seed);
    F(_incident_init)(&s->i);
}
/* part 0: the shared part, 1: the incident */
static size_t save_part(int part, const st_t *s, uint8_t *b, size_t cap)
{
    return part ? F(_incident_save)(&s->i, b, cap) : F(_shared_save)(&s->s, b, cap);
}
static unsigned load_part(int part, st_t *s, const uint8_t *b, size_t len)
{
    return part ? (unsigned)F(_incident_load)(&s->i, b, len) : (unsigned)F(_shared_load)(&s->s, b, len);
}
static size_t part_max(int part) { return part ? F(_INCIDENT_CHECKPOINT_MAX) : F(_SHARED_CHECKPOINT_MAX); }
/* compares what a load may change: the saved members (epoch and adm are not saved) */
static int same_state(const st_t *x, const st_t *y) { return !memcmp(x, y, sizeof *x); }

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
        init(&a, t0, seed);
        uint32_t now = t0;
        for (int i = 0; i < N; i++) { now += evs[i].dt; step(&a, &evs[i], now, ref[i], sizeof ref[i]); }
        /* the run that stops and restarts from checkpoints */
        init(&b, t0, seed);
        now = t0;
        for (int i = 0; i < N; i++) {
            if (rnd() % 10 == 0) {
              size_t plen[2];
              for (int part = 0; part < 2; part++) {
                uint8_t *bp = part ? ibuf : buf;
                size_t len = save_part(part, &b, bp, BUFMAX);
                plen[part] = len;
                CHECK(len == part_max(part), "part %d: save wrote %zu bytes, expected %zu", part, len, part_max(part));
                CHECK(save_part(part, &b, bp, len - 1) == 0, "part %d: save into a short buffer did not return 0", part);
                /* victim: some other live state */
                init(&victim, now + rnd(), rnd());
                for (int k = 0; k < 5; k++) { char tmp[96]; step(&victim, &evs[(i + k * 7) % N], now + (uint32_t)k, tmp, sizeof tmp); }
                memcpy(&before, &victim, sizeof before);
                /* the other part's checkpoint is the wrong kind: FORMAT */
                CHECK(load_part(!part, &victim, bp, len) == RECOV_LOAD_FORMAT, "part %d given to the other loader not rejected", part);
                CHECK(same_state(&victim, &before), "part %d given to the other loader: state changed", part);
                if (r < 3 || i % 3 == 0) {
                    /* every bit of the real checkpoint */
                    for (size_t bit = 0; bit < len * 8; bit += FLIP_STEP) {
                        bp[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                        unsigned want = expected_flip(bit / 8, bp, len);
                        unsigned rc = load_part(part, &victim, bp, len);
                        bp[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                        CHECK(rc == want, "part %d bit %zu flipped: load returned %u, expected %u", part, bit, rc, want);
                        CHECK(same_state(&victim, &before), "part %d bit %zu flipped: state changed", part, bit);
                        flips++;
                    }
                    /* every truncation */
                    for (size_t l = 0; l < len; l++) {
                        unsigned rc = load_part(part, &victim, bp, l);
                        CHECK(rc == RECOV_LOAD_SHORT, "part %d truncated to %zu: load returned %u", part, l, rc);
                        CHECK(same_state(&victim, &before), "part %d truncated to %zu: state changed", part, l);
                        truncs++;
                    }
                    /* payload flips with a correct CRC: restore or CORRUPT, never a crash */
                    static uint8_t c2[BUFMAX];
                    for (size_t bit = 20 * 8; bit < (len - 4) * 8; bit += FLIP_STEP) {
                        memcpy(c2, bp, len);
                        c2[bit / 8] ^= (uint8_t)(1u << (bit % 8));
                        put32(c2 + len - 4, recov_crc32(0, c2, len - 4));
                        st_t tmp;
                        memcpy(&tmp, &victim, sizeof tmp);
                        unsigned rc = load_part(part, &tmp, c2, len);
                        CHECK(rc == RECOV_LOAD_OK || rc == RECOV_LOAD_CORRUPT, "part %d payload bit %zu with CRC fixed: load returned %u", part, bit, rc);
                        if (rc == RECOV_LOAD_CORRUPT) CHECK(same_state(&tmp, &victim), "part %d payload bit %zu: CORRUPT but state changed", part, bit);
                        else crcfixed_ok++;
                        crcfixed++;
                    }
                    /* another policy's name hash (CRC fixed): FOREIGN */
                    memcpy(c2, bp, len);
                    c2[8] ^= 0x5a;
                    put32(c2 + len - 4, recov_crc32(0, c2, len - 4));
                    CHECK(load_part(part, &victim, c2, len) == RECOV_LOAD_FOREIGN, "part %d: foreign name hash not rejected", part);
                    CHECK(same_state(&victim, &before), "part %d foreign: state changed", part);
                    /* another version of the policy (policy hash, CRC fixed): the shared
                     * part migrates, the incident is STALE and untouched */
                    memcpy(c2, bp, len);
                    c2[12] ^= 0x01;
                    put32(c2 + len - 4, recov_crc32(0, c2, len - 4));
                    {
                        st_t tmp;
                        memcpy(&tmp, &victim, sizeof tmp);
                        unsigned rc = load_part(part, &tmp, c2, len);
                        CHECK(rc == (part ? RECOV_LOAD_STALE : RECOV_LOAD_MIGRATED), "part %d other version: load returned %u", part, rc);
                        if (part) CHECK(same_state(&tmp, &victim), "stale incident: state changed");
                    }
#ifdef Q
                    {
                        CAT(Q, _shared) q;
                        CAT(Q, _incident) qi;
                        static uint8_t qb[CAT(Q, _SHARED_CHECKPOINT_MAX) + CAT(Q, _INCIDENT_CHECKPOINT_MAX)];
                        CAT(Q, _shared_init)(&q, now, 1);
                        CAT(Q, _incident_init)(&qi);
                        size_t ql = part ? CAT(Q, _incident_save)(&qi, qb, sizeof qb) : CAT(Q, _shared_save)(&q, qb, sizeof qb);
                        CHECK(load_part(part, &victim, qb, ql) == RECOV_LOAD_FOREIGN, "part %d: checkpoint of %s not rejected as foreign", part, STR(Q));
                        CHECK(same_state(&victim, &before), "other policy: state changed");
                    }
#endif
                }
              }
                /* the real checkpoints restore into a fresh state */
                st_t fresh;
                init(&fresh, now + 12345u, seed ^ 0x9e3779b9u);
                unsigned rc = load_part(0, &fresh, buf, plen[0]);
                CHECK(rc == RECOV_LOAD_OK, "reload of the shared part at event %d returned %u", i, rc);
                rc = load_part(1, &fresh, ibuf, plen[1]);
                CHECK(rc == RECOV_LOAD_OK, "reload of the incident at event %d returned %u", i, rc);
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
