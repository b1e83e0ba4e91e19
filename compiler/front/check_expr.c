/* check_expr.c - conditions (classify rules and `when`) -> IR expressions.
 *
 * Every comparison is normalised to `operand <op> constant`, with the
 * constant checked against the operand's type; string patterns are
 * registered with their field's DFA (one bit per distinct pattern).
 */
#include <stdlib.h>
#include <string.h>

#include "check_int.h"

/* errors reported here are of this kind (errors.def) */
#undef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_TYPE

typedef enum vk { VK_INT, VK_DURATION, VK_SEVERITY, VK_CLASS, VK_BOOL } vk;

typedef struct operand {
    bool is_opd;        /* something read at run time */
    rc_opd opd;
    int field;
    int64_t value;      /* constant */
    vk kind;            /* constant's kind */
    int param;          /* a parameter (value: its default), else -1 */
    rc_loc loc;
} operand;

int rc_check_new_expr(rc_check_ctx *c, rc_ir_xkind kind)
{
    rc_ir *ir = c->ir;
    RC_GROW(c->a, ir->exprs, ir->nexprs, &c->cap_exprs);
    rc_ir_expr *e = &ir->exprs[ir->nexprs];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->field = -1;
    e->a = e->b = -1;
    return ir->nexprs++;
}

static const char *const *const sev_names = rc_sev_names;

static int severity_of(const char *name)
{
    for (int i = 0; i < RC_SEV_COUNT; i++)
        if (strcmp(name, sev_names[i]) == 0) return i;
    return -1;
}

static void unknown_name(rc_check_ctx *c, const char *name, rc_loc loc, int kinds, const char *what)
{
    if ((kinds & RC_SYM_CONST) && rc_check_import_refused(c, name, loc)) return;
    const char *s = rc_check_suggest(c, name, kinds);
    if (s) {
        rc_diag_error_k(c->d, RC_E_NAME, loc, "unknown %s '%s'; did you mean '%s'?", what, name, s);
        rc_diag_edit_add(c->d, loc, s, "replace '%s' with '%s'", name, s);
    } else {
        rc_diag_error_k(c->d, RC_E_NAME, loc, "unknown %s '%s'", what, name);
    }
}

/* Resolve a value in a condition.  Returns false after reporting an error. */
static bool resolve(rc_check_ctx *c, const rc_ast_value *v, operand *o)
{
    memset(o, 0, sizeof *o);
    o->loc = v->loc;
    o->field = -1;
    o->param = -1;
    switch (v->kind) {
    case RC_AV_INT: o->value = v->num; o->kind = VK_INT; return true;
    case RC_AV_DURATION: o->value = v->num; o->kind = VK_DURATION; return true;
    case RC_AV_PERCENT:
    case RC_AV_DECPERCENT:
    case RC_AV_FACTOR:
        rc_diag_error(c->d, v->loc, "a %s cannot appear in a condition",
                      v->kind == RC_AV_FACTOR ? "scale factor" : "percentage");
        return false;
    case RC_AV_NONE:
        rc_diag_error(c->d, v->loc, "missing value");
        return false;
    case RC_AV_NAME: break;
    }
    const char *n = v->name;
    static const struct { const char *name; rc_opd opd; } pseudo[] = {
        {"attempt", RC_OPD_ATTEMPT}, {"elapsed", RC_OPD_ELAPSED},
        {"severity", RC_OPD_SEVERITY}, {"class", RC_OPD_CLASS},
    };
    for (size_t i = 0; i < sizeof pseudo / sizeof pseudo[0]; i++) {
        if (strcmp(n, pseudo[i].name) == 0) {
            if (c->in_classify) {
                rc_diag_error(c->d, v->loc,
                              "'%s' is not known while classifying; use it in a `when` condition", n);
                return false;
            }
            o->is_opd = true;
            o->opd = pseudo[i].opd;
            return true;
        }
    }
    int sev = severity_of(n);
    if (sev >= 0) { o->value = sev; o->kind = VK_SEVERITY; return true; }
    if (strcmp(n, "true") == 0 || strcmp(n, "false") == 0) {
        o->value = n[0] == 't';
        o->kind = VK_BOOL;
        return true;
    }
    rc_sym *s = rc_symtab_find(&c->syms, n);
    if (!s) {
        unknown_name(c, n, v->loc, RC_SYM_FIELD | RC_SYM_CONST | RC_SYM_CLASS, "name");
        return false;
    }
    switch (s->kind) {
    case RC_SYM_FIELD:
        if (c->in_step_when) {
            rc_diag_error(c->d, v->loc, "a handler condition cannot read fault field '%s': steps also run after "
                          "a handler reports, with no fault at hand; test it in the `on` block's `when`", n);
            return false;
        }
        o->is_opd = true;
        o->opd = RC_OPD_FIELD;
        o->field = s->index;
        return true;
    case RC_SYM_CONST:
        c->const_used[s->index] = true;
        o->value = c->const_vals[s->index].num;
        o->kind = VK_INT;
        return true;
    case RC_SYM_CLASS:
        o->value = s->index;
        o->kind = VK_CLASS;
        return true;
    case RC_SYM_PARAM: {
        const rc_ir_param *p = &c->ir->params[s->index];
        if (!p->name) return false;
        if (c->in_classify) {
            rc_diag_error(c->d, v->loc, "parameter '%s' is set at run time; classify rules and constants "
                          "take only fixed values (use it in a `when` condition)", n);
            return false;
        }
        if (p->type == RC_PT_PERCENT || p->type == RC_PT_FACTOR) {
            rc_diag_error(c->d, v->loc, "a %s parameter cannot appear in a condition", rc_ptype_name(p->type));
            return false;
        }
        o->value = p->def;
        o->kind = p->type == RC_PT_DURATION ? VK_DURATION : VK_INT;
        o->param = s->index;
        return true;
    }
    case RC_SYM_ERROR:
        rc_diag_error(c->d, v->loc, "'%s' is an error; select errors with `on %s { ... }`", n, n);
        return false;
    default:
        rc_diag_error(c->d, v->loc, "'%s' is a strategy, not a value", n);
        return false;
    }
}

bool rc_check_value_int(rc_check_ctx *c, const rc_ast_value *v, int64_t *out)
{
    operand o;
    bool save = c->in_classify;
    c->in_classify = true;
    bool ok = resolve(c, v, &o);
    c->in_classify = save;
    if (!ok) return false;
    if (o.param >= 0) {
        rc_diag_error(c->d, v->loc, "parameter '%s' is set at run time; a constant takes fixed values only", v->name);
        return false;
    }
    if (o.is_opd || o.kind != VK_INT) {
        rc_diag_error(c->d, v->loc, "expected an integer constant");
        return false;
    }
    *out = o.value;
    return true;
}

/* Does constant k fit what operand o reads?  Reports otherwise. */
static bool check_const(rc_check_ctx *c, const operand *o, const operand *k, bool ordered)
{
    const char *opname = NULL;
    switch (o->opd) {
    case RC_OPD_FIELD: {
        const rc_ir_field *f = &c->ir->fields[o->field];
        if (f->type == RC_TY_TEXT) {
            rc_diag_error(c->d, o->loc,
                          "text field '%s' cannot be compared; match it with `%s ~ \"...\"`",
                          f->name, f->name);
            return false;
        }
        if (f->type == RC_TY_BOOL) {
            if (ordered) {
                rc_diag_error(c->d, o->loc, "bool field '%s' can only be compared with == or !=", f->name);
                return false;
            }
            if (k->kind != VK_BOOL && !(k->kind == VK_INT && (k->value == 0 || k->value == 1))) {
                rc_diag_error(c->d, k->loc, "bool field '%s' compared with a non-bool value; use true or false", f->name);
                return false;
            }
            return true;
        }
        if (k->kind != VK_INT && k->kind != VK_DURATION) {
            rc_diag_error(c->d, k->loc, "%s field '%s' compared with a %s",
                          rc_type_name(f->type), f->name,
                          k->kind == VK_SEVERITY ? "severity" : k->kind == VK_CLASS ? "class" : "bool");
            return false;
        }
        int64_t lo, hi;
        rc_type_range(f->type, &lo, &hi);
        if (k->value < lo || k->value > hi) {
            rc_diag_error(c->d, k->loc, "value %lld is out of range for %s field '%s' (%lld..%lld)",
                          (long long)k->value, rc_type_name(f->type), f->name, (long long)lo, (long long)hi);
            return false;
        }
        return true;
    }
    case RC_OPD_ATTEMPT:
        opname = "attempt";
        if (k->kind != VK_INT) break;
        if (k->value < 0 || k->value > UINT16_MAX) {
            rc_diag_error(c->d, k->loc, "attempt is counted in 0..65535; %lld is out of range", (long long)k->value);
            return false;
        }
        return true;
    case RC_OPD_ELAPSED:
        opname = "elapsed";
        if (k->kind != VK_DURATION) break;
        if (k->value < 0 || k->value > INT32_MAX) {
            rc_diag_error(c->d, k->loc, "elapsed is compared in 0..2147483647 ms; %lld is out of range", (long long)k->value);
            return false;
        }
        return true;
    case RC_OPD_SEVERITY:
        opname = "severity";
        if (k->kind == VK_SEVERITY) return true;
        rc_diag_error(c->d, k->loc, "severity is compared with low, medium, high or critical");
        return false;
    case RC_OPD_CLASS:
        opname = "class";
        if (ordered) {
            rc_diag_error(c->d, o->loc, "class can only be compared with == or !=");
            return false;
        }
        if (k->kind == VK_CLASS) return true;
        rc_diag_error(c->d, k->loc, "class is compared with a class name");
        return false;
    case RC_OPD_ERROR: break;
    }
    rc_diag_error(c->d, k->loc, "%s is compared with %s", opname ? opname : "value",
                  o->opd == RC_OPD_ELAPSED ? "a duration such as 30s" : "an integer");
    return false;
}

static rc_ir_cmp flip(rc_cmp op)
{
    switch (op) {
    case RC_CMP_LT: return RC_IR_GT;
    case RC_CMP_LE: return RC_IR_GE;
    case RC_CMP_GT: return RC_IR_LT;
    case RC_CMP_GE: return RC_IR_LE;
    case RC_CMP_EQ: return RC_IR_EQ;
    default: return RC_IR_NE;
    }
}

static int check_cmp(rc_check_ctx *c, const rc_ast_expr *e)
{
    operand l, r;
    bool okl = resolve(c, &e->lhs, &l);
    bool okr = resolve(c, &e->rhs, &r);
    if (!okl || !okr) return -1;
    rc_ir_cmp op = (rc_ir_cmp)e->op;   /* same order as rc_cmp */
    if (!l.is_opd && r.is_opd) {
        operand t = l; l = r; r = t;
        op = flip(e->op);
    }
    if (!l.is_opd) {
        rc_diag_error(c->d, e->loc, "comparison of two constants; compare a fault field, attempt, elapsed, severity or class");
        return -1;
    }
    if (r.is_opd) {
        rc_diag_error(c->d, e->loc, "both sides of the comparison are read at run time; compare with a constant "
                      "or a parameter");
        return -1;
    }
    bool ordered = op != RC_IR_EQ && op != RC_IR_NE;
    if (r.param >= 0) {
        const rc_ir_param *p = &c->ir->params[r.param];
        if (l.opd != RC_OPD_ATTEMPT && l.opd != RC_OPD_ELAPSED) {
            rc_diag_error(c->d, r.loc, "parameter '%s' can be compared with attempt or elapsed only", p->name);
            return -1;
        }
        operand lo = r, hi = r;
        lo.value = p->lo;
        hi.value = p->hi;
        if (!check_const(c, &l, &lo, ordered) || !check_const(c, &l, &hi, ordered)) return -1;
    }
    if (!check_const(c, &l, &r, ordered)) return -1;
    int x = rc_check_new_expr(c, RC_X_CMP);
    rc_ir_expr *ie = &c->ir->exprs[x];
    ie->opd = l.opd;
    ie->field = l.field;
    ie->op = op;
    ie->value = r.value;
    ie->loc = e->loc;
    if (r.param >= 0) rc_check_bind(c, RC_SLOT_EXPR, x, 0, r.param);
    return x;
}

static int check_in(rc_check_ctx *c, const rc_ast_expr *e)
{
    operand l, lo, hi;
    bool ok = resolve(c, &e->lhs, &l);
    ok = resolve(c, &e->rhs, &lo) && ok;
    ok = resolve(c, &e->hi, &hi) && ok;
    if (!ok) return -1;
    if (!l.is_opd) {
        rc_diag_error(c->d, e->lhs.loc, "the left side of `in` must be a fault field, attempt or elapsed");
        return -1;
    }
    if (lo.is_opd || hi.is_opd) {
        rc_diag_error(c->d, lo.is_opd ? lo.loc : hi.loc, "range bounds must be constants");
        return -1;
    }
    if (lo.param >= 0 || hi.param >= 0) {
        rc_diag_error(c->d, lo.param >= 0 ? lo.loc : hi.loc, "a range bound cannot be a parameter; write "
                      "`X >= LO && X <= HI`");
        return -1;
    }
    if (l.opd == RC_OPD_CLASS || (l.opd == RC_OPD_FIELD && c->ir->fields[l.field].type == RC_TY_BOOL)) {
        rc_diag_error(c->d, e->op_loc, "`in` needs an ordered value");
        return -1;
    }
    if (!check_const(c, &l, &lo, true) || !check_const(c, &l, &hi, true)) return -1;
    if (lo.value > hi.value) {
        rc_diag_error(c->d, rc_loc_span(e->rhs.loc, e->hi.loc),
                      "empty range %lld..%lld; write the smaller bound first",
                      (long long)lo.value, (long long)hi.value);
        return -1;
    }
    int x = rc_check_new_expr(c, RC_X_IN);
    rc_ir_expr *ie = &c->ir->exprs[x];
    ie->opd = l.opd;
    ie->field = l.field;
    ie->lo = lo.value;
    ie->hi = hi.value;
    ie->loc = e->loc;
    return x;
}

static bool same_pattern(const rc_ir_pattern *p, bool icase, const rc_dfa_alt *alts, int nalts)
{
    if (p->icase != icase || p->nalts != nalts) return false;
    for (int i = 0; i < nalts; i++) {
        if (p->alts[i].is_regex != alts[i].is_regex || p->alts[i].len != alts[i].len ||
            memcmp(p->alts[i].text, alts[i].text, alts[i].len) != 0)
            return false;
    }
    return true;
}

static uint32_t pattern_hash(bool icase, const rc_dfa_alt *alts, int nalts)
{
    uint32_t h = 2166136261u ^ (uint32_t)icase;
    for (int i = 0; i < nalts; i++) {
        h = (h ^ (uint32_t)alts[i].is_regex) * 16777619u;
        for (size_t k = 0; k < alts[i].len; k++) h = (h ^ (uint8_t)alts[i].text[k]) * 16777619u;
        h = (h ^ 0xffu) * 16777619u;
    }
    return h;
}

/* The slot of the field's pattern equal to (icase, alts), or of the free slot
 * where it goes. */
static int *pattern_slot(rc_check_ctx *c, int slot, bool icase, const rc_dfa_alt *alts, int nalts)
{
    const rc_ir_textfield *t = &c->ir->texts[slot];
    uint32_t m = (uint32_t)(2 * c->pat_cap[slot]) - 1u;
    int *tab = c->pat_index[slot];
    for (uint32_t i = pattern_hash(icase, alts, nalts) & m;; i = (i + 1) & m)
        if (tab[i] < 0 || same_pattern(&t->patterns[tab[i]], icase, alts, nalts)) return &tab[i];
}

/* Room for one more pattern on the field: the arrays and the table doubled. */
static void pattern_grow(rc_check_ctx *c, int slot)
{
    rc_ir_textfield *t = &c->ir->texts[slot];
    size_t *cap = &c->pat_cap[slot];   /* called when full: 16, 32, ... (a power of two) */
    RC_GROW(c->a, t->patterns, t->npatterns, cap);
    c->pat_index[slot] = RC_NEW_ARRAY(c->a, int, 2 * *cap);
    memset(c->pat_index[slot], 0xff, sizeof(int) * 2 * *cap);
    for (int k = 0; k < t->npatterns; k++)
        *pattern_slot(c, slot, t->patterns[k].icase, t->patterns[k].alts, t->patterns[k].nalts) = k;
}

static int check_match(rc_check_ctx *c, const rc_ast_expr *e)
{
    rc_sym *s = rc_symtab_find(&c->syms, e->field.name);
    if (!s || s->kind != RC_SYM_FIELD) {
        if (!s)
            unknown_name(c, e->field.name, e->field.loc, RC_SYM_FIELD, "fault field");
        else
            rc_diag_error(c->d, e->field.loc, "only text fault fields can be matched with `~`; '%s' is not a field",
                          e->field.name);
        return -1;
    }
    rc_ir_field *f = &c->ir->fields[s->index];
    if (c->in_step_when) {
        rc_diag_error(c->d, e->field.loc, "a handler condition cannot read fault field '%s': steps also run after "
                      "a handler reports, with no fault at hand; test it in the `on` block's `when`", f->name);
        return -1;
    }
    if (f->type != RC_TY_TEXT) {
        rc_diag_error(c->d, e->op_loc, "%s field '%s' cannot be matched with `~`; compare it with == or in",
                      rc_type_name(f->type), f->name);
        return -1;
    }
    int nalts = 0;
    for (const rc_ast_pat *p = e->pats; p; p = p->next) nalts++;
    rc_dfa_alt *alts = RC_NEW_ARRAY(c->a, rc_dfa_alt, nalts ? nalts : 1);
    bool ok = true;
    int i = 0;
    for (const rc_ast_pat *p = e->pats; p; p = p->next, i++) {
        alts[i].text = p->text;
        alts[i].len = p->len;
        alts[i].is_regex = p->is_regex;
        if (p->len == 0) {
            rc_diag_error(c->d, p->loc, "empty pattern matches every text; use `_` or remove the condition");
            ok = false;
            continue;
        }
        if (p->len > RC_DFA_MAX_PATTERN) {
            rc_diag_error(c->d, p->loc, "pattern of %zu bytes; a pattern may have at most %d bytes (the "
                          "pattern length limit)", p->len, RC_DFA_MAX_PATTERN);
            rc_diag_note(c->d, p->loc, "match a shorter distinctive part of the text, or split it into "
                         "several conditions joined with &&");
            ok = false;
            continue;
        }
        if (p->is_regex) {
            rc_dfa_error err;
            if (!rc_dfa_check_regex(p->text, p->len, &err)) {
                rc_loc at = p->loc;
                /* point into the regex body when it sits on one line */
                if (at.end_line == at.line || at.end_line == 0) at.col += 1 + (int)err.offset;
                at.end_line = 0;
                at.end_col = 0;
                rc_diag_error(c->d, at, "invalid regex: %s", err.message);
                ok = false;
            }
        }
    }
    if (!ok) return -1;
    /* the field's text slot */
    int slot = c->field_text_slot[s->index];
    rc_ir *ir = c->ir;
    if (slot < 0) {
        slot = ir->ntexts++;
        c->field_text_slot[s->index] = slot;
        f->text_index = slot;
        ir->texts[slot].field = s->index;
    }
    rc_ir_textfield *t = &ir->texts[slot];
    if ((size_t)t->npatterns == c->pat_cap[slot]) pattern_grow(c, slot);
    int *hit = pattern_slot(c, slot, e->icase, alts, nalts);
    int bit = *hit;
    if (bit < 0) {
        if (t->npatterns >= RC_MAX_PATTERN_BITS) {
            rc_diag_error(c->d, e->loc, "too many patterns on field '%s' (at most %d)", f->name, RC_MAX_PATTERN_BITS);
            return -1;
        }
        bit = *hit = t->npatterns++;
        rc_ir_pattern *p = &t->patterns[bit];
        p->field = s->index;
        p->icase = e->icase;
        p->alts = alts;
        p->nalts = nalts;
        p->loc = e->loc;
    }
    int x = rc_check_new_expr(c, RC_X_MATCH);
    rc_ir_expr *ie = &ir->exprs[x];
    ie->field = s->index;
    ie->pattern = bit;
    ie->loc = e->loc;
    return x;
}

static int check_name(rc_check_ctx *c, const rc_ast_expr *e)
{
    operand o;
    if (c->in_step_when && e->lhs.kind == RC_AV_NAME) {
        /* an error name stands alone in a handler condition: the incident's last error is it */
        rc_sym *s = rc_symtab_find(&c->syms, e->lhs.name);
        if (s && s->kind == RC_SYM_ERROR) {
            int x = rc_check_new_expr(c, RC_X_CMP);
            rc_ir_expr *ie = &c->ir->exprs[x];
            ie->opd = RC_OPD_ERROR;
            ie->op = RC_IR_EQ;
            ie->value = s->index;
            ie->loc = e->loc;
            return x;
        }
    }
    if (!resolve(c, &e->lhs, &o)) return -1;
    if (o.is_opd && o.opd == RC_OPD_FIELD && c->ir->fields[o.field].type == RC_TY_BOOL) {
        int x = rc_check_new_expr(c, RC_X_CMP);
        rc_ir_expr *ie = &c->ir->exprs[x];
        ie->opd = RC_OPD_FIELD;
        ie->field = o.field;
        ie->op = RC_IR_NE;
        ie->value = 0;
        ie->loc = e->loc;
        return x;
    }
    rc_diag_error(c->d, e->loc, "'%s' is not a condition; only bool fields stand alone (compare it, e.g. `%s != 0`)",
                  e->lhs.name, e->lhs.name);
    return -1;
}

static int check_leaf(rc_check_ctx *c, const rc_ast_expr *e)
{
    switch (e->kind) {
    case RC_AX_CMP: return check_cmp(c, e);
    case RC_AX_IN: return check_in(c, e);
    case RC_AX_MATCH: return check_match(c, e);
    case RC_AX_NAME: return check_name(c, e);
    default: return -1;
    }
}

/* Post-order walk with explicit stacks: conditions can be nested or chained
 * tens of thousands deep, and the checker must not recurse that far. */
typedef struct walk_frame { const rc_ast_expr *e; bool expanded; } walk_frame;

int rc_check_step_when(rc_check_ctx *c, const rc_ast_expr *e)
{
    bool save = c->in_step_when;
    c->in_step_when = true;
    int x = rc_check_expr(c, e);
    c->in_step_when = save;
    return x;
}

/* RC_MAX_COND_TERMS and RC_MAX_COND_DEPTH (check_int.h) over the nodes
 * [first, root] that one condition made: terms are its comparisons and
 * matches; its depth counts nesting of different operators, as the emitter
 * writes chains of one operator flat: `a && b && c` is depth 1,
 * `a && (b || !c)` depth 3. */
static void check_size(rc_check_ctx *c, int first, int root)
{
    const rc_ir_expr *x = c->ir->exprs;
    int n = root - first + 1;
    int *depth = malloc((size_t)n * sizeof *depth), *terms = malloc((size_t)n * sizeof *terms);
    if (!depth || !terms) { free(depth); free(terms); return; }
    for (int i = first; i <= root; i++) {
        int d = 0, t = 1;
        if (x[i].kind == RC_X_NOT) {
            d = depth[x[i].a - first] + 1;
            t = terms[x[i].a - first];
        } else if (x[i].kind == RC_X_AND || x[i].kind == RC_X_OR) {
            int ka = x[x[i].a].kind == x[i].kind ? 0 : 1, kb = x[x[i].b].kind == x[i].kind ? 0 : 1;
            int da = depth[x[i].a - first] + ka, db = depth[x[i].b - first] + kb;
            d = da > db ? da : db;
            t = terms[x[i].a - first] + terms[x[i].b - first];
            if (t > RC_MAX_COND_TERMS + 1) t = RC_MAX_COND_TERMS + 1;
        }
        depth[i - first] = d;
        terms[i - first] = t;
    }
    if (terms[n - 1] > RC_MAX_COND_TERMS)
        rc_diag_error(c->d, x[root].loc, "this condition has more than %d comparisons and matches; split the rule "
                      "(a classify rule per part) or match the texts with one pattern list", RC_MAX_COND_TERMS);
    else if (depth[n - 1] > RC_MAX_COND_DEPTH)
        rc_diag_error(c->d, x[root].loc, "this condition nests %d levels of alternating &&, || and !; at most %d "
                      "(chains of one operator do not count)", depth[n - 1], RC_MAX_COND_DEPTH);
    free(depth);
    free(terms);
}

int rc_check_expr(rc_check_ctx *c, const rc_ast_expr *root)
{
    int first = c->ir->nexprs;
    size_t cap = 64, n = 0, nres = 0;
    walk_frame *st = malloc(cap * sizeof *st);
    int *res = malloc(cap * sizeof *res);
    if (!st || !res) { free(st); free(res); return -1; }
    st[n++] = (walk_frame){root, false};
    while (n) {
        walk_frame *f = &st[n - 1];
        const rc_ast_expr *e = f->e;
        bool inner = e->kind == RC_AX_AND || e->kind == RC_AX_OR || e->kind == RC_AX_NOT;
        if (n + 2 > cap || nres + 2 > cap) {
            cap *= 2;
            walk_frame *ns = realloc(st, cap * sizeof *st);
            if (ns) st = ns;
            int *nr = realloc(res, cap * sizeof *res);
            if (nr) res = nr;
            if (!ns || !nr) { free(st); free(res); return -1; }
            f = &st[n - 1];
        }
        if (inner && !f->expanded) {
            f->expanded = true;
            if (e->b) st[n++] = (walk_frame){e->b, false};
            st[n++] = (walk_frame){e->a, false};
            continue;
        }
        n--;
        if (!inner) { res[nres++] = check_leaf(c, e); continue; }
        if (e->kind == RC_AX_NOT) {
            int a = res[--nres];
            int x = -1;
            if (a >= 0) {
                x = rc_check_new_expr(c, RC_X_NOT);
                c->ir->exprs[x].a = a;
                c->ir->exprs[x].loc = e->loc;
            }
            res[nres++] = x;
            continue;
        }
        /* children were pushed b then a, so a finished first */
        int b = res[--nres], a = res[--nres];
        int x = -1;
        if (a >= 0 && b >= 0) {
            x = rc_check_new_expr(c, e->kind == RC_AX_AND ? RC_X_AND : RC_X_OR);
            c->ir->exprs[x].a = a;
            c->ir->exprs[x].b = b;
            c->ir->exprs[x].loc = e->loc;
        }
        res[nres++] = x;
    }
    int r = nres ? res[0] : -1;
    free(st);
    free(res);
    if (r >= first) check_size(c, first, r);
    return r;
}
