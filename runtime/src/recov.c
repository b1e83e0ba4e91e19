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
    return now - since; /* modular: exact for intervals < 2^31 across a wrap */
}

/* v * milli / 1000 split as (q*1000 + r) * milli / 1000 = q*milli + r*milli/1000
 * with q = v/1000, r = v%1000: r*milli <= 999 * 10^6 fits 32 bits, so only
 * q*milli and the sum can overflow, and both are checked. */
uint32_t recov_mul_milli(uint32_t v, uint32_t milli)
{
    uint32_t q = v / 1000u, r = v % 1000u;
    uint32_t lo = r * milli / 1000u;
    uint32_t hi;
    if (q != 0u && milli > UINT32_MAX / q)
        return UINT32_MAX;
    hi = q * milli;
    return hi > UINT32_MAX - lo ? UINT32_MAX : hi + lo;
}

uint32_t recov_backoff(uint32_t kind, uint32_t base, uint32_t factor_milli, uint32_t n)
{
    uint32_t d = base;
    if (kind == RECOV_BACKOFF_LINEAR) {
        if (n != 0u && base > UINT32_MAX / n)
            return UINT32_MAX;
        return base * n;
    }
    if (kind == RECOV_BACKOFF_EXPONENTIAL) {
        /* Stop early once the result can no longer change: 0 stays 0, and a
         * saturated value stays saturated for any factor >= 1. */
        for (; n > 1u; n--) {
            if (d == 0u || (d == UINT32_MAX && factor_milli >= 1000u))
                break;
            d = recov_mul_milli(d, factor_milli);
        }
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
    uint32_t span;
    if (hi <= lo)
        return lo;
    span = hi - lo + 1u;
    if (span == 0u) /* [0, UINT32_MAX] */
        return r;
    return lo + r % span;
}

uint32_t recov_jitter(uint32_t *state, uint32_t kind, uint32_t pct,
                      uint32_t d, uint32_t base, uint32_t prev)
{
    uint32_t lo, hi, p;
    switch (kind) {
    case RECOV_JITTER_PERCENT:
        /* floor(d * pct / 100) without 64-bit math, as in recov_mul_milli */
        p = (d / 100u) * pct + (d % 100u) * pct / 100u;
        lo = d > p ? d - p : 0u;
        hi = d > UINT32_MAX - p ? UINT32_MAX : d + p;
        break;
    case RECOV_JITTER_FULL:
        lo = 0u;
        hi = d;
        break;
    case RECOV_JITTER_EQUAL:
        lo = d / 2u;
        hi = lo + lo;
        break;
    case RECOV_JITTER_DECORRELATED:
        lo = base;
        hi = prev > UINT32_MAX / 3u ? UINT32_MAX : prev * 3u;
        if (hi < base)
            hi = base;
        break;
    default: /* RECOV_JITTER_NONE: no draw */
        return d;
    }
    return recov_uniform(state, lo, hi);
}

/* Bitwise CRC-32: 8 shifts per byte instead of a 1 KB table. */
uint32_t recov_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--) {
        unsigned k;
        crc ^= *p++;
        for (k = 0; k < 8u; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
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
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void recov_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

uint16_t recov_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
