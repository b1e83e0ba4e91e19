/* lsp_doc.c - open documents: their text and their last analysis (syntax
 * tree, IR, names, diagnostic records). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsp_int.h"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) { fputs("recovc: internal error: out of memory\n", stderr); exit(3); }
    return q;
}

static char *xstrdup(const char *t)
{
    size_t n = strlen(t) + 1;
    char *c = xrealloc(NULL, n);
    memcpy(c, t, n);
    return c;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char *rc_lsp_uri_to_path(const char *uri)
{
    const char *p = uri;
    if (strncmp(p, "file://", 7) == 0) {
        p += 7;
        if (*p != '/') { const char *sl = strchr(p, '/'); p = sl ? sl : p + strlen(p); }   /* file://host/path */
    }
    char *out = xrealloc(NULL, strlen(p) + 1), *o = out;
    for (; *p; p++) {
        int h, l;
        if (*p == '%' && (h = hexval(p[1])) >= 0 && (l = hexval(p[2])) >= 0 && (h || l)) {
            *o++ = (char)(h * 16 + l);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

char *rc_lsp_path_to_uri(const char *path)
{
    char *abs = NULL;
    if (path[0] != '/') {
        char cwd[4096];
        if (getcwd(cwd, sizeof cwd)) {
            abs = xrealloc(NULL, strlen(cwd) + strlen(path) + 2);
            sprintf(abs, "%s/%s", cwd, path);
            path = abs;
        }
    }
    char *out = xrealloc(NULL, 8 + 3 * strlen(path)), *o = out;
    o += sprintf(o, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("/-._~", *p)) *o++ = (char)*p;
        else o += sprintf(o, "%%%02X", *p);
    }
    *o = '\0';
    free(abs);
    return out;
}

rc_lsp_doc *rc_lsp_doc_find(rc_lsp *s, const char *uri)
{
    for (int i = 0; i < s->ndocs; i++)
        if (strcmp(s->docs[i]->uri, uri) == 0) return s->docs[i];
    return NULL;
}

void rc_lsp_doc_set_text(rc_lsp_doc *d, const char *text, size_t len)
{
    free(d->text);
    d->text = xrealloc(NULL, len + 1);
    memcpy(d->text, text, len);
    d->text[len] = '\0';
    d->len = len;
}

rc_lsp_doc *rc_lsp_doc_open(rc_lsp *s, const char *uri, const char *text, size_t len)
{
    rc_lsp_doc *d = xrealloc(NULL, sizeof *d);
    memset(d, 0, sizeof *d);
    d->uri = xstrdup(uri);
    d->path = rc_lsp_uri_to_path(uri);
    rc_lsp_doc_set_text(d, text, len);
    if (s->ndocs == s->capdocs) {
        s->capdocs = s->capdocs ? s->capdocs * 2 : 8;
        s->docs = xrealloc(s->docs, sizeof *s->docs * (size_t)s->capdocs);
    }
    s->docs[s->ndocs++] = d;
    return d;
}

void rc_lsp_doc_free(rc_lsp_doc *d)
{
    if (d->analysed) rc_unit_free(&d->unit);
    rc_lsp_names_free(&d->names);
    rc_diag_records_free(&d->recs);
    for (int i = 0; i < d->npublished; i++) free(d->published[i]);
    free(d->published);
    free(d->uri);
    free(d->path);
    free(d->text);
    free(d);
}

void rc_lsp_doc_close(rc_lsp *s, rc_lsp_doc *d)
{
    rc_lsp_diag_clear(s, d);
    for (int i = 0; i < s->ndocs; i++)
        if (s->docs[i] == d) s->docs[i] = s->docs[--s->ndocs];
    rc_lsp_doc_free(d);
}

void rc_lsp_doc_analyse(rc_lsp *s, rc_lsp_doc *d)
{
    if (d->analysed) rc_unit_free(&d->unit);
    rc_lsp_names_free(&d->names);
    rc_diag_records_free(&d->recs);
    rc_unit_opts o = s->base;
    o.text = d->text;
    o.text_len = d->len;
    o.records = &d->recs;       /* the diagnostics as records, no text */
    rc_unit_load(&d->unit, d->path, s->null_out, &o);
    d->analysed = true;
    rc_lsp_names_build(&d->names, d->unit.ast, d->unit.cconsts, d->unit.ncconsts);
    rc_lsp_diag_publish(s, d);
}
