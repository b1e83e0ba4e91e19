/* recov_dfa.c - string classification scanners; see recov.h.
 *
 * The loop of compiler/dfa.h: one table lookup per byte, then OR the mask row
 * of the state entered; at the end OR the row that patterns ending in `$`
 * need.  Row 0 of the mask table is all zero (compiler/dfa.h), so states
 * that accept nothing (almost all of them) cost no OR at all.  Kept
 * deliberately plain (no unrolling): this is flash in firmware.
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

void recov_dfa_scan8c(const recov_dfa8c *d, const char *text, size_t limit, uint32_t *mask)
{
    const uint8_t *t = (const uint8_t *)text;
    const uint8_t *off = d->off;
    const uint8_t *acc = d->acc;
    uint32_t s = 0u;
    size_t i;
    uint16_t w;
    for (w = 0u; w < d->words; w++) {
        mask[w] = 0u;
    }
    recov_dfa_or(mask, d->masks, acc[0], d->words);
    if (t != NULL) {
        for (i = 0u; (i < limit) && (t[i] != 0u); i++) {
            uint32_t b = (uint32_t)t[i] - d->lo;   /* wraps for bytes below lo */
            uint32_t k = (b <= ((uint32_t)d->hi - d->lo)) ? (uint32_t)d->map[b] : (uint32_t)d->cdef;
            uint32_t j = off[s];
            uint32_t end = off[s + 1u];
            s = d->def[k];
            for (; j < end; j++) {
                if (d->exc_cls[j] == k) {
                    s = d->exc_to[j];
                    break;
                }
            }
            if (acc[s] != 0u) {
                recov_dfa_or(mask, d->masks, acc[s], d->words);
            }
        }
    }
    recov_dfa_or(mask, d->masks, d->acc_end[s], d->words);
}
