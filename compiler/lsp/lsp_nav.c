/* lsp_nav.c - go to definition, find references, document symbols: all
 * read the document's name index (lsp_names.h). */
#include "lsp_req.h"

#include <stdlib.h>
#include <string.h>

/* Where an occurrence is: in the document, or in an imported header
 * (whose columns are taken as characters). */
static cJSON *occ_location(const rc_lsp *s, const rc_lsp_doc *d, const rc_lsp_occ *o)
{
    if (!o->file) return rc_lsp_location(s, d, o->loc);
    cJSON *l = cJSON_CreateObject();
    char *uri = rc_lsp_path_to_uri(o->file);
    cJSON_AddStringToObject(l, "uri", uri);
    free(uri);
    cJSON_AddItemToObject(l, "range", rc_lsp_range_json(s, NULL, 0, o->loc));
    return l;
}

/* The name under the cursor, or NULL (a null result was sent). */
static const rc_lsp_occ *name_at(rc_lsp *s, const cJSON *id, const cJSON *params, rc_lsp_doc **d)
{
    size_t off;
    if (!rc_lsp_doc_pos(s, id, params, d, &off)) return NULL;
    int line, col;
    rc_lsp_line_col((*d)->text, (*d)->len, off, &line, &col);
    const rc_lsp_occ *o = rc_lsp_names_at(&(*d)->names, line, col);
    if (!o) rc_lsp_reply(s, id, NULL);
    return o;
}

void rc_lsp_definition(rc_lsp *s, const cJSON *id, const cJSON *params)
{
    rc_lsp_doc *d;
    const rc_lsp_occ *o = name_at(s, id, params, &d);
    if (!o) return;
    const rc_lsp_occ *decl = rc_lsp_names_decl(&d->names, o->kind, o->name);
    rc_lsp_reply(s, id, decl ? occ_location(s, d, decl) : NULL);
}

void rc_lsp_references(rc_lsp *s, const cJSON *id, const cJSON *params)
{
    rc_lsp_doc *d;
    const rc_lsp_occ *o = name_at(s, id, params, &d);
    if (!o) return;
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(params, "context");
    bool with_decl = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ctx, "includeDeclaration"));
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < d->names.n; i++) {
        const rc_lsp_occ *u = &d->names.v[i];
        if (u->kind != o->kind || strcmp(u->name, o->name) != 0 || (u->decl && !with_decl)) continue;
        cJSON_AddItemToArray(arr, occ_location(s, d, u));
    }
    rc_lsp_reply(s, id, arr);
}

/* LSP SymbolKind numbers */
enum { SK_MODULE = 2, SK_FIELD = 8, SK_ENUM = 10, SK_FUNCTION = 12, SK_VARIABLE = 13, SK_CONSTANT = 14,
       SK_OBJECT = 19, SK_EVENT = 24, SK_STRUCT = 23, SK_CLASS = 5, SK_ENUM_MEMBER = 22, SK_NAMESPACE = 3 };

static cJSON *symbol(const rc_lsp *s, const rc_lsp_doc *d, const char *name, const char *detail, int kind,
                     rc_loc whole, rc_loc sel)
{
    if (!name || !name[0]) return NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    if (detail) cJSON_AddStringToObject(o, "detail", detail);
    cJSON_AddNumberToObject(o, "kind", kind);
    cJSON_AddItemToObject(o, "range", rc_lsp_range_json(s, d->text, d->len, whole));
    cJSON_AddItemToObject(o, "selectionRange", rc_lsp_range_json(s, d->text, d->len, sel.line > 0 ? sel : whole));
    return o;
}

/* The text of d's declaration from its keyword up to `{` or `;` (at most
 * one line, 80 bytes): the name of an unnamed declaration (`on busy`). */
static void head_text(const rc_lsp_doc *d, rc_loc loc, char *buf, size_t n)
{
    size_t p = rc_lsp_loc_offset(d->text, d->len, loc.line, loc.col), k = 0;
    while (p < d->len && k + 1 < n && k < 80 && d->text[p] != '{' && d->text[p] != ';' && d->text[p] != '\n')
        buf[k++] = d->text[p++];
    while (k && buf[k - 1] == ' ') k--;
    buf[k] = '\0';
}

void rc_lsp_document_symbol(rc_lsp *s, const cJSON *id, const cJSON *params)
{
    rc_lsp_doc *d;
    if (!rc_lsp_doc_of(s, id, params, &d)) return;
    cJSON *arr = cJSON_CreateArray();
    const rc_ast_policy *p = d->unit.ast;
    for (const rc_ast_decl *x = p ? p->decls : NULL; x; x = x->next) {
        char head[96];
        head_text(d, x->loc, head, sizeof head);
        rc_loc none = { 0, 0, 0, 0 };
        cJSON *sym = NULL;
        switch (x->kind) {
        case RC_D_FAULT: {
            sym = symbol(s, d, "fault", NULL, SK_STRUCT, x->loc, none);
            if (!sym) break;
            cJSON *ch = cJSON_AddArrayToObject(sym, "children");
            for (const rc_ast_field *f = x->fields; f; f = f->next)
                if (f->name.name)
                    cJSON_AddItemToArray(ch, symbol(s, d, f->name.name, f->type.name, SK_FIELD,
                                                    rc_loc_span(f->name.loc, f->type.name ? f->type.loc : f->name.loc),
                                                    f->name.loc));
            break;
        }
        case RC_D_CONST: sym = symbol(s, d, x->name.name, "const", SK_CONSTANT, x->loc, x->name.loc); break;
        case RC_D_PARAM: sym = symbol(s, d, x->name.name, "param", SK_VARIABLE, x->loc, x->name.loc); break;
        case RC_D_CLASS: sym = symbol(s, d, x->name.name, "class", SK_CLASS, x->loc, x->name.loc); break;
        case RC_D_ERROR: sym = symbol(s, d, x->name.name, "error", SK_ENUM_MEMBER, x->loc, x->name.loc); break;
        case RC_D_RETRY: sym = symbol(s, d, x->name.name, "retry", SK_FUNCTION, x->loc, x->name.loc); break;
        case RC_D_BREAKER: sym = symbol(s, d, x->name.name, "breaker", SK_OBJECT, x->loc, x->name.loc); break;
        case RC_D_BUDGET: sym = symbol(s, d, x->name.name, "budget", SK_OBJECT, x->loc, x->name.loc); break;
        case RC_D_CLASSIFY: sym = symbol(s, d, "classify", NULL, SK_NAMESPACE, x->loc, none); break;
        case RC_D_ESCALATION: sym = symbol(s, d, "escalation", NULL, SK_NAMESPACE, x->loc, none); break;
        case RC_D_ON: sym = symbol(s, d, head, NULL, SK_EVENT, x->loc, none); break;
        default: break;
        }
        if (sym) cJSON_AddItemToArray(arr, sym);
    }
    rc_lsp_reply(s, id, arr);
}
