/* recov_dfa.c - string classification scanners; see recov.h.
 *
 * The loop of compiler/dfa.h: one table lookup per byte, then OR the mask row
 * of the state entered; at the end OR the row that patterns ending in `$`
 * need.  Kept deliberately plain (no unrolling): this is flash in firmware.
 */
#include "recov/recov.h"

static void recov_dfa_or(uint32_t *mask, const uint32_t *row, uint16_t words)
{
    uint16_t w;
    for (w = 0; w < words; w++) mask[w] |= row[w];
}

void recov_dfa_scan8(const recov_dfa8 *d, const char *text, size_t limit, uint32_t *mask)
{
    uint32_t s = 0;
    size_t i;
    uint16_t w;
    for (w = 0; w < d->words; w++) mask[w] = 0;
    recov_dfa_or(mask, d->masks + (size_t)d->acc[0] * d->words, d->words);
    for (i = 0; text != NULL && i < limit && text[i] != '\0'; i++) {
        s = d->trans[s * d->nclasses + d->classmap[(uint8_t)text[i]]];
        recov_dfa_or(mask, d->masks + (size_t)d->acc[s] * d->words, d->words);
    }
    recov_dfa_or(mask, d->masks + (size_t)d->acc_end[s] * d->words, d->words);
}

void recov_dfa_scan16(const recov_dfa16 *d, const char *text, size_t limit, uint32_t *mask)
{
    uint32_t s = 0;
    size_t i;
    uint16_t w;
    for (w = 0; w < d->words; w++) mask[w] = 0;
    recov_dfa_or(mask, d->masks + (size_t)d->acc[0] * d->words, d->words);
    for (i = 0; text != NULL && i < limit && text[i] != '\0'; i++) {
        s = d->trans[s * d->nclasses + d->classmap[(uint8_t)text[i]]];
        recov_dfa_or(mask, d->masks + (size_t)d->acc[s] * d->words, d->words);
    }
    recov_dfa_or(mask, d->masks + (size_t)d->acc_end[s] * d->words, d->words);
}
