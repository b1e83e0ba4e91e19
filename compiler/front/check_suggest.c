/* check_suggest.c - "did you mean" suggestions from the checker's symbol
 * table (check_int.h: rc_check_suggest).  Used by check.c and check_expr.c;
 * calls neither. */
#include <limits.h>
#include <string.h>

#include "check_int.h"
#include "suggest.h"

const char *rc_check_suggest(rc_check_ctx *c, const char *name, int kindmask)
{
    const char *best = NULL;
    int bestd = INT_MAX;
    int limit = (int)strlen(name) / 3 + 1;
    for (int i = 0; i < c->syms.cap; i++) {
        const rc_sym *s = &c->syms.slots[i];
        if (!s->name || !((int)s->kind & kindmask)) continue;
        unsigned ud = rc_edit_distance(name, s->name, false);
        int d = ud > (unsigned)INT_MAX ? INT_MAX : (int)ud;
        if (d <= limit && (d < bestd || (d == bestd && strcmp(s->name, best) < 0))) {
            best = s->name;
            bestd = d;
        }
    }
    return best;
}
