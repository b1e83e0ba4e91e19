/* report.c - see report.h. */
#include "report.h"

#include <stdbool.h>
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

static char *dupn(const char *s, size_t n)
{
    char *p = xrealloc(NULL, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void rc_report_init(rc_report *r) { memset(r, 0, sizeof *r); }

void rc_report_free(rc_report *r)
{
    for (int i = 0; i < r->n; i++) {
        free(r->msgs[i].file);
        free(r->msgs[i].rule);
        free(r->msgs[i].text);
    }
    free(r->msgs);
    free(r->files);
    free(r->status);
    memset(r, 0, sizeof *r);
}

static const char *const kinds[] = {"error", "warning", "note"};

/* Parse one line; true when it is a message. */
static bool parse_line(const char *path, const char *s, size_t n, rc_report_msg *m)
{
    memset(m, 0, sizeof *m);
    if (n == 0 || s[0] == ' ') return false;   /* caret lines */
    size_t pl = strlen(path);
    const char *p = s, *end = s + n;
    const char *file = s;
    size_t flen;
    if (n > pl && strncmp(s, path, pl) == 0 && s[pl] == ':') {
        flen = pl;
        p = s + pl + 1;
        if (p < end && *p >= '0' && *p <= '9') {
            m->line = (int)strtol(p, (char **)&p, 10);
            if (p < end && *p == ':') p++;
            m->col = (int)strtol(p, (char **)&p, 10);
            if (p < end && *p == ':') p++;
        }
    } else if (n > 8 && strncmp(s, "recovc: ", 8) == 0) {
        flen = 6;
        p = s + 8;
    } else {
        return false;
    }
    while (p < end && *p == ' ') p++;
    int k = -1;
    for (int i = 0; i < 3 && k < 0; i++) {
        size_t kl = strlen(kinds[i]);
        if ((size_t)(end - p) > kl + 1 && strncmp(p, kinds[i], kl) == 0 && p[kl] == ':') { k = i; p += kl + 2; }
    }
    if (k < 0) return false;
    strcpy(m->kind, kinds[k]);
    m->file = dupn(file, flen);
    size_t tl = (size_t)(end - p);
    /* trailing [-Wname] or [-Werror=name] */
    if (tl > 4 && p[tl - 1] == ']') {
        const char *o = p + tl;
        while (o > p && o[-1] != '[') o--;
        if (o > p + 1 && o[0] == '-' && o[1] == 'W' && o[-2] == ' ') {
            const char *name = o + 2;
            if (strncmp(name, "error=", 6) == 0) name += 6;
            m->rule = dupn(name, (size_t)(p + tl - 1 - name));
            tl = (size_t)(o - 2 - p);
        }
    }
    m->text = dupn(p, tl);
    return true;
}

void rc_report_add(rc_report *r, const char *path, const char *text, size_t len, int rc)
{
    if (r->nfiles == r->capfiles) {
        r->capfiles = r->capfiles ? 2 * r->capfiles : 8;
        r->files = xrealloc(r->files, (size_t)r->capfiles * sizeof *r->files);
        r->status = xrealloc(r->status, (size_t)r->capfiles * sizeof *r->status);
    }
    r->files[r->nfiles] = path;
    r->status[r->nfiles++] = rc;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e) e = end;
        rc_report_msg m;
        if (parse_line(path, p, (size_t)(e - p), &m)) {
            if (r->n == r->cap) {
                r->cap = r->cap ? 2 * r->cap : 16;
                r->msgs = xrealloc(r->msgs, (size_t)r->cap * sizeof *r->msgs);
            }
            r->msgs[r->n++] = m;
        }
        p = e + 1;
    }
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

void rc_report_json(const rc_report *r, FILE *out)
{
    int errors = 0, warnings = 0;
    fputs("{\n  \"diagnostics\": [", out);
    for (int i = 0; i < r->n; i++) {
        const rc_report_msg *m = &r->msgs[i];
        if (strcmp(m->kind, "error") == 0) errors++;
        if (strcmp(m->kind, "warning") == 0) warnings++;
        fprintf(out, "%s\n    {\"file\": ", i ? "," : "");
        jstr(out, m->file);
        fprintf(out, ", \"line\": %d, \"column\": %d, \"severity\": \"%s\", \"rule\": ", m->line, m->col, m->kind);
        if (m->rule) jstr(out, m->rule); else fputs("null", out);
        fputs(", \"message\": ", out);
        jstr(out, m->text);
        fputc('}', out);
    }
    fprintf(out, "%s],\n  \"errors\": %d,\n  \"warnings\": %d\n}\n", r->n ? "\n  " : "", errors, warnings);
}

static void phys(FILE *out, const rc_report_msg *m)
{
    fputs("\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
    jstr(out, m->file);
    fputc('}', out);
    if (m->line > 0)
        fprintf(out, ", \"region\": {\"startLine\": %d, \"startColumn\": %d}", m->line, m->col > 0 ? m->col : 1);
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
    int nres = 0;
    for (int i = 0; i < r->n; i++) {
        const rc_report_msg *m = &r->msgs[i];
        if (strcmp(m->kind, "note") == 0) continue;
        fprintf(out, "%s\n      {\"ruleId\": ", nres++ ? "," : "");
        jstr(out, m->rule ? m->rule : "error");
        fprintf(out, ", \"level\": \"%s\", \"message\": {\"text\": ", m->kind);
        jstr(out, m->text);
        fputs("},\n       \"locations\": [", out);
        fputc('{', out);
        phys(out, m);
        fputs("}]", out);
        int nrel = 0;
        for (int j = i + 1; j < r->n && strcmp(r->msgs[j].kind, "note") == 0; j++) {
            fprintf(out, "%s{\"id\": %d, ", nrel ? ", " : ",\n       \"relatedLocations\": [", nrel);
            fputs("\"message\": {\"text\": ", out);
            jstr(out, r->msgs[j].text);
            fputs("}, ", out);
            phys(out, &r->msgs[j]);
            fputc('}', out);
            nrel++;
        }
        if (nrel) fputc(']', out);
        fputc('}', out);
    }
    fprintf(out, "%s]\n  }]\n}\n", nres ? "\n    " : "");
}
