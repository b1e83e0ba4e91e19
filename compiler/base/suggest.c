/* suggest.c - see suggest.h. */
#include "suggest.h"

#include <string.h>

static unsigned char lower(char c)
{
    return (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Optimal string alignment distance, capped at 255. */
static unsigned distance(const char *a, size_t n, const char *b, size_t m)
{
    unsigned char d[RC_SUGGEST_MAX + 1][RC_SUGGEST_MAX + 1];
    for (size_t i = 0; i <= n; i++) d[i][0] = (unsigned char)i;
    for (size_t j = 0; j <= m; j++) d[0][j] = (unsigned char)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            unsigned cost = lower(a[i - 1]) != lower(b[j - 1]);
            unsigned best = d[i - 1][j] + 1u;
            if (d[i][j - 1] + 1u < best) best = d[i][j - 1] + 1u;
            if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])
                && d[i - 2][j - 2] + 1u < best)
                best = d[i - 2][j - 2] + 1u;
            d[i][j] = (unsigned char)(best > 255u ? 255u : best);
        }
    }
    return d[n][m];
}

const char *rc_suggest(const char *word, const char *const *cands, size_t ncands)
{
    size_t n = strlen(word);
    if (n == 0 || n > RC_SUGGEST_MAX) return NULL;
    unsigned limit = (unsigned)(n / 3);
    if (limit < 1) limit = 1;
    if (limit > 3) limit = 3;
    const char *best = NULL;
    unsigned bestd = limit + 1;
    int ties = 0;
    for (size_t i = 0; i < ncands; i++) {
        size_t m = strlen(cands[i]);
        if (m > RC_SUGGEST_MAX) continue;
        unsigned dd = distance(word, n, cands[i], m);
        if (dd < bestd) { bestd = dd; best = cands[i]; ties = 0; }
        else if (dd == bestd && best && strcmp(best, cands[i]) != 0) ties++;
    }
    return ties ? NULL : best;
}
