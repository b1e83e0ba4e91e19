/* recov_dfa.c - string classification scanners; see recov.h.
 *
 * The loop of compiler/patterns/dfa.h: one table lookup per byte, then set the
 * patterns of the state entered; at the end those that patterns ending in
 * `$` need.  Acc value 0 is the empty list, so states that accept nothing
 * (almost all of them) cost nothing more.  Kept deliberately plain (no
 * unrolling): this is flash in firmware.  The 8-bit compact form adds one
 * inner loop for the start state, where an unanchored search spends most
 * bytes; the 16-bit one does without it (see recov_dfa_scan16c).
 */
#include "recov/recov.h"

/* mask[0 .. words) = 0.  The stores are volatile because a hosted gcc or
 * clang at -O2 turns a plain clearing loop into a call of memset: a call per
 * scan for the one word most policies have (bench/decision: 2 instructions
 * more per decision).  -ffreestanding builds do not make that call. */
static void recov_dfa_clear(uint32_t *mask, uint32_t words)
{
    volatile uint32_t *m = mask;
    uint32_t w;
    for (w = 0u; w < words; w++) {
        m[w] = 0u;
    }
}

/* mask |= the patterns of list v (recov.h); v == 0: none */
static void recov_dfa_set(uint32_t *mask, const uint16_t *pats, uint32_t v)
{
    if (v != 0u) {
        const uint16_t *p = &pats[v - 1u];
        uint32_t x;
        do {
            x = *p;
            p++;
            mask[(x & (RECOV_DFA_LAST - 1u)) >> 5] |= (uint32_t)1u << (x & 31u);
        } while (x < RECOV_DFA_LAST);
    }
}

void recov_dfa_scan16(const recov_dfa16 *d, const char *text, size_t limit, uint32_t *mask)
{
    const uint8_t *t = (const uint8_t *)text;
    uint32_t s = 0u;
    size_t i;
    recov_dfa_clear(mask, d->words);
    recov_dfa_set(mask, d->pats, d->acc[0]);
    if (t != NULL) {
        for (i = 0u; (i < limit) && (t[i] != 0u); i++) {
            s = d->trans[(s * d->nclasses) + d->classmap[t[i]]];
            recov_dfa_set(mask, d->pats, d->acc[s]);
        }
    }
    recov_dfa_set(mask, d->pats, d->acc_end[s]);
}

/* The 8-bit compact form (recov.h).  In the start state, the bytes it stays
 * on (of a class below k0; never NUL) are skipped by a loop of compares:
 * re-entering a state adds no pattern.  (Two bytes at a time costs more: 123.1
 * against 122.2 instructions per decision on bench/decision.)  A state is
 * its row's offset in the comb, so a step is one probe of chk. */
#define RECOV_DFA_STAYS(c) ((((uint32_t)(c) - lo) <= span) && ((uint32_t)map[(uint32_t)(c) - lo] < k0))

void recov_dfa_scan8c(const recov_dfa8c *d, const char *text, size_t limit, uint32_t *mask)
{
    const uint8_t *t = (const uint8_t *)text;
    const uint8_t *map = d->map;
    const uint8_t *chk = d->chk;
    const uint32_t lo = d->lo;
    const uint32_t span = (uint32_t)d->hi - lo;
    const uint32_t k0 = d->k0;
    const uint32_t accfrom = d->accfrom;
    uint32_t s = 0u;
    size_t n = (t != NULL) ? limit : 0u;   /* bytes to read; the NUL found sets it */
    size_t i = 0u;
    recov_dfa_clear(mask, d->words);
    if (accfrom == 0u) {
        recov_dfa_set(mask, d->pats, d->acc[0]);
    }
    while (i < n) {
        uint32_t c;
        uint32_t b;
        uint32_t k;
        if (s == 0u) {
            while ((i < n) && RECOV_DFA_STAYS(t[i])) {
                i++;
            }
            if (i >= n) {
                break;
            }
        }
        c = t[i];
        if (c == 0u) {
            break;
        }
        b = c - lo;
        k = (b <= span) ? (uint32_t)map[b] : (uint32_t)d->cdef;
        s = ((uint32_t)chk[s + k] == k) ? (uint32_t)d->nxt[s + k] : (uint32_t)d->def[k];
        if (s >= accfrom) {
            recov_dfa_set(mask, d->pats, d->acc[s - accfrom]);
        }
        i++;
    }
    if (s >= accfrom) {
        recov_dfa_set(mask, d->pats, d->acc_end[s - accfrom]);
    }
}

/* The 16-bit form: no skip loop.  On a core that predicts branches, the
 * exits of a skip loop (one per byte that leaves the start state, about one
 * byte in eight of bench/classify's text) cost more than the loop saves.
 * Here each byte is one probe, whose chk test is almost always false, and
 * one compare (s > accfrom) that is true only in accepting states and in the
 * stop states that NUL leads to. */
void recov_dfa_scan16c(const recov_dfa16c *d, const char *text, size_t limit, uint32_t *mask)
{
    const uint8_t *t = (const uint8_t *)text;
    const uint8_t *map = d->map;
    const uint8_t *chk = d->chk;
    const uint16_t *nxt = d->nxt;
    const uint16_t *def = d->def;
    const uint32_t accfrom = d->accfrom;
    uint32_t s = accfrom;
    size_t n = (t != NULL) ? limit : 0u;   /* bytes to read; a stop state sets it */
    size_t i = 0u;
    recov_dfa_clear(mask, d->words);
    recov_dfa_set(mask, d->pats, d->acc[0]);
    while (i < n) {
        uint32_t k = map[t[i]];
        uint32_t x = s + k;
        i++;
        s = ((uint32_t)chk[x] == k) ? (uint32_t)nxt[x] : (uint32_t)def[k];
        if (s > accfrom) {
            recov_dfa_set(mask, d->pats, d->acc[s - accfrom]);
            if (s >= (uint32_t)d->stopfrom) {
                n = i;      /* NUL */
            }
        }
    }
    if (s >= accfrom) {
        recov_dfa_set(mask, d->pats, d->acc_end[s - accfrom]);
    }
}
