/* lsp_edit.c - formatting, through recovc fmt. */
#include "lsp_req.h"

#include <string.h>

#include "fmt.h"

/* The range of the whole text. */
static cJSON *whole(const rc_lsp *s, const rc_lsp_doc *d)
{
    int line, col;
    rc_lsp_line_col(d->text, d->len, d->len, &line, &col);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "start", rc_lsp_pos_json(s, d->text, d->len, 1, 1));
    cJSON_AddItemToObject(r, "end", rc_lsp_pos_json(s, d->text, d->len, line, col));
    return r;
}

void rc_lsp_formatting(rc_lsp *s, const cJSON *id, const cJSON *params)
{
    rc_lsp_doc *d;
    if (!rc_lsp_doc_of(s, id, params, &d)) return;
    rc_arena a;
    rc_arena_init(&a);
    size_t n = 0;
    char *out = rc_fmt(&a, d->path, d->text, d->len, s->null_out, &n);
    if (!out) {
        /* syntax errors: nothing to format (the diagnostics say why) */
        rc_lsp_reply(s, id, NULL);
    } else {
        cJSON *edits = cJSON_CreateArray();
        if (n != d->len || memcmp(out, d->text, n) != 0) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToObject(e, "range", whole(s, d));
            char *copy = rc_arena_strndup(&a, out, n);
            cJSON_AddStringToObject(e, "newText", copy);
            cJSON_AddItemToArray(edits, e);
        }
        rc_lsp_reply(s, id, edits);
    }
    rc_arena_free(&a);
}
