/* check.c - semantic analysis: AST -> checked IR; see check.h.
 *
 * Passes over the declarations, in an order that lets every name be used
 * before or after its declaration:
 *   1. declare: fault fields, constants, classes, errors, strategies
 *   2. resolve: error classes and severities, constant values
 *   3. build: classify rules, strategies, escalation, deadline, on blocks
 *   4. DFAs of text fields, then whole-policy warnings
 */
#include "check.h"

#include <limits.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "check_int.h"
#include "cimport.h"
#include "dfa_pack.h"
#include "prefilter.h"

/* RC_MAX_SAFE_MS: the longest interval a wrapping uint32 millisecond tick can
 * compare (2^31 - 1 ms, about 24.8 days); longer durations are errors. */
#define RC_MAX_SAFE_MS ((int64_t)INT32_MAX)
/* RC_MAX_FACTOR_MILLI: the largest scale or backoff factor, x1000. */
#define RC_MAX_FACTOR_MILLI ((int64_t)1000000)
/* RC_MAX_ALTS: alternatives in one fallback step (a 16-bit tried-mask). */
#define RC_MAX_ALTS 16
/* RC_MAX_STEPS: steps in one on block (an 8-bit position). */
#define RC_MAX_STEPS 255
/* RC_MAX_BLOCKS: on blocks in a policy (an 8-bit pending block + 1). */
#define RC_MAX_BLOCKS 255

static const char *const *const sev_names = rc_sev_names;

static int severity_of(const char *name)
{
    for (int i = 0; i < RC_SEV_COUNT; i++)
        if (name && strcmp(name, sev_names[i]) == 0) return i;
    return -1;
}

/* ---- small helpers ----------------------------------------------------- */

static const char *const kind_words[] = {
    [RC_SYM_FIELD] = "a fault field", [RC_SYM_CONST] = "a constant", [RC_SYM_CLASS] = "a class",
    [RC_SYM_ERROR] = "an error", [RC_SYM_RETRY] = "a retry strategy",
    [RC_SYM_BREAKER] = "a breaker", [RC_SYM_BUDGET] = "a budget", [RC_SYM_PARAM] = "a parameter",
};

static const char *const reserved[] = {
    "attempt", "elapsed", "severity", "class", "low", "medium", "high", "critical", "true", "false",
};

static bool declare(rc_check_ctx *c, const rc_ident *id, rc_symkind kind, int index)
{
    if (!id->name) return false;
    if (!rc_check_name_length(c, id->name, id->loc, kind_words[kind] + (kind_words[kind][1] == 'n' ? 3 : 2)))
        return false;
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        if (strcmp(id->name, reserved[i]) == 0) {
            rc_diag_error(c->d, id->loc, "'%s' is a reserved name and cannot be declared", id->name);
            return false;
        }
    }
    rc_sym *s = rc_symtab_find(&c->syms, id->name);
    if (s) {
        rc_diag_error_k(c->d, RC_E_NAME, id->loc, "'%s' is already declared as %s", id->name, kind_words[s->kind]);
        rc_diag_note(c->d, s->loc, "previous declaration of '%s' is here", id->name);
        return false;
    }
    rc_symtab_add(&c->syms, id->name, kind, index, id->loc);
    return true;
}

static rc_sym *lookup(rc_check_ctx *c, const rc_ident *id, int kindmask, const char *what)
{
    rc_sym *s = rc_symtab_find(&c->syms, id->name);
    if (s && ((int)s->kind & kindmask)) return s;
    if (s) {
        rc_diag_error(c->d, id->loc, "'%s' is %s, not a %s", id->name, kind_words[s->kind], what);
        rc_diag_note(c->d, s->loc, "'%s' is declared here", id->name);
        return NULL;
    }
    if ((kindmask & RC_SYM_CONST) && rc_check_import_refused(c, id->name, id->loc)) return NULL;
    const char *sug = rc_check_suggest(c, id->name, kindmask);
    if (sug) {
        rc_diag_error_k(c->d, RC_E_NAME, id->loc, "unknown %s '%s'; did you mean '%s'?", what, id->name, sug);
        rc_diag_edit_add(c->d, id->loc, sug, "replace '%s' with '%s'", id->name, sug);
    } else {
        rc_diag_error_k(c->d, RC_E_NAME, id->loc, "unknown %s '%s'", what, id->name);
    }
    return NULL;
}

/* A duration in a setting: must carry a unit and fit the wrap-safe range. */
static bool duration(rc_check_ctx *c, const rc_ast_value *v, const char *what, uint32_t *out)
{
    if (v->kind == RC_AV_INT) {
        rc_diag_error(c->d, v->loc, "%s needs a unit: write %llds or %lldms", what,
                      (long long)v->num, (long long)v->num);
        return false;
    }
    if (v->kind != RC_AV_DURATION) {
        rc_diag_error(c->d, v->loc, "%s must be a duration such as 500ms, 30s, 5m or 2h", what);
        return false;
    }
    if (v->num < 0) {
        rc_diag_error(c->d, v->loc, "%s cannot be negative", what);
        return false;
    }
    if (v->num > RC_MAX_SAFE_MS) {
        rc_diag_error(c->d, v->loc,
                      "%s of %lld ms is longer than the longest interval a 32-bit millisecond tick can "
                      "time (2147483647 ms, about 24.8 days)", what, (long long)v->num);
        return false;
    }
    *out = (uint32_t)v->num;
    return true;
}

static bool count_value(rc_check_ctx *c, const rc_ast_value *v, const char *what, int64_t lo, int64_t hi, int64_t *out)
{
    int64_t n;
    if (v->kind == RC_AV_NAME) {
        if (!rc_check_value_int(c, v, &n)) return false;
    } else if (v->kind == RC_AV_INT) {
        n = v->num;
    } else {
        rc_diag_error(c->d, v->loc, "%s must be a whole number", what);
        return false;
    }
    if (n < lo || n > hi) {
        if (n <= 0 && lo >= 1)
            rc_diag_error(c->d, v->loc, "%s must be at least %lld (got %lld)", what, (long long)lo, (long long)n);
        else
            rc_diag_error(c->d, v->loc, "%s must be in %lld..%lld (got %lld)", what, (long long)lo,
                          (long long)hi, (long long)n);
        return false;
    }
    *out = n;
    return true;
}

static bool percent(rc_check_ctx *c, const rc_ast_value *v, const char *what, int64_t lo, uint8_t *out)
{
    if (v->kind == RC_AV_DECPERCENT) {
        rc_diag_error(c->d, v->loc, "%s takes a whole percentage such as 25%% (only a breaker's `open at` and "
                      "`close below` take one decimal)", what);
        return false;
    }
    if (v->kind != RC_AV_PERCENT) {
        rc_diag_error(c->d, v->loc, "%s must be a percentage such as 25%%", what);
        return false;
    }
    if (v->num > 100 || v->num < lo) {
        rc_diag_error(c->d, v->loc, "%s must be between %lld%% and 100%% (got %lld%%)", what, (long long)lo,
                      (long long)v->num);
        return false;
    }
    *out = (uint8_t)v->num;
    return true;
}

/* A breaker rate: a whole percentage or one with one decimal (12.5%), as
 * whole percent and tenth (0..9). */
static bool percent_tenths(rc_check_ctx *c, const rc_ast_value *v, const char *what, int64_t lo, uint8_t *whole,
                           uint8_t *tenth)
{
    if (v->kind != RC_AV_DECPERCENT) {
        *tenth = 0;
        return percent(c, v, what, lo, whole);
    }
    if (v->num % 100 != 0) {
        rc_diag_error(c->d, v->loc, "%s takes at most one decimal (12.5%%)", what);
        return false;
    }
    int64_t t = v->num / 100;
    if (t > 1000 || t < lo * 10) {
        rc_diag_error(c->d, v->loc, "%s must be between %lld%% and 100%% (got %lld.%lld%%)", what, (long long)lo,
                      (long long)(t / 10), (long long)(t % 10));
        return false;
    }
    *whole = (uint8_t)(t / 10);
    *tenth = (uint8_t)(t % 10);
    return true;
}

static bool factor(rc_check_ctx *c, const rc_ast_value *v, const char *what, int64_t min_milli, uint32_t *out)
{
    int64_t m;
    if (v->kind == RC_AV_INT) m = v->num * 1000;
    else if (v->kind == RC_AV_FACTOR) m = v->num;
    else {
        rc_diag_error(c->d, v->loc, "%s must be a number such as 2 or 1.5", what);
        return false;
    }
    if (m < min_milli || m > RC_MAX_FACTOR_MILLI) {
        rc_diag_error(c->d, v->loc, "%s must be between %lld.%03lld and 1000 (got %lld.%03lld)", what,
                      (long long)(min_milli / 1000), (long long)(min_milli % 1000),
                      (long long)(m / 1000), (long long)((m < 0 ? -m : m) % 1000));
        return false;
    }
    *out = (uint32_t)m;
    return true;
}

/* Setting seen twice in one block? */
static bool dup_setting(rc_check_ctx *c, const rc_ast_setting **seen, const rc_ast_setting *s, const char *word)
{
    if (*seen) {
        rc_diag_error(c->d, s->loc, "duplicate `%s` in this block", word);
        rc_diag_note(c->d, (*seen)->loc, "first given here");
        return true;
    }
    *seen = s;
    return false;
}

/* ---- parameters in settings ------------------------------------------- */

typedef enum pkind { PK_INT, PK_DURATION, PK_PERCENT, PK_FACTOR } pkind;

static pkind pkind_of(rc_ptype t)
{
    switch (t) {
    case RC_PT_DURATION: return PK_DURATION;
    case RC_PT_PERCENT: return PK_PERCENT;
    case RC_PT_FACTOR: return PK_FACTOR;
    default: return PK_INT;
    }
}

static const char *const pkind_words[] = {
    "a whole number (a u8, u16 or u32 parameter)", "a duration", "a percentage", "a factor",
};

/* A number of a setting written as a name: when it names a parameter of
 * kind k whose whole declared range lies in lo..hi (the setting's own
 * units), the binding is recorded, *out is the parameter's default and the
 * result is 1.  0: not a parameter (a literal, or for k == PK_INT a
 * constant, which the caller reads).  -1: an error was reported. */
static int param_num(rc_check_ctx *c, const rc_ast_value *v, pkind k, int64_t lo, int64_t hi, const char *what,
                     rc_slot slot, int obj, int sub, int64_t *out)
{
    if (v->kind != RC_AV_NAME) return 0;
    rc_sym *s = rc_symtab_find(&c->syms, v->name);
    if (!s || s->kind != RC_SYM_PARAM) {
        if (k == PK_INT && s && s->kind == RC_SYM_CONST) return 0;
        if (s) {
            rc_diag_error(c->d, v->loc, "%s must be %s or a parameter; '%s' is %s", what, pkind_words[k], v->name,
                          kind_words[s->kind]);
            rc_diag_note(c->d, s->loc, "'%s' is declared here", v->name);
        } else {
            const char *sug = rc_check_suggest(c, v->name, RC_SYM_PARAM | (k == PK_INT ? RC_SYM_CONST : 0));
            if (sug) {
                rc_diag_error_k(c->d, RC_E_NAME, v->loc, "unknown parameter '%s' for %s; did you mean '%s'?", v->name,
                                what, sug);
                rc_diag_edit_add(c->d, v->loc, sug, "replace '%s' with '%s'", v->name, sug);
            } else
                rc_diag_error_k(c->d, RC_E_NAME, v->loc, "unknown parameter '%s' for %s; declare it with `param %s : TYPE in "
                              "LO..HI = DEFAULT;`", v->name, what, v->name);
        }
        return -1;
    }
    const rc_ir_param *p = &c->ir->params[s->index];
    if (!p->name) return -1;   /* its declaration was reported */
    if (pkind_of(p->type) != k) {
        rc_diag_error(c->d, v->loc, "%s must be %s; parameter '%s' is a %s", what, pkind_words[k], p->name,
                      rc_ptype_name(p->type));
        rc_diag_note(c->d, p->loc, "'%s' is declared here", p->name);
        return -1;
    }
    if (p->lo < lo || p->hi > hi) {
        char a[32], b[32], x[32], y[32];
        rc_ir_param_format(p, lo, a, sizeof a);
        rc_ir_param_format(p, hi, b, sizeof b);
        rc_ir_param_format(p, p->lo, x, sizeof x);
        rc_ir_param_format(p, p->hi, y, sizeof y);
        rc_diag_error(c->d, v->loc, "%s must be in %s..%s for every value of parameter '%s', which is declared "
                      "in %s..%s", what, a, b, p->name, x, y);
        rc_diag_note(c->d, p->loc, "narrow the range of '%s' here", p->name);
        return -1;
    }
    rc_check_bind(c, slot, obj, sub, s->index);
    *out = p->def;
    return 1;
}

static bool dur_num(rc_check_ctx *c, const rc_ast_value *v, const char *what, int64_t lo, rc_slot slot, int obj,
                    int sub, uint32_t *out)
{
    int64_t x;
    int r = param_num(c, v, PK_DURATION, lo, RC_MAX_SAFE_MS, what, slot, obj, sub, &x);
    if (r < 0) return false;
    if (r > 0) { *out = (uint32_t)x; return true; }
    return duration(c, v, what, out);
}

static bool count_num(rc_check_ctx *c, const rc_ast_value *v, const char *what, int64_t lo, int64_t hi,
                      rc_slot slot, int obj, int64_t *out)
{
    int r = param_num(c, v, PK_INT, lo, hi, what, slot, obj, 0, out);
    if (r < 0) return false;
    if (r > 0) return true;
    return count_value(c, v, what, lo, hi, out);
}

static bool percent_num(rc_check_ctx *c, const rc_ast_value *v, const char *what, int64_t lo, rc_slot slot,
                        int obj, uint8_t *out)
{
    int64_t x;
    int r = param_num(c, v, PK_PERCENT, lo, 100, what, slot, obj, 0, &x);
    if (r < 0) return false;
    if (r > 0) { *out = (uint8_t)x; return true; }
    return percent(c, v, what, lo, out);
}

/* The range a bound number takes (its parameter's), else just v. */
static void num_range(const rc_ir *ir, rc_slot slot, int obj, int64_t v, int64_t *lo, int64_t *hi)
{
    int p = rc_ir_param_at(ir, slot, obj, 0);
    *lo = p >= 0 ? ir->params[p].lo : v;
    *hi = p >= 0 ? ir->params[p].hi : v;
}

/* Host-visible names (alternatives, modes, ...): interned in first-use order. */
static int host_name(rc_check_ctx *c, rc_ir_name **arr, int *n, size_t *cap, const rc_ident *id)
{
    for (int i = 0; i < *n; i++)
        if (strcmp((*arr)[i].name, id->name) == 0) return i;
    rc_check_name_length(c, id->name, id->loc, NULL);
    RC_GROW(c->a, *arr, *n, cap);
    (*arr)[*n].name = id->name;
    (*arr)[*n].loc = id->loc;
    return (*n)++;
}

typedef struct host_caps { size_t alts, modes, channels, handlers, adjusts; } host_caps;

/* ---- pass 1: declarations ---------------------------------------------- */

/* `adaptive ageing N incidents;` / `adaptive ageing D;`: each form once; the
 * policy must have an adaptive step for the counts to matter. */
static void build_ageing(rc_check_ctx *c, const rc_ast_policy *p)
{
    rc_ir *ir = c->ir;
    const rc_ast_decl *seen[2] = { NULL, NULL };
    for (const rc_ast_decl *dd = p->decls; dd; dd = dd->next) {
        if (dd->kind != RC_D_AGEING) continue;
        int k = dd->flag ? 0 : 1;
        if (seen[k]) {
            rc_diag_error(c->d, dd->loc, "`adaptive ageing` by %s is given twice", k ? "time" : "incidents");
            rc_diag_note(c->d, seen[k]->loc, "first given here");
        } else {
            seen[k] = dd;
        }
        if (dd->flag) {
            int64_t n;
            if (count_value(c, &dd->value, "the number of incidents", 1, UINT16_MAX, &n))
                ir->age_incidents = (uint16_t)n;
        } else if (dd->value.kind == RC_AV_INT || dd->value.kind == RC_AV_NAME) {
            rc_diag_error(c->d, dd->value.loc, "`adaptive ageing` takes a duration (`adaptive ageing 7d;`) "
                          "or a number of incidents (`adaptive ageing %lld incidents;`)",
                          (long long)(dd->value.kind == RC_AV_INT ? dd->value.num : 100));
        } else {
            uint32_t ms = 0;
            if (duration(c, &dd->value, "the ageing period", &ms)) {
                if (ms == 0) rc_diag_error(c->d, dd->value.loc, "the ageing period must be at least 1ms");
                else ir->age_ms = ms;
            }
        }
    }
}

/* `stats;`: at most once (semantics.md "Statistics"). */
static void build_stats(rc_check_ctx *c, const rc_ast_policy *p)
{
    const rc_ast_decl *seen = NULL;
    c->ir->stats = p->force_stats;
    for (const rc_ast_decl *dd = p->decls; dd; dd = dd->next) {
        if (dd->kind != RC_D_STATS) continue;
        if (seen) {
            rc_diag_error(c->d, dd->loc, "`stats;` is given twice");
            rc_diag_note(c->d, seen->loc, "first given here");
        }
        seen = dd;
        c->ir->stats = true;
    }
}

/* `limit rate N per D burst M;` and `limit concurrent N;`: each once, in
 * range (language.md); the token arithmetic stays in 32 bits. */
static void build_limits(rc_check_ctx *c, const rc_ast_policy *p)
{
    rc_ir *ir = c->ir;
    const rc_ast_decl *seen[2] = { NULL, NULL };
    for (const rc_ast_decl *dd = p->decls; dd; dd = dd->next) {
        if (dd->kind != RC_D_LIMIT || !dd->name.name) continue;
        bool rate = dd->flag;
        if (strcmp(dd->name.name, rate ? "rate" : "concurrent") != 0) continue;   /* reported by the parser */
        int k = rate ? 0 : 1;
        if (seen[k]) {
            rc_diag_error(c->d, dd->loc, "`limit %s` is given twice", rate ? "rate" : "concurrent");
            rc_diag_note(c->d, seen[k]->loc, "first given here");
            continue;
        }
        seen[k] = dd;
        int64_t n = 0, m = 0;
        if (!rate) {
            if (dd->value.kind == RC_AV_INT && dd->value.num == 0) {
                rc_diag_error(c->d, dd->value.loc, "`limit concurrent 0` admits no call at all: every P_admit "
                              "returns RECOV_FULL");
                rc_diag_note(c->d, dd->value.loc, "witness: at 0 admit -> full; allow at least 1 call in flight, "
                             "or remove the line");
            } else if (count_value(c, &dd->value, "the calls in flight", 1, UINT16_MAX, &n)) {
                ir->concurrent = (uint16_t)n;
                ir->conc_loc = dd->loc;
            }
            continue;
        }
        uint32_t ms = 0;
        bool ok = count_value(c, &dd->value, "the tokens per period", 1, UINT16_MAX, &n);
        ok = duration(c, &dd->range_lo, "the rate's period", &ms) && ok;
        if (ok && ms == 0) {
            rc_diag_error(c->d, dd->range_lo.loc, "the rate's period must be at least 1ms");
            ok = false;
        }
        if (dd->range_hi.kind == RC_AV_INT && dd->range_hi.num < 1) {
            rc_diag_error(c->d, dd->range_hi.loc, "a burst of %lld admits no call at all: every P_admit returns "
                          "RECOV_RATE_LIMITED", (long long)dd->range_hi.num);
            rc_diag_note(c->d, dd->range_hi.loc, "witness: at 0 admit -> rate_limited; the bucket holds at "
                         "least one token: `burst 1`");
            ok = false;
        } else {
            ok = count_value(c, &dd->range_hi, "the burst", 1, UINT16_MAX, &m) && ok;
        }
        if (!ok) continue;
        if (((uint64_t)m + 1u) * ms + (uint64_t)n > UINT32_MAX) {
            rc_diag_error(c->d, dd->loc, "`limit rate %lld per %lums burst %lld` is too large for "
                          "32-bit token arithmetic: (burst + 1) x period + tokens must stay below 2^32",
                          (long long)n, (unsigned long)ms, (long long)m);
            continue;
        }
        ir->rate_n = (uint16_t)n;
        ir->rate_ms = ms;
        ir->rate_burst = (uint16_t)m;
        uint64_t fill = ((uint64_t)m * ms + (uint64_t)n - 1u) / (uint64_t)n;
        ir->rate_fill_ms = fill > 0x7FFFFFFFu ? 0x7FFFFFFFu : (uint32_t)fill;   /* RECOV_DELAY_MAX */
        ir->rate_loc = dd->loc;
    }
}

/* An adaptive step anywhere in the source (a block that is never selected
 * has its own warning). */
static bool any_adaptive(const rc_ast_policy *p)
{
    for (const rc_ast_decl *dd = p->decls; dd; dd = dd->next)
        if (dd->kind == RC_D_ON)
            for (const rc_ast_step *st = dd->steps; st; st = st->next)
                if (st->adaptive) return true;
    return false;
}

static int count_kind(const rc_ast_policy *p, rc_ast_dkind k)
{
    int n = 0;
    for (const rc_ast_decl *d = p->decls; d; d = d->next) n += d->kind == k;
    return n;
}

static bool parse_type(const char *s, rc_type *t)
{
    static const char *const names[] = {"u8", "u16", "u32", "i8", "i16", "i32", "bool", "text"};
    for (int i = 0; i < 8; i++)
        if (strcmp(s, names[i]) == 0) { *t = (rc_type)i; return true; }
    return false;
}

static void declare_all(rc_check_ctx *c, const rc_ast_policy *p)
{
    rc_ir *ir = c->ir;
    const rc_ast_decl *fault = NULL;
    for (const rc_ast_decl *d = p->decls; d; d = d->next) {
        switch (d->kind) {
        case RC_D_FAULT:
            if (fault) {
                rc_diag_error(c->d, d->loc, "a policy has one `fault` block");
                rc_diag_note(c->d, fault->loc, "the first `fault` block is here");
                break;
            }
            fault = d;
            for (const rc_ast_field *f = d->fields; f; f = f->next) {
                rc_ir_field *irf = &ir->fields[ir->nfields];
                if (!parse_type(f->type.name, &irf->type)) {
                    rc_diag_error(c->d, f->type.loc,
                                  "unknown field type '%s'; use u8, u16, u32, i8, i16, i32, bool or text",
                                  f->type.name);
                    continue;
                }
                if (!rc_check_field_name(c, &f->name)) continue;
                if (!declare(c, &f->name, RC_SYM_FIELD, ir->nfields)) continue;
                irf->name = f->name.name;
                irf->loc = f->name.loc;
                irf->text_index = -1;
                ir->nfields++;
            }
            break;
        case RC_D_IMPORT:   /* read by cimport.c before checking */
            break;
        case RC_D_FAULT_STRUCT:
            if (fault) {
                rc_diag_error(c->d, d->loc, "a policy has one `fault` block");
                rc_diag_note(c->d, fault->loc, "the first `fault` block is here");
                break;
            }
            fault = d;
            rc_check_import_fields(c, d);
            break;
        case RC_D_CONST:
            if (declare(c, &d->name, RC_SYM_CONST, c->nconsts)) {
                c->const_names[c->nconsts] = d->name.name;
                c->const_locs[c->nconsts] = d->name.loc;
                c->nconsts++;
            }
            break;
        case RC_D_PARAM:
            if (declare(c, &d->name, RC_SYM_PARAM, ir->nparams)) {
                ir->params[ir->nparams].loc = d->name.loc;
                ir->nparams++;
            }
            break;
        case RC_D_CLASS:
            if (declare(c, &d->name, RC_SYM_CLASS, ir->nclasses)) {
                ir->classes[ir->nclasses].name = d->name.name;
                ir->classes[ir->nclasses].retryable = d->flag;
                ir->classes[ir->nclasses].loc = d->name.loc;
                ir->nclasses++;
            }
            break;
        case RC_D_ERROR:
            if (declare(c, &d->name, RC_SYM_ERROR, ir->nerrors)) {
                ir->errors[ir->nerrors].name = d->name.name;
                ir->errors[ir->nerrors].loc = d->name.loc;
                ir->errors[ir->nerrors].cls = -1;
                ir->nerrors++;
            }
            break;
        case RC_D_RETRY:
            if (declare(c, &d->name, RC_SYM_RETRY, ir->nretries)) {
                ir->retries[ir->nretries].name = d->name.name;
                ir->retries[ir->nretries].loc = d->name.loc;
                ir->nretries++;
            }
            break;
        case RC_D_BREAKER:
            if (declare(c, &d->name, RC_SYM_BREAKER, ir->nbreakers)) {
                ir->breakers[ir->nbreakers].name = d->name.name;
                ir->breakers[ir->nbreakers].loc = d->name.loc;
                ir->nbreakers++;
            }
            break;
        case RC_D_BUDGET:
            if (declare(c, &d->name, RC_SYM_BUDGET, ir->nbudgets)) {
                ir->budgets[ir->nbudgets].name = d->name.name;
                ir->budgets[ir->nbudgets].loc = d->name.loc;
                ir->nbudgets++;
            }
            break;
        default: break;
        }
    }
}

/* ---- pass 2: constants and errors ---------------------------------------- */

static void resolve_consts(rc_check_ctx *c, const rc_ast_policy *p)
{
    /* constants may name earlier constants: resolve in source order */
    int i = 0;
    for (const rc_ast_decl *d = p->decls; d; d = d->next) {
        if (d->kind != RC_D_CONST) continue;
        rc_sym *s = d->name.name ? rc_symtab_find(&c->syms, d->name.name) : NULL;
        if (!s || s->kind != RC_SYM_CONST || s->index != i) continue;
        int64_t v = 0;
        if (d->value.kind == RC_AV_NAME) {
            rc_sym *t = rc_symtab_find(&c->syms, d->value.name);
            if (t && t->kind == RC_SYM_CONST && t->index >= i && t->index < c->npolicy_consts) {
                rc_diag_error(c->d, d->value.loc, "constant '%s' is used before its value is known", d->value.name);
                i++;
                continue;
            }
        }
        if (d->value.kind == RC_AV_INT || d->value.kind == RC_AV_NAME) {
            if (!rc_check_value_int(c, &d->value, &v)) { i++; continue; }
        } else if (d->value.kind == RC_AV_DURATION) {
            v = d->value.num;
        } else {
            rc_diag_error(c->d, d->value.loc, "a constant must be an integer or a duration");
            i++;
            continue;
        }
        if (v < INT32_MIN || v > UINT32_MAX) {
            rc_diag_error(c->d, d->value.loc, "constant %lld does not fit 32 bits", (long long)v);
            i++;
            continue;
        }
        c->const_vals[i].kind = d->value.kind == RC_AV_DURATION ? RC_AV_DURATION : RC_AV_INT;
        c->const_vals[i].num = v;
        i++;
    }
}

/* One bound of a parameter: a literal of its type. */
static bool param_lit(rc_check_ctx *c, const rc_ast_value *v, rc_ptype t, int64_t *out)
{
    switch (t) {
    case RC_PT_U8: case RC_PT_U16: case RC_PT_U32: {
        int64_t hi = t == RC_PT_U8 ? UINT8_MAX : t == RC_PT_U16 ? UINT16_MAX : UINT32_MAX;
        if (v->kind != RC_AV_INT) {
            rc_diag_error(c->d, v->loc, "a %s parameter takes whole numbers", rc_ptype_name(t));
            return false;
        }
        if (v->num < 0 || v->num > hi) {
            rc_diag_error(c->d, v->loc, "%lld is out of range for %s (0..%lld)", (long long)v->num,
                          rc_ptype_name(t), (long long)hi);
            return false;
        }
        *out = v->num;
        return true;
    }
    case RC_PT_DURATION: {
        uint32_t ms;
        if (!duration(c, v, "a duration parameter", &ms)) return false;
        *out = ms;
        return true;
    }
    case RC_PT_PERCENT: {
        uint8_t pct;
        if (!percent(c, v, "a percent parameter", 0, &pct)) return false;
        *out = pct;
        return true;
    }
    case RC_PT_FACTOR: {
        uint32_t m;
        if (!factor(c, v, "a factor parameter", 0, &m)) return false;
        *out = m;
        return true;
    }
    }
    return false;
}

static void build_params(rc_check_ctx *c, const rc_ast_policy *p)
{
    static const char *const tnames[] = { "u8", "u16", "u32", "duration", "percent", "factor" };
    rc_ir *ir = c->ir;
    int i = 0;
    for (const rc_ast_decl *d = p->decls; d; d = d->next) {
        if (d->kind != RC_D_PARAM) continue;
        rc_sym *s = d->name.name ? rc_symtab_find(&c->syms, d->name.name) : NULL;
        if (!s || s->kind != RC_SYM_PARAM || s->index != i) continue;
        rc_ir_param *ip = &ir->params[i++];
        int t = -1;
        for (int k = 0; k < 6; k++)
            if (d->cls.name && strcmp(d->cls.name, tnames[k]) == 0) t = k;
        if (t < 0) {
            rc_diag_error(c->d, d->cls.loc, "unknown parameter type '%s'; use u8, u16, u32, duration, percent or "
                          "factor", d->cls.name ? d->cls.name : "");
            continue;
        }
        if (!rc_check_member_name(c, &d->name, "parameter")) continue;
        int64_t lo, hi, def;
        bool ok = param_lit(c, &d->range_lo, (rc_ptype)t, &lo);
        ok = param_lit(c, &d->range_hi, (rc_ptype)t, &hi) && ok;
        ok = param_lit(c, &d->value, (rc_ptype)t, &def) && ok;
        if (!ok) continue;
        if (lo > hi) {
            rc_diag_error(c->d, rc_loc_span(d->range_lo.loc, d->range_hi.loc), "empty range; write the smaller "
                          "bound first");
            continue;
        }
        if (def < lo || def > hi) {
            rc_diag_error(c->d, d->value.loc, "the default of '%s' is outside its range", d->name.name);
            continue;
        }
        ip->name = d->name.name;
        ip->type = (rc_ptype)t;
        ip->lo = lo;
        ip->hi = hi;
        ip->def = def;
    }
}

static const char **strings(rc_check_ctx *c, const rc_ast_string *s, int *n)
{
    *n = 0;
    for (const rc_ast_string *t = s; t; t = t->next) (*n)++;
    const char **out = RC_NEW_ARRAY(c->a, const char *, *n ? *n : 1);
    int i = 0;
    for (const rc_ast_string *t = s; t; t = t->next) out[i++] = t->text;
    return out;
}

static void resolve_errors(rc_check_ctx *c, const rc_ast_policy *p)
{
    for (const rc_ast_decl *d = p->decls; d; d = d->next) {
        if (d->kind != RC_D_ERROR || !d->name.name) continue;
        rc_sym *s = rc_symtab_find(&c->syms, d->name.name);
        if (!s || s->kind != RC_SYM_ERROR || s->loc.line != d->name.loc.line || s->loc.col != d->name.loc.col)
            continue;
        rc_ir_error *e = &c->ir->errors[s->index];
        rc_sym *cl = d->cls.name ? lookup(c, &d->cls, RC_SYM_CLASS, "class") : NULL;
        e->cls = cl ? cl->index : -1;
        int sev = severity_of(d->severity.name);
        if (d->severity.name && sev < 0)
            rc_diag_error(c->d, d->severity.loc, "unknown severity '%s'; use low, medium, high or critical",
                          d->severity.name);
        e->severity = sev < 0 ? RC_SEV_MEDIUM : (rc_severity)sev;
        if (d->message && d->message->next) rc_diag_error(c->d, d->message->next->loc, "duplicate `message`");
        if (d->hint && d->hint->next) rc_diag_error(c->d, d->hint->next->loc, "duplicate `hint`");
        const rc_ast_string *texts[3] = { d->message, d->hint, d->steps_text };
        for (int k = 0; k < 3; k++)
            for (const rc_ast_string *t = texts[k]; t; t = t->next)
                if (strlen(t->text) > RC_MAX_TEXT_BYTES)
                    rc_diag_error(c->d, t->loc, "this %s is %zu bytes long; a message, hint or step is at most %d "
                                  "bytes (the longest string literal every C99 compiler accepts)",
                                  k == 0 ? "message" : k == 1 ? "hint" : "step", strlen(t->text), RC_MAX_TEXT_BYTES);
        e->message = d->message ? d->message->text : NULL;
        e->hint = d->hint ? d->hint->text : NULL;
        e->steps = strings(c, d->steps_text, &e->nsteps);
    }
}

/* ---- pass 3: classify ---------------------------------------------------- */

static int true_expr(rc_check_ctx *c, rc_loc loc)
{
    int x = rc_check_new_expr(c, RC_X_TRUE);
    c->ir->exprs[x].loc = loc;
    return x;
}

static void build_classify(rc_check_ctx *c, const rc_ast_policy *p, bool *produced)
{
    rc_ir *ir = c->ir;
    const rc_ast_decl *cls = NULL;
    for (const rc_ast_decl *d = p->decls; d; d = d->next) {
        if (d->kind != RC_D_CLASSIFY) continue;
        if (cls) {
            rc_diag_error(c->d, d->loc, "a policy has one `classify` block; merge the rules into the first");
            rc_diag_note(c->d, cls->loc, "the first `classify` block is here");
            continue;
        }
        cls = d;
    }
    if (!cls) {
        rc_diag_error(c->d, p->loc, "the policy has no `classify` block; every failure must be mapped to an error");
        return;
    }
    int n = 0;
    for (const rc_ast_rule *r = cls->rules; r; r = r->next) n++;
    ir->rules = RC_NEW_ARRAY(c->a, rc_ir_rule, n + 1);
    const rc_ast_rule *any = NULL;
    c->in_classify = true;
    for (const rc_ast_rule *r = cls->rules; r; r = r->next) {
        if (any) {
            rc_diag_warning(c->d, RC_W_UNREACHABLE_RULE, r->loc, "rule can never match: it follows the catch-all `_`");
            rc_diag_note(c->d, any->any_loc, "the catch-all is here");
            break;
        }
        rc_sym *e = r->error.name ? lookup(c, &r->error, RC_SYM_ERROR, "error") : NULL;
        int x = r->cond ? rc_check_expr(c, r->cond) : true_expr(c, r->any_loc);
        if (!r->cond) any = r;
        if (!e || x < 0) continue;
        produced[e->index] = true;
        ir->rules[ir->nrules].cond = x;
        ir->rules[ir->nrules].error = e->index;
        ir->rules[ir->nrules].loc = r->loc;
        ir->nrules++;
    }
    c->in_classify = false;
    if (!any && c->d->errors == 0) {
        if (ir->nrules == 0) {
            rc_diag_error(c->d, cls->loc, "`classify` has no rules; add at least `_ => ERROR;`");
        } else if (rc_check_cover(c, cls->loc)) {
            /* exhaustive without `_`: the last rule holds whenever the
             * earlier ones do not, so it is the catch-all */
            ir->rules[ir->nrules - 1].cond = true_expr(c, ir->rules[ir->nrules - 1].loc);
            ir->rules[ir->nrules - 1].implicit_catchall = true;
        }
    }
}

/* ---- pass 3: strategies -------------------------------------------------- */

static void build_retry(rc_check_ctx *c, const rc_ast_decl *d, rc_ir_retry *r)
{
    rc_ir *ir = c->ir;
    const rc_ast_setting *s_att = NULL, *s_bo = NULL, *s_jit = NULL, *s_sc = NULL, *s_sev = NULL,
                         *s_hon = NULL, *s_max = NULL, *s_tmo = NULL;
    r->attempts = 0;
    r->backoff = RC_BACKOFF_CONSTANT;
    r->factor_milli = 1000;
    r->max_ms = UINT32_MAX;
    r->jitter = RC_JITTER_NONE;
    r->honor_field = -1;
    r->error_scale = RC_NEW_ARRAY(c->a, uint32_t, ir->nerrors ? ir->nerrors : 1);
    for (int i = 0; i < ir->nerrors; i++) r->error_scale[i] = 1000;
    for (int i = 0; i < RC_SEV_COUNT; i++) r->sev_scale[i] = 1000;
    const rc_ast_value *max_v = NULL;
    int ri = (int)(r - ir->retries);
    for (const rc_ast_setting *s = d->settings; s; s = s->next) {
        switch (s->kind) {
        case RC_S_ATTEMPTS: {
            if (dup_setting(c, &s_att, s, "attempts")) break;
            int64_t n;
            if (count_num(c, &s->v[0], "attempts", 0, UINT16_MAX, RC_SLOT_ATTEMPTS, ri, &n)) {
                r->attempts = (uint16_t)n;
                if (n == 0 && rc_ir_param_at(ir, RC_SLOT_ATTEMPTS, ri, 0) < 0)
                    rc_diag_warning(c->d, RC_W_NO_RETRY, s->v[0].loc, "`attempts 0`: retry strategy '%s' never "
                                    "retries; its steps go straight on to the next step (Resilience4j and Step "
                                    "Functions read MaxAttempts 0 the same way)", r->name);
            }
            break;
        }
        case RC_S_BACKOFF: {
            if (dup_setting(c, &s_bo, s, "backoff")) break;
            const char *k = s->word.name ? s->word.name : "";
            if (strcmp(k, "constant") == 0) r->backoff = RC_BACKOFF_CONSTANT;
            else if (strcmp(k, "linear") == 0) r->backoff = RC_BACKOFF_LINEAR;
            else if (strcmp(k, "exponential") == 0) r->backoff = RC_BACKOFF_EXPONENTIAL;
            else {
                rc_diag_error(c->d, s->word.loc, "unknown backoff '%s'; use constant, linear or exponential", k);
                break;
            }
            dur_num(c, &s->v[0], "backoff base", 0, RC_SLOT_BASE, ri, 0, &r->base_ms);
            if (s->v[1].kind != RC_AV_NONE) {
                int64_t fm;
                int pr;
                if (r->backoff != RC_BACKOFF_EXPONENTIAL)
                    rc_diag_error(c->d, s->v[1].loc, "`factor` applies only to exponential backoff");
                else if ((pr = param_num(c, &s->v[1], PK_FACTOR, 1000, RC_MAX_FACTOR_MILLI, "backoff factor",
                                         RC_SLOT_FACTOR, ri, 0, &fm)) > 0)
                    r->factor_milli = (uint32_t)fm;
                else if (pr == 0)
                    factor(c, &s->v[1], "backoff factor", 1000, &r->factor_milli);
            } else if (r->backoff == RC_BACKOFF_EXPONENTIAL) {
                r->factor_milli = 2000;
            }
            if (s->v[2].kind != RC_AV_NONE) {
                if (s_max) {
                    rc_diag_error(c->d, s->v[2].loc, "duplicate `max`");
                    rc_diag_note(c->d, s_max->loc, "first given here");
                } else {
                    s_max = s;
                    max_v = &s->v[2];
                }
            }
            break;
        }
        case RC_S_MAX:
            if (dup_setting(c, &s_max, s, "max")) break;
            max_v = &s->v[0];
            break;
        case RC_S_JITTER: {
            if (dup_setting(c, &s_jit, s, "jitter")) break;
            if (s->v[0].kind == RC_AV_PERCENT || s->v[0].kind == RC_AV_DECPERCENT) {
                uint8_t pct;
                if (percent(c, &s->v[0], "jitter", 0, &pct)) {
                    r->jitter = pct ? RC_JITTER_PERCENT : RC_JITTER_NONE;
                    r->jitter_pct = pct;
                }
                break;
            }
            if (!s->word.name) {
                /* `jitter 5;`, `jitter 1.5;`: a number where a mode or a
                 * percentage belongs */
                rc_loc at = s->v[0].loc.line ? s->v[0].loc : s->loc;
                rc_diag_error(c->d, at, "jitter takes none, N%%, full, equal or decorrelated, not a bare number");
                if (s->v[0].kind == RC_AV_INT && s->v[0].num >= 0 && s->v[0].num <= 100)
                    rc_diag_note(c->d, at, "fix: write `jitter %lld%%;` for a jitter of %lld percent",
                                 (long long)s->v[0].num, (long long)s->v[0].num);
                break;
            }
            const char *k = s->word.name;
            if (strcmp(k, "none") == 0) r->jitter = RC_JITTER_NONE;
            else if (strcmp(k, "full") == 0) r->jitter = RC_JITTER_FULL;
            else if (strcmp(k, "equal") == 0) r->jitter = RC_JITTER_EQUAL;
            else if (strcmp(k, "decorrelated") == 0) r->jitter = RC_JITTER_DECORRELATED;
            else
                rc_diag_error(c->d, s->word.loc,
                              "unknown jitter '%s'; use none, N%%, full, equal or decorrelated", k);
            break;
        }
        case RC_S_SCALE:
            if (dup_setting(c, &s_sc, s, "scale")) break;
            for (const rc_ast_scale *sc = s->scales; sc; sc = sc->next) {
                rc_sym *e = lookup(c, &sc->name, RC_SYM_ERROR, "error");
                uint32_t m;
                if (e && factor(c, &sc->factor, "scale", 1, &m)) r->error_scale[e->index] = m;
            }
            break;
        case RC_S_SCALE_SEVERITY:
            if (dup_setting(c, &s_sev, s, "scale severity")) break;
            for (const rc_ast_scale *sc = s->scales; sc; sc = sc->next) {
                int sev = severity_of(sc->name.name);
                uint32_t m;
                if (sev < 0)
                    rc_diag_error(c->d, sc->name.loc, "unknown severity '%s'; use low, medium, high or critical",
                                  sc->name.name);
                else if (factor(c, &sc->factor, "scale", 1, &m))
                    r->sev_scale[sev] = m;
            }
            break;
        case RC_S_HONOR: {
            if (dup_setting(c, &s_hon, s, "honor")) break;
            rc_sym *f = lookup(c, &s->word, RC_SYM_FIELD, "fault field");
            if (!f) break;
            rc_type t = ir->fields[f->index].type;
            if (t == RC_TY_TEXT || t == RC_TY_BOOL)
                rc_diag_error(c->d, s->word.loc, "`honor` needs an integer field holding milliseconds; '%s' is %s",
                              s->word.name, t == RC_TY_TEXT ? "text" : "bool");
            else
                r->honor_field = f->index;
            break;
        }
        case RC_S_TIMEOUT:
            /* the attempt timeout (language.md, *Attempt timeouts*) */
            if (dup_setting(c, &s_tmo, s, "timeout")) break;
            if (dur_num(c, &s->v[0], "attempt timeout", 1, RC_SLOT_LIMIT, ri, 0, &r->timeout_ms) &&
                r->timeout_ms == 0)
                rc_diag_error(c->d, s->v[0].loc, "an attempt timeout is at least 1ms (leave `timeout` out for "
                              "no limit)");
            if (s->word.name) {
                rc_sym *f = lookup(c, &s->word, RC_SYM_FIELD, "fault field");
                if (!f) break;
                if (ir->fields[f->index].type != RC_TY_BOOL)
                    rc_diag_error(c->d, s->word.loc, "the timeout's flag must be a bool fault field the host sets "
                                  "on an overrun; '%s' is %s", s->word.name, rc_type_name(ir->fields[f->index].type));
                else
                    r->timeout_flag = f->index + 1;
            }
            break;
        default:
            rc_diag_error(c->d, s->loc, "this setting does not belong in a retry strategy "
                          "(use attempts, backoff, max, jitter, scale, honor, timeout)");
            break;
        }
    }
    if (!s_att) rc_diag_error(c->d, d->loc, "retry strategy '%s' has no `attempts`", r->name);
    if (!s_bo) rc_diag_error(c->d, d->loc, "retry strategy '%s' has no `backoff`", r->name);
    if (max_v && dur_num(c, max_v, "max", 0, RC_SLOT_MAX, ri, 0, &r->max_ms) && s_bo) {
        int64_t blo, bhi, mlo, mhi;
        num_range(ir, RC_SLOT_BASE, ri, r->base_ms, &blo, &bhi);
        num_range(ir, RC_SLOT_MAX, ri, r->max_ms, &mlo, &mhi);
        if (blo == bhi && mlo == mhi && r->max_ms < r->base_ms)
            rc_diag_warning(c->d, RC_W_MAX_BELOW_BASE, max_v->loc, "max %u ms is below the backoff base %u ms: every "
                            "delay before jitter is %u ms (write `backoff constant base %ums` to say so)",
                            r->max_ms, r->base_ms, r->max_ms, r->max_ms);
        else if (mlo < bhi)
            rc_diag_warning(c->d, RC_W_MAX_BELOW_BASE, max_v->loc, "max can be below the backoff base: max goes down "
                            "to %lld ms and base up to %lld ms; then every delay before jitter is max",
                            (long long)mlo, (long long)bhi);
    }
}

/* `open for D then xF [max D2]`: the open period grows on each reopen
 * before the breaker closes (spec/semantics.md, P_admit). */
static void open_growth(rc_check_ctx *c, const rc_ast_setting *s, rc_ir_breaker *b)
{
    if (strcmp(s->word.name, "then") != 0) {
        rc_diag_error(c->d, s->word.loc, "unexpected '%s' after the open period; expected `open for D;` or "
                      "`open for D then xF max D2;`", s->word.name);
        return;
    }
    uint32_t f = 0;
    if (!factor(c, &s->v[1], "the open-period factor", 1000, &f)) return;
    b->open_factor_milli = f;
    b->open_max_ms = RC_MAX_SAFE_MS;
    if (s->v[2].kind != RC_AV_NONE && duration(c, &s->v[2], "the longest open period", &b->open_max_ms) &&
        b->open_max_ms < b->open_ms)
        rc_diag_warning(c->d, RC_W_MAX_BELOW_BASE, s->v[2].loc, "the longest open period (%u ms) is below the first "
                        "(%u ms): every open period is %u ms", b->open_max_ms, b->open_ms, b->open_max_ms);
}

/* `open at P% of last N calls`: one bit per call, in one 32-bit word up to
 * 32 calls, in a ring above (spec/language.md, *Count windows*); a larger N
 * than the ring holds gets the time window that holds as many calls. */
static bool count_window(rc_check_ctx *c, const rc_ast_setting *s, int64_t *n)
{
    const rc_ast_value *v = &s->v[1];
    if (v->kind == RC_AV_INT && v->num > RC_IR_WINDOW_MAX) {
        rc_diag_error(c->d, v->loc, "a count window holds at most %d calls (its ring is %d bytes), not %lld",
                      RC_IR_WINDOW_MAX, 4 * ((RC_IR_WINDOW_MAX + 31) / 32) + 6, (long long)v->num);
        char pct[32] = "P%";
        if (s->v[0].kind == RC_AV_PERCENT) snprintf(pct, sizeof pct, "%lld%%", (long long)s->v[0].num);
        rc_diag_note(c->d, s->loc, "for a larger window count calls over a time: `open at %s of calls in 60s min %lld;` "
                     "keeps 10 buckets of 6 s whatever the call rate (spec/language.md, *Time windows*)",
                     pct, (long long)v->num);
        return false;
    }
    return count_value(c, v, "window (last N calls)", 1, RC_IR_WINDOW_MAX, n);
}

/* `open at P% of calls in D [buckets K] [min M]` (language.md, *Time windows*). */
static void time_window(rc_check_ctx *c, const rc_ast_setting *s, rc_ir_breaker *b, int bi)
{
    int64_t n;
    if (s->v[0].kind == RC_AV_DECPERCENT)
        percent_tenths(c, &s->v[0], "failure rate", 1, &b->rate_pct, &b->rate_tenth);
    else
        percent_num(c, &s->v[0], "failure rate", 1, RC_SLOT_RATE, bi, &b->rate_pct);
    b->buckets = 10;
    if (s->word.name) {
        if (strcmp(s->word.name, "buckets") != 0)
            rc_diag_error(c->d, s->word.loc, "unexpected '%s' after the window; expected `buckets K` or `min M`",
                          s->word.name);
        else if (count_value(c, &s->v3, "the number of buckets", 1, 64, &n))
            b->buckets = (uint8_t)n;
    }
    if (duration(c, &s->v[1], "the window", &b->window_ms)) {
        if (b->window_ms == 0) {
            rc_diag_error(c->d, s->v[1].loc, "a time window must be longer than 0 ms");
        } else if (b->window_ms % b->buckets != 0) {
            uint32_t w = b->window_ms / b->buckets + 1u;
            rc_diag_error(c->d, s->v[1].loc, "a window of %u ms is not a whole number of ms per bucket (%u buckets)",
                          b->window_ms, b->buckets);
            rc_diag_note(c->d, s->loc, "write `in %ums` (%u buckets of %u ms) or a bucket count that divides %u",
                         w * b->buckets, b->buckets, w, b->window_ms);
            b->window_ms = 0;
        }
    }
    b->min_calls = 1;
    if (s->v[2].kind != RC_AV_NONE && count_num(c, &s->v[2], "min calls", 1, UINT16_MAX, RC_SLOT_MIN_CALLS, bi, &n))
        b->min_calls = (uint16_t)n;
}

/* `slow above T` and `open at P% slow` go together, with a time window. */
static void slow_rules(rc_check_ctx *c, rc_ir_breaker *b, const rc_ast_setting *s_open,
                       const rc_ast_setting *s_slow, const rc_ast_setting *s_oslow)
{
    const rc_ast_setting *any = s_slow ? s_slow : s_oslow;
    if (!any) return;
    if (s_open && b->mode != RC_BREAKER_TIME) {
        rc_diag_error(c->d, any->loc, "slow calls are counted in a time window; breaker '%s' has a count rule",
                      b->name);
        rc_diag_note(c->d, s_open->loc, "write the rule as `open at P%% of calls in D min M;`");
    } else if (!s_slow) {
        rc_diag_error(c->d, s_oslow->loc, "`open at P%% slow` needs `slow above D;`: which calls are slow");
    } else if (!s_oslow) {
        rc_diag_error(c->d, s_slow->loc, "`slow above` without `open at P%% slow;` never opens breaker '%s'",
                      b->name);
    } else if (c->ir->deadline_ms && b->slow_ms >= c->ir->deadline_ms &&
               rc_ir_param_at(c->ir, RC_SLOT_DEADLINE, -1, 0) < 0) {
        rc_diag_warning(c->d, RC_W_SLOW_AFTER_DEADLINE, s_slow->v[0].loc, "a call is slow only after %u ms, "
                        "at or past the policy's deadline of %u ms: only calls of incidents already past "
                        "their deadline can be slow", b->slow_ms, c->ir->deadline_ms);
    }
    if (b->mode != RC_BREAKER_TIME || !s_slow || !s_oslow) {
        b->slow_ms = 0;
        b->slow_pct = 0;
        b->slow_tenth = 0;
    }
}

static void build_breaker(rc_check_ctx *c, const rc_ast_decl *d, rc_ir_breaker *b)
{
    rc_ir *ir = c->ir;
    const rc_ast_setting *s_open = NULL, *s_for = NULL, *s_probes = NULL, *s_close = NULL, *s_count = NULL;
    const rc_ast_setting *s_hto = NULL, *s_slow = NULL, *s_oslow = NULL, *s_wait = NULL;
    b->probes = 1;
    b->close_after = 0;
    b->counts = RC_NEW_ARRAY(c->a, bool, ir->nerrors ? ir->nerrors : 1);
    for (int i = 0; i < ir->nerrors; i++) b->counts[i] = true;
    int bi = (int)(b - ir->breakers);
    b->per_alt = d->flag;
    for (const rc_ast_setting *s = d->settings; s; s = s->next) {
        int64_t n;
        switch (s->kind) {
        case RC_S_OPEN_AFTER:
        case RC_S_OPEN_NET:
            if (dup_setting(c, &s_open, s, "open after/at")) break;
            b->mode = s->kind == RC_S_OPEN_NET ? RC_BREAKER_NET : RC_BREAKER_CONSECUTIVE;
            if (count_num(c, &s->v[0], "failure threshold", 1, UINT16_MAX, RC_SLOT_THRESHOLD, bi, &n))
                b->threshold = (uint16_t)n;
            break;
        case RC_S_OPEN_AT:
            if (dup_setting(c, &s_open, s, "open after/at")) break;
            b->mode = RC_BREAKER_RATE;
            if (s->v[0].kind == RC_AV_DECPERCENT)
                percent_tenths(c, &s->v[0], "failure rate", 1, &b->rate_pct, &b->rate_tenth);
            else
                percent_num(c, &s->v[0], "failure rate", 1, RC_SLOT_RATE, bi, &b->rate_pct);
            if (count_window(c, s, &n)) b->window = (uint16_t)n;
            b->min_calls = b->window;
            if (s->v[2].kind != RC_AV_NONE) {
                int pr = param_num(c, &s->v[2], PK_INT, 1, b->window ? b->window : RC_IR_WINDOW_MAX, "min calls",
                                   RC_SLOT_MIN_CALLS, bi, 0, &n);
                if (pr > 0) {
                    b->min_calls = (uint16_t)n;
                } else if (pr == 0 && count_value(c, &s->v[2], "min calls", 1, RC_IR_WINDOW_MAX, &n)) {
                    if (b->window && n > b->window)
                        rc_diag_error(c->d, s->v[2].loc, "min %lld calls exceeds the window of the last %u calls",
                                      (long long)n, b->window);
                    else
                        b->min_calls = (uint16_t)n;
                }
            }
            break;
        case RC_S_OPEN_TIME:
            if (dup_setting(c, &s_open, s, "open after/at")) break;
            b->mode = RC_BREAKER_TIME;
            time_window(c, s, b, bi);
            break;
        case RC_S_OPEN_SLOW:
            if (strcmp(s->word.name, "slow") != 0) {
                rc_diag_error(c->d, s->word.loc, "unexpected '%s' after the rate; expected `open at P%% slow;` or "
                              "`open at P%% of calls in D;`", s->word.name);
                break;
            }
            if (dup_setting(c, &s_oslow, s, "open at P% slow")) break;
            percent_tenths(c, &s->v[0], "the slow-call rate", 1, &b->slow_pct, &b->slow_tenth);
            break;
        case RC_S_SLOW_ABOVE:
            if (strcmp(s->word.name, "slow") != 0 || strcmp(s->word2.name, "above") != 0) {
                rc_diag_error(c->d, s->word.loc, "unknown statement '%s %s' in breaker block; expected open, "
                              "half_open, close, count, `slow above D;` or `retries wait;`", s->word.name, s->word2.name);
                break;
            }
            if (dup_setting(c, &s_slow, s, "slow above")) break;
            if (duration(c, &s->v[0], "the slow-call threshold", &b->slow_ms) && b->slow_ms == 0)
                rc_diag_error(c->d, s->v[0].loc, "the slow-call threshold must be more than 0 ms");
            break;
        case RC_S_RETRIES_WAIT:
            if (strcmp(s->word.name, "retries") != 0 || strcmp(s->word2.name, "wait") != 0) {
                rc_diag_error(c->d, s->word.loc, "unknown statement '%s %s' in breaker block; expected open, "
                              "half_open, close, count, `slow above D;` or `retries wait;`", s->word.name,
                              s->word2.name);
                break;
            }
            if (dup_setting(c, &s_wait, s, "retries wait")) break;
            b->retry_wait = true;
            b->wait_loc = s->loc;
            break;
        case RC_S_OPEN_FOR:
            if (dup_setting(c, &s_for, s, "open for")) break;
            if (dur_num(c, &s->v[0], "the open period", 1, RC_SLOT_OPEN_MS, bi, 0, &b->open_ms) && b->open_ms == 0)
                rc_diag_error(c->d, s->v[0].loc, "a breaker must stay open for more than 0 ms");
            if (s->word.name) open_growth(c, s, b);
            break;
        case RC_S_HALF_OPEN_TIMEOUT:
            if (dup_setting(c, &s_hto, s, "half_open timeout")) break;
            if (duration(c, &s->v[0], "the half-open timeout", &b->half_open_ms) && b->half_open_ms == 0)
                rc_diag_error(c->d, s->v[0].loc, "the half-open timeout must be more than 0 ms");
            break;
        case RC_S_CLOSE_BELOW:
            if (dup_setting(c, &s_close, s, "close after/below")) break;
            if (strcmp(s->word.name, "below") != 0) {
                rc_diag_error(c->d, s->word.loc, "unknown close rule '%s'; expected `close after N successes;` "
                              "or `close below P%%;`", s->word.name);
                break;
            }
            percent_tenths(c, &s->v[0], "the half-open failure rate", 1, &b->close_below_pct, &b->close_below_tenth);
            break;
        case RC_S_PROBES:
            if (dup_setting(c, &s_probes, s, "half_open probes")) break;
            if (count_num(c, &s->v[0], "half-open probes", 1, UINT16_MAX, RC_SLOT_PROBES, bi, &n))
                b->probes = (uint16_t)n;
            break;
        case RC_S_CLOSE_AFTER:
            if (dup_setting(c, &s_close, s, "close after/below")) break;
            if (count_num(c, &s->v[0], "close after", 1, UINT16_MAX, RC_SLOT_CLOSE_AFTER, bi, &n))
                b->close_after = (uint16_t)n;
            break;
        case RC_S_COUNT:
            if (dup_setting(c, &s_count, s, "count")) break;
            for (int i = 0; i < ir->nerrors; i++) b->counts[i] = false;
            for (const rc_ident_list *l = s->names; l; l = l->next) {
                rc_sym *sym = lookup(c, &l->id, RC_SYM_ERROR | RC_SYM_CLASS, "error or class");
                if (!sym) continue;
                for (int i = 0; i < ir->nerrors; i++)
                    if (sym->kind == RC_SYM_ERROR ? i == sym->index : ir->errors[i].cls == sym->index)
                        b->counts[i] = true;
            }
            break;
        default:
            rc_diag_error(c->d, s->loc, "this setting does not belong in a breaker "
                          "(use open after, open at, open for, half_open probes, half_open timeout, close after, "
                          "close below, count)");
            break;
        }
    }
    if (!s_open) rc_diag_error(c->d, d->loc, "breaker '%s' has no `open after` or `open at` rule", b->name);
    slow_rules(c, b, s_open, s_slow, s_oslow);
    if (b->per_alt && rc_ir_window_ring(b) && s_open) {
        /* one ring per target is not built (spec/language.md, *Count windows*) */
        rc_diag_error(c->d, s_open->v[1].loc, "breaker '%s' is `per alternative`: its count window holds at most %d "
                      "calls, not %u", b->name, RC_IR_WINDOW_WORD, (unsigned)b->window);
        rc_diag_note(c->d, d->loc, "drop `per alternative`, or count the last %d calls or fewer", RC_IR_WINDOW_WORD);
    }
    if (!s_for) rc_diag_error(c->d, d->loc, "breaker '%s' has no `open for` duration", b->name);
    if (!s_close || b->close_below_pct) {
        b->close_after = b->probes;
        int pp = rc_ir_param_at(ir, RC_SLOT_PROBES, bi, 0);
        if (pp >= 0) rc_check_bind(c, RC_SLOT_CLOSE_AFTER, bi, 0, pp);
    }
    int64_t clo, chi, plo, phi;
    num_range(ir, RC_SLOT_CLOSE_AFTER, bi, b->close_after, &clo, &chi);
    num_range(ir, RC_SLOT_PROBES, bi, b->probes, &plo, &phi);
    if (s_close && (clo != chi || plo != phi) && rc_ir_param_at(ir, RC_SLOT_CLOSE_AFTER, bi, 0) !=
                                                     rc_ir_param_at(ir, RC_SLOT_PROBES, bi, 0) && chi > plo)
        rc_diag_error(c->d, s_close->loc,
                      "breaker '%s' can never close when `close after` (up to %lld) exceeds the probes (down to "
                      "%lld); narrow the parameter ranges", b->name, (long long)chi, (long long)plo);
    else if (b->close_after > b->probes)
        rc_diag_error(c->d, s_close->loc,
                      "breaker '%s' can never close: it needs %u successes while half-open but admits only %u probe%s",
                      b->name, b->close_after, b->probes, b->probes == 1 ? "" : "s");
    else if (s_probes && b->probes > b->close_after && !b->close_below_pct)
        rc_diag_warning(c->d, RC_W_BREAKER_PROBES, s_probes->loc,
                        "breaker '%s' admits %u half-open probes but closes after %u success%s: with calls one "
                        "at a time the probes after the %u%s are never admitted; `half_open probes %u` says the same",
                        b->name, b->probes, b->close_after, b->close_after == 1 ? "" : "es", b->close_after,
                        b->close_after == 1 ? "st" : b->close_after == 2 ? "nd" : b->close_after == 3 ? "rd" : "th",
                        b->close_after);
}

/* A strategy's `timeout D flag F`: some classify rule must read F, or an
 * overrun would be classified like any failure (language.md, *Attempt
 * timeouts*).  Conditions are trees whose children have smaller indices, so
 * one pass from the top marks everything the rules reach. */
static void check_timeout_flags(rc_check_ctx *c)
{
    rc_ir *ir = c->ir;
    bool any = false;
    for (int r = 0; r < ir->nretries; r++) any |= ir->retries[r].timeout_flag != 0;
    if (!any) return;
    bool *reach = RC_NEW_ARRAY(c->a, bool, ir->nexprs ? ir->nexprs : 1);
    bool *read = RC_NEW_ARRAY(c->a, bool, ir->nfields ? ir->nfields : 1);
    for (int r = 0; r < ir->nrules; r++)
        if (ir->rules[r].cond >= 0 && ir->rules[r].cond < ir->nexprs) reach[ir->rules[r].cond] = true;
    for (int i = ir->nexprs - 1; i >= 0; i--) {
        const rc_ir_expr *x = &ir->exprs[i];
        if (!reach[i]) continue;
        if (x->kind == RC_X_AND || x->kind == RC_X_OR) { reach[x->a] = true; reach[x->b] = true; }
        if (x->kind == RC_X_NOT) reach[x->a] = true;
        if ((x->kind == RC_X_CMP || x->kind == RC_X_IN) && x->opd == RC_OPD_FIELD) read[x->field] = true;
    }
    for (int r = 0; r < ir->nretries; r++) {
        const rc_ir_retry *rt = &ir->retries[r];
        if (!rt->timeout_flag || read[rt->timeout_flag - 1]) continue;
        const char *fn = ir->fields[rt->timeout_flag - 1].name;
        rc_diag_error(c->d, rt->loc, "retry strategy '%s' flags an overrun attempt with '%s', but no classify "
                      "rule reads '%s'", rt->name, fn, fn);
        rc_diag_note(c->d, rt->loc, "add a rule such as `%s => attempt_timeout;` before the others", fn);
    }
}

static void build_budget(rc_check_ctx *c, const rc_ast_decl *d, rc_ir_budget *b)
{
    const rc_ast_setting *s_ratio = NULL;
    int gi = (int)(b - c->ir->budgets);
    for (const rc_ast_setting *s = d->settings; s; s = s->next) {
        if (s->kind != RC_S_RATIO) {
            rc_diag_error(c->d, s->loc, "a budget holds one `ratio P%% min N per D;` statement");
            continue;
        }
        if (dup_setting(c, &s_ratio, s, "ratio")) continue;
        int64_t n;
        percent_num(c, &s->v[0], "retry ratio", 0, RC_SLOT_RATIO, gi, &b->ratio_pct);
        if (count_num(c, &s->v[1], "min retries", 0, UINT16_MAX, RC_SLOT_MIN_RETRIES, gi, &n))
            b->min_retries = (uint16_t)n;
        if (dur_num(c, &s->v[2], "budget window", 1, RC_SLOT_WINDOW, gi, 0, &b->window_ms) && b->window_ms == 0)
            rc_diag_error(c->d, s->v[2].loc, "a budget window must be longer than 0 ms");
    }
    if (!s_ratio) rc_diag_error(c->d, d->loc, "budget '%s' has no `ratio P%% min N per D;`", b->name);
}

static void build_strategies(rc_check_ctx *c, const rc_ast_policy *p)
{
    rc_ir *ir = c->ir;
    int ri = 0, bi = 0, gi = 0;
    for (const rc_ast_decl *d = p->decls; d; d = d->next) {
        rc_sym *s = d->name.name ? rc_symtab_find(&c->syms, d->name.name) : NULL;
        bool mine = s && s->loc.line == d->name.loc.line && s->loc.col == d->name.loc.col;
        if (d->kind == RC_D_RETRY && mine) build_retry(c, d, &ir->retries[ri++]);
        else if (d->kind == RC_D_BREAKER && mine) build_breaker(c, d, &ir->breakers[bi++]);
        else if (d->kind == RC_D_BUDGET && mine) build_budget(c, d, &ir->budgets[gi++]);
    }
}

static void build_escalation(rc_check_ctx *c, const rc_ast_policy *p, host_caps *caps)
{
    rc_ir *ir = c->ir;
    rc_ir_escalation *x = &ir->escalation;
    const rc_ast_esc *seen[RC_SEV_COUNT] = {0}, *seen_u[RC_SEV_COUNT] = {0};
    const rc_ast_decl *first = NULL;
    for (int i = 0; i < RC_SEV_COUNT; i++) {
        x->channel[i] = -1;
        x->unresolved_to[i] = (rc_severity)i;
    }
    for (const rc_ast_decl *d = p->decls; d; d = d->next) {
        if (d->kind != RC_D_ESCALATION) continue;
        if (first) {
            rc_diag_error(c->d, d->loc, "a policy has one `escalation` table");
            rc_diag_note(c->d, first->loc, "the first one is here");
            continue;
        }
        first = d;
        ir->has_escalation = true;
        for (const rc_ast_esc *e = d->esc; e; e = e->next) {
            int lv = severity_of(e->level.name);
            if (lv < 0) {
                rc_diag_error(c->d, e->level.loc, "unknown level '%s'; use low, medium, high or critical",
                              e->level.name ? e->level.name : "");
                continue;
            }
            if (!e->unresolved) {
                if (seen[lv]) {
                    rc_diag_error(c->d, e->loc, "level '%s' is mapped twice", sev_names[lv]);
                    rc_diag_note(c->d, seen[lv]->loc, "first mapped here");
                    continue;
                }
                seen[lv] = e;
                x->channel[lv] = host_name(c, &ir->channels, &ir->nchannels, &caps->channels, &e->channel);
                if (e->within.kind != RC_AV_NONE) duration(c, &e->within, "SLA", &x->sla_ms[lv]);
            } else {
                if (seen_u[lv]) {
                    rc_diag_error(c->d, e->loc, "a second `unresolved %s` rule", sev_names[lv]);
                    continue;
                }
                seen_u[lv] = e;
                int64_t n;
                int to = severity_of(e->target.name);
                if (!count_value(c, &e->count, "unresolved count", 1, UINT16_MAX, &n)) continue;
                if (to < 0) {
                    rc_diag_error(c->d, e->target.loc, "unknown level '%s'", e->target.name ? e->target.name : "");
                    continue;
                }
                if (to == lv) {
                    rc_diag_error(c->d, e->target.loc, "`unresolved %s` must escalate to another level", sev_names[lv]);
                    continue;
                }
                x->unresolved_after[lv] = (uint16_t)n;
                x->unresolved_to[lv] = (rc_severity)to;
            }
        }
    }
    for (int lv = 0; lv < RC_SEV_COUNT; lv++) {
        if (seen_u[lv] && x->unresolved_after[lv] && x->channel[x->unresolved_to[lv]] < 0)
            rc_diag_error(c->d, seen_u[lv]->target.loc, "level '%s' has no channel in the escalation table",
                          sev_names[x->unresolved_to[lv]]);
    }
}

/* ---- pass 3: on blocks ----------------------------------------------------- */

static bool is_terminal(rc_ir_stepkind k)
{
    return k == RC_IR_DEGRADE || k == RC_IR_ESCALATE || k == RC_IR_ABORT;
}

/* The escalation levels a step can escalate at must have channels. */
static void check_escalate_step(rc_check_ctx *c, const rc_ir_block *b, const rc_ir_step *st)
{
    rc_ir *ir = c->ir;
    if (!ir->has_escalation) {
        rc_diag_error(c->d, st->loc, "`escalate` needs an `escalation` table mapping levels to channels");
        return;
    }
    bool need[RC_SEV_COUNT] = {false};
    const char *why[RC_SEV_COUNT] = {NULL};
    if (st->level >= 0) {
        need[st->level] = true;
    } else {
        for (int e = 0; e < ir->nerrors; e++)
            if (b->errors[e] && !need[ir->errors[e].severity]) {
                need[ir->errors[e].severity] = true;
                why[ir->errors[e].severity] = ir->errors[e].name;
            }
    }
    for (int lv = 0; lv < RC_SEV_COUNT; lv++) {
        if (!need[lv] || ir->escalation.channel[lv] >= 0) continue;
        if (why[lv])
            rc_diag_error(c->d, st->loc, "no escalation channel for level '%s' (error '%s' has that severity); "
                          "add `%s => CHANNEL;` to the escalation table", sev_names[lv], why[lv], sev_names[lv]);
        else
            rc_diag_error(c->d, st->loc, "no escalation channel for level '%s'; add `%s => CHANNEL;` to the "
                          "escalation table", sev_names[lv], sev_names[lv]);
    }
}

static void build_step(rc_check_ctx *c, const rc_ast_step *s, rc_ir_block *b, rc_ir_step *st, host_caps *caps)
{
    rc_ir *ir = c->ir;
    st->kind = (rc_ir_stepkind)s->kind;  /* same order as rc_ast_stepkind */
    st->loc = s->loc;
    st->level = -1;
    st->retry = -1;
    switch (s->kind) {
    case RC_STEP_RETRY: {
        rc_sym *r = lookup(c, &s->name, RC_SYM_RETRY, "retry strategy");
        if (!r) break;
        st->retry = r->index;
        c->retry_used[r->index] = true;
        for (int e = 0; e < ir->nerrors; e++) {
            int cl = ir->errors[e].cls;
            if (b->errors[e] && cl >= 0 && !ir->classes[cl].retryable) {
                rc_diag_warning(c->d, RC_W_RETRY_NONRETRYABLE, s->loc,
                                "retrying error '%s', whose class '%s' is not retryable",
                                ir->errors[e].name, ir->classes[cl].name);
                rc_diag_note(c->d, ir->classes[cl].loc, "mark the class `retryable` or handle the error in "
                             "its own block");
                break;
            }
        }
        break;
    }
    case RC_STEP_FALLBACK: {
        int n = 0;
        for (const rc_ident_list *l = s->alts; l; l = l->next) n++;
        st->alts = RC_NEW_ARRAY(c->a, int, n ? n : 1);
        st->adaptive = s->adaptive;
        for (const rc_ident_list *l = s->alts; l; l = l->next) {
            int id = host_name(c, &ir->alts, &ir->nalts, &caps->alts, &l->id);
            bool dup = false;
            for (int k = 0; k < st->nalts; k++) dup |= st->alts[k] == id;
            if (dup) {
                rc_diag_warning(c->d, RC_W_DUPLICATE_ALT, l->id.loc, "alternative '%s' is listed twice; "
                                "it is tried once", l->id.name);
                continue;
            }
            if (st->nalts == RC_MAX_ALTS) {
                rc_diag_error(c->d, l->id.loc, "a fallback step lists at most %d alternatives", RC_MAX_ALTS);
                break;
            }
            st->alts[st->nalts++] = id;
        }
        break;
    }
    case RC_STEP_ADJUST:
        st->id = host_name(c, &ir->adjusts, &ir->nadjusts, &caps->adjusts, &s->name);
        if (s->dur.kind != RC_AV_NONE)
            dur_num(c, &s->dur, "adjust delay", 0, RC_SLOT_STEP_MS, ir->nblocks, (int)(st - b->steps), &st->ms);
        break;
    case RC_STEP_RUN:
        if (s->alts) {
            /* run [adaptive] H1, H2, ...: each handler once, in list or learned order */
            int n = 0;
            for (const rc_ident_list *l = s->alts; l; l = l->next) n++;
            st->alts = RC_NEW_ARRAY(c->a, int, n);
            st->adaptive = s->adaptive;
            for (const rc_ident_list *l = s->alts; l; l = l->next) {
                int id = host_name(c, &ir->handlers, &ir->nhandlers, &caps->handlers, &l->id);
                bool dup = false;
                for (int k = 0; k < st->nalts; k++) dup |= st->alts[k] == id;
                if (dup) {
                    rc_diag_warning(c->d, RC_W_DUPLICATE_ALT, l->id.loc, "handler '%s' is listed twice; "
                                    "it is run once", l->id.name);
                    continue;
                }
                if (st->nalts == RC_MAX_ALTS) {
                    rc_diag_error(c->d, l->id.loc, "a run step lists at most %d handlers", RC_MAX_ALTS);
                    break;
                }
                st->alts[st->nalts++] = id;
            }
            st->id = st->alts[0];
        } else {
            st->id = host_name(c, &ir->handlers, &ir->nhandlers, &caps->handlers, &s->name);
        }
        if (s->dur.kind != RC_AV_NONE)
            dur_num(c, &s->dur, "handler timeout", 0, RC_SLOT_STEP_MS, ir->nblocks, (int)(st - b->steps), &st->ms);
        st->next = (rc_ir_next)s->then;
        if (s->when) st->when = rc_check_step_when(c, s->when) + 1;
        for (const rc_ident_list *l = s->alts; l; l = l->next) {
            if (!l->when) continue;
            int k = 0;   /* its place in st->alts (a duplicate was dropped: the first keeps its place) */
            while (k < st->nalts && strcmp(ir->handlers[st->alts[k]].name, l->id.name) != 0) k++;
            if (k == st->nalts) continue;
            if (!st->whens) {
                st->whens = RC_NEW_ARRAY(c->a, int, st->nalts);
            }
            if (st->whens[k]) {
                rc_diag_error(c->d, l->id.loc, "handler '%s' is listed twice with a condition", l->id.name);
                continue;
            }
            st->whens[k] = rc_check_step_when(c, l->when) + 1;
        }
        break;
    case RC_STEP_DEGRADE:
        st->id = host_name(c, &ir->modes, &ir->nmodes, &caps->modes, &s->name);
        break;
    case RC_STEP_ESCALATE:
        if (s->name.name) {
            st->level = severity_of(s->name.name);
            if (st->level < 0) {
                rc_diag_error(c->d, s->name.loc, "unknown level '%s'; use low, medium, high or critical "
                              "(or no level: the error's severity)", s->name.name);
                break;
            }
        }
        check_escalate_step(c, b, st);
        break;
    case RC_STEP_ABORT: break;
    }
}

static void build_blocks(rc_check_ctx *c, const rc_ast_policy *p, host_caps *caps, bool *handled_by_name)
{
    rc_ir *ir = c->ir;
    int n = count_kind(p, RC_D_ON);
    ir->blocks = RC_NEW_ARRAY(c->a, rc_ir_block, n ? n : 1);
    bool *covered = RC_NEW_ARRAY(c->a, bool, ir->nerrors ? ir->nerrors : 1);  /* unconditionally */
    const rc_ast_decl *catchall = NULL;
    for (const rc_ast_decl *d = p->decls; d; d = d->next) {
        if (d->kind != RC_D_ON) continue;
        if (catchall) {
            rc_diag_warning(c->d, RC_W_UNREACHABLE_RULE, d->loc, "this `on` block is never selected: an earlier "
                            "`on _` without `when` handles every error");
            rc_diag_note(c->d, catchall->loc, "the catch-all block is here");
            continue;
        }
        if (ir->nblocks == RC_MAX_BLOCKS) {
            rc_diag_error(c->d, d->loc, "a policy has at most %d `on` blocks (the checkpoint keeps the block "
                          "of a pending step in one byte); merge blocks that take the same steps", RC_MAX_BLOCKS);
            break;
        }
        rc_ir_block *b = &ir->blocks[ir->nblocks];
        b->loc = d->loc;
        b->when = -1;
        b->terminal = -1;
        b->errors = RC_NEW_ARRAY(c->a, bool, ir->nerrors ? ir->nerrors : 1);
        bool any = false;
        for (const rc_ast_selector *s = d->sels; s; s = s->next) {
            if (s->kind == RC_SEL_ANY) {
                any = true;
                for (int e = 0; e < ir->nerrors; e++) b->errors[e] = true;
            } else if (s->kind == RC_SEL_ERROR) {
                rc_sym *sym = lookup(c, &s->name, RC_SYM_ERROR, "error");
                if (sym) { b->errors[sym->index] = true; handled_by_name[sym->index] = true; }
            } else {
                rc_sym *sym = lookup(c, &s->name, RC_SYM_CLASS, "class");
                if (sym)
                    for (int e = 0; e < ir->nerrors; e++)
                        if (ir->errors[e].cls == sym->index) { b->errors[e] = true; handled_by_name[e] = true; }
            }
        }
        if (d->when) b->when = rc_check_expr(c, d->when);
        /* the deadline, resolved once for every later stage: the block's
         * own, else (absent or 0) the policy's (bound to the same parameter
         * when the policy's is one); 0 = none */
        if (d->value.kind != RC_AV_NONE)
            dur_num(c, &d->value, "block deadline", 1, RC_SLOT_DEADLINE, ir->nblocks, 0, &b->deadline_ms);
        if (!b->deadline_ms) {
            b->deadline_ms = ir->deadline_ms;
            int pd = rc_ir_param_at(ir, RC_SLOT_DEADLINE, -1, 0);
            if (pd >= 0) rc_check_bind(c, RC_SLOT_DEADLINE, ir->nblocks, 0, pd);
        }
        int ns = 0;
        for (const rc_ast_step *s = d->steps; s; s = s->next) ns++;
        if (ns == 0) {
            rc_diag_error(c->d, d->loc, "`on` block has no steps; end it with `abort;` if that is intended");
            continue;
        }
        if (ns > RC_MAX_STEPS) {
            rc_diag_error(c->d, d->loc, "`on` block has %d steps; at most %d", ns, RC_MAX_STEPS);
            continue;
        }
        b->steps = RC_NEW_ARRAY(c->a, rc_ir_step, ns);
        const rc_ast_step *term = NULL;
        for (const rc_ast_step *s = d->steps; s; s = s->next) {
            if (term) {
                rc_diag_warning(c->d, RC_W_UNREACHABLE_STEP, s->loc, "step is never reached: the step before "
                                "it ends the incident");
                term = NULL;  /* report once per block */
                break;
            }
            rc_ir_step *st = &b->steps[b->nsteps];
            build_step(c, s, b, st, caps);
            if (is_terminal(st->kind)) { b->terminal = b->nsteps; term = s; }
            b->nsteps++;
        }
        if (d->when == NULL)
            for (int e = 0; e < ir->nerrors; e++) covered[e] |= b->errors[e];
        if (any && !d->when) catchall = d;
        ir->nblocks++;
    }
    /* every error must reach a block whose `when` cannot fail */
    int missing = 0;
    const char *first = NULL;
    for (int e = 0; e < ir->nerrors; e++)
        if (!covered[e]) { if (!missing) first = ir->errors[e].name; missing++; }
    if (missing && c->d->errors == 0) {
        if (ir->nblocks == 0)
            rc_diag_error(c->d, p->loc, "the policy has no `on` blocks; add at least `on _ { abort; }`");
        else
            rc_diag_error(c->d, ir->blocks[ir->nblocks - 1].loc,
                          "%d error%s (first: '%s') %s no `on` block without `when`; add a catch-all "
                          "`on _ { ... }` as the last block", missing, missing == 1 ? "" : "s", first,
                          missing == 1 ? "has" : "have");
    }
}

/* ---- pass 4: DFAs and warnings ----------------------------------------------- */

static void build_dfas(rc_check_ctx *c)
{
    rc_ir *ir = c->ir;
    for (int t = 0; t < ir->ntexts; t++) {
        rc_ir_textfield *tf = &ir->texts[t];
        rc_dfa_pattern *pats = RC_NEW_ARRAY(c->a, rc_dfa_pattern, tf->npatterns);
        for (int i = 0; i < tf->npatterns; i++) {
            pats[i].alts = tf->patterns[i].alts;
            pats[i].nalts = tf->patterns[i].nalts;
            pats[i].icase = tf->patterns[i].icase;
        }
        rc_dfa_error err;
        memset(&err, 0, sizeof err);
        if (tf->npatterns > (int)RC_DFAPACK_LAST) {
            /* the runtime's pattern lists hold 15-bit pattern numbers */
            rc_loc at = ir->fields[tf->field].loc;
            rc_diag_error(c->d, at, "field '%s' has %d patterns; at most %u can be told apart",
                          ir->fields[tf->field].name, tf->npatterns, (unsigned)RC_DFAPACK_LAST);
            rc_diag_note(c->d, at, "split the patterns between two text fields");
        } else if (!rc_pre_plan_build(c->a, pats, tf->npatterns, RC_DFA_MAX_STATES, &tf->plan, &err)) {
            rc_loc at = err.pattern >= 0 && err.pattern < tf->npatterns ? tf->patterns[err.pattern].loc
                                                                         : ir->fields[tf->field].loc;
            if (rc_dfa_plan_too_big(&err)) {
                rc_diag_error(c->d, at, "%s", err.message);
                rc_diag_note(c->d, at, "an unanchored search must remember every place where a repetition may "
                             "still end (`a[ab]{16}` keeps 2^16 of them): anchor it with `^`, make the count "
                             "smaller, or split the pattern");
            } else if (err.work) {
                rc_diag_error(c->d, at, "%s", err.message);
                rc_diag_note(c->d, at, "building a DFA keeps every place where each alternative may still match: "
                             "give long alternatives with a shared start their own `~` rules, shorten them, or "
                             "anchor them with `^` (spec/patterns.md, Limits)");
            } else {
                rc_diag_error(c->d, at, "patterns of field '%s': %s", ir->fields[tf->field].name, err.message);
            }
        } else if (rc_dfa_plan_single(&tf->plan)) {
            tf->dfa = tf->plan.groups[0].dfa;
        } else {
            /* several DFAs (dfa_plan.h): the field's own has no states */
            memset(&tf->dfa, 0, sizeof tf->dfa);
            tf->dfa.npatterns = tf->npatterns;
            tf->dfa.words = tf->plan.words;
        }
    }
}

static void warn_unused(rc_check_ctx *c, const bool *produced, const bool *handled_by_name)
{
    rc_ir *ir = c->ir;
    for (int e = 0; e < ir->nerrors; e++) {
        if (!produced[e])
            rc_diag_warning(c->d, RC_W_UNUSED_ERROR, ir->errors[e].loc,
                            "error '%s' is never produced by `classify`", ir->errors[e].name);
        else if (!handled_by_name[e])
            rc_diag_warning(c->d, RC_W_UNHANDLED_ERROR, ir->errors[e].loc,
                            "error '%s' is handled only by the catch-all `on _` block", ir->errors[e].name);
    }
    for (int i = 0; i < ir->nretries; i++)
        if (!c->retry_used[i])
            rc_diag_warning(c->d, RC_W_UNUSED_STRATEGY, ir->retries[i].loc,
                            "retry strategy '%s' is never used by a `retry` step", ir->retries[i].name);
    for (int i = 0; i < c->nconsts; i++)
        if (!c->const_used[i])
            rc_diag_warning(c->d, RC_W_UNUSED_CONST, c->const_locs[i], "constant '%s' is never used",
                            c->const_names[i]);
    for (int i = 0; i < ir->nparams; i++)
        if (!c->param_used[i])
            rc_diag_warning(c->d, RC_W_UNUSED_CONST, ir->params[i].loc, "parameter '%s' is never used",
                            ir->params[i].name);
    for (int k = 0; k < ir->nclasses; k++) {
        bool used = false;
        for (int e = 0; e < ir->nerrors; e++) used |= ir->errors[e].cls == k;
        if (!used)
            rc_diag_warning(c->d, RC_W_UNUSED_CLASS, ir->classes[k].loc, "no error belongs to class '%s'",
                            ir->classes[k].name);
    }
}

typedef struct case_key { const char *name; int index; } case_key;

/* By name ignoring case, then by index. */
static int case_order(const void *a, const void *b)
{
    const case_key *x = a, *y = b;
    int r = strcasecmp(x->name, y->name);
    return r ? r : (x->index > y->index) - (x->index < y->index);
}

/* Pairs (later, earlier) in report order. */
static int pair_order(const void *a, const void *b)
{
    const int *x = a, *y = b;
    return x[0] != y[0] ? (x[0] > y[0]) - (x[0] < y[0]) : (x[1] > y[1]) - (x[1] < y[1]);
}

/* The pairs (i, j), j < i, of names equal but for case, in report order
 * (by i, then j); the names are sorted ignoring case so that only names that
 * collide are compared. */
static int collision_pairs(rc_check_ctx *c, const rc_ir_name *names, int n, int **out)
{
    case_key *ord = RC_NEW_ARRAY(c->a, case_key, n);
    for (int i = 0; i < n; i++) ord[i] = (case_key){names[i].name, i};
    qsort(ord, (size_t)n, sizeof *ord, case_order);
    int np = 0, *pairs = NULL;
    size_t cap = 0;                             /* in ints: two per pair */
    for (int g = 0, h; g < n; g = h) {
        for (h = g + 1; h < n && strcasecmp(ord[g].name, ord[h].name) == 0; h++) {}
        for (int x = g; x < h; x++)
            for (int y = g; y < x; y++) {
                if (strcmp(ord[x].name, ord[y].name) == 0) continue;
                RC_GROW(c->a, pairs, 2 * np + 1, &cap);
                pairs[2 * np] = ord[x].index;
                pairs[2 * np++ + 1] = ord[y].index;
            }
    }
    if (np > 1) qsort(pairs, (size_t)np, 2 * sizeof *pairs, pair_order);
    *out = pairs;
    return np;
}

/* Generated enums use UPPERCASE names: two names that differ only in case
 * would collide. */
static void check_case_collisions(rc_check_ctx *c, const rc_ir_name *names, int n, const char *what)
{
    if (n < 2) return;
    int *pairs;
    int np = collision_pairs(c, names, n, &pairs);
    for (int k = 0; k < np; k++) {
        int i = pairs[2 * k], j = pairs[2 * k + 1];
        rc_diag_error(c->d, names[i].loc, "%s '%s' and '%s' differ only in case; their generated C "
                      "names would collide", what, names[i].name, names[j].name);
        rc_diag_note(c->d, names[j].loc, "'%s' is here", names[j].name);
    }
}

/* ---- entry ---------------------------------------------------------------------- */

rc_ir *rc_check(rc_arena *a, rc_diag *d, const rc_ast_policy *p) { return rc_check_with(a, d, p, NULL); }

rc_ir *rc_check_with(rc_arena *a, rc_diag *d, const rc_ast_policy *p, const struct rc_cimport *imp)
{
    rc_check_ctx cx, *c = &cx;
    memset(c, 0, sizeof cx);
    c->a = a;
    c->d = d;
    c->imp = imp;
    rc_symtab_init(&c->syms, a);
    rc_ir *ir = RC_NEW(a, rc_ir);
    c->ir = ir;
    if (!p || !p->name.name) {
        rc_diag_error(d, p ? p->loc : (rc_loc){1, 1, 0, 0}, "a policy starts with `policy NAME version N;`");
        return NULL;
    }
    ir->name = p->name.name;
    if (d->file) {
        const char *base = strrchr(d->file, '/');
        ir->source = rc_arena_strdup(a, base ? base + 1 : d->file);
    }
    rc_check_policy_name(c, &p->name);
    if (p->version.kind != RC_AV_INT || p->version.num < 0 || p->version.num > UINT32_MAX)
        rc_diag_error(d, p->version.loc, "policy version must be a whole number in 0..4294967295");
    else
        ir->version = (uint32_t)p->version.num;

    /* sizes for the arrays */
    int nfields = 0, nconst = count_kind(p, RC_D_CONST);
    for (const rc_ast_decl *dd = p->decls; dd; dd = dd->next)
        if (dd->kind == RC_D_FAULT)
            for (const rc_ast_field *f = dd->fields; f; f = f->next) nfields++;
    const rc_ast_decl *first_import = NULL;
    for (const rc_ast_decl *dd = p->decls; dd; dd = dd->next)
        if (dd->kind == RC_D_IMPORT && !first_import) first_import = dd;
    if (first_import && !imp) {
        rc_diag_error(d, first_import->loc, "this program cannot read C headers (the imports were not loaded)");
        return NULL;
    }
    if (imp) { nfields += imp->nfields; nconst += imp->nconsts; }
    ir->fields = RC_NEW_ARRAY(a, rc_ir_field, nfields + 1);
    ir->texts = RC_NEW_ARRAY(a, rc_ir_textfield, nfields + 1);
    c->field_text_slot = RC_NEW_ARRAY(a, int, nfields + 1);
    c->pat_cap = RC_NEW_ARRAY(a, size_t, nfields + 1);
    c->pat_index = RC_NEW_ARRAY(a, int *, nfields + 1);
    for (int i = 0; i <= nfields; i++) c->field_text_slot[i] = -1;
    ir->classes = RC_NEW_ARRAY(a, rc_ir_class, count_kind(p, RC_D_CLASS) + 1);
    ir->errors = RC_NEW_ARRAY(a, rc_ir_error, count_kind(p, RC_D_ERROR) + 1);
    ir->retries = RC_NEW_ARRAY(a, rc_ir_retry, count_kind(p, RC_D_RETRY) + 1);
    ir->breakers = RC_NEW_ARRAY(a, rc_ir_breaker, count_kind(p, RC_D_BREAKER) + 1);
    ir->budgets = RC_NEW_ARRAY(a, rc_ir_budget, count_kind(p, RC_D_BUDGET) + 1);
    ir->params = RC_NEW_ARRAY(a, rc_ir_param, count_kind(p, RC_D_PARAM) + 1);
    c->param_used = RC_NEW_ARRAY(a, bool, count_kind(p, RC_D_PARAM) + 1);
    c->const_vals = RC_NEW_ARRAY(a, rc_ast_value, nconst + 1);
    c->const_locs = RC_NEW_ARRAY(a, rc_loc, nconst + 1);
    c->const_names = RC_NEW_ARRAY(a, const char *, nconst + 1);
    c->const_used = RC_NEW_ARRAY(a, bool, nconst + 1);
    c->const_enum = RC_NEW_ARRAY(a, int, nconst + 1);
    c->field_enum = RC_NEW_ARRAY(a, int, nfields + 1);
    for (int i = 0; i <= nconst; i++) c->const_enum[i] = -1;
    for (int i = 0; i <= nfields; i++) c->field_enum[i] = -1;

    declare_all(c, p);
    rc_check_import_consts(c, first_import);
    c->retry_used = RC_NEW_ARRAY(a, bool, ir->nretries + 1);
    build_params(c, p);
    resolve_consts(c, p);
    resolve_errors(c, p);
    if (ir->nerrors == 0) rc_diag_error(d, p->loc, "the policy declares no `error`; classify needs at least one");

    bool *produced = RC_NEW_ARRAY(a, bool, ir->nerrors + 1);
    bool *handled = RC_NEW_ARRAY(a, bool, ir->nerrors + 1);
    host_caps caps = {0};
    const rc_ast_decl *dl = NULL;
    for (const rc_ast_decl *dd = p->decls; dd; dd = dd->next) {
        if (dd->kind != RC_D_DEADLINE) continue;
        if (dl) {
            rc_diag_error(d, dd->loc, "the policy deadline is given twice");
            rc_diag_note(d, dl->loc, "first given here");
            continue;
        }
        dl = dd;
        dur_num(c, &dd->value, "deadline", 1, RC_SLOT_DEADLINE, -1, 0, &ir->deadline_ms);
    }
    build_ageing(c, p);
    build_stats(c, p);
    build_limits(c, p);
    build_classify(c, p, produced);
    rc_check_import_enums(c, p);
    build_strategies(c, p);
    build_escalation(c, p, &caps);
    build_blocks(c, p, &caps, handled);
    check_timeout_flags(c);
    if ((ir->age_incidents || ir->age_ms) && !any_adaptive(p)) {
        for (const rc_ast_decl *dd = p->decls; dd; dd = dd->next)
            if (dd->kind == RC_D_AGEING) {
                rc_diag_error(d, dd->loc, "`adaptive ageing` but no step is adaptive: nothing reads the "
                              "learned counts it ages");
                rc_diag_note(d, dd->loc, "write `fallback adaptive A, B;` or `run adaptive H1, H2;`, or "
                             "remove this line");
                break;
            }
    }
    if (d->errors == 0) build_dfas(c);
    if (d->errors == 0) warn_unused(c, produced, handled);

    /* generated-name collisions */
    rc_ir_name *tmp = RC_NEW_ARRAY(a, rc_ir_name, ir->nerrors + ir->nclasses + 1);
    for (int i = 0; i < ir->nerrors; i++) { tmp[i].name = ir->errors[i].name; tmp[i].loc = ir->errors[i].loc; }
    check_case_collisions(c, tmp, ir->nerrors, "errors");
    for (int i = 0; i < ir->nclasses; i++) { tmp[i].name = ir->classes[i].name; tmp[i].loc = ir->classes[i].loc; }
    check_case_collisions(c, tmp, ir->nclasses, "classes");
    check_case_collisions(c, ir->alts, ir->nalts, "alternatives");
    check_case_collisions(c, ir->modes, ir->nmodes, "modes");
    check_case_collisions(c, ir->channels, ir->nchannels, "channels");
    check_case_collisions(c, ir->handlers, ir->nhandlers, "handlers");
    check_case_collisions(c, ir->adjusts, ir->nadjusts, "adjustments");
    if (ir->stats && ir->nbreakers) {   /* P_BRK_<NAME> */
        rc_ir_name *bn = RC_NEW_ARRAY(a, rc_ir_name, ir->nbreakers);
        for (int i = 0; i < ir->nbreakers; i++) { bn[i].name = ir->breakers[i].name; bn[i].loc = ir->breakers[i].loc; }
        check_case_collisions(c, bn, ir->nbreakers, "breakers");
    }
    if (ir->nparams && d->errors == 0) {
        rc_ir_name *pn = RC_NEW_ARRAY(a, rc_ir_name, ir->nparams);
        for (int i = 0; i < ir->nparams; i++) { pn[i].name = ir->params[i].name; pn[i].loc = ir->params[i].loc; }
        check_case_collisions(c, pn, ir->nparams, "parameters");
    }
    rc_check_generated_names(c);

    if (d->errors) return NULL;
    /* the constants, for the stages after the checker (which never read the AST) */
    ir->consts = RC_NEW_ARRAY(a, rc_ir_const, c->nconsts + 1);
    for (int i = 0; i < c->nconsts; i++) {
        rc_ir_const *k = &ir->consts[i];
        k->name = c->const_names[i];
        k->value = c->const_vals[i].num;
        k->duration = c->const_vals[i].kind == RC_AV_DURATION;
        k->imported = i >= c->npolicy_consts;
        k->loc = c->const_locs[i];
    }
    ir->nconsts = c->nconsts;
    ir->hash = rc_ir_hash(ir);
    rc_check_ckpt_keys(c);
    if (d->errors) return NULL;
    return ir;
}
