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

/* The compact forms (recov.h).  In the start state, the bytes it stays on
 * (of a class below k0; never NUL) are skipped two at a time by a loop of
 * compares: re-entering a state adds no pattern.  A state is its row's
 * offset in the comb, so a step is one probe of chk. */
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
    uint16_t w;
    for (w = 0u; w < d->words; w++) {
        mask[w] = 0u;
    }
    if (accfrom == 0u) {
        recov_dfa_or(mask, d->masks, d->acc[0], d->words);
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
            recov_dfa_or(mask, d->masks, d->acc[s - accfrom], d->words);
        }
        i++;
    }
    if (s >= accfrom) {
        recov_dfa_or(mask, d->masks, d->acc_end[s - accfrom], d->words);
    }
}

#define RECOV_DFA_STAYS16(c) ((uint32_t)map[(c)] < k0)

/* The 16-bit form: one compare per byte (s >= accfrom) catches the start
 * state (back to the skip loop), accepting states and the stop states that
 * NUL leads to. */
void recov_dfa_scan16c(const recov_dfa16c *d, const char *text, size_t limit, uint32_t *mask)
{
    const uint8_t *t = (const uint8_t *)text;
    const uint8_t *map = d->map;
    const uint8_t *chk = d->chk;
    const uint32_t k0 = d->k0;
    const uint32_t accfrom = d->accfrom;
    uint32_t s = accfrom;
    size_t n = (t != NULL) ? limit : 0u;   /* bytes to read; a stop state sets it */
    size_t i = 0u;
    uint16_t w;
    for (w = 0u; w < d->words; w++) {
        mask[w] = 0u;
    }
    recov_dfa_or(mask, d->masks, d->acc[0], d->words);
    while (i < n) {
        /* the start state: skip the bytes it stays on */
        while ((i < n) && RECOV_DFA_STAYS16(t[i])) {
            i++;
        }
        /* steps, until back in the start state */
        while (i < n) {
            uint32_t k = map[t[i]];
            i++;
            s = ((uint32_t)chk[s + k] == k) ? (uint32_t)d->nxt[s + k] : (uint32_t)d->def[k];
            if (s >= accfrom) {
                if (s == accfrom) {
                    break;
                }
                recov_dfa_or(mask, d->masks, d->acc[s - accfrom], d->words);
                if (s >= (uint32_t)d->stopfrom) {
                    n = i;      /* NUL */
                }
            }
        }
    }
    if (s >= accfrom) {
        recov_dfa_or(mask, d->masks, d->acc_end[s - accfrom], d->words);
    }
}
