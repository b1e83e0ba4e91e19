/* explain_stats.c - `stats;` in words: the counters P_stats reports, by
 * group, with their widths and bytes (spec/language.md "Statistics",
 * generated-api.md P_counters), for `recovc explain` and the LSP hover. */
#include "explain.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = (b->n + (size_t)k + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) { fputs("recovc: internal error: out of memory\n", stderr); exit(3); }
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

/* One group's line: "  breaker main: opens half_opens rejections". */
static void row(sbuf *b, bool md, const char *kind, const char *name, const char *array_pfx,
                const char *const *kinds, int nk)
{
    if (md) put(b, "- %s `%s`:", kind, name);
    else put(b, "  %-8s %-28s", kind, name);
    for (int k = 0; k < nk; k++) {
        if (md) put(b, "%s `%s%s`", k ? "," : "", array_pfx, kinds[k]);
        else put(b, " %s%s", array_pfx, kinds[k]);
    }
    put(b, "\n");
}

char *rc_explain_stats(const rc_ir *ir, bool md)
{
    rc_stat_layout l;
    rc_ir_stat_layout(ir, &l);
    if (!l.n) return NULL;
    sbuf b = { NULL, 0, 0 };
    /* each counter a uint32_t of the shared part and a 9-byte checkpoint
     * record (tag 4, len 1, value 4; checkpoint.md) */
    if (md)
        put(&b, "**stats**: %d counters, `uint32_t` each (stop at 4294967295): %d bytes of the shared part, "
                "%d of its checkpoint; read with `%s_stats`\n\n", l.n, 4 * l.n, 9 * l.n, ir->name);
    else
        put(&b, "stats: %d counters, uint32_t each (stop at 4294967295): %d bytes of the shared part, %d of its "
                "checkpoint; read with %s_stats\n", l.n, 4 * l.n, 9 * l.n, ir->name);
    for (int e = 0; e < ir->nerrors; e++)
        row(&b, md, "error", ir->errors[e].name, "", rc_stat_err_names, RC_STAT_ERR_KINDS);
    for (int i = 0; i < ir->nbreakers; i++)
        row(&b, md, "breaker", ir->breakers[i].name, "breaker_", rc_stat_brk_names, RC_STAT_BRK_KINDS);
    static const char *const lim[RC_STAT_LIM_KINDS] = { "refusals" };
    for (int m = 0; m < rc_ir_nlimits(ir); m++) row(&b, md, "limit", rc_ir_limit_name(ir, m), "limit_", lim, RC_STAT_LIM_KINDS);
    for (int a = 0; a < ir->nalts; a++) row(&b, md, "alt", ir->alts[a].name, "alt_", rc_stat_use_names, RC_STAT_USE_KINDS);
    for (int h = 0; h < ir->nhandlers; h++)
        row(&b, md, "handler", ir->handlers[h].name, "handler_", rc_stat_use_names, RC_STAT_USE_KINDS);
    if (ir->nhandlers)
        put(&b, md ? "\nThe incident holds the pending RUN's handler too (`stat_handler`, %d byte%s).\n"
                   : "  incident: the pending RUN's handler (stat_handler, %d byte%s)\n",
            ir->nhandlers <= 255 ? 1 : 2, ir->nhandlers <= 255 ? "" : "s");
    return b.p;
}
