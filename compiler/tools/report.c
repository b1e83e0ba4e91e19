/* report.c - see report.h. */
#include "report.h"
#include "arena.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "fingerprint.h"

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
        r->files = rc_xrealloc(r->files, (size_t)r->capfiles * sizeof *r->files);
        r->status = rc_xrealloc(r->status, (size_t)r->capfiles * sizeof *r->status);
    }
    r->files[r->nfiles] = path;
    r->status[r->nfiles++] = rc;
    rc_diag_records *to = &r->recs;
    if (to->n + recs->n > to->cap) {
        to->cap = to->n + recs->n + 16;
        to->v = rc_xrealloc(to->v, (size_t)to->cap * sizeof *to->v);
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

/* "prefix" followed by s, as one JSON string. */
static void jstr2(FILE *out, const char *prefix, const char *s)
{
    size_t n = strlen(prefix) + strlen(s) + 1;
    char *t = rc_xrealloc(NULL, n);
    snprintf(t, n, "%s%s", prefix, s);
    jstr(out, t);
    free(t);
}

static int end_line(rc_loc l) { return l.end_line > 0 ? l.end_line : l.line; }
static int end_col(rc_loc l) { return l.end_line > 0 ? l.end_col : l.col; }

static const char *sev_word(rc_diag_sev s)
{
    return s == RC_DIAG_ERROR ? "error" : s == RC_DIAG_WARNING ? "warning" : "note";
}

/* The rule id of a record: its -W name, or its error kind. */
static const char *rule_id(const rc_diag_rec *m) { return m->code ? m->code : rc_error_kind_name(m->kind); }

/* ---- JSON ------------------------------------------------------------------------ */

/* "file": F, "line": N, "column": N[, "endLine": N, "endColumn": N] */
static void json_pos(FILE *out, const char *file, rc_loc loc)
{
    fputs("\"file\": ", out);
    jstr(out, file);
    fprintf(out, ", \"line\": %d, \"column\": %d", loc.line, loc.col);
    if (loc.line > 0) fprintf(out, ", \"endLine\": %d, \"endColumn\": %d", end_line(loc), end_col(loc));
}

static void json_diag(FILE *out, const rc_diag_rec *m)
{
    fputs("\n    {", out);
    json_pos(out, m->file, m->loc);
    fprintf(out, ", \"severity\": \"%s\", \"rule\": ", sev_word(m->severity));
    jstr(out, rule_id(m));
    fputs(", \"warning\": ", out);
    if (m->code) jstr(out, m->code); else fputs("null", out);
    fputs(", \"message\": ", out);
    jstr(out, m->text);
    if (m->nnotes) {
        fputs(",\n     \"notes\": [", out);
        for (int j = 0; j < m->nnotes; j++) {
            const rc_diag_rel *x = &m->notes[j];
            fputs(j ? ",\n       {" : "\n       {", out);
            if (x->file) json_pos(out, x->file, x->loc);
            else fputs("\"file\": null, \"line\": 0, \"column\": 0", out);
            fprintf(out, ", \"kind\": \"%s\", \"message\": ", x->kind == RC_DIAG_FIX ? "fix" : "note");
            jstr(out, x->text);
            fputc('}', out);
        }
        fputc(']', out);
    }
    if (m->nedits) {
        fputs(",\n     \"fixes\": [", out);
        for (int j = 0; j < m->nedits; j++) {
            const rc_diag_edit *e = &m->edits[j];
            fputs(j ? ",\n       {" : "\n       {", out);
            json_pos(out, e->file, e->loc);
            fputs(", \"replacement\": ", out);
            jstr(out, e->text);
            fputs(", \"description\": ", out);
            jstr(out, e->desc);
            fputc('}', out);
        }
        fputc(']', out);
    }
    fputc('}', out);
}

void rc_report_json(const rc_report *r, FILE *out)
{
    int errors = 0, warnings = 0, n = 0, nn = 0;
    fputs("{\n  \"diagnostics\": [", out);
    for (int i = 0; i < r->recs.n; i++) {
        const rc_diag_rec *m = &r->recs.v[i];
        if (m->severity == RC_DIAG_ERROR) errors++;
        else warnings++;
        if (!m->file) continue;
        if (n++) fputc(',', out);
        json_diag(out, m);
    }
    fprintf(out, "%s],\n  \"notifications\": [", n ? "\n  " : "");
    for (int i = 0; i < r->recs.n; i++) {
        const rc_diag_rec *m = &r->recs.v[i];
        if (m->file) continue;
        fprintf(out, "%s\n    {\"severity\": \"%s\", \"rule\": ", nn++ ? "," : "", sev_word(m->severity));
        jstr(out, rule_id(m));
        fputs(", \"message\": ", out);
        jstr(out, m->text);
        fputc('}', out);
    }
    fprintf(out, "%s],\n  \"errors\": %d,\n  \"warnings\": %d\n}\n", nn ? "\n  " : "", errors, warnings);
}

/* ---- SARIF ----------------------------------------------------------------------- */

/* s percent-encoded for a URI path: unreserved characters and '/' as they are
 * (RFC 3986), every other byte as %XX. */
static void uri_path(FILE *out, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~/", c))
            fputc(c, out);
        else
            fprintf(out, "%%%02X", c);
    }
}

/* The working directory with a trailing '/', or NULL. */
static char *cwd_slash(void)
{
    char *buf = NULL;
    for (size_t n = 256; n <= 65536; n *= 2) {
        buf = rc_xrealloc(buf, n + 1);
        if (getcwd(buf, n)) {
            size_t l = strlen(buf);
            if (l == 0 || buf[l - 1] != '/') strcat(buf, "/");
            return buf;
        }
    }
    free(buf);
    return NULL;
}

/* The absolute path `path` with empty and "." segments dropped and "dir/.."
 * collapsed (".." at the root stays at the root). */
static char *normalize(const char *path)
{
    size_t n = strlen(path);
    char *o = rc_xrealloc(NULL, n + 2);
    size_t k = 0;
    for (const char *p = path; *p;) {
        while (*p == '/') p++;
        const char *e = p;
        while (*e && *e != '/') e++;
        size_t len = (size_t)(e - p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (k > 0 && o[k - 1] != '/') k--;
            if (k > 0) k--;
        } else if (len && !(len == 1 && p[0] == '.')) {
            o[k++] = '/';
            memcpy(o + k, p, len);
            k += len;
        }
        p = e;
    }
    if (k == 0) o[k++] = '/';
    o[k] = '\0';
    return o;
}

/* "artifactLocation": a path under the working directory (however it was
 * spelled: relative, absolute, through "..") is relative to %SRCROOT%
 * (run.originalUriBaseIds), any other an absolute file:// URI. */
static char *full_path(const char *file, const char *cwd)
{
    size_t len = (cwd ? strlen(cwd) : 1) + strlen(file) + 1;
    char *joined = rc_xrealloc(NULL, len);
    snprintf(joined, len, "%s%s", file[0] == '/' ? "" : cwd ? cwd : "/", file);
    char *full = normalize(joined);
    free(joined);
    return full;
}

static void artifact(FILE *out, const char *file, const char *cwd)
{
    char *full = full_path(file, cwd);
    size_t cl = cwd ? strlen(cwd) : 0;   /* cwd ends in '/' */
    fputs("\"artifactLocation\": {\"uri\": \"", out);
    if (cl && strncmp(full, cwd, cl) == 0 && full[cl]) {
        uri_path(out, full + cl);
        fputs("\", \"uriBaseId\": \"SRCROOT\"", out);
    } else {
        fputs("file://", out);
        uri_path(out, full);
        fputc('"', out);
    }
    fputc('}', out);
    free(full);
}

/* A region object: {"startLine": ..., "endColumn": ...}. */
static void region_obj(FILE *out, rc_loc loc)
{
    int col = loc.col > 0 ? loc.col : 1;
    int el = end_line(loc), ec = end_col(loc) > 0 ? end_col(loc) : col;
    /* SARIF columns are half-open: endColumn is one past the last one */
    fprintf(out, "{\"startLine\": %d, \"startColumn\": %d, \"endLine\": %d, \"endColumn\": %d}", loc.line, col, el,
            ec + 1);
}

static void region(FILE *out, rc_loc loc)
{
    fputs("\"region\": ", out);
    region_obj(out, loc);
}

static void phys(FILE *out, const char *file, rc_loc loc, const char *cwd)
{
    fputs("\"physicalLocation\": {", out);
    artifact(out, file, cwd);
    if (loc.line > 0) {
        fputs(", ", out);
        region(out, loc);
    }
    fputc('}', out);
}

/* "unused-error" -> "UnusedError": the rule's name. */
static void pascal(FILE *out, const char *id)
{
    fputc('"', out);
    for (bool up = true; *id; id++) {
        if (*id == '-') { up = true; continue; }
        fputc(up && *id >= 'a' && *id <= 'z' ? *id - 'a' + 'A' : *id, out);
        up = false;
    }
    fputc('"', out);
}

static void rule(FILE *out, bool first, const char *id, const char *desc, const char *help, const char *level,
                 bool enabled)
{
    fputs(first ? "\n        {\"id\": " : ",\n        {\"id\": ", out);
    jstr(out, id);
    fputs(", \"name\": ", out);
    pascal(out, id);
    fputs(", \"shortDescription\": {\"text\": ", out);
    jstr(out, desc);
    fputs("}, \"fullDescription\": {\"text\": ", out);
    jstr(out, desc);
    fputs("}, \"help\": {\"text\": ", out);
    jstr(out, help);
    fprintf(out, "}, \"defaultConfiguration\": {\"level\": \"%s\"%s}}", level, enabled ? "" : ", \"enabled\": false");
}

/* Rule indexes: the error kinds first, then the warnings. */
static int rule_index(const rc_diag_rec *m)
{
    if (!m->code) return (int)m->kind;
    for (int w = 0; w < RC_W_COUNT; w++)
        if (strcmp(rc_warning_name((rc_warning)w), m->code) == 0) return RC_E_COUNT + w;
    return -1;
}

static void rules(FILE *out)
{
    for (int k = 0; k < RC_E_COUNT; k++)
        rule(out, k == 0, rc_error_kind_name((rc_error_kind)k), rc_error_kind_desc((rc_error_kind)k),
             rc_error_kind_help((rc_error_kind)k), "error", true);
    for (int w = 0; w < RC_W_COUNT; w++) {
        rc_warning x = (rc_warning)w;
        char help[400];
        snprintf(help, sizeof help, "%s -W%s enables it, -Wno-%s disables it, -Werror=%s makes it an error "
                 "(spec/analysis.md).", rc_warning_default_error(x) ? "An error by default." :
                 rc_warning_default(x) ? "On by default." : "Off by default (-Wall turns it on).",
                 rc_warning_name(x), rc_warning_name(x), rc_warning_name(x));
        rule(out, false, rc_warning_name(x), rc_warning_desc(x), help,
             rc_warning_default_error(x) ? "error" : "warning", rc_warning_default(x));
    }
}

/* A result's fingerprint (fingerprint.h) and, per file, how many results
 * before it have the same one: GitHub's primaryLocationLineHash, "HEX:N". */
typedef struct fp_slot { uint64_t key; int idx; } fp_slot;

static int fp_cmp(const void *a, const void *b)
{
    const fp_slot *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static uint64_t fp_of(const rc_diag_rec *m) { return rc_fp_result(rule_id(m), m->text, m->line_hash); }

/* occ[i]: the occurrence number (from 1) of record i's fingerprint in its file. */
static int *fp_occurrences(const rc_diag_records *r, const char *cwd)
{
    int *occ = rc_xrealloc(NULL, (size_t)(r->n ? r->n : 1) * sizeof *occ);
    fp_slot *v = rc_xrealloc(NULL, (size_t)(r->n ? r->n : 1) * sizeof *v);
    for (int i = 0; i < r->n; i++) {
        const rc_diag_rec *m = &r->v[i];
        char *full = m->file ? full_path(m->file, cwd) : NULL;   /* one file however it is spelled */
        v[i].key = rc_fp_result(full, NULL, fp_of(m));
        free(full);
        v[i].idx = i;
    }
    qsort(v, (size_t)r->n, sizeof *v, fp_cmp);
    for (int i = 0; i < r->n; i++)
        occ[v[i].idx] = i > 0 && v[i - 1].key == v[i].key ? occ[v[i - 1].idx] + 1 : 1;
    free(v);
    return occ;
}

static void result(FILE *out, const rc_diag_rec *m, int occ, const char *cwd)
{
    fputs("\n      {\"ruleId\": ", out);
    jstr(out, rule_id(m));
    fprintf(out, ", \"ruleIndex\": %d, \"level\": \"%s\", \"message\": {\"text\": ", rule_index(m),
            sev_word(m->severity));
    jstr(out, m->text);
    fputs("},\n       \"locations\": [{", out);
    phys(out, m->file, m->loc, cwd);
    fputs("}]", out);
    for (int j = 0; j < m->nnotes; j++) {
        const rc_diag_rel *x = &m->notes[j];
        fprintf(out, "%s{\"id\": %d, \"message\": {\"text\": ", j ? ", " : ",\n       \"relatedLocations\": [", j);
        jstr2(out, x->kind == RC_DIAG_FIX ? "fix: " : "", x->text);
        fputc('}', out);
        if (x->file) {
            fputs(", ", out);
            phys(out, x->file, x->loc, cwd);
        }
        fputc('}', out);
    }
    if (m->nnotes) fputc(']', out);
    for (int j = 0; j < m->nedits; j++) {
        const rc_diag_edit *e = &m->edits[j];
        fputs(j ? ",\n         " : ",\n       \"fixes\": [", out);
        fputs("{\"description\": {\"text\": ", out);
        jstr(out, e->desc);
        fputs("}, \"artifactChanges\": [{", out);
        artifact(out, e->file, cwd);
        fputs(", \"replacements\": [{\"deletedRegion\": ", out);
        region_obj(out, e->loc);
        fputs(", \"insertedContent\": {\"text\": ", out);
        jstr(out, e->text);
        fputs("}}]}]}", out);
    }
    if (m->nedits) fputc(']', out);
    fprintf(out, ",\n       \"partialFingerprints\": {\"primaryLocationLineHash\": \"%016llx:%d\"}}",
            (unsigned long long)fp_of(m), occ);
}

void rc_report_sarif(const rc_report *r, FILE *out, const char *version)
{
    char *cwd = cwd_slash();
    bool ok = true;
    for (int i = 0; i < r->nfiles; i++)
        if (r->status[i] >= 2) ok = false;
    fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
          "  \"version\": \"2.1.0\",\n  \"runs\": [{\n"
          "    \"tool\": {\"driver\": {\"name\": \"recovc\", \"version\": ", out);
    jstr(out, version);
    fputs(", \"semanticVersion\": ", out);
    jstr(out, version);
    fputs(",\n      \"rules\": [", out);
    rules(out);
    fputs("]}},\n", out);
    if (cwd) {
        fputs("    \"originalUriBaseIds\": {\"SRCROOT\": {\"uri\": \"file://", out);
        uri_path(out, cwd);
        fputs("\", \"description\": {\"text\": \"the working directory of recovc\"}}},\n", out);
    }
    fputs("    \"columnKind\": \"unicodeCodePoints\",\n", out);
    fprintf(out, "    \"invocations\": [{\"executionSuccessful\": %s", ok ? "true" : "false");
    if (cwd) {
        /* GitHub code scanning makes absolute URIs under it relative */
        fputs(", \"workingDirectory\": {\"uri\": \"file://", out);
        uri_path(out, cwd);
        fputs("\"}", out);
    }
    int nn = 0;
    for (int i = 0; i < r->recs.n; i++) {
        const rc_diag_rec *m = &r->recs.v[i];
        if (m->file) continue;
        fputs(nn++ ? ",\n        " : ", \"toolExecutionNotifications\": [\n        ", out);
        fprintf(out, "{\"level\": \"%s\", \"message\": {\"text\": ", sev_word(m->severity));
        jstr(out, m->text);
        /* the rule it belongs to (there are no notification descriptors) */
        fputs("}, \"associatedRule\": {\"id\": ", out);
        jstr(out, rule_id(m));
        fprintf(out, ", \"index\": %d}}", rule_index(m));
    }
    fputs(nn ? "]}],\n" : "}],\n", out);
    fputs("    \"results\": [", out);
    int n = 0, *occ = fp_occurrences(&r->recs, cwd);
    for (int i = 0; i < r->recs.n; i++) {
        const rc_diag_rec *m = &r->recs.v[i];
        if (!m->file) continue;
        if (n++) fputc(',', out);
        result(out, m, occ[i], cwd);
    }
    fprintf(out, "%s]\n  }]\n}\n", n ? "\n    " : "");
    free(occ);
    free(cwd);
}
