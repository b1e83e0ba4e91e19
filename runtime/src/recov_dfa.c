/* recov_dfa.c - string classification scanners; see recov.h.
 *
 * The loop of compiler/dfa.h: one table lookup per byte, then OR the mask row
 * of the state entered; at the end OR the row that patterns ending in `$`
 * need.  Row 0 of the mask table is all zero (compiler/dfa.h), so states
 * that accept nothing (almost all of them) cost no OR at all.  Kept
 * deliberately plain (no unrolling): this is flash in firmware.  The compact
 * form adds one inner loop for the start state, where an unanchored search
 * spends most bytes.
 */
#include "recov/recov.h"

/* mask |= row `row` of masks; row 0 is all zero, so it is skipped */
static void recov_dfa_or(uint32_t *mask, const uint32_t *masks, uint32_t row, uint16_t words)
{
    const uint32_t *r = &masks[(size_t)row * words];
    uint16_t w;
    if (row != 0u) {
        for (w = 0u; w < words; w++) {
            mask[w] |= r[w];
        }
    }
}

void recov_dfa_scan8(const recov_dfa8 *d, const char *text, size_t limit, uint32_t *mask)
{
    const uint8_t *t = (const uint8_t *)text;
    uint32_t s = 0u;
    size_t i;
    uint16_t w;
    for (w = 0u; w < d->words; w++) {
        mask[w] = 0u;
    }
    recov_dfa_or(mask, d->masks, d->acc[0], d->words);
    if (t != NULL) {
        for (i = 0u; (i < limit) && (t[i] != 0u); i++) {
            s = d->trans[(s * d->nclasses) + d->classmap[t[i]]];
            recov_dfa_or(mask, d->masks, d->acc[s], d->words);
        }
    }
    recov_dfa_or(mask, d->masks, d->acc_end[s], d->words);
}

void recov_dfa_scan16(const recov_dfa16 *d, const char *text, size_t limit, uint32_t *mask)
{
    const uint8_t *t = (const uint8_t *)text;
    uint32_t s = 0u;
    size_t i;
    uint16_t w;
    for (w = 0u; w < d->words; w++) {
        mask[w] = 0u;
    }
    recov_dfa_or(mask, d->masks, d->acc[0], d->words);
    if (t != NULL) {
        for (i = 0u; (i < limit) && (t[i] != 0u); i++) {
            s = d->trans[(s * d->nclasses) + d->classmap[t[i]]];
            recov_dfa_or(mask, d->masks, d->acc[s], d->words);
        }
    }
    recov_dfa_or(mask, d->masks, d->acc_end[s], d->words);
}

/* The compact form (recov.h).  In the start state, the bytes it stays on
 * (inside [lo, hi] and of a class below k0; never NUL) are skipped two at a
 * time by a loop of compares: re-entering a state adds no pattern. */
#define RECOV_DFA_STAYS(c) ((((uint32_t)(c) - lo) <= span) && ((uint32_t)map[(uint32_t)(c) - lo] < k0))

void recov_dfa_scan8c(const recov_dfa8c *d, const char *text, size_t limit, uint32_t *mask)
{
    const uint8_t *t = (const uint8_t *)text;
    const uint8_t *map = d->map;
    const uint32_t lo = d->lo;
    const uint32_t span = (uint32_t)d->hi - lo;
    const uint32_t k0 = d->k0;
    uint32_t s = 0u;
    size_t n = (t != NULL) ? limit : 0u;   /* bytes to read; the NUL found sets it */
    size_t i = 0u;
    uint16_t w;
    for (w = 0u; w < d->words; w++) {
        mask[w] = 0u;
    }
    if (d->accfrom == 0u) {
        recov_dfa_or(mask, d->masks, d->acc[0], d->words);
    }
    while (i < n) {
        uint32_t c;
        uint32_t b;
        uint32_t k;
        uint32_t x;
        if (s == 0u) {
            for (; i < (n - 1u); i += 2u) {     /* two bytes a round */
                if (!RECOV_DFA_STAYS(t[i]) || !RECOV_DFA_STAYS(t[i + 1u])) {
                    break;
                }
            }
            if ((i < n) && RECOV_DFA_STAYS(t[i])) {
                i++;    /* the first of the pair that ended the skip, or the last byte before n */
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
        x = (uint32_t)d->base[s] + k;
        s = ((uint32_t)d->chk[x] == s) ? (uint32_t)d->nxt[x] : (uint32_t)d->def[k];
        if (s >= d->accfrom) {
            recov_dfa_or(mask, d->masks, d->acc[s - d->accfrom], d->words);
        }
        i++;
    }
    if (s >= d->accfrom) {
        recov_dfa_or(mask, d->masks, d->acc_end[s - d->accfrom], d->words);
    }
}
