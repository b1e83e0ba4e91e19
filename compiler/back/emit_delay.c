/* emit_delay.c - the retry delays of P.c: the scale tables and
 * P__delayN (spec/semantics.md, "Retry delay for retry n").  Part of the C
 * back end (emit_int.h).
 *
 * The general form calls the runtime: recov_backoff, recov_mul_milli twice,
 * recov_jitter.  When the strategy's numbers are constants and its
 * retries are few, the compiler works the delay out itself for every error
 * and retry and folds the backoff and both scales into one table of each
 * error's first delay (or one constant), from which retry n is d1 (constant
 * backoff), d1 * n (linear) or d1 << k(n - 1) (exponential, factor 2^k):
 * kept only when that gives exactly the runtime's value for every error and
 * every retry.  Percent jitter and `none` are then written out (one PRNG
 * draw, as recov_jitter), their cap left out when no delay reaches it.
 */
#include "emit_int.h"
#include "delay.h"

#include <inttypes.h>
#include <stdlib.h>

/* The runtime's names of the IR's backoff and jitter kinds (same values). */
static const char *const backoff_name[] = {
    "RECOV_BACKOFF_CONSTANT", "RECOV_BACKOFF_LINEAR", "RECOV_BACKOFF_EXPONENTIAL" };
static const char *const jitter_name[] = {
    "RECOV_JITTER_NONE", "RECOV_JITTER_PERCENT", "RECOV_JITTER_FULL", "RECOV_JITTER_EQUAL",
    "RECOV_JITTER_DECORRELATED" };
_Static_assert(RC_BACKOFF_CONSTANT == RECOV_BACKOFF_CONSTANT && RC_BACKOFF_LINEAR == RECOV_BACKOFF_LINEAR
               && RC_BACKOFF_EXPONENTIAL == RECOV_BACKOFF_EXPONENTIAL, "backoff kinds");
_Static_assert(RC_JITTER_NONE == RECOV_JITTER_NONE && RC_JITTER_PERCENT == RECOV_JITTER_PERCENT
               && RC_JITTER_FULL == RECOV_JITTER_FULL && RC_JITTER_EQUAL == RECOV_JITTER_EQUAL
               && RC_JITTER_DECORRELATED == RECOV_JITTER_DECORRELATED, "jitter kinds");
_Static_assert(RC_SEV_LOW == RECOV_SEV_LOW && RC_SEV_CRITICAL == RECOV_SEV_CRITICAL, "severities");

/* The most retries a folded delay is worked out for (a shift stays below 32). */
#define EM_FOLD_ATTEMPTS 32

/* The folded delay of strategy r: retry n of error e is
 * fold(d1[e], n) with d1[e] the delay of retry 1. */
typedef struct em_fold {
    bool on;
    enum { FOLD_CONST, FOLD_LINEAR, FOLD_SHIFT } form;
    int k;              /* FOLD_SHIFT: bits per retry */
    bool same;          /* every error's d1 is d1_0: a constant, no table */
    uint32_t d1_0, d1_max;
    uint32_t dmax;      /* the longest delay before jitter */
    uint32_t cap;       /* min(max, RECOV_DELAY_MAX) */
    uint32_t num, den;  /* percent jitter: p = d * num / den */
    bool need_cap;      /* some delay may exceed the cap */
} em_fold;

static uint64_t fold_at(const em_fold *f, uint32_t d1, uint32_t n)
{
    switch (f->form) {
    case FOLD_CONST: return d1;
    case FOLD_LINEAR: return (uint64_t)d1 * n;
    default: {
        int sh = f->k * (int)(n - 1u);
        return sh < 32 ? (uint64_t)d1 << sh : UINT64_MAX;   /* C's shift must stay below 32 */
    }
    }
}

static uint32_t gcd32(uint32_t a, uint32_t b)
{
    while (b != 0u) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Whether strategy r's delay folds, and how (f->on). */
static void fold_plan(const rc_ir *ir, int r, em_fold *f)
{
    const rc_ir_retry *rt = &ir->retries[r];
    *f = (em_fold){ .on = false };
    if (rc_ir_param_at(ir, RC_SLOT_ATTEMPTS, r, 0) >= 0 || rc_ir_param_at(ir, RC_SLOT_BASE, r, 0) >= 0
        || rc_ir_param_at(ir, RC_SLOT_FACTOR, r, 0) >= 0 || rc_ir_param_at(ir, RC_SLOT_MAX, r, 0) >= 0)
        return;                                 /* a value known only at run time */
    if (rt->attempts < 1 || rt->attempts > EM_FOLD_ATTEMPTS || ir->nerrors < 1) return;
    if (rt->jitter == RC_JITTER_DECORRELATED) return; /* it does not read the delay */
    if (rt->backoff == RC_BACKOFF_CONSTANT) f->form = FOLD_CONST;
    else if (rt->backoff == RC_BACKOFF_LINEAR) f->form = FOLD_LINEAR;
    else {
        f->form = FOLD_SHIFT;
        while (f->k < 8 && (1000u << f->k) < rt->factor_milli) f->k++;
        if ((1000u << f->k) != rt->factor_milli) return;
        if (f->k == 0) f->form = FOLD_CONST;    /* factor 1 */
    }
    f->cap = rt->max_ms < RECOV_DELAY_MAX ? rt->max_ms : RECOV_DELAY_MAX;
    f->d1_0 = rc_delay_scaled(ir, r, 0, 1u);
    f->same = true;
    for (int e = 0; e < ir->nerrors; e++) {
        uint32_t d1 = rc_delay_scaled(ir, r, e, 1u);
        if (d1 != f->d1_0) f->same = false;
        if (d1 > f->d1_max) f->d1_max = d1;
        for (uint32_t n = 1; n <= rt->attempts; n++) {
            uint32_t d = rc_delay_scaled(ir, r, e, n);
            if (fold_at(f, d1, n) != d || d > RECOV_DELAY_MAX) return;
            if (d > f->dmax) f->dmax = d;
        }
    }
    if (rt->jitter == RC_JITTER_PERCENT) {
        uint32_t g = gcd32(rt->jitter_pct, 100u);
        f->num = rt->jitter_pct / g;
        f->den = 100u / g;
        if ((uint64_t)f->dmax * f->num > UINT32_MAX) return;
        f->need_cap = (uint64_t)f->dmax + f->dmax * f->num / f->den > f->cap;
    } else {
        f->need_cap = f->dmax > f->cap;
    }
    f->on = true;
}

static uint32_t max_of(const uint32_t *v, int n)
{
    uint32_t m = 0;
    for (int i = 0; i < n; i++) if (v[i] > m) m = v[i];
    return m;
}

void rc_em_delay_tables(em *e, int r, const char *const *err_labels, const char *const *sev_labels)
{
    const rc_ir *ir = e->ir;
    const rc_ir_retry *rt = &ir->retries[r];
    rc_cout *o = &e->oc;
    const char *P = e->P;
    char nm[96];
    em_fold f;
    fold_plan(ir, r, &f);
    if (f.on) {
        if (f.same) return;
        uint32_t *d1 = malloc(sizeof *d1 * (size_t)ir->nerrors);
        if (!d1) exit(3);
        for (int i = 0; i < ir->nerrors; i++) d1[i] = rc_delay_scaled(ir, r, i, 1u);
        rc_cout_comment(o, "retry %s: the delay of the first retry by error (backoff and scales)", rt->name);
        snprintf(nm, sizeof nm, "%s__r%d_d1", P, r);
        rc_em_rows(o, rc_em_utype(f.d1_max), nm, d1, ir->nerrors, false, err_labels);
        free(d1);
        return;
    }
    bool scaled = false;
    for (int i = 0; i < ir->nerrors; i++) if (rt->error_scale[i] != 1000u) scaled = true;
    if (scaled) {
        rc_cout_comment(o, "retry %s: delay x value/1000 by error", rt->name);
        snprintf(nm, sizeof nm, "%s__r%d_escale", P, r);
        rc_em_rows(o, rc_em_utype(max_of(rt->error_scale, ir->nerrors)), nm, rt->error_scale,
                   ir->nerrors, false, err_labels);
    }
    scaled = false;
    for (int i = 0; i < RC_SEV_COUNT; i++) if (rt->sev_scale[i] != 1000u) scaled = true;
    if (scaled) {
        rc_cout_comment(o, "retry %s: delay x value/1000 by severity", rt->name);
        snprintf(nm, sizeof nm, "%s__r%d_sscale", P, r);
        rc_em_rows(o, rc_em_utype(max_of(rt->sev_scale, RC_SEV_COUNT)), nm, rt->sev_scale,
                   RC_SEV_COUNT, false, sev_labels);
    }
}

/* The folded delay before jitter, and the jitter written out. */
static void emit_folded(em *e, int r, const em_fold *f)
{
    const rc_ir_retry *rt = &e->ir->retries[r];
    rc_cout *o = &e->oc;
    const char *P = e->P;
    char d1[96];
    if (f->same) snprintf(d1, sizeof d1, "%" PRIu32 "u", f->d1_0);
    else snprintf(d1, sizeof d1, "(uint32_t)%s__r%d_d1[inc->error]", P, r);
    rc_cout_line(o, "/* backoff and scales, worked out for retries 1 to %u: exact */", (unsigned)rt->attempts);
    switch (f->form) {
    case FOLD_CONST:
        rc_cout_line(o, "uint32_t d = %s;", d1);
        rc_cout_line(o, "(void)n;");
        break;
    case FOLD_LINEAR:
        rc_cout_line(o, "uint32_t d = %s * n;", d1);
        break;
    default:
        if (f->k == 1) rc_cout_line(o, "uint32_t d = %s << (n - 1u);", d1);
        else rc_cout_line(o, "uint32_t d = %s << ((n - 1u) * %du);", d1, f->k);
        break;
    }
    rc_cout_line(o, "(void)s;");
    rc_cout_line(o, "(void)inc;");
    rc_cout_line(o, "(void)f;");
    if (rt->jitter == RC_JITTER_PERCENT) {
        /* recov_jitter's PERCENT without its saturation: d + p < 2^32 here */
        rc_cout_open(o, "{ /* jitter %u%%: uniform in [d - p, d + p], one draw */", (unsigned)rt->jitter_pct);
        if (f->num == 1u) rc_cout_line(o, "const uint32_t p = d / %" PRIu32 "u;", f->den);
        else rc_cout_line(o, "const uint32_t p = (d * %" PRIu32 "u) / %" PRIu32 "u;", f->num, f->den);
        rc_cout_line(o, "uint32_t x = s->prng;");
        rc_cout_line(o, "x ^= x << 13;");
        rc_cout_line(o, "x ^= x >> 17;");
        rc_cout_line(o, "x ^= x << 5;");
        rc_cout_line(o, "s->prng = x;");
        rc_cout_line(o, "d = (d - p) + (x %% ((2u * p) + 1u));");
        rc_cout_close(o, "}");
    } else if (rt->jitter != RC_JITTER_NONE) {
        rc_cout_line(o, "d = recov_jitter(&s->prng, %s, d, %" PRIu32 "u, %" PRIu32 "u, %" PRIu32 "u);",
                     jitter_name[rt->jitter], rt->base_ms, rt->base_ms, f->cap);
        return;                                 /* it caps */
    }
    if (f->need_cap) {
        rc_cout_open(o, "if (d > %" PRIu32 "u) {", f->cap);
        rc_cout_line(o, "d = %" PRIu32 "u;", f->cap);
        rc_cout_close(o, "}");
    } else {
        rc_cout_line(o, "/* at most %" PRIu32 " ms: never above the cap */", f->dmax + (f->num ? f->dmax * f->num / f->den : 0u));
    }
}

/* The general form: the runtime's functions. */
static void emit_general(em *e, int r)
{
    const rc_ir *ir = e->ir;
    const rc_ir_retry *rt = &ir->retries[r];
    rc_cout *o = &e->oc;
    const char *P = e->P;
    bool esc = false, ssc = false;
    for (int i = 0; i < ir->nerrors; i++) if (rt->error_scale[i] != 1000u) esc = true;
    for (int i = 0; i < RC_SEV_COUNT; i++) if (rt->sev_scale[i] != 1000u) ssc = true;
    bool dec = rt->jitter == RC_JITTER_DECORRELATED;
    char nb[32], nf[32], nm[32];
    rc_em_num(e, RC_SLOT_BASE, r, 0, rt->base_ms, nb, sizeof nb);
    rc_em_num(e, RC_SLOT_FACTOR, r, 0, rt->factor_milli, nf, sizeof nf);
    rc_em_num(e, RC_SLOT_MAX, r, 0, rt->max_ms, nm, sizeof nm);
    rc_cout_line(o, "uint32_t d = recov_backoff(%s, %s, %s, n);", backoff_name[rt->backoff], nb, nf);
    rc_cout_line(o, "(void)s;");
    rc_cout_line(o, "(void)inc;");
    rc_cout_line(o, "(void)f;");
    /* a scale of 1000 is the identity of recov_mul_milli, so it is left out */
    if (esc) rc_cout_line(o, "d = recov_mul_milli(d, %s__r%d_escale[inc->error]);", P, r);
    if (ssc) rc_cout_line(o, "d = recov_mul_milli(d, %s__r%d_sscale[%s__sev[inc->error]]);", P, r, P);
    /* jitter and cap: the cap is `max` or the limit of every delay */
    if (rt->max_ms == UINT32_MAX) snprintf(nm, sizeof nm, "RECOV_DELAY_MAX");
    if (rt->jitter != RC_JITTER_NONE) {
        char mode[64];
        if (rt->jitter == RC_JITTER_PERCENT) snprintf(mode, sizeof mode, "RECOV_JITTER_MODE(%s, %uu)", jitter_name[rt->jitter], rt->jitter_pct);
        else snprintf(mode, sizeof mode, "%s", jitter_name[rt->jitter]);
        if (dec)
            rc_cout_line(o, "d = recov_jitter(&s->prng, %s, d, %s, (prev != 0u) ? prev : %s, %s);", mode, nb, nb, nm);
        else /* only DECORRELATED reads prev */
            rc_cout_line(o, "d = recov_jitter(&s->prng, %s, d, %s, %s, %s);", mode, nb, nb, nm);
    } else if (rt->max_ms != UINT32_MAX || rt->backoff != RC_BACKOFF_CONSTANT || esc || ssc) {
        /* (an unscaled constant delay is a written duration: never above the limit) */
        rc_cout_open(o, "if (d > %s) {", nm);
        rc_cout_line(o, "d = %s;", nm);
        rc_cout_close(o, "}");
    }
}

void rc_em_delay(em *e, int r)
{
    const rc_ir *ir = e->ir;
    const rc_ir_retry *rt = &ir->retries[r];
    rc_cout *o = &e->oc;
    const char *P = e->P;
    bool dec = rt->jitter == RC_JITTER_DECORRELATED;
    em_fold f;
    fold_plan(ir, r, &f);
    rc_cout_line(o, "/* retry %s */", rt->name);
    rc_cout_line(o, "static uint32_t %s__delay%d(%s_shared *s, const %s_incident *inc, const %s_fault *f, uint32_t n%s)", P, r, P, P, P, dec ? ", uint32_t prev" : "");
    rc_cout_open(o, "{");
    if (f.on) emit_folded(e, r, &f);
    else emit_general(e, r);
    if (rt->honor_field >= 0) {
        const rc_ir_field *fd = &ir->fields[rt->honor_field];
        switch (fd->type) {
        case RC_TY_I8: case RC_TY_I16: case RC_TY_I32:
            rc_cout_open(o, "if ((f != NULL) && (f->%s > 0) && ((uint32_t)f->%s > d)) {", fd->name, fd->name);
            rc_cout_line(o, "d = (uint32_t)f->%s;", fd->name);
            rc_cout_close(o, "}");
            break;
        case RC_TY_BOOL:
            rc_cout_open(o, "if ((f != NULL) && f->%s && (d < 1u)) {", fd->name);
            rc_cout_line(o, "d = 1u;");
            rc_cout_close(o, "}");
            break;
        case RC_TY_TEXT:
            break;
        case RC_TY_U32: /* the only type above the limit of every delay */
            rc_cout_open(o, "if ((f != NULL) && (f->%s > d)) {", fd->name);
            rc_cout_line(o, "d = (f->%s < RECOV_DELAY_MAX) ? f->%s : RECOV_DELAY_MAX;", fd->name, fd->name);
            rc_cout_close(o, "}");
            break;
        default:
            rc_cout_open(o, "if ((f != NULL) && ((uint32_t)f->%s > d)) {", fd->name);
            rc_cout_line(o, "d = (uint32_t)f->%s;", fd->name);
            rc_cout_close(o, "}");
            break;
        }
    }
    rc_cout_line(o, "return d;");
    rc_cout_close(o, "}");
    rc_cout_blank(o);
}
