/* check_import.c - the checker's side of C header import (spec/headers.md):
 * members of `fault = struct NAME;`, imported constants, and the enum
 * checks: comparing an enum-typed field with a constant of another enum is
 * an error; enumerators that only the catch-all `_` classifies are reported
 * (-Wenum-coverage). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_int.h"
#include "cimport.h"

/* errors reported here are of this kind (errors.def) */
#undef RC_ERROR_KIND
#define RC_ERROR_KIND RC_E_IMPORT

/* The first `max` bytes of a header, for the caret line of a note. */
static char *read_head(rc_arena *a, const char *path, size_t max, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = rc_arena_alloc(a, max + 1);
    *len = fread(buf, 1, max, f);
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

bool rc_check_import_refused(rc_check_ctx *c, const char *name, rc_loc loc)
{
    const rc_cimport *imp = c->imp;
    for (int i = 0; imp && i < imp->nbad_macros; i++) {
        const rc_cbadmacro *b = &imp->bad_macros[i];
        if (strcmp(b->name, name) != 0) continue;
        rc_diag_error(c->d, loc, "'%s' is a macro of %s:%u:%u that is not an integer constant recov can "
                      "use: %s", name, b->path, b->line, b->col, b->reason);
        /* the note shows the definition's line, with its caret */
        const char *file = c->d->file, *src = c->d->src;
        size_t slen = c->d->src_len, hlen;
        char *h = read_head(c->a, b->real, (size_t)1 << 20, &hlen);
        rc_diag_set_source(c->d, b->path, h, h ? hlen : 0);
        rc_loc at = { (int)b->line, (int)b->col, (int)b->line, (int)(b->col + strlen(name)) - 1 };
        rc_diag_note(c->d, at, "'%s' is defined here; define it as an integer constant expression whose "
                     "value fits the fields it is compared with", name);
        rc_diag_set_source(c->d, file, src, slen);
        return true;
    }
    return false;
}

void rc_check_import_fields(rc_check_ctx *c, const rc_ast_decl *d)
{
    const rc_cimport *imp = c->imp;
    rc_ir *ir = c->ir;
    if (!imp || !imp->struct_name) return;   /* cimport reported why */
    for (int i = 0; i < imp->nfields; i++) {
        const rc_cfield *cf = &imp->fields[i];
        rc_ident id = { cf->name, d->name.loc };
        rc_sym *old = rc_symtab_find(&c->syms, cf->name);
        if (old) {
            rc_diag_error(c->d, d->name.loc, "member '%s' of struct %s clashes with %s declared in the policy",
                          cf->name, imp->struct_name, old->kind == RC_SYM_FIELD ? "a field" : "a name");
            rc_diag_note(c->d, old->loc, "'%s' is declared here", cf->name);
            continue;
        }
        if (!rc_symtab_add(&c->syms, id.name, RC_SYM_FIELD, ir->nfields, id.loc)) continue;
        rc_ir_field *f = &ir->fields[ir->nfields];
        f->name = cf->name;
        f->type = cf->type;
        f->text_index = -1;
        f->text_cap = cf->text_cap;
        f->loc = d->name.loc;
        c->field_enum[ir->nfields] = cf->enum_id;
        ir->nfields++;
    }
    ir->fault_struct = imp->struct_name;
}

void rc_check_import_consts(rc_check_ctx *c, const rc_ast_decl *first_import)
{
    const rc_cimport *imp = c->imp;
    c->npolicy_consts = c->nconsts;
    if (!imp) return;
    c->ir->imports = imp->import_paths;
    c->ir->nimports = imp->nimports;
    for (int i = 0; i < imp->nimports; i++) {
        const char *base = strrchr(imp->import_paths[i], '/');
        base = base ? base + 1 : imp->import_paths[i];
        size_t n = strlen(c->ir->name);
        if (strncmp(base, c->ir->name, n) == 0 && strcmp(base + n, ".h") == 0)
            rc_diag_error(c->d, imp->imports[i]->loc, "the generated header of policy '%s' would be named '%s' "
                          "too; rename the policy", c->ir->name, base);
    }
    for (int i = 0; i < imp->nconsts; i++) {
        const rc_cconst *k = &imp->consts[i];
        if (rc_symtab_find(&c->syms, k->name)) continue;   /* the policy's own name wins */
        rc_loc at = imp->imports[k->import] ? imp->imports[k->import]->loc : first_import->loc;
        rc_sym *s = rc_symtab_add(&c->syms, k->name, RC_SYM_CONST, c->nconsts, at);
        if (!s) continue;
        s->origin = imp->import_paths[k->import];
        c->const_names[c->nconsts] = k->name;
        c->const_locs[c->nconsts] = at;
        c->const_vals[c->nconsts].kind = RC_AV_INT;
        c->const_vals[c->nconsts].num = k->value;
        c->const_used[c->nconsts] = true;       /* headers define many; never "unused" */
        c->const_enum[c->nconsts] = k->enum_id;
        c->nconsts++;
    }
}

/* ---- wrong enum ------------------------------------------------------------- */

static int field_of(rc_check_ctx *c, const rc_ast_value *v)
{
    if (v->kind != RC_AV_NAME || !v->name) return -1;
    rc_sym *s = rc_symtab_find(&c->syms, v->name);
    return s && s->kind == RC_SYM_FIELD ? s->index : -1;
}

static int const_enum_of(rc_check_ctx *c, const rc_ast_value *v)
{
    if (v->kind != RC_AV_NAME || !v->name) return -1;
    rc_sym *s = rc_symtab_find(&c->syms, v->name);
    return s && s->kind == RC_SYM_CONST ? c->const_enum[s->index] : -1;
}

static void check_pair(rc_check_ctx *c, const rc_ast_value *fv, const rc_ast_value *kv)
{
    int f = field_of(c, fv);
    if (f < 0 || c->field_enum[f] < 0) return;
    int ke = const_enum_of(c, kv);
    if (ke < 0 || ke == c->field_enum[f]) return;
    rc_diag_error(c->d, kv->loc, "'%s' is a constant of %s, but field '%s' has type %s", kv->name,
                  c->imp->enums[ke].name, fv->name, c->imp->enums[c->field_enum[f]].name);
}

/* Walks one condition with an explicit stack (conditions may be deep). */
static void check_cond(rc_check_ctx *c, const rc_ast_expr *root)
{
    int cap = 64, n = 0;
    const rc_ast_expr **st = malloc(sizeof *st * (size_t)cap);
    if (!st) return;
    st[n++] = root;
    while (n > 0) {
        const rc_ast_expr *e = st[--n];
        if (!e) continue;
        if (e->kind == RC_AX_CMP) {
            check_pair(c, &e->lhs, &e->rhs);
            check_pair(c, &e->rhs, &e->lhs);
        } else if (e->kind == RC_AX_IN) {
            check_pair(c, &e->lhs, &e->rhs);
            check_pair(c, &e->lhs, &e->hi);
        }
        if (n + 2 > cap) {
            cap *= 2;
            const rc_ast_expr **ns = realloc(st, sizeof *st * (size_t)cap);
            if (!ns) break;
            st = ns;
        }
        if (e->kind == RC_AX_AND || e->kind == RC_AX_OR || e->kind == RC_AX_NOT) {
            st[n++] = e->a;
            if (e->kind != RC_AX_NOT) st[n++] = e->b;
        }
    }
    free(st);
}

/* ---- coverage ----------------------------------------------------------------- */

/* Three-valued value of every expression when field f holds v and nothing
 * else is known: 1 true, 0 false, -1 unknown.  Children precede parents. */
static void eval3(const rc_ir *ir, int f, int64_t v, signed char *val)
{
    for (int i = 0; i < ir->nexprs; i++) {
        const rc_ir_expr *x = &ir->exprs[i];
        signed char r = -1;
        switch (x->kind) {
        case RC_X_TRUE: r = 1; break;
        case RC_X_CMP:
            if (x->opd == RC_OPD_FIELD && x->field == f) {
                bool t = false;
                switch (x->op) {
                case RC_IR_EQ: t = v == x->value; break;
                case RC_IR_NE: t = v != x->value; break;
                case RC_IR_LT: t = v < x->value; break;
                case RC_IR_LE: t = v <= x->value; break;
                case RC_IR_GT: t = v > x->value; break;
                case RC_IR_GE: t = v >= x->value; break;
                }
                r = t;
            }
            break;
        case RC_X_IN:
            if (x->opd == RC_OPD_FIELD && x->field == f) r = x->lo <= v && v <= x->hi;
            break;
        case RC_X_MATCH: break;
        case RC_X_AND: {
            signed char a = val[x->a], b = val[x->b];
            r = (a == 0 || b == 0) ? 0 : (a == 1 && b == 1) ? 1 : -1;
            break;
        }
        case RC_X_OR: {
            signed char a = val[x->a], b = val[x->b];
            r = (a == 1 || b == 1) ? 1 : (a == 0 && b == 0) ? 0 : -1;
            break;
        }
        case RC_X_NOT: r = val[x->a] < 0 ? -1 : !val[x->a]; break;
        }
        val[i] = r;
    }
}

static bool field_compared(const rc_ir *ir, int f)
{
    for (int i = 0; i < ir->nexprs; i++)
        if ((ir->exprs[i].kind == RC_X_CMP || ir->exprs[i].kind == RC_X_IN) && ir->exprs[i].opd == RC_OPD_FIELD &&
            ir->exprs[i].field == f)
            return true;
    return false;
}

static void coverage(rc_check_ctx *c, const rc_ast_rule *any)
{
    rc_ir *ir = c->ir;
    if (ir->nrules < 2 || ir->exprs[ir->rules[ir->nrules - 1].cond].kind != RC_X_TRUE) return;
    signed char *val = malloc((size_t)ir->nexprs + 1);
    if (!val) return;
    for (int f = 0; f < ir->nfields; f++) {
        if (c->field_enum[f] < 0 || !field_compared(ir, f)) continue;
        const rc_cenum *en = &c->imp->enums[c->field_enum[f]];
        char *list = NULL;
        size_t len = 0;
        int missing = 0;
        for (int k = 0; k < en->nitems; k++) {
            eval3(ir, f, en->values[k], val);
            bool caught = false;
            for (int r = 0; r + 1 < ir->nrules && !caught; r++) caught = val[ir->rules[r].cond] != 0;
            if (caught) continue;
            size_t add = strlen(en->items[k]) + 3;
            char *nl = realloc(list, len + add);
            if (!nl) break;
            list = nl;
            len += (size_t)snprintf(list + len, add, "%s%s", missing ? ", " : "", en->items[k]);
            missing++;
        }
        if (missing)
            rc_diag_warning(c->d, RC_W_ENUM_COVERAGE, any->any_loc,
                            "%d constant%s of %s (field '%s') reach%s only the catch-all `_`: %s", missing,
                            missing == 1 ? "" : "s", en->name, ir->fields[f].name, missing == 1 ? "es" : "", list);
        free(list);
    }
    free(val);
}

void rc_check_import_enums(rc_check_ctx *c, const rc_ast_policy *p)
{
    if (!c->imp) return;
    const rc_ast_rule *any = NULL;
    for (const rc_ast_decl *d = p->decls; d; d = d->next) {
        if (d->kind == RC_D_CLASSIFY)
            for (const rc_ast_rule *r = d->rules; r; r = r->next) {
                if (r->cond) check_cond(c, r->cond);
                else if (!any) any = r;
            }
        if (d->kind == RC_D_ON && d->when) check_cond(c, d->when);
    }
    if (any && c->d->errors == 0) coverage(c, any);
}
