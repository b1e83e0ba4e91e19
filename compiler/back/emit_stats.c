/* emit_stats.c - `stats;`: the counters' types in P.h, the counting helpers
 * and P_stats, P_target_state, P_breaker_name (spec/generated-api.md,
 * spec/semantics.md "Statistics").  Part of the C back end (emit_int.h).
 * Without `stats;` (e->sl.n == 0) nothing here writes a byte.
 *
 * The counters are one array s->stat[], error-major (ir.h: rc_stat_err...);
 * P_counters is kind-major (failures[e]), so P_stats reads with a stride of
 * 7, 3 or 2 and no compiler turns its loops into a memcpy call. */
#include "emit_int.h"

#include <inttypes.h>
#include <stdlib.h>

static void put_upper_line(em *e, const char *pfx, const char *name, int i, bool last)
{
    rc_cout *o = &e->oh;
    rc_cout_begin(o, "%s_%s_", e->P, pfx);
    rc_em_put_upper(o, name);
    rc_cout_end(o, " = %d%s", i, last ? "" : ",");
}

void rc_em_stats_types(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oh;
    const char *P = e->P;
    if (!e->sl.n) return;
    if (ir->nbreakers > 0) {
        rc_cout_open(o, "enum %s_breaker {", P);
        for (int i = 0; i < ir->nbreakers; i++)
            put_upper_line(e, "BRK", ir->breakers[i].name, i, i + 1 == ir->nbreakers);
        rc_cout_close(o, "};");
    }
    rc_cout_line(o, "#define %s_BREAKER_COUNT %du", P, ir->nbreakers);
    int nlim = rc_ir_nlimits(ir);
    if (nlim > 0) {
        rc_cout_open(o, "enum %s_limit {", P);
        for (int m = 0; m < nlim; m++)
            put_upper_line(e, "LIM", rc_ir_limit_name(ir, m), m, m + 1 == nlim);
        rc_cout_close(o, "};");
    }
    rc_cout_line(o, "#define %s_LIMIT_COUNT %du", P, nlim);
    rc_cout_blank(o);
    rc_cout_comment(o, "`stats;`: what the policy did, by %s_stats; each counter stops at 4294967295.", P);
    rc_cout_open(o, "typedef struct %s_counters {", P);
    static const char *const enote[RC_STAT_ERR_KINDS] = {
        "faults classified as it", "RETRY decisions", "FALLBACK decisions", "DEGRADE decisions",
        "ESCALATE decisions", "ABORT decisions", "incidents that ended in a success after it" };
    for (int k = 0; k < RC_STAT_ERR_KINDS; k++)
        rc_cout_line(o, "uint32_t %s[%s_ERROR_COUNT]; /* per %s_ERR_*: %s */", rc_stat_err_names[k], P, P, enote[k]);
    static const char *const bnote[RC_STAT_BRK_KINDS] = {
        "times it opened", "times it became half-open", "P_admit calls it refused" };
    for (int k = 0; ir->nbreakers && k < RC_STAT_BRK_KINDS; k++)
        rc_cout_line(o, "uint32_t breaker_%s[%s_BREAKER_COUNT]; /* per %s_BRK_*: %s */", rc_stat_brk_names[k], P, P, bnote[k]);
    if (nlim > 0)
        rc_cout_line(o, "uint32_t limit_refusals[%s_LIMIT_COUNT]; /* per %s_LIM_*: P_admit calls it refused */", P, P);
    static const char *const anote[RC_STAT_USE_KINDS] = { "FALLBACK decisions naming it", "successes after it" };
    for (int k = 0; ir->nalts && k < RC_STAT_USE_KINDS; k++)
        rc_cout_line(o, "uint32_t alt_%s[%s_ALT_COUNT]; /* per %s_ALT_*: %s */", rc_stat_use_names[k], P, P, anote[k]);
    static const char *const hnote[RC_STAT_USE_KINDS] = { "RUN decisions naming it", "P_handler_done(ok) for it" };
    for (int k = 0; ir->nhandlers && k < RC_STAT_USE_KINDS; k++)
        rc_cout_line(o, "uint32_t handler_%s[%s_HANDLER_COUNT]; /* per %s_HANDLER_*: %s */", rc_stat_use_names[k], P, P,
                     hnote[k]);
    rc_cout_close(o, "} %s_counters;", P);
    rc_cout_blank(o);
    if (ir->nbreakers == 0) return;
    rc_cout_line(o, "#define %s_TARGET_CLOSED 0u", P);
    rc_cout_line(o, "#define %s_TARGET_OPEN 1u", P);
    rc_cout_line(o, "#define %s_TARGET_HALF_OPEN 2u", P);
    rc_cout_comment(o, "Each breaker's state as of `now` (%s_target_state).", P);
    rc_cout_open(o, "typedef struct %s_target {", P);
    rc_cout_line(o, "uint32_t ms_left[%s_BREAKER_COUNT]; /* OPEN: ms until P_admit lets a probe through; else 0 */", P);
    rc_cout_line(o, "uint8_t state[%s_BREAKER_COUNT]; /* %s_TARGET_CLOSED, _OPEN or _HALF_OPEN */", P, P);
    rc_cout_close(o, "} %s_target;", P);
    rc_cout_blank(o);
}

void rc_em_stats_protos(em *e)
{
    rc_cout *o = &e->oh;
    const char *P = e->P;
    if (!e->sl.n) return;
    rc_cout_line(o, "void           %s_stats(const %s_shared *s, %s_counters *out);", P, P, P);
    if (e->ir->nbreakers) {
        rc_cout_line(o, "void           %s_target_state(const %s_shared *s, uint32_t now, %s_target *out);", P, P, P);
        rc_cout_line(o, "const char    *%s_breaker_name(unsigned id);", P);
    }
}

void rc_em_stat_err(em *e, const char *err, int k)
{
    if (!e->sl.n) return;
    if (k) rc_cout_line(&e->oc, "%s__stat(s, ((unsigned)%s * %du) + %du); /* stats: %s */", e->P, err,
                        RC_STAT_ERR_KINDS, k, rc_stat_err_names[k]);
    else rc_cout_line(&e->oc, "%s__stat(s, (unsigned)%s * %du); /* stats: %s */", e->P, err, RC_STAT_ERR_KINDS,
                      rc_stat_err_names[k]);
}

void rc_em_stat_use(em *e, bool alt, const char *idx, int id)
{
    rc_cout *o = &e->oc;
    if (!e->sl.n) return;
    int base = alt ? rc_stat_alt(&e->sl, 0, RC_STAT_TRIES) : rc_stat_hnd(&e->sl, 0, RC_STAT_TRIES);
    const char *what = alt ? "alternative tries" : "handler tries";
    if (idx) rc_cout_line(o, "%s__stat(s, %du + ((unsigned)%s * %du)); /* stats: %s */", e->P, base, idx,
                          RC_STAT_USE_KINDS, what);
    else rc_cout_line(o, "%s__stat(s, %du); /* stats: %s */", e->P, base + id * RC_STAT_USE_KINDS, what);
    if (alt) return;
    if (idx) rc_cout_line(o, "inc->stat_handler = (%s)(%s + 1u);", rc_em_utype((uint64_t)e->ir->nhandlers), idx);
    else rc_cout_line(o, "inc->stat_handler = %du;", id + 1);
}

void rc_em_stats_helpers(em *e)
{
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (!e->sl.n) return;
    rc_cout_line(o, "/* stats: counter i counts one, stopping at 4294967295 */");
    rc_cout_line(o, "static void %s__stat(%s_shared *s, unsigned i)", P, P);
    rc_cout_open(o, "{");
    rc_cout_open(o, "if (s->stat[i] != 0xFFFFFFFFu) {");
    rc_cout_line(o, "s->stat[i] = s->stat[i] + 1u;");
    rc_cout_close(o, "}");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

/* One loop of P_stats: out->NAME[k] = s->stat[base + k * stride + kind]. */
static void copy_loop(em *e, const char *count, const char *pfx, const char *const *names, int nk, int base)
{
    rc_cout *o = &e->oc;
    rc_cout_open(o, "for (k = 0u; k < %s_%s_COUNT; k++) {", e->P, count);
    /* the offset in a variable: no narrow product as a pointer offset
     * (clang-tidy bugprone-implicit-widening-of-multiplication-result) */
    rc_cout_line(o, "const unsigned at = k * %du;", nk);
    for (int i = 0; i < nk; i++) {
        if (base + i)
            rc_cout_line(o, "out->%s%s[k] = s->stat[%du + at];", pfx, names[i], base + i);
        else
            rc_cout_line(o, "out->%s%s[k] = s->stat[at];", pfx, names[i]);
    }
    rc_cout_close(o, "}");
}

static void emit_target_state(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    rc_cout_line(o, "void %s_target_state(const %s_shared *s, uint32_t now, %s_target *out)", P, P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "uint32_t el;");
    rc_cout_line(o, "uint32_t p;");
    if (e->any_pa) /* per-alternative breakers: the primary's instance, as the simulator reports */
        rc_cout_line(o, "const unsigned bt = 0u;");
    for (int i = 0; i < ir->nbreakers; i++) {
        const rc_ir_breaker *b = &ir->breakers[i];
        const char *n = e->brk[i];
        char nop[32];
        rc_em_num(e, RC_SLOT_OPEN_MS, i, 0, b->open_ms, nop, sizeof nop);
        rc_cout_line(o, "out->state[%d] = s->%s_state; /* breaker %s */", i, n, b->name);
        rc_cout_line(o, "out->ms_left[%d] = 0u;", i);
        rc_cout_open(o, "if (s->%s_state == %s__OPEN) {", n, P);
        rc_cout_line(o, "el = RECOV_ELAPSED(now, s->%s_opened_at);", n);
        if (b->open_factor_milli) {
            rc_em_grown_period(e, i, false);
        } else {
            rc_cout_line(o, "p = %s;", nop);
        }
        rc_cout_open(o, "if (el < p) {");
        rc_cout_line(o, "out->ms_left[%d] = p - el;", i);
        rc_cout_close(o, "}");
        rc_cout_close(o, "}");
    }
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    rc_cout_line(o, "const char *%s_breaker_name(unsigned id)", P);
    rc_cout_open(o, "{");
    rc_cout_open(o, "static const char *const names[%d] = {", ir->nbreakers);
    for (int i = 0; i < ir->nbreakers; i++) {
        rc_cout_begin(o, "%s", "");
        rc_em_put_cstr(o, ir->breakers[i].name);
        rc_cout_end(o, ",");
    }
    rc_cout_close(o, "};");
    rc_cout_line(o, "return (id < %du) ? names[id] : NULL;", ir->nbreakers);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}

void rc_em_stats_funcs(em *e)
{
    const rc_ir *ir = e->ir;
    rc_cout *o = &e->oc;
    const char *P = e->P;
    if (!e->sl.n) return;
    rc_cout_line(o, "void %s_stats(const %s_shared *s, %s_counters *out)", P, P, P);
    rc_cout_open(o, "{");
    rc_cout_line(o, "unsigned k;");
    copy_loop(e, "ERROR", "", rc_stat_err_names, RC_STAT_ERR_KINDS, e->sl.err);
    if (ir->nbreakers) copy_loop(e, "BREAKER", "breaker_", rc_stat_brk_names, RC_STAT_BRK_KINDS, e->sl.brk);
    if (rc_ir_nlimits(ir)) {
        static const char *const lnames[RC_STAT_LIM_KINDS] = { "refusals" };
        copy_loop(e, "LIMIT", "limit_", lnames, RC_STAT_LIM_KINDS, e->sl.lim);
    }
    if (ir->nalts) copy_loop(e, "ALT", "alt_", rc_stat_use_names, RC_STAT_USE_KINDS, e->sl.alt);
    if (ir->nhandlers) copy_loop(e, "HANDLER", "handler_", rc_stat_use_names, RC_STAT_USE_KINDS, e->sl.hnd);
    rc_cout_close(o, "}");
    rc_cout_blank(o);
    if (ir->nbreakers) emit_target_state(e);
}
