/* suggest.c - see suggest.h. */
#include "suggest.h"

#include <limits.h>
#include <string.h>

static unsigned char lower(char c)
{
    return (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

static unsigned char same_char(char x, char y, bool fold) { return fold ? lower(x) == lower(y) : x == y; }

/* Optimal string alignment distance, capped at 255. */
static unsigned distance(const char *a, size_t n, const char *b, size_t m, bool fold)
{
    unsigned char d[RC_SUGGEST_MAX + 1][RC_SUGGEST_MAX + 1];
    for (size_t i = 0; i <= n; i++) d[i][0] = (unsigned char)i;
    for (size_t j = 0; j <= m; j++) d[0][j] = (unsigned char)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            unsigned cost = !same_char(a[i - 1], b[j - 1], fold);
            unsigned best = d[i - 1][j] + 1u;
            if (d[i][j - 1] + 1u < best) best = d[i][j - 1] + 1u;
            if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && same_char(a[i - 1], b[j - 2], fold) && same_char(a[i - 2], b[j - 1], fold)
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
        unsigned dd = distance(word, n, cands[i], m, true);
        if (dd < bestd) { bestd = dd; best = cands[i]; ties = 0; }
        else if (dd == bestd && best && strcmp(best, cands[i]) != 0) ties++;
    }
    return ties ? NULL : best;
}

unsigned rc_edit_distance(const char *a, const char *b, bool fold_case)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > RC_SUGGEST_MAX || m > RC_SUGGEST_MAX) return UINT_MAX;
    return distance(a, n, b, m, fold_case);
}
