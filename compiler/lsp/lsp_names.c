/* lsp_names.c - the policy's names and their uses; see lsp_names.h. */
#include "lsp_names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[RC_LN_COUNT] = {
    "fault field", "constant", "parameter", "class", "error", "retry strategy", "breaker",
    "budget", "fallback alternative", "mode", "handler", "adjustment", "escalation channel",
};

const char *rc_lsp_nkind_name(rc_lsp_nkind k) { return kind_names[k]; }

static void add(rc_lsp_names *x, const char *name, rc_lsp_nkind kind, rc_loc loc, bool decl, const rc_ast_decl *d)
{
    if (!name || loc.line <= 0) return;
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 64;
        x->v = realloc(x->v, (size_t)x->cap * sizeof *x->v);
        if (!x->v) { fputs("recovc: internal error: out of memory\n", stderr); exit(3); }
    }
    x->v[x->n++] = (rc_lsp_occ){ name, kind, loc, decl, NULL, d };
}

const rc_lsp_occ *rc_lsp_names_decl(const rc_lsp_names *x, rc_lsp_nkind kind, const char *name)
{
    for (int i = 0; i < x->n; i++)
        if (x->v[i].decl && x->v[i].kind == kind && strcmp(x->v[i].name, name) == 0) return &x->v[i];
    return NULL;
}

/* A use of a kind defined by its first use. */
static void use_or_first(rc_lsp_names *x, const rc_ident *id, rc_lsp_nkind kind, const rc_ast_decl *d)
{
    if (!id->name) return;
    add(x, id->name, kind, id->loc, rc_lsp_names_decl(x, kind, id->name) == NULL, d);
}

/* A bare name in a value: param, const or field (declared before any use
 * of them is indexed: declarations are indexed first). */
static void value(rc_lsp_names *x, const rc_ast_value *v, const rc_ast_decl *d)
{
    if (v->kind != RC_AV_NAME || !v->name) return;
    static const rc_lsp_nkind order[] = { RC_LN_PARAM, RC_LN_CONST, RC_LN_FIELD };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (rc_lsp_names_decl(x, order[i], v->name)) {
            add(x, v->name, order[i], v->loc, false, d);
            return;
        }
}

static void ident(rc_lsp_names *x, const rc_ident *id, rc_lsp_nkind kind, const rc_ast_decl *d)
{
    if (id->name) add(x, id->name, kind, id->loc, false, d);
}

/* Conditions, without recursion (nested up to 5,000 levels): an explicit stack. */
static void expr(rc_lsp_names *x, const rc_ast_expr *e, const rc_ast_decl *d)
{
    int cap = 64, n = 0;
    const rc_ast_expr **st = malloc((size_t)cap * sizeof *st);
    if (!st) { fputs("recovc: internal error: out of memory\n", stderr); exit(3); }
    if (e) st[n++] = e;
    while (n) {
        e = st[--n];
        switch (e->kind) {
        case RC_AX_CMP: value(x, &e->lhs, d); value(x, &e->rhs, d); break;
        case RC_AX_IN: value(x, &e->lhs, d); value(x, &e->rhs, d); value(x, &e->hi, d); break;
        case RC_AX_MATCH: ident(x, &e->field, RC_LN_FIELD, d); break;
        case RC_AX_NAME: value(x, &e->lhs, d); break;
        case RC_AX_AND: case RC_AX_OR: case RC_AX_NOT:
            if (n + 2 > cap) {
                cap *= 2;
                st = realloc(st, (size_t)cap * sizeof *st);
                if (!st) { fputs("recovc: internal error: out of memory\n", stderr); exit(3); }
            }
            if (e->b) st[n++] = e->b;
            if (e->a) st[n++] = e->a;
            break;
        }
    }
    free(st);
}

static void declare(rc_lsp_names *x, const rc_ast_decl *d)
{
    switch (d->kind) {
    case RC_D_FAULT:
        for (const rc_ast_field *f = d->fields; f; f = f->next) add(x, f->name.name, RC_LN_FIELD, f->name.loc, true, d);
        break;
    case RC_D_CONST: add(x, d->name.name, RC_LN_CONST, d->name.loc, true, d); break;
    case RC_D_PARAM: add(x, d->name.name, RC_LN_PARAM, d->name.loc, true, d); break;
    case RC_D_CLASS: add(x, d->name.name, RC_LN_CLASS, d->name.loc, true, d); break;
    case RC_D_ERROR: add(x, d->name.name, RC_LN_ERROR, d->name.loc, true, d); break;
    case RC_D_RETRY: add(x, d->name.name, RC_LN_RETRY, d->name.loc, true, d); break;
    case RC_D_BREAKER: add(x, d->name.name, RC_LN_BREAKER, d->name.loc, true, d); break;
    case RC_D_BUDGET: add(x, d->name.name, RC_LN_BUDGET, d->name.loc, true, d); break;
    default: break;
    }
}

static void settings(rc_lsp_names *x, const rc_ast_decl *d)
{
    for (const rc_ast_setting *s = d->settings; s; s = s->next) {
        for (int i = 0; i < 3; i++) value(x, &s->v[i], d);
        if (s->kind == RC_S_HONOR) ident(x, &s->word, RC_LN_FIELD, d);
        if (s->kind == RC_S_SCALE)
            for (const rc_ast_scale *c = s->scales; c; c = c->next) ident(x, &c->name, RC_LN_ERROR, d);
        if (s->kind == RC_S_COUNT)
            for (const rc_ident_list *l = s->names; l; l = l->next)
                ident(x, &l->id, rc_lsp_names_decl(x, RC_LN_CLASS, l->id.name ? l->id.name : "") ? RC_LN_CLASS
                                                                                                 : RC_LN_ERROR, d);
    }
}

static void steps(rc_lsp_names *x, const rc_ast_decl *d)
{
    for (const rc_ast_step *s = d->steps; s; s = s->next) {
        value(x, &s->dur, d);
        switch (s->kind) {
        case RC_STEP_RETRY: ident(x, &s->name, RC_LN_RETRY, d); break;
        case RC_STEP_FALLBACK:
            for (const rc_ident_list *l = s->alts; l; l = l->next) use_or_first(x, &l->id, RC_LN_ALT, d);
            break;
        case RC_STEP_ADJUST: use_or_first(x, &s->name, RC_LN_ADJUST, d); break;
        case RC_STEP_RUN:
            use_or_first(x, &s->name, RC_LN_HANDLER, d);
            for (const rc_ident_list *l = s->alts; l; l = l->next) use_or_first(x, &l->id, RC_LN_HANDLER, d);
            break;
        case RC_STEP_DEGRADE: use_or_first(x, &s->name, RC_LN_MODE, d); break;
        default: break;
        }
    }
}

static void uses(rc_lsp_names *x, const rc_ast_decl *d)
{
    switch (d->kind) {
    case RC_D_CONST: case RC_D_DEADLINE: case RC_D_AGEING: value(x, &d->value, d); break;
    case RC_D_ERROR: ident(x, &d->cls, RC_LN_CLASS, d); break;
    case RC_D_CLASSIFY:
        for (const rc_ast_rule *r = d->rules; r; r = r->next) {
            expr(x, r->cond, d);
            ident(x, &r->error, RC_LN_ERROR, d);
        }
        break;
    case RC_D_RETRY: case RC_D_BREAKER: case RC_D_BUDGET: settings(x, d); break;
    case RC_D_ESCALATION:
        for (const rc_ast_esc *e = d->esc; e; e = e->next) {
            if (!e->unresolved) use_or_first(x, &e->channel, RC_LN_CHANNEL, d);
            value(x, &e->within, d);
        }
        break;
    case RC_D_ON:
        for (const rc_ast_selector *s = d->sels; s; s = s->next)
            if (s->kind != RC_SEL_ANY) ident(x, &s->name, s->kind == RC_SEL_CLASS ? RC_LN_CLASS : RC_LN_ERROR, d);
        expr(x, d->when, d);
        value(x, &d->value, d);
        steps(x, d);
        break;
    default: break;
    }
}

void rc_lsp_names_build(rc_lsp_names *x, const rc_ast_policy *p, const rc_cconst *imported, int nimported)
{
    memset(x, 0, sizeof *x);
    if (!p) return;
    for (const rc_ast_decl *d = p->decls; d; d = d->next) declare(x, d);
    /* imported constants the policy does not declare itself */
    for (int i = 0; i < nimported; i++) {
        const rc_cconst *k = &imported[i];
        if (!k->at.file || k->at.line <= 0 || rc_lsp_names_decl(x, RC_LN_CONST, k->name)) continue;
        int len = (int)strlen(k->name);
        add(x, k->name, RC_LN_CONST, (rc_loc){ k->at.line, k->at.col, k->at.line, k->at.col + len - 1 }, true, NULL);
        x->v[x->n - 1].file = k->at.file;
    }
    for (const rc_ast_decl *d = p->decls; d; d = d->next) uses(x, d);
}

void rc_lsp_names_free(rc_lsp_names *x)
{
    free(x->v);
    memset(x, 0, sizeof *x);
}

static bool covers(rc_loc l, int line, int col)
{
    int el = l.end_line > 0 ? l.end_line : l.line, ec = l.end_line > 0 ? l.end_col : l.col;
    if (line < l.line || line > el) return false;
    if (line == l.line && col < l.col) return false;
    /* the column just after the name counts too (a cursor at its end) */
    return !(line == el && col > ec + 1);
}

const rc_lsp_occ *rc_lsp_names_at(const rc_lsp_names *x, int line, int col)
{
    for (int i = 0; i < x->n; i++)
        if (!x->v[i].file && covers(x->v[i].loc, line, col)) return &x->v[i];
    return NULL;
}
