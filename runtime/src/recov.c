/* recov.c - the runtime's arithmetic: ticks, saturating scales, backoff,
 * PRNG, jitter, CRC-32 and little-endian access.  See recov.h for contracts.
 *
 * Freestanding C99 for small MCUs: no libc, no float, no 64-bit arithmetic
 * (a 64-bit divide pulls a libgcc helper into a Cortex-M image), no tables,
 * no recursion.  Every function is a few instructions; the whole runtime
 * including the DFA scanners is meant to stay near 1 KB of .text.
 */
#include "recov/recov.h"

uint32_t recov_elapsed(uint32_t now, uint32_t since)
{
    return RECOV_ELAPSED(now, since);
}

/* v * milli / 1000 split as (q*1000 + r) * milli / 1000 = q*milli + r*milli/1000
 * with q = v/1000, r = v%1000: r*milli <= 999 * 10^6 fits 32 bits, so only
 * q*milli and the sum can overflow, and both are checked. */
uint32_t recov_mul_milli(uint32_t v, uint32_t milli)
{
    uint32_t res = v;                   /* milli 1000, the common scale 1.0: no division */
    if (milli != 1000u) {
        uint32_t q = v / 1000u;
        uint32_t r = v % 1000u;
        uint32_t lo = (r * milli) / 1000u;
        res = UINT32_MAX;
        if ((q == 0u) || (milli <= (UINT32_MAX / q))) {
            uint32_t hi = q * milli;
            if (hi <= (UINT32_MAX - lo)) {
                res = hi + lo;
            }
        }
    }
    return res;
}

uint32_t recov_backoff(uint32_t kind, uint32_t base, uint32_t factor_milli, uint32_t n)
{
    uint32_t d = base;
    uint32_t i;
    if (kind == RECOV_BACKOFF_LINEAR) {
        d = ((n != 0u) && (base > (UINT32_MAX / n))) ? UINT32_MAX : (base * n);
    } else if (kind == RECOV_BACKOFF_EXPONENTIAL) {
        /* Stop early once the result can no longer change: 0 stays 0, and a
         * saturated value stays saturated for any factor >= 1. */
        for (i = n; (i > 1u) && (d != 0u) && ((d != UINT32_MAX) || (factor_milli < 1000u)); i--) {
            d = recov_mul_milli(d, factor_milli);
        }
    } else {
        /* RECOV_BACKOFF_CONSTANT: base */
    }
    return d;
}

uint32_t recov_prng_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

uint32_t recov_uniform(uint32_t *state, uint32_t lo, uint32_t hi)
{
    uint32_t r = recov_prng_next(state); /* drawn first: exactly one draw always */
    uint32_t res = lo;
    if (hi > lo) {
        uint32_t span = (hi - lo) + 1u;
        res = (span == 0u) ? r /* [0, UINT32_MAX] */ : (lo + (r % span));
    }
    return res;
}

uint32_t recov_jitter(uint32_t *state, uint32_t mode, uint32_t delay, uint32_t base,
                      uint32_t prev, uint32_t cap_in)
{
    uint32_t d = delay;                     /* locals: MISRA 17.8, parameters stay as given */
    uint32_t cap = cap_in;
    uint32_t kind = mode & 0xFFu;
    uint32_t lo = 0u;
    uint32_t hi;
    uint32_t res;
    if (cap > RECOV_DELAY_MAX) {
        cap = RECOV_DELAY_MAX;              /* C */
    }
    if (kind == RECOV_JITTER_PERCENT) {
        /* p = floor(d * pct / 100) without 64-bit math, as in recov_mul_milli */
        uint32_t p = ((d / 100u) * (mode >> 8)) + (((d % 100u) * (mode >> 8)) / 100u);
        if (d > p) {
            lo = d - p;
        }
        hi = (d > (UINT32_MAX - p)) ? UINT32_MAX : (d + p);
    } else if (kind == RECOV_JITTER_DECORRELATED) {
        hi = (prev > (UINT32_MAX / 3u)) ? UINT32_MAX : (prev * 3u);
        if (hi < base) {
            hi = base;
        }
        if (hi > cap) {
            hi = cap;
        }
        lo = (base < hi) ? base : hi;
    } else {
        if (d > cap) {
            d = cap;                        /* c, the capped delay */
        }
        hi = 0u;                            /* FULL and EQUAL: below c */
        if (d != 0u) {
            hi = d - 1u;
        }
        if (kind == RECOV_JITTER_EQUAL) {
            lo = d / 2u;
        }
    }
    if (kind == RECOV_JITTER_NONE) {
        res = d;                            /* no draw */
    } else {
        /* recov_uniform(state, lo, hi) written out (lo <= hi here), so that
         * this function calls nothing and P_failed's deepest stack stays
         * within the Cortex-M budget */
        uint32_t x = *state;
        uint32_t span = (hi - lo) + 1u;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *state = x;
        res = (span == 0u) ? x : (lo + (x % span));
        if (res > cap) {
            res = cap;                      /* PERCENT: the cap after the draw */
        }
    }
    return res;
}

/* Bitwise CRC-32: 8 shifts per byte instead of a 1 KB table. */
uint32_t recov_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    uint32_t c = ~crc;
    size_t i;
    for (i = 0u; i < n; i++) {
        uint32_t k;
        c ^= (uint32_t)p[i];
        for (k = 0u; k < 8u; k++) {
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
        }
    }
    return ~c;
}

void recov_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

uint32_t recov_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

void recov_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

uint16_t recov_get16(const uint8_t *p)
{
    return (uint16_t)((uint32_t)p[0] | ((uint32_t)p[1] << 8));
}
