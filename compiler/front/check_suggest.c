/* check_suggest.c - "did you mean" suggestions from the checker's symbol
 * table (check_int.h: rc_check_suggest).  Used by check.c and check_expr.c;
 * calls neither. */
#include <limits.h>
#include <string.h>

#include "check_int.h"

static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return INT_MAX;
    int row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int prev = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int cur = row[j];
            int best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

const char *rc_check_suggest(rc_check_ctx *c, const char *name, int kindmask)
{
    const char *best = NULL;
    int bestd = INT_MAX;
    int limit = (int)strlen(name) / 3 + 1;
    for (int i = 0; i < c->syms.cap; i++) {
        const rc_sym *s = &c->syms.slots[i];
        if (!s->name || !((int)s->kind & kindmask)) continue;
        int d = edit_distance(name, s->name);
        if (d <= limit && (d < bestd || (d == bestd && strcmp(s->name, best) < 0))) {
            best = s->name;
            bestd = d;
        }
    }
    return best;
}
