/* report.c - see report.h. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("recovc: internal error: out of memory\n", stderr);
        exit(3);
    }
    return q;
}

void rc_report_init(rc_report *r) { memset(r, 0, sizeof *r); }

void rc_report_free(rc_report *r)
{
    rc_diag_records_free(&r->recs);
    free(r->files);
    free(r->status);
    memset(r, 0, sizeof *r);
}

void rc_report_add(rc_report *r, const char *path, rc_diag_records *recs, int rc)
{
    if (r->nfiles == r->capfiles) {
        r->capfiles = r->capfiles ? 2 * r->capfiles : 8;
        r->files = xrealloc(r->files, (size_t)r->capfiles * sizeof *r->files);
        r->status = xrealloc(r->status, (size_t)r->capfiles * sizeof *r->status);
    }
    r->files[r->nfiles] = path;
    r->status[r->nfiles++] = rc;
    rc_diag_records *to = &r->recs;
    if (to->n + recs->n > to->cap) {
        to->cap = to->n + recs->n + 16;
        to->v = xrealloc(to->v, (size_t)to->cap * sizeof *to->v);
    }
    if (recs->n) memcpy(to->v + to->n, recs->v, (size_t)recs->n * sizeof *recs->v);
    to->n += recs->n;
    free(recs->v);
    memset(recs, 0, sizeof *recs);
}

static void jstr(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c == '\n') fputs("\\n", out);
        else if (c == '\t') fputs("\\t", out);
        else if (c < 0x20 || c >= 0x7f) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static int end_line(rc_loc l) { return l.end_line > 0 ? l.end_line : l.line; }
static int end_col(rc_loc l) { return l.end_line > 0 ? l.end_col : l.col; }

static const char *sev_word(rc_diag_sev s)
{
    return s == RC_DIAG_ERROR ? "error" : s == RC_DIAG_WARNING ? "warning" : "note";
}

/* One diagnostic or note of the JSON list. */
static void json_item(FILE *out, const char *file, rc_loc loc, rc_diag_sev sev, const char *rule,
                      const char *prefix, const char *text)
{
    fputs("\n    {\"file\": ", out);
    jstr(out, file ? file : "recovc");
    fprintf(out, ", \"line\": %d, \"column\": %d, ", loc.line, loc.col);
    if (loc.line > 0) fprintf(out, "\"endLine\": %d, \"endColumn\": %d, ", end_line(loc), end_col(loc));
    fprintf(out, "\"severity\": \"%s\", \"rule\": ", sev_word(sev));
    if (rule) jstr(out, rule); else fputs("null", out);
    fputs(", \"message\": ", out);
    if (prefix && *prefix) {
        size_t n = strlen(prefix) + strlen(text) + 1;
        char *t = xrealloc(NULL, n);
        snprintf(t, n, "%s%s", prefix, text);
        jstr(out, t);
        free(t);
    } else {
        jstr(out, text);
    }
    fputc('}', out);
}

void rc_report_json(const rc_report *r, FILE *out)
{
    int errors = 0, warnings = 0, n = 0;
    fputs("{\n  \"diagnostics\": [", out);
    for (int i = 0; i < r->recs.n; i++) {
        const rc_diag_rec *m = &r->recs.v[i];
        if (m->severity == RC_DIAG_ERROR) errors++;
        else warnings++;
        if (n++) fputc(',', out);
        json_item(out, m->file, m->loc, m->severity, m->code, NULL, m->text);
        for (int j = 0; j < m->nnotes; j++) {
            const rc_diag_rel *x = &m->notes[j];
            fputc(',', out);
            n++;
            json_item(out, x->file, x->loc, RC_DIAG_NOTE, NULL, x->kind == RC_DIAG_FIX ? "fix: " : NULL, x->text);
        }
    }
    fprintf(out, "%s],\n  \"errors\": %d,\n  \"warnings\": %d\n}\n", n ? "\n  " : "", errors, warnings);
}

static void phys(FILE *out, const char *file, rc_loc loc)
{
    fputs("\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
    jstr(out, file ? file : "recovc");
    fputc('}', out);
    if (loc.line > 0) {
        int col = loc.col > 0 ? loc.col : 1;
        int el = end_line(loc), ec = end_col(loc) > 0 ? end_col(loc) : col;
        /* SARIF columns are half-open: endColumn is one past the last one */
        fprintf(out, ", \"region\": {\"startLine\": %d, \"startColumn\": %d, \"endLine\": %d, "
                     "\"endColumn\": %d}", loc.line, col, el, ec + 1);
    }
    fputs("}", out);
}

void rc_report_sarif(const rc_report *r, FILE *out, const char *version)
{
    fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
          "  \"version\": \"2.1.0\",\n  \"runs\": [{\n"
          "    \"tool\": {\"driver\": {\"name\": \"recovc\", \"version\": ", out);
    jstr(out, version);
    fputs(",\n      \"rules\": [\n"
          "        {\"id\": \"error\", \"shortDescription\": {\"text\": \"an error in the policy\"}}", out);
    for (int w = 0; w < RC_W_COUNT; w++) {
        fputs(",\n        {\"id\": ", out);
        jstr(out, rc_warning_name((rc_warning)w));
        fputs(", \"shortDescription\": {\"text\": ", out);
        jstr(out, rc_warning_desc((rc_warning)w));
        fputs("}}", out);
    }
    fputs("]}},\n    \"results\": [", out);
    for (int i = 0; i < r->recs.n; i++) {
        const rc_diag_rec *m = &r->recs.v[i];
        fprintf(out, "%s\n      {\"ruleId\": ", i ? "," : "");
        jstr(out, m->code ? m->code : "error");
        fprintf(out, ", \"level\": \"%s\", \"message\": {\"text\": ", sev_word(m->severity));
        jstr(out, m->text);
        fputs("},\n       \"locations\": [", out);
        fputc('{', out);
        phys(out, m->file, m->loc);
        fputs("}]", out);
        for (int j = 0; j < m->nnotes; j++) {
            const rc_diag_rel *x = &m->notes[j];
            fprintf(out, "%s{\"id\": %d, ", j ? ", " : ",\n       \"relatedLocations\": [", j);
            fputs("\"message\": {\"text\": ", out);
            if (x->kind == RC_DIAG_FIX) {
                size_t n = strlen(x->text) + 6;
                char *t = xrealloc(NULL, n);
                snprintf(t, n, "fix: %s", x->text);
                jstr(out, t);
                free(t);
            } else {
                jstr(out, x->text);
            }
            fputs("}, ", out);
            phys(out, x->file, x->loc);
            fputc('}', out);
        }
        if (m->nnotes) fputc(']', out);
        fputc('}', out);
    }
    fprintf(out, "%s]\n  }]\n}\n", r->recs.n ? "\n    " : "");
}
