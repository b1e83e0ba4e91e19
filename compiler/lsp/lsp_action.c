/* lsp_action.c - code actions from the compiler's fix notes: raise a
 * block's deadline, lower a strategy's attempts, add a catch-all rule to
 * classify, take a "did you mean" suggestion.  They are read from the
 * document's diagnostic records (diag.h) whose range meets the request's. */
#include "lsp_req.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delay.h"

/* {range, newText} replacing bytes [a, b) of d's text. */
static cJSON *text_edit(const rc_lsp *s, const rc_lsp_doc *d, size_t a, size_t b, const char *text)
{
    int l1, c1, l2, c2;
    rc_lsp_line_col(d->text, d->len, a, &l1, &c1);
    rc_lsp_line_col(d->text, d->len, b, &l2, &c2);
    cJSON *e = cJSON_CreateObject();
    cJSON *r = cJSON_AddObjectToObject(e, "range");
    cJSON_AddItemToObject(r, "start", rc_lsp_pos_json(s, d->text, d->len, l1, c1));
    cJSON_AddItemToObject(r, "end", rc_lsp_pos_json(s, d->text, d->len, l2, c2));
    cJSON_AddStringToObject(e, "newText", text);
    return e;
}

/* Bytes [start, end] of a location (end inclusive) as [a, b). */
static void span(const rc_lsp_doc *d, rc_loc l, size_t *a, size_t *b)
{
    *a = rc_lsp_loc_offset(d->text, d->len, l.line, l.col);
    *b = l.end_line > 0 ? rc_lsp_loc_offset(d->text, d->len, l.end_line, l.end_col) + 1 : *a + 1;
    if (*b > d->len) *b = d->len;
}

static void add_action(rc_lsp *s, cJSON *arr, const rc_lsp_doc *d, const rc_diag_rec *m, const char *title,
                       cJSON *edit)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "title", title);
    cJSON_AddStringToObject(a, "kind", "quickfix");
    cJSON *dg = cJSON_AddArrayToObject(a, "diagnostics");
    cJSON_AddItemToArray(dg, rc_lsp_diag_json(s, d, m));
    cJSON *we = cJSON_AddObjectToObject(a, "edit");
    cJSON *ch = cJSON_AddObjectToObject(we, "changes");
    cJSON *edits = cJSON_AddArrayToObject(ch, d->uri);
    cJSON_AddItemToArray(edits, edit);
    cJSON_AddItemToArray(arr, a);
}

static const rc_ast_decl *decl_at(const rc_lsp_doc *d, rc_ast_dkind kind, rc_loc loc)
{
    for (const rc_ast_decl *x = d->unit.ast ? d->unit.ast->decls : NULL; x; x = x->next)
        if (x->kind == kind && x->loc.line == loc.line && x->loc.col == loc.col) return x;
    return NULL;
}

/* "raise the deadline to at least N ms[, or give 'R' at most M attempt...]" */
static void deadline_fix(rc_lsp *s, cJSON *arr, const rc_lsp_doc *d, const rc_diag_rec *m, const rc_diag_rel *n)
{
    const char *t = n->text;
    if (strncmp(t, "fix: ", 5) == 0) t += 5;
    unsigned long long worst;
    if (sscanf(t, "raise the deadline to at least %llu ms", &worst) != 1 || worst > UINT32_MAX) return;
    const rc_ast_decl *on = decl_at(d, RC_D_ON, n->loc);
    char dur[32], title[160];
    rc_delay_text(dur, sizeof dur, worst);
    if (on) {
        snprintf(title, sizeof title, "Raise the deadline to %s", dur);
        if (on->value.kind == RC_AV_DURATION) {
            size_t a, b;
            span(d, on->value.loc, &a, &b);
            add_action(s, arr, d, m, title, text_edit(s, d, a, b, dur));
        } else if (on->value.kind == RC_AV_NONE) {
            /* no deadline of its own: one after the `{` */
            size_t p = rc_lsp_loc_offset(d->text, d->len, on->loc.line, on->loc.col);
            bool quoted = false;
            for (; p < d->len && (quoted || d->text[p] != '{'); p++)
                if (d->text[p] == '"' && (p == 0 || d->text[p - 1] != '\\')) quoted = !quoted;
            if (p < d->len) {
                char ins[64];
                snprintf(ins, sizeof ins, " deadline %s;", dur);
                add_action(s, arr, d, m, title, text_edit(s, d, p + 1, p + 1, ins));
            }
        }
    }
    const char *g = strstr(t, ", or give '");
    char name[128];
    int attempts;
    if (!g || sscanf(g, ", or give '%127[^']' at most %d attempt", name, &attempts) != 2) return;
    for (const rc_ast_decl *x = d->unit.ast ? d->unit.ast->decls : NULL; x; x = x->next) {
        if (x->kind != RC_D_RETRY || !x->name.name || strcmp(x->name.name, name) != 0) continue;
        for (const rc_ast_setting *st = x->settings; st; st = st->next) {
            if (st->kind != RC_S_ATTEMPTS || st->v[0].kind != RC_AV_INT) continue;
            size_t a, b;
            span(d, st->v[0].loc, &a, &b);
            char num[16];
            snprintf(num, sizeof num, "%d", attempts);
            snprintf(title, sizeof title, "Give '%s' %d attempt%s", name, attempts, attempts == 1 ? "" : "s");
            add_action(s, arr, d, m, title, text_edit(s, d, a, b, num));
        }
    }
}

/* "add `_ => ERROR;`": one action per error, the rule before the `}` */
static void catchall_fix(rc_lsp *s, cJSON *arr, const rc_lsp_doc *d, const rc_diag_rec *m)
{
    const rc_ast_decl *c = decl_at(d, RC_D_CLASSIFY, m->loc);
    if (!c || c->loc.end_line <= 0) return;
    size_t close = rc_lsp_loc_offset(d->text, d->len, c->loc.end_line, c->loc.end_col);
    if (close >= d->len || d->text[close] != '}') return;
    size_t ls = close;
    while (ls > 0 && (d->text[ls - 1] == ' ' || d->text[ls - 1] == '\t')) ls--;
    bool own_line = ls == 0 || d->text[ls - 1] == '\n';
    int n = 0;
    for (const rc_ast_decl *x = d->unit.ast->decls; x && n < 8; x = x->next) {
        if (x->kind != RC_D_ERROR || !x->name.name) continue;
        char ins[160], title[160];
        snprintf(ins, sizeof ins, own_line ? "    _ => %s;\n" : "_ => %s; ", x->name.name);
        snprintf(title, sizeof title, "Add `_ => %s;` as the last rule", x->name.name);
        add_action(s, arr, d, m, title, text_edit(s, d, own_line ? ls : close, own_line ? ls : close, ins));
        n++;
    }
}

/* "...; did you mean 'x'?" */
static void suggestion_fix(rc_lsp *s, cJSON *arr, const rc_lsp_doc *d, const rc_diag_rec *m)
{
    const char *p = strstr(m->text, "did you mean '");
    if (!p || m->loc.line <= 0) return;
    p += 14;
    const char *q = strchr(p, '\'');
    if (!q || q - p > 100) return;
    char name[128], title[160];
    snprintf(name, sizeof name, "%.*s", (int)(q - p), p);
    snprintf(title, sizeof title, "Replace with '%s'", name);
    size_t a, b;
    span(d, m->loc, &a, &b);
    add_action(s, arr, d, m, title, text_edit(s, d, a, b, name));
}

static bool meets(rc_loc l, long long sl, long long el)
{
    int end = l.end_line > 0 ? l.end_line : l.line;
    return l.line - 1 <= el && end - 1 >= sl;
}

void rc_lsp_code_action(rc_lsp *s, const cJSON *id, const cJSON *params)
{
    rc_lsp_doc *d;
    if (!rc_lsp_doc_of(s, id, params, &d)) return;
    const cJSON *range = cJSON_GetObjectItemCaseSensitive(params, "range");
    long long sl, el;
    if (!rc_lsp_num(cJSON_GetObjectItemCaseSensitive(range, "start"), "line", &sl) ||
        !rc_lsp_num(cJSON_GetObjectItemCaseSensitive(range, "end"), "line", &el)) {
        rc_lsp_error(s, id, RC_LSP_INVALID_PARAMS, "invalid params: expected range");
        return;
    }
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < d->recs.n; i++) {
        const rc_diag_rec *m = &d->recs.v[i];
        if ((m->file && strcmp(m->file, d->path) != 0) || m->loc.line <= 0 || !meets(m->loc, sl, el)) continue;
        suggestion_fix(s, arr, d, m);
        bool catchall = strstr(m->text, "add `_ => ERROR;`") != NULL;
        for (int j = 0; j < m->nnotes; j++) {
            const rc_diag_rel *n = &m->notes[j];
            if (n->kind == RC_DIAG_FIX || strncmp(n->text, "fix: ", 5) == 0) deadline_fix(s, arr, d, m, n);
            if (strstr(n->text, "add `_ => ERROR;`")) catchall = true;
        }
        if (catchall) catchall_fix(s, arr, d, m);
    }
    rc_lsp_reply(s, id, arr);
}
