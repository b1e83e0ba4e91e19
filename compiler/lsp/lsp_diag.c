/* lsp_diag.c - a document's diagnostics: the compiler's records (diag.h),
 * as LSP Diagnostics, published per file (the document and the C headers it
 * imports). */
#include <stdlib.h>
#include <string.h>

#include "lsp_int.h"

static bool own_file(const rc_lsp_doc *d, const char *file) { return !file || strcmp(file, d->path) == 0; }

/* The file a record is shown in: a message without a file (about recovc
 * itself) or without a position belongs to the document. */
static const char *rec_file(const rc_lsp_doc *d, const rc_diag_rec *m)
{
    return m->file && m->loc.line > 0 ? m->file : d->path;
}

static cJSON *range_in(const rc_lsp *s, const rc_lsp_doc *d, const char *file, rc_loc loc)
{
    bool own = own_file(d, file);
    return rc_lsp_range_json(s, own ? d->text : NULL, own ? d->len : 0, loc);
}

static cJSON *location_in(const rc_lsp *s, const rc_lsp_doc *d, const char *file, rc_loc loc)
{
    cJSON *l = cJSON_CreateObject();
    if (own_file(d, file)) {
        cJSON_AddStringToObject(l, "uri", d->uri);
    } else {
        char *uri = rc_lsp_path_to_uri(file);
        cJSON_AddStringToObject(l, "uri", uri);
        free(uri);
    }
    cJSON_AddItemToObject(l, "range", range_in(s, d, file, loc));
    return l;
}

cJSON *rc_lsp_diag_json(const rc_lsp *s, const rc_lsp_doc *d, const rc_diag_rec *m)
{
    cJSON *g = cJSON_CreateObject();
    const char *file = rec_file(d, m);
    cJSON_AddItemToObject(g, "range", range_in(s, d, file, m->loc));
    cJSON_AddNumberToObject(g, "severity", m->severity == RC_DIAG_ERROR ? 1 : 2);
    if (m->code) cJSON_AddStringToObject(g, "code", m->code);
    cJSON_AddStringToObject(g, "source", "recovc");
    cJSON_AddStringToObject(g, "message", m->text ? m->text : "");
    if (m->nnotes) {
        cJSON *rel = cJSON_AddArrayToObject(g, "relatedInformation");
        for (int j = 0; j < m->nnotes; j++) {
            const rc_diag_rel *n = &m->notes[j];
            /* a note without a position points at its message */
            bool placed = n->loc.line > 0;
            cJSON *ri = cJSON_CreateObject();
            cJSON_AddItemToObject(ri, "location", location_in(s, d, placed ? (n->file ? n->file : file) : file,
                                                              placed ? n->loc : m->loc));
            size_t len = strlen(n->text ? n->text : "") + 8;
            char *t = malloc(len);
            if (t) {
                snprintf(t, len, "%s%s", n->kind == RC_DIAG_FIX ? "fix: " : "", n->text ? n->text : "");
                cJSON_AddStringToObject(ri, "message", t);
                free(t);
            }
            cJSON_AddItemToArray(rel, ri);
        }
    }
    return g;
}

static void publish(rc_lsp *s, const char *uri, const rc_lsp_doc *d, cJSON *diags)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "uri", uri);
    if (d && d->has_version) cJSON_AddNumberToObject(p, "version", (double)d->version);
    cJSON_AddItemToObject(p, "diagnostics", diags);
    rc_lsp_notify(s, "textDocument/publishDiagnostics", p);
}

static cJSON *diagnostics_of(const rc_lsp *s, const rc_lsp_doc *d, const char *file)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < d->recs.n; i++) {
        const rc_diag_rec *m = &d->recs.v[i];
        if (strcmp(rec_file(d, m), file) == 0) cJSON_AddItemToArray(arr, rc_lsp_diag_json(s, d, m));
    }
    return arr;
}

void rc_lsp_diag_publish(rc_lsp *s, rc_lsp_doc *d)
{
    publish(s, d->uri, d, diagnostics_of(s, d, d->path));
    /* every other file named (imported headers), once each */
    char **now = NULL;
    int nnow = 0;
    for (int i = 0; i < d->recs.n; i++) {
        const char *f = rec_file(d, &d->recs.v[i]);
        if (strcmp(f, d->path) == 0) continue;
        char *uri = rc_lsp_path_to_uri(f);
        bool seen = false;
        for (int k = 0; k < nnow && !seen; k++) seen = strcmp(now[k], uri) == 0;
        if (seen) { free(uri); continue; }
        publish(s, uri, NULL, diagnostics_of(s, d, f));
        char **grown = realloc(now, sizeof *now * (size_t)(nnow + 1));
        if (!grown) { fputs("recovc: internal error: out of memory\n", stderr); exit(3); }
        now = grown;
        now[nnow++] = uri;
    }
    /* headers that had diagnostics and have none now */
    for (int i = 0; i < d->npublished; i++) {
        bool still = false;
        for (int k = 0; k < nnow && !still; k++) still = strcmp(now[k], d->published[i]) == 0;
        if (!still) publish(s, d->published[i], NULL, cJSON_CreateArray());
        free(d->published[i]);
    }
    free(d->published);
    d->published = now;
    d->npublished = nnow;
}

void rc_lsp_diag_clear(rc_lsp *s, rc_lsp_doc *d)
{
    publish(s, d->uri, NULL, cJSON_CreateArray());
    for (int i = 0; i < d->npublished; i++) publish(s, d->published[i], NULL, cJSON_CreateArray());
}
